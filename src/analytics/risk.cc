// The churn-risk model: counts of churned and stayed customers per field value, kept with every
// write of a customer, and the naive-Bayes risk read from them (risk.h, crm/analytics.hpp).
#include "analytics/risk.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "analytics/facts.h"
#include "codec/key.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "query/search.h"
#include "storage/lmdb.h"

namespace crm::analytics {

// A field of the options, resolved.
struct Feature {
  std::string name;  // as the options name it
  query::FieldRef ref;
  GroupBy by;
};

namespace {

constexpr char kOptionsKey[] = "churn_risk_options";
constexpr std::uint32_t kMaxMinimum = 1'000'000;
constexpr std::size_t kMaxFields = 32;

using Pair = std::pair<std::uint64_t, std::uint64_t>;  // churned, stayed

// Whether a customer is counted, and as what: 1 churned, 0 stayed, -1 not counted.
int LabelOf(const Customer& c) {
  if (c.stage == LifecycleStage::kChurned) return 1;
  if (c.stage == LifecycleStage::kCustomer || c.stage == LifecycleStage::kEvangelist) return 0;
  return -1;
}


absl::StatusOr<std::vector<Feature>> Resolve(const ChurnRiskOptions& o) {
  if (o.fields.size() > kMaxFields) return absl::InvalidArgumentError(absl::StrCat("fields: at most ", kMaxFields));
  std::vector<Feature> out;
  for (std::size_t i = 0; i < o.fields.size(); ++i) {
    const std::string& name = o.fields[i];
    const std::string what = absl::StrCat("fields[", i, "]");
    auto parsed = Aggregation::ParseGroupBy(name);
    if (!parsed.ok() || parsed->size() != 1)
      return absl::InvalidArgumentError(absl::StrCat(what, ": '", name, "' is not a field, band(field, width) or bucket(field)"));
    auto ref = query::Resolve(EntityType::kCustomer, (*parsed)[0].field);
    if (!ref.ok()) return absl::InvalidArgumentError(absl::StrCat(what, ": ", ref.status().message()));
    if (ref->name == "stage" || ref->name == "last_interaction_at" || query::NeedsOwners(*ref) ||
        query::NeedsCatalog(EntityType::kCustomer, *ref))
      return absl::InvalidArgumentError(absl::StrCat(what, ": '", name,
                                                     "' cannot be read by the model (the stage is what it predicts; the "
                                                     "last contact and fields of other records are not kept with the counts)"));
    for (const Feature& f : out)
      if (f.name == name) return absl::InvalidArgumentError(absl::StrCat(what, ": '", name, "' is named twice"));
    out.push_back(Feature{name, *std::move(ref), (*parsed)[0]});
  }
  return out;
}

std::string CountKey(std::string_view field, std::string_view value) {
  return codec::KeyBuilder().Str(field).Str(value).Take();
}

std::string CountValue(const Pair& p) {
  std::string v(16, '\0');
  codec::PutBigEndian64(v.data(), p.first);
  codec::PutBigEndian64(v.data() + 8, p.second);
  return v;
}

absl::StatusOr<Pair> Read(const model::Ctx& ctx, const std::string& key) {
  std::string_view stored;
  auto found = ctx.txn.Get(ctx.schema.churn_counts, key, &stored);
  if (!found.ok()) return found.status();
  if (!*found) return Pair{0, 0};
  if (stored.size() != 16) return absl::DataLossError("churn_counts: an entry of the wrong length");
  return Pair{codec::GetBigEndian64(stored.data()), codec::GetBigEndian64(stored.data() + 8)};
}

// The keys a customer is counted under (the whole, then a field value each), and its label.
std::vector<std::string> KeysOf(const Customer& c, const std::vector<Feature>& features) {
  std::vector<std::string> keys{CountKey("", "")};
  const query::Lookups none;
  for (const Feature& f : features)
    if (auto key = query::FirstKey(c, none, f.ref, f.by)) keys.push_back(CountKey(f.name, key->label));
  return keys;
}

absl::Status Apply(model::Ctx& ctx, const std::vector<std::string>& keys, int label, int sign) {
  for (const std::string& key : keys) {
    auto p = Read(ctx, key);
    if (!p.ok()) return p.status();
    std::uint64_t& n = label == 1 ? p->first : p->second;
    if (sign < 0 && n == 0) return absl::DataLossError("churn_counts: an entry counts fewer customers than the store holds (run Verify)");
    n = sign < 0 ? n - 1 : n + 1;
    absl::Status s = p->first == 0 && p->second == 0 ? ctx.txn.Del(ctx.schema.churn_counts, key).status()
                                                      : ctx.txn.Put(ctx.schema.churn_counts, key, CountValue(*p));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<ChurnRiskOptions> ReadOptions(const model::Ctx& ctx) {
  ChurnRiskOptions o;
  std::string_view stored;
  auto found = ctx.txn.Get(ctx.schema.meta, kOptionsKey, &stored);
  if (!found.ok()) return found.status();
  if (!*found) return o;
  if (stored.size() < 8) return absl::DataLossError("churn risk options: a damaged entry");
  o.minimum_customers = static_cast<std::uint32_t>(codec::GetBigEndian64(stored.data()));
  for (absl::string_view f : absl::StrSplit(Av(stored.substr(8)), '\n', absl::SkipEmpty())) o.fields.emplace_back(f);
  return o;
}

// Every customer counted again with `features`.
absl::StatusOr<std::map<std::string, Pair>> Recount(const model::Ctx& ctx, const std::vector<Feature>& features) {
  std::map<std::string, Pair> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.customers, {}, {},
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 if (key.size() != 8) return absl::DataLossError("customers: a damaged key");
                                 auto c = customers::Get(ctx, codec::GetBigEndian64(key.data()));
                                 if (!c.ok()) return c.status();
                                 const int label = LabelOf(*c);
                                 if (label < 0) return true;
                                 for (const std::string& k : KeysOf(*c, features)) (label == 1 ? out[k].first : out[k].second)++;
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

}  // namespace

absl::StatusOr<ChurnRiskOptions> GetRiskOptions(const model::Ctx& ctx) { return ReadOptions(ctx); }

absl::Status MoveChurnCounts(model::Ctx& ctx, const Customer* before, const Customer* after) {
  if (ctx.schema.churn_counts == model::kAbsentTable) return absl::OkStatus();
  const int was = before == nullptr ? -1 : LabelOf(*before);
  const int is = after == nullptr ? -1 : LabelOf(*after);
  if (was < 0 && is < 0) return absl::OkStatus();
  auto options = ReadOptions(ctx);
  if (!options.ok()) return options.status();
  auto features = Resolve(*options);
  if (!features.ok()) return absl::DataLossError(absl::StrCat("churn risk options: ", features.status().message()));
  std::vector<std::string> old_keys, new_keys;
  if (was >= 0) old_keys = KeysOf(*before, *features);
  if (is >= 0) new_keys = KeysOf(*after, *features);
  if (was == is && old_keys == new_keys) return absl::OkStatus();
  if (was >= 0)
    if (auto s = Apply(ctx, old_keys, was, -1); !s.ok()) return s;
  if (is >= 0) return Apply(ctx, new_keys, is, +1);
  return absl::OkStatus();
}

absl::Status RebuildChurnCounts(model::Ctx& ctx) {
  auto options = ReadOptions(ctx);
  if (!options.ok()) return options.status();
  auto features = Resolve(*options);
  if (!features.ok()) return features.status();
  auto counted = Recount(ctx, *features);
  if (!counted.ok()) return counted.status();
  std::vector<std::string> stale;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.churn_counts, {}, {}, [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
    stale.emplace_back(key);
    return true;
  });
  for (const std::string& k : stale)
    if (s.ok()) s = ctx.txn.Del(ctx.schema.churn_counts, k).status();
  for (const auto& [key, pair] : *counted)
    if (s.ok()) s = ctx.txn.Put(ctx.schema.churn_counts, key, CountValue(pair));
  return s;
}

absl::StatusOr<std::vector<std::string>> CheckChurnCounts(const model::Ctx& ctx) {
  std::vector<std::string> problems;
  if (ctx.schema.churn_counts == model::kAbsentTable) return problems;
  auto pending = RebuildPending(ctx);
  if (!pending.ok()) return pending.status();
  if (*pending) return problems;
  auto options = ReadOptions(ctx);
  if (!options.ok()) return options.status();
  auto features = Resolve(*options);
  if (!features.ok()) return std::vector<std::string>{absl::StrCat("churn risk options: ", features.status().message())};
  auto counted = Recount(ctx, *features);
  if (!counted.ok()) return counted.status();
  std::map<std::string, Pair> stored;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.churn_counts, {}, {}, [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
    auto p = Read(ctx, std::string(key));
    if (!p.ok()) return p.status();
    stored.emplace(std::string(key), *p);
    return true;
  });
  if (!s.ok()) return s;
  const auto describe = [](const std::string& key) {
    codec::KeyReader r(key);
    auto field = r.Str();
    auto value = r.Str();
    if (!field || !value) return std::string("a damaged key");
    return field->empty() ? std::string("every customer") : absl::StrCat(*field, " = '", *value, "'");
  };
  for (const auto& [key, pair] : *counted) {
    auto it = stored.find(key);
    if (it == stored.end() || it->second != pair)
      problems.push_back(absl::StrCat("churn counts: ", describe(key), " is kept as ",
                                      it == stored.end() ? "nothing" : absl::StrCat(it->second.first, " churned, ", it->second.second, " stayed"),
                                      "; the customers say ", pair.first, " churned, ", pair.second, " stayed"));
  }
  for (const auto& [key, pair] : stored)
    if (counted->count(key) == 0) problems.push_back(absl::StrCat("churn counts: an entry for ", describe(key), " with no customers"));
  return problems;
}

absl::Status SetRiskOptions(model::Ctx& ctx, const ChurnRiskOptions& o) {
  if (o.minimum_customers < 1 || o.minimum_customers > kMaxMinimum)
    return absl::InvalidArgumentError("minimum_customers: must be 1 to 1000000");
  auto features = Resolve(o);
  if (!features.ok()) return features.status();
  std::string value(8, '\0');
  codec::PutBigEndian64(value.data(), o.minimum_customers);
  for (const std::string& f : o.fields) absl::StrAppend(&value, f, "\n");
  if (auto s = ctx.txn.Put(ctx.schema.meta, kOptionsKey, value); !s.ok()) return s;
  return RebuildChurnCounts(ctx);
}

struct RiskModel::State {
  ChurnRiskOptions options;
  std::vector<Feature> features;
  Pair total;
};

absl::StatusOr<RiskModel> RiskModel::Read(const model::Ctx& ctx) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto options = ReadOptions(ctx);
  if (!options.ok()) return options.status();
  auto features = Resolve(*options);
  if (!features.ok()) return absl::DataLossError(absl::StrCat("churn risk options: ", features.status().message()));
  auto total = analytics::Read(ctx, CountKey("", ""));
  if (!total.ok()) return total.status();
  RiskModel m;
  m.state_ = std::make_shared<const State>(State{*std::move(options), *std::move(features), *total});
  return m;
}

absl::StatusOr<ChurnRisk> RiskModel::Of(const model::Ctx& ctx, const Customer& c) const {
  const State& m = *state_;
  ChurnRisk r;
  r.customer = c.id;
  const int label = LabelOf(c);  // left out of its own counts
  const auto less = [&](Pair p) {
    std::uint64_t& own = label == 1 ? p.first : p.second;
    if (label >= 0 && own > 0) own -= 1;
    return p;
  };
  const Pair all = less(m.total);
  r.churned = all.first;
  r.stayed = all.second;
  const double C = static_cast<double>(all.first), S = static_cast<double>(all.second);
  r.prior = (C + 1) / (C + S + 2);
  if (all.first + all.second < m.options.minimum_customers || all.first == 0 || all.second == 0) {
    r.explanation = absl::StrCat("no model: ", all.first + all.second, " customers counted (", all.first, " churned, ",
                                 all.second, " stayed); it needs ", m.options.minimum_customers,
                                 " with both churned and stayed ones");
    return r;
  }
  r.model = true;
  double log_odds = std::log((C + 1) / (S + 1));
  const query::Lookups none;
  for (const Feature& f : m.features) {
    auto key = query::FirstKey(c, none, f.ref, f.by);
    if (!key) continue;
    auto p = analytics::Read(ctx, CountKey(f.name, key->label));
    if (!p.ok()) return p.status();
    const Pair mine = less(*p);
    if (mine.first + mine.second == 0) continue;  // no other customer had it: it says nothing
    const double w = std::log(((static_cast<double>(mine.first) + 1) / (C + 2)) / ((static_cast<double>(mine.second) + 1) / (S + 2)));
    log_odds += w;
    r.factors.push_back(ChurnRiskFactor{f.name, key->label, mine.first, mine.second, w});
  }
  std::stable_sort(r.factors.begin(), r.factors.end(),
                   [](const ChurnRiskFactor& a, const ChurnRiskFactor& b) { return std::abs(a.weight) > std::abs(b.weight); });
  r.risk = std::clamp(1 / (1 + std::exp(-log_odds)), 0.01, 0.99);
  r.explanation = absl::StrCat("learned from ", all.first, " churned and ", all.second, " stayed customers");
  if (!r.factors.empty())
    absl::StrAppend(&r.explanation, "; most of all ", r.factors[0].field, " = '", r.factors[0].value, "'");
  return r;
}

absl::StatusOr<ChurnRisk> Risk(const model::Ctx& ctx, CustomerId customer) {
  auto c = customers::Get(ctx, customer);
  if (!c.ok()) return c.status();
  auto model = RiskModel::Read(ctx);
  if (!model.ok()) return model.status();
  return model->Of(ctx, *c);
}

}  // namespace crm::analytics
