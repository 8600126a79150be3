// Unique indexes from an external id (the record's id in another system) to a record id, for
// upserts: key the external id, value U64(id).
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "model/schema.h"

namespace crm::model {

// The record holding `external_id`, or 0. FailedPrecondition when the file predates the index
// (opened read-only).
absl::StatusOr<std::uint64_t> FindExternal(const Ctx& ctx, storage::Table table, std::string_view external_id);
// AlreadyExists (naming the field and the holder) when `external_id` is held by a record other
// than `id` of this `kind`.
absl::Status CheckExternalFree(const Ctx& ctx, storage::Table table, std::string_view external_id, std::uint64_t id,
                               std::string_view kind);
// Points the index at `id` for `after` instead of `before` (either may be empty).
absl::Status MoveExternal(Ctx& ctx, storage::Table table, std::string_view before, std::string_view after,
                          std::uint64_t id);

}  // namespace crm::model
