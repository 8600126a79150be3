// Segments (crm/segment.hpp): records by id with a unique lookup by folded name; memberships in
// two tables (segment_member by segment, customer_segment by customer) and a count per segment
// (the meta counter "segment.<id>"). Dynamic segments' filters are kept current by the customer
// writes, which call MoveCustomer and MoveContact.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/customer.hpp"
#include "crm/segment.hpp"
#include "model/schema.h"

namespace crm::segments {

using model::Ctx;

absl::StatusOr<Segment> Get(const Ctx& ctx, SegmentId id);
absl::StatusOr<Segment> FindByName(const Ctx& ctx, std::string_view name);
absl::StatusOr<std::vector<Segment>> List(const Ctx& ctx);
absl::StatusOr<bool> IsMember(const Ctx& ctx, SegmentId segment, CustomerId customer);
absl::StatusOr<std::uint64_t> Count(const Ctx& ctx, SegmentId segment);
absl::StatusOr<SegmentMemberPage> Members(const Ctx& ctx, SegmentId segment, std::string_view page_token,
                                          std::size_t limit);
absl::StatusOr<std::vector<SegmentId>> Of(const Ctx& ctx, CustomerId customer);

absl::StatusOr<Segment> Create(Ctx& ctx, Segment s);
absl::StatusOr<Segment> Update(Ctx& ctx, Segment s);
absl::Status Delete(Ctx& ctx, SegmentId id);
absl::StatusOr<std::uint64_t> AddMembers(Ctx& ctx, SegmentId segment, std::span<const CustomerId> customers);
absl::StatusOr<std::uint64_t> RemoveMembers(Ctx& ctx, SegmentId segment, std::span<const CustomerId> customers);
absl::StatusOr<Segment> Snapshot(Ctx& ctx, SegmentId dynamic, std::string_view name);

// Keeps memberships current when a customer is written, in the write's transaction: `before` is
// nullptr for a new customer; `after` nullptr for a deleted one, which leaves every segment.
// Otherwise the customer enters or leaves each dynamic segment as its filter now says.
absl::Status MoveCustomer(Ctx& ctx, const Customer* before, const Customer* after);
// The same when only the customer's last interaction moved: the dynamic segments whose filter
// reads last_interaction_at are tested again.
absl::Status MoveContact(Ctx& ctx, CustomerId customer);

// Joins (true) or leaves a segment; false when the customer already was (or was not) a member.
absl::StatusOr<bool> Join(Ctx& ctx, SegmentId segment, CustomerId customer);
absl::StatusOr<bool> Leave(Ctx& ctx, SegmentId segment, CustomerId customer);

// What Verify finds wrong: records that do not decode, the name lookup, memberships naming a
// missing segment or customer or without their mirror entry, counts that differ from the
// entries, and dynamic segments whose members are not what their filter matches.
absl::StatusOr<std::vector<std::string>> Check(const Ctx& ctx, std::uint64_t* records, std::uint64_t* entries);

}  // namespace crm::segments
