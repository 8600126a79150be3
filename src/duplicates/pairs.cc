#include "duplicates/pairs.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "codec/key.h"
#include "common/errors.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "customers/entries.h"
#include "duplicates/journal.h"
#include "duplicates/match.h"

namespace crm::duplicates {
namespace {

constexpr char kIndexPending[] = "match_index_pending";
constexpr char kRuleKey[] = "duplicate_rule";
constexpr std::size_t kPairValueSize = 1 + 1 + 1 + 8 + 8;

std::string PairKey(CustomerId a, CustomerId b) { return codec::KeyBuilder().U64(a).U64(b).Take(); }

std::string PairValue(const DuplicatePair& p) {
  std::string v(kPairValueSize, '\0');
  v[0] = 1;
  v[1] = p.dismissed ? 1 : 0;
  v[2] = static_cast<char>(p.reasons);
  codec::PutBigEndian64(v.data() + 3, static_cast<std::uint64_t>(std::llround(p.score * 1e9)));
  codec::PutBigEndian64(v.data() + 11, static_cast<std::uint64_t>(p.found_at));
  return v;
}

absl::StatusOr<DuplicatePair> ReadPair(std::string_view key, std::string_view v) {
  if (key.size() != 16 || v.size() != kPairValueSize || v[0] != 1 || (v[1] != 0 && v[1] != 1))
    return absl::DataLossError("database is damaged: a duplicate pair is unreadable (verify the database)");
  DuplicatePair p;
  p.a = codec::GetBigEndian64(key.data());
  p.b = codec::GetBigEndian64(key.data() + 8);
  p.dismissed = v[1] == 1;
  p.reasons = static_cast<unsigned char>(v[2]);
  p.score = static_cast<double>(codec::GetBigEndian64(v.data() + 3)) / 1e9;
  p.found_at = static_cast<Timestamp>(codec::GetBigEndian64(v.data() + 11));
  if (p.a >= p.b || p.score > 1) return absl::DataLossError("database is damaged: a duplicate pair is unreadable (verify the database)");
  return p;
}

absl::Status NeedTables(const model::Ctx& ctx) {
  if (ctx.schema.duplicate_pairs == model::kAbsentTable)
    return absl::FailedPreconditionError("this file predates duplicate matching (opened read-only): open it writable once");
  return absl::OkStatus();
}

std::uint32_t ReasonBits(const DuplicateCandidate& d) {
  std::uint32_t bits = 0;
  for (const MatchEvidence& r : d.reasons) bits |= MatchReasonBit(r.reason);
  return bits;
}

// The rule in the meta table: action, on_update, on_import, include_archived, reasons,
// threshold x 10^9, limit, then the id fields, one per line.
std::string EncodeRule(const DuplicateRule& r) {
  std::string v(21, '\0');
  v[0] = static_cast<char>(r.action);
  v[1] = r.on_update;
  v[2] = r.on_import;
  v[3] = r.match.include_archived;
  v[4] = static_cast<char>(r.match.reasons);
  codec::PutBigEndian64(v.data() + 5, static_cast<std::uint64_t>(std::llround(r.match.threshold * 1e9)));
  codec::PutBigEndian64(v.data() + 13, r.match.limit);
  for (const std::string& f : r.match.id_fields) absl::StrAppend(&v, f, "\n");
  return v;
}

absl::StatusOr<DuplicateRule> DecodeRule(std::string_view v) {
  const auto damaged = [] { return absl::DataLossError("database is damaged: the duplicate rule is unreadable"); };
  if (v.size() < 21 || static_cast<unsigned char>(v[0]) > 2) return damaged();
  DuplicateRule r;
  r.action = static_cast<DuplicateAction>(v[0]);
  r.on_update = v[1] != 0;
  r.on_import = v[2] != 0;
  r.match.include_archived = v[3] != 0;
  r.match.reasons = static_cast<unsigned char>(v[4]);
  r.match.threshold = static_cast<double>(codec::GetBigEndian64(v.data() + 5)) / 1e9;
  r.match.limit = codec::GetBigEndian64(v.data() + 13);
  for (absl::string_view f : absl::StrSplit(Av(v.substr(21)), '\n', absl::SkipEmpty())) r.match.id_fields.emplace_back(f);
  return r;
}

}  // namespace

absl::Status NeedMatchIndex(const model::Ctx& ctx) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto pending = IndexPending(ctx);
  if (!pending.ok()) return pending.status();
  if (*pending)
    return absl::FailedPreconditionError(
        "the duplicate match index of this file is built at its first writable open: open it writable once");
  return absl::OkStatus();
}

absl::Status MarkIndexPending(model::Ctx& ctx) { return ctx.txn.Put(ctx.schema.meta, kIndexPending, "1"); }

absl::StatusOr<bool> IndexPending(const model::Ctx& ctx) {
  if (ctx.schema.customer_match == model::kAbsentTable) return false;
  std::string_view value;
  return ctx.txn.Get(ctx.schema.meta, kIndexPending, &value);
}

absl::Status BuildIndex(model::Ctx& ctx) {
  if (auto s = customers::Backfill(ctx, ctx.schema.customer_match); !s.ok()) return s;
  return ctx.txn.Del(ctx.schema.meta, kIndexPending).status();
}

absl::StatusOr<std::optional<DuplicatePair>> GetPair(const model::Ctx& ctx, CustomerId a, CustomerId b) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (a > b) std::swap(a, b);
  const std::string key = PairKey(a, b);
  std::string_view v;
  auto found = ctx.txn.Get(ctx.schema.duplicate_pairs, key, &v);
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<DuplicatePair>();
  auto p = ReadPair(key, v);
  if (!p.ok()) return p.status();
  return std::optional<DuplicatePair>(*p);
}

absl::StatusOr<bool> Dismissed(const model::Ctx& ctx, CustomerId a, CustomerId b) {
  if (ctx.schema.duplicate_pairs == model::kAbsentTable) return false;
  auto p = GetPair(ctx, a, b);
  if (!p.ok()) return p.status();
  return p->has_value() && (*p)->dismissed;
}

namespace {
absl::Status PutPair(model::Ctx& ctx, const DuplicatePair& p) {
  if (auto s = ctx.txn.Put(ctx.schema.duplicate_pairs, PairKey(p.a, p.b), PairValue(p)); !s.ok()) return s;
  return ctx.txn.Put(ctx.schema.duplicate_pair_of, PairKey(p.b, p.a), "");
}
}  // namespace

absl::StatusOr<bool> KeepPair(model::Ctx& ctx, CustomerId a, CustomerId b, const DuplicateCandidate& found) {
  if (a > b) std::swap(a, b);
  auto stored = GetPair(ctx, a, b);
  if (!stored.ok()) return stored.status();
  DuplicatePair p;
  p.a = a;
  p.b = b;
  p.score = found.score;
  p.reasons = ReasonBits(found);
  p.found_at = ctx.now;
  if (stored->has_value()) {
    p.dismissed = (*stored)->dismissed;
    if ((*stored)->score == p.score && (*stored)->reasons == p.reasons) return false;  // nothing new
  }
  if (auto s = PutPair(ctx, p); !s.ok()) return s;
  return !stored->has_value();
}

absl::Status Dismiss(model::Ctx& ctx, CustomerId a, CustomerId b) {
  if (a == b) return absl::InvalidArgumentError("a, b: a customer is no duplicate of itself");
  for (CustomerId id : {a, b}) {
    auto exists = customers::Exists(ctx, id);
    if (!exists.ok()) return exists.status();
    if (!*exists) return absl::NotFoundError(absl::StrCat("customer ", id, " does not exist"));
  }
  if (a > b) std::swap(a, b);
  auto stored = GetPair(ctx, a, b);
  if (!stored.ok()) return stored.status();
  DuplicatePair p;
  if (stored->has_value()) {
    p = **stored;
    if (p.dismissed) return absl::OkStatus();
  } else {
    p.a = a;
    p.b = b;
    p.found_at = ctx.now;
  }
  p.dismissed = true;
  return PutPair(ctx, p);
}

absl::Status Forget(model::Ctx& ctx, CustomerId a, CustomerId b) {
  if (a > b) std::swap(a, b);
  auto stored = GetPair(ctx, a, b);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return absl::NotFoundError(absl::StrCat("no duplicate pair of customers ", a, " and ", b, " is kept"));
  if (auto s = ctx.txn.Del(ctx.schema.duplicate_pairs, PairKey(a, b)); !s.ok()) return s.status();
  return ctx.txn.Del(ctx.schema.duplicate_pair_of, PairKey(b, a)).status();
}

absl::Status ForgetCustomer(model::Ctx& ctx, CustomerId id) {
  if (ctx.schema.duplicate_pairs == model::kAbsentTable) return absl::OkStatus();
  std::vector<std::pair<CustomerId, CustomerId>> pairs;  // read first: no writes during a scan
  const std::string prefix = codec::KeyBuilder().U64(id).Take();
  for (storage::Table t : {ctx.schema.duplicate_pairs, ctx.schema.duplicate_pair_of}) {
    const bool by_larger = t == ctx.schema.duplicate_pair_of;
    auto s = storage::ScanPrefix(ctx.txn, t, prefix, {}, [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
      if (key.size() != 16) return absl::DataLossError("database is damaged: a duplicate pair key is unreadable");
      const CustomerId other = codec::GetBigEndian64(key.data() + 8);
      pairs.emplace_back(by_larger ? other : id, by_larger ? id : other);
      return true;
    });
    if (!s.ok()) return s;
  }
  for (const auto& [a, b] : pairs) {
    if (auto s = ctx.txn.Del(ctx.schema.duplicate_pairs, PairKey(a, b)); !s.ok()) return s.status();
    if (auto s = ctx.txn.Del(ctx.schema.duplicate_pair_of, PairKey(b, a)); !s.ok()) return s.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<DuplicateSetPage> Sets(const model::Ctx& ctx, const DuplicateSetQuery& q) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (q.limit < 1 || q.limit > 1000) return absl::InvalidArgumentError("limit: must be 1 to 1000");
  CustomerId after = 0;
  if (!q.page_token.empty()) {
    if (q.page_token.size() != 8) return absl::InvalidArgumentError("page_token: is not a token of this list");
    after = codec::GetBigEndian64(q.page_token.data());
  }
  // Connected groups of the pairs (union-find over the customers they name).
  std::map<CustomerId, CustomerId> parent;
  std::vector<DuplicatePair> pairs;
  const auto root = [&](CustomerId x) {
    CustomerId r = x;
    while (parent[r] != r) r = parent[r];
    while (parent[x] != r) x = std::exchange(parent[x], r);
    return r;
  };
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.duplicate_pairs, {}, {}, [&](std::string_view key, std::string_view v) -> absl::StatusOr<bool> {
    auto p = ReadPair(key, v);
    if (!p.ok()) return p.status();
    if (p->dismissed && !q.include_dismissed) return true;
    for (CustomerId id : {p->a, p->b}) parent.try_emplace(id, id);
    const CustomerId ra = root(p->a), rb = root(p->b);
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);  // a group's root is its smallest id
    pairs.push_back(*p);
    return true;
  });
  if (!s.ok()) return s;
  std::map<CustomerId, DuplicateSet> sets;
  for (auto& [id, up] : parent) {
    const CustomerId r = root(id);
    if (r > after) sets[r].customers.push_back(id);
  }
  for (const DuplicatePair& p : pairs) {
    auto it = sets.find(root(p.a));
    if (it != sets.end()) it->second.pairs.push_back(p);
  }
  DuplicateSetPage page;
  for (auto& [r, set] : sets) {
    if (page.sets.size() == q.limit) {
      page.next_page_token = codec::KeyBuilder().U64(page.sets.back().customers.front()).Take();
      break;
    }
    page.sets.push_back(std::move(set));
  }
  return page;
}

absl::Status Check(const model::Ctx& ctx, std::vector<std::string>* problems) {
  if (ctx.schema.duplicate_pairs == model::kAbsentTable) return absl::OkStatus();
  std::size_t pairs = 0, reverse = 0;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.duplicate_pairs, {}, {}, [&](std::string_view key, std::string_view v) -> absl::StatusOr<bool> {
    auto p = ReadPair(key, v);
    if (!p.ok()) {
      problems->push_back(std::string(p.status().message()));
      return true;
    }
    ++pairs;
    for (CustomerId id : {p->a, p->b}) {
      auto exists = customers::Exists(ctx, id);
      if (!exists.ok()) return exists.status();
      if (!*exists) problems->push_back(absl::StrCat("duplicate pair (", p->a, ", ", p->b, ") names customer ", id, ", which does not exist"));
    }
    std::string_view none;
    auto back = ctx.txn.Get(ctx.schema.duplicate_pair_of, PairKey(p->b, p->a), &none);
    if (!back.ok()) return back.status();
    if (!*back) problems->push_back(absl::StrCat("duplicate pair (", p->a, ", ", p->b, ") has no entry by its larger id"));
    return true;
  });
  if (!s.ok()) return s;
  s = storage::ScanPrefix(ctx.txn, ctx.schema.duplicate_pair_of, {}, {}, [&](std::string_view, std::string_view) -> absl::StatusOr<bool> {
    ++reverse;
    return true;
  });
  if (!s.ok()) return s;
  if (reverse != pairs)
    problems->push_back(absl::StrCat("duplicate pairs: ", pairs, " pairs but ", reverse, " entries by the larger id"));
  return absl::OkStatus();
}

absl::StatusOr<DuplicateRule> GetRule(const model::Ctx& ctx) {
  std::string_view v;
  auto found = ctx.txn.Get(ctx.schema.meta, kRuleKey, &v);
  if (!found.ok()) return found.status();
  if (!*found) return DuplicateRule{};
  return DecodeRule(v);
}

absl::Status SetRule(model::Ctx& ctx, const DuplicateRule& rule) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (static_cast<unsigned>(rule.action) > 2) return absl::InvalidArgumentError("action: must be allow, alert or block");
  if (auto s = CheckOptions(ctx, rule.match); !s.ok()) return s;
  for (const std::string& f : rule.match.id_fields)
    if (f.find('\n') != std::string::npos) return absl::InvalidArgumentError("id_fields: a name holds a line break");
  return ctx.txn.Put(ctx.schema.meta, kRuleKey, EncodeRule(rule));
}

absl::Status Gate(const model::Ctx& ctx, const Customer& c, bool update, std::vector<DuplicateCandidate>* candidates) {
  candidates->clear();
  if (ctx.schema.customer_match == model::kAbsentTable) return absl::OkStatus();
  auto rule = GetRule(ctx);
  if (!rule.ok()) return rule.status();
  if (rule->action == DuplicateAction::kAllow || (update && !rule->on_update) || (ctx.import_rows && !rule->on_import))
    return absl::OkStatus();
  auto found = Candidates(ctx, c, rule->match);
  if (!found.ok()) return found.status();
  if (found->empty()) return absl::OkStatus();
  if (rule->action == DuplicateAction::kBlock)
    return DuplicateError(absl::StrCat("the duplicate rule blocks this customer: likely a duplicate of ", Describe(*found)));
  *candidates = *std::move(found);
  return absl::OkStatus();
}

absl::Status Alert(model::Ctx& ctx, CustomerId id, std::vector<DuplicateCandidate> candidates) {
  if (candidates.empty()) return absl::OkStatus();
  for (const DuplicateCandidate& d : candidates)
    if (auto kept = KeepPair(ctx, id, d.id, d); !kept.ok()) return kept.status();
  if (ctx.alerts != nullptr) ctx.alerts->push_back(DuplicateAlert{id, std::move(candidates)});
  return absl::OkStatus();
}

}  // namespace crm::duplicates

namespace crm::duplicates {

absl::StatusOr<std::vector<StoredPair>> StoredPairsOf(const model::Ctx& ctx, CustomerId id) {
  std::vector<StoredPair> out;
  if (ctx.schema.duplicate_pairs == model::kAbsentTable) return out;
  const std::string prefix = codec::EncodeU64(id);
  std::vector<CustomerId> smaller;  // pairs (other, id) with other < id
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.duplicate_pair_of, prefix, {},
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 if (key.size() != 16) return absl::DataLossError("database is damaged: a duplicate pair key is unreadable");
                                 smaller.push_back(codec::GetBigEndian64(key.data() + 8));
                                 return true;
                               });
  if (!s.ok()) return s;
  for (CustomerId other : smaller) {
    std::string_view v;
    auto found = ctx.txn.Get(ctx.schema.duplicate_pairs, PairKey(other, id), &v);
    if (!found.ok()) return found.status();
    if (*found) out.push_back(StoredPair{other, id, std::string(v)});
  }
  s = storage::ScanPrefix(ctx.txn, ctx.schema.duplicate_pairs, prefix, {},
                          [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                            if (key.size() != 16) return absl::DataLossError("database is damaged: a duplicate pair key is unreadable");
                            out.push_back(StoredPair{id, codec::GetBigEndian64(key.data() + 8), std::string(value)});
                            return true;
                          });
  if (!s.ok()) return s;
  return out;
}

absl::Status PutStoredPair(model::Ctx& ctx, const StoredPair& p) {
  if (auto s = ctx.txn.Put(ctx.schema.duplicate_pairs, PairKey(p.a, p.b), p.value); !s.ok()) return s;
  return ctx.txn.Put(ctx.schema.duplicate_pair_of, PairKey(p.b, p.a), "");
}

}  // namespace crm::duplicates
