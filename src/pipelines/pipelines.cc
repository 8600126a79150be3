#include "pipelines/pipelines.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/strings.h"
#include "changes/changes.h"
#include "codec/key.h"
#include "model/records.h"
#include "model/validation.h"
#include "text/text.h"

namespace crm {

const Stage* Pipeline::FindStage(StageId id) const {
  for (const Stage& s : stages)
    if (s.id == id) return &s;
  return nullptr;
}

const Stage* Pipeline::FindStage(std::string_view name) const {
  const std::string folded = text::FoldCase(name);
  for (const Stage& s : stages)
    if (text::FoldCase(s.name) == folded) return &s;
  return nullptr;
}

std::string_view StageOutcomeName(StageOutcome outcome) {
  switch (outcome) {
    case StageOutcome::kOpen: return "open";
    case StageOutcome::kWon: return "won";
    case StageOutcome::kLost: return "lost";
  }
  return "unknown";
}

std::string_view ForecastCategoryName(ForecastCategory category) {
  switch (category) {
    case ForecastCategory::kAuto: return "auto";
    case ForecastCategory::kPipeline: return "pipeline";
    case ForecastCategory::kBestCase: return "best_case";
    case ForecastCategory::kCommit: return "commit";
    case ForecastCategory::kClosed: return "closed";
    case ForecastCategory::kOmitted: return "omitted";
  }
  return "unknown";
}

absl::StatusOr<ForecastCategory> ParseForecastCategory(std::string_view name) {
  std::string folded = text::FoldCase(name);
  for (char& c : folded)
    if (c == ' ') c = '_';
  for (int c = 0; c <= static_cast<int>(ForecastCategory::kOmitted); ++c)
    if (ForecastCategoryName(static_cast<ForecastCategory>(c)) == folded) return static_cast<ForecastCategory>(c);
  return absl::InvalidArgumentError(absl::StrCat(
      "forecast category: '", Av(name), "' is not one of auto, pipeline, best_case, commit, closed, omitted"));
}

ForecastCategory Stage::forecast() const {
  if (forecast_category != ForecastCategory::kAuto) return forecast_category;
  switch (outcome) {
    case StageOutcome::kWon: return ForecastCategory::kClosed;
    case StageOutcome::kLost: return ForecastCategory::kOmitted;
    default: return ForecastCategory::kPipeline;
  }
}

ForecastCategory ForecastOf(const Opportunity& o, const Stage& stage) {
  if (stage.outcome != StageOutcome::kOpen || o.forecast_category == ForecastCategory::kAuto) return stage.forecast();
  return o.forecast_category;
}

namespace pipelines {
namespace {

constexpr char kSequence[] = "seq.pipeline";
constexpr char kDefault[] = "default.pipeline";
constexpr std::size_t kMaxStages = 50;
constexpr std::size_t kNameBytes = 128;
constexpr std::size_t kStageNameBytes = 64;

using model::Field;
using model::Invalid;

const model::RecordKind kKind{&model::Schema::pipelines, codec::RecordType::kPipeline, "pipeline"};

// A stage's forecast category must fit its outcome.
absl::Status CheckForecast(const Stage& s, std::size_t i) {
  const ForecastCategory c = s.forecast_category;
  if (static_cast<int>(c) > static_cast<int>(ForecastCategory::kOmitted))
    return Invalid(Field("stages", i, "forecast_category"), "must be auto, pipeline, best_case, commit, closed or omitted");
  if (c == ForecastCategory::kAuto) return absl::OkStatus();
  if (s.outcome == StageOutcome::kWon && c != ForecastCategory::kClosed)
    return Invalid(Field("stages", i, "forecast_category"), "a won stage counts as closed");
  if (s.outcome == StageOutcome::kLost && c != ForecastCategory::kOmitted)
    return Invalid(Field("stages", i, "forecast_category"), "a lost stage counts as omitted");
  if (s.outcome == StageOutcome::kOpen && c == ForecastCategory::kClosed)
    return Invalid(Field("stages", i, "forecast_category"), "an open stage cannot count as closed");
  return absl::OkStatus();
}

// Validates name and stages; assigns ids to new stages after the highest id in `known`.
absl::Status Normalize(Pipeline& p, const Pipeline* before) {
  model::Trim(p.name);
  if (auto s = model::CheckRequiredText("name", p.name, kNameBytes); !s.ok()) return s;
  if (p.stages.empty()) return Invalid("stages", "a pipeline needs stages");
  if (p.stages.size() > kMaxStages) return Invalid("stages", absl::StrCat("more than ", kMaxStages, " stages"));
  StageId next = 1;
  if (before != nullptr)
    for (const Stage& s : before->stages) next = std::max<StageId>(next, s.id + 1);
  std::vector<std::string> names;
  std::vector<StageId> ids;
  bool open = false, won = false, lost = false;
  for (std::size_t i = 0; i < p.stages.size(); ++i) {
    Stage& s = p.stages[i];
    model::Trim(s.name);
    if (auto st = model::CheckRequiredText(Field("stages", i, "name"), s.name, kStageNameBytes); !st.ok()) return st;
    if (model::Repeats(names, text::FoldCase(s.name)))
      return Invalid(Field("stages", i, "name"), "repeats another stage's name");
    if (s.probability < 0 || s.probability > 100)
      return Invalid(Field("stages", i, "probability"), "must be between 0 and 100");
    switch (s.outcome) {
      case StageOutcome::kOpen: open = true; break;
      case StageOutcome::kWon: won = true; break;
      case StageOutcome::kLost: lost = true; break;
      default: return Invalid(Field("stages", i, "outcome"), "must be open, won or lost");
    }
    if (auto st = CheckForecast(s, i); !st.ok()) return st;
    if (s.id != 0 && (before == nullptr || before->FindStage(s.id) == nullptr))
      return Invalid(Field("stages", i, "id"), "names no stage of this pipeline (leave 0 for a new stage)");
    if (std::find(ids.begin(), ids.end(), s.id) != ids.end() && s.id != 0)
      return Invalid(Field("stages", i, "id"), "repeats another stage's id");
    ids.push_back(s.id);
  }
  if (!open || !won || !lost)
    return Invalid("stages", "a pipeline needs at least one open, one won and one lost stage");
  for (Stage& s : p.stages)
    if (s.id == 0) s.id = next++;
  return absl::OkStatus();
}

std::string StagePrefix(PipelineId pipeline, StageId stage) {
  return codec::KeyBuilder().U64(pipeline).U32(stage).Take();
}

}  // namespace

absl::StatusOr<bool> Load(const Ctx& ctx, PipelineId id, Pipeline* out) { return model::Load(ctx, kKind, id, out); }

absl::StatusOr<Pipeline> Get(const Ctx& ctx, PipelineId id) { return model::Get<Pipeline>(ctx, kKind, id); }

absl::StatusOr<std::vector<Pipeline>> List(const Ctx& ctx) {
  std::vector<Pipeline> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.pipelines, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 Pipeline p;
                                 const std::uint64_t id = codec::GetBigEndian64(key.data());
                                 if (auto st = codec::Decode(value, codec::RecordType::kPipeline, {"pipeline", id}, p); !st.ok())
                                   return st;
                                 out.push_back(std::move(p));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<PipelineId> DefaultId(const Ctx& ctx) {
  auto id = model::ReadCounter(ctx, kDefault);
  if (!id.ok()) return id;
  if (*id == 0) return absl::FailedPreconditionError("the database has no default pipeline");
  return *id;
}

absl::StatusOr<Pipeline> Create(Ctx& ctx, Pipeline p) {
  if (auto s = Normalize(p, nullptr); !s.ok()) return s;
  auto id = model::NextId(ctx, kSequence);
  if (!id.ok()) return id.status();
  p.id = *id;
  model::StampCreated(p, ctx.now);
  absl::Status s = model::Put(ctx, kKind, p, /*fresh=*/true);
  if (s.ok()) s = changes::Record(ctx, EntityType::kPipeline, p.id, ChangeOp::kCreate, {}, changes::Flatten(p));
  if (!s.ok()) return s;
  return p;
}

absl::StatusOr<Pipeline> Update(Ctx& ctx, Pipeline p) {
  auto stored = model::LoadForUpdate(ctx, kKind, p);
  if (!stored.ok()) return stored.status();
  const Pipeline& before = *stored;
  if (auto s = Normalize(p, &before); !s.ok()) return s;
  // A stage holding deals stays, with its outcome: whether they are open, won or lost is
  // counted in the indexes and the scoring model.
  for (const Stage& old : before.stages) {
    const Stage* kept = p.FindStage(old.id);
    if (kept != nullptr && kept->outcome == old.outcome) continue;
    auto used = model::AnyWithPrefix(ctx, ctx.schema.opp_stage, StagePrefix(p.id, old.id));
    if (!used.ok()) return used.status();
    if (*used)
      return HasDependentsError(absl::StrCat("stages: stage '", old.name, "' cannot ",
                                             kept == nullptr ? "be removed" : "change its outcome",
                                             " while opportunities are in it"));
  }
  model::StampChanged(p, before, ctx.now);
  absl::Status s = model::Put(ctx, kKind, p);
  if (s.ok())
    s = changes::Record(ctx, EntityType::kPipeline, p.id, ChangeOp::kUpdate, changes::Flatten(before),
                        changes::Flatten(p));
  if (!s.ok()) return s;
  return p;
}

absl::Status Delete(Ctx& ctx, PipelineId id) {
  auto p = Get(ctx, id);
  if (!p.ok()) return p.status();
  auto default_id = DefaultId(ctx);
  if (default_id.ok() && *default_id == id)
    return absl::FailedPreconditionError(absl::StrCat("pipeline ", id, " is the default pipeline"));
  auto used = model::AnyWithPrefix(ctx, ctx.schema.opp_stage, codec::EncodeU64(id));
  if (!used.ok()) return used.status();
  if (*used)
    return HasDependentsError(absl::StrCat("pipeline ", id, " still has opportunities"));
  absl::Status s = ctx.txn.Del(ctx.schema.pipelines, codec::EncodeU64(id)).status();
  if (s.ok()) s = changes::Record(ctx, EntityType::kPipeline, id, ChangeOp::kDelete, changes::Flatten(*p), {});
  return s;
}

absl::Status EnsureDefault(Ctx& ctx) {
  auto existing = model::ReadCounter(ctx, kDefault);
  if (!existing.ok()) return existing.status();
  if (*existing != 0) return absl::OkStatus();
  // Only a new database gets one: a database that has had pipelines and no longer names its
  // default is damaged, and a new default would hide that.
  auto made = model::ReadCounter(ctx, kSequence);
  if (!made.ok()) return made.status();
  auto any = model::AnyWithPrefix(ctx, ctx.schema.pipelines, {});  // not counters alone: a damaged meta
  if (!any.ok()) return any.status();                               // page can hide both of them
  if (*made != 0 || *any)
    return absl::DataLossError("database is damaged: its record of the default pipeline is missing");
  Pipeline p;
  p.name = "Sales";
  p.stages = {
      {0, "Prospecting", 10, StageOutcome::kOpen},  {0, "Qualification", 20, StageOutcome::kOpen},
      {0, "Proposal", 50, StageOutcome::kOpen},     {0, "Negotiation", 80, StageOutcome::kOpen},
      {0, "Closed won", 100, StageOutcome::kWon},   {0, "Closed lost", 0, StageOutcome::kLost},
  };
  auto created = Create(ctx, std::move(p));
  if (!created.ok()) return created.status();
  absl::Status s = model::AddToCounter(ctx, kDefault, static_cast<std::int64_t>(created->id));
  return s;
}

}  // namespace pipelines
}  // namespace crm
