// A count grouped by one counted field of customers (stage, country, owner), with no filter,
// answered from the store's group counters; nullopt when they cannot answer it (another field,
// an earlier file, or inside a write transaction with pending changes).
#pragma once

#include <cstddef>
#include <optional>

#include "absl/status/statusor.h"
#include "crm/query.hpp"
#include "model/schema.h"
#include "query/fields.h"

namespace crm::query {

absl::StatusOr<std::optional<AggregateResult>> CountedGroups(const model::Ctx& ctx, const FieldRef& field,
                                                             bool include_archived, std::size_t measures);

}  // namespace crm::query
