// Searches, counts and aggregates over customers, opportunities and interactions (crm/query.hpp).
#pragma once

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "crm/query.hpp"
#include "model/schema.h"
#include "query/plan.h"

namespace crm::query {

// The pipelines an opportunity's stage and status need (none for other kinds).
absl::StatusOr<Lookups> LoadLookups(const model::Ctx& ctx, EntityType kind);
// Loads the owners' users into `l` when `needed` (and not loaded yet).
absl::Status LoadOwners(const model::Ctx& ctx, bool needed, Lookups* l);
// Loads the product catalog into `l` when `needed` (a field read through it: NeedsCatalog).
absl::Status LoadCatalog(const model::Ctx& ctx, bool needed, Lookups* l);

// Calls `fn` with every record of the filter's kind that matches, in id order (interactions read
// whole: by customer and time), until it returns false; `fn` may move the record away. `contact`: customers get their last_interaction_at (one
// more read each).
absl::Status Walk(const model::Ctx& ctx, const Compiled& f, const Lookups& p, const Candidates& c,
                  bool include_archived, bool contact,
                  absl::FunctionRef<absl::StatusOr<bool>(Customer*, Opportunity*, Interaction*)> fn);

absl::StatusOr<CustomerPage> SearchCustomers(const model::Ctx& ctx, const Search& s);
absl::StatusOr<OpportunityPage> SearchOpportunities(const model::Ctx& ctx, const Search& s);
absl::StatusOr<InteractionPage> SearchInteractions(const model::Ctx& ctx, const Search& s);
absl::StatusOr<std::uint64_t> Count(const model::Ctx& ctx, EntityType kind, const Search& s);
absl::StatusOr<SearchPlan> Explain(const model::Ctx& ctx, EntityType kind, const Search& s);
absl::StatusOr<AggregateResult> Aggregate(const model::Ctx& ctx, EntityType kind, const Aggregation& a);
// The group of an opportunity's first value of `f` as Aggregate makes it (the empty group when it
// has none): its sort code ("" for the empty group) and its key.
std::pair<std::string, GroupKey> FirstGroup(const Opportunity& o, const Lookups& l, const FieldRef& f);

}  // namespace crm::query
