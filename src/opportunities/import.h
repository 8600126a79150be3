// Import mode for opportunities (crm::WriteOptions::import): a deal created from another system
// keeps its creation and closing times and its stage history, so its sales cycle survives.
#pragma once

#include "absl/status/status.h"
#include "crm/opportunity.hpp"
#include "crm/pipeline.hpp"
#include "model/schema.h"

namespace crm::opportunities {

// Sets the managed times and history of the new deal `o` (validated, in stage `o.stage` of `p`)
// from what the caller gave (`given`):
// - created_at: given, else the first history entry's time, else now;
// - history: given entries, checked (the first from 0, each from where the previous went, into
//   stages of the pipeline, in time order, not before created_at, the last into o.stage; actor,
//   amount and probability filled in where missing), else one entry into o.stage at created_at;
// - closed_at: for a won or lost deal, given or else the last entry's time; none for an open one;
// - updated_at: given, else the latest of these;
// - lost_reason: kept for a lost deal.
absl::Status ApplyImport(const model::Ctx& ctx, Opportunity& o, const Pipeline& p, const Opportunity& given);

}  // namespace crm::opportunities
