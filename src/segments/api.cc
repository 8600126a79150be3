// The transaction operations of segments, as declared in crm/segment.hpp (core/txn.h).
#include "crm/segment.hpp"

#include "core/txn.h"
#include "segments/segments.h"

namespace crm {

absl::StatusOr<Segment> SegmentReads::GetSegment(SegmentId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return segments::Get(c, id); });
}
absl::StatusOr<Segment> SegmentReads::FindSegmentByName(std::string_view name) const {
  return core::Query(this, [&](const model::Ctx& c) { return segments::FindByName(c, name); });
}
absl::StatusOr<std::vector<Segment>> SegmentReads::ListSegments() const {
  return core::Query(this, [&](const model::Ctx& c) { return segments::List(c); });
}
absl::StatusOr<bool> SegmentReads::IsInSegment(SegmentId segment, CustomerId customer) const {
  return core::Query(this, [&](const model::Ctx& c) { return segments::IsMember(c, segment, customer); });
}
absl::StatusOr<std::uint64_t> SegmentReads::CountSegmentMembers(SegmentId segment) const {
  return core::Query(this, [&](const model::Ctx& c) { return segments::Count(c, segment); });
}
absl::StatusOr<SegmentMemberPage> SegmentReads::ListSegmentMembers(SegmentId segment, std::string_view page_token,
                                                                   std::size_t limit) const {
  return core::Query(this, [&](const model::Ctx& c) { return segments::Members(c, segment, page_token, limit); });
}
absl::StatusOr<std::vector<SegmentId>> SegmentReads::SegmentsOf(CustomerId customer) const {
  return core::Query(this, [&](const model::Ctx& c) { return segments::Of(c, customer); });
}

absl::StatusOr<Segment> SegmentWrites::CreateSegment(const Segment& segment) {
  return core::Mutate(this, [&](model::Ctx& c) { return segments::Create(c, segment); });
}
absl::StatusOr<Segment> SegmentWrites::UpdateSegment(const Segment& segment) {
  return core::Mutate(this, [&](model::Ctx& c) { return segments::Update(c, segment); });
}
absl::Status SegmentWrites::DeleteSegment(SegmentId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return segments::Delete(c, id); }, core::Growth::kRemoves);
}
absl::StatusOr<std::uint64_t> SegmentWrites::AddSegmentMembers(SegmentId segment, std::span<const CustomerId> customers) {
  return core::Mutate(this, [&](model::Ctx& c) { return segments::AddMembers(c, segment, customers); });
}
absl::StatusOr<std::uint64_t> SegmentWrites::RemoveSegmentMembers(SegmentId segment,
                                                                  std::span<const CustomerId> customers) {
  return core::Mutate(this, [&](model::Ctx& c) { return segments::RemoveMembers(c, segment, customers); },
                      core::Growth::kRemoves);
}
absl::StatusOr<Segment> SegmentWrites::SnapshotSegment(SegmentId dynamic, std::string_view name) {
  return core::Mutate(this, [&](model::Ctx& c) { return segments::Snapshot(c, dynamic, name); });
}

}  // namespace crm
