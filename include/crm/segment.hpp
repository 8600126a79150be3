// Segments (since 0.19): named sets of customers, the audiences marketing works with, as HubSpot's
// lists are.
//
// - A manual segment holds the customers added to it, until they are removed (or deleted).
// - A dynamic segment holds the customers its filter (crm/query.hpp) matches, kept current by
//   every write: a customer created, updated, archived, restored, merged or deleted, or whose last
//   interaction moves, enters or leaves it in the same transaction. Archived customers are members
//   only with include_archived. A filter may name any field of a customer except those read
//   through the owner's user (team, team.region, owner.*), which change without the customer
//   being written: such a filter is refused.
// - A snapshot segment holds the members a dynamic segment (or a filter) had when it was taken,
//   frozen; customers deleted since leave it.
//
// Member counts are maintained, so a count and "is this customer in segment S" are one read each.
// Segment records and manual membership changes are in the change feed (EntityType::kSegment);
// membership that follows from a filter is derived, as last_interaction_at is, and is not.
//
// Thread safety: records are plain values (see types.hpp); the operations are members of the
// transactions (store.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

using SegmentId = std::uint64_t;

enum class SegmentKind : std::uint8_t { kManual = 1, kDynamic = 2, kSnapshot = 3 };
std::string_view SegmentKindName(SegmentKind kind);  // "manual", "dynamic", "snapshot"

struct Segment {
  // Managed by the store (see Customer).
  SegmentId id = 0;
  std::uint64_t revision = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;

  std::string name = {};         // required, at most 256 bytes; unique, case-insensitively
  std::string description = {};  // optional
  SegmentKind kind = SegmentKind::kManual;  // fixed once created
  // Dynamic: the filter, required (stored in its canonical text, Filter::ToString). Snapshot: the
  // filter its members were taken with (given at creation, or the dynamic segment's).
  std::string filter = {};
  bool include_archived = false;  // dynamic and snapshot: archived customers may be members

  // Read-only, set by the store.
  Timestamp frozen_at = 0;     // snapshot: when its members were taken
  SegmentId frozen_from = 0;   // snapshot: the dynamic segment it was taken from (0: a filter)
  std::uint64_t members = 0;   // how many customers are members now

  friend bool operator==(const Segment&, const Segment&) = default;
};

// A page of a segment's members, in customer id order.
struct SegmentMemberPage {
  std::vector<CustomerId> members;
  std::string next_page_token;  // empty on the last page
};

// Reads of segments: members of every transaction.
class SegmentReads {
 public:
  absl::StatusOr<Segment> GetSegment(SegmentId id) const;
  // NotFound when no segment has the name (compared case-insensitively).
  absl::StatusOr<Segment> FindSegmentByName(std::string_view name) const;
  // Every segment, in id order.
  absl::StatusOr<std::vector<Segment>> ListSegments() const;
  // Whether the customer is a member (false for a customer that does not exist); NotFound for a
  // segment that does not.
  absl::StatusOr<bool> IsInSegment(SegmentId segment, CustomerId customer) const;
  // The maintained member count.
  absl::StatusOr<std::uint64_t> CountSegmentMembers(SegmentId segment) const;
  // Members a page at a time (limit 1 to 1000; keyset pages, stable while others write).
  absl::StatusOr<SegmentMemberPage> ListSegmentMembers(SegmentId segment, std::string_view page_token = {},
                                                       std::size_t limit = 100) const;
  // The segments a customer is a member of, in id order.
  absl::StatusOr<std::vector<SegmentId>> SegmentsOf(CustomerId customer) const;

 protected:
  SegmentReads() = default;
};

// Writes of segments: members of WriteTxn.
class SegmentWrites {
 public:
  // A manual segment starts empty. A dynamic one gets the customers its filter matches, in this
  // transaction; a snapshot one gets them too, and keeps them. InvalidArgument for a bad or
  // refused filter (the position or field named); AlreadyExists when the name is taken;
  // ResourceExhausted past 256 dynamic segments.
  absl::StatusOr<Segment> CreateSegment(const Segment& segment);
  // Revision checked. Sets name, description, and (dynamic) filter and include_archived: a
  // changed filter re-evaluates the members. The kind cannot change; a snapshot's filter neither.
  absl::StatusOr<Segment> UpdateSegment(const Segment& segment);
  // Removes the segment and its memberships.
  absl::Status DeleteSegment(SegmentId id);
  // Manual segments only (FailedPrecondition otherwise). Adds the customers that are not members
  // yet and returns how many that was; NotFound naming the first that does not exist (then
  // nothing is added). At most 10,000 ids a call.
  absl::StatusOr<std::uint64_t> AddSegmentMembers(SegmentId segment, std::span<const CustomerId> customers);
  // Manual segments only. Removes those that are members and returns how many that was.
  absl::StatusOr<std::uint64_t> RemoveSegmentMembers(SegmentId segment, std::span<const CustomerId> customers);
  // A new snapshot segment named `name` holding the dynamic segment's members as they are now.
  absl::StatusOr<Segment> SnapshotSegment(SegmentId dynamic, std::string_view name);

 protected:
  SegmentWrites() = default;
};

}  // namespace crm
