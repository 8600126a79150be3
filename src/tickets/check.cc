// What Verify checks of tickets (tickets::Check).
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "codec/key.h"
#include "tickets/store.h"
#include "tickets/tickets.h"

namespace crm::tickets {
namespace {

// How many entries `table` has, each passed to `fn`.
absl::StatusOr<std::uint64_t> Count(const Ctx& ctx, storage::Table table,
                                    absl::FunctionRef<void(std::string_view, std::string_view)> fn) {
  std::uint64_t n = 0;
  auto s = storage::ScanPrefix(ctx.txn, table, {}, {}, [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
    ++n;
    fn(key, value);
    return true;
  });
  if (!s.ok()) return s;
  return n;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> Check(const Ctx& ctx, std::uint64_t* records, std::uint64_t* entries) {
  std::vector<std::string> problems;
  if (ctx.schema.tickets == model::kAbsentTable) return problems;
  absl::flat_hash_set<TicketId> ids;
  std::uint64_t due = 0;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.tickets, {}, {}, [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
    ++*records;
    const std::uint64_t id = key.size() == 8 ? codec::GetBigEndian64(key.data()) : 0;
    Ticket t;
    if (auto st = codec::Decode(value, kTicketKind.type, {"ticket", id}, t, ctx.sealing); !st.ok()) {
      problems.emplace_back(st.message());
      return true;
    }
    if (t.id != id || id == 0) {
      problems.push_back(absl::StrCat("ticket ", id, ": the stored record holds id ", t.id));
      return true;
    }
    ids.insert(id);
    std::string_view found;
    auto c = ctx.txn.Get(ctx.schema.customers, codec::EncodeU64(t.customer), &found);
    if (!c.ok()) return c.status();
    if (!*c) problems.push_back(absl::StrCat("ticket ", id, ": its customer ", t.customer, " does not exist"));
    const std::pair<storage::Table, std::string> expected[] = {
        {ctx.schema.customer_ticket, MirrorKey(t.customer, id)},
        {ctx.schema.ticket_opened, OpenedKey(t.opened_at, id)},
        {t.due_at != 0 ? ctx.schema.ticket_due : model::kAbsentTable, DueKey(t.due_at, id)}};
    for (const auto& [table, k] : expected) {
      if (table == model::kAbsentTable) continue;
      auto e = ctx.txn.Get(table, k, &found);
      if (!e.ok()) return e.status();
      if (!*e) problems.push_back(absl::StrCat("ticket ", id, ": an index entry is missing"));
    }
    if (t.due_at != 0) ++due;
    return true;
  });
  if (!s.ok()) return s;
  const std::pair<storage::Table, std::uint64_t> indexes[] = {
      {ctx.schema.customer_ticket, ids.size()}, {ctx.schema.ticket_opened, ids.size()}, {ctx.schema.ticket_due, due}};
  for (const auto& [table, want] : indexes) {
    auto n = Count(ctx, table, [](std::string_view, std::string_view) {});
    if (!n.ok()) return n.status();
    *entries += *n;
    if (*n != want)
      problems.push_back(absl::StrCat("tickets: an index has ", *n, " entries for ", want, " tickets"));
  }
  auto n = Count(ctx, ctx.schema.ticket_entries, [&](std::string_view key, std::string_view) {
    const TicketId ticket = key.size() >= 8 ? codec::GetBigEndian64(key.data()) : 0;
    if (!ids.contains(ticket)) problems.push_back(absl::StrCat("ticket entries: an entry of ticket ", ticket, ", which does not exist"));
  });
  if (!n.ok()) return n.status();
  *records += *n;
  return problems;
}

}  // namespace crm::tickets
