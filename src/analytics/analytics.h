// Customer analytics read from the purchase facts (crm/analytics.hpp).
#pragma once

#include "absl/status/statusor.h"
#include "crm/analytics.hpp"
#include "model/schema.h"

namespace crm::analytics {

absl::StatusOr<ChurnReport> Churn(const model::Ctx& ctx, const ChurnQuery& q);

}  // namespace crm::analytics
