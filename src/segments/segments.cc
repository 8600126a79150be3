// Segment records: create, update, delete and snapshot (crm/segment.hpp).
#include "segments/segments.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "changes/changes.h"
#include "codec/key.h"
#include "common/strings.h"
#include "model/external.h"
#include "model/records.h"
#include "model/validation.h"
#include "query/search.h"
#include "segments/views.h"
#include "text/text.h"

namespace crm {

std::string_view SegmentKindName(SegmentKind kind) {
  switch (kind) {
    case SegmentKind::kManual: return "manual";
    case SegmentKind::kDynamic: return "dynamic";
    case SegmentKind::kSnapshot: return "snapshot";
  }
  return "unknown";
}

}  // namespace crm

namespace crm::segments {
namespace {

constexpr char kSequence[] = "seq.segment";
constexpr std::size_t kNameBytes = 256;
constexpr std::size_t kDescriptionBytes = 4096;
constexpr std::size_t kFilterBytes = 8192;
constexpr std::size_t kMaxDynamic = 256;

using model::Invalid;

std::string Folded(std::string_view name) {
  std::string folded = text::FoldCase(name);
  model::Trim(folded);
  return folded;
}

// Checks the fields a caller sets; a dynamic or snapshot segment's filter becomes its canonical
// text, and `compiled` receives it.
absl::Status Normalize(const Ctx& ctx, Segment& s, query::MaintainedFilter* compiled) {
  model::Trim(s.name);
  model::Trim(s.description);
  if (auto st = model::CheckRequiredText("name", s.name, kNameBytes); !st.ok()) return st;
  if (auto st = model::CheckText("description", s.description, kDescriptionBytes, true); !st.ok()) return st;
  if (s.kind != SegmentKind::kManual && s.kind != SegmentKind::kDynamic && s.kind != SegmentKind::kSnapshot)
    return Invalid("kind", "is not manual, dynamic or snapshot");
  if (s.kind == SegmentKind::kManual) {
    if (!s.filter.empty()) return Invalid("filter", "a manual segment has no filter: its members are added");
    if (s.include_archived) return Invalid("include_archived", "a manual segment holds whom it is given");
  } else {
    if (s.filter.size() > kFilterBytes) return Invalid("filter", absl::StrCat("is longer than ", kFilterBytes, " bytes"));
    model::Trim(s.filter);
    if (s.filter.empty())
      return Invalid("filter", absl::StrCat("a ", Av(SegmentKindName(s.kind)), " segment needs its filter"));
    auto f = CompileFilter(ctx, s.filter, s.include_archived);
    if (!f.ok()) return f.status();
    s.filter = f->filter.ToString();
    *compiled = *std::move(f);
  }
  auto holder = model::FindExternal(ctx, ctx.schema.segment_name, Folded(s.name));
  if (!holder.ok()) return holder.status();
  if (*holder != 0 && *holder != s.id)
    return absl::AlreadyExistsError(absl::StrCat("name: '", s.name, "' is already used by segment ", *holder));
  return absl::OkStatus();
}

absl::StatusOr<std::uint64_t> DynamicCount(const Ctx& ctx) {
  std::vector<query::MaintainedFilter> scratch;
  auto views = Views(ctx, &scratch);
  if (!views.ok()) return views.status();
  return (*views)->size();
}

// Every member of `segment`, in id order.
absl::StatusOr<std::vector<CustomerId>> AllMembers(const Ctx& ctx, SegmentId segment) {
  std::vector<CustomerId> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.segment_member, codec::EncodeU64(segment), {},
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 out.push_back(codec::GetBigEndian64(key.data() + 8));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

// Writes a new segment's record, name and `members`.
absl::StatusOr<Segment> Insert(Ctx& ctx, Segment s, const std::vector<CustomerId>& members) {
  auto id = model::NextId(ctx, kSequence);
  if (!id.ok()) return id.status();
  s.id = *id;
  if (auto st = model::StampNew(s, ctx); !st.ok()) return st;
  absl::Status st = model::Put(ctx, kKind, s, /*fresh=*/true);
  if (st.ok()) st = model::MoveExternal(ctx, ctx.schema.segment_name, {}, Folded(s.name), s.id);
  for (std::size_t i = 0; st.ok() && i < members.size(); ++i) st = Join(ctx, s.id, members[i]).status();
  if (st.ok()) st = changes::Record(ctx, EntityType::kSegment, s.id, ChangeOp::kCreate, {}, changes::Flatten(s));
  if (!st.ok()) return st;
  Forget(ctx);
  s.members = members.size();
  return s;
}

}  // namespace

absl::StatusOr<Segment> Get(const Ctx& ctx, SegmentId id) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto seg = model::Get<Segment>(ctx, kKind, id);
  if (!seg.ok()) return seg.status();
  auto n = model::ReadCounter(ctx, CountName(id));
  if (!n.ok()) return n.status();
  seg->members = *n;
  return seg;
}

absl::StatusOr<Segment> FindByName(const Ctx& ctx, std::string_view name) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  const std::string folded = Folded(name);
  auto id = folded.empty() ? absl::StatusOr<std::uint64_t>(0) : model::FindExternal(ctx, ctx.schema.segment_name, folded);
  if (!id.ok()) return id.status();
  if (*id == 0) return absl::NotFoundError(absl::StrCat("no segment is named '", Av(name), "'"));
  return Get(ctx, *id);
}

absl::StatusOr<std::vector<Segment>> List(const Ctx& ctx) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  std::vector<Segment> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.segments, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 Segment seg;
                                 const std::uint64_t id = key.size() == 8 ? codec::GetBigEndian64(key.data()) : 0;
                                 if (auto st = codec::Decode(value, kKind.type, {"segment", id}, seg); !st.ok()) return st;
                                 if (seg.id != id)
                                   return absl::DataLossError(absl::StrCat("segment ", id, ": stored record holds id ", seg.id));
                                 out.push_back(std::move(seg));
                                 return true;
                               });
  if (!s.ok()) return s;
  for (Segment& seg : out) {
    auto n = model::ReadCounter(ctx, CountName(seg.id));
    if (!n.ok()) return n.status();
    seg.members = *n;
  }
  return out;
}

absl::StatusOr<Segment> Create(Ctx& ctx, Segment s) {
  if (auto st = NeedTables(ctx); !st.ok()) return st;
  s.id = 0;
  s.frozen_at = 0;
  s.frozen_from = 0;
  query::MaintainedFilter compiled;
  if (auto st = Normalize(ctx, s, &compiled); !st.ok()) return st;
  if (s.kind == SegmentKind::kDynamic) {
    auto n = DynamicCount(ctx);
    if (!n.ok()) return n.status();
    if (*n >= kMaxDynamic)
      return absl::ResourceExhaustedError(absl::StrCat("a store keeps at most ", kMaxDynamic,
                                                       " dynamic segments current: delete one, or take a snapshot"));
  }
  std::vector<CustomerId> members;
  if (s.kind != SegmentKind::kManual) {
    auto found = Evaluate(ctx, compiled);
    if (!found.ok()) return found.status();
    members = *std::move(found);
  }
  if (s.kind == SegmentKind::kSnapshot) s.frozen_at = ctx.now;
  return Insert(ctx, std::move(s), members);
}

absl::StatusOr<Segment> Update(Ctx& ctx, Segment s) {
  if (auto st = NeedTables(ctx); !st.ok()) return st;
  auto before = model::LoadForUpdate(ctx, kKind, s);
  if (!before.ok()) return before.status();
  if (s.kind != before->kind)
    return Invalid("kind", absl::StrCat("segment ", s.id, " is ", Av(SegmentKindName(before->kind)),
                                        "; a segment's kind cannot change"));
  if (s.kind == SegmentKind::kSnapshot) {
    // Its filter is what its members were taken with.
    s.filter = before->filter;
    s.include_archived = before->include_archived;
  }
  query::MaintainedFilter compiled;
  if (auto st = Normalize(ctx, s, &compiled); !st.ok()) return st;
  s.frozen_at = before->frozen_at;
  s.frozen_from = before->frozen_from;
  const bool refilter =
      s.kind == SegmentKind::kDynamic && (s.filter != before->filter || s.include_archived != before->include_archived);
  std::vector<CustomerId> wanted, held;
  if (refilter) {
    auto found = Evaluate(ctx, compiled);
    if (!found.ok()) return found.status();
    wanted = *std::move(found);
    auto members = AllMembers(ctx, s.id);
    if (!members.ok()) return members.status();
    held = *std::move(members);
  }
  model::StampChanged(s, *before, ctx.now);
  absl::Status st = model::Put(ctx, kKind, s);
  if (st.ok()) st = model::MoveExternal(ctx, ctx.schema.segment_name, Folded(before->name), Folded(s.name), s.id);
  // Both lists are in id order: one pass finds who leaves and who enters.
  std::size_t w = 0, h = 0;
  while (st.ok() && (w < wanted.size() || h < held.size())) {
    if (h == held.size() || (w < wanted.size() && wanted[w] < held[h])) {
      st = Join(ctx, s.id, wanted[w++]).status();
    } else if (w == wanted.size() || held[h] < wanted[w]) {
      st = Leave(ctx, s.id, held[h++]).status();
    } else {
      ++w, ++h;
    }
  }
  if (st.ok())
    st = changes::Record(ctx, EntityType::kSegment, s.id, ChangeOp::kUpdate, changes::Flatten(*before),
                         changes::Flatten(s));
  if (!st.ok()) return st;
  Forget(ctx);
  auto n = model::ReadCounter(ctx, CountName(s.id));
  if (!n.ok()) return n.status();
  s.members = *n;
  return s;
}

absl::Status Delete(Ctx& ctx, SegmentId id) {
  auto seg = Get(ctx, id);
  if (!seg.ok()) return seg.status();
  auto members = AllMembers(ctx, id);
  if (!members.ok()) return members.status();
  absl::Status st;
  for (std::size_t i = 0; st.ok() && i < members->size(); ++i) st = Leave(ctx, id, (*members)[i]).status();
  if (st.ok()) st = ctx.txn.Del(ctx.schema.segments, codec::EncodeU64(id)).status();
  if (st.ok()) st = model::MoveExternal(ctx, ctx.schema.segment_name, Folded(seg->name), {}, id);
  if (st.ok()) st = changes::Record(ctx, EntityType::kSegment, id, ChangeOp::kDelete, changes::Flatten(*seg), {});
  if (st.ok()) Forget(ctx);
  return st;
}

absl::StatusOr<Segment> Snapshot(Ctx& ctx, SegmentId dynamic, std::string_view name) {
  auto source = Get(ctx, dynamic);
  if (!source.ok()) return source.status();
  if (source->kind != SegmentKind::kDynamic)
    return absl::FailedPreconditionError(absl::StrCat("segment ", dynamic, " is ",
                                                      Av(SegmentKindName(source->kind)),
                                                      ": snapshots are taken of dynamic segments"));
  Segment s;
  s.name = std::string(name);
  s.kind = SegmentKind::kSnapshot;
  s.filter = source->filter;
  s.include_archived = source->include_archived;
  s.description = absl::StrCat("snapshot of segment ", dynamic, " (", source->name, ")");
  query::MaintainedFilter compiled;
  if (auto st = Normalize(ctx, s, &compiled); !st.ok()) return st;
  s.frozen_at = ctx.now;
  s.frozen_from = dynamic;
  auto members = AllMembers(ctx, dynamic);
  if (!members.ok()) return members.status();
  return Insert(ctx, std::move(s), *members);
}

}  // namespace crm::segments
