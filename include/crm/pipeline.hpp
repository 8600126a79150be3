// Pipelines: ordered stages, as data, that opportunities (opportunity.hpp) move through.
//
// Thread safety: records are plain values (see types.hpp); the operations are members of the
// transactions (store.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

enum class StageOutcome : std::uint8_t {
  kOpen = 0,
  kWon = 1,
  kLost = 2,
};
std::string_view StageOutcomeName(StageOutcome outcome);

// Where a deal counts in a forecast (since 0.13), as Salesforce and HubSpot sort them: each stage
// maps to one, and an open deal may override its stage's (Opportunity::forecast_category).
enum class ForecastCategory : std::uint8_t {
  kAuto = 0,  // a stage: open ones count as pipeline, won ones as closed, lost ones as omitted;
              // a deal: its stage's
  kPipeline = 1,
  kBestCase = 2,
  kCommit = 3,
  kClosed = 4,   // won stages only
  kOmitted = 5,  // every lost stage; open ones may be left out of the forecast too
};
// "pipeline", "best_case", "commit", "closed", "omitted" ("auto" for kAuto).
std::string_view ForecastCategoryName(ForecastCategory category);
// The category of one of those names (any case; "best case" too); InvalidArgument listing them.
absl::StatusOr<ForecastCategory> ParseForecastCategory(std::string_view name);

struct Stage {
  StageId id = 0;  // 0 on a new stage: the store assigns the next free id of the pipeline
  std::string name;
  int probability = 0;  // default win probability in percent, 0 to 100
  StageOutcome outcome = StageOutcome::kOpen;
  // kAuto: by the outcome. A won stage can only be closed, a lost one only omitted, and an open
  // one anything else (since 0.13).
  ForecastCategory forecast_category = ForecastCategory::kAuto;
  // The category its deals count in: forecast_category, or the outcome's for kAuto.
  ForecastCategory forecast() const;
  friend bool operator==(const Stage&, const Stage&) = default;
};

struct Pipeline {
  PipelineId id = 0;
  std::uint64_t revision = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;

  std::string name;
  std::vector<Stage> stages;  // in order; at least one open, one won and one lost stage

  const Stage* FindStage(StageId id) const;
  const Stage* FindStage(std::string_view name) const;
  friend bool operator==(const Pipeline&, const Pipeline&) = default;
};

// Reads of pipelines: members of every transaction.
class PipelineReads {
 public:
  absl::StatusOr<Pipeline> GetPipeline(PipelineId id) const;
  absl::StatusOr<std::vector<Pipeline>> ListPipelines() const;
  // The pipeline opportunities go to when they name none.
  absl::StatusOr<Pipeline> GetDefaultPipeline() const;

 protected:
  PipelineReads() = default;
};

// Writes of pipelines: members of WriteTxn.
class PipelineWrites {
 public:
  absl::StatusOr<Pipeline> CreatePipeline(const Pipeline& pipeline);
  // Renames, reorders, adds and removes stages (revision checked). A stage still holding
  // opportunities cannot be removed, nor change its outcome (CRM_EDEPENDENTS; since 0.14).
  absl::StatusOr<Pipeline> UpdatePipeline(const Pipeline& pipeline);
  // Refused for the default pipeline and while opportunities use it.
  absl::Status DeletePipeline(PipelineId id);

 protected:
  PipelineWrites() = default;
};

}  // namespace crm
