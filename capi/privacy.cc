// The C ABI: erasure and the erasure log (crm_privacy.h).
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_erasure {
  crm::Erasure v;
};
struct crm_erasure_list {
  std::vector<crm_erasure> v;
};

int crm_customer_erase(crm_txn* txn, uint64_t id, int flags, crm_erasure** out) {
  if (out != nullptr) *out = nullptr;
  if ((flags & ~(CRM_ERASE_KEEP_DEALS | CRM_ERASE_SUPPRESS)) != 0)
    return Invalid("flags: only CRM_ERASE_KEEP_DEALS and CRM_ERASE_SUPPRESS are known");
  crm::EraseOptions options;
  options.keep_deals = (flags & CRM_ERASE_KEEP_DEALS) != 0;
  options.suppress = (flags & CRM_ERASE_SUPPRESS) != 0;
  return WriteOut<crm::Erasure>(out, txn, [&](crm::WriteTxn& t) { return t.EraseCustomer(id, options); });
}

int crm_db_rekey(crm_db* db, const void* key, size_t key_len, const char* passphrase) {
  return Guard([&] {
    if (db == nullptr) return Invalid("db: is NULL");
    if (key == nullptr && key_len != 0) return Invalid("key: NULL with a non-zero length");
    if (key != nullptr && key_len != 32) return Invalid("key_len: must be 32 (bytes)");
    const std::string_view raw = key == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(key), 32);
    if (passphrase != nullptr && *passphrase == '\0') return Invalid("passphrase: is empty");
    return Check(db->store->Rekey(raw, passphrase == nullptr ? std::string_view() : std::string_view(passphrase)));
  });
}

void crm_erasure_free(crm_erasure* e) { delete e; }

int64_t crm_erasure_int(const crm_erasure* e, int field) {
  if (e == nullptr) {
    Fail(CRM_EINVALID, "e: is NULL");
    return 0;
  }
  const crm::Erasure& v = e->v;
  switch (field) {
    case CRM_ERASURE_SEQ: return static_cast<int64_t>(v.seq);
    case CRM_ERASURE_AT: return v.at;
    case CRM_ERASURE_CUSTOMER: return static_cast<int64_t>(v.customer);
    case CRM_ERASURE_INTERACTIONS: return static_cast<int64_t>(v.interactions);
    case CRM_ERASURE_DEALS_ERASED: return static_cast<int64_t>(v.deals_erased);
    case CRM_ERASURE_DEALS_KEPT: return static_cast<int64_t>(v.deals_kept);
    case CRM_ERASURE_CHANGES_REDACTED: return static_cast<int64_t>(v.changes_redacted);
    default:
      Fail(CRM_EINVALID, "field: not an integer field of an erasure (CRM_ERASURE_SEQ ... CRM_ERASURE_CHANGES_REDACTED)");
      return 0;
  }
}

const char* crm_erasure_actor(const crm_erasure* e, size_t* len) {
  if (e == nullptr) {
    Fail(CRM_EINVALID, "e: is NULL");
    if (len != nullptr) *len = 0;
    return nullptr;
  }
  if (len != nullptr) *len = e->v.actor.size();
  return e->v.actor.c_str();
}

size_t crm_erasure_masked_count(const crm_erasure* e) { return e == nullptr ? 0 : e->v.masked.size(); }

const char* crm_erasure_masked(const crm_erasure* e, size_t i, size_t* len) {
  if (len != nullptr) *len = 0;
  if (e == nullptr || i >= e->v.masked.size()) {
    Fail(CRM_EINVALID, "i: past the last masked identifier (or e is NULL)");
    return nullptr;
  }
  if (len != nullptr) *len = e->v.masked[i].size();
  return e->v.masked[i].c_str();
}

int crm_erasure_list_get(crm_erasure_list** out, crm_txn* txn, uint64_t from_seq, size_t limit) {
  return ListOut<crm_erasure_list, crm::Erasure>(out, txn,
                                                  [&](crm::ReadTxn& t) { return t.ListErasures(from_seq, limit); });
}
size_t crm_erasure_list_size(const crm_erasure_list* l) { return l == nullptr ? 0 : l->v.size(); }
const crm_erasure* crm_erasure_list_at(const crm_erasure_list* l, size_t i) {
  if (l == nullptr || i >= l->v.size()) {
    Fail(CRM_EINVALID, "i: past the last erasure (or l is NULL)");
    return nullptr;
  }
  return &l->v[i];
}
void crm_erasure_list_free(crm_erasure_list* l) { delete l; }

int crm_suppress(crm_txn* txn, const char* email_or_phone, size_t len) {
  std::string text;
  if (int rc = Guard([&] { return Text(email_or_phone, len, "email_or_phone", &text); }); rc != CRM_OK) return rc;
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.Suppress(text); });
}

int crm_unsuppress(crm_txn* txn, const char* email_or_phone, size_t len, int* removed) {
  if (removed != nullptr) *removed = 0;
  std::string text;
  if (int rc = Guard([&] { return Text(email_or_phone, len, "email_or_phone", &text); }); rc != CRM_OK) return rc;
  return WriteStatus(txn, [&](crm::WriteTxn& t) -> absl::Status {
    auto r = t.Unsuppress(text);
    if (!r.ok()) return r.status();
    if (removed != nullptr) *removed = *r ? 1 : 0;
    return absl::OkStatus();
  });
}

int crm_is_suppressed(int* out, crm_txn* txn, const char* email_or_phone, size_t len) {
  if (out == nullptr) return Invalid("out: is NULL");
  *out = 0;
  std::string text;
  if (int rc = Guard([&] { return Text(email_or_phone, len, "email_or_phone", &text); }); rc != CRM_OK) return rc;
  return Guard([&] {
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto r = ReadOf(txn)->IsSuppressed(text);
    if (!r.ok()) return Check(r.status());
    *out = *r ? 1 : 0;
    return CRM_OK;
  });
}

int crm_customer_export(char** out, size_t* len, crm_txn* txn, uint64_t id) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (len != nullptr) *len = 0;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto doc = ReadOf(txn)->ExportCustomer(id);
    if (!doc.ok()) return Check(doc.status());
    return MallocCopy(*doc, out, len, "the export");
  });
}
