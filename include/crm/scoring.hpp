// Explained win probability of open deals (since 0.14): a frequency (naive-Bayes) model learned
// from the closed deals of each pipeline, kept up to date in the write transaction of every
// change of a deal, with the reasons of each score.
//
// What is counted. Per pipeline, the won and the lost deals; per field the model reads (below)
// and value, how many of each had that value. The stage is counted as a deal went through the
// pipeline: a won deal counts as won in every open stage; a lost one counts as lost in the open
// stage it was lost from and in every open stage before it (a deal created closed, as an import
// writes one, counts as lost in the first stage only). The counts are a function of the deals
// alone: a full recount (SetScoringOptions, Verify) finds the same numbers.
//
// How a deal is scored. With W won and L lost deals in its pipeline, and for each field with a
// value the deal has and some closed deal had (w won, l lost of them):
//   log-odds = ln((W + 1) / (L + 1)) + Σ ln(((w + 1) / (W + 2)) / ((l + 1) / (L + 2)))
//   probability = 100 / (1 + e^-log-odds), clamped to [1, 99]
// Each term of the sum is a factor: its field, value, counts and weight (the term; above 0 it
// raises the probability). A field whose value no closed deal had says nothing and is left out.
// With fewer than `minimum_closed` closed deals in the pipeline, or no won or no lost one, the
// score is the deal's stage probability and says why.
//
// Fields: "stage" (always), "owner", "team" (the owner's team, read through the users as the
// query engine does: the owners' counts are summed per team when a deal is scored, so a user
// moving team needs no recount), "amount" (the amount's currency and power of ten of its major
// units: "USD 1K-10K"), "custom.<name>" (text, whole number and true/false values as they are;
// an amount as a band), and since 0.15 "product" and "product.family": every product (counted by
// id, shown by code) and every family the deal's lines have, each a factor; a product changing
// family moves the counts of the closed deals that sell it, in the same write.
//
// Thread safety: the types are plain values; the operations are members of the transactions
// (SalesReads and SalesWrites in sales.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/types.hpp"

namespace crm {

struct ScoringOptions {
  // The fields that score a deal besides its stage; counted for every closed deal.
  std::vector<std::string> fields = {"owner", "team", "amount"};
  // Closed deals a pipeline needs before its deals are scored by the model: 1 to 1,000,000.
  std::uint32_t minimum_closed = 20;
  friend bool operator==(const ScoringOptions&, const ScoringOptions&) = default;
};

// What a score rests on.
enum class ScoreBasis : std::uint8_t {
  kModel = 1,             // the counts of the pipeline's closed deals
  kStageProbability = 2,  // too few closed deals: the probability of the deal's stage
  kClosed = 3,            // the deal is closed: 100 won, 0 lost
};
std::string_view ScoreBasisName(ScoreBasis b);  // "model", "stage probability", "closed"

struct ScoreFactor {
  std::string field;  // "stage", "owner", "team", "amount", "product", "product.family", "custom.x" ...
  std::string value;  // as the deal has it (the stage's and the team's name)
  std::uint64_t won = 0;   // closed deals of the pipeline counted with that value
  std::uint64_t lost = 0;
  double weight = 0;  // the factor's term of the log-odds: above 0 for won, below for lost
};

struct DealScore {
  OpportunityId opportunity = 0;
  PipelineId pipeline = 0;
  double probability = 0;  // percent, 1 to 99 from the model
  ScoreBasis basis = ScoreBasis::kModel;
  std::string explanation;  // one sentence: what the score rests on
  std::uint64_t won = 0;    // the closed deals of the pipeline
  std::uint64_t lost = 0;
  double prior = 0;  // percent: the probability before the factors, (W + 1) / (W + L + 2)
  std::vector<ScoreFactor> factors;  // strongest first (by |weight|; ties in the fields' order); empty unless kModel
};

}  // namespace crm
