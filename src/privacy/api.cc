// The transaction operations of this concept, as declared in its public header: each runs the
// concept's code on the transaction's context (core/txn.h).
#include "crm/privacy.hpp"

#include "core/txn.h"
#include "privacy/privacy.h"

namespace crm {

absl::StatusOr<std::vector<Erasure>> PrivacyReads::ListErasures(std::uint64_t from_seq, std::size_t limit) const {
  return core::Query(this, [&](const model::Ctx& c) { return privacy::ListErasures(c, from_seq, limit); });
}

absl::StatusOr<Erasure> PrivacyWrites::EraseCustomer(std::uint64_t id, EraseOptions options) {
  return core::Mutate(this, [&](model::Ctx& c) { return privacy::EraseCustomer(c, id, options); },
                      core::Growth::kRemoves);
}

}  // namespace crm
