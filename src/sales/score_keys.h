// The keys and values of the deal_scores table (sales/scores.h), shared by the counting and the
// scoring.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "crm/opportunity.hpp"

namespace crm::sales {

inline constexpr std::string_view kStageField = "stage";
inline constexpr std::string_view kOwnerField = "owner";
inline constexpr std::string_view kTeamField = "team";
inline constexpr std::string_view kAmountField = "amount";
inline constexpr std::string_view kCustomPrefix = "custom.";
// Several values per deal (since 0.15): the products on its lines (counted by product id, shown by
// code) and their families.
inline constexpr std::string_view kProductField = "product";
inline constexpr std::string_view kFamilyField = "product.family";

std::string ScoreKey(PipelineId pipeline, std::string_view field, std::string_view value);
// The won and lost counts of a stored entry; DataLoss when it is damaged.
absl::StatusOr<std::pair<std::uint64_t, std::uint64_t>> CountsOf(std::string_view value);
// "USD 1K-10K": the currency and power of ten of an amount's major units; nullopt without one.
std::optional<std::string> AmountBand(const Money& m);
// The value a deal has in "amount" or "custom.<name>" as the model counts it; nullopt for none.
std::optional<std::string> FieldValue(const Opportunity& o, std::string_view field);
// The family of a product (empty when it has none or is gone).
using FamilyOf = absl::FunctionRef<std::string(ProductId)>;
// The values a deal has in "product" (product ids as text) or "product.family", each once.
std::vector<std::string> ProductValues(const Opportunity& o, std::string_view field, FamilyOf family_of);

}  // namespace crm::sales
