// The C ABI: opportunities.
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

namespace {
const FieldSet kOpportunityFields{"an opportunity", "crm_opportunity", 5, 13,
                                  {CRM_OPPORTUNITY_ID, CRM_OPPORTUNITY_PROBABILITY_OVERRIDDEN}};
}  // namespace

// ---- opportunities ----

namespace {

std::string* OpportunityText(crm::Opportunity& o, int field) {
  switch (field) {
    case CRM_OPPORTUNITY_TITLE: return &o.title;
    case CRM_OPPORTUNITY_OWNER: return &o.owner;
    case CRM_OPPORTUNITY_CURRENCY: return &o.amount.currency;
    case CRM_OPPORTUNITY_LOST_REASON: return &o.lost_reason;
    case CRM_OPPORTUNITY_EXTERNAL_ID: return &o.external_id;
    default: return nullptr;
  }
}

}  // namespace

int crm_opportunity_new(crm_opportunity** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, crm::Opportunity{});
  });
}

int crm_opportunity_clone(crm_opportunity** out, const crm_opportunity* o) {
  return Guard([&] { return Clone(out, o); });
}
void crm_opportunity_free(crm_opportunity* o) { delete o; }

const char* crm_opportunity_text(const crm_opportunity* o, int field, size_t* len) {
  return TextOf(kOpportunityFields, o, field, len, [&](const crm::Opportunity& v) -> const std::string& {
    return *OpportunityText(const_cast<crm::Opportunity&>(v), field);
  });
}

int crm_opportunity_set_text(crm_opportunity* o, int field, const char* s, size_t len) {
  return Guard([&] {
    if (o == nullptr) return Invalid("o: is NULL");
    if (int rc = CheckField(kOpportunityFields, field, FieldUse::kWriteText); rc != CRM_OK) return rc;
    return Text(s, len, "value", OpportunityText(o->v, field));
  });
}

namespace {
int64_t OpportunityInt(const crm::Opportunity& v, int field) {
  switch (field) {
    case CRM_OPPORTUNITY_ID: return static_cast<int64_t>(v.id);
    case CRM_OPPORTUNITY_REVISION: return static_cast<int64_t>(v.revision);
    case CRM_OPPORTUNITY_CREATED_AT: return v.created_at;
    case CRM_OPPORTUNITY_UPDATED_AT: return v.updated_at;
    case CRM_OPPORTUNITY_CLOSED_AT: return v.closed_at;
    case CRM_OPPORTUNITY_CUSTOMER: return static_cast<int64_t>(v.customer);
    case CRM_OPPORTUNITY_PIPELINE: return static_cast<int64_t>(v.pipeline);
    case CRM_OPPORTUNITY_STAGE: return v.stage;
    case CRM_OPPORTUNITY_AMOUNT: return v.amount.minor_units;
    case CRM_OPPORTUNITY_PROBABILITY: return v.probability;
    case CRM_OPPORTUNITY_PROBABILITY_OVERRIDDEN: return v.probability_overridden;
    case CRM_OPPORTUNITY_EXPECTED_CLOSE: return v.expected_close;
    case CRM_OPPORTUNITY_FORECAST_CATEGORY: return static_cast<int64_t>(v.forecast_category);
    default: return 0;
  }
}
}  // namespace

int crm_opportunity_get_int(int64_t* out, const crm_opportunity* o, int field) {
  return IntOf(out, kOpportunityFields, o, field, OpportunityInt);
}
int64_t crm_opportunity_int(const crm_opportunity* o, int field) {
  return IntOrZero(kOpportunityFields, o, field, OpportunityInt);
}

int crm_opportunity_set_int(crm_opportunity* o, int field, int64_t value) {
  if (o == nullptr) return Invalid("o: is NULL");
  if (int rc = CheckField(kOpportunityFields, field, FieldUse::kWriteInt); rc != CRM_OK) return rc;
  crm::Opportunity& v = o->v;
  switch (field) {
    case CRM_OPPORTUNITY_REVISION:
    case CRM_OPPORTUNITY_CUSTOMER:
    case CRM_OPPORTUNITY_PIPELINE: {
      if (value < 0) return Invalid("value: must not be negative");
      const auto u = static_cast<uint64_t>(value);
      (field == CRM_OPPORTUNITY_REVISION ? v.revision : field == CRM_OPPORTUNITY_CUSTOMER ? v.customer : v.pipeline) = u;
      return CRM_OK;
    }
    case CRM_OPPORTUNITY_STAGE:
      if (value < 0 || value > UINT32_MAX) return Invalid("stage: is not a stage id");
      v.stage = static_cast<crm::StageId>(value);
      return CRM_OK;
    case CRM_OPPORTUNITY_AMOUNT: v.amount.minor_units = value; return CRM_OK;
    case CRM_OPPORTUNITY_PROBABILITY:
      if (value < -1 || value > 100) return Invalid("probability: must be 0 to 100, or -1 for the stage's");
      v.probability = static_cast<int>(value);
      return CRM_OK;
    case CRM_OPPORTUNITY_EXPECTED_CLOSE: v.expected_close = value; return CRM_OK;
    case CRM_OPPORTUNITY_CREATED_AT: v.created_at = value; return CRM_OK;
    case CRM_OPPORTUNITY_UPDATED_AT: v.updated_at = value; return CRM_OK;
    case CRM_OPPORTUNITY_CLOSED_AT: v.closed_at = value; return CRM_OK;
    case CRM_OPPORTUNITY_FORECAST_CATEGORY:
      if (value < CRM_FORECAST_AUTO || value > CRM_FORECAST_OMITTED || value == CRM_FORECAST_CLOSED)
        return Invalid("forecast_category: must be CRM_FORECAST_AUTO, _PIPELINE, _BEST_CASE, _COMMIT or _OMITTED");
      v.forecast_category = static_cast<crm::ForecastCategory>(value);
      return CRM_OK;
    default: return Invalid("field: not a settable integer field of an opportunity");
  }
}

size_t crm_opportunity_contact_count(const crm_opportunity* o) { return o == nullptr ? 0 : o->v.contacts.size(); }

int crm_opportunity_contact(const crm_opportunity* o, size_t i, uint64_t* person, const char** role,
                            size_t* role_len) {
  if (o == nullptr) return Invalid("o: is NULL");
  if (i >= o->v.contacts.size()) return Fail(CRM_ENOTFOUND, "i: past the last contact");
  Set(person, static_cast<uint64_t>(o->v.contacts[i].person));
  Set(role, Out(o->v.contacts[i].role, role_len));
  return CRM_OK;
}

int crm_opportunity_add_contact(crm_opportunity* o, uint64_t person, const char* role, size_t role_len) {
  return Guard([&] {
    if (o == nullptr) return Invalid("o: is NULL");
    crm::ContactRole r;
    r.person = person;
    if (int rc = Text(role, role_len, "role", &r.role); rc != CRM_OK) return rc;
    o->v.contacts.push_back(std::move(r));
    return CRM_OK;
  });
}

int crm_opportunity_clear_contacts(crm_opportunity* o) {
  if (o == nullptr) return Invalid("o: is NULL");
  o->v.contacts.clear();
  return CRM_OK;
}

size_t crm_opportunity_history_count(const crm_opportunity* o) { return o == nullptr ? 0 : o->v.history.size(); }

int crm_opportunity_history(const crm_opportunity* o, size_t i, uint32_t* from, uint32_t* to, int64_t* at,
                            const char** actor, size_t* actor_len, int64_t* amount, int* probability) {
  if (o == nullptr) return Invalid("o: is NULL");
  if (i >= o->v.history.size()) return Fail(CRM_ENOTFOUND, "i: past the last history entry");
  const crm::StageChange& h = o->v.history[i];
  Set(from, static_cast<uint32_t>(h.from));
  Set(to, static_cast<uint32_t>(h.to));
  Set(at, int64_t{h.at});
  Set(actor, Out(h.actor, actor_len));
  Set(amount, int64_t{h.amount.minor_units});
  Set(probability, h.probability);
  return CRM_OK;
}

int crm_opportunity_add_history(crm_opportunity* o, uint32_t from, uint32_t to, int64_t at, const char* actor,
                                size_t actor_len, int64_t amount, int probability) {
  return Guard([&] {
    if (o == nullptr) return Invalid("o: is NULL");
    if (o->v.history.size() >= 10000) return Invalid("history: more than 10000 entries");
    crm::StageChange h{from, to, at, {}, crm::Money{amount, ""}, probability};  // the deal's currency
    if (int rc = Text(actor, actor_len, "actor", &h.actor); rc != CRM_OK) return rc;
    o->v.history.push_back(std::move(h));
    return CRM_OK;
  });
}

int crm_opportunity_clear_history(crm_opportunity* o) {
  if (o == nullptr) return Invalid("o: is NULL");
  o->v.history.clear();
  return CRM_OK;
}

size_t crm_opportunity_custom_count(const crm_opportunity* o) { return o == nullptr ? 0 : o->v.custom.size(); }
int crm_opportunity_custom_field(const crm_opportunity* o, size_t i, const char** name, size_t* name_len, int* type) {
  return o == nullptr ? Invalid("o: is NULL") : CustomField(o->v.custom, i, name, name_len, type);
}
int crm_opportunity_custom_value(const crm_opportunity* o, size_t i, int64_t* number, const char** text,
                                 size_t* text_len) {
  return o == nullptr ? Invalid("o: is NULL") : CustomValue(o->v.custom, i, number, text, text_len);
}
int crm_opportunity_set_custom(crm_opportunity* o, const char* name, size_t name_len, int type, int64_t number,
                               const char* text, size_t text_len) {
  return o == nullptr ? Invalid("o: is NULL") : SetCustom(o->v.custom, name, name_len, type, number, text, text_len);
}
int crm_opportunity_remove_custom(crm_opportunity* o, const char* name, size_t name_len) {
  return o == nullptr ? Invalid("o: is NULL") : RemoveCustom(o->v.custom, name, name_len);
}

int crm_opportunity_upsert(crm_txn* txn, crm_opportunity* o) {
  if (o == nullptr) return Invalid("o: is NULL");
  return WriteInto<crm::Opportunity>(txn, o, [&](crm::WriteTxn& t) { return t.UpsertOpportunity(o->v); });
}

int crm_opportunity_patch(crm_txn* txn, crm_opportunity* o, const char* fields, size_t len) {
  return PatchInto<crm::Opportunity>(txn, o, fields, len,
                                 [&](crm::WriteTxn& t, const crm::Patch& p) { return t.PatchOpportunity(o->v, p); });
}

int crm_opportunity_find_by_external_id(crm_opportunity** out, crm_txn* txn, const char* id, size_t len) {
  std::string key;
  if (out != nullptr) *out = nullptr;
  if (int rc = Guard([&] { return Text(id, len, "external_id", &key); }); rc != CRM_OK) return rc;
  return ReadOut<crm::Opportunity>(out, txn, [&](crm::ReadTxn& t) { return t.FindOpportunityByExternalId(key); });
}

int crm_opportunity_create(crm_txn* txn, crm_opportunity* o) {
  if (o == nullptr) return Invalid("o: is NULL");
  return WriteInto<crm::Opportunity>(txn, o, [&](crm::WriteTxn& t) { return t.CreateOpportunity(o->v); });
}

int crm_opportunity_update(crm_txn* txn, crm_opportunity* o) {
  if (o == nullptr) return Invalid("o: is NULL");
  return WriteInto<crm::Opportunity>(txn, o, [&](crm::WriteTxn& t) { return t.UpdateOpportunity(o->v); });
}

int crm_opportunity_move(crm_opportunity** out, crm_txn* txn, uint64_t id, uint32_t stage) {
  return WriteOut<crm::Opportunity>(out, txn, [&](crm::WriteTxn& t) { return t.MoveOpportunity(id, stage); });
}

int crm_opportunity_close_won(crm_opportunity** out, crm_txn* txn, uint64_t id) {
  return WriteOut<crm::Opportunity>(out, txn, [&](crm::WriteTxn& t) { return t.CloseWon(id); });
}

int crm_opportunity_close_lost(crm_opportunity** out, crm_txn* txn, uint64_t id, const char* reason,
                               size_t reason_len) {
  std::string why;
  if (out != nullptr) *out = nullptr;
  if (int rc = Guard([&] { return Text(reason, reason_len, "reason", &why); }); rc != CRM_OK) return rc;
  return WriteOut<crm::Opportunity>(out, txn, [&](crm::WriteTxn& t) { return t.CloseLost(id, why); });
}

int crm_opportunity_delete(crm_txn* txn, uint64_t id) {
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.DeleteOpportunity(id); });
}

int crm_opportunity_get(crm_opportunity** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::Opportunity>(out, txn, [&](crm::ReadTxn& t) { return t.GetOpportunity(id); });
}

int crm_opportunity_query_init(crm_opportunity_query* q, unsigned int version) {
  if (q == nullptr) return Invalid("q: is NULL");
  if (version != CRM_OPPORTUNITY_QUERY_VERSION) return Invalid("version: not a crm_opportunity_query version this library knows");
  *q = crm_opportunity_query CRM_OPPORTUNITY_QUERY_INIT;
  return CRM_OK;
}

namespace {

int ToQuery(const crm_opportunity_query* q, crm::OpportunityQuery* out) {
  if (q == nullptr) return Invalid("q: is NULL");
  if (q->version < 1 || q->version > CRM_OPPORTUNITY_QUERY_VERSION)
    return Invalid("q.version: not a crm_opportunity_query version this library knows");
  if (q->by < CRM_OPP_BY_ALL || q->by > CRM_OPP_BY_EXPECTED_CLOSE) return Invalid("q.by: is not a CRM_OPP_BY_* value");
  out->by = static_cast<crm::OpportunityQuery::By>(q->by);
  out->customer = q->customer;
  out->pipeline = q->pipeline;
  out->stage = q->stage;
  if (int rc = Text(q->owner, q->owner_len, "q.owner", &out->owner); rc != CRM_OK) return rc;
  out->close_from = q->close_from;
  out->close_to = q->close_to;
  out->open_only = q->open_only != 0;
  out->limit = PageSize(q->page_size);
  return Text(q->page_token, q->page_token_len, "q.page_token", &out->page_token);
}

}  // namespace

int crm_opportunity_list(crm_iter** out, crm_txn* txn, const crm_opportunity_query* q) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::OpportunityQuery query;
    if (int rc = ToQuery(q, &query); rc != CRM_OK) return rc;
    crm::ReadTxn* read = ReadOf(txn);
    *out = NewIter(txn, IterKind::kOpportunity, query.page_token, [read, query](crm_iter& it) mutable -> absl::Status {
      query.page_token = it.next_token;
      auto page = read->ListOpportunities(query);
      if (!page.ok()) return page.status();
      for (crm::Opportunity& o : page->opportunities) it.opportunities.push_back(crm_opportunity{std::move(o)});
      it.next_token = page->next_page_token;
      it.exhausted = page->next_page_token.empty();
      return absl::OkStatus();
    });
    return CRM_OK;
  });
}

int crm_opportunity_count(uint64_t* out, crm_txn* txn, const crm_opportunity_query* q) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::OpportunityQuery query;
    if (int rc = ToQuery(q, &query); rc != CRM_OK) return rc;
    auto n = ReadOf(txn)->CountOpportunities(query);
    if (!n.ok()) return Check(n.status());
    *out = *n;
    return CRM_OK;
  });
}
