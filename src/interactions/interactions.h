// Interactions: a customer's timeline, clustered by customer and time.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "crm/interaction.hpp"
#include "crm/interaction.hpp"
#include "model/schema.h"

namespace crm::interactions {

using model::Ctx;

absl::StatusOr<Interaction> Get(const Ctx& ctx, InteractionId id);
absl::StatusOr<InteractionPage> Timeline(const Ctx& ctx, const TimelineQuery& q);

absl::StatusOr<Interaction> Log(Ctx& ctx, Interaction i);
absl::StatusOr<Interaction> Update(Ctx& ctx, Interaction i);
absl::Status Delete(Ctx& ctx, InteractionId id);

// Whether the customer has any interaction.
absl::StatusOr<bool> Any(const Ctx& ctx, CustomerId customer);
// Deletes every interaction of a customer (without touching the customer record).
absl::Status DeleteAllOf(Ctx& ctx, CustomerId customer);
// Clears the link to `opportunity` from every interaction that has it (recorded as updates).
absl::Status UnlinkOpportunity(Ctx& ctx, OpportunityId opportunity);

}  // namespace crm::interactions
