// crm pipeline list | add, crm opportunity add | get | list | move | close, crm aggregate
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cli.h"

namespace crm::cli {

// "1200.50" in `currency`'s minor units.
Money ParseMoney(const std::string& text, const std::string& currency) {
  if (!IsKnownCurrency(currency)) throw Failure("--currency: '" + currency + "' is not an ISO 4217 code (EUR, USD ...)");
  const int digits = CurrencyMinorDigits(currency).value_or(2);
  const std::vector<std::string> parts = absl::StrSplit(text, '.');
  std::int64_t whole = 0, frac = 0;
  const bool ok = parts.size() <= 2 && !parts[0].empty() && parts[0][0] != '-' && absl::SimpleAtoi(parts[0], &whole) &&
                  (parts.size() == 1 || (static_cast<int>(parts[1].size()) <= digits && !parts[1].empty() &&
                                         parts[1].find_first_not_of("0123456789") == std::string::npos &&
                                         absl::SimpleAtoi(parts[1], &frac)));
  if (!ok) throw Failure("--amount: '" + text + "' is not an amount in " + currency + " (e.g. 1200.50)");
  std::int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  if (parts.size() == 2)
    for (int i = static_cast<int>(parts[1].size()); i < digits; ++i) frac *= 10;
  if (whole > (INT64_MAX - frac) / scale) throw Failure("--amount: '" + text + "' is too large");
  return Money{whole * scale + frac, currency};
}

namespace {

const Stage& StageNamed(const Pipeline& p, const std::string& name) {
  const Stage* s = p.FindStage(std::string_view(name));
  std::uint32_t id = 0;
  if (s == nullptr && absl::SimpleAtoi(name, &id)) s = p.FindStage(id);
  if (s == nullptr) {
    std::string known;
    for (const Stage& st : p.stages) known += (known.empty() ? "" : ", ") + st.name;
    throw Failure("no stage '" + name + "' in pipeline " + std::to_string(p.id) + " (" + known + ")");
  }
  return *s;
}

nlohmann::ordered_json ToJson(const Opportunity& o, const Pipeline& p) {
  auto stage_name = [&](StageId id) {
    const Stage* s = p.FindStage(id);
    return s != nullptr ? s->name : std::to_string(id);
  };
  nlohmann::ordered_json j;
  j["id"] = o.id;
  j["title"] = o.title;
  j["customer"] = o.customer;
  j["pipeline"] = o.pipeline;
  j["stage"] = stage_name(o.stage);
  if (!o.amount.currency.empty()) j["amount"] = {{"minor_units", o.amount.minor_units}, {"currency", o.amount.currency}};
  j["probability"] = o.probability;
  j["expected_close"] = FormatTime(o.expected_close);
  j["owner"] = o.owner;
  j["external_id"] = o.external_id;
  j["closed_at"] = FormatTime(o.closed_at);
  j["lost_reason"] = o.lost_reason;
  if (const Stage* s = p.FindStage(o.stage)) j["forecast_category"] = ForecastCategoryName(ForecastOf(o, *s));
  j["lines"] = nlohmann::ordered_json::array();
  for (const LineItem& l : o.lines)
    j["lines"].push_back({{"product", l.product},
                          {"quantity_milli", l.quantity_milli},
                          {"unit_price", {{"minor_units", l.unit_price.minor_units}, {"currency", l.unit_price.currency}}},
                          {"discount_bp", l.discount_bp},
                          {"total", {{"minor_units", l.total.minor_units}, {"currency", l.total.currency}}}});
  j["history"] = nlohmann::ordered_json::array();
  for (const StageChange& h : o.history)
    j["history"].push_back({{"from", h.from == 0 ? "" : stage_name(h.from)}, {"to", stage_name(h.to)}, {"at", FormatTime(h.at)},
                            {"actor", h.actor}});
  return j;
}

void PrintOpportunities(const Context& ctx, Store& store, const std::vector<Opportunity>& list) {
  auto read = Must(store.BeginRead(), "read");
  std::vector<Pipeline> pipelines = Must(read.ListPipelines(), "pipelines");
  auto pipeline_of = [&](PipelineId id) -> const Pipeline& {
    for (const Pipeline& p : pipelines)
      if (p.id == id) return p;
    throw Failure("pipeline " + std::to_string(id) + " does not exist");
  };
  if (ctx.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const Opportunity& o : list) out.push_back(ToJson(o, pipeline_of(o.pipeline)));
    return PrintJson(out);
  }
  std::vector<std::vector<std::string>> rows;
  for (const Opportunity& o : list) {
    const Stage* s = pipeline_of(o.pipeline).FindStage(o.stage);
    rows.push_back({std::to_string(o.id), o.title, o.customer == 0 ? "" : std::to_string(o.customer),
                    s != nullptr ? s->name : "", o.amount.currency.empty() ? "" : MoneyText(o.amount),
                    o.probability < 0 ? "" : std::to_string(o.probability) + "%", FormatTime(o.expected_close).substr(0, 10),
                    o.owner});
  }
  PrintTable({"id", "title", "customer", "stage", "amount", "prob", "close", "owner"}, rows);
}

}  // namespace

void AddDealCommands(CLI::App& app, Context& ctx) {
  CLI::App* pipeline = app.add_subcommand("pipeline", "the sales pipelines and their stages");
  pipeline->require_subcommand(1);
  CLI::App* plist = pipeline->add_subcommand("list", "every pipeline with its stages");
  plist->callback([&ctx] {
    auto store = ctx.Open(false, true);
    const std::vector<Pipeline> all = Must(store->Run(&ReadTxn::ListPipelines), "pipeline list");
    if (ctx.json) {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const Pipeline& p : all) {
        nlohmann::ordered_json stages = nlohmann::ordered_json::array();
        for (const Stage& s : p.stages)
          stages.push_back({{"id", s.id}, {"name", s.name}, {"probability", s.probability}, {"outcome", StageOutcomeName(s.outcome)},
                            {"forecast_category", ForecastCategoryName(s.forecast())}});
        out.push_back({{"id", p.id}, {"name", p.name}, {"stages", stages}});
      }
      return PrintJson(out);
    }
    std::vector<std::vector<std::string>> rows;
    for (const Pipeline& p : all)
      for (const Stage& s : p.stages)
        rows.push_back({std::to_string(p.id), p.name, std::to_string(s.id), s.name, std::to_string(s.probability) + "%",
                        std::string(StageOutcomeName(s.outcome)), std::string(ForecastCategoryName(s.forecast()))});
    PrintTable({"pipeline", "name", "stage", "stage name", "prob", "outcome", "forecast"}, rows);
  });

  struct PipelineAdd {
    std::string name;
    std::vector<std::string> stages;
  };
  auto pa = std::make_shared<PipelineAdd>();
  CLI::App* padd = pipeline->add_subcommand("add", "a pipeline: --stage NAME:PERCENT[:open|won|lost[:CATEGORY]], in order");
  padd->add_option("name", pa->name)->required();
  padd->add_option("--stage", pa->stages,
                   "a stage (repeat, in order), e.g. Qualify:10, Commit:80:open:commit, Won:100:won, Lost:0:lost; "
                   "CATEGORY: pipeline, best_case, commit or omitted (default: by the outcome)")
      ->required();
  padd->callback([&ctx, pa] {
    Pipeline p;
    p.name = pa->name;
    for (const std::string& spec : pa->stages) {
      const std::vector<std::string> parts = absl::StrSplit(spec, ':');
      Stage s;
      s.name = parts[0];
      if (parts.size() > 4 || (parts.size() >= 2 && !absl::SimpleAtoi(parts[1], &s.probability)))
        throw Failure("--stage: '" + spec + "' is not NAME:PERCENT[:open|won|lost[:CATEGORY]]");
      if (parts.size() >= 3) {
        if (parts[2] == "won") s.outcome = StageOutcome::kWon;
        else if (parts[2] == "lost") s.outcome = StageOutcome::kLost;
        else if (parts[2] != "open") throw Failure("--stage: '" + spec + "': the outcome is open, won or lost");
      }
      if (parts.size() == 4) s.forecast_category = Must(ParseForecastCategory(parts[3]), "--stage '" + spec + "'");
      p.stages.push_back(s);
    }
    auto store = ctx.Open();
    const Pipeline made = Must(store->Run(&WriteTxn::CreatePipeline, p), "pipeline add");
    if (ctx.json) PrintJson({{"id", made.id}, {"name", made.name}});
    else std::cout << "created pipeline " << made.id << " (" << made.name << ", " << made.stages.size() << " stages)\n";
  });

  CLI::App* opp = app.add_subcommand("opportunity", "deals: add, move through stages, close, list");
  opp->require_subcommand(1);
  struct OppAdd {
    std::string title, amount, currency, stage, owner, close, external_id, forecast;
    std::vector<std::string> lines;
    CustomerId customer = 0;
    PipelineId pipeline = 0;
  };
  auto oa = std::make_shared<OppAdd>();
  CLI::App* oadd = opp->add_subcommand("add", "a deal; prints it");
  oadd->add_option("title", oa->title)->required();
  oadd->add_option("--customer", oa->customer, "the customer's id (optional)");
  oadd->add_option("--amount", oa->amount, "in major units, e.g. 1200.50");
  oadd->add_option("--currency", oa->currency, "ISO 4217 (default EUR with --amount; with --line, the products')");
  oadd->add_option("--line", oa->lines,
                   "a product sold: CODE[:QUANTITY[:UNIT_PRICE[:DISCOUNT%]]] (repeatable); the lines make the amount");
  oadd->add_option("--pipeline", oa->pipeline, "the pipeline's id (default: the default pipeline)");
  oadd->add_option("--stage", oa->stage, "a stage name or id (default: the first)");
  oadd->add_option("--forecast", oa->forecast, "its forecast category while open: pipeline, best_case, commit, omitted");
  oadd->add_option("--owner", oa->owner);
  oadd->add_option("--close", oa->close, "expected close date, 2024-06-30");
  oadd->add_option("--external-id", oa->external_id);
  oadd->callback([&ctx, oa] {
    Opportunity o;
    o.title = oa->title;
    o.customer = oa->customer;
    o.owner = oa->owner;
    o.external_id = oa->external_id;
    if (!oa->amount.empty()) o.amount = ParseMoney(oa->amount, oa->currency.empty() ? "EUR" : oa->currency);
    if (oa->amount.empty() && !oa->currency.empty()) o.amount = ParseMoney("0", oa->currency);
    if (!oa->close.empty()) o.expected_close = ParseTime(oa->close, "--close");
    if (!oa->forecast.empty()) o.forecast_category = Must(ParseForecastCategory(oa->forecast), "--forecast");
    auto store = ctx.Open();
    const Pipeline p = Must(oa->pipeline == 0 ? store->Run(&ReadTxn::GetDefaultPipeline)
                                              : store->Run(&ReadTxn::GetPipeline, oa->pipeline), "--pipeline");
    o.pipeline = p.id;
    if (!oa->stage.empty()) o.stage = StageNamed(p, oa->stage).id;
    for (const std::string& line : oa->lines) o.lines.push_back(LineNamed(*store, line, oa->currency));
    const Opportunity made = Must(store->Run(&WriteTxn::CreateOpportunity, o), "opportunity add");
    PrintOpportunities(ctx, *store, {made});
  });

  auto get_id = std::make_shared<OpportunityId>(0);
  CLI::App* oget = opp->add_subcommand("get", "one deal with its stage history");
  oget->add_option("id", *get_id)->required();
  oget->callback([&ctx, get_id] {
    auto store = ctx.Open(false, true);
    const Opportunity o = Must(store->Run(&ReadTxn::GetOpportunity, *get_id), "opportunity get");
    const Pipeline p = Must(store->Run(&ReadTxn::GetPipeline, o.pipeline), "pipeline");
    const nlohmann::ordered_json j = ToJson(o, p);
    if (ctx.json) return PrintJson(j);
    PrintOpportunities(ctx, *store, {o});
    std::vector<std::vector<std::string>> rows;
    for (const auto& h : j["history"]) rows.push_back({h["at"], h["from"], h["to"], h["actor"]});
    std::cout << "\n";
    PrintTable({"moved at", "from", "to", "by"}, rows);
    if (o.lines.empty()) return;
    std::vector<std::vector<std::string>> lines;
    for (const LineItem& l : o.lines) {
      auto product = store->Run(&ReadTxn::GetProduct, l.product);
      const std::string quantity = std::to_string(l.quantity_milli / 1000) +
                                   (l.quantity_milli % 1000 == 0 ? "" : "." + std::to_string(1000 + l.quantity_milli % 1000).substr(1));
      lines.push_back({product.ok() ? product->code : std::to_string(l.product), quantity, MoneyText(l.unit_price),
                       l.discount_bp == 0 ? "" : std::to_string(l.discount_bp / 100) + "." +
                                                     std::to_string(100 + l.discount_bp % 100).substr(1) + "%",
                       MoneyText(l.total), l.description});
    }
    std::cout << "\n";
    PrintTable({"product", "quantity", "unit price", "discount", "total", "description"}, lines);
  });

  struct OppList {
    std::string where, order_by = "id";
    bool descending = false;
    std::size_t limit = 50;
  };
  auto ol = std::make_shared<OppList>();
  CLI::App* olist = opp->add_subcommand("list", "deals matching a filter (README, \"Queries\")");
  olist->add_option("--where", ol->where, "e.g. \"status = 'open' and amount >= 10000\"");
  olist->add_option("--order-by", ol->order_by);
  olist->add_flag("--desc", ol->descending);
  olist->add_option("--limit", ol->limit)->check(CLI::Range(1, 1000));
  olist->callback([&ctx, ol] {
    Search s;
    s.filter = Must(Filter::Parse(ol->where), "--where");
    s.order_by = ol->order_by;
    s.descending = ol->descending;
    s.limit = ol->limit;
    auto store = ctx.Open(false, true);
    PrintOpportunities(ctx, *store, Must(store->Run(&ReadTxn::SearchOpportunities, s), "opportunity list").opportunities);
  });

  struct OppMove {
    OpportunityId id = 0;
    std::string stage, lost;
    bool won = false;
  };
  auto om = std::make_shared<OppMove>();
  CLI::App* omove = opp->add_subcommand("move", "move a deal to a stage (by name or id)");
  omove->add_option("id", om->id)->required();
  omove->add_option("stage", om->stage)->required();
  omove->callback([&ctx, om] {
    auto store = ctx.Open();
    const Opportunity o = Must(store->Run(&ReadTxn::GetOpportunity, om->id), "opportunity move");
    const Pipeline p = Must(store->Run(&ReadTxn::GetPipeline, o.pipeline), "pipeline");
    PrintOpportunities(ctx, *store, {Must(store->Run(&WriteTxn::MoveOpportunity, om->id, StageNamed(p, om->stage).id), "opportunity move")});
  });
  CLI::App* oclose = opp->add_subcommand("close", "close a deal: --won, or --lost REASON");
  oclose->add_option("id", om->id)->required();
  auto* won = oclose->add_flag("--won", om->won);
  oclose->add_option("--lost", om->lost, "the reason it was lost")->excludes(won);
  oclose->callback([&ctx, om] {
    if (!om->won && om->lost.empty()) throw Failure("opportunity close: give --won or --lost REASON");
    auto store = ctx.Open();
    auto closed = om->won ? store->Run(&WriteTxn::CloseWon, om->id)
                          : store->Run(&WriteTxn::CloseLost, om->id, std::string_view(om->lost));
    PrintOpportunities(ctx, *store, {Must(std::move(closed), "opportunity close")});
  });

  struct Agg {
    std::string kind, where, group_by, measures = "count", time_zone = "UTC";
  };
  auto ag = std::make_shared<Agg>();
  CLI::App* agg = app.add_subcommand("aggregate", "figures per group: counts, sums, averages (README, \"Queries\")");
  agg->add_option("kind", ag->kind, "customer, opportunity or interaction")->required()->check(
      CLI::IsMember({"customer", "opportunity", "interaction"}));
  agg->add_option("--where", ag->where, "which records (default: all)");
  agg->add_option("--group-by", ag->group_by, "e.g. \"stage\" or \"owner, month(closed_at)\"");
  agg->add_option("--measures", ag->measures, "e.g. \"count, sum(amount)\" (default: count)");
  agg->add_option("--time-zone", ag->time_zone, "where days and months begin (IANA name, default UTC)");
  agg->callback([&ctx, ag] {
    Aggregation a;
    a.filter = Must(Filter::Parse(ag->where), "--where");
    if (!ag->group_by.empty()) a.group_by = Must(Aggregation::ParseGroupBy(ag->group_by), "--group-by");
    a.measures = Must(Aggregation::ParseMeasures(ag->measures), "--measures");
    a.time_zone = ag->time_zone;
    const EntityType kind = ag->kind == "customer"      ? EntityType::kCustomer
                            : ag->kind == "opportunity" ? EntityType::kOpportunity
                                                        : EntityType::kInteraction;
    auto store = ctx.Open(false, true);
    const AggregateResult r = Must(store->Run(&ReadTxn::Aggregate, kind, a), "aggregate");
    std::vector<std::string> header;
    for (const GroupBy& g : a.group_by) header.push_back(g.field);
    const std::vector<std::string> measure_names = absl::StrSplit(ag->measures, ',', absl::SkipWhitespace());
    std::vector<std::vector<std::string>> rows;
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const AggregateRow& row : r.rows) {
      std::vector<std::string> cells;
      nlohmann::ordered_json j;
      for (std::size_t i = 0; i < row.keys.size(); ++i) {
        const std::string label = row.keys[i].empty ? "(none)" : row.keys[i].label;
        cells.push_back(label);
        j[a.group_by[i].field] = row.keys[i].empty ? nlohmann::ordered_json() : nlohmann::ordered_json(row.keys[i].label);
      }
      for (std::size_t m = 0; m < row.values.size(); ++m) {
        const Measure& measure = a.measures[m];
        const MeasureValue& v = row.values[m];
        const bool money = !row.currency.empty() && measure.op != Measure::Op::kCount && measure.op != Measure::Op::kCountDistinct;
        std::string text = measure.op == Measure::Op::kAverage ? absl::StrFormat("%.2f", v.average) : std::to_string(v.value);
        if (money && measure.op != Measure::Op::kAverage) text = MoneyText(Money{v.value, row.currency});
        if (money && measure.op == Measure::Op::kAverage)  // to the nearest minor unit, a half away from zero
          text = MoneyText(Money{static_cast<std::int64_t>(std::llround(v.average)), row.currency});
        cells.push_back(text);
        const std::string name = m < measure_names.size() ? std::string(absl::StripAsciiWhitespace(measure_names[m])) : "value";
        if (measure.op == Measure::Op::kAverage) j[name] = v.average;
        else j[name] = v.value;
      }
      if (!row.currency.empty()) j["currency"] = row.currency;
      rows.push_back(cells);
      out.push_back(j);
    }
    if (ctx.json) return PrintJson(out);
    for (const std::string& m : measure_names) header.push_back(std::string(absl::StripAsciiWhitespace(m)));
    PrintTable(header, rows);
  });
}

}  // namespace crm::cli
