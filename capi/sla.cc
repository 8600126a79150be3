// The C ABI: business calendars and SLA policies (crm_tickets.h).
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_calendar {
  crm::BusinessCalendar v;
};
struct crm_calendar_list {
  std::vector<crm_calendar> v;
};
struct crm_sla_policy {
  crm::SlaPolicy v;
};
struct crm_sla_policy_list {
  std::vector<crm_sla_policy> v;
};

namespace {

const FieldSet kCalendarFields{"a calendar", "crm_calendar", 2, 5,
                               {CRM_CALENDAR_ID, CRM_CALENDAR_CREATED_AT, CRM_CALENDAR_UPDATED_AT}};
const FieldSet kPolicyFields{"an SLA policy", "crm_sla_policy", 2, 10, {CRM_SLA_ID, CRM_SLA_CREATED_AT, CRM_SLA_UPDATED_AT}};

int64_t CalendarInt(const crm::BusinessCalendar& c, int field) {
  switch (field) {
    case CRM_CALENDAR_ID: return static_cast<int64_t>(c.id);
    case CRM_CALENDAR_REVISION: return static_cast<int64_t>(c.revision);
    case CRM_CALENDAR_CREATED_AT: return c.created_at;
    case CRM_CALENDAR_UPDATED_AT: return c.updated_at;
    default: return static_cast<int64_t>(c.team);
  }
}

// A set of small enum values as a bit mask (bit n for value n), and back.
template <class E>
int64_t MaskOf(const std::vector<E>& values) {
  int64_t mask = 0;
  for (E e : values) mask |= int64_t{1} << static_cast<int>(e);
  return mask;
}
template <class E>
int FromMask(int64_t mask, int lo, int hi, const char* what, std::vector<E>* out) {
  if (mask < 0 || (mask & ~(((int64_t{1} << (hi + 1)) - 1) & ~((int64_t{1} << lo) - 1))) != 0)
    return Fail(CRM_EINVALID, std::string(what) + ": has a bit for no value (bits " + std::to_string(lo) + " to " +
                                  std::to_string(hi) + ")");
  out->clear();
  for (int v = lo; v <= hi; ++v)
    if ((mask >> v) & 1) out->push_back(static_cast<E>(v));
  return CRM_OK;
}

int64_t PolicyInt(const crm::SlaPolicy& p, int field) {
  switch (field) {
    case CRM_SLA_ID: return static_cast<int64_t>(p.id);
    case CRM_SLA_REVISION: return static_cast<int64_t>(p.revision);
    case CRM_SLA_CREATED_AT: return p.created_at;
    case CRM_SLA_UPDATED_AT: return p.updated_at;
    case CRM_SLA_ACTIVE: return p.active ? 1 : 0;
    case CRM_SLA_FIRST_RESPONSE_MINUTES: return p.first_response_minutes;
    case CRM_SLA_RESOLUTION_MINUTES: return p.resolution_minutes;
    case CRM_SLA_PRIORITIES: return MaskOf(p.priorities);
    case CRM_SLA_CHANNELS: return MaskOf(p.channels);
    default: return MaskOf(p.pause_statuses);
  }
}

template <class List, class Item>
const Item* At(const List* l, size_t i, const char* what) {
  if (l == nullptr || i >= l->v.size()) {
    Fail(CRM_EINVALID, std::string("i: past the last ") + what + " (or l is NULL)");
    return nullptr;
  }
  return &l->v[i];
}

}  // namespace

int crm_calendar_new(crm_calendar** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, crm::BusinessCalendar{});
  });
}
int crm_calendar_clone(crm_calendar** out, const crm_calendar* c) {
  return Guard([&] { return Clone(out, c); });
}
void crm_calendar_free(crm_calendar* c) { delete c; }

const char* crm_calendar_text(const crm_calendar* c, int field, size_t* len) {
  return TextOf(kCalendarFields, c, field, len, [&](const crm::BusinessCalendar& v) -> const std::string& {
    return field == CRM_CALENDAR_NAME ? v.name : v.time_zone;
  });
}
int crm_calendar_set_text(crm_calendar* c, int field, const char* s, size_t len) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    if (int rc = CheckField(kCalendarFields, field, FieldUse::kWriteText); rc != CRM_OK) return rc;
    return Text(s, len, "value", field == CRM_CALENDAR_NAME ? &c->v.name : &c->v.time_zone);
  });
}
int crm_calendar_get_int(int64_t* out, const crm_calendar* c, int field) {
  return IntOf(out, kCalendarFields, c, field, CalendarInt);
}
int64_t crm_calendar_int(const crm_calendar* c, int field) { return IntOrZero(kCalendarFields, c, field, CalendarInt); }
int crm_calendar_set_int(crm_calendar* c, int field, int64_t value) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (int rc = CheckField(kCalendarFields, field, FieldUse::kWriteInt); rc != CRM_OK) return rc;
  if (value < 0) return Invalid("value: an id or revision is not negative");
  (field == CRM_CALENDAR_REVISION ? c->v.revision : c->v.team) = static_cast<uint64_t>(value);
  return CRM_OK;
}

size_t crm_calendar_hours_count(const crm_calendar* c) { return c == nullptr ? 0 : c->v.hours.size(); }
int crm_calendar_hours(const crm_calendar* c, size_t i, int* weekday, int* start_minute, int* end_minute) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.hours.size()) return Fail(CRM_ENOTFOUND, "i: past the last interval");
  Set<int>(weekday, c->v.hours[i].weekday);
  Set<int>(start_minute, c->v.hours[i].start_minute);
  Set<int>(end_minute, c->v.hours[i].end_minute);
  return CRM_OK;
}
int crm_calendar_add_hours(crm_calendar* c, int weekday, int start_minute, int end_minute) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    if (weekday < 1 || weekday > 7) return Invalid("weekday: is not 1 (Monday) to 7 (Sunday)");
    if (start_minute < 0 || start_minute >= 1440) return Invalid("start_minute: is not 0 to 1439");
    if (end_minute <= start_minute || end_minute > 1440) return Invalid("end_minute: is not after start_minute and at most 1440");
    c->v.hours.push_back(crm::WorkingHours{static_cast<std::uint8_t>(weekday), start_minute, end_minute});
    return CRM_OK;
  });
}
int crm_calendar_clear_hours(crm_calendar* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  c->v.hours.clear();
  return CRM_OK;
}
size_t crm_calendar_holiday_count(const crm_calendar* c) { return c == nullptr ? 0 : c->v.holidays.size(); }
int crm_calendar_holiday(const crm_calendar* c, size_t i, const char** date, size_t* date_len, const char** name,
                         size_t* name_len) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.holidays.size()) return Fail(CRM_ENOTFOUND, "i: past the last holiday");
  const crm::Holiday& h = c->v.holidays[i];
  if (date != nullptr) *date = Out(h.date, date_len);
  else Set(date_len, h.date.size());
  if (name != nullptr) *name = Out(h.name, name_len);
  else Set(name_len, h.name.size());
  return CRM_OK;
}
int crm_calendar_add_holiday(crm_calendar* c, const char* date, size_t date_len, const char* name, size_t name_len) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    crm::Holiday h;
    if (int rc = Text(date, date_len, "date", &h.date); rc != CRM_OK) return rc;
    if (int rc = Text(name, name_len, "name", &h.name); rc != CRM_OK) return rc;
    c->v.holidays.push_back(std::move(h));
    return CRM_OK;
  });
}
int crm_calendar_clear_holidays(crm_calendar* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  c->v.holidays.clear();
  return CRM_OK;
}

int crm_calendar_create(crm_txn* txn, crm_calendar* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  return WriteInto<crm::BusinessCalendar>(txn, c, [&](crm::WriteTxn& w) { return w.CreateCalendar(c->v); });
}
int crm_calendar_update(crm_txn* txn, crm_calendar* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  return WriteInto<crm::BusinessCalendar>(txn, c, [&](crm::WriteTxn& w) { return w.UpdateCalendar(c->v); });
}
int crm_calendar_delete(crm_txn* txn, uint64_t id) {
  return WriteStatus(txn, [&](crm::WriteTxn& w) { return w.DeleteCalendar(id); });
}
int crm_calendar_get(crm_calendar** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::BusinessCalendar>(out, txn, [&](crm::ReadTxn& r) { return r.GetCalendar(id); });
}
int crm_calendar_list_get(crm_calendar_list** out, crm_txn* txn) {
  return ListOut<crm_calendar_list, crm::BusinessCalendar>(out, txn, [&](crm::ReadTxn& r) { return r.ListCalendars(); });
}
size_t crm_calendar_list_size(const crm_calendar_list* l) { return l == nullptr ? 0 : l->v.size(); }
const crm_calendar* crm_calendar_list_at(const crm_calendar_list* l, size_t i) {
  return At<crm_calendar_list, crm_calendar>(l, i, "calendar");
}
void crm_calendar_list_free(crm_calendar_list* l) { delete l; }

int crm_business_seconds(int64_t* out, crm_txn* txn, uint64_t calendar, int64_t from, int64_t to) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = 0;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto n = ReadOf(txn)->BusinessSecondsBetween(calendar, from, to);
    if (!n.ok()) return Check(n.status());
    *out = *n;
    return CRM_OK;
  });
}
int crm_business_add(int64_t* out, crm_txn* txn, uint64_t calendar, int64_t from, int64_t seconds) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = 0;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto at = ReadOf(txn)->AddBusinessSeconds(calendar, from, seconds);
    if (!at.ok()) return Check(at.status());
    *out = *at;
    return CRM_OK;
  });
}

int crm_sla_policy_new(crm_sla_policy** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, crm::SlaPolicy{});
  });
}
int crm_sla_policy_clone(crm_sla_policy** out, const crm_sla_policy* p) {
  return Guard([&] { return Clone(out, p); });
}
void crm_sla_policy_free(crm_sla_policy* p) { delete p; }

const char* crm_sla_policy_text(const crm_sla_policy* p, int field, size_t* len) {
  return TextOf(kPolicyFields, p, field, len, [&](const crm::SlaPolicy& v) -> const std::string& {
    return field == CRM_SLA_NAME ? v.name : v.customer_tag;
  });
}
int crm_sla_policy_set_text(crm_sla_policy* p, int field, const char* s, size_t len) {
  return Guard([&] {
    if (p == nullptr) return Invalid("p: is NULL");
    if (int rc = CheckField(kPolicyFields, field, FieldUse::kWriteText); rc != CRM_OK) return rc;
    return Text(s, len, "value", field == CRM_SLA_NAME ? &p->v.name : &p->v.customer_tag);
  });
}
int crm_sla_policy_get_int(int64_t* out, const crm_sla_policy* p, int field) {
  return IntOf(out, kPolicyFields, p, field, PolicyInt);
}
int64_t crm_sla_policy_int(const crm_sla_policy* p, int field) { return IntOrZero(kPolicyFields, p, field, PolicyInt); }
int crm_sla_policy_set_int(crm_sla_policy* p, int field, int64_t value) {
  return Guard([&] {
    if (p == nullptr) return Invalid("p: is NULL");
    if (int rc = CheckField(kPolicyFields, field, FieldUse::kWriteInt); rc != CRM_OK) return rc;
    crm::SlaPolicy& v = p->v;
    switch (field) {
      case CRM_SLA_PRIORITIES: return FromMask(value, CRM_PRIORITY_LOW, CRM_PRIORITY_URGENT, "priorities", &v.priorities);
      case CRM_SLA_CHANNELS:
        return FromMask(value, CRM_TICKET_CHANNEL_EMAIL, CRM_TICKET_CHANNEL_OTHER, "channels", &v.channels);
      case CRM_SLA_PAUSE_STATUSES:
        return FromMask(value, CRM_TICKET_PENDING, CRM_TICKET_ON_HOLD, "pause_statuses", &v.pause_statuses);
      case CRM_SLA_ACTIVE:
        if (value != 0 && value != 1) return Invalid("active: is not 0 or 1");
        v.active = value == 1;
        return CRM_OK;
      case CRM_SLA_FIRST_RESPONSE_MINUTES: v.first_response_minutes = value; return CRM_OK;
      case CRM_SLA_RESOLUTION_MINUTES: v.resolution_minutes = value; return CRM_OK;
      default:
        if (value < 0) return Invalid("revision: must not be negative");
        v.revision = static_cast<uint64_t>(value);
        return CRM_OK;
    }
  });
}
size_t crm_sla_policy_team_count(const crm_sla_policy* p) { return p == nullptr ? 0 : p->v.teams.size(); }
uint64_t crm_sla_policy_team(const crm_sla_policy* p, size_t i) {
  return p == nullptr || i >= p->v.teams.size() ? 0 : p->v.teams[i];
}
int crm_sla_policy_add_team(crm_sla_policy* p, uint64_t team) {
  return Guard([&] {
    if (p == nullptr) return Invalid("p: is NULL");
    p->v.teams.push_back(team);
    return CRM_OK;
  });
}
int crm_sla_policy_clear_teams(crm_sla_policy* p) {
  if (p == nullptr) return Invalid("p: is NULL");
  p->v.teams.clear();
  return CRM_OK;
}
int crm_sla_policy_create(crm_txn* txn, crm_sla_policy* p) {
  if (p == nullptr) return Invalid("p: is NULL");
  return WriteInto<crm::SlaPolicy>(txn, p, [&](crm::WriteTxn& w) { return w.CreateSlaPolicy(p->v); });
}
int crm_sla_policy_update(crm_txn* txn, crm_sla_policy* p) {
  if (p == nullptr) return Invalid("p: is NULL");
  return WriteInto<crm::SlaPolicy>(txn, p, [&](crm::WriteTxn& w) { return w.UpdateSlaPolicy(p->v); });
}
int crm_sla_policy_delete(crm_txn* txn, uint64_t id) {
  return WriteStatus(txn, [&](crm::WriteTxn& w) { return w.DeleteSlaPolicy(id); });
}
int crm_sla_policy_get(crm_sla_policy** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::SlaPolicy>(out, txn, [&](crm::ReadTxn& r) { return r.GetSlaPolicy(id); });
}
int crm_sla_policy_list_get(crm_sla_policy_list** out, crm_txn* txn) {
  return ListOut<crm_sla_policy_list, crm::SlaPolicy>(out, txn, [&](crm::ReadTxn& r) { return r.ListSlaPolicies(); });
}
size_t crm_sla_policy_list_size(const crm_sla_policy_list* l) { return l == nullptr ? 0 : l->v.size(); }
const crm_sla_policy* crm_sla_policy_list_at(const crm_sla_policy_list* l, size_t i) {
  return At<crm_sla_policy_list, crm_sla_policy>(l, i, "SLA policy");
}
void crm_sla_policy_list_free(crm_sla_policy_list* l) { delete l; }
