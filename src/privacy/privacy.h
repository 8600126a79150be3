// Erasing a customer and the erasure log (crm/privacy.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/privacy.hpp"
#include "model/schema.h"

namespace crm::privacy {

absl::StatusOr<Erasure> EraseCustomer(model::Ctx& ctx, std::uint64_t id, const EraseOptions& options);
absl::StatusOr<std::vector<Erasure>> ListErasures(const model::Ctx& ctx, std::uint64_t from_seq, std::size_t limit);

// The subject access document of one customer (crm/privacy.hpp): JSON text.
absl::StatusOr<std::string> ExportCustomer(const model::Ctx& ctx, std::uint64_t id);

// Masks of identifiers, as the erasure log keeps them: "Jane" -> "J***",
// "jane@example.com" -> "j***@e******.com", "+14155550199" -> "**********99".
std::string MaskWord(std::string_view word);
std::string MaskEmail(std::string_view email);
std::string MaskPhone(std::string_view phone);

}  // namespace crm::privacy
