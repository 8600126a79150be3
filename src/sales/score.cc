// Scoring a deal from the model's counts (sales/scores.h, crm/scoring.hpp).
#include <algorithm>
#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "codec/key.h"
#include "opportunities/opportunities.h"
#include "pipelines/pipelines.h"
#include "products/products.h"
#include "sales/score_keys.h"
#include "sales/scores.h"
#include "storage/lmdb.h"
#include "users/users.h"

namespace crm::sales {

std::string ScoreKey(PipelineId pipeline, std::string_view field, std::string_view value) {
  return codec::KeyBuilder().U64(pipeline).Str(field).Str(value).Take();
}

absl::StatusOr<std::pair<std::uint64_t, std::uint64_t>> CountsOf(std::string_view value) {
  if (value.size() != 16) return absl::DataLossError("deal scores: an entry of the wrong length");
  return std::pair{codec::GetBigEndian64(value.data()), codec::GetBigEndian64(value.data() + 8)};
}

std::optional<std::string> AmountBand(const Money& m) {
  if (m.currency.empty() || m.minor_units <= 0) return std::nullopt;
  std::int64_t major = m.minor_units;
  for (int i = CurrencyMinorDigits(m.currency).value_or(0); i > 0; --i) major /= 10;
  if (major < 1) return absl::StrCat(m.currency, " 0-1");
  static constexpr const char* kNames[] = {"1", "10", "100", "1K", "10K", "100K", "1M", "10M", "100M",
                                           "1G", "10G", "100G", "1T", "10T", "100T", "1P", "10P", "100P", "1E", "10E"};
  int power = 0;
  for (std::int64_t x = major; x >= 10; x /= 10) ++power;
  return absl::StrCat(m.currency, " ", kNames[power], "-", kNames[power + 1]);
}

std::optional<std::string> FieldValue(const Opportunity& o, std::string_view field) {
  if (field == kAmountField) return AmountBand(o.amount);
  if (field.rfind(kCustomPrefix, 0) != 0) return std::nullopt;
  const auto it = o.custom.find(std::string(field.substr(kCustomPrefix.size())));
  if (it == o.custom.end()) return std::nullopt;
  const CustomValue& v = it->second;
  if (const auto* s = std::get_if<std::string>(&v)) return s->empty() ? std::nullopt : std::optional<std::string>(*s);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return std::string(*b ? "true" : "false");
  if (const auto* money = std::get_if<Money>(&v)) return AmountBand(*money);
  return std::nullopt;  // a time says nothing of the model's kind
}

std::vector<std::string> ProductValues(const Opportunity& o, std::string_view field, FamilyOf family_of) {
  std::vector<std::string> out;
  for (const LineItem& l : o.lines) {
    std::string v = field == kProductField ? std::to_string(l.product) : family_of(l.product);
    if (!v.empty() && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(std::move(v));
  }
  return out;
}

namespace {

using Pair = std::pair<std::uint64_t, std::uint64_t>;

// The counts at `key`; (0, 0) when there are none.
absl::StatusOr<Pair> Read(const model::Ctx& ctx, const std::string& key) {
  std::string_view stored;
  auto found = ctx.txn.Get(ctx.schema.deal_scores, key, &stored);
  if (!found.ok()) return found.status();
  if (!*found) return Pair{0, 0};
  return CountsOf(stored);
}

// The lost deals of the pipeline that passed `stage`: lost from it or from an open stage after it
// (every lost deal passed the first open stage).
absl::StatusOr<std::uint64_t> LostPassing(const model::Ctx& ctx, const Pipeline& p, const Stage& stage, std::uint64_t lost) {
  std::vector<StageId> open;
  for (const Stage& s : p.stages)
    if (s.outcome == StageOutcome::kOpen) open.push_back(s.id);
  const auto at = std::find(open.begin(), open.end(), stage.id);
  if (at == open.begin()) return lost;
  std::uint64_t passing = 0;
  const std::string prefix = codec::KeyBuilder().U64(p.id).Str(kStageField).Take();
  absl::Status s = storage::ScanPrefix(ctx.txn, ctx.schema.deal_scores, prefix, {},
                                       [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                         codec::KeyReader r(key.substr(prefix.size()));
                                         const auto id = r.Str();
                                         auto c = CountsOf(value);
                                         if (!id || !c.ok()) return absl::DataLossError("deal scores: a damaged stage entry");
                                         StageId from = 0;
                                         for (char ch : *id) from = from * 10 + static_cast<StageId>(ch - '0');
                                         if (std::find(at, open.end(), from) != open.end()) passing += c->second;
                                         return true;
                                       });
  if (!s.ok()) return s;
  return passing;
}

// The owners' counts summed over the owners in `team`.
absl::StatusOr<Pair> TeamCounts(const model::Ctx& ctx, PipelineId pipeline, const users::Directory& directory,
                                const std::string& team) {
  Pair sum{0, 0};
  const std::string prefix = codec::KeyBuilder().U64(pipeline).Str(kOwnerField).Take();
  absl::Status s = storage::ScanPrefix(ctx.txn, ctx.schema.deal_scores, prefix, {},
                                       [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                         codec::KeyReader r(key.substr(prefix.size()));
                                         const auto owner = r.Str();
                                         auto c = CountsOf(value);
                                         if (!owner || !c.ok()) return absl::DataLossError("deal scores: a damaged owner entry");
                                         const users::OwnerInfo* info = directory.Find(*owner);
                                         if (info != nullptr && info->team == team) {
                                           sum.first += c->first;
                                           sum.second += c->second;
                                         }
                                         return true;
                                       });
  if (!s.ok()) return s;
  return sum;
}

}  // namespace

absl::StatusOr<DealScore> ScoreDeal(const model::Ctx& ctx, OpportunityId id) {
  if (ctx.schema.deal_scores == model::kAbsentTable)
    return absl::FailedPreconditionError("deal scores: this file predates them (schema 12); open it writable to upgrade it");
  auto o = opportunities::Get(ctx, id);
  if (!o.ok()) return o.status();
  auto p = pipelines::Get(ctx, o->pipeline);
  if (!p.ok()) return p.status();
  const Stage* stage = p->FindStage(o->stage);
  if (stage == nullptr)
    return absl::DataLossError(absl::StrCat("opportunity ", id, " is in stage ", o->stage, ", which its pipeline lacks"));
  DealScore score;
  score.opportunity = id;
  score.pipeline = p->id;
  if (stage->outcome != StageOutcome::kOpen) {
    const bool won = stage->outcome == StageOutcome::kWon;
    score.basis = ScoreBasis::kClosed;
    score.probability = won ? 100 : 0;
    score.explanation = absl::StrCat("the deal is closed ", won ? "won" : "lost", " (stage '", stage->name, "')");
    return score;
  }
  auto options = GetScoringOptions(ctx);
  if (!options.ok()) return options.status();
  auto total = Read(ctx, ScoreKey(p->id, "", ""));
  if (!total.ok()) return total.status();
  const auto [won, lost] = *total;
  score.won = won;
  score.lost = lost;
  const double w = static_cast<double>(won), l = static_cast<double>(lost);
  score.prior = 100 * (w + 1) / (w + l + 2);
  const std::string closed_text = absl::StrCat(won + lost, " closed deals of pipeline '", p->name, "' (", won, " won, ", lost, " lost)");
  if (won + lost < options->minimum_closed || won == 0 || lost == 0) {
    score.basis = ScoreBasis::kStageProbability;
    score.probability = stage->probability;
    score.explanation = absl::StrCat("the probability of stage '", stage->name, "': the model needs at least ",
                                     options->minimum_closed, " closed deals, won and lost, and has ", closed_text);
    return score;
  }
  const auto add = [&](std::string field, std::string value, Pair c) {
    if (c.first == 0 && c.second == 0) return;  // no closed deal had it: it says nothing
    const double weight = std::log(((static_cast<double>(c.first) + 1) / (w + 2)) /
                                   ((static_cast<double>(c.second) + 1) / (l + 2)));
    score.factors.push_back(ScoreFactor{std::move(field), std::move(value), c.first, c.second, weight});
  };
  auto passing = LostPassing(ctx, *p, *stage, lost);
  if (!passing.ok()) return passing.status();
  add(std::string(kStageField), stage->name, Pair{won, *passing});
  for (const std::string& field : options->fields) {
    if (field == kTeamField) {
      if (o->owner.empty()) continue;
      auto directory = users::Directory::Shared(ctx);
      if (!directory.ok()) return directory.status();
      const users::OwnerInfo* info = (*directory)->Find(o->owner);
      if (info == nullptr || info->team.empty()) continue;
      auto c = TeamCounts(ctx, p->id, **directory, info->team);
      if (!c.ok()) return c.status();
      add(field, info->team, *c);
      continue;
    }
    if (field == kProductField || field == kFamilyField) {
      absl::Status failed;
      const auto family_of = [&](ProductId id) { return products::FamilyOf(ctx, id, &failed); };
      for (const std::string& value : ProductValues(*o, field, family_of)) {
        auto c = Read(ctx, ScoreKey(p->id, field, value));
        if (!c.ok()) return c.status();
        std::string shown = value;  // a product by its code
        if (field == kProductField) {
          ProductId id = 0;
          for (char ch : value) id = id * 10 + static_cast<ProductId>(ch - '0');
          if (auto product = products::Get(ctx, id); product.ok()) shown = product->code;
        }
        add(field, std::move(shown), *c);
      }
      if (!failed.ok()) return failed;
      continue;
    }
    const std::optional<std::string> value = field == kOwnerField ? std::optional<std::string>(o->owner) : FieldValue(*o, field);
    if (!value || value->empty()) continue;
    auto c = Read(ctx, ScoreKey(p->id, field, *value));
    if (!c.ok()) return c.status();
    add(field, *value, *c);
  }
  std::stable_sort(score.factors.begin(), score.factors.end(), [](const ScoreFactor& a, const ScoreFactor& b) {
    return std::abs(a.weight) > std::abs(b.weight);
  });
  double log_odds = std::log((w + 1) / (l + 1));
  for (const ScoreFactor& f : score.factors) log_odds += f.weight;
  score.probability = std::clamp(100 / (1 + std::exp(-log_odds)), 1.0, 99.0);
  score.basis = ScoreBasis::kModel;
  score.explanation = absl::StrCat("learned from ", closed_text);
  return score;
}

}  // namespace crm::sales
