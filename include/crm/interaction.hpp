// Interactions: the touch points of a customer's timeline.
//
// Thread safety: records, queries and pages are plain values (see types.hpp); the operations
// are members of the transactions (store.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

enum class InteractionKind : std::uint8_t {
  kCall = 1,
  kEmail = 2,
  kMeeting = 3,
  kNote = 4,
  kTask = 5,
  kSupportTicket = 6,
  kPurchase = 7,
  kOther = 8,  // described by `kind_label`
};
std::string_view InteractionKindName(InteractionKind kind);
std::optional<InteractionKind> ParseInteractionKind(std::string_view name);

enum class Direction : std::uint8_t {
  kNone = 0,
  kInbound = 1,
  kOutbound = 2,
};

struct Interaction {
  // Managed by the store (see Customer).
  InteractionId id = 0;
  std::uint64_t revision = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;

  CustomerId customer = 0;  // required; fixed once logged
  InteractionKind kind = InteractionKind::kNote;
  std::string kind_label;  // required for kOther, empty otherwise
  Direction direction = Direction::kNone;
  Timestamp occurred_at = 0;          // when it happened (set to now when 0)
  std::int64_t duration_seconds = 0;  // calls, meetings
  std::string subject;
  std::string body;     // up to 64 KiB, multi-line
  std::string outcome;  // "left voicemail", "demo booked" ...
  std::uint8_t satisfaction = 0;      // 1 to 5, 0 for none
  std::optional<Money> amount;        // purchases
  std::string owner;
  // Optional link to a deal of the same customer, of an organization the customer is a member
  // of, or on which the customer is a contact (since 0.12; before, the same customer only).
  OpportunityId opportunity = 0;
  Timestamp due_at = 0;           // tasks
  bool done = false;              // tasks
  // Unique when not empty: its id in another system, for UpsertInteraction (since 0.5).
  std::string external_id;
  CustomFields custom;  // typed custom fields, as on customers (since 0.5)

  friend bool operator==(const Interaction&, const Interaction&) = default;
};

// Whether logging an interaction of this kind counts as contact with the customer (and so
// moves Customer::last_interaction_at).
bool CountsAsContact(InteractionKind kind);

// A customer's timeline: interactions clustered by customer and time, read by one range scan.
struct TimelineQuery {
  CustomerId customer = 0;
  bool newest_first = true;
  Timestamp from = INT64_MIN;  // inclusive
  Timestamp to = INT64_MAX;    // exclusive
  std::vector<InteractionKind> kinds;  // empty: every kind
  std::size_t limit = 50;              // 1 to 1000
  std::string page_token;
};

struct InteractionPage {
  std::vector<Interaction> interactions;
  std::string next_page_token;  // empty on the last page
};

// Reads of interactions: members of every transaction.
class InteractionReads {
 public:
  absl::StatusOr<Interaction> GetInteraction(InteractionId id) const;
  // NotFound when no interaction has that external id.
  absl::StatusOr<Interaction> FindInteractionByExternalId(std::string_view external_id) const;
  absl::StatusOr<InteractionPage> ListTimeline(const TimelineQuery& query) const;

 protected:
  InteractionReads() = default;
};

// Writes of interactions: members of WriteTxn.
class InteractionWrites {
 public:
  // Logs an interaction on a customer's timeline (occurred_at now when 0); a contact kind moves
  // the customer's last_interaction_at forward.
  absl::StatusOr<Interaction> LogInteraction(const Interaction& interaction);
  // Revision checked; the customer cannot change.
  absl::StatusOr<Interaction> UpdateInteraction(const Interaction& interaction);
  // Logs or replaces the interaction with `interaction.external_id` (which must not be empty),
  // regardless of revision; a replaced one keeps its customer.
  absl::StatusOr<Interaction> UpsertInteraction(const Interaction& interaction);
  // Changes only the fields `patch` names, as PatchCustomer does: customer (of a new one: fixed
  // once logged), kind (with kind_label), direction, occurred_at, duration_seconds, subject, body,
  // outcome, satisfaction, amount, owner, opportunity, due_at, done, external_id, custom or
  // custom.<name>. By id (revision checked unless 0), or with id 0 by external id, logging the
  // interaction when there is none (since 0.5).
  absl::StatusOr<Interaction> PatchInteraction(const Interaction& interaction, const Patch& patch);
  absl::Status DeleteInteraction(InteractionId id);

 protected:
  InteractionWrites() = default;
};

}  // namespace crm
