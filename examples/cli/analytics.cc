// crm analyze churn | cohorts | rfm | top | at-risk: the customer reports (crm/analytics.hpp);
// crm analyze customer ID: one customer's purchase facts, RFM scores and lifetime value.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "crm/analytics.hpp"

namespace crm::cli {
namespace {

struct AnalyzeArgs {
  std::string where, group_by, from, to, since, at, time_zone = "UTC", definition = "lifecycle", currency = "EUR", html;
  std::int64_t inactive_days = 90;
  std::size_t months = 12, limit = 20;
  bool by_purchase = false, archived = false;
  std::uint64_t customer = 0;
  std::vector<std::string> fields;
  std::uint32_t minimum = 0;
  double min_risk = 0;
};

void Customer(Context& ctx, const AnalyzeArgs& a) {
  auto store = ctx.Open(false, true);
  const PurchaseFacts f = Must(store->Run(&ReadTxn::GetPurchaseFacts, CustomerId{a.customer}), "customer");
  const Timestamp at = a.at.empty() ? 0 : ParseTime(a.at, "--at");
  RfmQuery rq;
  rq.currency = a.currency;
  rq.at = at;
  const absl::StatusOr<RfmScore> rfm = store->Run(&ReadTxn::RfmOf, CustomerId{a.customer}, rq);
  if (!rfm.ok() && !absl::IsFailedPrecondition(rfm.status())) Check(rfm.status(), "rfm");
  const LifetimeValue v =
      Must(store->Run(&ReadTxn::GetLifetimeValue, LifetimeValueQuery{a.customer, a.currency, at, a.inactive_days}), "value");
  nlohmann::ordered_json totals = nlohmann::ordered_json::array();
  for (const Money& m : f.totals) totals.push_back(MoneyText(m));
  if (ctx.json) {
    nlohmann::ordered_json out{{"customer", a.customer},
                               {"purchases", f.purchases},
                               {"first_purchase_at", FormatTime(f.first_purchase_at)},
                               {"last_purchase_at", FormatTime(f.last_purchase_at)},
                               {"totals", totals},
                               {"churned_at", FormatTime(f.churned_at)},
                               {"estimated", v.estimated},
                               {"historic", MoneyText(v.historic)},
                               {"average_order", MoneyText(v.average_order)},
                               {"purchases_per_year", v.purchases_per_year},
                               {"yearly_churn_rate", v.yearly_churn_rate},
                               {"expected_years", v.expected_years},
                               {"predicted", MoneyText(v.predicted)}};
    if (rfm.ok())
      out["rfm"] = {{"r", rfm->r}, {"f", rfm->f}, {"m", rfm->m}, {"segment", std::string(RfmSegmentName(rfm->segment))}};
    return PrintJson(out);
  }
  std::cout << "customer " << a.customer << ": " << f.purchases << " purchases";
  if (f.purchases > 0) std::cout << ", " << FormatTime(f.first_purchase_at) << " to " << FormatTime(f.last_purchase_at);
  std::cout << "\n";
  for (const Money& m : f.totals) std::cout << "  bought " << MoneyText(m) << "\n";
  if (f.churned_at != 0) std::cout << "  churned " << FormatTime(f.churned_at) << "\n";
  if (rfm.ok())
    std::cout << "RFM: R" << rfm->r << " F" << rfm->f << " M" << rfm->m << " (" << RfmSegmentName(rfm->segment) << ")\n";
  std::cout << "lifetime value: " << MoneyText(v.historic) << " so far";
  if (!v.estimated) {
    std::cout << " (no estimate: " << (f.purchases < 2 ? "fewer than 2 purchases" : "no customers a year back to measure churn on")
              << ")\n";
    return;
  }
  std::cout << ", " << MoneyText(v.predicted) << " predicted (" << MoneyText(v.average_order) << " an order x "
            << Fixed(v.purchases_per_year, "%.2f") << " a year x " << Fixed(v.expected_years, "%.1f")
            << " years; yearly churn " << Fixed(100 * v.yearly_churn_rate, "%.1f") << " %)\n";
}

void PrintRisk(const ChurnRisk& r, bool json) {
  if (json) {
    nlohmann::ordered_json factors = nlohmann::ordered_json::array();
    for (const ChurnRiskFactor& f : r.factors)
      factors.push_back({{"field", f.field}, {"value", f.value}, {"churned", f.churned}, {"stayed", f.stayed}, {"weight", f.weight}});
    nlohmann::ordered_json out{{"customer", r.customer}, {"model", r.model}, {"risk", r.risk}, {"explanation", r.explanation},
                               {"churned", r.churned}, {"stayed", r.stayed}, {"prior", r.prior}, {"factors", std::move(factors)}};
    return PrintJson(out);
  }
  std::cout << "customer " << r.customer << ": ";
  if (!r.model) {
    std::cout << r.explanation << "\n";
    return;
  }
  std::cout << "churn risk " << Fixed(100 * r.risk, "%.1f") << " % (" << r.explanation << ")\nbefore the factors: "
            << Fixed(100 * r.prior, "%.1f") << " %\n";
  std::vector<std::vector<std::string>> rows;
  for (const ChurnRiskFactor& f : r.factors)
    rows.push_back({f.field, f.value, std::to_string(f.churned), std::to_string(f.stayed), Fixed(f.weight, "%+.3f"),
                    f.weight >= 0 ? "raises" : "lowers"});
  PrintTable({"field", "value", "churned", "stayed", "weight", "risk"}, rows);
}

}  // namespace

void AddAnalyticsCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<AnalyzeArgs>();
  CLI::App* analyze = app.add_subcommand(
      "analyze",
      "customer analytics: churn, cohorts (retention), rfm (segments), top (by value), at-risk, customer ID, risk ID, risk-model");
  analyze->require_subcommand(1);
  const auto common = [&](CLI::App* c) {
    c->add_option("--where", a->where, "which customers (a filter of customers; default: all)");
    c->add_flag("--archived", a->archived, "archived customers too");
    AddHtmlOption(c, a->html);
  };
  CLI::App* churn = analyze->add_subcommand("churn", "churn over a period, per group: customers counted, churned, rate");
  common(churn);
  churn->add_option("--from", a->from, "the period's start (a date or time, included)")->required();
  churn->add_option("--to", a->to, "the period's end (excluded; default now)");
  churn->add_option("--group-by", a->group_by, "a field (custom.contract, owner, tag ...), band(custom.tenure, 12), quarter(created_at)");
  churn->add_option("--definition", a->definition, "lifecycle (moved to churned; default) or no_purchase")
      ->check(CLI::IsMember({"lifecycle", "no_purchase"}));
  churn->add_option("--inactive-days", a->inactive_days, "no_purchase: days without a purchase that make a customer lapsed (default 90)");
  churn->add_option("--time-zone", a->time_zone, "where time buckets begin (IANA name, default UTC)");
  CLI::App* cohorts = analyze->add_subcommand("cohorts", "cohort retention by month of first purchase");
  common(cohorts);
  cohorts->add_option("--from", a->from, "the first cohort's month (a date)")->required();
  cohorts->add_option("--to", a->to, "the end of the cohorts' months (excluded; default now)");
  cohorts->add_option("--months", a->months, "months after the first (default 12)");
  cohorts->add_option("--time-zone", a->time_zone, "where months begin (IANA name, default UTC)");
  CLI::App* rfm = analyze->add_subcommand("rfm", "RFM segments: customers and value per segment");
  common(rfm);
  rfm->add_option("--currency", a->currency, "the monetary value's currency (default EUR)");
  rfm->add_option("--at", a->at, "the time recency counts to (default now)");
  CLI::App* top = analyze->add_subcommand("top", "the customers who bought most");
  top->add_option("--currency", a->currency, "the currency (default EUR)");
  top->add_option("--limit", a->limit, "how many (default 20)");
  top->add_flag("--archived", a->archived, "archived customers too");
  CLI::App* risk = analyze->add_subcommand("at-risk", "customers not contacted since a time, most valuable first");
  risk->add_option("--since", a->since, "no contact (or purchase) since this date or time")->required();
  risk->add_flag("--by-purchase", a->by_purchase, "by the last purchase instead of the last contact");
  risk->add_option("--currency", a->currency, "the value's currency (default EUR)");
  risk->add_option("--limit", a->limit, "how many (default 20)");
  risk->add_flag("--archived", a->archived, "archived customers too");
  risk->add_option("--min-risk", a->min_risk, "only customers at least this likely to churn (0 to 1; needs analyze risk-model)");
  CLI::App* one = analyze->add_subcommand("customer", "a customer's purchase facts, RFM scores and lifetime value");
  one->add_option("id", a->customer, "the customer's id")->required();
  one->add_option("--currency", a->currency, "the currency (default EUR)");
  one->add_option("--at", a->at, "the time recency and value count to (default now)");
  one->add_option("--inactive-days", a->inactive_days, "days without a purchase that make a customer lapsed (default 90)");
  one->callback([&ctx, a] { Customer(ctx, *a); });
  CLI::App* risk_one = analyze->add_subcommand("risk", "a customer's churn risk and the factors that made it");
  risk_one->add_option("id", a->customer, "the customer's id")->required();
  risk_one->callback([&ctx, a] {
    auto store = ctx.Open(false, true);
    PrintRisk(Must(store->Run(&ReadTxn::ScoreChurnRisk, CustomerId{a->customer}), "risk"), ctx.json);
  });
  CLI::App* model = analyze->add_subcommand("risk-model", "what the churn-risk model reads (shown, or set with --field and --minimum)");
  model->add_option("--field", a->fields, "a field of customers: custom.contract, band(custom.tenure, 12) ... (repeat; '' for none)");
  model->add_option("--minimum", a->minimum, "the customers counted before risks are given (default 20)");
  model->callback([&ctx, a, model] {
    const bool set = model->count("--field") > 0 || model->count("--minimum") > 0;
    auto store = ctx.Open(false, !set);
    ChurnRiskOptions o = Must(store->Run(&ReadTxn::GetChurnRiskOptions), "risk-model");
    if (set) {
      if (model->count("--field") > 0) {
        o.fields.clear();
        for (const std::string& f : a->fields)
          if (!f.empty()) o.fields.push_back(f);
      }
      if (model->count("--minimum") > 0) o.minimum_customers = a->minimum;
      Check(store->Run(&WriteTxn::SetChurnRiskOptions, o), "risk-model");
    }
    if (ctx.json) return PrintJson({{"fields", o.fields}, {"minimum_customers", o.minimum_customers}});
    std::cout << "fields: " << (o.fields.empty() ? "(none)" : "");
    for (std::size_t i = 0; i < o.fields.size(); ++i) std::cout << (i == 0 ? "" : "; ") << o.fields[i];
    std::cout << "\nminimum customers: " << o.minimum_customers << "\n";
  });

  const auto run = [&ctx, a](CustomerReport which) {
    CustomerReportQuery q;
    q.filter = Must(Filter::Parse(a->where), "--where");
    q.include_archived = a->archived;
    q.group_by = Must(Aggregation::ParseGroupBy(a->group_by), "--group-by");
    q.time_zone = a->time_zone;
    q.definition = a->definition == "no_purchase" ? ChurnDefinition::kNoPurchase : ChurnDefinition::kLifecycle;
    q.inactive_days = a->inactive_days;
    q.months = a->months;
    q.currency = a->currency;
    q.by_purchase = a->by_purchase;
    q.limit = a->limit;
    q.min_risk = a->min_risk;
    if (which == CustomerReport::kAtRisk) {
      q.from = ParseTime(a->since, "--since");
    } else if (!a->from.empty()) {
      q.from = ParseTime(a->from, "--from");
    }
    if (which == CustomerReport::kRfm) {
      q.to = a->at.empty() ? 0 : ParseTime(a->at, "--at");
    } else {
      q.to = ParseTime(a->to.empty() ? "now" : a->to, "--to");
    }
    auto store = ctx.Open(false, true);
    PrintReport(ctx, Must(store->Run(&ReadTxn::GetCustomerReport, which, q), std::string(CustomerReportName(which))), a->html);
  };
  churn->callback([run] { run(CustomerReport::kChurn); });
  cohorts->callback([run] { run(CustomerReport::kCohorts); });
  rfm->callback([run] { run(CustomerReport::kRfm); });
  top->callback([run] { run(CustomerReport::kTopValue); });
  risk->callback([run] { run(CustomerReport::kAtRisk); });
}

}  // namespace crm::cli
