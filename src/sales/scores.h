// The counts of the deal-scoring model (crm/scoring.hpp), kept in the write transaction of every
// change of a deal, and the scores read from them.
//
//   deal_scores   U64(pipeline) Str(field) Str(value) -> U64(won) U64(lost)     (since schema 12)
//                 field "" value "": every closed deal of the pipeline;
//                 field "stage" value "<stage id>": lost deals by the open stage they were lost
//                 from ("0": created closed); won deals are counted once, under "";
//                 field "owner", "amount", "custom.<name>": per value;
//                 field "product" value "<product id>", "product.family" value "<family>": per
//                 value a deal's lines have, each once (since 0.15).
//   meta "scoring_options"  U64(minimum_closed) then the fields, each followed by '\n'
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/opportunity.hpp"
#include "crm/scoring.hpp"
#include "model/schema.h"

namespace crm::sales {

// A deal's change in pipeline `p`: `before` leaves the counts (nullptr: created), `after` enters
// them (nullptr: deleted). Only closed deals are counted.
absl::Status MoveScores(model::Ctx& ctx, const Pipeline& p, const Opportunity* before, const Opportunity* after);
// A product's family changed from `before` to `after` (in the write of the product): the closed
// deals with the product move from the one's counts to the other's, when the model reads
// "product.family".
absl::Status MoveProductFamily(model::Ctx& ctx, ProductId product, const std::string& before, const std::string& after);
// Counts every deal again (the migration to schema 12, and a change of options).
absl::Status RebuildScores(model::Ctx& ctx);
// The differences between the stored counts and a count of every deal, in words (Verify).
absl::StatusOr<std::vector<std::string>> CheckScores(const model::Ctx& ctx);

absl::StatusOr<ScoringOptions> GetScoringOptions(const model::Ctx& ctx);
// Validates, stores and counts every deal again with them.
absl::Status SetScoringOptions(model::Ctx& ctx, const ScoringOptions& options);

absl::StatusOr<DealScore> ScoreDeal(const model::Ctx& ctx, OpportunityId id);

}  // namespace crm::sales
