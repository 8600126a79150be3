// Customer service (since 0.20): tickets, their conversations, and service-level agreements timed
// in business hours, as Salesforce's cases and milestones or Odoo's helpdesk SLA policies are.
//
// A ticket belongs to a customer. It has a status (new, open, pending, on hold, solved, closed),
// a priority, the channel it came in on, an assignee (a user) and a team, a subject and a
// description, and a conversation: entries from the customer, public replies of an agent, and
// internal notes. Opening a ticket also logs an interaction of kind kSupportTicket on the
// customer's timeline (Ticket::interaction). A solved or closed ticket can be rated (CSAT, 1 to
// 5). A ticket's personal values (subject, description, entries, rating comment) are sealed with
// its customer's data key in an encrypted store, and leave with the customer: deleting or
// erasing a customer removes its tickets; a merge gives the losers' tickets to the survivor and
// an unmerge gives them back.
//
// Business calendars say when a team works: weekly working hours in a time zone (IANA names, as
// "Europe/Paris"; daylight saving time follows the zone) and holidays, on which nobody works.
// A calendar may name the team it times; a ticket is timed on its team's calendar, else on the
// calendar that names no team, else around the clock.
//
// SLA policies match tickets on priority, team, channel and customer tag (every criterion a
// policy sets must hold; an empty one matches all), and set targets for the first response and
// for the resolution, in business minutes. Several policies may apply: each gives its milestones,
// and the earliest deadline counts (Ticket::due_at). A milestone's clock runs while the ticket is
// new or open, pauses in the statuses the policy names (pending and on hold by default), and
// stops when the milestone completes: the first response at the first public reply of an agent,
// the resolution when the ticket is solved or closed (reopening it starts that clock again, from
// where it stopped). Policies apply to a ticket when it is opened and whenever its priority,
// team, channel or status changes; editing a policy or calendar applies from a ticket's next
// change on (RecomputeTicketSla applies it at once).
//
// Tickets are in the change feed (EntityType::kTicket); calendars and policies are settings.
//
// Thread safety: records are plain values (see types.hpp); the operations are members of the
// transactions (store.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/sales.hpp"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"
#include "crm/user.hpp"

namespace crm {

using TicketId = std::uint64_t;
using CalendarId = std::uint64_t;
using SlaPolicyId = std::uint64_t;

enum class TicketStatus : std::uint8_t { kNew = 1, kOpen = 2, kPending = 3, kOnHold = 4, kSolved = 5, kClosed = 6 };
std::string_view TicketStatusName(TicketStatus status);  // "new", "open", "pending", "on_hold", "solved", "closed"
std::optional<TicketStatus> ParseTicketStatus(std::string_view name);

enum class TicketPriority : std::uint8_t { kLow = 1, kNormal = 2, kHigh = 3, kUrgent = 4 };
std::string_view TicketPriorityName(TicketPriority priority);  // "low", "normal", "high", "urgent"
std::optional<TicketPriority> ParseTicketPriority(std::string_view name);

enum class TicketChannel : std::uint8_t { kEmail = 1, kPhone = 2, kWeb = 3, kChat = 4, kOther = 5 };
std::string_view TicketChannelName(TicketChannel channel);  // "email", "phone", "web", "chat", "other"
std::optional<TicketChannel> ParseTicketChannel(std::string_view name);

// Working hours on one day of the week, in the calendar's local time: [start_minute, end_minute)
// after midnight.
struct WorkingHours {
  std::uint8_t weekday = 1;     // 1 Monday ... 7 Sunday (ISO 8601)
  std::int32_t start_minute = 0;  // 0 to 1439
  std::int32_t end_minute = 0;    // after start_minute, at most 1440
  friend bool operator==(const WorkingHours&, const WorkingHours&) = default;
};

struct Holiday {
  std::string date;  // "YYYY-MM-DD", the local day nobody works
  std::string name;  // optional
  friend bool operator==(const Holiday&, const Holiday&) = default;
};

struct BusinessCalendar {
  // Managed by the store (see Customer).
  CalendarId id = 0;
  std::uint64_t revision = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;

  std::string name = {};              // required, unique case-insensitively, at most 256 bytes
  std::string time_zone = "UTC";      // an IANA zone name
  std::vector<WorkingHours> hours = {};  // at least one interval, at most 64, not overlapping
  std::vector<Holiday> holidays = {};    // at most 1000, each day once
  TeamId team = 0;  // the team whose tickets it times (one calendar a team); 0: the default

  friend bool operator==(const BusinessCalendar&, const BusinessCalendar&) = default;
};

// Monday to Friday, 09:00 to 17:00.
std::vector<WorkingHours> OfficeHours(std::int32_t start_minute = 9 * 60, std::int32_t end_minute = 17 * 60);

enum class SlaMetric : std::uint8_t { kFirstResponse = 1, kResolution = 2 };
std::string_view SlaMetricName(SlaMetric metric);  // "first_response", "resolution"

struct SlaPolicy {
  // Managed by the store (see Customer).
  SlaPolicyId id = 0;
  std::uint64_t revision = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;

  std::string name = {};  // required, at most 256 bytes
  bool active = true;     // an inactive policy applies to no ticket
  // What it applies to: each criterion set must hold (any of its values); empty: any.
  std::vector<TicketPriority> priorities = {};
  std::vector<TeamId> teams = {};
  std::vector<TicketChannel> channels = {};
  std::string customer_tag = {};  // the customer has this tag (case-insensitively)
  // Targets in business minutes; 0: none. At least one is set; each at most 1,000,000.
  std::int64_t first_response_minutes = 0;
  std::int64_t resolution_minutes = 0;
  // The statuses its clocks pause in: pending and on hold, or some of them.
  std::vector<TicketStatus> pause_statuses = {TicketStatus::kPending, TicketStatus::kOnHold};

  friend bool operator==(const SlaPolicy&, const SlaPolicy&) = default;
};

// One policy's target for one metric of a ticket.
struct SlaMilestone {
  SlaMetric metric = SlaMetric::kFirstResponse;
  SlaPolicyId policy = 0;
  std::int64_t target_minutes = 0;
  // The deadline: when the target's business time runs out on the ticket's calendar. 0 while the
  // clock is paused (the deadline moves on with the pause); for a completed milestone, the
  // deadline as it stood when it completed.
  Timestamp due_at = 0;
  Timestamp completed_at = 0;  // 0 while open
  // Completed after its deadline, or open with its deadline passed (as of the reading
  // transaction's start).
  bool violated = false;
  std::int64_t elapsed_seconds = 0;  // business seconds on its clock until completion (or the last change)
  friend bool operator==(const SlaMilestone&, const SlaMilestone&) = default;
};

struct TicketStatusChange {
  TicketStatus status = TicketStatus::kNew;
  Timestamp at = 0;
  friend bool operator==(const TicketStatusChange&, const TicketStatusChange&) = default;
};

struct Ticket {
  // Managed by the store (see Customer).
  TicketId id = 0;
  std::uint64_t revision = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;

  CustomerId customer = 0;  // required; fixed once opened
  std::string subject = {};      // required, at most 1000 bytes
  std::string description = {};  // optional, up to 64 KiB
  TicketPriority priority = TicketPriority::kNormal;
  TicketChannel channel = TicketChannel::kEmail;
  UserId assignee = 0;  // a user; 0: unassigned
  TeamId team = 0;      // 0: no team
  // When it was opened: now when 0; may be in the past (a ticket from another system), not in
  // the future.
  Timestamp opened_at = 0;
  // The status it opens with (new or open); SetTicketStatus changes it afterwards.
  TicketStatus status = TicketStatus::kNew;

  // Read-only: kept by the store.
  Timestamp first_response_at = 0;  // the first public reply of an agent
  Timestamp solved_at = 0;          // the last change to solved (0 while not solved or closed)
  Timestamp closed_at = 0;          // when it was closed
  std::uint8_t satisfaction = 0;    // 1 to 5 once rated
  std::string satisfaction_comment = {};
  std::vector<TicketStatusChange> history = {};  // every status it had, from its opening
  std::vector<SlaMilestone> milestones = {};     // by policy id, first response before resolution
  Timestamp due_at = 0;  // the earliest deadline of its open, running milestones; 0: none
  std::uint64_t interaction = 0;  // the timeline entry its opening logged

  friend bool operator==(const Ticket&, const Ticket&) = default;
};

enum class TicketAuthor : std::uint8_t {
  kCustomer = 1,  // a message from the customer
  kAgent = 2,     // a public reply: the first completes the first-response milestones
  kNote = 3,      // an internal note
};
std::string_view TicketAuthorName(TicketAuthor author);  // "customer", "agent", "note"
std::optional<TicketAuthor> ParseTicketAuthor(std::string_view name);

struct TicketEntry {
  std::uint64_t id = 0;  // managed by the store
  TicketId ticket = 0;
  TicketAuthor author_kind = TicketAuthor::kCustomer;
  UserId author = 0;  // the agent (a user) for replies and notes; 0 for the customer, or unknown
  Timestamp at = 0;   // now when 0; not before the ticket opened, not in the future
  std::string body;   // required, up to 64 KiB
  friend bool operator==(const TicketEntry&, const TicketEntry&) = default;
};

// A page of tickets by deadline.
struct TicketDue {
  TicketId ticket = 0;
  Timestamp due_at = 0;
  SlaMetric metric = SlaMetric::kFirstResponse;  // of the milestone that deadline is
  TicketStatus status = TicketStatus::kNew;
  TicketPriority priority = TicketPriority::kNormal;
  TeamId team = 0;
  UserId assignee = 0;
  friend bool operator==(const TicketDue&, const TicketDue&) = default;
};

struct TicketDueQuery {
  Timestamp before = 0;  // deadlines before this time (overdue ones included); 0: any
  TeamId team = 0;       // 0: every team
  UserId assignee = 0;   // 0: anyone's
  std::size_t limit = 50;  // 1 to 1000
  std::string page_token;
};

struct TicketDuePage {
  std::vector<TicketDue> tickets;  // by deadline, then ticket id
  std::string next_page_token;
};

struct TicketPage {
  std::vector<Ticket> tickets;
  std::string next_page_token;
};

// The service report: tickets opened in [from, to), one row per team (team 0: none) and a
// total row (team "all"). Columns: team, tickets, solved, first_response_met,
// first_response_violated, first_response_attainment (met / (met + violated); empty when both
// are 0), resolution_met, resolution_violated, resolution_attainment, median_first_response_s
// and median_resolution_s (calendar seconds from opening to the first reply, and to the last
// solve, of the tickets that have one), csat_count, csat_average, csat_satisfied (the share
// rated 4 or 5). A milestone counts as met or violated once completed, or violated while open
// past its deadline; an open one not yet due counts in neither.
struct ServiceReportQuery {
  Timestamp from = 0;  // 0: no bound
  Timestamp to = 0;
};

// Reads of tickets, calendars and policies: members of every transaction.
class TicketReads {
 public:
  absl::StatusOr<Ticket> GetTicket(TicketId id) const;
  // The customer's tickets, newest first (limit 1 to 1000).
  absl::StatusOr<TicketPage> TicketsOf(CustomerId customer, std::string_view page_token = {},
                                       std::size_t limit = 100) const;
  // The ticket's conversation, oldest first.
  absl::StatusOr<std::vector<TicketEntry>> TicketEntries(TicketId ticket) const;
  // Tickets with a running deadline, earliest first: what breaches soon.
  absl::StatusOr<TicketDuePage> TicketsBreachingSoon(const TicketDueQuery& query) const;
  absl::StatusOr<ReportTable> ServiceReport(const ServiceReportQuery& query) const;

  absl::StatusOr<BusinessCalendar> GetCalendar(CalendarId id) const;
  absl::StatusOr<std::vector<BusinessCalendar>> ListCalendars() const;
  absl::StatusOr<SlaPolicy> GetSlaPolicy(SlaPolicyId id) const;
  absl::StatusOr<std::vector<SlaPolicy>> ListSlaPolicies() const;
  // Business seconds in [from, to) on a calendar, and the time `seconds` of business time after
  // `from`: the clock arithmetic the milestones use.
  absl::StatusOr<std::int64_t> BusinessSecondsBetween(CalendarId calendar, Timestamp from, Timestamp to) const;
  absl::StatusOr<Timestamp> AddBusinessSeconds(CalendarId calendar, Timestamp from, std::int64_t seconds) const;

 protected:
  TicketReads() = default;
};

// Writes of tickets, calendars and policies: members of WriteTxn.
class TicketWrites {
 public:
  // InvalidArgument naming the field; NotFound for a customer, assignee or team that does not
  // exist. Logs the customer's timeline entry.
  absl::StatusOr<Ticket> OpenTicket(const Ticket& ticket);
  // Subject, description, priority, channel, assignee and team (revision checked); the status
  // and the read-only fields are kept as stored.
  absl::StatusOr<Ticket> UpdateTicket(const Ticket& ticket);
  // Moves the ticket to `status` at `at` (now when 0; not before its last change, not in the
  // future). Any status may follow any other; a closed ticket cannot be reopened (open a new one).
  absl::StatusOr<Ticket> SetTicketStatus(TicketId id, TicketStatus status, Timestamp at = 0);
  // Adds to the conversation; the first agent reply completes the first-response milestones.
  absl::StatusOr<TicketEntry> AddTicketEntry(const TicketEntry& entry);
  // The customer's satisfaction, 1 to 5, once the ticket is solved or closed (a second rating
  // replaces the first).
  absl::StatusOr<Ticket> RateTicket(TicketId id, std::uint8_t satisfaction, std::string_view comment = {});
  // Removes the ticket, its conversation and its timeline entry.
  absl::Status DeleteTicket(TicketId id);
  // Applies the policies and calendars as they are now to the ticket's milestones.
  absl::StatusOr<Ticket> RecomputeTicketSla(TicketId id);

  absl::StatusOr<BusinessCalendar> CreateCalendar(const BusinessCalendar& calendar);
  absl::StatusOr<BusinessCalendar> UpdateCalendar(const BusinessCalendar& calendar);  // revision checked
  absl::Status DeleteCalendar(CalendarId id);
  absl::StatusOr<SlaPolicy> CreateSlaPolicy(const SlaPolicy& policy);
  absl::StatusOr<SlaPolicy> UpdateSlaPolicy(const SlaPolicy& policy);  // revision checked
  absl::Status DeleteSlaPolicy(SlaPolicyId id);

 protected:
  TicketWrites() = default;
};

}  // namespace crm
