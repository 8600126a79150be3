// Pipelines: named, ordered stages with a default probability and an open/won/lost meaning.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "crm/pipeline.hpp"
#include "model/schema.h"

namespace crm::pipelines {

using model::Ctx;

absl::StatusOr<bool> Load(const Ctx& ctx, PipelineId id, Pipeline* out);
absl::StatusOr<Pipeline> Get(const Ctx& ctx, PipelineId id);
absl::StatusOr<std::vector<Pipeline>> List(const Ctx& ctx);
// The pipeline new opportunities go to when they name none.
absl::StatusOr<PipelineId> DefaultId(const Ctx& ctx);

absl::StatusOr<Pipeline> Create(Ctx& ctx, Pipeline p);
// Replaces name and stages (revision checked). A stage still used by an opportunity cannot be
// removed (FailedPrecondition).
absl::StatusOr<Pipeline> Update(Ctx& ctx, Pipeline p);
// Refused while opportunities use the pipeline, and for the default pipeline.
absl::Status Delete(Ctx& ctx, PipelineId id);

// Creates the default pipeline in a database that has none yet.
absl::Status EnsureDefault(Ctx& ctx);

}  // namespace crm::pipelines
