// Maintained deal totals (sales/totals.h).
#include "sales/totals.h"

#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "codec/envelope.h"
#include "codec/key.h"
#include "model/sealing.h"
#include "model/serialize.h"
#include "storage/lmdb.h"

namespace crm::sales {
namespace {

constexpr std::size_t kValueBytes = 32;

struct Sums {
  std::uint64_t count = 0;
  __int128 amount = 0;
  __int128 weighted = 0;
  bool operator==(const Sums&) const = default;
};

std::string KeyOf(const Opportunity& o) {
  return codec::KeyBuilder().U64(o.pipeline).U32(o.stage).Str(o.amount.currency).Str(o.owner).Take();
}

std::string ValueOf(const Sums& s) {
  std::string v(kValueBytes, '\0');
  codec::PutBigEndian64(v.data(), s.count);
  codec::PutBigEndian64(v.data() + 8, static_cast<std::uint64_t>(static_cast<std::int64_t>(s.amount)));
  const auto w = static_cast<unsigned __int128>(s.weighted);
  codec::PutBigEndian64(v.data() + 16, static_cast<std::uint64_t>(w >> 64));
  codec::PutBigEndian64(v.data() + 24, static_cast<std::uint64_t>(w));
  return v;
}

absl::StatusOr<Sums> SumsOf(std::string_view v) {
  if (v.size() != kValueBytes) return absl::DataLossError("deal totals: an entry of the wrong length");
  Sums s;
  s.count = codec::GetBigEndian64(v.data());
  s.amount = static_cast<std::int64_t>(codec::GetBigEndian64(v.data() + 8));
  const unsigned __int128 w =
      (static_cast<unsigned __int128>(codec::GetBigEndian64(v.data() + 16)) << 64) | codec::GetBigEndian64(v.data() + 24);
  s.weighted = static_cast<__int128>(w);
  return s;
}

Sums Of(const Opportunity& o) {
  return Sums{1, o.amount.minor_units, static_cast<__int128>(o.amount.minor_units) * o.probability};
}

// Adds `delta` (negated when `sign` is -1) to the entry at `key`.
absl::Status Apply(model::Ctx& ctx, const std::string& key, const Sums& delta, int sign) {
  std::string_view stored;
  auto found = ctx.txn.Get(ctx.schema.deal_totals, key, &stored);
  if (!found.ok()) return found.status();
  Sums s;
  if (*found) {
    auto read = SumsOf(stored);
    if (!read.ok()) return read.status();
    s = *read;
  }
  if (sign < 0 && s.count < delta.count)
    return absl::DataLossError("deal totals: an entry counts fewer deals than the store holds (run Verify)");
  s.count = sign < 0 ? s.count - delta.count : s.count + delta.count;
  s.amount += sign * delta.amount;
  s.weighted += sign * delta.weighted;
  if (s.amount > INT64_MAX || s.amount < INT64_MIN)
    return absl::OutOfRangeError("amount: the deals of one stage, currency and owner would sum past 64 bits");
  if (s.count == 0) return ctx.txn.Del(ctx.schema.deal_totals, key).status();
  return ctx.txn.Put(ctx.schema.deal_totals, key, ValueOf(s));
}

// Every deal's contribution, counted from the records.
absl::StatusOr<std::map<std::string, Sums>> Recount(const model::Ctx& ctx) {
  std::map<std::string, Sums> out;
  absl::Status s = EachStoredDeal(ctx, [&](const Opportunity& o) {
    Sums& x = out[KeyOf(o)];
    const Sums one = Of(o);
    x.count += 1;
    x.amount += one.amount;
    x.weighted += one.weighted;
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace

absl::Status EachStoredDeal(const model::Ctx& ctx, absl::FunctionRef<void(const Opportunity&)> fn) {
  return storage::ScanPrefix(ctx.txn, ctx.schema.opportunities, {}, {},
                             [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                               Opportunity o;
                               const std::uint64_t id = key.size() == 8 ? codec::GetBigEndian64(key.data()) : 0;
                               if (auto st = codec::Decode(value, codec::RecordType::kOpportunity, {"opportunity", id}, o,
                                                           ctx.sealing);
                                   !st.ok())
                                 return st;
                               fn(o);
                               return true;
                             });
}

absl::Status MoveTotals(model::Ctx& ctx, const Opportunity* before, const Opportunity* after) {
  if (ctx.schema.deal_totals == model::kAbsentTable) return absl::OkStatus();
  if (before != nullptr && after != nullptr) {
    const std::string key = KeyOf(*after);
    if (KeyOf(*before) == key) {  // an edit in place: only the sums move
      const Sums b = Of(*before), a = Of(*after);
      if (a == b) return absl::OkStatus();
      return Apply(ctx, key, Sums{0, a.amount - b.amount, a.weighted - b.weighted}, +1);
    }
  }
  if (before != nullptr)
    if (auto s = Apply(ctx, KeyOf(*before), Of(*before), -1); !s.ok()) return s;
  if (after != nullptr) return Apply(ctx, KeyOf(*after), Of(*after), +1);
  return absl::OkStatus();
}

absl::StatusOr<bool> EachTotal(const model::Ctx& ctx, absl::FunctionRef<void(const Total&)> fn) {
  if (ctx.schema.deal_totals == model::kAbsentTable) return false;
  absl::Status s = storage::ScanPrefix(ctx.txn, ctx.schema.deal_totals, {}, {},
                                       [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                         codec::KeyReader r(key);
                                         const auto pipeline = r.U64();
                                         const auto stage = r.U32();
                                         auto currency = r.Str();
                                         auto owner = r.Str();
                                         if (!pipeline || !stage || !currency || !owner || !r.done())
                                           return absl::DataLossError("deal totals: a damaged key");
                                         auto sums = SumsOf(value);
                                         if (!sums.ok()) return sums.status();
                                         if (sums->amount > INT64_MAX || sums->amount < INT64_MIN)
                                           return absl::DataLossError("deal totals: a damaged amount");
                                         fn(Total{*pipeline, *stage, std::string(*currency), std::string(*owner),
                                                  sums->count, static_cast<std::int64_t>(sums->amount), sums->weighted});
                                         return true;
                                       });
  if (!s.ok()) return s;
  return true;
}

absl::Status RebuildTotals(model::Ctx& ctx) {
  auto counted = Recount(ctx);
  if (!counted.ok()) return counted.status();
  std::vector<std::string> stale;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.deal_totals, {}, {},
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 stale.emplace_back(key);
                                 return true;
                               });
  for (const std::string& k : stale)
    if (s.ok()) s = ctx.txn.Del(ctx.schema.deal_totals, k).status();
  for (const auto& [key, sums] : *counted)
    if (s.ok()) s = ctx.txn.Put(ctx.schema.deal_totals, key, ValueOf(sums));
  return s;
}

absl::StatusOr<std::vector<std::string>> CheckTotals(const model::Ctx& ctx) {
  std::vector<std::string> problems;
  if (ctx.schema.deal_totals == model::kAbsentTable) return problems;
  auto counted = Recount(ctx);
  if (!counted.ok()) return counted.status();
  std::map<std::string, Sums> stored;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.deal_totals, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 auto sums = SumsOf(value);
                                 if (!sums.ok()) {
                                   problems.push_back(std::string(sums.status().message()));
                                   return true;
                                 }
                                 stored.emplace(std::string(key), *sums);
                                 return true;
                               });
  if (!s.ok()) return s;
  const auto describe = [](const std::string& key) {
    codec::KeyReader r(key);
    const auto pipeline = r.U64();
    const auto stage = r.U32();
    const auto currency = r.Str();
    const auto owner = r.Str();
    if (!pipeline || !stage || !currency || !owner) return std::string("a damaged key");
    return absl::StrCat("pipeline ", *pipeline, " stage ", *stage, " currency '", *currency, "' owner '", *owner, "'");
  };
  for (const auto& [key, sums] : *counted) {
    auto it = stored.find(key);
    if (it == stored.end()) {
      problems.push_back(absl::StrCat("deal totals: none kept for ", describe(key), ", which has ", sums.count, " deals"));
    } else if (!(it->second == sums)) {
      problems.push_back(absl::StrCat("deal totals: the entry of ", describe(key), " says ", it->second.count,
                                      " deals, the deals say ", sums.count, " (or their amounts differ)"));
    }
  }
  for (const auto& [key, sums] : stored)
    if (counted->count(key) == 0) problems.push_back(absl::StrCat("deal totals: an entry of ", describe(key), " with no deals"));
  return problems;
}

}  // namespace crm::sales
