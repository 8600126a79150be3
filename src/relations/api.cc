// The deletes that reach across concepts (customers with their dependents, opportunities with
// their links), as declared in customer.hpp and opportunity.hpp; run on the transaction's context
// (core/txn.h).
#include "crm/customer.hpp"
#include "crm/opportunity.hpp"

#include "core/txn.h"
#include "relations/relations.h"

namespace crm {

absl::Status CustomerWrites::DeleteCustomer(CustomerId id, DeleteOptions options) {
  return core::Mutate(this, [&](model::Ctx& c) { return relations::DeleteCustomer(c, id, options.cascade);}, core::Growth::kRemoves);
}
absl::Status OpportunityWrites::DeleteOpportunity(OpportunityId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return relations::DeleteOpportunity(c, id);}, core::Growth::kRemoves);
}

}  // namespace crm
