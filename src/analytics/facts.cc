// Purchase facts: kept per customer in the write transaction of each purchase (facts.h).
#include "analytics/facts.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "analytics/risk.h"
#include "codec/key.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "interactions/interactions.h"
#include "model/paging.h"
#include "pipelines/pipelines.h"
#include "sales/totals.h"
#include "storage/lmdb.h"

namespace crm {

Money PurchaseFacts::TotalIn(std::string_view currency) const {
  for (const Money& m : totals)
    if (m.currency == currency) return m;
  return Money{0, std::string(currency)};
}

std::string_view ChurnDefinitionName(ChurnDefinition definition) {
  switch (definition) {
    case ChurnDefinition::kLifecycle: return "lifecycle";
    case ChurnDefinition::kNoPurchase: return "no_purchase";
  }
  return "";
}

namespace analytics {
namespace {

using model::Ctx;

constexpr std::uint8_t kFromInteraction = 1;
constexpr std::uint8_t kFromDeal = 2;
constexpr char kRebuildPending[] = "purchase_facts_pending";

// Per currency: the sum and how many purchases of that currency make it.
struct Sum {
  std::int64_t total = 0;
  std::uint64_t count = 0;
  friend bool operator==(const Sum&, const Sum&) = default;
};

struct Stored {
  std::uint64_t count = 0;
  Timestamp first = 0, last = 0, churned_at = 0;
  std::map<std::string, Sum> sums;
  friend bool operator==(const Stored&, const Stored&) = default;
};

std::string PurchaseKey(const Purchase& p) {
  return codec::KeyBuilder().U64(p.customer).I64(p.at).U8(p.source).U64(p.id).Take();
}

std::string ValueKey(std::string_view currency, std::int64_t total, CustomerId customer) {
  return codec::KeyBuilder().Str(currency).I64(total).U64(~customer).Take();
}

std::string Encode(const Stored& s) {
  codec::KeyBuilder b;
  b.U64(s.count).I64(s.first).I64(s.last).I64(s.churned_at).U32(static_cast<std::uint32_t>(s.sums.size()));
  for (const auto& [currency, sum] : s.sums) b.Str(currency).I64(sum.total).U64(sum.count);
  return b.Take();
}

absl::StatusOr<Stored> DecodeFacts(std::string_view value, CustomerId customer) {
  codec::KeyReader r(value);
  Stored s;
  const auto count = r.U64();
  const auto first = r.I64(), last = r.I64(), churned = r.I64();
  const auto n = r.U32();
  if (!count || !first || !last || !churned || !n || *n > 1000)
    return absl::DataLossError(absl::StrCat("customer_facts: the entry of customer ", customer, " is damaged"));
  s.count = *count;
  s.first = *first;
  s.last = *last;
  s.churned_at = *churned;
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto currency = r.Str();
    const auto total = r.I64();
    const auto c = r.U64();
    if (!currency || !total || !c)
      return absl::DataLossError(absl::StrCat("customer_facts: the entry of customer ", customer, " is damaged"));
    s.sums[*currency] = Sum{*total, *c};
  }
  if (!r.done()) return absl::DataLossError(absl::StrCat("customer_facts: the entry of customer ", customer, " is damaged"));
  return s;
}

absl::StatusOr<Stored> Read(const Ctx& ctx, CustomerId customer) {
  std::string_view value;
  auto found = ctx.txn.Get(ctx.schema.customer_facts, codec::EncodeU64(customer), &value);
  if (!found.ok()) return found.status();
  if (!*found) return Stored{};
  return DecodeFacts(value, customer);
}

PurchaseFacts Public(CustomerId customer, const Stored& s) {
  PurchaseFacts f;
  f.customer = customer;
  f.purchases = s.count;
  f.first_purchase_at = s.first;
  f.last_purchase_at = s.last;
  f.churned_at = s.churned_at;
  for (const auto& [currency, sum] : s.sums) f.totals.push_back(Money{sum.total, currency});
  return f;
}

// Writes `after` in place of `before` with the value index entries that differ.
absl::Status Write(Ctx& ctx, CustomerId customer, const Stored& before, const Stored& after) {
  if (before == after) return absl::OkStatus();
  for (const auto& [currency, sum] : before.sums) {
    auto it = after.sums.find(currency);
    if (it == after.sums.end() || it->second.total != sum.total)
      if (auto s = ctx.txn.Del(ctx.schema.customer_value, ValueKey(currency, sum.total, customer)); !s.ok())
        return s.status();
  }
  for (const auto& [currency, sum] : after.sums) {
    auto it = before.sums.find(currency);
    if (it == before.sums.end() || it->second.total != sum.total)
      if (auto s = ctx.txn.Put(ctx.schema.customer_value, ValueKey(currency, sum.total, customer), ""); !s.ok()) return s;
  }
  if (after.count == 0 && after.churned_at == 0)
    return ctx.txn.Del(ctx.schema.customer_facts, codec::EncodeU64(customer)).status();
  return ctx.txn.Put(ctx.schema.customer_facts, codec::EncodeU64(customer), Encode(after));
}

// The first and last purchase times of a customer, from its purchases.
absl::Status Span(const Ctx& ctx, CustomerId customer, Stored& s) {
  s.first = s.last = 0;
  const std::string lo = codec::EncodeU64(customer);
  for (bool reverse : {false, true}) {
    auto st = storage::ScanRange(ctx.txn, ctx.schema.purchases, lo, codec::PrefixSuccessor(lo), {}, reverse,
                                 [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                   codec::KeyReader r(key);
                                   r.U64();
                                   const auto at = r.I64();
                                   if (!at) return absl::DataLossError("purchases: a damaged key");
                                   (reverse ? s.last : s.first) = *at;
                                   return false;
                                 });
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status Apply(Ctx& ctx, const Purchase& p, int sign) {
  const std::string key = PurchaseKey(p);
  auto before = Read(ctx, p.customer);
  if (!before.ok()) return before.status();
  Stored after = *before;
  if (sign > 0) {
    const std::string value = codec::KeyBuilder().Str(p.amount.currency).I64(p.amount.minor_units).Take();
    if (auto s = ctx.txn.Put(ctx.schema.purchases, key, value); !s.ok()) return s;
    after.first = after.count == 0 ? p.at : std::min(after.first, p.at);
    after.last = after.count == 0 ? p.at : std::max(after.last, p.at);
    ++after.count;
    if (!p.amount.currency.empty()) {
      Sum& sum = after.sums[p.amount.currency];
      if (__builtin_add_overflow(sum.total, p.amount.minor_units, &sum.total))
        return absl::OutOfRangeError(absl::StrCat("amount: the purchases of customer ", p.customer, " in ",
                                                  p.amount.currency, " would sum past 64 bits"));
      ++sum.count;
    }
  } else {
    auto deleted = ctx.txn.Del(ctx.schema.purchases, key);
    if (!deleted.ok()) return deleted.status();
    if (!*deleted || after.count == 0)
      return absl::DataLossError(absl::StrCat("purchases: customer ", p.customer,
                                              " lacks the entry of a purchase it has (run Verify)"));
    --after.count;
    if (!p.amount.currency.empty()) {
      auto it = after.sums.find(p.amount.currency);
      if (it == after.sums.end() || it->second.count == 0)
        return absl::DataLossError(absl::StrCat("customer_facts: customer ", p.customer, " has no ", p.amount.currency,
                                                " total to take a purchase from (run Verify)"));
      it->second.total -= p.amount.minor_units;
      if (--it->second.count == 0) after.sums.erase(it);
    }
    if (after.count == 0) {
      after.first = after.last = 0;
    } else if (p.at == after.first || p.at == after.last) {
      if (auto s = Span(ctx, p.customer, after); !s.ok()) return s;
    }
  }
  return Write(ctx, p.customer, *before, after);
}

std::optional<Purchase> Of(const Interaction* i) {
  if (i == nullptr || i->kind != InteractionKind::kPurchase) return std::nullopt;
  return Purchase{i->customer, i->occurred_at, kFromInteraction, i->id, i->amount.value_or(Money{})};
}

bool Won(const Pipeline& p, StageId stage) {
  const Stage* s = p.FindStage(stage);
  return s != nullptr && s->outcome == StageOutcome::kWon;
}

std::optional<Purchase> Of(const Pipeline& p, const Opportunity* o) {
  if (o == nullptr || o->customer == 0 || !Won(p, o->stage)) return std::nullopt;
  return Purchase{o->customer, o->closed_at, kFromDeal, o->id, o->amount};
}

absl::Status Move(Ctx& ctx, const std::optional<Purchase>& before, const std::optional<Purchase>& after) {
  if (ctx.schema.purchases == model::kAbsentTable) return absl::OkStatus();
  if (before && after && PurchaseKey(*before) == PurchaseKey(*after) && before->amount == after->amount)
    return absl::OkStatus();
  if (before)
    if (auto s = Apply(ctx, *before, -1); !s.ok()) return s;
  if (after) return Apply(ctx, *after, +1);
  return absl::OkStatus();
}

absl::Status Clear(Ctx& ctx, storage::Table table, std::string_view prefix) {
  std::vector<std::string> keys;
  auto s = storage::ScanPrefix(ctx.txn, table, prefix, {}, [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
    keys.emplace_back(key);
    return true;
  });
  for (const std::string& k : keys)
    if (s.ok()) s = ctx.txn.Del(table, k).status();
  return s;
}

// Every customer's facts and purchases, counted from the records.
struct Count {
  std::map<CustomerId, Stored> facts;
  std::vector<Purchase> purchases;
};

void Add(Count& c, const Purchase& p) {
  Stored& s = c.facts[p.customer];
  s.first = s.count == 0 ? p.at : std::min(s.first, p.at);
  s.last = s.count == 0 ? p.at : std::max(s.last, p.at);
  ++s.count;
  if (!p.amount.currency.empty()) {
    Sum& sum = s.sums[p.amount.currency];
    sum.total += p.amount.minor_units;
    ++sum.count;
  }
  c.purchases.push_back(p);
}

absl::StatusOr<Count> Recount(const Ctx& ctx) {
  Count c;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.interactions, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 Interaction i;
                                 if (auto st = interactions::DecodeAt(ctx, key, value, &i); !st.ok()) return st;
                                 if (auto p = Of(&i)) Add(c, *p);
                                 return true;
                               });
  if (!s.ok()) return s;
  absl::flat_hash_map<PipelineId, Pipeline> pipelines;
  absl::Status failure;
  s = sales::EachStoredDeal(ctx, [&](const Opportunity& o) {
    auto it = pipelines.find(o.pipeline);
    if (it == pipelines.end()) {
      Pipeline p;
      auto found = pipelines::Load(ctx, o.pipeline, &p);
      if (!found.ok() || !*found) {
        if (failure.ok())
          failure = found.ok() ? absl::DataLossError(absl::StrCat("opportunity ", o.id, ": its pipeline ", o.pipeline,
                                                                  " does not exist"))
                               : found.status();
        return;
      }
      it = pipelines.emplace(o.pipeline, std::move(p)).first;
    }
    if (auto p = Of(it->second, &o)) Add(c, *p);
  });
  if (s.ok()) s = failure;
  if (!s.ok()) return s;
  // The churned customers keep the time they churned; that time is not in the records, so a
  // count takes the kept one (or, with none kept, the customer's last update).
  s = storage::ScanPrefix(ctx.txn, ctx.schema.customer_stage, codec::KeyBuilder().U8(static_cast<std::uint8_t>(LifecycleStage::kChurned)).Take(), {},
                          [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                            codec::KeyReader r(key);
                            r.U8();
                            const auto id = r.U64();
                            if (!id) return absl::DataLossError("customer_stage: a damaged key");
                            auto kept = Read(ctx, *id);
                            if (!kept.ok()) return kept.status();
                            Timestamp at = kept->churned_at;
                            if (at == 0) {
                              auto customer = customers::Get(ctx, *id);
                              if (!customer.ok()) return customer.status();
                              at = customer->updated_at;
                            }
                            c.facts[*id].churned_at = at;
                            return true;
                          });
  if (!s.ok()) return s;
  return c;
}

}  // namespace

absl::Status NeedTables(const Ctx& ctx) {
  if (ctx.schema.customer_facts == model::kAbsentTable)
    return absl::FailedPreconditionError(
        "this file predates purchase facts (schema 14); open it writable once with libcrm 0.16 or later to upgrade it");
  auto pending = RebuildPending(ctx);
  if (!pending.ok()) return pending.status();
  if (*pending)
    return absl::FailedPreconditionError(
        "the purchase facts of this upgraded file are counted at its first writable open; open it writable once");
  return absl::OkStatus();
}

absl::StatusOr<PurchaseFacts> Load(const Ctx& ctx, CustomerId customer) {
  if (ctx.schema.customer_facts == model::kAbsentTable) return NeedTables(ctx);
  auto s = Read(ctx, customer);
  if (!s.ok()) return s.status();
  return Public(customer, *s);
}

absl::Status MoveInteraction(Ctx& ctx, const Interaction* before, const Interaction* after) {
  return Move(ctx, Of(before), Of(after));
}

absl::Status MoveDeal(Ctx& ctx, const Pipeline& p, const Opportunity* before, const Opportunity* after) {
  return Move(ctx, Of(p, before), Of(p, after));
}

absl::Status MoveCustomer(Ctx& ctx, const Customer* before, const Customer* after) {
  if (ctx.schema.customer_facts == model::kAbsentTable) return absl::OkStatus();
  const CustomerId id = after != nullptr ? after->id : before->id;
  // A write that neither deletes the customer nor moves it into or out of churned changes none
  // of its facts: nothing to read.
  const bool was = before != nullptr && before->stage == LifecycleStage::kChurned;
  const bool is = after != nullptr && after->stage == LifecycleStage::kChurned;
  if (after != nullptr && was == is) return absl::OkStatus();
  auto stored = Read(ctx, id);
  if (!stored.ok()) return stored.status();
  Stored next = *stored;
  if (after == nullptr) {  // deleted: its purchases went with its interactions and deals
    if (auto s = Clear(ctx, ctx.schema.purchases, codec::EncodeU64(id)); !s.ok()) return s;
    next = Stored{};
  } else {
    next.churned_at = is ? after->updated_at : 0;
  }
  return Write(ctx, id, *stored, next);
}

absl::Status EachPurchase(const Ctx& ctx, absl::FunctionRef<void(const Purchase&)> fn) {
  if (ctx.schema.purchases == model::kAbsentTable) return NeedTables(ctx);
  return storage::ScanPrefix(ctx.txn, ctx.schema.purchases, {}, {},
                             [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                               codec::KeyReader k(key);
                               codec::KeyReader v(value);
                               Purchase p;
                               const auto customer = k.U64();
                               const auto at = k.I64();
                               const auto source = k.U8();
                               const auto id = k.U64();
                               auto currency = v.Str();
                               const auto minor = v.I64();
                               if (!customer || !at || !source || !id || !k.done() || !currency || !minor || !v.done())
                                 return absl::DataLossError("purchases: a damaged entry");
                               fn(Purchase{*customer, *at, *source, *id, Money{*minor, *std::move(currency)}});
                               return true;
                             });
}

absl::Status Rebuild(Ctx& ctx) {
  auto counted = Recount(ctx);
  if (!counted.ok()) return counted.status();
  absl::Status s = Clear(ctx, ctx.schema.purchases, {});
  if (s.ok()) s = Clear(ctx, ctx.schema.customer_facts, {});
  if (s.ok()) s = Clear(ctx, ctx.schema.customer_value, {});
  for (const Purchase& p : counted->purchases)
    if (s.ok()) s = ctx.txn.Put(ctx.schema.purchases, PurchaseKey(p), codec::KeyBuilder().Str(p.amount.currency).I64(p.amount.minor_units).Take());
  for (const auto& [customer, facts] : counted->facts)
    if (s.ok()) s = Write(ctx, customer, Stored{}, facts);
  if (s.ok()) s = RebuildChurnCounts(ctx);
  if (s.ok()) s = ctx.txn.Del(ctx.schema.meta, kRebuildPending).status();
  return s;
}

absl::Status MarkRebuildPending(Ctx& ctx) { return ctx.txn.Put(ctx.schema.meta, kRebuildPending, "1"); }

absl::StatusOr<bool> RebuildPending(const Ctx& ctx) {
  if (ctx.schema.customer_facts == model::kAbsentTable) return false;
  std::string_view value;
  return ctx.txn.Get(ctx.schema.meta, kRebuildPending, &value);
}

absl::StatusOr<std::vector<std::string>> Check(const Ctx& ctx) {
  std::vector<std::string> problems;
  if (ctx.schema.customer_facts == model::kAbsentTable) return problems;
  auto pending = RebuildPending(ctx);
  if (!pending.ok()) return pending.status();
  if (*pending) return problems;  // counted at the next writable open
  auto counted = Recount(ctx);
  if (!counted.ok()) return counted.status();
  std::map<CustomerId, Stored> stored;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.customer_facts, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 const CustomerId id = key.size() == 8 ? codec::GetBigEndian64(key.data()) : 0;
                                 auto f = DecodeFacts(value, id);
                                 if (!f.ok()) problems.emplace_back(f.status().message());
                                 else stored.emplace(id, *std::move(f));
                                 return true;
                               });
  if (!s.ok()) return s;
  for (const auto& [id, facts] : counted->facts) {
    auto it = stored.find(id);
    if (it == stored.end()) problems.push_back(absl::StrCat("customer_facts: none kept for customer ", id, ", which has ", facts.count, " purchases"));
    else if (!(it->second == facts))
      problems.push_back(absl::StrCat("customer_facts: customer ", id, " is kept with ", it->second.count,
                                      " purchases; its records have ", facts.count, " (or their times or sums differ)"));
  }
  for (const auto& [id, facts] : stored)
    if (counted->facts.count(id) == 0) problems.push_back(absl::StrCat("customer_facts: an entry of customer ", id, ", which has no purchases"));
  std::uint64_t entries = 0;
  s = EachPurchase(ctx, [&](const Purchase&) { ++entries; });
  if (!s.ok()) return s;
  if (entries != counted->purchases.size())
    problems.push_back(absl::StrCat("purchases: ", entries, " entries for ", counted->purchases.size(), " purchases"));
  std::uint64_t values = 0, wanted = 0;
  for (const auto& [id, facts] : stored) wanted += facts.sums.size();
  s = storage::ScanPrefix(ctx.txn, ctx.schema.customer_value, {}, {}, [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
    codec::KeyReader r(key);
    auto currency = r.Str();
    const auto total = r.I64();
    const auto inverted = r.U64();
    ++values;
    if (!currency || !total || !inverted || !r.done()) {
      problems.push_back("customer_value: a damaged key");
      return true;
    }
    const auto it = stored.find(~*inverted);
    const Sum* sum = nullptr;
    if (it != stored.end())
      if (const auto found = it->second.sums.find(*currency); found != it->second.sums.end()) sum = &found->second;
    if (sum == nullptr || sum->total != *total)
      problems.push_back(absl::StrCat("customer_value: an entry of customer ", ~*inverted, " in ", *currency, " that its facts do not have"));
    return true;
  });
  if (!s.ok()) return s;
  if (values != wanted) problems.push_back(absl::StrCat("customer_value: ", values, " entries for ", wanted, " totals"));
  return problems;
}

absl::Status EachFacts(const Ctx& ctx, absl::FunctionRef<void(const PurchaseFacts&)> fn) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  return storage::ScanPrefix(ctx.txn, ctx.schema.customer_facts, {}, {},
                             [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                               if (key.size() != 8) return absl::DataLossError("customer_facts: a damaged key");
                               const CustomerId id = codec::GetBigEndian64(key.data());
                               auto f = DecodeFacts(value, id);
                               if (!f.ok()) return f.status();
                               fn(Public(id, *f));
                               return true;
                             });
}

absl::StatusOr<std::uint64_t> PurchasesIn(const Ctx& ctx, CustomerId customer, std::string_view currency) {
  auto s = Read(ctx, customer);
  if (!s.ok()) return s.status();
  auto it = s->sums.find(std::string(currency));
  return it == s->sums.end() ? 0 : it->second.count;
}

absl::Status EachByValue(const Ctx& ctx, std::string_view currency, std::string_view resume,
                         absl::FunctionRef<absl::StatusOr<bool>(CustomerId, std::int64_t, std::string_view key)> fn) {
  const std::string lo = codec::KeyBuilder().Str(currency).Take();
  return storage::ScanRange(ctx.txn, ctx.schema.customer_value, lo, codec::PrefixSuccessor(lo), resume, true,
                            [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                              codec::KeyReader r(key);
                              r.Str();
                              const auto total = r.I64();
                              const auto inverted = r.U64();
                              if (!total || !inverted || !r.done()) return absl::DataLossError("customer_value: a damaged key");
                              return fn(~*inverted, *total, key);
                            });
}

absl::StatusOr<CustomerValuePage> TopByValue(const Ctx& ctx, const ValueQuery& q) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (auto s = model::CheckLimit(q.limit); !s.ok()) return s;
  if (!CurrencyMinorDigits(q.currency).has_value())
    return absl::InvalidArgumentError(absl::StrCat("currency: '", q.currency, "' is not a known ISO 4217 code"));
  const std::string lo = codec::KeyBuilder().Str(q.currency).Take();
  const std::string hi = codec::PrefixSuccessor(lo);
  model::QueryHash h;
  h.Add(static_cast<std::uint64_t>(q.include_archived)).Add(lo);
  const std::uint64_t hash = h.value();
  auto after = model::ParsePageToken(q.page_token, hash, lo, hi);
  if (!after.ok()) return after.status();
  CustomerValuePage page;
  std::string last_key;
  bool more = false;
  auto s = EachByValue(ctx, q.currency, *after, [&](CustomerId id, std::int64_t total, std::string_view key) -> absl::StatusOr<bool> {
    auto c = customers::Get(ctx, id);
    if (!c.ok()) return c.status();
    if (c->archived && !q.include_archived) return true;
    if (page.customers.size() == q.limit) {
      more = true;
      return false;
    }
    auto facts = Load(ctx, c->id);
    if (!facts.ok()) return facts.status();
    page.customers.push_back(CustomerValue{*std::move(c), Money{total, q.currency}, *std::move(facts)});
    last_key.assign(key);
    return true;
  });
  if (!s.ok()) return s;
  if (more) page.next_page_token = model::MakePageToken(hash, last_key);
  return page;
}

}  // namespace analytics
}  // namespace crm
