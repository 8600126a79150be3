#include "changes/retention.h"

#include <algorithm>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "codec/envelope.h"
#include "codec/key.h"
#include "common/strings.h"
#include "model/sealing.h"
#include "model/serialize.h"
#include "storage/lmdb.h"

namespace crm::changes {
namespace {

constexpr char kFirstSeqKey[] = "feed_first_seq";
constexpr std::size_t kMaxBatch = 100000;
constexpr std::int64_t kMicrosPerDay = 86'400'000'000;

std::string EntityKey(const Change& c) {
  return codec::KeyBuilder().U8(static_cast<std::uint8_t>(c.entity)).U64(c.entity_id).U64(c.seq).Take();
}

absl::StatusOr<bool> LoadAt(const model::Ctx& ctx, std::uint64_t seq, Change* out) {
  std::string_view value;
  auto found = ctx.txn.Get(ctx.schema.changes, codec::EncodeU64(seq), &value);
  if (!found.ok() || !*found) return found;
  if (auto s = codec::Decode(value, codec::RecordType::kChange, {"change", seq}, *out, ctx.sealing); !s.ok()) return s;
  return true;
}

}  // namespace

absl::StatusOr<std::uint64_t> FirstSeq(const model::Ctx& ctx) {
  std::string_view stored;
  auto found = ctx.txn.Get(ctx.schema.meta, kFirstSeqKey, &stored);
  if (!found.ok()) return found.status();
  if (!*found) return 1;
  if (stored.size() != 8) return absl::DataLossError("database is damaged: the feed's first sequence number");
  return codec::GetBigEndian64(stored.data());
}

absl::Status CheckPolicy(const RetentionPolicy& policy) {
  if (policy.batch < 1 || policy.batch > kMaxBatch)
    return absl::InvalidArgumentError(absl::StrCat("batch: must be between 1 and ", kMaxBatch));
  for (std::size_t i = 0; i < policy.rules.size(); ++i) {
    const RetentionRule& r = policy.rules[i];
    const auto kind = static_cast<int>(r.entity);
    const std::string field = absl::StrCat("rules[", i, "]");
    if (kind < 1 || kind > 6)
      return absl::InvalidArgumentError(absl::StrCat(field, ".entity: is not a kind of record"));
    if (r.keep_days == 0 && r.keep_entries == 0)
      return absl::InvalidArgumentError(absl::StrCat(field, ": sets neither keep_days nor keep_entries"));
    for (std::size_t j = 0; j < i; ++j)
      if (policy.rules[j].entity == r.entity)
        return absl::InvalidArgumentError(absl::StrCat(field, ".entity: ", Av(EntityTypeName(r.entity)),
                                                       " has a rule already (rules[", j, "])"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::uint64_t>> Selected(const model::Ctx& ctx, const RetentionPolicy& policy) {
  std::map<EntityType, RetentionRule> rules;
  for (const RetentionRule& r : policy.rules) rules[r.entity] = r;
  std::vector<std::uint64_t> out;
  const auto rule_of = [&](std::uint8_t entity) -> const RetentionRule* {
    auto it = rules.find(static_cast<EntityType>(entity));
    return it == rules.end() ? nullptr : &it->second;
  };
  // By age: the changes of a kind older than its limit.
  const bool by_age = std::any_of(policy.rules.begin(), policy.rules.end(), [](const auto& r) { return r.keep_days; });
  if (by_age) {
    auto first = FirstSeq(ctx);
    if (!first.ok()) return first.status();
    auto s = storage::ScanRange(ctx.txn, ctx.schema.changes, codec::EncodeU64(*first), {}, {}, false,
                                [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                  const std::uint64_t seq = codec::GetBigEndian64(key.data());
                                  Change c;
                                  if (auto st = codec::Decode(value, codec::RecordType::kChange, {"change", seq}, c, ctx.sealing);
                                      !st.ok())
                                    return st;
                                  const RetentionRule* r = rule_of(static_cast<std::uint8_t>(c.entity));
                                  if (r != nullptr && r->keep_days != 0 && !c.trimmed &&
                                      c.at < ctx.now - static_cast<std::int64_t>(r->keep_days) * kMicrosPerDay)
                                    out.push_back(seq);
                                  return true;
                                });
    if (!s.ok()) return s;
  }
  // By count: all but the newest N changes of each record. Trimmed changes have left the index.
  std::string record;  // the (entity, id) prefix of the run being read
  std::vector<std::uint64_t> run;
  const auto close_run = [&] {
    const RetentionRule* r = record.empty() ? nullptr : rule_of(static_cast<std::uint8_t>(record[0]));
    if (r != nullptr && r->keep_entries != 0 && run.size() > r->keep_entries)
      out.insert(out.end(), run.begin(), run.end() - r->keep_entries);
    run.clear();
  };
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.change_entity, {}, {},
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 if (key.size() != 17) return absl::DataLossError("change_entity: an entry is damaged");
                                 if (key.substr(0, 9) != record) {
                                   close_run();
                                   record.assign(key.substr(0, 9));
                                 }
                                 run.push_back(codec::GetBigEndian64(key.data() + 9));
                                 return true;
                               });
  if (!s.ok()) return s;
  close_run();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

absl::StatusOr<std::uint64_t> Trim(model::Ctx& ctx, absl::Span<const std::uint64_t> seqs) {
  std::uint64_t trimmed = 0;
  std::string buffer;
  for (std::uint64_t seq : seqs) {
    Change c;
    auto found = LoadAt(ctx, seq, &c);
    if (!found.ok()) return found.status();
    if (!*found || c.trimmed) continue;
    if (auto d = ctx.txn.Del(ctx.schema.change_entity, EntityKey(c)); !d.ok()) return d.status();
    c.fields.clear();
    c.actor.clear();
    c.trimmed = true;
    codec::Encode(codec::RecordType::kChange, c, buffer);
    if (auto s = ctx.txn.Put(ctx.schema.changes, codec::EncodeU64(seq), buffer); !s.ok()) return s;
    ++trimmed;
  }
  return trimmed;
}

absl::StatusOr<std::uint64_t> DropTrimmedFront(model::Ctx& ctx, std::size_t limit) {
  auto first = FirstSeq(ctx);
  if (!first.ok()) return first.status();
  std::uint64_t seq = *first;
  std::uint64_t removed = 0;
  while (removed < limit) {
    Change c;
    auto found = LoadAt(ctx, seq, &c);
    if (!found.ok()) return found.status();
    if (!*found || !c.trimmed) break;
    if (auto d = ctx.txn.Del(ctx.schema.changes, codec::EncodeU64(seq)); !d.ok()) return d.status();
    ++seq;
    ++removed;
  }
  if (removed == 0) return removed;
  if (auto s = ctx.txn.Put(ctx.schema.meta, kFirstSeqKey, codec::EncodeU64(seq)); !s.ok()) return s;
  return removed;
}

}  // namespace crm::changes
