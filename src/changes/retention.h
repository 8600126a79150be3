// Retention of the change feed (crm/change.hpp): which changes a policy selects, trimming them,
// and removing trimmed changes from the front of the feed. Each step runs in the transaction it
// is given; Store::ApplyRetention bounds them.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "crm/change.hpp"
#include "model/schema.h"

namespace crm::changes {

// The sequence number of the oldest change kept: the meta entry "feed_first_seq", 1 when absent.
absl::StatusOr<std::uint64_t> FirstSeq(const model::Ctx& ctx);

absl::Status CheckPolicy(const RetentionPolicy& policy);
// The changes the policy selects that are not trimmed yet, in feed order.
absl::StatusOr<std::vector<std::uint64_t>> Selected(const model::Ctx& ctx, const RetentionPolicy& policy);
// Trims these changes (skipping those trimmed or removed since); returns how many it trimmed.
absl::StatusOr<std::uint64_t> Trim(model::Ctx& ctx, absl::Span<const std::uint64_t> seqs);
// Removes up to `limit` trimmed changes from the front of the feed; returns how many.
absl::StatusOr<std::uint64_t> DropTrimmedFront(model::Ctx& ctx, std::size_t limit);

}  // namespace crm::changes
