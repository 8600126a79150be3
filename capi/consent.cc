// The C ABI: consent per purpose and channel (crm_consent.h).
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_consent {
  crm::ConsentRecord v;
};
struct crm_consent_list {
  std::vector<crm_consent> v;
};

namespace {

const FieldSet kConsentFields{"a consent record", "crm_consent", 3, 11,
                              {CRM_CONSENT_ACTOR, CRM_CONSENT_ID, CRM_CONSENT_RECORDED_AT}};

std::string* ConsentText(crm::ConsentRecord& r, int field) {
  switch (field) {
    case CRM_CONSENT_PURPOSE: return &r.purpose;
    case CRM_CONSENT_EVIDENCE: return &r.evidence;
    default: return &r.actor;
  }
}

int64_t ConsentInt(const crm::ConsentRecord& r, int field) {
  switch (field) {
    case CRM_CONSENT_ID: return static_cast<int64_t>(r.id);
    case CRM_CONSENT_RECORDED_AT: return r.recorded_at;
    case CRM_CONSENT_CUSTOMER: return static_cast<int64_t>(r.customer);
    case CRM_CONSENT_CHANNEL: return static_cast<int64_t>(r.channel);
    case CRM_CONSENT_GRANTED: return r.granted ? 1 : 0;
    case CRM_CONSENT_LEGAL_BASIS: return static_cast<int64_t>(r.legal_basis);
    case CRM_CONSENT_SOURCE: return static_cast<int64_t>(r.source);
    case CRM_CONSENT_CAPTURED_AT: return r.captured_at;
    case CRM_CONSENT_VALID_FROM: return r.valid_from;
    case CRM_CONSENT_VALID_TO: return r.valid_to;
    default: return r.confirmed_at;
  }
}

// A small enumeration's value, range-checked here so the cast below cannot wrap; the store
// checks which values are known.
template <class E>
int SetSmall(E* to, int64_t value, const char* name) {
  if (value < 0 || value > 255) return Fail(CRM_EINVALID, absl::StrCat(name, ": is not a known value"));
  *to = static_cast<E>(value);
  return CRM_OK;
}

}  // namespace

int crm_consent_new(crm_consent** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, crm::ConsentRecord{});
  });
}
int crm_consent_clone(crm_consent** out, const crm_consent* c) {
  return Guard([&] { return Clone(out, c); });
}
void crm_consent_free(crm_consent* c) { delete c; }

const char* crm_consent_text(const crm_consent* c, int field, size_t* len) {
  return TextOf(kConsentFields, c, field, len, [&](const crm::ConsentRecord& v) -> const std::string& {
    return *ConsentText(const_cast<crm::ConsentRecord&>(v), field);
  });
}

int crm_consent_set_text(crm_consent* c, int field, const char* s, size_t len) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    if (int rc = CheckField(kConsentFields, field, FieldUse::kWriteText); rc != CRM_OK) return rc;
    return Text(s, len, "value", ConsentText(c->v, field));
  });
}

int crm_consent_get_int(int64_t* out, const crm_consent* c, int field) {
  return IntOf(out, kConsentFields, c, field, ConsentInt);
}

int64_t crm_consent_int(const crm_consent* c, int field) { return IntOrZero(kConsentFields, c, field, ConsentInt); }

int crm_consent_set_int(crm_consent* c, int field, int64_t value) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (int rc = CheckField(kConsentFields, field, FieldUse::kWriteInt); rc != CRM_OK) return rc;
  crm::ConsentRecord& v = c->v;
  switch (field) {
    case CRM_CONSENT_CUSTOMER:
      if (value < 0) return Invalid("customer: must not be negative");
      v.customer = static_cast<uint64_t>(value);
      return CRM_OK;
    case CRM_CONSENT_CHANNEL: return SetSmall(&v.channel, value, "channel");
    case CRM_CONSENT_GRANTED:
      if (value != 0 && value != 1) return Invalid("granted: must be 0 or 1");
      v.granted = value == 1;
      return CRM_OK;
    case CRM_CONSENT_LEGAL_BASIS: return SetSmall(&v.legal_basis, value, "legal_basis");
    case CRM_CONSENT_SOURCE: return SetSmall(&v.source, value, "source");
    case CRM_CONSENT_CAPTURED_AT: v.captured_at = value; return CRM_OK;
    case CRM_CONSENT_VALID_FROM: v.valid_from = value; return CRM_OK;
    case CRM_CONSENT_VALID_TO: v.valid_to = value; return CRM_OK;
    default: v.confirmed_at = value; return CRM_OK;
  }
}

int crm_consent_record(crm_txn* txn, crm_consent* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  return WriteInto<crm::ConsentRecord>(txn, c, [&](crm::WriteTxn& t) { return t.RecordConsent(c->v); });
}

int crm_consent_confirm(crm_consent** out, crm_txn* txn, uint64_t customer, int channel, const char* purpose,
                        size_t len, int64_t at) {
  if (out != nullptr) *out = nullptr;
  std::string text;
  if (int rc = Guard([&] { return Text(purpose, len, "purpose", &text); }); rc != CRM_OK) return rc;
  if (channel < 0 || channel > 255) return Invalid("channel: is not a known channel");
  return WriteOut<crm::ConsentRecord>(out, txn, [&](crm::WriteTxn& t) {
    return t.ConfirmConsent(customer, static_cast<crm::ContactChannel>(channel), text, at);
  });
}

int crm_consent_history(crm_consent_list** out, crm_txn* txn, uint64_t customer) {
  return ListOut<crm_consent_list, crm::ConsentRecord>(out, txn,
                                                      [&](crm::ReadTxn& t) { return t.ConsentHistory(customer); });
}

int crm_consent_current(crm_consent_list** out, crm_txn* txn, uint64_t customer, int64_t at) {
  return ListOut<crm_consent_list, crm::ConsentRecord>(
      out, txn, [&](crm::ReadTxn& t) { return t.CurrentConsents(customer, at); });
}

size_t crm_consent_list_size(const crm_consent_list* l) { return l == nullptr ? 0 : l->v.size(); }
const crm_consent* crm_consent_list_at(const crm_consent_list* l, size_t i) {
  if (l == nullptr || i >= l->v.size()) {
    Fail(CRM_EINVALID, "i: past the last consent record (or l is NULL)");
    return nullptr;
  }
  return &l->v[i];
}
void crm_consent_list_free(crm_consent_list* l) { delete l; }

int crm_can_contact(int* verdict, char** reason, uint64_t* consent, crm_txn* txn, uint64_t customer, int channel,
                    const char* purpose, size_t len, int64_t at) {
  return Guard([&] {
    if (verdict == nullptr) return Invalid("verdict: is NULL");
    *verdict = CRM_VERDICT_NO_CONSENT;
    if (reason != nullptr) *reason = nullptr;
    if (consent != nullptr) *consent = 0;
    std::string text;
    if (int rc = Text(purpose, len, "purpose", &text); rc != CRM_OK) return rc;
    if (channel < 0 || channel > 255) return Invalid("channel: is not a known channel");
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto d = ReadOf(txn)->CanContact(customer, static_cast<crm::ContactChannel>(channel), text, at);
    if (!d.ok()) return Check(d.status());
    if (reason != nullptr)
      if (int rc = MallocCopy(d->reason, reason, nullptr, "the reason"); rc != CRM_OK) return rc;
    *verdict = static_cast<int>(d->verdict);
    if (consent != nullptr) *consent = d->consent;
    return CRM_OK;
  });
}
