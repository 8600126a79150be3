// Interactions: the touch points of a customer's timeline.
//
// Thread safety: plain values (see types.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
  OpportunityId opportunity = 0;  // optional link to a deal of the same customer
  Timestamp due_at = 0;           // tasks
  bool done = false;              // tasks

  friend bool operator==(const Interaction&, const Interaction&) = default;
};

// Whether logging an interaction of this kind counts as contact with the customer (and so
// moves Customer::last_interaction_at).
bool CountsAsContact(InteractionKind kind);

}  // namespace crm
