// Rules that span record types: what deleting a record does to the records that point at it.
#pragma once

#include "absl/status/status.h"
#include "crm/customer.hpp"
#include "crm/opportunity.hpp"
#include "model/schema.h"

namespace crm::relations {

// Deletes a customer. Without `cascade`, refuses (FailedPrecondition naming what is left) while
// it has interactions, opportunities, contact roles in other deals or members; with it,
// removes all of those first, in the same transaction. Nothing is left pointing at it.
absl::Status DeleteCustomer(model::Ctx& ctx, CustomerId id, bool cascade);

// Deletes an opportunity after clearing the link from its interactions.
absl::Status DeleteOpportunity(model::Ctx& ctx, OpportunityId id);

}  // namespace crm::relations
