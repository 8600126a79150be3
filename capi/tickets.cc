// The C ABI: tickets, their conversations, what breaches soon, the service report
// (crm_tickets.h). Calendars and SLA policies are in sla.cc.
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_ticket {
  crm::Ticket v;
};
struct crm_ticket_list {
  std::vector<crm_ticket> v;
  std::string next;
};
struct crm_ticket_entries {
  std::vector<crm::TicketEntry> v;
};
struct crm_ticket_due {
  crm::TicketDuePage v;
};

namespace {

const FieldSet kTicketFields{"a ticket",
                             "crm_ticket",
                             3,
                             17,
                             {CRM_TICKET_SATISFACTION_COMMENT, CRM_TICKET_ID, CRM_TICKET_CREATED_AT, CRM_TICKET_UPDATED_AT,
                              CRM_TICKET_FIRST_RESPONSE_AT, CRM_TICKET_SOLVED_AT, CRM_TICKET_CLOSED_AT,
                              CRM_TICKET_SATISFACTION, CRM_TICKET_DUE_AT, CRM_TICKET_INTERACTION}};

std::string* TicketText(crm::Ticket& t, int field) {
  switch (field) {
    case CRM_TICKET_SUBJECT: return &t.subject;
    case CRM_TICKET_DESCRIPTION: return &t.description;
    default: return &t.satisfaction_comment;
  }
}

int64_t TicketInt(const crm::Ticket& t, int field) {
  switch (field) {
    case CRM_TICKET_ID: return static_cast<int64_t>(t.id);
    case CRM_TICKET_REVISION: return static_cast<int64_t>(t.revision);
    case CRM_TICKET_CREATED_AT: return t.created_at;
    case CRM_TICKET_UPDATED_AT: return t.updated_at;
    case CRM_TICKET_CUSTOMER: return static_cast<int64_t>(t.customer);
    case CRM_TICKET_PRIORITY: return static_cast<int64_t>(t.priority);
    case CRM_TICKET_CHANNEL: return static_cast<int64_t>(t.channel);
    case CRM_TICKET_ASSIGNEE: return static_cast<int64_t>(t.assignee);
    case CRM_TICKET_TEAM: return static_cast<int64_t>(t.team);
    case CRM_TICKET_OPENED_AT: return t.opened_at;
    case CRM_TICKET_STATUS: return static_cast<int64_t>(t.status);
    case CRM_TICKET_FIRST_RESPONSE_AT: return t.first_response_at;
    case CRM_TICKET_SOLVED_AT: return t.solved_at;
    case CRM_TICKET_CLOSED_AT: return t.closed_at;
    case CRM_TICKET_SATISFACTION: return t.satisfaction;
    case CRM_TICKET_DUE_AT: return t.due_at;
    default: return static_cast<int64_t>(t.interaction);
  }
}

int Id(const crm_ticket* t, crm::TicketId* id) {
  if (t == nullptr) return Invalid("t: is NULL");
  if (t->v.id == 0) return Invalid("t: has no CRM_TICKET_ID (open it, or read it, first)");
  *id = t->v.id;
  return CRM_OK;
}

}  // namespace

int crm_ticket_new(crm_ticket** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, crm::Ticket{});
  });
}
int crm_ticket_clone(crm_ticket** out, const crm_ticket* t) {
  return Guard([&] { return Clone(out, t); });
}
void crm_ticket_free(crm_ticket* t) { delete t; }

const char* crm_ticket_text(const crm_ticket* t, int field, size_t* len) {
  return TextOf(kTicketFields, t, field, len,
                [&](const crm::Ticket& v) -> const std::string& { return *TicketText(const_cast<crm::Ticket&>(v), field); });
}

int crm_ticket_set_text(crm_ticket* t, int field, const char* s, size_t len) {
  return Guard([&] {
    if (t == nullptr) return Invalid("t: is NULL");
    if (int rc = CheckField(kTicketFields, field, FieldUse::kWriteText); rc != CRM_OK) return rc;
    return Text(s, len, "value", TicketText(t->v, field));
  });
}

int crm_ticket_get_int(int64_t* out, const crm_ticket* t, int field) { return IntOf(out, kTicketFields, t, field, TicketInt); }
int64_t crm_ticket_int(const crm_ticket* t, int field) { return IntOrZero(kTicketFields, t, field, TicketInt); }

int crm_ticket_set_int(crm_ticket* t, int field, int64_t value) {
  if (t == nullptr) return Invalid("t: is NULL");
  if (int rc = CheckField(kTicketFields, field, FieldUse::kWriteInt); rc != CRM_OK) return rc;
  crm::Ticket& v = t->v;
  switch (field) {
    case CRM_TICKET_PRIORITY:
      if (value < CRM_PRIORITY_LOW || value > CRM_PRIORITY_URGENT) return Invalid("priority: is not a CRM_PRIORITY_* value");
      v.priority = static_cast<crm::TicketPriority>(value);
      return CRM_OK;
    case CRM_TICKET_CHANNEL:
      if (value < CRM_TICKET_CHANNEL_EMAIL || value > CRM_TICKET_CHANNEL_OTHER)
        return Invalid("channel: is not a CRM_TICKET_CHANNEL_* value");
      v.channel = static_cast<crm::TicketChannel>(value);
      return CRM_OK;
    case CRM_TICKET_STATUS:
      if (value < CRM_TICKET_NEW || value > CRM_TICKET_CLOSED) return Invalid("status: is not a CRM_TICKET_* status");
      v.status = static_cast<crm::TicketStatus>(value);
      return CRM_OK;
    case CRM_TICKET_OPENED_AT: v.opened_at = value; return CRM_OK;
    default: break;
  }
  if (value < 0) return Invalid("value: an id or revision is not negative");
  const auto u = static_cast<uint64_t>(value);
  switch (field) {
    case CRM_TICKET_REVISION: v.revision = u; break;
    case CRM_TICKET_CUSTOMER: v.customer = u; break;
    case CRM_TICKET_ASSIGNEE: v.assignee = u; break;
    default: v.team = u; break;
  }
  return CRM_OK;
}

size_t crm_ticket_milestone_count(const crm_ticket* t) { return t == nullptr ? 0 : t->v.milestones.size(); }

int crm_ticket_milestone(const crm_ticket* t, size_t i, int* metric, uint64_t* policy, int64_t* target_minutes,
                         int64_t* due_at, int64_t* completed_at, int* violated, int64_t* elapsed_seconds) {
  if (t == nullptr) return Invalid("t: is NULL");
  if (i >= t->v.milestones.size()) return Fail(CRM_ENOTFOUND, "i: past the last milestone");
  const crm::SlaMilestone& m = t->v.milestones[i];
  Set<int>(metric, static_cast<int>(m.metric));
  Set<uint64_t>(policy, m.policy);
  Set<int64_t>(target_minutes, m.target_minutes);
  Set<int64_t>(due_at, m.due_at);
  Set<int64_t>(completed_at, m.completed_at);
  Set<int>(violated, m.violated ? 1 : 0);
  Set<int64_t>(elapsed_seconds, m.elapsed_seconds);
  return CRM_OK;
}

size_t crm_ticket_history_count(const crm_ticket* t) { return t == nullptr ? 0 : t->v.history.size(); }

int crm_ticket_history(const crm_ticket* t, size_t i, int* status, int64_t* at) {
  if (t == nullptr) return Invalid("t: is NULL");
  if (i >= t->v.history.size()) return Fail(CRM_ENOTFOUND, "i: past the last status change");
  Set<int>(status, static_cast<int>(t->v.history[i].status));
  Set<int64_t>(at, t->v.history[i].at);
  return CRM_OK;
}

int crm_ticket_open(crm_txn* txn, crm_ticket* t) {
  if (t == nullptr) return Invalid("t: is NULL");
  return WriteInto<crm::Ticket>(txn, t, [&](crm::WriteTxn& w) { return w.OpenTicket(t->v); });
}
int crm_ticket_update(crm_txn* txn, crm_ticket* t) {
  if (t == nullptr) return Invalid("t: is NULL");
  return WriteInto<crm::Ticket>(txn, t, [&](crm::WriteTxn& w) { return w.UpdateTicket(t->v); });
}
int crm_ticket_set_status(crm_txn* txn, crm_ticket* t, int status, int64_t at) {
  crm::TicketId id = 0;
  if (int rc = Id(t, &id); rc != CRM_OK) return rc;
  if (status < CRM_TICKET_NEW || status > CRM_TICKET_CLOSED) return Invalid("status: is not a CRM_TICKET_* status");
  return WriteInto<crm::Ticket>(
      txn, t, [&](crm::WriteTxn& w) { return w.SetTicketStatus(id, static_cast<crm::TicketStatus>(status), at); });
}
int crm_ticket_rate(crm_txn* txn, crm_ticket* t, int satisfaction, const char* comment, size_t comment_len) {
  crm::TicketId id = 0;
  if (int rc = Id(t, &id); rc != CRM_OK) return rc;
  if (satisfaction < 1 || satisfaction > 5) return Invalid("satisfaction: is not 1 to 5");
  std::string text;
  if (comment != nullptr || comment_len != 0)
    if (int rc = Guard([&] { return Text(comment, comment_len, "comment", &text); }); rc != CRM_OK) return rc;
  return WriteInto<crm::Ticket>(
      txn, t, [&](crm::WriteTxn& w) { return w.RateTicket(id, static_cast<std::uint8_t>(satisfaction), text); });
}
int crm_ticket_recompute(crm_txn* txn, crm_ticket* t) {
  crm::TicketId id = 0;
  if (int rc = Id(t, &id); rc != CRM_OK) return rc;
  return WriteInto<crm::Ticket>(txn, t, [&](crm::WriteTxn& w) { return w.RecomputeTicketSla(id); });
}
int crm_ticket_delete(crm_txn* txn, uint64_t id) {
  return WriteStatus(txn, [&](crm::WriteTxn& w) { return w.DeleteTicket(id); });
}
int crm_ticket_get(crm_ticket** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::Ticket>(out, txn, [&](crm::ReadTxn& r) { return r.GetTicket(id); });
}

int crm_tickets_of(crm_ticket_list** out, crm_txn* txn, uint64_t customer, size_t limit, const char* page_token,
                   size_t page_token_len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    std::string token;
    if (int rc = TokenArg(page_token, page_token_len, &token); rc != CRM_OK) return rc;
    auto page = ReadOf(txn)->TicketsOf(customer, token, limit);
    if (!page.ok()) return Check(page.status());
    auto* l = new crm_ticket_list{};
    for (crm::Ticket& t : page->tickets) l->v.push_back({std::move(t)});
    l->next = std::move(page->next_page_token);
    *out = l;
    return CRM_OK;
  });
}
size_t crm_ticket_list_size(const crm_ticket_list* l) { return l == nullptr ? 0 : l->v.size(); }
const crm_ticket* crm_ticket_list_at(const crm_ticket_list* l, size_t i) {
  if (l == nullptr || i >= l->v.size()) {
    Fail(CRM_EINVALID, "i: past the last ticket (or l is NULL)");
    return nullptr;
  }
  return &l->v[i];
}
const char* crm_ticket_list_next(const crm_ticket_list* l, size_t* len) {
  static const std::string kEmpty;
  return Out(l == nullptr ? kEmpty : l->next, len);
}
void crm_ticket_list_free(crm_ticket_list* l) { delete l; }

int crm_ticket_entry_add(uint64_t* id, crm_txn* txn, uint64_t ticket, int author_kind, uint64_t author, int64_t at,
                         const char* body, size_t body_len) {
  return Guard([&] {
    Set<uint64_t>(id, 0);
    if (author_kind < CRM_AUTHOR_CUSTOMER || author_kind > CRM_AUTHOR_NOTE)
      return Invalid("author_kind: is not a CRM_AUTHOR_* value");
    crm::TicketEntry e;
    e.ticket = ticket;
    e.author_kind = static_cast<crm::TicketAuthor>(author_kind);
    e.author = author;
    e.at = at;
    if (int rc = Text(body, body_len, "body", &e.body); rc != CRM_OK) return rc;
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    auto added = txn->write->AddTicketEntry(e);
    if (!added.ok()) return CheckIn(txn, added.status());
    Set<uint64_t>(id, added->id);
    return CRM_OK;
  });
}

int crm_ticket_entries_list(crm_ticket_entries** out, crm_txn* txn, uint64_t ticket) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto all = ReadOf(txn)->TicketEntries(ticket);
    if (!all.ok()) return Check(all.status());
    *out = new crm_ticket_entries{*std::move(all)};
    return CRM_OK;
  });
}
size_t crm_ticket_entries_count(const crm_ticket_entries* e) { return e == nullptr ? 0 : e->v.size(); }
int crm_ticket_entries_item(const crm_ticket_entries* e, size_t i, uint64_t* id, int* author_kind, uint64_t* author,
                            int64_t* at, const char** body, size_t* body_len) {
  if (e == nullptr) return Invalid("e: is NULL");
  if (i >= e->v.size()) return Fail(CRM_ENOTFOUND, "i: past the last entry");
  const crm::TicketEntry& x = e->v[i];
  Set<uint64_t>(id, x.id);
  Set<int>(author_kind, static_cast<int>(x.author_kind));
  Set<uint64_t>(author, x.author);
  Set<int64_t>(at, x.at);
  if (body != nullptr) *body = x.body.c_str();
  Set(body_len, x.body.size());
  return CRM_OK;
}
void crm_ticket_entries_free(crm_ticket_entries* e) { delete e; }

int crm_tickets_breaching(crm_ticket_due** out, crm_txn* txn, int64_t before, uint64_t team, uint64_t assignee,
                          size_t limit, const char* page_token, size_t page_token_len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::TicketDueQuery q;
    q.before = before;
    q.team = team;
    q.assignee = assignee;
    q.limit = limit;
    if (int rc = TokenArg(page_token, page_token_len, &q.page_token); rc != CRM_OK) return rc;
    auto page = ReadOf(txn)->TicketsBreachingSoon(q);
    if (!page.ok()) return Check(page.status());
    *out = new crm_ticket_due{*std::move(page)};
    return CRM_OK;
  });
}
size_t crm_ticket_due_count(const crm_ticket_due* d) { return d == nullptr ? 0 : d->v.tickets.size(); }
int crm_ticket_due_item(const crm_ticket_due* d, size_t i, uint64_t* ticket, int64_t* due_at, int* metric, int* status,
                        int* priority, uint64_t* team, uint64_t* assignee) {
  if (d == nullptr) return Invalid("d: is NULL");
  if (i >= d->v.tickets.size()) return Fail(CRM_ENOTFOUND, "i: past the last ticket");
  const crm::TicketDue& x = d->v.tickets[i];
  Set<uint64_t>(ticket, x.ticket);
  Set<int64_t>(due_at, x.due_at);
  Set<int>(metric, static_cast<int>(x.metric));
  Set<int>(status, static_cast<int>(x.status));
  Set<int>(priority, static_cast<int>(x.priority));
  Set<uint64_t>(team, x.team);
  Set<uint64_t>(assignee, x.assignee);
  return CRM_OK;
}
const char* crm_ticket_due_next(const crm_ticket_due* d, size_t* len) {
  static const std::string kEmpty;
  return Out(d == nullptr ? kEmpty : d->v.next_page_token, len);
}
void crm_ticket_due_free(crm_ticket_due* d) { delete d; }

int crm_service_report(crm_report** out, crm_txn* txn, int64_t from, int64_t to) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto table = ReadOf(txn)->ServiceReport(crm::ServiceReportQuery{from, to});
    if (!table.ok()) return Check(table.status());
    *out = new crm_report{*std::move(table)};
    return CRM_OK;
  });
}
