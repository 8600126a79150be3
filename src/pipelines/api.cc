// The transaction operations of this concept, as declared in its public header: each runs the
// concept's code on the transaction's context (core/txn.h).
#include "crm/pipeline.hpp"

#include "core/txn.h"
#include "pipelines/pipelines.h"

namespace crm {

absl::StatusOr<Pipeline> PipelineReads::GetPipeline(PipelineId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return pipelines::Get(c, id); });
}
absl::StatusOr<std::vector<Pipeline>> PipelineReads::ListPipelines() const {
  return core::Query(this, [&](const model::Ctx& c) { return pipelines::List(c); });
}
absl::StatusOr<Pipeline> PipelineReads::GetDefaultPipeline() const {
  return core::Query(this, [&](const model::Ctx& c) -> absl::StatusOr<Pipeline> {
    auto id = pipelines::DefaultId(c);
    if (!id.ok()) return id.status();
    return pipelines::Get(c, *id);
  });
}
absl::StatusOr<Pipeline> PipelineWrites::CreatePipeline(const Pipeline& pipeline) {
  return core::Mutate(this, [&](model::Ctx& c) { return pipelines::Create(c, pipeline);});
}
absl::StatusOr<Pipeline> PipelineWrites::UpdatePipeline(const Pipeline& pipeline) {
  return core::Mutate(this, [&](model::Ctx& c) { return pipelines::Update(c, pipeline);});
}
absl::Status PipelineWrites::DeletePipeline(PipelineId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return pipelines::Delete(c, id);}, core::Growth::kRemoves);
}

}  // namespace crm
