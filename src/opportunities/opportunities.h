// Opportunities: deals moving through a pipeline, with their stage history.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/opportunity.hpp"
#include "crm/pipeline.hpp"
#include "model/schema.h"

namespace crm::opportunities {

using model::Ctx;

// The index entries (table, key) an opportunity has, sorted.
std::vector<std::pair<storage::Table, std::string>> IndexEntries(const model::Schema& s, const Opportunity& o);
absl::StatusOr<bool> Load(const Ctx& ctx, OpportunityId id, Opportunity* out);
absl::StatusOr<Opportunity> Get(const Ctx& ctx, OpportunityId id);
absl::StatusOr<Opportunity> FindByExternalId(const Ctx& ctx, std::string_view external_id);
// Creates, or updates (regardless of revision) the opportunity with o.external_id.
absl::StatusOr<Opportunity> Upsert(Ctx& ctx, Opportunity o);
absl::StatusOr<OpportunityPage> List(const Ctx& ctx, const OpportunityQuery& q);
absl::StatusOr<std::uint64_t> Count(const Ctx& ctx, const OpportunityQuery& q);

absl::StatusOr<Opportunity> Create(Ctx& ctx, Opportunity o);
// Revision checked; a change of stage is recorded as a stage move, made now, or at `moved_at` when
// not 0 (an import's re-read row: the time the file gives for the move, which must not be before
// the deal's last stage change nor after now; InvalidArgument naming `field` otherwise).
absl::StatusOr<Opportunity> Update(Ctx& ctx, Opportunity o, Timestamp moved_at = 0, std::string_view field = {});
// Changes only the fields `patch` names (by id, or upserting by external id): patch.cc.
// Copies the fields `patch` names from `given` into `out` (no write).
absl::Status ApplyPatch(const Opportunity& given, const crm::Patch& patch, Opportunity& out);
absl::StatusOr<Opportunity> Patch(Ctx& ctx, const Opportunity& given, const crm::Patch& patch);
absl::StatusOr<Opportunity> Move(Ctx& ctx, OpportunityId id, StageId stage);
// Moves to the pipeline's first won / lost stage.
absl::StatusOr<Opportunity> CloseWon(Ctx& ctx, OpportunityId id);
absl::StatusOr<Opportunity> CloseLost(Ctx& ctx, OpportunityId id, std::string reason);
// Deletes the opportunity and its index entries. Links from interactions are the caller's
// (relations/) to remove first.
absl::Status Remove(Ctx& ctx, OpportunityId id);

// Ids of the opportunities of a customer / naming a person as a contact.
absl::StatusOr<std::vector<OpportunityId>> OfCustomer(const Ctx& ctx, CustomerId customer);
absl::StatusOr<std::vector<OpportunityId>> WithContact(const Ctx& ctx, CustomerId person);
// Writes `image` as deal `current.id` (stored as `current`), its next revision, updated now,
// whatever its customer and contacts (merges and unmerges); recorded as an update.
absl::StatusOr<Opportunity> Reassign(Ctx& ctx, const Opportunity& current, Opportunity image);
// Removes `person` from the contacts of opportunity `id` (recorded as an update).
absl::Status RemoveContact(Ctx& ctx, OpportunityId id, CustomerId person);
// Keeps a deal of an erased customer for reporting, without what named the customer: no
// customer, a neutral title, no external id, lost reason or custom fields, no role of `person`.
absl::Status Anonymize(Ctx& ctx, OpportunityId id, CustomerId person);

}  // namespace crm::opportunities
