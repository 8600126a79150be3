#include "model/external.h"

#include "absl/strings/str_cat.h"
#include "codec/key.h"
#include "common/strings.h"

namespace crm::model {

absl::StatusOr<std::uint64_t> FindExternal(const Ctx& ctx, storage::Table table, std::string_view external_id) {
  if (table == kAbsentTable)
    return absl::FailedPreconditionError(
        "this file predates external ids of opportunities and interactions (opened read-only): open it writable once");
  if (external_id.empty()) return std::uint64_t{0};
  std::string_view value;
  auto found = ctx.txn.Get(table, external_id, &value);
  if (!found.ok()) return found.status();
  if (!*found) return std::uint64_t{0};
  if (value.size() != 8) return absl::DataLossError("external id index entry is damaged");
  return codec::GetBigEndian64(value.data());
}

absl::Status CheckExternalFree(const Ctx& ctx, storage::Table table, std::string_view external_id, std::uint64_t id,
                               std::string_view kind) {
  auto holder = FindExternal(ctx, table, external_id);
  if (!holder.ok()) return holder.status();
  if (*holder != 0 && *holder != id)
    return absl::AlreadyExistsError(
        absl::StrCat("external_id: '", Av(external_id), "' is already used by ", Av(kind), " ", *holder));
  return absl::OkStatus();
}

absl::Status MoveExternal(Ctx& ctx, storage::Table table, std::string_view before, std::string_view after,
                          std::uint64_t id) {
  if (before == after) return absl::OkStatus();
  if (!before.empty())
    if (auto s = ctx.txn.Del(table, before); !s.ok()) return s.status();
  if (after.empty()) return absl::OkStatus();
  return ctx.txn.Put(table, after, codec::EncodeU64(id));
}

}  // namespace crm::model
