// Interactions: a customer's timeline, clustered by customer and time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/interaction.hpp"
#include "model/schema.h"

namespace crm::interactions {

using model::Ctx;

// The key of an interaction in the interactions table, and of its entry in interaction_opp.
std::string RecordKey(CustomerId customer, Timestamp at, InteractionId id);
std::string OppKey(OpportunityId opp, InteractionId id);
// Decodes the interaction stored under `key` in the interactions table: DataLoss when the value
// is damaged or the record is not the one its key names (customer, time and id).
absl::Status DecodeAt(const Ctx& ctx, std::string_view key, std::string_view value, Interaction* out);
// The newest contact time among the customer's interactions (0 when none): a reverse scan
// from the end of its cluster that stops at the first contact kind.
absl::StatusOr<Timestamp> NewestContact(const Ctx& ctx, CustomerId customer);

absl::StatusOr<Interaction> Get(const Ctx& ctx, InteractionId id);
absl::StatusOr<InteractionPage> Timeline(const Ctx& ctx, const TimelineQuery& q);

absl::StatusOr<Interaction> Log(Ctx& ctx, Interaction i);
absl::StatusOr<Interaction> Update(Ctx& ctx, Interaction i);
absl::StatusOr<Interaction> FindByExternalId(const Ctx& ctx, std::string_view external_id);
// Logs, or updates (regardless of revision) the interaction with i.external_id.
absl::StatusOr<Interaction> Upsert(Ctx& ctx, Interaction i);
// Changes only the fields `patch` names (crm::InteractionWrites::PatchInteraction).
// Copies the fields `patch` names from `given` into `out` (no write).
absl::Status ApplyPatch(const Interaction& given, const crm::Patch& patch, Interaction& out);
absl::StatusOr<Interaction> Patch(Ctx& ctx, const Interaction& given, const crm::Patch& patch);
absl::Status Delete(Ctx& ctx, InteractionId id);

// Whether the customer has any interaction.
absl::StatusOr<bool> Any(const Ctx& ctx, CustomerId customer);
// Deletes every interaction of a customer (without touching the customer record).
absl::Status DeleteAllOf(Ctx& ctx, CustomerId customer);
// Every interaction of a customer, oldest first.
absl::StatusOr<std::vector<Interaction>> OfCustomer(const Ctx& ctx, CustomerId customer);
// Writes `image` as interaction `current.id` (stored as `current`), its next revision, updated
// now, whatever its customer (merges and unmerges); recorded as an update. The customers' last
// contact is the caller's to refresh (RefreshContact).
absl::StatusOr<Interaction> Reassign(Ctx& ctx, const Interaction& current, Interaction image);
// Sets the customer's last_interaction_at from its timeline.
absl::Status RefreshContact(Ctx& ctx, CustomerId customer);
// Clears the link to `opportunity` from every interaction that has it (recorded as updates).
absl::Status UnlinkOpportunity(Ctx& ctx, OpportunityId opportunity);

}  // namespace crm::interactions
