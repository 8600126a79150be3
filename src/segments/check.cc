// What Verify checks of segments (segments::Check).
#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "codec/key.h"
#include "common/strings.h"
#include "segments/segments.h"
#include "segments/views.h"
#include "text/text.h"

namespace crm::segments {

absl::StatusOr<std::vector<std::string>> Check(const Ctx& ctx, std::uint64_t* records, std::uint64_t* entries) {
  std::vector<std::string> problems;
  if (ctx.schema.segments == model::kAbsentTable) return problems;
  absl::flat_hash_map<SegmentId, Segment> segments;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.segments, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 ++*records;
                                 Segment seg;
                                 const std::uint64_t id = key.size() == 8 ? codec::GetBigEndian64(key.data()) : 0;
                                 if (auto st = codec::Decode(value, kKind.type, {"segment", id}, seg); !st.ok())
                                   problems.emplace_back(st.message());
                                 else if (seg.id != id || id == 0)
                                   problems.push_back(absl::StrCat("segment ", id, ": the stored record holds id ", seg.id));
                                 else
                                   segments.emplace(id, std::move(seg));
                                 return true;
                               });
  if (!s.ok()) return s;
  std::size_t names = 0;
  s = storage::ScanPrefix(ctx.txn, ctx.schema.segment_name, {}, {},
                          [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                            ++*entries;
                            ++names;
                            auto it = value.size() == 8 ? segments.find(codec::GetBigEndian64(value.data())) : segments.end();
                            if (it == segments.end() || text::FoldCase(it->second.name) != Av(key))
                              problems.push_back(absl::StrCat("segment_name: the entry '", Av(key),
                                                              "' names a segment that does not hold it"));
                            return true;
                          });
  if (!s.ok()) return s;
  if (names != segments.size())
    problems.push_back(absl::StrCat("segment_name: ", segments.size(), " segments, ", names, " entries"));

  absl::flat_hash_map<SegmentId, std::vector<CustomerId>> members;
  s = storage::ScanPrefix(ctx.txn, ctx.schema.segment_member, {}, {},
                          [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                            ++*entries;
                            if (key.size() != 16 || !codec::IndexValueSound(key, value)) {
                              problems.push_back("segment_member: a damaged entry");
                              return true;
                            }
                            const SegmentId seg = codec::GetBigEndian64(key.data());
                            const CustomerId c = codec::GetBigEndian64(key.data() + 8);
                            std::string_view v;
                            if (!segments.contains(seg))
                              problems.push_back(absl::StrCat("segment_member: an entry names segment ", seg,
                                                              ", which does not exist"));
                            auto customer = ctx.txn.Get(ctx.schema.customers, codec::EncodeU64(c), &v);
                            if (!customer.ok()) return customer.status();
                            if (!*customer)
                              problems.push_back(absl::StrCat("segment ", seg, ": member ", c, " does not exist"));
                            auto mirror = ctx.txn.Get(ctx.schema.customer_segment,
                                                      codec::KeyBuilder().U64(c).U64(seg).Take(), &v);
                            if (!mirror.ok()) return mirror.status();
                            if (!*mirror)
                              problems.push_back(absl::StrCat("customer_segment: customer ", c, " lacks the entry of segment ", seg));
                            members[seg].push_back(c);
                            return true;
                          });
  if (!s.ok()) return s;
  std::uint64_t mirrors = 0;
  s = storage::ScanPrefix(ctx.txn, ctx.schema.customer_segment, {}, {},
                          [&](std::string_view, std::string_view) -> absl::StatusOr<bool> {
                            ++*entries;
                            ++mirrors;
                            return true;
                          });
  if (!s.ok()) return s;
  std::uint64_t memberships = 0;
  for (const auto& [seg, list] : members) memberships += list.size();
  if (mirrors != memberships)
    problems.push_back(absl::StrCat("customer_segment: ", mirrors, " entries for ", memberships, " memberships"));

  for (const auto& [id, seg] : segments) {
    const std::vector<CustomerId>& held = members[id];
    auto counted = model::ReadCounter(ctx, CountName(id));
    if (!counted.ok()) return counted.status();
    if (*counted != held.size())
      problems.push_back(absl::StrCat("segment ", id, ": its count says ", *counted, " members, and it has ", held.size()));
    if (seg.kind != SegmentKind::kDynamic) continue;
    auto f = CompileFilter(ctx, seg.filter, seg.include_archived);
    if (!f.ok()) {
      problems.push_back(absl::StrCat("segment ", id, ": its filter does not read: ", f.status().message()));
      continue;
    }
    auto wanted = Evaluate(ctx, *f);
    if (!wanted.ok()) return wanted.status();
    if (*wanted != held)
      problems.push_back(absl::StrCat("segment ", id, " (", seg.name, "): ", held.size(), " members, and its filter matches ",
                                      wanted->size(), " customers, not the same"));
  }
  return problems;
}

}  // namespace crm::segments
