// Customer reports as tables (crm/analytics.hpp): the form the C ABI, Python and the tool read.
#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "analytics/analytics.h"
#include "analytics/facts.h"
#include "common/strings.h"

namespace crm {

namespace {

constexpr std::pair<CustomerReport, std::string_view> kReports[] = {
    {CustomerReport::kChurn, "churn"}, {CustomerReport::kCohorts, "cohorts"}, {CustomerReport::kRfm, "rfm"},
    {CustomerReport::kTopValue, "top"}, {CustomerReport::kAtRisk, "at_risk"}};

}  // namespace

std::string_view CustomerReportName(CustomerReport report) {
  for (const auto& [r, name] : kReports)
    if (r == report) return name;
  return "";
}

std::optional<CustomerReport> ParseCustomerReport(std::string_view name) {
  const std::string folded = absl::AsciiStrToLower(Av(name));
  for (const auto& [r, n] : kReports)
    if (n == folded || (r == CustomerReport::kAtRisk && folded == "at-risk")) return r;
  return std::nullopt;
}

namespace analytics {
namespace {

using Type = ReportColumn::Type;

ReportCell Int(std::uint64_t v) { return static_cast<std::int64_t>(v); }
ReportCell Day(Timestamp t) {
  if (t == 0) return {};
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixMicros(t), absl::UTCTimeZone());
}
ReportCell Label(const std::vector<GroupKey>& keys) {
  std::vector<std::string> labels;
  for (const GroupKey& k : keys) labels.push_back(k.empty ? "(none)" : k.label);
  return absl::StrJoin(labels, " / ");
}

ReportTable ChurnTable(const ChurnReport& r, const CustomerReportQuery& q) {
  ReportTable t{absl::StrCat("Churn (", Av(ChurnDefinitionName(q.definition)), ")"),
                {{"group", Type::kText}, {"customers", Type::kInt}, {"churned", Type::kInt}, {"rate", Type::kReal}},
                {}};
  for (const ChurnRow& x : r.rows) t.rows.push_back({Label(x.keys), Int(x.customers), Int(x.churned), x.rate});
  t.rows.push_back({q.group_by.empty() ? ReportCell() : ReportCell(std::string("(all)")), Int(r.total.customers),
                    Int(r.total.churned), r.total.rate});
  t.chart = {ReportChart::Kind::kBars, {"group"}, {"rate"}, {}, {}};
  return t;
}

ReportTable CohortsTable(const CohortTable& r, std::size_t months) {
  ReportTable t{"Cohort retention", {{"cohort", Type::kText}, {"customers", Type::kInt}}, {}};
  for (std::size_t k = 0; k <= months; ++k) t.columns.push_back({absl::StrCat("m", k), Type::kReal});
  for (const CohortRow& x : r.rows) {
    std::vector<ReportCell> row{x.cohort, Int(x.customers)};
    for (std::size_t k = 0; k <= months; ++k) {
      if (k < x.share.size()) {
        row.emplace_back(x.share[k]);
      } else {
        row.emplace_back();
      }
    }
    t.rows.push_back(std::move(row));
  }
  t.chart = {ReportChart::Kind::kHeatMap, {"cohort"}, {}, {}, {}};
  for (std::size_t k = 0; k <= months; ++k) t.chart.values.push_back(absl::StrCat("m", k));
  return t;
}

ReportTable RfmTable(const RfmReport& r, const std::string& currency) {
  ReportTable t{"RFM segments",
                {{"segment", Type::kText}, {"customers", Type::kInt}, {"share", Type::kReal}, {"currency", Type::kText},
                 {"monetary", Type::kMoney}},
                {}};
  for (const RfmSegmentCount& x : r.segments)
    t.rows.push_back({std::string(RfmSegmentName(x.segment)), Int(x.customers),
                      r.customers == 0 ? 0.0 : static_cast<double>(x.customers) / static_cast<double>(r.customers),
                      currency, x.monetary.minor_units});
  t.chart = {ReportChart::Kind::kBars, {"segment"}, {"customers"}, {}, {}};
  return t;
}

std::vector<ReportColumn> CustomerColumns() {
  return {{"customer", Type::kInt},  {"name", Type::kText},          {"currency", Type::kText},
          {"value", Type::kMoney},   {"purchases", Type::kInt},      {"last_purchase", Type::kText},
          {"last_contact", Type::kText}};
}

}  // namespace

absl::StatusOr<ReportTable> Report(const model::Ctx& ctx, CustomerReport report, const CustomerReportQuery& q) {
  switch (report) {
    case CustomerReport::kChurn: {
      ChurnQuery c{q.definition, q.from, q.to, q.inactive_days, q.filter, q.include_archived, q.group_by, q.time_zone};
      auto r = Churn(ctx, c);
      if (!r.ok()) return r.status();
      return ChurnTable(*r, q);
    }
    case CustomerReport::kCohorts: {
      CohortQuery c{q.from, q.to, q.months, q.filter, q.include_archived, q.time_zone};
      auto r = Cohorts(ctx, c);
      if (!r.ok()) return r.status();
      return CohortsTable(*r, q.months);
    }
    case CustomerReport::kRfm: {
      RfmQuery c{q.to, q.currency, q.filter, q.include_archived};
      auto r = Rfm(ctx, c);
      if (!r.ok()) return r.status();
      return RfmTable(*r, q.currency);
    }
    case CustomerReport::kTopValue: {
      ValueQuery c{q.currency, q.include_archived, q.limit, {}};
      auto r = TopByValue(ctx, c);
      if (!r.ok()) return r.status();
      ReportTable t{absl::StrCat("Top customers by value (", q.currency, ")"), CustomerColumns(), {}};
      for (const CustomerValue& x : r->customers)
        t.rows.push_back({static_cast<std::int64_t>(x.customer.id), x.customer.display_name, x.value.currency,
                          x.value.minor_units, Int(x.facts.purchases), Day(x.facts.last_purchase_at),
                          Day(x.customer.last_interaction_at)});
      t.chart = {ReportChart::Kind::kBars, {"name"}, {"value"}, {"currency"}, {}};
      return t;
    }
    case CustomerReport::kAtRisk: {
      AtRiskQuery c{q.from, q.by_purchase, q.currency, q.include_archived, q.limit, {}, q.min_risk};
      auto r = AtRisk(ctx, c);
      if (!r.ok()) return r.status();
      const ReportCell since = Day(q.from);
      const auto* day = std::get_if<std::string>(&since);
      ReportTable t{absl::StrCat("At risk: no ", q.by_purchase ? "purchase" : "contact", " since ", day ? *day : "ever"),
                    CustomerColumns(), {}};
      t.columns.push_back({"churn_risk", Type::kReal});
      t.columns.push_back({"risk_factors", Type::kText});
      for (const AtRiskCustomer& x : r->customers) {
        std::vector<std::string> factors;
        for (std::size_t i = 0; i < x.risk.factors.size() && i < 2; ++i)
          factors.push_back(absl::StrCat(x.risk.factors[i].field, " = ", x.risk.factors[i].value, " (",
                                         x.risk.factors[i].weight >= 0 ? "+" : "", absl::StrFormat("%.2f", x.risk.factors[i].weight), ")"));
        t.rows.push_back({static_cast<std::int64_t>(x.customer.id), x.customer.display_name, x.value.currency,
                          x.value.minor_units, Int(x.purchases), Day(x.last_purchase_at), Day(x.last_contact_at),
                          x.risk.model ? ReportCell(x.risk.risk) : ReportCell(), absl::StrJoin(factors, "; ")});
      }
      // Risk where a model scored them, else the value: one unit to an axis.
      const bool scored = std::any_of(r->customers.begin(), r->customers.end(), [](const AtRiskCustomer& x) { return x.risk.model; });
      t.chart = {ReportChart::Kind::kBars, {"name"}, {scored ? "churn_risk" : "value"}, {"currency"}, {}};
      return t;
    }
  }
  return absl::InvalidArgumentError("report: not a customer report (churn, cohorts, rfm, top, at_risk)");
}

}  // namespace analytics
}  // namespace crm
