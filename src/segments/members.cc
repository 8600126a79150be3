// Segment memberships: joins and leaves with their counts, the reads of members, manual
// additions and removals, and the upkeep of dynamic segments as customers are written.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "changes/changes.h"
#include "codec/key.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "model/paging.h"
#include "query/eval.h"
#include "query/search.h"
#include "segments/segments.h"
#include "segments/views.h"

namespace crm::segments {
namespace {

constexpr std::size_t kMaxIdsPerCall = 10000;

std::string MemberKey(SegmentId segment, CustomerId customer) {
  return codec::KeyBuilder().U64(segment).U64(customer).Take();
}

absl::StatusOr<Segment> Manual(const Ctx& ctx, SegmentId id) {
  auto seg = Get(ctx, id);
  if (!seg.ok()) return seg.status();
  if (seg->kind != SegmentKind::kManual)
    return absl::FailedPreconditionError(absl::StrCat("segment ", id, " is ", Av(SegmentKindName(seg->kind)),
                                                      ": only a manual segment's members are added and removed"));
  return seg;
}

absl::Status CheckIds(std::span<const CustomerId> ids) {
  if (ids.size() > kMaxIdsPerCall)
    return absl::InvalidArgumentError(absl::StrCat("customers: ", ids.size(), " ids; at most ", kMaxIdsPerCall, " a call"));
  return absl::OkStatus();
}

bool Holds(const query::MaintainedFilter& v, const Customer& c) {
  if (c.archived && !v.include_archived) return false;
  static const query::Lookups kNone;
  return query::Matches(v.compiled, c, kNone);
}

}  // namespace

std::string CountName(SegmentId id) { return absl::StrCat("segment.", id); }

absl::Status NeedTables(const Ctx& ctx) {
  if (ctx.schema.segments != model::kAbsentTable) return absl::OkStatus();
  return absl::FailedPreconditionError("this file predates segments (opened read-only): open it writable once");
}

absl::StatusOr<query::MaintainedFilter> CompileFilter(const Ctx& ctx, std::string_view text, bool include_archived) {
  auto parsed = Filter::Parse(text);
  if (!parsed.ok()) return parsed.status();
  query::MaintainedFilter f;
  f.filter = *std::move(parsed);
  f.include_archived = include_archived;
  static const query::Lookups kNone;
  auto compiled = query::Compile(EntityType::kCustomer, f.filter, kNone, ctx.phone_region);
  if (!compiled.ok()) return absl::InvalidArgumentError(absl::StrCat("filter: ", compiled.status().message()));
  if (compiled->uses_owners)
    return absl::InvalidArgumentError(
        "filter: team, team.region and owner.* are read through the owner's user, which changes without the "
        "customer being written: a segment cannot stay current on them (filter on owner instead)");
  f.compiled = *std::move(compiled);
  return f;
}

absl::StatusOr<const std::vector<query::MaintainedFilter>*> Views(const Ctx& ctx,
                                                                 std::vector<query::MaintainedFilter>* scratch) {
  std::optional<std::vector<query::MaintainedFilter>>* cache =
      ctx.indexes != nullptr ? &ctx.indexes->maintained : nullptr;
  if (cache != nullptr && cache->has_value()) return &**cache;
  std::vector<query::MaintainedFilter> loaded;
  if (ctx.schema.segments != model::kAbsentTable) {
    auto s = storage::ScanPrefix(ctx.txn, ctx.schema.segments, {}, {},
                                 [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                   Segment seg;
                                   const std::uint64_t id = key.size() == 8 ? codec::GetBigEndian64(key.data()) : 0;
                                   if (auto st = codec::Decode(value, kKind.type, {"segment", id}, seg); !st.ok()) return st;
                                   if (seg.kind != SegmentKind::kDynamic) return true;
                                   auto f = CompileFilter(ctx, seg.filter, seg.include_archived);
                                   if (!f.ok())
                                     return absl::DataLossError(absl::StrCat("segment ", id, ": its stored filter no longer reads: ",
                                                                             f.status().message()));
                                   f->id = id;
                                   loaded.push_back(*std::move(f));
                                   return true;
                                 });
    if (!s.ok()) return s;
  }
  if (cache == nullptr) {
    *scratch = std::move(loaded);
    return scratch;
  }
  *cache = std::move(loaded);
  return &**cache;
}

void Forget(const Ctx& ctx) {
  if (ctx.indexes == nullptr) return;
  ctx.indexes->maintained.reset();
  ctx.indexes->segments_seen.clear();
}

absl::StatusOr<std::vector<CustomerId>> Evaluate(const Ctx& ctx, const query::MaintainedFilter& f) {
  std::vector<CustomerId> out;
  auto s = query::EachCustomerMatching(ctx, f.filter, f.include_archived, [&](CustomerId id) {
    out.push_back(id);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<bool> Join(Ctx& ctx, SegmentId segment, CustomerId customer) {
  const std::string key = MemberKey(segment, customer);
  std::string_view v;
  auto found = ctx.txn.Get(ctx.schema.segment_member, key, &v);
  if (!found.ok()) return found.status();
  if (*found) return false;
  const std::string mirror = MemberKey(customer, segment);
  absl::Status s = ctx.txn.Put(ctx.schema.segment_member, key, codec::IndexValue(key, 0));
  if (s.ok()) s = ctx.txn.Put(ctx.schema.customer_segment, mirror, codec::IndexValue(mirror, 0));
  if (s.ok()) s = model::AddToCounter(ctx, CountName(segment), 1);
  if (!s.ok()) return s;
  return true;
}

absl::StatusOr<bool> Leave(Ctx& ctx, SegmentId segment, CustomerId customer) {
  auto deleted = ctx.txn.Del(ctx.schema.segment_member, MemberKey(segment, customer));
  if (!deleted.ok()) return deleted.status();
  if (!*deleted) return false;
  absl::Status s = ctx.txn.Del(ctx.schema.customer_segment, MemberKey(customer, segment)).status();
  if (s.ok()) s = model::AddToCounter(ctx, CountName(segment), -1);
  if (!s.ok()) return s;
  return true;
}

absl::StatusOr<bool> IsMember(const Ctx& ctx, SegmentId segment, CustomerId customer) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  char bytes[16];  // the key on the stack: this is the read a caller makes per customer
  codec::PutBigEndian64(bytes, segment);
  codec::PutBigEndian64(bytes + 8, customer);
  const std::string_view key(bytes, sizeof bytes);
  std::string_view v;
  auto found = ctx.txn.Get(ctx.schema.segment_member, key, &v);
  if (!found.ok()) return found.status();
  if (*found) {
    if (!codec::IndexValueSound(key, v))
      return absl::DataLossError(absl::StrCat("segment ", segment, ": the membership entry of customer ", customer,
                                              " is damaged"));
    return true;
  }
  // A miss is either an outsider or a segment that does not exist: only then is the record read,
  // once per transaction.
  std::vector<std::uint64_t>* seen = ctx.indexes != nullptr ? &ctx.indexes->segments_seen : nullptr;
  if (seen != nullptr && std::find(seen->begin(), seen->end(), segment) != seen->end()) return false;
  auto exists = ctx.txn.Get(ctx.schema.segments, codec::EncodeU64(segment), &v);
  if (!exists.ok()) return exists.status();
  if (!*exists) return model::NotFound(kKind, segment);
  if (seen != nullptr && seen->size() < 64) seen->push_back(segment);
  return false;
}

absl::StatusOr<std::uint64_t> Count(const Ctx& ctx, SegmentId segment) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  std::string_view v;
  auto exists = ctx.txn.Get(ctx.schema.segments, codec::EncodeU64(segment), &v);
  if (!exists.ok()) return exists.status();
  if (!*exists) return model::NotFound(kKind, segment);
  return model::ReadCounter(ctx, CountName(segment));
}

absl::StatusOr<SegmentMemberPage> Members(const Ctx& ctx, SegmentId segment, std::string_view page_token,
                                          std::size_t limit) {
  if (auto s = model::CheckLimit(limit); !s.ok()) return s;
  auto seg = Count(ctx, segment);  // NotFound for a segment that does not exist
  if (!seg.ok()) return seg.status();
  const std::string lo = codec::EncodeU64(segment);
  const std::uint64_t hash = model::QueryHash().Add("segment members").Add(segment).value();
  auto after = model::ParsePageToken(page_token, hash, lo, codec::PrefixSuccessor(lo));
  if (!after.ok()) return after.status();
  SegmentMemberPage page;
  auto s = model::CollectPage<CustomerId>(limit, hash, page.members, page.next_page_token, [&](auto emit) {
    return storage::ScanPrefix(ctx.txn, ctx.schema.segment_member, lo, *after,
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 return emit(key, codec::GetBigEndian64(key.data() + 8));
                               });
  });
  if (!s.ok()) return s;
  return page;
}

absl::StatusOr<std::vector<SegmentId>> Of(const Ctx& ctx, CustomerId customer) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  std::vector<SegmentId> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.customer_segment, codec::EncodeU64(customer), {},
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 out.push_back(codec::GetBigEndian64(key.data() + 8));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::uint64_t> AddMembers(Ctx& ctx, SegmentId segment, std::span<const CustomerId> customers) {
  if (auto s = CheckIds(customers); !s.ok()) return s;
  auto seg = Manual(ctx, segment);
  if (!seg.ok()) return seg.status();
  for (std::size_t i = 0; i < customers.size(); ++i) {
    auto exists = customers::Exists(ctx, customers[i]);
    if (!exists.ok()) return exists.status();
    if (!*exists)
      return absl::NotFoundError(absl::StrCat("customers[", i, "]: customer ", customers[i], " does not exist"));
  }
  std::vector<CustomerId> added;
  for (CustomerId id : customers) {
    auto joined = Join(ctx, segment, id);
    if (!joined.ok()) return joined.status();
    if (*joined) added.push_back(id);
  }
  if (added.empty()) return 0;
  if (auto s = changes::Record(ctx, EntityType::kSegment, segment, ChangeOp::kUpdate, {},
                               {{"added", absl::StrJoin(added, "; ")}});
      !s.ok())
    return s;
  return added.size();
}

absl::StatusOr<std::uint64_t> RemoveMembers(Ctx& ctx, SegmentId segment, std::span<const CustomerId> customers) {
  if (auto s = CheckIds(customers); !s.ok()) return s;
  auto seg = Manual(ctx, segment);
  if (!seg.ok()) return seg.status();
  std::vector<CustomerId> removed;
  for (CustomerId id : customers) {
    auto left = Leave(ctx, segment, id);
    if (!left.ok()) return left.status();
    if (*left) removed.push_back(id);
  }
  if (removed.empty()) return 0;
  if (auto s = changes::Record(ctx, EntityType::kSegment, segment, ChangeOp::kUpdate, {},
                               {{"removed", absl::StrJoin(removed, "; ")}});
      !s.ok())
    return s;
  return removed.size();
}

absl::Status MoveCustomer(Ctx& ctx, const Customer* before, const Customer* after) {
  if (ctx.schema.segments == model::kAbsentTable) return absl::OkStatus();
  if (after == nullptr) {
    auto of = Of(ctx, before->id);
    if (!of.ok()) return of.status();
    for (SegmentId seg : *of)
      if (auto left = Leave(ctx, seg, before->id); !left.ok()) return left.status();
    return absl::OkStatus();
  }
  std::vector<query::MaintainedFilter> scratch;
  auto views = Views(ctx, &scratch);
  if (!views.ok()) return views.status();
  for (const query::MaintainedFilter& v : **views) {
    const bool was = before != nullptr && Holds(v, *before);
    const bool is = Holds(v, *after);
    if (was == is && before != nullptr) continue;  // the entries already say so
    if (!is && before == nullptr) continue;        // a new customer outside the segment
    auto moved = is ? Join(ctx, v.id, after->id) : Leave(ctx, v.id, after->id);
    if (!moved.ok()) return moved.status();
  }
  return absl::OkStatus();
}

absl::Status MoveContact(Ctx& ctx, CustomerId customer) {
  if (ctx.schema.segments == model::kAbsentTable) return absl::OkStatus();
  std::vector<query::MaintainedFilter> scratch;
  auto views = Views(ctx, &scratch);
  if (!views.ok()) return views.status();
  if (std::none_of((*views)->begin(), (*views)->end(),
                   [](const query::MaintainedFilter& v) { return v.compiled.uses_last_interaction; }))
    return absl::OkStatus();
  auto c = customers::Get(ctx, customer);  // with the last interaction as it is now
  if (absl::IsNotFound(c.status())) return absl::OkStatus();
  if (!c.ok()) return c.status();
  for (const query::MaintainedFilter& v : **views) {
    if (!v.compiled.uses_last_interaction) continue;
    auto moved = Holds(v, *c) ? Join(ctx, v.id, customer) : Leave(ctx, v.id, customer);
    if (!moved.ok()) return moved.status();
  }
  return absl::OkStatus();
}

}  // namespace crm::segments
