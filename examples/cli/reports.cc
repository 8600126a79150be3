// crm report pipeline | winrate | cycle | funnel | lost | forecast | leaderboard | slipped | products: the sales reports
// (crm/sales.hpp), each also as an HTML page with --html; crm report dashboard: five reports on one
// page; crm quota set | list | delete: the quotas the forecast compares with; crm score DEAL: a
// deal's win probability with its factors, and crm scoring: what the model reads
// (crm/scoring.hpp); crm rate set | list | delete: exchange rates, which report --currency uses.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli.h"
#include "crm/analytics.hpp"
#include "crm/sales.hpp"

namespace crm::cli {
namespace {

struct ReportArgs {
  std::string name, where, group_by, period, from, to, time_zone = "UTC", pipeline, bucket = "month", currency, html,
      title = "Sales and customers";
};

struct ScoreArgs {
  std::uint64_t deal = 0;
  std::string fields;
  std::uint32_t minimum = 0;
};

struct RateArgs {
  std::string from, to, rate, effective, currency;
};

struct QuotaArgs {
  std::string period, amount, currency = "EUR", user, team;
};

// The holder a quota command names: --user (a login or name) or --team (a name).
std::pair<UserId, TeamId> Holder(Store& store, const QuotaArgs& a, bool required) {
  if (!a.user.empty() && !a.team.empty()) throw Failure("give --user or --team, not both");
  if (!a.user.empty()) return {Must(store.Run(&ReadTxn::ResolveOwner, std::string_view(a.user)), "--user").id, 0};
  if (!a.team.empty()) return {0, Must(store.Run(&ReadTxn::FindTeamByName, std::string_view(a.team)), "--team").id};
  if (required) throw Failure("give --user or --team");
  return {0, 0};
}

// A pipeline given by name (any case) or id.
PipelineId PipelineArg(Store& store, const std::string& text) {
  const std::vector<Pipeline> all = Must(store.Run(&ReadTxn::ListPipelines), "pipelines");
  std::uint64_t id = 0;
  const bool number = absl::SimpleAtoi(text, &id);
  std::string known;
  for (const Pipeline& p : all) {
    if ((number && p.id == id) || absl::EqualsIgnoreCase(p.name, text)) return p.id;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  throw Failure("--pipeline: no pipeline '" + text + "' (" + known + ")");
}

// The value of `column` of the pipeline summary that the most deals have ("" without deals).
std::string MostDeals(const ReportTable& summary, const std::string& column) {
  const std::size_t c = summary.ColumnIndex(column), count = summary.ColumnIndex("count");
  std::map<std::string, std::int64_t> deals;
  for (const auto& row : summary.rows)
    if (const auto* text = std::get_if<std::string>(&row[c])) deals[*text] += std::get<std::int64_t>(row[count]);
  const auto most = std::max_element(deals.begin(), deals.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
  return most == deals.end() ? std::string() : most->first;
}

// crm report dashboard: the pipeline by stage (as it stands), the forecast by month, the funnel,
// cohort retention and RFM segments (over the period), as one page (--html) or one after another.
void Dashboard(const Context& ctx, Store& store, SalesQuery q, const ReportArgs& a) {
  q.bucket = TimeBucket::kMonth;
  std::vector<ReportTable> tables;
  SalesQuery now = q;  // the pipeline as it stands: not bounded by the period
  now.period.clear();
  now.from = SalesQuery{}.from;
  now.to = SalesQuery{}.to;
  tables.push_back(Must(store.Run(&ReadTxn::GetReport, SalesReport::kPipelineSummary, now), "report pipeline"));
  tables.push_back(Must(store.Run(&ReadTxn::GetReport, SalesReport::kForecast, q), "report forecast"));
  // The funnel of the pipeline asked for, else of the one holding the most deals.
  if (q.pipeline == 0)
    if (const std::string most = MostDeals(tables[0], "pipeline"); !most.empty()) q.pipeline = PipelineArg(store, most);
  tables.push_back(Must(store.Run(&ReadTxn::GetReport, SalesReport::kFunnel, q), "report funnel"));
  // Customers: cohorts over the period (else the year to now), RFM at its end, in the currency
  // asked for, else the one most of the pipeline's deals are in.
  CustomerReportQuery c;
  c.time_zone = q.time_zone;
  if (!q.period.empty()) {
    std::tie(c.from, c.to) = Must(SalesQuery::ParsePeriod(q.period, q.time_zone), "--period");
  } else {
    c.to = q.to != SalesQuery{}.to ? q.to : ParseTime("now", "--to");
    c.from = q.from != SalesQuery{}.from ? q.from : c.to - std::int64_t{365} * 86'400'000'000;
  }
  c.currency = q.currency.empty() ? MostDeals(tables[0], "currency") : q.currency;
  if (c.currency.empty()) c.currency = "EUR";
  tables.push_back(Must(store.Run(&ReadTxn::GetCustomerReport, CustomerReport::kCohorts, c), "cohorts"));
  c.to = q.period.empty() && q.to == SalesQuery{}.to ? 0 : c.to;  // RFM: recency counts to the period's end (or now)
  tables.push_back(Must(store.Run(&ReadTxn::GetCustomerReport, CustomerReport::kRfm, c), "rfm"));
  if (!a.html.empty()) {
    WriteFile(a.html, ReportsToHtml(a.title, tables));
    std::cerr << "wrote " << a.html << "\n";
  }
  if (ctx.json) {
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (const ReportTable& t : tables) all.push_back(cli::ToJson(t));
    return PrintJson(all);
  }
  for (std::size_t i = 0; i < tables.size(); ++i) std::cout << (i == 0 ? "" : "\n") << tables[i].ToText();
}

void PrintScore(const DealScore& s, bool json) {
  if (json) {
    nlohmann::ordered_json factors = nlohmann::ordered_json::array();
    for (const ScoreFactor& f : s.factors)
      factors.push_back({{"field", f.field}, {"value", f.value}, {"won", f.won}, {"lost", f.lost}, {"weight", f.weight}});
    return PrintJson({{"opportunity", s.opportunity}, {"probability", s.probability},
                      {"basis", std::string(ScoreBasisName(s.basis))}, {"explanation", s.explanation}, {"won", s.won},
                      {"lost", s.lost}, {"prior", s.prior}, {"factors", std::move(factors)}});
  }
  std::cout << "deal " << s.opportunity << ": " << Fixed(s.probability, "%.1f") << " % (" << ScoreBasisName(s.basis)
            << ": " << s.explanation << ")\n";
  if (s.basis != ScoreBasis::kModel) return;
  std::cout << "before the factors: " << Fixed(s.prior, "%.1f") << " %\n";
  std::vector<std::vector<std::string>> rows;
  for (const ScoreFactor& f : s.factors)
    rows.push_back({f.field, f.value, std::to_string(f.won), std::to_string(f.lost), Fixed(f.weight, "%+.3f"),
                    f.weight >= 0 ? "for" : "against"});
  PrintTable({"field", "value", "won", "lost", "weight", "effect"}, rows);
}

}  // namespace

void AddReportCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* report = app.add_subcommand(
      "report", "sales reports: pipeline (summary), winrate, cycle (of won deals), funnel, lost (reasons), forecast, leaderboard, "
      "slipped (deals whose expected close moved later), products (sales per product from the deals' lines); dashboard: the "
      "pipeline, the forecast by month, the funnel, cohort retention and RFM segments together (with --html, one page)");
  report->add_option("name", a->name, "pipeline, winrate, cycle, funnel, lost, forecast, leaderboard, slipped, products or dashboard")->required();
  report->add_option("--where", a->where, "which deals (a filter of opportunities; default: all)");
  report->add_option("--group-by", a->group_by, "a field of opportunities: owner, team, product.family ...");
  report->add_option("--period", a->period, "2017, 2017-Q3, 2017-03, 2017-W09, 2017-03-05, or A..B");
  report->add_option("--from", a->from, "the period's start instead (a date or time, included)");
  report->add_option("--to", a->to, "the period's end (excluded)");
  report->add_option("--time-zone", a->time_zone, "where the period's days begin (IANA name, default UTC)");
  report->add_option("--pipeline", a->pipeline, "the funnel's pipeline, by name or id (default: the default one)");
  report->add_option("--bucket", a->bucket, "the forecast's periods: month (default) or quarter")
      ->check(CLI::IsMember({"month", "quarter"}));
  report->add_option("--currency", a->currency, "a reporting currency: amounts converted at the rate on each close date (crm rate)");
  AddHtmlOption(report, a->html);
  report->add_option("--title", a->title, "the HTML page's title (dashboard; default \"Sales and customers\")");
  report->callback([&ctx, a] {
    const bool dashboard = a->name == "dashboard";
    const SalesReport which = dashboard ? SalesReport::kPipelineSummary : Must(ParseSalesReport(a->name));
    SalesQuery q;
    q.filter = Must(Filter::Parse(a->where), "--where");
    q.group_by = a->group_by;
    q.period = a->period;
    if (!a->from.empty()) q.from = ParseTime(a->from, "--from");
    if (!a->to.empty()) q.to = ParseTime(a->to, "--to");
    q.time_zone = a->time_zone;
    q.bucket = a->bucket == "quarter" ? TimeBucket::kQuarter : TimeBucket::kMonth;
    q.currency = a->currency;
    auto store = ctx.Open(false, true);
    if (!a->pipeline.empty()) q.pipeline = PipelineArg(*store, a->pipeline);
    if (dashboard) return Dashboard(ctx, *store, q, *a);
    PrintReport(ctx, Must(store->Run(&ReadTxn::GetReport, which, q), "report " + a->name), a->html);
  });

  auto sa = std::make_shared<ScoreArgs>();
  CLI::App* score = app.add_subcommand("score", "a deal's win probability and the factors that made it");
  score->add_option("deal", sa->deal, "the opportunity's id")->required();
  score->callback([&ctx, sa] {
    auto store = ctx.Open(false, true);
    PrintScore(Must(store->Run(&ReadTxn::ScoreDeal, OpportunityId{sa->deal}), "score"), ctx.json);
  });
  CLI::App* scoring = app.add_subcommand("scoring", "what the deal-scoring model reads (shown, or set with --fields or --minimum)");
  scoring->add_option("--fields", sa->fields, "besides the stage, comma-separated: owner, team, amount, product, product.family, custom.<name>; '' for none");
  scoring->add_option("--minimum", sa->minimum, "the closed deals a pipeline needs before its deals are scored");
  scoring->callback([&ctx, sa, scoring] {
    const bool set = scoring->count("--fields") > 0 || scoring->count("--minimum") > 0;
    auto store = ctx.Open(false, !set);
    ScoringOptions o = Must(store->Run(&ReadTxn::GetScoringOptions), "scoring");
    if (set) {
      if (scoring->count("--fields") > 0) {
        o.fields.clear();
        for (absl::string_view f : absl::StrSplit(sa->fields, ',', absl::SkipWhitespace()))
          o.fields.emplace_back(absl::StripAsciiWhitespace(f));
      }
      if (scoring->count("--minimum") > 0) o.minimum_closed = sa->minimum;
      Check(store->Run(&WriteTxn::SetScoringOptions, o), "scoring");
    }
    if (ctx.json) return PrintJson({{"fields", o.fields}, {"minimum_closed", o.minimum_closed}});
    std::cout << "fields: stage" << (o.fields.empty() ? "" : ", ") << absl::StrJoin(o.fields, ", ")
              << "\nminimum closed deals: " << o.minimum_closed << "\n";
  });

  auto ra = std::make_shared<RateArgs>();
  CLI::App* rate = app.add_subcommand("rate", "exchange rates of a currency into another from a date on");
  rate->require_subcommand(1);
  CLI::App* rset = rate->add_subcommand("set", "from EFFECTIVE on, 1 FROM is worth RATE TO (replacing the rate set then)");
  rset->add_option("from", ra->from, "ISO 4217 code")->required();
  rset->add_option("to", ra->to, "ISO 4217 code")->required();
  rset->add_option("rate", ra->rate, "a decimal, at most 9 places: 1.0834")->required();
  rset->add_option("effective", ra->effective, "a date or time (UTC unless it says)")->required();
  rset->callback([&ctx, ra] {
    auto store = ctx.Open();
    const ExchangeRate set = Must(store->Run(&WriteTxn::SetExchangeRate,
                                             ExchangeRate{ra->from, ra->to, ParseTime(ra->effective, "effective"),
                                                          Must(ExchangeRate::ParseRate(ra->rate)), 0}),
                                  "rate set");
    if (ctx.json) return PrintJson({{"from", set.from}, {"to", set.to}, {"effective", FormatTime(set.effective)}, {"rate", set.RateText()}});
    std::cout << "1 " << set.from << " = " << set.RateText() << " " << set.to << " from " << FormatTime(set.effective) << "\n";
  });
  CLI::App* rlist = rate->add_subcommand("list", "the rates (from CURRENCY, or --to one)");
  rlist->add_option("currency", ra->currency, "the currency converted from");
  rlist->add_option("--to", ra->to, "the currency converted into");
  rlist->callback([&ctx, ra] {
    auto store = ctx.Open(false, true);
    const std::vector<ExchangeRate> all =
        Must(store->Run(&ReadTxn::ListExchangeRates, std::string_view(ra->currency), std::string_view(ra->to)), "rate list");
    std::vector<std::vector<std::string>> rows;
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const ExchangeRate& r : all) {
      rows.push_back({r.from, r.to, r.RateText(), FormatTime(r.effective)});
      out.push_back({{"from", r.from}, {"to", r.to}, {"rate", r.RateText()}, {"effective", FormatTime(r.effective)}});
    }
    if (ctx.json) return PrintJson(out);
    PrintTable({"from", "to", "rate", "effective"}, rows);
  });
  CLI::App* rdel = rate->add_subcommand("delete", "remove the rate of a pair set for a time");
  rdel->add_option("from", ra->from)->required();
  rdel->add_option("to", ra->to)->required();
  rdel->add_option("effective", ra->effective)->required();
  rdel->callback([&ctx, ra] {
    auto store = ctx.Open();
    Check(store->Run(&WriteTxn::DeleteExchangeRate, std::string_view(ra->from), std::string_view(ra->to),
                     ParseTime(ra->effective, "effective")),
          "rate delete");
  });

  auto qa = std::make_shared<QuotaArgs>();
  CLI::App* quota = app.add_subcommand("quota", "sales targets of users and teams per month or quarter");
  quota->require_subcommand(1);
  const auto holder_options = [&](CLI::App* c) {
    c->add_option("--user", qa->user, "a user's login or name");
    c->add_option("--team", qa->team, "a team's name");
  };
  CLI::App* qset = quota->add_subcommand("set", "set (or replace) the quota of --user or --team for a period");
  qset->add_option("period", qa->period, "a month (2024-03) or a quarter (2024-Q1)")->required();
  qset->add_option("amount", qa->amount, "in major units, e.g. 50000.00")->required();
  qset->add_option("--currency", qa->currency, "ISO 4217 (default EUR)");
  holder_options(qset);
  qset->callback([&ctx, qa] {
    auto store = ctx.Open();
    const auto [user, team] = Holder(*store, *qa, true);
    const Quota set = Must(store->Run(&WriteTxn::SetQuota, Quota{user, team, qa->period, ParseMoney(qa->amount, qa->currency), 0, {}}),
                           "quota set");
    if (ctx.json) return PrintJson({{"user", set.user}, {"team", set.team}, {"period", set.period},
                                    {"target", {{"minor_units", set.target.minor_units}, {"currency", set.target.currency}}}});
    std::cout << "quota " << set.period << ": " << MoneyText(set.target) << "\n";
  });
  CLI::App* qlist = quota->add_subcommand("list", "the quotas (of --user or --team)");
  holder_options(qlist);
  qlist->callback([&ctx, qa] {
    auto store = ctx.Open(false, true);
    const auto [user, team] = Holder(*store, *qa, false);
    const std::vector<Quota> all = Must(store->Run(&ReadTxn::ListQuotas, user, team), "quota list");
    std::vector<std::vector<std::string>> rows;
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const Quota& x : all) {
      const std::string who = x.user != 0 ? Must(store->Run(&ReadTxn::GetUser, x.user), "quota list").name
                                          : Must(store->Run(&ReadTxn::GetTeam, x.team), "quota list").name;
      rows.push_back({x.user != 0 ? "user" : "team", who, x.period, MoneyText(x.target)});
      out.push_back({{"holder", x.user != 0 ? "user" : "team"}, {"name", who}, {"period", x.period},
                     {"target", {{"minor_units", x.target.minor_units}, {"currency", x.target.currency}}}});
    }
    if (ctx.json) return PrintJson(out);
    PrintTable({"holder", "name", "period", "target"}, rows);
  });
  CLI::App* qdel = quota->add_subcommand("delete", "remove the quota of --user or --team for a period");
  qdel->add_option("period", qa->period)->required();
  holder_options(qdel);
  qdel->callback([&ctx, qa] {
    auto store = ctx.Open();
    const auto [user, team] = Holder(*store, *qa, true);
    Check(store->Run(&WriteTxn::DeleteQuota, user, team, std::string_view(qa->period)), "quota delete");
  });
}

}  // namespace crm::cli
