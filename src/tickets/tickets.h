// Tickets, their conversations, business calendars and SLA policies (crm/ticket.hpp).
//
//   tickets          U64(id) -> envelope(Ticket), sealed with its customer's data key
//   customer_ticket  U64(customer) U64(ticket) -> "": a customer's tickets
//   ticket_entries   U64(ticket) U64(entry id) -> envelope(TicketEntry), sealed likewise
//   ticket_due       I64(due_at) U64(ticket) -> U8(metric) U8(status) U8(priority) U64(team)
//                    U64(assignee): tickets with a running deadline, by deadline
//   ticket_opened    I64(opened_at) U64(ticket) -> U64(team): tickets by opening time
//   calendars        U64(id) -> envelope(BusinessCalendar)
//   sla_policies     U64(id) -> envelope(SlaPolicy)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "codec/envelope.h"
#include "crm/ticket.hpp"
#include "model/records.h"

namespace crm::tickets {

using model::Ctx;

inline constexpr std::int64_t kMicrosPerMinute = 60'000'000;

inline const model::RecordKind kTicketKind{&model::Schema::tickets, codec::RecordType::kTicket, "ticket"};
inline const model::RecordKind kCalendarKind{&model::Schema::calendars, codec::RecordType::kCalendar, "calendar"};
inline const model::RecordKind kPolicyKind{&model::Schema::sla_policies, codec::RecordType::kSlaPolicy,
                                           "SLA policy"};

// FailedPrecondition on a file opened read-only that predates tickets.
absl::Status NeedTables(const Ctx& ctx);

// Business time on a calendar (or around the clock), in microseconds.
class Clock {
 public:
  static Clock AroundTheClock() { return Clock(); }
  static absl::StatusOr<Clock> Of(const BusinessCalendar& calendar);
  // Working time in [from, to).
  std::int64_t Between(Timestamp from, Timestamp to) const;
  // The time `micros` of working time after `from`; FailedPrecondition when the calendar does
  // not reach it within 20 years.
  absl::StatusOr<Timestamp> Add(Timestamp from, std::int64_t micros) const;
  CalendarId calendar() const { return id_; }

 private:
  struct Span {
    Timestamp from, to;
  };
  // The working spans of the local day `day` (days since 1970-01-01, local).
  void SpansOf(std::int64_t day, std::vector<Span>& out) const;
  std::int64_t DayOf(Timestamp t) const;

  bool always_ = true;
  CalendarId id_ = 0;
  absl::TimeZone zone_;
  std::vector<WorkingHours> hours_;  // sorted by weekday and start
  std::vector<std::int64_t> holidays_;  // local days, sorted
};

// Calendars and policies.
absl::StatusOr<BusinessCalendar> GetCalendar(const Ctx& ctx, CalendarId id);
absl::StatusOr<std::vector<BusinessCalendar>> Calendars(const Ctx& ctx);
absl::StatusOr<BusinessCalendar> CreateCalendar(Ctx& ctx, BusinessCalendar c);
absl::StatusOr<BusinessCalendar> UpdateCalendar(Ctx& ctx, BusinessCalendar c);
absl::Status DeleteCalendar(Ctx& ctx, CalendarId id);
// The clock of a team's tickets: its calendar, else the default one, else around the clock.
absl::StatusOr<Clock> ClockOfTeam(const Ctx& ctx, TeamId team);
absl::StatusOr<std::int64_t> BusinessSeconds(const Ctx& ctx, CalendarId id, Timestamp from, Timestamp to);
absl::StatusOr<Timestamp> AddBusiness(const Ctx& ctx, CalendarId id, Timestamp from, std::int64_t seconds);

absl::StatusOr<SlaPolicy> GetPolicy(const Ctx& ctx, SlaPolicyId id);
absl::StatusOr<std::vector<SlaPolicy>> Policies(const Ctx& ctx);
absl::StatusOr<SlaPolicy> CreatePolicy(Ctx& ctx, SlaPolicy p);
absl::StatusOr<SlaPolicy> UpdatePolicy(Ctx& ctx, SlaPolicy p);
absl::Status DeletePolicy(Ctx& ctx, SlaPolicyId id);

// Sets t.milestones and t.due_at from the policies that apply to it now (completed milestones
// of policies that no longer apply are kept as they were).
absl::Status ApplyPolicies(const Ctx& ctx, Ticket& t);
// Marks open milestones past their deadline at `now` as violated (what reads show).
void MarkViolations(Ticket& t, Timestamp now);
// Whether the ticket's milestone clock runs in `status` under `policy`.
bool Runs(const SlaPolicy& policy, TicketStatus status);
// The metric of the milestone whose deadline is t.due_at.
SlaMetric DueMetric(const Ticket& t);

// Tickets.
absl::StatusOr<Ticket> Get(const Ctx& ctx, TicketId id);  // violations marked
absl::StatusOr<Ticket> Open(Ctx& ctx, Ticket t);
absl::StatusOr<Ticket> Update(Ctx& ctx, Ticket t);
absl::StatusOr<Ticket> SetStatus(Ctx& ctx, TicketId id, TicketStatus status, Timestamp at);
absl::StatusOr<TicketEntry> AddEntry(Ctx& ctx, TicketEntry e);
absl::StatusOr<std::vector<TicketEntry>> Entries(const Ctx& ctx, TicketId id);
absl::StatusOr<Ticket> Rate(Ctx& ctx, TicketId id, std::uint8_t satisfaction, std::string_view comment);
absl::Status Delete(Ctx& ctx, TicketId id);
absl::StatusOr<Ticket> Recompute(Ctx& ctx, TicketId id);
absl::StatusOr<TicketPage> Of(const Ctx& ctx, CustomerId customer, std::string_view page_token, std::size_t limit);
// Every ticket id of a customer, ascending.
absl::StatusOr<std::vector<TicketId>> IdsOf(const Ctx& ctx, CustomerId customer);
// A deleted customer's tickets go with it.
absl::Status ForgetCustomer(Ctx& ctx, CustomerId customer);
// Gives ticket `id` (and its conversation) to customer `to` (merges and unmerges).
absl::Status Reassign(Ctx& ctx, TicketId id, CustomerId to);

absl::StatusOr<TicketDuePage> BreachingSoon(const Ctx& ctx, const TicketDueQuery& q);
absl::StatusOr<ReportTable> Report(const Ctx& ctx, const ServiceReportQuery& q);

// What Verify finds wrong: records that do not decode, tickets of missing customers, index
// entries that do not match their tickets.
absl::StatusOr<std::vector<std::string>> Check(const Ctx& ctx, std::uint64_t* records, std::uint64_t* entries);

}  // namespace crm::tickets
