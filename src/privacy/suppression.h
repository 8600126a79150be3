// Suppression: emails and phone numbers a customer may not be created or updated with, kept as
// keyed hashes (crm/privacy.hpp). Below the customers module, which checks every write with it.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "crm/customer.hpp"
#include "model/schema.h"

namespace crm::privacy {

// Suppresses an email address (it holds '@') or a phone number; `erasure`: the erasure that
// asked for it (0: asked directly). Suppressing what is already suppressed keeps the first entry.
absl::Status Suppress(model::Ctx& ctx, std::string_view email_or_phone, std::uint64_t erasure);
// Lifts a suppression; false when there was none.
absl::StatusOr<bool> Unsuppress(model::Ctx& ctx, std::string_view email_or_phone);
absl::StatusOr<bool> IsSuppressed(const model::Ctx& ctx, std::string_view email_or_phone);
// Whether a stored customer's email or phone is suppressed.
absl::StatusOr<bool> IsSuppressed(const model::Ctx& ctx, const Email& email);
absl::StatusOr<bool> IsSuppressed(const model::Ctx& ctx, const Phone& phone);
// Suppresses every email and phone of `c`.
absl::Status SuppressAll(model::Ctx& ctx, const Customer& c, std::uint64_t erasure);

// Refuses (SuppressedError, naming the field) an email or phone of `c` that is suppressed and
// that `before` (the stored customer, or null) does not already hold.
absl::Status CheckNotSuppressed(const model::Ctx& ctx, const Customer& c, const Customer* before);

}  // namespace crm::privacy
