// The transaction operations of this concept, as declared in its public header: each runs the
// concept's code on the transaction's context (core/txn.h).
#include "crm/change.hpp"

#include "changes/changes.h"
#include "core/txn.h"

namespace crm {

absl::StatusOr<std::vector<Change>> ChangeReads::ListChanges(std::uint64_t from_seq, std::size_t limit) const {
  return core::Query(this, [&](const model::Ctx& c) { return changes::List(c, from_seq, limit); });
}
absl::StatusOr<std::uint64_t> ChangeReads::LastChangeSeq() const {
  return core::Query(this, [&](const model::Ctx& c) { return changes::LastSeq(c); });
}
absl::StatusOr<std::vector<FieldHistoryEntry>> ChangeReads::FieldHistory(EntityType entity, std::uint64_t id,
                                                                     std::string_view field) const {
  return core::Query(this, [&](const model::Ctx& c) { return changes::FieldHistory(c, entity, id, field); });
}

}  // namespace crm
