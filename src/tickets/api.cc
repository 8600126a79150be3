// The transaction operations of tickets, as declared in crm/ticket.hpp (core/txn.h).
#include "crm/ticket.hpp"

#include "core/txn.h"
#include "tickets/tickets.h"

namespace crm {

absl::StatusOr<Ticket> TicketReads::GetTicket(TicketId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return tickets::Get(c, id); });
}
absl::StatusOr<TicketPage> TicketReads::TicketsOf(CustomerId customer, std::string_view page_token,
                                                  std::size_t limit) const {
  return core::Query(this, [&](const model::Ctx& c) { return tickets::Of(c, customer, page_token, limit); });
}
absl::StatusOr<std::vector<TicketEntry>> TicketReads::TicketEntries(TicketId ticket) const {
  return core::Query(this, [&](const model::Ctx& c) { return tickets::Entries(c, ticket); });
}
absl::StatusOr<TicketDuePage> TicketReads::TicketsBreachingSoon(const TicketDueQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return tickets::BreachingSoon(c, query); });
}
absl::StatusOr<ReportTable> TicketReads::ServiceReport(const ServiceReportQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return tickets::Report(c, query); });
}
absl::StatusOr<BusinessCalendar> TicketReads::GetCalendar(CalendarId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return tickets::GetCalendar(c, id); });
}
absl::StatusOr<std::vector<BusinessCalendar>> TicketReads::ListCalendars() const {
  return core::Query(this, [&](const model::Ctx& c) { return tickets::Calendars(c); });
}
absl::StatusOr<SlaPolicy> TicketReads::GetSlaPolicy(SlaPolicyId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return tickets::GetPolicy(c, id); });
}
absl::StatusOr<std::vector<SlaPolicy>> TicketReads::ListSlaPolicies() const {
  return core::Query(this, [&](const model::Ctx& c) { return tickets::Policies(c); });
}
absl::StatusOr<std::int64_t> TicketReads::BusinessSecondsBetween(CalendarId calendar, Timestamp from, Timestamp to) const {
  return core::Query(this, [&](const model::Ctx& c) { return tickets::BusinessSeconds(c, calendar, from, to); });
}
absl::StatusOr<Timestamp> TicketReads::AddBusinessSeconds(CalendarId calendar, Timestamp from, std::int64_t seconds) const {
  return core::Query(this, [&](const model::Ctx& c) { return tickets::AddBusiness(c, calendar, from, seconds); });
}

absl::StatusOr<Ticket> TicketWrites::OpenTicket(const Ticket& ticket) {
  return core::Mutate(this, [&](model::Ctx& c) { return tickets::Open(c, ticket); });
}
absl::StatusOr<Ticket> TicketWrites::UpdateTicket(const Ticket& ticket) {
  return core::Mutate(this, [&](model::Ctx& c) { return tickets::Update(c, ticket); });
}
absl::StatusOr<Ticket> TicketWrites::SetTicketStatus(TicketId id, TicketStatus status, Timestamp at) {
  return core::Mutate(this, [&](model::Ctx& c) { return tickets::SetStatus(c, id, status, at); });
}
absl::StatusOr<TicketEntry> TicketWrites::AddTicketEntry(const TicketEntry& entry) {
  return core::Mutate(this, [&](model::Ctx& c) { return tickets::AddEntry(c, entry); });
}
absl::StatusOr<Ticket> TicketWrites::RateTicket(TicketId id, std::uint8_t satisfaction, std::string_view comment) {
  return core::Mutate(this, [&](model::Ctx& c) { return tickets::Rate(c, id, satisfaction, comment); });
}
absl::Status TicketWrites::DeleteTicket(TicketId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return tickets::Delete(c, id); }, core::Growth::kRemoves);
}
absl::StatusOr<Ticket> TicketWrites::RecomputeTicketSla(TicketId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return tickets::Recompute(c, id); });
}
absl::StatusOr<BusinessCalendar> TicketWrites::CreateCalendar(const BusinessCalendar& calendar) {
  return core::Mutate(this, [&](model::Ctx& c) { return tickets::CreateCalendar(c, calendar); });
}
absl::StatusOr<BusinessCalendar> TicketWrites::UpdateCalendar(const BusinessCalendar& calendar) {
  return core::Mutate(this, [&](model::Ctx& c) { return tickets::UpdateCalendar(c, calendar); });
}
absl::Status TicketWrites::DeleteCalendar(CalendarId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return tickets::DeleteCalendar(c, id); }, core::Growth::kRemoves);
}
absl::StatusOr<SlaPolicy> TicketWrites::CreateSlaPolicy(const SlaPolicy& policy) {
  return core::Mutate(this, [&](model::Ctx& c) { return tickets::CreatePolicy(c, policy); });
}
absl::StatusOr<SlaPolicy> TicketWrites::UpdateSlaPolicy(const SlaPolicy& policy) {
  return core::Mutate(this, [&](model::Ctx& c) { return tickets::UpdatePolicy(c, policy); });
}
absl::Status TicketWrites::DeleteSlaPolicy(SlaPolicyId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return tickets::DeletePolicy(c, id); }, core::Growth::kRemoves);
}

}  // namespace crm
