// Quotas of users and teams (crm/sales.hpp): kept by holder and period in the quotas table.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "crm/sales.hpp"
#include "model/schema.h"

namespace crm::sales {

absl::StatusOr<Quota> SetQuota(model::Ctx& ctx, Quota q);
absl::Status DeleteQuota(model::Ctx& ctx, UserId user, TeamId team, std::string_view period);
absl::StatusOr<std::vector<Quota>> ListQuotas(const model::Ctx& ctx, UserId user, TeamId team);

// "2017-03" or "2017-Q2" (any case) in its stored form; nullopt for anything else.
std::optional<std::string> QuotaPeriod(std::string_view text);

}  // namespace crm::sales
