// Consent per purpose and channel, and whether a customer may be contacted (crm/consent.hpp).
// Above the customers module: a record for ("marketing", email) sets the customer's opt-in.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/consent.hpp"
#include "model/schema.h"

namespace crm::consent {

absl::StatusOr<ConsentRecord> Record(model::Ctx& ctx, ConsentRecord r);
absl::StatusOr<ConsentRecord> Confirm(model::Ctx& ctx, CustomerId customer, ContactChannel channel,
                                      std::string_view purpose, Timestamp at);
// Oldest captured first.
absl::StatusOr<std::vector<ConsentRecord>> History(const model::Ctx& ctx, CustomerId customer);
absl::StatusOr<std::vector<ConsentRecord>> Current(const model::Ctx& ctx, CustomerId customer, Timestamp at);
absl::StatusOr<ContactDecision> CanContact(const model::Ctx& ctx, CustomerId customer, ContactChannel channel,
                                           std::string_view purpose, Timestamp at);

}  // namespace crm::consent
