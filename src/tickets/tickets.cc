// Ticket records (crm/ticket.hpp): open, update, status, conversation, rating, delete.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "changes/changes.h"
#include "codec/key.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "interactions/interactions.h"
#include "tickets/store.h"
#include "tickets/tickets.h"
#include "users/users.h"

namespace crm {

namespace {
constexpr std::string_view kStatusNames[] = {"", "new", "open", "pending", "on_hold", "solved", "closed"};
constexpr std::string_view kPriorityNames[] = {"", "low", "normal", "high", "urgent"};
constexpr std::string_view kChannelNames[] = {"", "email", "phone", "web", "chat", "other"};
constexpr std::string_view kAuthorNames[] = {"", "customer", "agent", "note"};

template <std::size_t N>
std::string_view NameIn(const std::string_view (&names)[N], std::size_t i) {
  return i > 0 && i < N ? names[i] : "unknown";
}
template <class E, std::size_t N>
std::optional<E> ParseIn(const std::string_view (&names)[N], std::string_view name) {
  for (std::size_t i = 1; i < N; ++i)
    if (names[i] == name) return static_cast<E>(i);
  return std::nullopt;
}
}  // namespace

std::string_view TicketStatusName(TicketStatus s) { return NameIn(kStatusNames, static_cast<std::size_t>(s)); }
std::optional<TicketStatus> ParseTicketStatus(std::string_view n) { return ParseIn<TicketStatus>(kStatusNames, n); }
std::string_view TicketPriorityName(TicketPriority p) { return NameIn(kPriorityNames, static_cast<std::size_t>(p)); }
std::optional<TicketPriority> ParseTicketPriority(std::string_view n) {
  return ParseIn<TicketPriority>(kPriorityNames, n);
}
std::string_view TicketChannelName(TicketChannel c) { return NameIn(kChannelNames, static_cast<std::size_t>(c)); }
std::optional<TicketChannel> ParseTicketChannel(std::string_view n) { return ParseIn<TicketChannel>(kChannelNames, n); }
std::string_view TicketAuthorName(TicketAuthor a) { return NameIn(kAuthorNames, static_cast<std::size_t>(a)); }
std::optional<TicketAuthor> ParseTicketAuthor(std::string_view n) { return ParseIn<TicketAuthor>(kAuthorNames, n); }

}  // namespace crm

namespace crm::tickets {
namespace {

constexpr char kTicketSequence[] = "seq.ticket";
constexpr char kEntrySequence[] = "seq.ticket_entry";
constexpr std::size_t kSubjectBytes = 400;
constexpr std::size_t kBodyBytes = 64 * 1024;
constexpr std::size_t kCommentBytes = 4096;
constexpr std::size_t kMaxHistory = 1000;
constexpr Timestamp kTwentyYears = 20LL * 366 * 86'400'000'000LL;

bool Done(TicketStatus s) { return s == TicketStatus::kSolved || s == TicketStatus::kClosed; }

absl::Status CheckWhen(const char* field, Timestamp at, Timestamp now) {
  if (auto s = model::CheckTime(field, at); !s.ok()) return s;
  if (at > now) return model::Invalid(field, "is in the future");
  if (at < now - kTwentyYears) return model::Invalid(field, "is more than 20 years ago");
  return absl::OkStatus();
}

// The fields a caller sets.
absl::Status Normalize(const Ctx& ctx, Ticket& t) {
  model::Trim(t.subject);
  if (auto s = model::CheckRequiredText("subject", t.subject, kSubjectBytes); !s.ok()) return s;
  if (auto s = model::CheckText("description", t.description, kBodyBytes, true); !s.ok()) return s;
  if (t.priority < TicketPriority::kLow || t.priority > TicketPriority::kUrgent)
    return model::Invalid("priority", "is not low, normal, high or urgent");
  if (t.channel < TicketChannel::kEmail || t.channel > TicketChannel::kOther)
    return model::Invalid("channel", "is not email, phone, web, chat or other");
  if (t.assignee != 0) {
    auto u = users::Get(ctx, t.assignee);
    if (absl::IsNotFound(u.status())) return model::Invalid("assignee", absl::StrCat("user ", t.assignee, " does not exist"));
    if (!u.ok()) return u.status();
  }
  if (t.team != 0) {
    auto team = users::GetTeam(ctx, t.team);
    if (absl::IsNotFound(team.status())) return model::Invalid("team", absl::StrCat("team ", t.team, " does not exist"));
    if (!team.ok()) return team.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<TicketEntry> LoadEntry(std::string_view key, std::string_view value, const Ctx& ctx) {
  codec::KeyReader r(key);
  const auto ticket = r.U64();
  const auto at = r.I64();
  const auto id = r.U64();
  if (!ticket || !at || !id || !r.done()) return absl::DataLossError("ticket entries: a key is damaged");
  TicketEntry e;
  if (auto s = codec::Decode(value, codec::RecordType::kTicketEntry, {"ticket entry", *id}, e, ctx.sealing); !s.ok())
    return s;
  if (e.id != *id || e.ticket != *ticket || e.at != *at)
    return absl::DataLossError(absl::StrCat("ticket entry ", *id, ": the stored record does not match its key"));
  return e;
}

absl::Status PutEntry(Ctx& ctx, const TicketEntry& e, CustomerId owner) {
  std::string value;
  if (auto s = codec::Encode(codec::RecordType::kTicketEntry, e, owner, e.id, ctx.sealing, value); !s.ok()) return s;
  return ctx.txn.Put(ctx.schema.ticket_entries, EntryKey(e.ticket, e.at, e.id), value);
}

// Every entry of a ticket, in key order.
absl::StatusOr<std::vector<TicketEntry>> AllEntries(const Ctx& ctx, TicketId id) {
  std::vector<TicketEntry> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.ticket_entries, codec::EncodeU64(id), {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 auto e = LoadEntry(key, value, ctx);
                                 if (!e.ok()) return e.status();
                                 out.push_back(*std::move(e));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

// Removes the ticket, its entries and its index entries (not its timeline entry).
absl::Status Remove(Ctx& ctx, const Ticket& t) {
  std::vector<std::string> keys;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.ticket_entries, codec::EncodeU64(t.id), {},
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 keys.emplace_back(key);
                                 return true;
                               });
  if (!s.ok()) return s;
  for (const std::string& k : keys)
    if (auto d = ctx.txn.Del(ctx.schema.ticket_entries, k); !d.ok()) return d.status();
  if (auto d = Unindex(ctx, t); !d.ok()) return d;
  if (auto d = ctx.txn.Del(ctx.schema.tickets, codec::EncodeU64(t.id)); !d.ok()) return d.status();
  return changes::Record(ctx, EntityType::kTicket, t.id, ChangeOp::kDelete, changes::Flatten(t), {}, t.customer);
}

}  // namespace

absl::Status NeedTables(const Ctx& ctx) {
  if (ctx.schema.tickets == model::kAbsentTable)
    return absl::FailedPreconditionError("this database predates tickets (schema 18): open it writable once to upgrade it");
  return absl::OkStatus();
}

absl::StatusOr<Ticket> Get(const Ctx& ctx, TicketId id) {
  auto t = Load(ctx, id);
  if (!t.ok()) return t;
  MarkViolations(*t, ctx.now);
  return t;
}

absl::StatusOr<Ticket> Open(Ctx& ctx, Ticket t) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (t.customer == 0) return model::Invalid("customer", "a ticket needs its customer");
  auto customer = customers::Get(ctx, t.customer);
  if (absl::IsNotFound(customer.status()))
    return absl::NotFoundError(absl::StrCat("customer: customer ", t.customer, " does not exist"));
  if (!customer.ok()) return customer.status();
  if (auto s = Normalize(ctx, t); !s.ok()) return s;
  if (t.status != TicketStatus::kNew && t.status != TicketStatus::kOpen)
    return model::Invalid("status", "a ticket opens as new or open");
  if (t.opened_at == 0) t.opened_at = ctx.now;
  if (auto s = CheckWhen("opened_at", t.opened_at, ctx.now); !s.ok()) return s;
  t.first_response_at = t.solved_at = t.closed_at = 0;
  t.satisfaction = 0;
  t.satisfaction_comment.clear();
  t.history = {TicketStatusChange{t.status, t.opened_at}};
  t.milestones.clear();
  auto id = model::NextId(ctx, kTicketSequence);
  if (!id.ok()) return id.status();
  t.id = *id;
  model::StampCreated(t, ctx.now);
  Interaction logged;
  logged.customer = t.customer;
  logged.kind = InteractionKind::kSupportTicket;
  logged.direction = Direction::kInbound;
  logged.occurred_at = t.opened_at;
  logged.subject = absl::StrCat("Ticket ", t.id, ": ", t.subject);
  logged.body = t.description;
  auto written = interactions::Log(ctx, std::move(logged));
  if (!written.ok()) return written.status();
  t.interaction = written->id;
  if (auto s = Save(ctx, nullptr, t); !s.ok()) return s;
  return t;
}

absl::StatusOr<Ticket> Update(Ctx& ctx, Ticket t) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (t.id == 0) return absl::InvalidArgumentError("id: an update needs the id of the ticket");
  auto before = Load(ctx, t.id);
  if (!before.ok()) return before.status();
  if (auto s = model::CheckRevision("ticket", t.id, before->revision, t.revision); !s.ok()) return s;
  if (t.customer != 0 && t.customer != before->customer)
    return model::Invalid("customer", "is fixed once a ticket is opened");
  if (auto s = Normalize(ctx, t); !s.ok()) return s;
  Ticket next = *before;
  next.subject = std::move(t.subject);
  next.description = std::move(t.description);
  next.priority = t.priority;
  next.channel = t.channel;
  next.assignee = t.assignee;
  next.team = t.team;
  model::StampTouched(next, ctx.now);
  if (auto s = Save(ctx, &*before, next); !s.ok()) return s;
  MarkViolations(next, ctx.now);
  return next;
}

absl::StatusOr<Ticket> SetStatus(Ctx& ctx, TicketId id, TicketStatus status, Timestamp at) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (status < TicketStatus::kNew || status > TicketStatus::kClosed)
    return model::Invalid("status", "is not new, open, pending, on_hold, solved or closed");
  auto before = Load(ctx, id);
  if (!before.ok()) return before.status();
  if (before->status == TicketStatus::kClosed)
    return absl::FailedPreconditionError(absl::StrCat("ticket ", id, " is closed: open a new ticket instead"));
  if (at == 0) at = ctx.now;
  if (auto s = CheckWhen("at", at, ctx.now); !s.ok()) return s;
  if (!before->history.empty() && at < before->history.back().at)
    return model::Invalid("at", absl::StrCat("is before the ticket's last status change (",
                                             changes::TimeText(before->history.back().at), ")"));
  Ticket t = *before;
  if (status == t.status) {
    MarkViolations(t, ctx.now);
    return t;
  }
  if (t.history.size() >= kMaxHistory)
    return absl::FailedPreconditionError(absl::StrCat("ticket ", id, " has changed status ", kMaxHistory,
                                                      " times: open a new ticket"));
  t.history.push_back(TicketStatusChange{status, at});
  if (Done(status) && !Done(t.status)) t.solved_at = at;
  if (!Done(status)) t.solved_at = 0;
  if (status == TicketStatus::kClosed) t.closed_at = at;
  t.status = status;
  model::StampTouched(t, ctx.now);
  if (auto s = Save(ctx, &*before, t); !s.ok()) return s;
  MarkViolations(t, ctx.now);
  return t;
}

absl::StatusOr<TicketEntry> AddEntry(Ctx& ctx, TicketEntry e) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (e.author_kind < TicketAuthor::kCustomer || e.author_kind > TicketAuthor::kNote)
    return model::Invalid("author_kind", "is not customer, agent or note");
  auto before = Load(ctx, e.ticket);
  if (!before.ok()) return before.status();
  if (e.author != 0) {
    auto u = users::Get(ctx, e.author);
    if (absl::IsNotFound(u.status())) return model::Invalid("author", absl::StrCat("user ", e.author, " does not exist"));
    if (!u.ok()) return u.status();
  }
  if (e.body.empty()) return model::Invalid("body", "must not be empty");
  if (auto s = model::CheckText("body", e.body, kBodyBytes, true); !s.ok()) return s;
  if (e.at == 0) e.at = ctx.now;
  if (auto s = CheckWhen("at", e.at, ctx.now); !s.ok()) return s;
  if (e.at < before->opened_at)
    return model::Invalid("at", absl::StrCat("is before the ticket was opened (", changes::TimeText(before->opened_at), ")"));
  auto id = model::NextId(ctx, kEntrySequence);
  if (!id.ok()) return id.status();
  e.id = *id;
  if (auto s = PutEntry(ctx, e, before->customer); !s.ok()) return s;
  if (e.author_kind == TicketAuthor::kAgent && (before->first_response_at == 0 || e.at < before->first_response_at)) {
    Ticket t = *before;
    t.first_response_at = e.at;
    model::StampTouched(t, ctx.now);
    if (auto s = Save(ctx, &*before, t); !s.ok()) return s;
  }
  return e;
}

absl::StatusOr<std::vector<TicketEntry>> Entries(const Ctx& ctx, TicketId id) {
  if (auto t = Load(ctx, id); !t.ok()) return t.status();
  return AllEntries(ctx, id);
}

absl::StatusOr<Ticket> Rate(Ctx& ctx, TicketId id, std::uint8_t satisfaction, std::string_view comment) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (satisfaction < 1 || satisfaction > 5) return model::Invalid("satisfaction", "is not 1 to 5");
  std::string text(comment);
  model::Trim(text);
  if (auto s = model::CheckText("comment", text, kCommentBytes, true); !s.ok()) return s;
  auto before = Load(ctx, id);
  if (!before.ok()) return before.status();
  if (!Done(before->status))
    return absl::FailedPreconditionError(absl::StrCat("ticket ", id, " is ", Av(TicketStatusName(before->status)),
                                                      ": a ticket is rated once solved or closed"));
  Ticket t = *before;
  t.satisfaction = satisfaction;
  t.satisfaction_comment = std::move(text);
  model::StampTouched(t, ctx.now);
  if (auto s = Save(ctx, &*before, t); !s.ok()) return s;
  MarkViolations(t, ctx.now);
  return t;
}

absl::Status Delete(Ctx& ctx, TicketId id) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto t = Load(ctx, id);
  if (!t.ok()) return t.status();
  if (t->interaction != 0)
    if (auto s = interactions::Delete(ctx, t->interaction); !s.ok() && !absl::IsNotFound(s)) return s;
  return Remove(ctx, *t);
}

absl::StatusOr<Ticket> Recompute(Ctx& ctx, TicketId id) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto before = Load(ctx, id);
  if (!before.ok()) return before.status();
  Ticket t = *before;
  model::StampTouched(t, ctx.now);
  if (auto s = Save(ctx, &*before, t); !s.ok()) return s;
  MarkViolations(t, ctx.now);
  return t;
}

absl::StatusOr<std::vector<TicketId>> IdsOf(const Ctx& ctx, CustomerId customer) {
  if (ctx.schema.customer_ticket == model::kAbsentTable) return std::vector<TicketId>{};
  return model::IdsWithPrefix(ctx, ctx.schema.customer_ticket, codec::EncodeU64(customer));
}

absl::Status ForgetCustomer(Ctx& ctx, CustomerId customer) {
  auto ids = IdsOf(ctx, customer);
  if (!ids.ok()) return ids.status();
  for (TicketId id : *ids) {
    auto t = Load(ctx, id);
    if (!t.ok()) return t.status();
    if (auto s = Remove(ctx, *t); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Reassign(Ctx& ctx, TicketId id, CustomerId to) {
  auto before = Load(ctx, id);
  if (!before.ok()) return before.status();
  if (before->customer == to) return absl::OkStatus();
  auto entries = AllEntries(ctx, id);
  if (!entries.ok()) return entries.status();
  for (const TicketEntry& e : *entries)  // sealed again, with the new customer's key
    if (auto s = PutEntry(ctx, e, to); !s.ok()) return s;
  Ticket t = *before;
  t.customer = to;
  model::StampTouched(t, ctx.now);
  return Save(ctx, &*before, t);
}

}  // namespace crm::tickets
