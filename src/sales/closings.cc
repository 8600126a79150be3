// The closed deals by closing time (sales/closings.h).
#include "sales/closings.h"

#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "codec/key.h"
#include "pipelines/pipelines.h"
#include "sales/totals.h"
#include "storage/lmdb.h"

namespace crm::sales {
namespace {

constexpr std::size_t kFixedBytes = 8 + 8 + 8 + 4 + 1;
constexpr std::size_t kCombinationAt = 16;  // after created_at and amount
constexpr std::uint64_t kSignBit = std::uint64_t{1} << 63;

std::string KeyOf(StageOutcome outcome, Timestamp closed_at, OpportunityId id) {
  return codec::KeyBuilder().U8(static_cast<std::uint8_t>(outcome)).I64(closed_at).U64(id).Take();
}

// The outcome under which a deal of `p` has its entry: none for an open deal (or one in no stage
// of its pipeline, which a write refuses).
std::optional<StageOutcome> OutcomeOf(const Pipeline& p, const Opportunity* o) {
  if (o == nullptr || o->closed_at == 0) return std::nullopt;
  const Stage* stage = p.FindStage(o->stage);
  if (stage == nullptr || stage->outcome == StageOutcome::kOpen) return std::nullopt;
  return stage->outcome;
}

// The entry's value; nullopt for a currency no entry can hold (ISO 4217 codes are three
// letters: a write refuses a longer one before it gets here).
std::optional<std::string> ValueOf(const Opportunity& o) {
  if (o.amount.currency.size() > 255) return std::nullopt;
  std::string v = codec::KeyBuilder()
                      .I64(o.created_at)
                      .I64(o.amount.minor_units)
                      .U64(o.pipeline)
                      .U32(o.stage)
                      .U8(static_cast<std::uint8_t>(o.amount.currency.size()))
                      .Take();
  v += o.amount.currency;
  v += o.owner;
  return v;
}

// Read with fixed offsets: a report reads tens of thousands of entries.
bool Parse(std::string_view key, std::string_view value, Closing* c) {
  if (key.size() != 17 || value.size() < kFixedBytes) return false;
  const auto outcome = static_cast<StageOutcome>(key[0]);
  if (outcome != StageOutcome::kWon && outcome != StageOutcome::kLost) return false;
  key.remove_prefix(1);
  c->outcome = outcome;
  const std::size_t n = static_cast<unsigned char>(value[kFixedBytes - 1]);
  if (value.size() < kFixedBytes + n) return false;
  const char* v = value.data();
  c->closed_at = static_cast<Timestamp>(codec::GetBigEndian64(key.data()) ^ kSignBit);
  c->id = codec::GetBigEndian64(key.data() + 8);
  c->created_at = static_cast<Timestamp>(codec::GetBigEndian64(v) ^ kSignBit);
  c->amount = static_cast<std::int64_t>(codec::GetBigEndian64(v + 8) ^ kSignBit);
  c->pipeline = codec::GetBigEndian64(v + 16);
  c->stage = codec::GetBigEndian32(v + 24);
  c->currency = value.substr(kFixedBytes, n);
  c->owner = value.substr(kFixedBytes + n);
  c->combination = value.substr(kCombinationAt);
  return true;
}

// The pipeline of `o` among `all` (an empty one when it has none: no stage, so no entry).
const Pipeline& PipelineOf(const std::vector<Pipeline>& all, const Opportunity& o) {
  static const Pipeline* const kNone = new Pipeline();
  for (const Pipeline& p : all)
    if (p.id == o.pipeline) return p;
  return *kNone;
}


}  // namespace

bool KeepsClosings(const model::Ctx& ctx) {
  return ctx.schema.deal_closings != model::kAbsentTable;
}

absl::Status MoveClosings(model::Ctx& ctx, const Pipeline& p, const Opportunity* before, const Opportunity* after) {
  if (!KeepsClosings(ctx)) return absl::OkStatus();
  const std::optional<StageOutcome> was = OutcomeOf(p, before), is = OutcomeOf(p, after);
  std::optional<std::string> value;
  if (is) {
    value = ValueOf(*after);
    if (!value) return absl::InvalidArgumentError("amount.currency: is not a known ISO 4217 code");
  }
  const bool same_key = was && is && *was == *is && before->closed_at == after->closed_at;
  if (was && !same_key)
    if (auto s = ctx.txn.Del(ctx.schema.deal_closings, KeyOf(*was, before->closed_at, before->id)); !s.ok())
      return s.status();
  if (!value) return absl::OkStatus();
  if (same_key) {
    auto held = ValueOf(*before);
    if (held && *held == *value) return absl::OkStatus();  // nothing the entry holds changed
  }
  return ctx.txn.Put(ctx.schema.deal_closings, KeyOf(*is, after->closed_at, after->id), *value);
}

absl::Status EachClosing(const model::Ctx& ctx, StageOutcome outcome, Timestamp from, Timestamp to,
                         absl::FunctionRef<void(const Closing&)> fn) {
  if (from >= to) return absl::OkStatus();
  const auto o = static_cast<std::uint8_t>(outcome);
  const std::string lo = codec::KeyBuilder().U8(o).I64(from).Take();
  const std::string hi = to == INT64_MAX ? codec::KeyBuilder().U8(static_cast<std::uint8_t>(o + 1)).Take()
                                         : codec::KeyBuilder().U8(o).I64(to).Take();
  Closing c;
  return storage::ScanRangeCopied(ctx.txn, ctx.schema.deal_closings, lo, hi,
                                  [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                              if (!Parse(key, value, &c))
                                return absl::DataLossError(
                                    "database is damaged: an entry of the deals' closings is malformed (verify the "
                                    "database, and restore it from a backup)");
                              fn(c);
                              return true;
                            });
}

// The table is new and empty: the migration adds it.
absl::Status RebuildClosings(model::Ctx& ctx) {
  if (!KeepsClosings(ctx)) return absl::OkStatus();
  auto pipelines = pipelines::List(ctx);
  if (!pipelines.ok()) return pipelines.status();
  std::vector<std::pair<std::string, std::string>> entries;
  absl::Status s = EachStoredDeal(ctx, [&](const Opportunity& o) {
    const std::optional<StageOutcome> outcome = OutcomeOf(PipelineOf(*pipelines, o), &o);
    if (!outcome) return;
    if (auto v = ValueOf(o)) entries.emplace_back(KeyOf(*outcome, o.closed_at, o.id), *std::move(v));
  });
  if (!s.ok()) return s;
  for (const auto& [k, v] : entries)
    if (auto put = ctx.txn.Put(ctx.schema.deal_closings, k, v); !put.ok()) return put;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> CheckClosings(const model::Ctx& ctx) {
  std::vector<std::string> problems;
  if (ctx.schema.deal_closings == model::kAbsentTable) return problems;
  std::map<std::string, std::string> stored;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.deal_closings, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 stored.emplace(key, value);
                                 return true;
                               });
  if (!s.ok()) return s;
  auto pipelines = pipelines::List(ctx);
  if (!pipelines.ok()) return pipelines.status();
  s = EachStoredDeal(ctx, [&](const Opportunity& o) {
    const std::optional<StageOutcome> outcome = OutcomeOf(PipelineOf(*pipelines, o), &o);
    if (!outcome) return;
    auto it = stored.find(KeyOf(*outcome, o.closed_at, o.id));
    const auto value = ValueOf(o);
    if (it == stored.end()) {
      problems.push_back(absl::StrCat("deal closings: opportunity ", o.id, ", closed at ", o.closed_at, ", has no entry"));
      return;
    }
    if (!value || it->second != *value)
      problems.push_back(absl::StrCat("deal closings: the entry of opportunity ", o.id, " disagrees with the deal"));
    stored.erase(it);
  });
  if (!s.ok()) return s;
  for (const auto& [key, value] : stored) {  // entries no deal has
    Closing c;
    problems.push_back(Parse(key, value, &c)
                           ? absl::StrCat("deal closings: an entry of opportunity ", c.id, " at ", c.closed_at,
                                          ", which is not a deal closed then")
                           : std::string("deal closings: a malformed entry"));
  }
  return problems;
}

}  // namespace crm::sales
