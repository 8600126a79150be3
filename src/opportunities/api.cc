// The transaction operations of this concept, as declared in its public header: each runs the
// concept's code on the transaction's context (core/txn.h).
#include "crm/opportunity.hpp"

#include "core/txn.h"
#include "opportunities/opportunities.h"

namespace crm {

OpportunityQuery OpportunityQuery::All() { return OpportunityQuery{}; }
OpportunityQuery OpportunityQuery::ForCustomer(CustomerId customer) {
  OpportunityQuery q;
  q.by = By::kCustomer;
  q.customer = customer;
  return q;
}
OpportunityQuery OpportunityQuery::AtStage(PipelineId pipeline, StageId stage) {
  OpportunityQuery q;
  q.by = By::kStage;
  q.pipeline = pipeline;
  q.stage = stage;
  return q;
}
OpportunityQuery OpportunityQuery::InPipeline(PipelineId pipeline) {
  OpportunityQuery q;
  q.by = By::kPipeline;
  q.pipeline = pipeline;
  return q;
}
OpportunityQuery OpportunityQuery::OwnedBy(std::string owner) {
  OpportunityQuery q;
  q.by = By::kOwner;
  q.owner = std::move(owner);
  return q;
}
OpportunityQuery OpportunityQuery::ClosingBetween(Timestamp from, Timestamp to) {
  OpportunityQuery q;
  q.by = By::kExpectedClose;
  q.close_from = from;
  q.close_to = to;
  return q;
}

absl::StatusOr<Opportunity> OpportunityReads::GetOpportunity(OpportunityId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return opportunities::Get(c, id); });
}
absl::StatusOr<Opportunity> OpportunityReads::FindOpportunityByExternalId(std::string_view external_id) const {
  return core::Query(this, [&](const model::Ctx& c) { return opportunities::FindByExternalId(c, external_id); });
}
absl::StatusOr<Opportunity> OpportunityWrites::UpsertOpportunity(const Opportunity& opportunity) {
  return core::Mutate(this, [&](model::Ctx& c) { return opportunities::Upsert(c, opportunity); });
}
absl::StatusOr<OpportunityPage> OpportunityReads::ListOpportunities(const OpportunityQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return opportunities::List(c, query); });
}
absl::StatusOr<std::uint64_t> OpportunityReads::CountOpportunities(const OpportunityQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return opportunities::Count(c, query); });
}
absl::StatusOr<Opportunity> OpportunityWrites::CreateOpportunity(const Opportunity& opportunity) {
  return core::Mutate(this, [&](model::Ctx& c) { return opportunities::Create(c, opportunity);});
}
absl::StatusOr<Opportunity> OpportunityWrites::PatchOpportunity(const Opportunity& opportunity, const Patch& patch) {
  return core::Mutate(this, [&](model::Ctx& c) { return opportunities::Patch(c, opportunity, patch); });
}

absl::StatusOr<Opportunity> OpportunityWrites::UpdateOpportunity(const Opportunity& opportunity) {
  return core::Mutate(this, [&](model::Ctx& c) { return opportunities::Update(c, opportunity);});
}
absl::StatusOr<Opportunity> OpportunityWrites::MoveOpportunity(OpportunityId id, StageId stage) {
  return core::Mutate(this, [&](model::Ctx& c) { return opportunities::Move(c, id, stage);});
}
absl::StatusOr<Opportunity> OpportunityWrites::CloseWon(OpportunityId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return opportunities::CloseWon(c, id);});
}
absl::StatusOr<Opportunity> OpportunityWrites::CloseLost(OpportunityId id, std::string_view reason) {
  return core::Mutate(this, [&](model::Ctx& c) {
    return opportunities::CloseLost(c, id, std::string(reason));
  });
}

}  // namespace crm
