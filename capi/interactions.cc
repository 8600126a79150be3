// The C ABI: interactions and timelines.
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

namespace {
const FieldSet kInteractionFields{"an interaction", "crm_interaction", 7, 14,
                                  {CRM_INTERACTION_ID}};
}  // namespace

// ---- interactions ----

namespace {

std::string* InteractionText(crm::Interaction& i, int field, std::string* currency) {
  switch (field) {
    case CRM_INTERACTION_KIND_LABEL: return &i.kind_label;
    case CRM_INTERACTION_SUBJECT: return &i.subject;
    case CRM_INTERACTION_BODY: return &i.body;
    case CRM_INTERACTION_OUTCOME: return &i.outcome;
    case CRM_INTERACTION_OWNER: return &i.owner;
    case CRM_INTERACTION_CURRENCY: return currency;
    case CRM_INTERACTION_EXTERNAL_ID: return &i.external_id;
    default: return nullptr;
  }
}

}  // namespace

int crm_interaction_new(crm_interaction** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, crm::Interaction{});
  });
}

int crm_interaction_clone(crm_interaction** out, const crm_interaction* i) {
  return Guard([&] { return Clone(out, i); });
}
void crm_interaction_free(crm_interaction* i) { delete i; }

const char* crm_interaction_text(const crm_interaction* i, int field, size_t* len) {
  static const std::string kEmpty;
  return TextOf(kInteractionFields, i, field, len, [&](const crm::Interaction& v) -> const std::string& {
    if (field == CRM_INTERACTION_CURRENCY) return v.amount ? v.amount->currency : kEmpty;
    return *InteractionText(const_cast<crm::Interaction&>(v), field, nullptr);
  });
}

int crm_interaction_set_text(crm_interaction* i, int field, const char* s, size_t len) {
  return Guard([&] {
    if (i == nullptr) return Invalid("i: is NULL");
    if (int rc = CheckField(kInteractionFields, field, FieldUse::kWriteText); rc != CRM_OK) return rc;
    std::string currency;
    if (int rc = Text(s, len, "value", InteractionText(i->v, field, &currency)); rc != CRM_OK) return rc;
    if (field == CRM_INTERACTION_CURRENCY) {
      if (currency.empty()) {
        i->v.amount.reset();
      } else {
        if (!i->v.amount) i->v.amount = crm::Money{};
        i->v.amount->currency = std::move(currency);
      }
    }
    return CRM_OK;
  });
}

namespace {
int64_t InteractionInt(const crm::Interaction& v, int field) {
  switch (field) {
    case CRM_INTERACTION_ID: return static_cast<int64_t>(v.id);
    case CRM_INTERACTION_REVISION: return static_cast<int64_t>(v.revision);
    case CRM_INTERACTION_CREATED_AT: return v.created_at;
    case CRM_INTERACTION_UPDATED_AT: return v.updated_at;
    case CRM_INTERACTION_CUSTOMER: return static_cast<int64_t>(v.customer);
    case CRM_INTERACTION_KIND: return static_cast<int64_t>(v.kind);
    case CRM_INTERACTION_DIRECTION: return static_cast<int64_t>(v.direction);
    case CRM_INTERACTION_OCCURRED_AT: return v.occurred_at;
    case CRM_INTERACTION_DURATION_SECONDS: return v.duration_seconds;
    case CRM_INTERACTION_SATISFACTION: return v.satisfaction;
    case CRM_INTERACTION_AMOUNT: return v.amount ? v.amount->minor_units : 0;
    case CRM_INTERACTION_OPPORTUNITY: return static_cast<int64_t>(v.opportunity);
    case CRM_INTERACTION_DUE_AT: return v.due_at;
    case CRM_INTERACTION_DONE: return v.done;
    default: return 0;
  }
}
}  // namespace

int crm_interaction_get_int(int64_t* out, const crm_interaction* i, int field) {
  return IntOf(out, kInteractionFields, i, field, InteractionInt);
}
int64_t crm_interaction_int(const crm_interaction* i, int field) {
  return IntOrZero(kInteractionFields, i, field, InteractionInt);
}

int crm_interaction_set_int(crm_interaction* i, int field, int64_t value) {
  if (i == nullptr) return Invalid("i: is NULL");
  if (int rc = CheckField(kInteractionFields, field, FieldUse::kWriteInt); rc != CRM_OK) return rc;
  crm::Interaction& v = i->v;
  const auto in = [&](int64_t lo, int64_t hi) { return value >= lo && value <= hi; };
  switch (field) {
    case CRM_INTERACTION_REVISION:
      if (value < 0) return Invalid("revision: must not be negative");
      v.revision = static_cast<uint64_t>(value);
      return CRM_OK;
    case CRM_INTERACTION_CUSTOMER:
      if (value < 0) return Invalid("customer: must not be negative");
      v.customer = static_cast<uint64_t>(value);
      return CRM_OK;
    case CRM_INTERACTION_KIND:
      if (!in(CRM_KIND_CALL, CRM_KIND_OTHER)) return Invalid("kind: is not a CRM_KIND_* value");
      v.kind = static_cast<crm::InteractionKind>(value);
      return CRM_OK;
    case CRM_INTERACTION_DIRECTION:
      if (!in(CRM_DIRECTION_NONE, CRM_DIRECTION_OUTBOUND)) return Invalid("direction: is not a CRM_DIRECTION_* value");
      v.direction = static_cast<crm::Direction>(value);
      return CRM_OK;
    case CRM_INTERACTION_OCCURRED_AT: v.occurred_at = value; return CRM_OK;
    case CRM_INTERACTION_CREATED_AT: v.created_at = value; return CRM_OK;
    case CRM_INTERACTION_UPDATED_AT: v.updated_at = value; return CRM_OK;
    case CRM_INTERACTION_DURATION_SECONDS: v.duration_seconds = value; return CRM_OK;
    case CRM_INTERACTION_SATISFACTION:
      if (!in(0, 255)) return Invalid("satisfaction: must be 1 to 5, or 0 for none");
      v.satisfaction = static_cast<std::uint8_t>(value);
      return CRM_OK;
    case CRM_INTERACTION_AMOUNT:
      if (!v.amount) v.amount = crm::Money{};
      v.amount->minor_units = value;
      return CRM_OK;
    case CRM_INTERACTION_OPPORTUNITY:
      if (value < 0) return Invalid("opportunity: must not be negative");
      v.opportunity = static_cast<uint64_t>(value);
      return CRM_OK;
    case CRM_INTERACTION_DUE_AT: v.due_at = value; return CRM_OK;
    case CRM_INTERACTION_DONE: v.done = value != 0; return CRM_OK;
    default: return Invalid("field: not a settable integer field of an interaction");
  }
}

int crm_interaction_log(crm_txn* txn, crm_interaction* i) {
  if (i == nullptr) return Invalid("i: is NULL");
  return WriteInto<crm::Interaction>(txn, i, [&](crm::WriteTxn& t) { return t.LogInteraction(i->v); });
}

int crm_interaction_update(crm_txn* txn, crm_interaction* i) {
  if (i == nullptr) return Invalid("i: is NULL");
  return WriteInto<crm::Interaction>(txn, i, [&](crm::WriteTxn& t) { return t.UpdateInteraction(i->v); });
}

int crm_interaction_delete(crm_txn* txn, uint64_t id) {
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.DeleteInteraction(id); });
}

int crm_interaction_get(crm_interaction** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::Interaction>(out, txn, [&](crm::ReadTxn& t) { return t.GetInteraction(id); });
}

int crm_timeline_query_init(crm_timeline_query* q, unsigned int version) {
  if (q == nullptr) return Invalid("q: is NULL");
  if (version != CRM_TIMELINE_QUERY_VERSION) return Invalid("version: not a crm_timeline_query version this library knows");
  *q = crm_timeline_query CRM_TIMELINE_QUERY_INIT;
  return CRM_OK;
}

int crm_timeline(crm_iter** out, crm_txn* txn, const crm_timeline_query* q) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    if (q == nullptr) return Invalid("q: is NULL");
    if (q->version < 1 || q->version > CRM_TIMELINE_QUERY_VERSION)
      return Invalid("q.version: not a crm_timeline_query version this library knows");
    crm::TimelineQuery query;
    query.customer = q->customer;
    query.newest_first = q->oldest_first == 0;
    query.from = q->from;
    query.to = q->to;
    for (int k = CRM_KIND_CALL; k <= CRM_KIND_OTHER; ++k)
      if (q->kinds & (1u << k)) query.kinds.push_back(static_cast<crm::InteractionKind>(k));
    if ((q->kinds & ~0x1FEu) != 0) return Invalid("q.kinds: has bits that name no CRM_KIND_* value");
    query.limit = PageSize(q->page_size);
    if (int rc = Text(q->page_token, q->page_token_len, "q.page_token", &query.page_token); rc != CRM_OK) return rc;
    crm::ReadTxn* read = ReadOf(txn);
    *out = NewIter(txn, IterKind::kInteraction, query.page_token, [read, query](crm_iter& it) mutable -> absl::Status {
      query.page_token = it.next_token;
      auto page = read->ListTimeline(query);
      if (!page.ok()) return page.status();
      for (crm::Interaction& i : page->interactions) it.interactions.push_back(crm_interaction{std::move(i)});
      it.next_token = page->next_page_token;
      it.exhausted = page->next_page_token.empty();
      return absl::OkStatus();
    });
    return CRM_OK;
  });
}

size_t crm_interaction_custom_count(const crm_interaction* i) { return i == nullptr ? 0 : i->v.custom.size(); }
int crm_interaction_custom_field(const crm_interaction* i, size_t n, const char** name, size_t* name_len, int* type) {
  return i == nullptr ? Invalid("i: is NULL") : CustomField(i->v.custom, n, name, name_len, type);
}
int crm_interaction_custom_value(const crm_interaction* i, size_t n, int64_t* number, const char** text,
                                 size_t* text_len) {
  return i == nullptr ? Invalid("i: is NULL") : CustomValue(i->v.custom, n, number, text, text_len);
}
int crm_interaction_set_custom(crm_interaction* i, const char* name, size_t name_len, int type, int64_t number,
                               const char* text, size_t text_len) {
  return i == nullptr ? Invalid("i: is NULL") : SetCustom(i->v.custom, name, name_len, type, number, text, text_len);
}
int crm_interaction_remove_custom(crm_interaction* i, const char* name, size_t name_len) {
  return i == nullptr ? Invalid("i: is NULL") : RemoveCustom(i->v.custom, name, name_len);
}

int crm_interaction_upsert(crm_txn* txn, crm_interaction* i) {
  if (i == nullptr) return Invalid("i: is NULL");
  return WriteInto<crm::Interaction>(txn, i, [&](crm::WriteTxn& t) { return t.UpsertInteraction(i->v); });
}

int crm_interaction_patch(crm_txn* txn, crm_interaction* i, const char* fields, size_t len) {
  return PatchInto<crm::Interaction>(txn, i, fields, len,
                                 [&](crm::WriteTxn& t, const crm::Patch& p) { return t.PatchInteraction(i->v, p); });
}

int crm_interaction_find_by_external_id(crm_interaction** out, crm_txn* txn, const char* id, size_t len) {
  std::string key;
  if (out != nullptr) *out = nullptr;
  if (int rc = Guard([&] { return Text(id, len, "external_id", &key); }); rc != CRM_OK) return rc;
  return ReadOut<crm::Interaction>(out, txn, [&](crm::ReadTxn& t) { return t.FindInteractionByExternalId(key); });
}
