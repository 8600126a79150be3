// The C ABI: campaigns (crm_campaigns.h).
#include <span>

#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_campaign {
  crm::Campaign v;
};
struct crm_campaign_list {
  std::vector<crm_campaign> v;
};
struct crm_campaign_members {
  std::vector<crm::CampaignMember> v;
  std::string next;
};
struct crm_audience {
  crm::AudiencePage v;
};

namespace {

const FieldSet kCampaignFields{"a campaign", "crm_campaign", 7, 11, {CRM_CAMPAIGN_ID, CRM_CAMPAIGN_MEMBERS}};

std::string* CampaignText(crm::Campaign& c, int field) {
  switch (field) {
    case CRM_CAMPAIGN_NAME: return &c.name;
    case CRM_CAMPAIGN_DESCRIPTION: return &c.description;
    case CRM_CAMPAIGN_PURPOSE: return &c.purpose;
    case CRM_CAMPAIGN_OWNER: return &c.owner;
    case CRM_CAMPAIGN_DEFAULT_STATUS: return &c.default_status;
    case CRM_CAMPAIGN_BUDGET_CURRENCY: return &c.budget.currency;
    default: return &c.actual_cost.currency;
  }
}

int64_t CampaignInt(const crm::Campaign& c, int field) {
  switch (field) {
    case CRM_CAMPAIGN_ID: return static_cast<int64_t>(c.id);
    case CRM_CAMPAIGN_REVISION: return static_cast<int64_t>(c.revision);
    case CRM_CAMPAIGN_CREATED_AT: return c.created_at;
    case CRM_CAMPAIGN_UPDATED_AT: return c.updated_at;
    case CRM_CAMPAIGN_CHANNEL: return static_cast<int64_t>(c.channel);
    case CRM_CAMPAIGN_STARTS_AT: return c.starts_at;
    case CRM_CAMPAIGN_ENDS_AT: return c.ends_at;
    case CRM_CAMPAIGN_BUDGET: return c.budget.minor_units;
    case CRM_CAMPAIGN_ACTUAL_COST: return c.actual_cost.minor_units;
    case CRM_CAMPAIGN_PARENT: return static_cast<int64_t>(c.parent);
    default: return static_cast<int64_t>(c.members);
  }
}

int StatusArg(const char* status, size_t len, std::string* out) {
  if (status == nullptr && len == 0) return CRM_OK;
  return Text(status, len, "status", out);
}

// A count-returning write.
template <class F>
int Counted(uint64_t* changed, crm_txn* txn, F call) {
  return Guard([&] {
    Set<uint64_t>(changed, 0);
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    auto n = call(*txn->write);
    if (!n.ok()) return CheckIn(txn, n.status());
    Set<uint64_t>(changed, *n);
    return CRM_OK;
  });
}

template <class F>
int MembersOut(crm_campaign_members** out, crm_txn* txn, F call) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto* m = new crm_campaign_members{};
    if (int rc = call(*ReadOf(txn), m); rc != CRM_OK) {
      delete m;
      return rc;
    }
    *out = m;
    return CRM_OK;
  });
}

}  // namespace

int crm_campaign_new(crm_campaign** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, crm::Campaign{});
  });
}
int crm_campaign_clone(crm_campaign** out, const crm_campaign* c) {
  return Guard([&] { return Clone(out, c); });
}
void crm_campaign_free(crm_campaign* c) { delete c; }

const char* crm_campaign_text(const crm_campaign* c, int field, size_t* len) {
  return TextOf(kCampaignFields, c, field, len, [&](const crm::Campaign& v) -> const std::string& {
    return *CampaignText(const_cast<crm::Campaign&>(v), field);
  });
}

int crm_campaign_set_text(crm_campaign* c, int field, const char* s, size_t len) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    if (int rc = CheckField(kCampaignFields, field, FieldUse::kWriteText); rc != CRM_OK) return rc;
    return Text(s, len, "value", CampaignText(c->v, field));
  });
}

int crm_campaign_get_int(int64_t* out, const crm_campaign* c, int field) {
  return IntOf(out, kCampaignFields, c, field, CampaignInt);
}
int64_t crm_campaign_int(const crm_campaign* c, int field) { return IntOrZero(kCampaignFields, c, field, CampaignInt); }

int crm_campaign_set_int(crm_campaign* c, int field, int64_t value) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (int rc = CheckField(kCampaignFields, field, FieldUse::kWriteInt); rc != CRM_OK) return rc;
  crm::Campaign& v = c->v;
  switch (field) {
    case CRM_CAMPAIGN_REVISION:
      if (value < 0) return Invalid("revision: must not be negative");
      v.revision = static_cast<uint64_t>(value);
      return CRM_OK;
    case CRM_CAMPAIGN_CREATED_AT: v.created_at = value; return CRM_OK;
    case CRM_CAMPAIGN_UPDATED_AT: v.updated_at = value; return CRM_OK;
    case CRM_CAMPAIGN_CHANNEL:
      if (value < CRM_CHANNEL_EMAIL || value > CRM_CHANNEL_ANY) return Invalid("channel: is not a CRM_CHANNEL_* value");
      v.channel = static_cast<crm::ContactChannel>(value);
      return CRM_OK;
    case CRM_CAMPAIGN_STARTS_AT: v.starts_at = value; return CRM_OK;
    case CRM_CAMPAIGN_ENDS_AT: v.ends_at = value; return CRM_OK;
    case CRM_CAMPAIGN_BUDGET: v.budget.minor_units = value; return CRM_OK;
    case CRM_CAMPAIGN_ACTUAL_COST: v.actual_cost.minor_units = value; return CRM_OK;
    default:
      if (value < 0) return Invalid("parent: must not be negative");
      v.parent = static_cast<uint64_t>(value);
      return CRM_OK;
  }
}

size_t crm_campaign_status_count(const crm_campaign* c) { return c == nullptr ? 0 : c->v.statuses.size(); }

int crm_campaign_status(const crm_campaign* c, size_t i, const char** name, size_t* len, int* responded) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.statuses.size()) return Fail(CRM_ENOTFOUND, "i: past the last status");
  const crm::CampaignStatus& st = c->v.statuses[i];
  if (name != nullptr) *name = st.name.c_str();
  Set(len, st.name.size());
  Set<int>(responded, st.responded ? 1 : 0);
  return CRM_OK;
}

int crm_campaign_add_status(crm_campaign* c, const char* name, size_t len, int responded) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    crm::CampaignStatus st;
    if (int rc = Text(name, len, "name", &st.name); rc != CRM_OK) return rc;
    if (responded != 0 && responded != 1) return Invalid("responded: must be 0 or 1");
    st.responded = responded == 1;
    c->v.statuses.push_back(std::move(st));
    return CRM_OK;
  });
}

int crm_campaign_clear_statuses(crm_campaign* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  c->v.statuses.clear();
  return CRM_OK;
}

int crm_campaign_create(crm_txn* txn, crm_campaign* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  return WriteInto<crm::Campaign>(txn, c, [&](crm::WriteTxn& t) { return t.CreateCampaign(c->v); });
}
int crm_campaign_update(crm_txn* txn, crm_campaign* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  return WriteInto<crm::Campaign>(txn, c, [&](crm::WriteTxn& t) { return t.UpdateCampaign(c->v); });
}
int crm_campaign_delete(crm_txn* txn, uint64_t id) {
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.DeleteCampaign(id); });
}
int crm_campaign_get(crm_campaign** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::Campaign>(out, txn, [&](crm::ReadTxn& t) { return t.GetCampaign(id); });
}

int crm_campaign_list_get(crm_campaign_list** out, crm_txn* txn) {
  return ListOut<crm_campaign_list, crm::Campaign>(out, txn, [&](crm::ReadTxn& t) { return t.ListCampaigns(); });
}
size_t crm_campaign_list_size(const crm_campaign_list* l) { return l == nullptr ? 0 : l->v.size(); }
const crm_campaign* crm_campaign_list_at(const crm_campaign_list* l, size_t i) {
  if (l == nullptr || i >= l->v.size()) {
    Fail(CRM_EINVALID, "i: past the last campaign (or l is NULL)");
    return nullptr;
  }
  return &l->v[i];
}
void crm_campaign_list_free(crm_campaign_list* l) { delete l; }

int crm_campaign_add_members(uint64_t* changed, crm_txn* txn, uint64_t campaign, const uint64_t* ids, size_t count,
                             const char* status, size_t status_len) {
  std::span<const crm::CustomerId> span;
  std::string st;
  if (int rc = Guard([&] {
        if (int r = CustomerIdsArg(ids, count, &span); r != CRM_OK) return r;
        return StatusArg(status, status_len, &st);
      });
      rc != CRM_OK)
    return rc;
  return Counted(changed, txn, [&](crm::WriteTxn& t) { return t.AddCampaignMembers(campaign, span, st); });
}

int crm_campaign_add_segment(uint64_t* changed, crm_txn* txn, uint64_t campaign, uint64_t segment, const char* status,
                             size_t status_len) {
  std::string st;
  if (int rc = Guard([&] { return StatusArg(status, status_len, &st); }); rc != CRM_OK) return rc;
  return Counted(changed, txn, [&](crm::WriteTxn& t) { return t.AddSegmentToCampaign(campaign, segment, st); });
}

int crm_campaign_remove_members(uint64_t* changed, crm_txn* txn, uint64_t campaign, const uint64_t* ids,
                                size_t count) {
  std::span<const crm::CustomerId> span;
  if (int rc = CustomerIdsArg(ids, count, &span); rc != CRM_OK) return rc;
  return Counted(changed, txn, [&](crm::WriteTxn& t) { return t.RemoveCampaignMembers(campaign, span); });
}

int crm_campaign_set_member_status(crm_txn* txn, uint64_t campaign, uint64_t customer, const char* status,
                                   size_t status_len) {
  return Guard([&] {
    std::string st;
    if (int rc = Text(status, status_len, "status", &st); rc != CRM_OK) return rc;
    return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.SetCampaignMemberStatus(campaign, customer, st).status(); });
  });
}

int crm_campaign_members_list(crm_campaign_members** out, crm_txn* txn, uint64_t campaign, size_t limit,
                              const char* page_token, size_t page_token_len) {
  return MembersOut(out, txn, [&](crm::ReadTxn& t, crm_campaign_members* m) {
    std::string token;
    if (int rc = TokenArg(page_token, page_token_len, &token); rc != CRM_OK) return rc;
    auto page = t.ListCampaignMembers(campaign, token, limit);
    if (!page.ok()) return Check(page.status());
    m->v = std::move(page->members);
    m->next = std::move(page->next_page_token);
    return CRM_OK;
  });
}

int crm_campaigns_of(crm_campaign_members** out, crm_txn* txn, uint64_t customer) {
  return MembersOut(out, txn, [&](crm::ReadTxn& t, crm_campaign_members* m) {
    auto of = t.CampaignsOf(customer);
    if (!of.ok()) return Check(of.status());
    m->v = *std::move(of);
    return CRM_OK;
  });
}

int crm_campaign_member_get(crm_campaign_members** out, crm_txn* txn, uint64_t campaign, uint64_t customer) {
  return MembersOut(out, txn, [&](crm::ReadTxn& t, crm_campaign_members* m) {
    auto one = t.GetCampaignMember(campaign, customer);
    if (!one.ok()) return Check(one.status());
    m->v.push_back(*std::move(one));
    return CRM_OK;
  });
}

size_t crm_campaign_members_count(const crm_campaign_members* m) { return m == nullptr ? 0 : m->v.size(); }

int crm_campaign_members_item(const crm_campaign_members* m, size_t i, uint64_t* campaign, uint64_t* customer,
                              const char** status, size_t* status_len, int* responded, int64_t* added_at,
                              int64_t* first_responded_at) {
  if (m == nullptr) return Invalid("m: is NULL");
  if (i >= m->v.size()) return Fail(CRM_ENOTFOUND, "i: past the last member");
  const crm::CampaignMember& x = m->v[i];
  Set<uint64_t>(campaign, x.campaign);
  Set<uint64_t>(customer, x.customer);
  if (status != nullptr) *status = x.status.c_str();
  Set(status_len, x.status.size());
  Set<int>(responded, x.responded ? 1 : 0);
  Set<int64_t>(added_at, x.added_at);
  Set<int64_t>(first_responded_at, x.first_responded_at);
  return CRM_OK;
}

const char* crm_campaign_members_next(const crm_campaign_members* m, size_t* len) {
  if (m == nullptr) {
    Set<size_t>(len, 0);
    return "";
  }
  Set(len, m->next.size());
  return m->next.c_str();
}
void crm_campaign_members_free(crm_campaign_members* m) { delete m; }

int crm_campaign_audience(crm_audience** out, crm_txn* txn, uint64_t campaign, size_t limit, const char* page_token,
                          size_t page_token_len, int64_t at) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    std::string token;
    if (int rc = TokenArg(page_token, page_token_len, &token); rc != CRM_OK) return rc;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto page = ReadOf(txn)->CampaignAudience(campaign, token, limit, at);
    if (!page.ok()) return Check(page.status());
    *out = new crm_audience{*std::move(page)};
    return CRM_OK;
  });
}

size_t crm_audience_count(const crm_audience* a) { return a == nullptr ? 0 : a->v.entries.size(); }

int crm_audience_item(const crm_audience* a, size_t i, uint64_t* customer, int* sendable, int* verdict,
                      const char** reason, size_t* reason_len) {
  if (a == nullptr) return Invalid("a: is NULL");
  if (i >= a->v.entries.size()) return Fail(CRM_ENOTFOUND, "i: past the last entry");
  const crm::AudienceEntry& e = a->v.entries[i];
  Set<uint64_t>(customer, e.customer);
  Set<int>(sendable, e.sendable ? 1 : 0);
  Set<int>(verdict, static_cast<int>(e.verdict));
  if (reason != nullptr) *reason = e.reason.c_str();
  Set(reason_len, e.reason.size());
  return CRM_OK;
}

const char* crm_audience_next(const crm_audience* a, size_t* len) {
  if (a == nullptr) {
    Set<size_t>(len, 0);
    return "";
  }
  Set(len, a->v.next_page_token.size());
  return a->v.next_page_token.c_str();
}
void crm_audience_free(crm_audience* a) { delete a; }

namespace {

template <class F>
int TouchesOut(crm_id_page** out, crm_txn* txn, F call) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto t = call(*ReadOf(txn));
    if (!t.ok()) return Check(t.status());
    auto* page = new crm_id_page{};
    page->ids.assign(t->campaigns.begin(), t->campaigns.end());
    *out = page;
    return CRM_OK;
  });
}

}  // namespace

int crm_customer_touches(crm_id_page** out, crm_txn* txn, uint64_t customer) {
  return TouchesOut(out, txn, [&](crm::ReadTxn& t) { return t.CustomerTouches(customer); });
}

int crm_deal_touches(crm_id_page** out, crm_txn* txn, uint64_t deal) {
  return TouchesOut(out, txn, [&](crm::ReadTxn& t) { return t.DealTouches(deal); });
}

int crm_campaign_attribution(crm_report** out, crm_txn* txn, int model, int64_t won_from, int64_t won_to) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (model < CRM_ATTRIBUTION_FIRST_TOUCH || model > CRM_ATTRIBUTION_LINEAR)
      return Invalid("model: is not a CRM_ATTRIBUTION_* model");
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::AttributionQuery q;
    q.model = static_cast<crm::AttributionModel>(model);
    q.won_from = won_from;
    q.won_to = won_to;
    auto rows = ReadOf(txn)->CampaignAttribution(q);
    if (!rows.ok()) return Check(rows.status());
    *out = new crm_report{crm::AttributionReport(*rows, q.model)};
    return CRM_OK;
  });
}

struct crm_campaign_events {
  std::vector<crm::CampaignEvent> v;
};

int crm_campaign_event_record(uint64_t* id, crm_txn* txn, uint64_t campaign, uint64_t customer, int kind, int64_t at,
                              const char* detail, size_t detail_len) {
  return Guard([&] {
    Set<uint64_t>(id, 0);
    crm::CampaignEvent e;
    if (kind < CRM_EVENT_SENT || kind > CRM_EVENT_CONVERTED) return Invalid("kind: is not a CRM_EVENT_* kind");
    if (detail != nullptr || detail_len != 0)
      if (int rc = Text(detail, detail_len, "detail", &e.detail); rc != CRM_OK) return rc;
    e.campaign = campaign;
    e.customer = customer;
    e.kind = static_cast<crm::CampaignEventKind>(kind);
    e.at = at;
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    auto made = txn->write->RecordCampaignEvent(e);
    if (!made.ok()) return CheckIn(txn, made.status());
    Set<uint64_t>(id, made->id);
    return CRM_OK;
  });
}

int crm_campaign_events_list(crm_campaign_events** out, crm_txn* txn, uint64_t campaign, uint64_t customer) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto events = ReadOf(txn)->CampaignEvents(campaign, customer);
    if (!events.ok()) return Check(events.status());
    *out = new crm_campaign_events{*std::move(events)};
    return CRM_OK;
  });
}

size_t crm_campaign_events_count(const crm_campaign_events* e) { return e == nullptr ? 0 : e->v.size(); }

int crm_campaign_events_item(const crm_campaign_events* e, size_t i, uint64_t* id, int* kind, int64_t* at,
                             const char** detail, size_t* detail_len) {
  if (e == nullptr) return Invalid("e: is NULL");
  if (i >= e->v.size()) return Fail(CRM_ENOTFOUND, "i: past the last event");
  const crm::CampaignEvent& x = e->v[i];
  Set<uint64_t>(id, x.id);
  Set<int>(kind, static_cast<int>(x.kind));
  Set<int64_t>(at, x.at);
  if (detail != nullptr) *detail = x.detail.c_str();
  Set(detail_len, x.detail.size());
  return CRM_OK;
}

void crm_campaign_events_free(crm_campaign_events* e) { delete e; }

int crm_campaign_event_counts(uint64_t* counts, size_t n, crm_txn* txn, uint64_t campaign) {
  return Guard([&] {
    if (counts == nullptr && n != 0) return Invalid("counts: is NULL with a size");
    for (size_t k = 0; k < n; ++k) counts[k] = 0;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto all = ReadOf(txn)->CampaignEventCounts(campaign);
    if (!all.ok()) return Check(all.status());
    for (size_t k = 0; k < n && k < all->size(); ++k) counts[k] = (*all)[k];
    return CRM_OK;
  });
}
