// The counts of the deal-scoring model and its options (sales/scores.h).
#include "sales/scores.h"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "codec/key.h"
#include "common/strings.h"
#include "model/validation.h"
#include "opportunities/opportunities.h"
#include "pipelines/pipelines.h"
#include "products/products.h"
#include "sales/score_keys.h"
#include "sales/totals.h"
#include "storage/lmdb.h"

namespace crm::sales {
namespace {

constexpr char kOptionsKey[] = "scoring_options";
constexpr std::size_t kCountBytes = 16;
constexpr std::size_t kMaxFields = 16;
constexpr std::uint32_t kMaxMinimum = 1'000'000;

struct Counts {
  std::uint64_t won = 0;
  std::uint64_t lost = 0;
  bool operator==(const Counts&) const = default;
};

std::string CountsValue(const Counts& c) {
  std::string v(kCountBytes, '\0');
  codec::PutBigEndian64(v.data(), c.won);
  codec::PutBigEndian64(v.data() + 8, c.lost);
  return v;
}

// The keys a closed deal is counted under, and whether it counts as won; none for an open deal.
struct Contribution {
  std::vector<std::string> keys;
  bool won = false;
};

Contribution ContributionOf(const Pipeline& p, const ScoringOptions& options, const Opportunity& o, FamilyOf family_of) {
  Contribution c;
  const Stage* stage = p.FindStage(o.stage);
  if (stage == nullptr || stage->outcome == StageOutcome::kOpen) return c;
  c.won = stage->outcome == StageOutcome::kWon;
  c.keys.push_back(ScoreKey(o.pipeline, "", ""));
  if (!c.won) {
    // The stage it was lost from: where the move into its closing stage came from.
    const StageId from = o.history.empty() ? 0 : o.history.back().from;
    c.keys.push_back(ScoreKey(o.pipeline, kStageField, std::to_string(from)));
  }
  if (!o.owner.empty()) c.keys.push_back(ScoreKey(o.pipeline, kOwnerField, o.owner));
  for (const std::string& field : options.fields) {
    if (field == kOwnerField || field == kTeamField) continue;  // the team is read through the owners
    if (field == kProductField || field == kFamilyField) {
      for (const std::string& value : ProductValues(o, field, family_of)) c.keys.push_back(ScoreKey(o.pipeline, field, value));
      continue;
    }
    if (auto value = FieldValue(o, field)) c.keys.push_back(ScoreKey(o.pipeline, field, *value));
  }
  return c;
}

absl::Status Apply(model::Ctx& ctx, const std::string& key, const Counts& delta, int sign) {
  std::string_view stored;
  auto found = ctx.txn.Get(ctx.schema.deal_scores, key, &stored);
  if (!found.ok()) return found.status();
  Counts c;
  if (*found) {
    auto read = CountsOf(stored);
    if (!read.ok()) return read.status();
    c = Counts{read->first, read->second};
  }
  if (sign < 0) {
    if (c.won < delta.won || c.lost < delta.lost)
      return absl::DataLossError("deal scores: an entry counts fewer deals than the store holds (run Verify)");
    c.won -= delta.won;
    c.lost -= delta.lost;
  } else {
    c.won += delta.won;
    c.lost += delta.lost;
  }
  if (c.won == 0 && c.lost == 0) return ctx.txn.Del(ctx.schema.deal_scores, key).status();
  return ctx.txn.Put(ctx.schema.deal_scores, key, CountsValue(c));
}

absl::Status ApplyAll(model::Ctx& ctx, const Contribution& c, int sign) {
  const Counts one{c.won ? 1u : 0u, c.won ? 0u : 1u};
  for (const std::string& key : c.keys)
    if (auto s = Apply(ctx, key, one, sign); !s.ok()) return s;
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, Counts>> CountScores(const model::Ctx& ctx) {
  auto options = GetScoringOptions(ctx);
  if (!options.ok()) return options.status();
  auto pipelines = pipelines::List(ctx);
  if (!pipelines.ok()) return pipelines.status();
  std::map<PipelineId, const Pipeline*> by_id;
  for (const Pipeline& p : *pipelines) by_id[p.id] = &p;
  const Pipeline none;
  std::map<std::string, Counts> out;
  std::shared_ptr<const products::Catalog> catalog;
  if (ctx.schema.products != model::kAbsentTable) {
    auto loaded = products::Catalog::Load(ctx);
    if (!loaded.ok()) return loaded.status();
    catalog = *std::move(loaded);
  }
  const auto family_of = [&](ProductId id) -> std::string {
    const Product* p = catalog == nullptr ? nullptr : catalog->Find(id);
    return p == nullptr ? std::string() : p->family;
  };
  absl::Status s = EachStoredDeal(ctx, [&](const Opportunity& o) {
    const auto it = by_id.find(o.pipeline);
    const Contribution c = ContributionOf(it == by_id.end() ? none : *it->second, *options, o, family_of);
    for (const std::string& key : c.keys) (c.won ? out[key].won : out[key].lost) += 1;
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::map<std::string, Counts>> Stored(const model::Ctx& ctx) {
  std::map<std::string, Counts> out;
  absl::Status s = storage::ScanPrefix(ctx.txn, ctx.schema.deal_scores, {}, {},
                                       [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                         auto c = CountsOf(value);
                                         if (!c.ok()) return c.status();
                                         out.emplace(std::string(key), Counts{c->first, c->second});
                                         return true;
                                       });
  if (!s.ok()) return s;
  return out;
}

std::string DescribeKey(std::string_view key) {
  codec::KeyReader r(key);
  const auto pipeline = r.U64();
  const auto field = r.Str();
  const auto value = r.Str();
  if (!pipeline || !field || !value) return "a damaged key";
  if (field->empty()) return absl::StrCat("pipeline ", *pipeline);
  return absl::StrCat("pipeline ", *pipeline, " ", *field, " '", *value, "'");
}

absl::Status CheckOptions(const ScoringOptions& o) {
  if (o.minimum_closed < 1 || o.minimum_closed > kMaxMinimum)
    return model::Invalid("minimum_closed", absl::StrCat("must be between 1 and ", kMaxMinimum));
  if (o.fields.size() > kMaxFields) return model::Invalid("fields", absl::StrCat("more than ", kMaxFields, " fields"));
  for (std::size_t i = 0; i < o.fields.size(); ++i) {
    const std::string& f = o.fields[i];
    const model::Field name("fields", i);
    if (std::find(o.fields.begin(), o.fields.begin() + static_cast<long>(i), f) != o.fields.begin() + static_cast<long>(i))
      return model::Invalid(name, absl::StrCat("'", f, "' is named twice"));
    if (f == kOwnerField || f == kTeamField || f == kAmountField || f == kProductField || f == kFamilyField) continue;
    if (f == kStageField) return model::Invalid(name, "the stage always scores a deal: leave it out");
    if (f.rfind(kCustomPrefix, 0) != 0)
      return model::Invalid(name, absl::StrCat("'", f, "' is not a field the model reads (owner, team, amount, product, "
                                               "product.family, custom.<name>)"));
    if (auto s = model::CheckCustomKey(name, std::string_view(f).substr(kCustomPrefix.size())); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ScoringOptions> GetScoringOptions(const model::Ctx& ctx) {
  std::string_view stored;
  auto found = ctx.txn.Get(ctx.schema.meta, kOptionsKey, &stored);
  if (!found.ok()) return found.status();
  if (!*found) return ScoringOptions{};
  if (stored.size() < 8 || (stored.size() > 8 && stored.back() != '\n'))
    return absl::DataLossError("scoring options: the stored entry is damaged");
  const std::uint64_t minimum = codec::GetBigEndian64(stored.data());
  if (minimum > kMaxMinimum) return absl::DataLossError("scoring options: the stored entry is damaged");
  ScoringOptions o;
  o.minimum_closed = static_cast<std::uint32_t>(minimum);
  o.fields.clear();
  if (stored.size() > 8)
    for (absl::string_view f : absl::StrSplit(Av(stored.substr(8, stored.size() - 9)), '\n')) o.fields.emplace_back(f);
  if (auto s = CheckOptions(o); !s.ok())
    return absl::DataLossError(absl::StrCat("scoring options: the stored entry is damaged (", s.message(), ")"));
  return o;
}

absl::Status SetScoringOptions(model::Ctx& ctx, const ScoringOptions& options) {
  if (ctx.schema.deal_scores == model::kAbsentTable)
    return absl::FailedPreconditionError("deal scores: this file predates them (schema 12); open it writable to upgrade it");
  if (auto s = CheckOptions(options); !s.ok()) return s;
  std::string value(8, '\0');
  codec::PutBigEndian64(value.data(), options.minimum_closed);
  for (const std::string& f : options.fields) absl::StrAppend(&value, f, "\n");
  if (auto s = ctx.txn.Put(ctx.schema.meta, kOptionsKey, value); !s.ok()) return s;
  return RebuildScores(ctx);
}

absl::Status MoveScores(model::Ctx& ctx, const Pipeline& p, const Opportunity* before, const Opportunity* after) {
  if (ctx.schema.deal_scores == model::kAbsentTable) return absl::OkStatus();
  const auto closed = [&](const Opportunity* o) {
    const Stage* s = o == nullptr ? nullptr : p.FindStage(o->stage);
    return s != nullptr && s->outcome != StageOutcome::kOpen;
  };
  if (!closed(before) && !closed(after)) return absl::OkStatus();  // open deals are not counted
  auto options = GetScoringOptions(ctx);
  if (!options.ok()) return options.status();
  absl::Status failed;
  const auto family_of = [&](ProductId id) { return products::FamilyOf(ctx, id, &failed); };
  const Contribution b = before != nullptr ? ContributionOf(p, *options, *before, family_of) : Contribution{};
  const Contribution a = after != nullptr ? ContributionOf(p, *options, *after, family_of) : Contribution{};
  if (!failed.ok()) return failed;
  if (b.won == a.won && b.keys == a.keys) return absl::OkStatus();
  if (auto s = ApplyAll(ctx, b, -1); !s.ok()) return s;
  return ApplyAll(ctx, a, +1);
}

absl::Status MoveProductFamily(model::Ctx& ctx, ProductId product, const std::string& before, const std::string& after) {
  if (ctx.schema.deal_scores == model::kAbsentTable || before == after) return absl::OkStatus();
  auto options = GetScoringOptions(ctx);
  if (!options.ok()) return options.status();
  if (std::find(options->fields.begin(), options->fields.end(), kFamilyField) == options->fields.end())
    return absl::OkStatus();
  std::vector<OpportunityId> deals;
  absl::Status s = storage::ScanPrefix(ctx.txn, ctx.schema.product_deals, codec::EncodeU64(product), {},
                                       [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                         const bool closed = !value.empty() && (value[0] & model::kFlagClosed);
                                         if (closed && key.size() == 16) deals.push_back(codec::GetBigEndian64(key.data() + 8));
                                         return true;
                                       });
  if (!s.ok()) return s;
  absl::Status failed;
  for (OpportunityId id : deals) {
    auto o = opportunities::Get(ctx, id);
    if (!o.ok()) return o.status();
    auto p = pipelines::Get(ctx, o->pipeline);
    if (!p.ok()) return p.status();
    // The deal as counted under the product's old family, then its new one.
    for (const std::string* family : {&before, &after}) {
      const auto family_of = [&](ProductId other) {
        return other == product ? *family : products::FamilyOf(ctx, other, &failed);
      };
      const Contribution c = ContributionOf(*p, *options, *o, family_of);
      if (!failed.ok()) return failed;
      if (auto st = ApplyAll(ctx, c, family == &before ? -1 : +1); !st.ok()) return st;
    }
  }
  return absl::OkStatus();
}

absl::Status RebuildScores(model::Ctx& ctx) {
  auto counted = CountScores(ctx);
  if (!counted.ok()) return counted.status();
  auto stored = Stored(ctx);
  if (!stored.ok()) return stored.status();
  absl::Status s;
  for (const auto& [key, c] : *stored)
    if (s.ok()) s = ctx.txn.Del(ctx.schema.deal_scores, key).status();
  for (const auto& [key, c] : *counted)
    if (s.ok()) s = ctx.txn.Put(ctx.schema.deal_scores, key, CountsValue(c));
  return s;
}

absl::StatusOr<std::vector<std::string>> CheckScores(const model::Ctx& ctx) {
  std::vector<std::string> problems;
  if (ctx.schema.deal_scores == model::kAbsentTable) return problems;
  auto counted = CountScores(ctx);
  if (!counted.ok()) return counted.status();
  auto stored = Stored(ctx);
  if (!stored.ok()) return stored.status();
  for (const auto& [key, c] : *counted) {
    auto it = stored->find(key);
    if (it == stored->end())
      problems.push_back(absl::StrCat("deal scores: no counts kept for ", DescribeKey(key), ", which has ", c.won,
                                      " won and ", c.lost, " lost deals"));
    else if (!(it->second == c))
      problems.push_back(absl::StrCat("deal scores: the counts of ", DescribeKey(key), " say ", it->second.won, " won and ",
                                      it->second.lost, " lost, the deals say ", c.won, " and ", c.lost));
  }
  for (const auto& [key, c] : *stored)
    if (counted->count(key) == 0) problems.push_back(absl::StrCat("deal scores: counts of ", DescribeKey(key), " with no deals"));
  return problems;
}

}  // namespace crm::sales
