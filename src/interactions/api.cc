// The transaction operations of this concept, as declared in its public header: each runs the
// concept's code on the transaction's context (core/txn.h).
#include "crm/interaction.hpp"

#include "core/txn.h"
#include "interactions/interactions.h"

namespace crm {

absl::StatusOr<Interaction> InteractionReads::GetInteraction(InteractionId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return interactions::Get(c, id); });
}
absl::StatusOr<InteractionPage> InteractionReads::ListTimeline(const TimelineQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return interactions::Timeline(c, query); });
}
absl::StatusOr<Interaction> InteractionWrites::LogInteraction(const Interaction& interaction) {
  return core::Mutate(this, [&](model::Ctx& c) { return interactions::Log(c, interaction);});
}
absl::StatusOr<Interaction> InteractionWrites::UpdateInteraction(const Interaction& interaction) {
  return core::Mutate(this, [&](model::Ctx& c) { return interactions::Update(c, interaction);});
}
absl::StatusOr<Interaction> InteractionWrites::UpsertInteraction(const Interaction& interaction) {
  return core::Mutate(this, [&](model::Ctx& c) { return interactions::Upsert(c, interaction); });
}
absl::StatusOr<Interaction> InteractionWrites::PatchInteraction(const Interaction& interaction, const Patch& patch) {
  return core::Mutate(this, [&](model::Ctx& c) { return interactions::Patch(c, interaction, patch); });
}
absl::StatusOr<Interaction> InteractionReads::FindInteractionByExternalId(std::string_view external_id) const {
  return core::Query(this, [&](const model::Ctx& c) { return interactions::FindByExternalId(c, external_id); });
}
absl::Status InteractionWrites::DeleteInteraction(InteractionId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return interactions::Delete(c, id);}, core::Growth::kRemoves);
}

}  // namespace crm
