// The transaction operations of this concept, as declared in its public header: each runs the
// concept's code on the transaction's context (core/txn.h).
#include "crm/consent.hpp"

#include "consent/consent.h"
#include "core/txn.h"

namespace crm {

absl::StatusOr<std::vector<ConsentRecord>> ConsentReads::ConsentHistory(CustomerId customer) const {
  return core::Query(this, [&](const model::Ctx& c) { return consent::History(c, customer); });
}

absl::StatusOr<std::vector<ConsentRecord>> ConsentReads::CurrentConsents(CustomerId customer, Timestamp at) const {
  return core::Query(this, [&](const model::Ctx& c) { return consent::Current(c, customer, at); });
}

absl::StatusOr<ContactDecision> ConsentReads::CanContact(CustomerId customer, ContactChannel channel,
                                                         std::string_view purpose, Timestamp at) const {
  return core::Query(this, [&](const model::Ctx& c) { return consent::CanContact(c, customer, channel, purpose, at); });
}

absl::StatusOr<ConsentRecord> ConsentWrites::RecordConsent(ConsentRecord record) {
  return core::Mutate(this, [&](model::Ctx& c) { return consent::Record(c, std::move(record)); });
}

absl::StatusOr<ConsentRecord> ConsentWrites::ConfirmConsent(CustomerId customer, ContactChannel channel,
                                                            std::string_view purpose, Timestamp at) {
  return core::Mutate(this, [&](model::Ctx& c) { return consent::Confirm(c, customer, channel, purpose, at); });
}

}  // namespace crm
