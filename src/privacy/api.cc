// The transaction operations of this concept, as declared in its public header: each runs the
// concept's code on the transaction's context (core/txn.h).
#include "crm/privacy.hpp"

#include "core/txn.h"
#include "privacy/privacy.h"
#include "privacy/suppression.h"

namespace crm {

absl::StatusOr<std::vector<Erasure>> PrivacyReads::ListErasures(std::uint64_t from_seq, std::size_t limit) const {
  return core::Query(this, [&](const model::Ctx& c) { return privacy::ListErasures(c, from_seq, limit); });
}

absl::StatusOr<Erasure> PrivacyWrites::EraseCustomer(std::uint64_t id, EraseOptions options) {
  return core::Mutate(this, [&](model::Ctx& c) { return privacy::EraseCustomer(c, id, options); },
                      core::Growth::kRemoves);
}

absl::StatusOr<bool> PrivacyReads::IsSuppressed(std::string_view email_or_phone) const {
  return core::Query(this, [&](const model::Ctx& c) { return privacy::IsSuppressed(c, email_or_phone); });
}

absl::StatusOr<std::string> PrivacyReads::ExportCustomer(std::uint64_t id) const {
  return core::Query(this, [&](const model::Ctx& c) { return privacy::ExportCustomer(c, id); });
}

absl::Status PrivacyWrites::Suppress(std::string_view email_or_phone) {
  return core::Mutate(this, [&](model::Ctx& c) { return privacy::Suppress(c, email_or_phone, 0); });
}

absl::StatusOr<bool> PrivacyWrites::Unsuppress(std::string_view email_or_phone) {
  return core::Mutate(this, [&](model::Ctx& c) { return privacy::Unsuppress(c, email_or_phone); },
                      core::Growth::kRemoves);
}

}  // namespace crm
