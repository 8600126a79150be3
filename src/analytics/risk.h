// The counts of the churn-risk model (crm/analytics.hpp), kept in the write transaction of every
// change of a customer, and the risks read from them.
//
//   churn_counts   Str(field) Str(value) -> U64(churned) U64(stayed)             (since schema 14)
//                  field "" value "": every customer counted
//   meta "churn_risk_options"   U64(minimum_customers) then the fields, each followed by '\n'
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/analytics.hpp"
#include "model/schema.h"

namespace crm::analytics {

// A customer's change: `before` leaves the counts (nullptr: created), `after` enters them
// (nullptr: deleted).
absl::Status MoveChurnCounts(model::Ctx& ctx, const Customer* before, const Customer* after);
// Counts every customer again with the stored options (the upgrade, and a change of options).
absl::Status RebuildChurnCounts(model::Ctx& ctx);
// The differences between the stored counts and a count of every customer, in words (Verify).
absl::StatusOr<std::vector<std::string>> CheckChurnCounts(const model::Ctx& ctx);

absl::StatusOr<ChurnRiskOptions> GetRiskOptions(const model::Ctx& ctx);
absl::Status SetRiskOptions(model::Ctx& ctx, const ChurnRiskOptions& options);
absl::StatusOr<ChurnRisk> Risk(const model::Ctx& ctx, CustomerId customer);

// The model as one snapshot holds it (its options and totals), read once for many risks.
class RiskModel {
 public:
  static absl::StatusOr<RiskModel> Read(const model::Ctx& ctx);
  // The risk of a customer already read.
  absl::StatusOr<ChurnRisk> Of(const model::Ctx& ctx, const Customer& c) const;

 private:
  struct State;
  std::shared_ptr<const State> state_;
};

}  // namespace crm::analytics
