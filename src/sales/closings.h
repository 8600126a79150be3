// The closed deals by closing time, kept for the reports over closed deals (win rate, sales
// cycle): a report over a quarter reads that quarter's entries, a few dozen bytes each, instead
// of decoding every deal the quarter closed.
//
//   deal_closings  U8(outcome: 1 won, 2 lost) I64(closed_at) U64(id)
//                  -> I64(created_at) I64(amount) U64(pipeline) U32(stage) U8(n) currency (n
//                     bytes) owner (the rest)                                 (since schema 20)
//
// (Integers as in keys: big-endian, signed ones with the sign bit flipped.) What follows the
// amount is the deal's pipeline, stage, currency and owner together: the fields a report's
// filter and group may read.
//
// One entry per closed deal (an open deal has none), written in the write transaction of every
// change of a deal; its outcome is its stage's, which stays while the stage holds deals. A
// sales cycle reads the won deals alone. Nothing in an entry is personal: an encrypted store
// keeps deals in plain text too (README, "Encryption at rest"), and keeps their closings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "crm/opportunity.hpp"
#include "crm/pipeline.hpp"
#include "model/schema.h"

namespace crm::sales {

// What an entry holds of its deal.
struct Closing {
  StageOutcome outcome = StageOutcome::kWon;
  OpportunityId id = 0;
  Timestamp closed_at = 0;
  PipelineId pipeline = 0;
  StageId stage = 0;
  Timestamp created_at = 0;
  std::int64_t amount = 0;  // minor units of `currency`
  std::string_view currency;
  std::string_view owner;
  std::string_view combination;  // pipeline, stage, currency and owner as the entry holds them
};

// Whether this store keeps the closings (a file of schema 20 on).
bool KeepsClosings(const model::Ctx& ctx);
// A deal's change: `before` leaves the closings (nullptr: created), `after` enters them
// (nullptr: deleted); `p` is their pipeline.
absl::Status MoveClosings(model::Ctx& ctx, const Pipeline& p, const Opportunity* before, const Opportunity* after);
// Calls `fn` with every entry of the deals closed with `outcome` (won or lost) whose closing
// time is in [from, to), in that order. DataLoss for a damaged entry. Only where KeepsClosings.
absl::Status EachClosing(const model::Ctx& ctx, StageOutcome outcome, Timestamp from, Timestamp to,
                         absl::FunctionRef<void(const Closing&)> fn);
// Writes the closings of every deal (the migration to schema 20).
absl::Status RebuildClosings(model::Ctx& ctx);
// The differences between the stored closings and the deals, in words (Verify).
absl::StatusOr<std::vector<std::string>> CheckClosings(const model::Ctx& ctx);

}  // namespace crm::sales
