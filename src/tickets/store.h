// How tickets are kept: the record, sealed with its customer's key, and its index entries.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "crm/ticket.hpp"
#include "model/schema.h"

namespace crm::tickets {

std::string EntryKey(TicketId ticket, Timestamp at, std::uint64_t id);
std::string DueKey(Timestamp due_at, TicketId id);
std::string OpenedKey(Timestamp opened_at, TicketId id);
std::string MirrorKey(CustomerId customer, TicketId id);
// The value of a ticket's ticket_due entry.
std::string DueValue(const Ticket& t);
// The value of its ticket_opened entry.
std::string OpenedValue(const Ticket& t);

// The stored ticket (no violations marked); NotFound naming it.
absl::StatusOr<Ticket> Load(const model::Ctx& ctx, TicketId id);
// Applies the policies to `t` and writes it (and its index entries, replacing `before`'s), and
// records the change.
absl::Status Save(model::Ctx& ctx, const Ticket* before, Ticket& t);
// Removes the index entries of `t`.
absl::Status Unindex(model::Ctx& ctx, const Ticket& t);

}  // namespace crm::tickets
