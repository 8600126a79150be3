// The query operations of transactions (crm/query.hpp).
#include "crm/query.hpp"

#include "core/txn.h"
#include "query/declared.h"
#include "query/search.h"

namespace crm {

absl::StatusOr<CustomerPage> QueryReads::SearchCustomers(const Search& search) const {
  return core::Query(this, [&](const model::Ctx& c) { return query::SearchCustomers(c, search); });
}

absl::StatusOr<OpportunityPage> QueryReads::SearchOpportunities(const Search& search) const {
  return core::Query(this, [&](const model::Ctx& c) { return query::SearchOpportunities(c, search); });
}
absl::StatusOr<InteractionPage> QueryReads::SearchInteractions(const Search& search) const {
  return core::Query(this, [&](const model::Ctx& c) { return query::SearchInteractions(c, search); });
}

absl::StatusOr<std::uint64_t> QueryReads::CountMatching(EntityType kind, const Search& search) const {
  return core::Query(this, [&](const model::Ctx& c) { return query::Count(c, kind, search); });
}

absl::StatusOr<SearchPlan> QueryReads::Explain(EntityType kind, const Search& search) const {
  return core::Query(this, [&](const model::Ctx& c) { return query::Explain(c, kind, search); });
}

absl::StatusOr<AggregateResult> QueryReads::Aggregate(EntityType kind, const Aggregation& aggregation) const {
  return core::Query(this, [&](const model::Ctx& c) { return query::Aggregate(c, kind, aggregation); });
}

absl::StatusOr<std::vector<IndexInfo>> QueryReads::Indexes() const {
  return core::Query(this, [&](const model::Ctx& c) { return query::ListDeclared(c); });
}

absl::Status QueryWrites::DeclareIndex(EntityType kind, std::string_view field) {
  return core::Mutate(this, [&](model::Ctx& c) { return query::Declare(c, kind, field); });
}

absl::Status QueryWrites::DropIndex(EntityType kind, std::string_view field) {
  return core::Mutate(this, [&](model::Ctx& c) { return query::Drop(c, kind, field); }, core::Growth::kRemoves);
}

}  // namespace crm
