// Ticket records and their index entries (tickets/store.h).
#include "tickets/store.h"

#include "absl/strings/str_cat.h"
#include "changes/changes.h"
#include "codec/key.h"
#include "tickets/tickets.h"

namespace crm::tickets {

std::string EntryKey(TicketId ticket, Timestamp at, std::uint64_t id) {
  return codec::KeyBuilder().U64(ticket).I64(at).U64(id).Take();
}
std::string DueKey(Timestamp due_at, TicketId id) { return codec::KeyBuilder().I64(due_at).U64(id).Take(); }
std::string OpenedKey(Timestamp opened_at, TicketId id) { return codec::KeyBuilder().I64(opened_at).U64(id).Take(); }
std::string MirrorKey(CustomerId customer, TicketId id) { return codec::KeyBuilder().U64(customer).U64(id).Take(); }

std::string DueValue(const Ticket& t) {
  return codec::KeyBuilder()
      .U8(static_cast<std::uint8_t>(DueMetric(t)))
      .U8(static_cast<std::uint8_t>(t.status))
      .U8(static_cast<std::uint8_t>(t.priority))
      .U64(t.team)
      .U64(t.assignee)
      .Take();
}

std::string OpenedValue(const Ticket& t) { return codec::EncodeU64(t.team); }

absl::StatusOr<Ticket> Load(const model::Ctx& ctx, TicketId id) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  return model::Get<Ticket>(ctx, kTicketKind, id);
}

absl::Status Unindex(model::Ctx& ctx, const Ticket& t) {
  if (t.due_at != 0)
    if (auto d = ctx.txn.Del(ctx.schema.ticket_due, DueKey(t.due_at, t.id)); !d.ok()) return d.status();
  if (auto d = ctx.txn.Del(ctx.schema.ticket_opened, OpenedKey(t.opened_at, t.id)); !d.ok()) return d.status();
  if (auto d = ctx.txn.Del(ctx.schema.customer_ticket, MirrorKey(t.customer, t.id)); !d.ok()) return d.status();
  return absl::OkStatus();
}

absl::Status Save(model::Ctx& ctx, const Ticket* before, Ticket& t) {
  // Reads mark open milestones violated as of their time; the record keeps what completion decided.
  for (SlaMilestone& m : t.milestones)
    if (m.completed_at == 0) m.violated = false;
  if (auto s = ApplyPolicies(ctx, t); !s.ok()) return s;
  if (before != nullptr)
    if (auto s = Unindex(ctx, *before); !s.ok()) return s;
  std::string value;
  if (auto s = codec::Encode(kTicketKind.type, t, t.customer, t.id, ctx.sealing, value); !s.ok()) return s;
  if (auto s = ctx.txn.Put(ctx.schema.tickets, codec::EncodeU64(t.id), value); !s.ok()) return s;
  if (t.due_at != 0)
    if (auto s = ctx.txn.Put(ctx.schema.ticket_due, DueKey(t.due_at, t.id), DueValue(t)); !s.ok()) return s;
  if (auto s = ctx.txn.Put(ctx.schema.ticket_opened, OpenedKey(t.opened_at, t.id), OpenedValue(t)); !s.ok()) return s;
  if (auto s = ctx.txn.Put(ctx.schema.customer_ticket, MirrorKey(t.customer, t.id), {}); !s.ok()) return s;
  return changes::Record(ctx, EntityType::kTicket, t.id, before == nullptr ? ChangeOp::kCreate : ChangeOp::kUpdate,
                         before == nullptr ? changes::Fields{} : changes::Flatten(*before), changes::Flatten(t),
                         t.customer);
}

}  // namespace crm::tickets
