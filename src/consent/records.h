// Consent records as stored (crm/consent.hpp): the table `consents`, clustered by customer.
// Below the customers module, which keeps the records in step with a customer's
// consent.email_opt_in (MirrorOptIn) and removes them with the customer (DeleteAllOf).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/consent.hpp"
#include "crm/customer.hpp"
#include "model/schema.h"

namespace crm::consent {

// The purpose the customer's consent.email_opt_in stands for, on ContactChannel::kEmail.
inline constexpr std::string_view kEmailMarketing = "marketing";

// A purpose as stored: trimmed, ASCII letters folded to lower case.
std::string FoldPurpose(std::string_view purpose);

// Checks a record's fields (not its customer) and folds its purpose; fills in captured_at.
absl::Status Normalize(const model::Ctx& ctx, ConsentRecord& r);

// Every record of a customer, in key order (purpose, channel, captured_at, id).
absl::StatusOr<std::vector<ConsentRecord>> OfCustomer(const model::Ctx& ctx, CustomerId customer);
// The latest record for the purpose on the channel captured at or before `at`; nullopt if none.
absl::StatusOr<std::optional<ConsentRecord>> Latest(const model::Ctx& ctx, CustomerId customer,
                                                    std::string_view purpose, ContactChannel channel, Timestamp at);

// Stores a normalized record with the next id, the transaction's actor and time; ConsentWithdrawn
// when it is a grant from an import and the latest record for its purpose and channel captured
// by then is a withdrawal.
absl::StatusOr<ConsentRecord> Append(model::Ctx& ctx, ConsentRecord r);

// Adds the ("marketing", email) record that a write of a customer implies: a grant when
// consent.email_opt_in is turned on (or its legal basis changes), a withdrawal when it is
// turned off. `before`: the stored customer (null on create). Refuses (ConsentWithdrawn) a
// write in import mode that turns it back on after a withdrawal. Call after the customer has
// its id and its consent stamped.
absl::Status MirrorOptIn(model::Ctx& ctx, const Customer* before, const Customer& after);

// Whether record `r` is stored as it is (its customer, purpose, channel, time and id).
absl::StatusOr<bool> Has(const model::Ctx& ctx, const ConsentRecord& r);
// Moves stored record `r` to customer `to` (merges and unmerges); returns it as moved.
absl::StatusOr<ConsentRecord> Move(model::Ctx& ctx, const ConsentRecord& r, CustomerId to);

// Removes every record of a customer (the customer is deleted or erased).
absl::Status DeleteAllOf(model::Ctx& ctx, CustomerId customer);

}  // namespace crm::consent
