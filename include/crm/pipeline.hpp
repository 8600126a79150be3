// The sales pipeline: pipelines (ordered stages, as data) and the opportunities moving through
// them.
//
// Thread safety: plain values (see types.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "crm/types.hpp"

namespace crm {

enum class StageOutcome : std::uint8_t {
  kOpen = 0,
  kWon = 1,
  kLost = 2,
};
std::string_view StageOutcomeName(StageOutcome outcome);

struct Stage {
  StageId id = 0;  // 0 on a new stage: the store assigns the next free id of the pipeline
  std::string name;
  int probability = 0;  // default win probability in percent, 0 to 100
  StageOutcome outcome = StageOutcome::kOpen;
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

// A person's part in a deal.
struct ContactRole {
  CustomerId person = 0;
  std::string role;  // "decision maker", "economic buyer" ...
  friend bool operator==(const ContactRole&, const ContactRole&) = default;
};

// One move of an opportunity between stages.
struct StageChange {
  StageId from = 0;  // 0 for the stage it was created in
  StageId to = 0;
  Timestamp at = 0;
  std::string actor;
  Money amount;     // at the time of the move
  int probability = 0;  // at the time of the move
  friend bool operator==(const StageChange&, const StageChange&) = default;
};

struct Opportunity {
  // Managed by the store (see Customer), together with `history` and `closed_at`.
  OpportunityId id = 0;
  std::uint64_t revision = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  Timestamp closed_at = 0;  // when it entered a won or lost stage; 0 while open
  std::vector<StageChange> history;

  std::string title;
  CustomerId customer = 0;
  PipelineId pipeline = 0;  // the default pipeline when 0
  StageId stage = 0;        // the pipeline's first stage when 0
  Money amount;             // currency required
  // Percent, 0 to 100. On create and update, -1 means "the stage's default": the store then
  // fills in the stage's probability and keeps it following the stage as the deal moves.
  int probability = -1;
  bool probability_overridden = false;  // managed: whether `probability` was set by hand
  Timestamp expected_close = 0;
  std::string owner;
  boost::container::small_vector<ContactRole, 2> contacts;
  std::string lost_reason;  // set by CloseLost

  friend bool operator==(const Opportunity&, const Opportunity&) = default;
};

}  // namespace crm
