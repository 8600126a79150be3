// The keys and values of the deal_scores table (sales/scores.h), shared by the counting and the
// scoring.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "crm/opportunity.hpp"

namespace crm::sales {

inline constexpr std::string_view kStageField = "stage";
inline constexpr std::string_view kOwnerField = "owner";
inline constexpr std::string_view kTeamField = "team";
inline constexpr std::string_view kAmountField = "amount";
inline constexpr std::string_view kCustomPrefix = "custom.";

std::string ScoreKey(PipelineId pipeline, std::string_view field, std::string_view value);
// The won and lost counts of a stored entry; DataLoss when it is damaged.
absl::StatusOr<std::pair<std::uint64_t, std::uint64_t>> CountsOf(std::string_view value);
// "USD 1K-10K": the currency and power of ten of an amount's major units; nullopt without one.
std::optional<std::string> AmountBand(const Money& m);
// The value a deal has in "amount" or "custom.<name>" as the model counts it; nullopt for none.
std::optional<std::string> FieldValue(const Opportunity& o, std::string_view field);

}  // namespace crm::sales
