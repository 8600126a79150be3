// crm report pipeline | winrate | cycle | funnel | lost: the sales reports (crm/sales.hpp).
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "cli.h"
#include "crm/sales.hpp"

namespace crm::cli {
namespace {

struct ReportArgs {
  std::string name, where, group_by, period, from, to, time_zone = "UTC", pipeline;
};

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

nlohmann::ordered_json ToJson(const ReportTable& t) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& row : t.rows) {
    nlohmann::ordered_json j;
    for (std::size_t c = 0; c < t.columns.size() && c < row.size(); ++c) {
      const ReportCell& v = row[c];
      if (const auto* s = std::get_if<std::string>(&v)) j[t.columns[c].name] = *s;
      else if (const auto* i = std::get_if<std::int64_t>(&v)) j[t.columns[c].name] = *i;
      else if (const auto* d = std::get_if<double>(&v)) j[t.columns[c].name] = *d;
      else j[t.columns[c].name] = nullptr;
    }
    rows.push_back(std::move(j));
  }
  return {{"report", t.title}, {"rows", std::move(rows)}};
}

}  // namespace

void AddReportCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* report = app.add_subcommand(
      "report", "sales reports: pipeline (summary), winrate, cycle (of won deals), funnel, lost (reasons)");
  report->add_option("name", a->name, "pipeline, winrate, cycle, funnel or lost")->required();
  report->add_option("--where", a->where, "which deals (a filter of opportunities; default: all)");
  report->add_option("--group-by", a->group_by, "a field of opportunities: owner, team, custom.product ...");
  report->add_option("--period", a->period, "2017, 2017-Q3, 2017-03, 2017-W09, 2017-03-05, or A..B");
  report->add_option("--from", a->from, "the period's start instead (a date or time, included)");
  report->add_option("--to", a->to, "the period's end (excluded)");
  report->add_option("--time-zone", a->time_zone, "where the period's days begin (IANA name, default UTC)");
  report->add_option("--pipeline", a->pipeline, "the funnel's pipeline, by name or id (default: the default one)");
  report->callback([&ctx, a] {
    const SalesReport which = Must(ParseSalesReport(a->name));
    SalesQuery q;
    q.filter = Must(Filter::Parse(a->where), "--where");
    q.group_by = a->group_by;
    q.period = a->period;
    if (!a->from.empty()) q.from = ParseTime(a->from, "--from");
    if (!a->to.empty()) q.to = ParseTime(a->to, "--to");
    q.time_zone = a->time_zone;
    auto store = ctx.Open(false, true);
    if (!a->pipeline.empty()) q.pipeline = PipelineArg(*store, a->pipeline);
    const ReportTable t = Must(store->Run(&ReadTxn::GetReport, which, q), "report " + a->name);
    if (ctx.json) return PrintJson(ToJson(t));
    std::cout << t.ToText();
  });
}

}  // namespace crm::cli
