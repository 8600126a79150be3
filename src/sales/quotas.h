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
// Removes every quota of a user (team 0) or a team (user 0): they go when it is deleted.
absl::Status DropQuotasOf(model::Ctx& ctx, UserId user, TeamId team);

// A stored quota entry read back: DataLoss when it is damaged or does not match its key, and
// when its user or team no longer exists.
absl::Status CheckQuota(const model::Ctx& ctx, std::string_view key, std::string_view value);

// "2017-03" or "2017-Q2" (any case) in its stored form; nullopt for anything else.
std::optional<std::string> QuotaPeriod(std::string_view text);

}  // namespace crm::sales
