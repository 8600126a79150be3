// Customer analytics read from the purchase facts (crm/analytics.hpp).
#pragma once

#include <cstdint>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "crm/analytics.hpp"
#include "model/schema.h"

namespace crm::analytics {

inline constexpr std::int64_t kDay = 86'400'000'000;

// The customers a report covers: those its filter matches, archived ones only when asked for.
class Scope {
 public:
  static absl::StatusOr<Scope> Of(const model::Ctx& ctx, const Filter& filter, bool include_archived);
  bool Has(CustomerId id) const { return all_ ? !archived_.contains(id) : ids_.contains(id); }

 private:
  bool all_ = true;                          // every customer but `archived_`
  absl::flat_hash_set<CustomerId> archived_;  // left out when all_
  absl::flat_hash_set<CustomerId> ids_;       // the matches otherwise
};

// For a period: which customers bought within `window` before `from` (bit 1) and before `to` (bit 2).
inline constexpr std::uint8_t kActiveAtStart = 1;
inline constexpr std::uint8_t kActiveAtEnd = 2;
absl::StatusOr<absl::flat_hash_map<CustomerId, std::uint8_t>> Activity(const model::Ctx& ctx, Timestamp from,
                                                                       Timestamp to, std::int64_t window);

absl::StatusOr<ChurnReport> Churn(const model::Ctx& ctx, const ChurnQuery& q);
absl::StatusOr<CohortTable> Cohorts(const model::Ctx& ctx, const CohortQuery& q);
absl::StatusOr<RfmReport> Rfm(const model::Ctx& ctx, const RfmQuery& q);
absl::StatusOr<RfmScore> RfmOf(const model::Ctx& ctx, CustomerId customer, const RfmQuery& q);
absl::StatusOr<LifetimeValue> Lifetime(const model::Ctx& ctx, const LifetimeValueQuery& q);
absl::StatusOr<AtRiskPage> AtRisk(const model::Ctx& ctx, const AtRiskQuery& q);
absl::StatusOr<ReportTable> Report(const model::Ctx& ctx, CustomerReport report, const CustomerReportQuery& q);

}  // namespace crm::analytics
