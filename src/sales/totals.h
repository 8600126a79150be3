// The deal totals the pipeline summary reads (crm/sales.hpp): per pipeline, stage, currency and
// owner, the deals' count, amount and probability-weighted amount, kept in the write transaction
// of every change of a deal, so that a summary reads a few hundred entries instead of every deal.
//
//   deal_totals   U64(pipeline) U32(stage) Str(currency) Str(owner)
//                 -> U64(count) I64(amount) I128(amount x probability)   (since schema 11)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "crm/opportunity.hpp"
#include "model/schema.h"

namespace crm::sales {

struct Total {
  PipelineId pipeline = 0;
  StageId stage = 0;
  std::string currency;
  std::string owner;
  std::uint64_t count = 0;
  std::int64_t amount = 0;
  __int128 weighted = 0;  // sum of amount x probability (hundredths of a minor unit)
};

// A deal's change: `before` leaves the totals (nullptr: created), `after` enters them (nullptr:
// deleted). Entries that reach 0 deals are removed.
absl::Status MoveTotals(model::Ctx& ctx, const Opportunity* before, const Opportunity* after);
// Calls `fn` with every total, in key order; false when the file has no totals table (a
// read-only file of an earlier schema): the caller counts the deals instead.
absl::StatusOr<bool> EachTotal(const model::Ctx& ctx, absl::FunctionRef<void(const Total&)> fn);
// Calls `fn` with every deal of the store, in id order (the recounts of totals and scores).
absl::Status EachStoredDeal(const model::Ctx& ctx, absl::FunctionRef<void(const Opportunity&)> fn);
// Counts the totals again from every deal and writes them (the migration to schema 11).
absl::Status RebuildTotals(model::Ctx& ctx);
// The differences between the stored totals and a count of every deal, in words (Verify).
absl::StatusOr<std::vector<std::string>> CheckTotals(const model::Ctx& ctx);

}  // namespace crm::sales
