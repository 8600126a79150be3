// The transaction operations of customer analytics, as declared in crm/analytics.hpp (core/txn.h).
#include "crm/analytics.hpp"

#include "analytics/analytics.h"
#include "analytics/facts.h"
#include "analytics/risk.h"
#include "core/txn.h"
#include "customers/customers.h"

namespace crm {

absl::StatusOr<PurchaseFacts> AnalyticsReads::GetPurchaseFacts(CustomerId customer) const {
  return core::Query(this, [&](const model::Ctx& c) -> absl::StatusOr<PurchaseFacts> {
    if (auto found = customers::Get(c, customer); !found.ok()) return found.status();
    if (auto s = analytics::NeedTables(c); !s.ok()) return s;
    return analytics::Load(c, customer);
  });
}
absl::StatusOr<CustomerValuePage> AnalyticsReads::TopCustomersByValue(const ValueQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return analytics::TopByValue(c, query); });
}
absl::StatusOr<ChurnReport> AnalyticsReads::Churn(const ChurnQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return analytics::Churn(c, query); });
}
absl::StatusOr<CohortTable> AnalyticsReads::Cohorts(const CohortQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return analytics::Cohorts(c, query); });
}
absl::StatusOr<RfmReport> AnalyticsReads::RfmSegments(const RfmQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return analytics::Rfm(c, query); });
}
absl::StatusOr<RfmScore> AnalyticsReads::RfmOf(CustomerId customer, const RfmQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return analytics::RfmOf(c, customer, query); });
}
absl::StatusOr<LifetimeValue> AnalyticsReads::GetLifetimeValue(const LifetimeValueQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return analytics::Lifetime(c, query); });
}
absl::StatusOr<AtRiskPage> AnalyticsReads::AtRisk(const AtRiskQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return analytics::AtRisk(c, query); });
}
absl::StatusOr<ReportTable> AnalyticsReads::GetCustomerReport(CustomerReport report, const CustomerReportQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return analytics::Report(c, report, query); });
}

absl::StatusOr<ChurnRiskOptions> AnalyticsReads::GetChurnRiskOptions() const {
  return core::Query(this, [&](const model::Ctx& c) { return analytics::GetRiskOptions(c); });
}
absl::StatusOr<ChurnRisk> AnalyticsReads::ScoreChurnRisk(CustomerId customer) const {
  return core::Query(this, [&](const model::Ctx& c) { return analytics::Risk(c, customer); });
}
absl::Status AnalyticsWrites::SetChurnRiskOptions(const ChurnRiskOptions& options) {
  return core::Mutate(this, [&](model::Ctx& c) { return analytics::SetRiskOptions(c, options); });
}

}  // namespace crm
