// The C ABI over the C++ API. No exception, absl::Status or LMDB code crosses this boundary:
// every entry point catches, maps to a CRM_E* code and records the message per thread.
#include "crm.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crm/error.hpp"
#include "crm/store.hpp"

// ---- handles ----

// Lifetimes: a crm_db shares its store with the transactions begun from it, so closing the
// handle while transactions live closes the store only when the last of them is freed (as
// sqlite3_close_v2 does). An iterator watches its transaction's `live` flag: once the
// transaction has ended (committed, freed, or a crm_db_write callback returned), every call on
// the iterator fails with CRM_EINVALID instead of reading a transaction that is gone.
struct crm_db {
  std::shared_ptr<crm::Store> store;
};

struct crm_txn {
  std::shared_ptr<crm::Store> store;   // keeps the store open while the transaction lives
  std::unique_ptr<crm::ReadTxn> read;  // the transaction (a WriteTxn when `write` is set)
  crm::WriteTxn* write = nullptr;
  bool finished = false;
  bool borrowed = false;  // lent to a crm_db_write callback: not the callback's to commit
  absl::Status last_failure;  // the status behind the last failed call (crm_db_write retries on it)
  std::shared_ptr<std::atomic<bool>> live = std::make_shared<std::atomic<bool>>(true);

  ~crm_txn() { *live = false; }
  // Ends the transaction for its iterators (the handle itself stays until crm_txn_free).
  void End() {
    finished = true;
    *live = false;
  }
};

struct crm_customer {
  crm::Customer v;
};
struct crm_interaction {
  crm::Interaction v;
};
struct crm_pipeline {
  crm::Pipeline v;
};
struct crm_opportunity {
  crm::Opportunity v;
};
struct crm_change {
  crm::Change v;
};

namespace {

enum class IterKind { kCustomer, kInteraction, kPipeline, kOpportunity, kChange };

}  // namespace

struct crm_iter {
  IterKind kind;
  std::shared_ptr<const std::atomic<bool>> txn_live;  // false once the transaction has ended
  std::vector<crm_customer> customers;
  std::vector<crm_interaction> interactions;
  std::vector<crm_pipeline> pipelines;
  std::vector<crm_opportunity> opportunities;
  std::vector<crm_change> changes;
  std::size_t next = 0;           // index of the next item in the current page
  bool has_current = false;
  bool exhausted = false;         // no page after the current one
  std::string next_token;         // continues after the current page
  std::string current_token;      // continues after the current item ("" unless at a page end)
  // Fetches the page after `next_token` into the right vector; sets next_token and exhausted.
  std::function<absl::Status(crm_iter&)> fetch;

  std::size_t size() const {
    switch (kind) {
      case IterKind::kCustomer: return customers.size();
      case IterKind::kInteraction: return interactions.size();
      case IterKind::kPipeline: return pipelines.size();
      case IterKind::kOpportunity: return opportunities.size();
      case IterKind::kChange: return changes.size();
    }
    return 0;
  }
  void clear() {
    customers.clear();
    interactions.clear();
    pipelines.clear();
    opportunities.clear();
    changes.clear();
  }
};

namespace {

thread_local std::string g_errmsg;

int CodeOf(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kOk: return CRM_OK;
    case absl::StatusCode::kNotFound: return CRM_ENOTFOUND;
    case absl::StatusCode::kAlreadyExists: return CRM_EEXISTS;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange: return CRM_EINVALID;
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition:
      switch (crm::ErrorKindOf(s)) {
        case crm::ErrorKind::kReadOnly: return CRM_EREADONLY;
        case crm::ErrorKind::kNewerFormat: return CRM_EVERSION;
        case crm::ErrorKind::kNotADatabase: return CRM_ENOTDB;
        case crm::ErrorKind::kHasDependents: return CRM_EDEPENDENTS;
        case crm::ErrorKind::kTxnFinished: return CRM_EINVALID;
        default: return CRM_ECONFLICT;
      }
    case absl::StatusCode::kDataLoss: return CRM_ECORRUPT;
    case absl::StatusCode::kResourceExhausted: return CRM_EFULL;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated: return CRM_EIO;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded: return CRM_EBUSY;
    default: return CRM_EINTERNAL;
  }
}

int Fail(int code, std::string message) {
  g_errmsg = std::move(message);
  return code;
}

int Check(const absl::Status& s) {
  if (s.ok()) return CRM_OK;
  return Fail(CodeOf(s), std::string(s.message()));
}

int Invalid(const char* what) { return Fail(CRM_EINVALID, what); }

// Runs `body`, turning any exception into a code: nothing escapes through the C ABI.
template <class F>
int Guard(F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(CRM_ENOMEM, "out of memory");
  } catch (const std::exception& e) {
    return Fail(CRM_EINTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return Fail(CRM_EINTERNAL, "internal error");
  }
}

// A string argument: pointer + length, valid UTF-8.
int Text(const char* s, std::size_t len, const char* what, std::string* out) {
  if (s == nullptr && len != 0) return Fail(CRM_EINVALID, std::string(what) + ": NULL with a non-zero length");
  std::string_view v(s == nullptr ? "" : s, len);
  if (!crm::IsValidUtf8(v)) return Fail(CRM_EINVALID, std::string(what) + ": is not valid UTF-8");
  out->assign(v);
  return CRM_OK;
}

const char* Out(const std::string& s, std::size_t* len) {
  if (len != nullptr) *len = s.size();
  return s.c_str();
}

template <class T>
void Set(T* p, T v) {
  if (p != nullptr) *p = v;
}

// The transaction to read through: a write transaction reads too.
crm::ReadTxn* ReadOf(crm_txn* txn) { return txn->write != nullptr ? txn->write : txn->read.get(); }

int NeedTxn(const crm_txn* txn) {
  if (txn == nullptr) return Invalid("txn: is NULL");
  if (txn->finished) return Fail(CRM_EINVALID, "txn: the transaction is already committed");
  return CRM_OK;
}

int NeedWrite(const crm_txn* txn) {
  if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
  if (txn->write == nullptr) return Invalid("txn: a write transaction is needed");
  return CRM_OK;
}

// Stores a new heap object built from `value` into *out.
template <class Handle, class Value>
int Give(Handle** out, Value value) {
  *out = new Handle{std::move(value)};
  return CRM_OK;
}

std::size_t PageSize(std::size_t requested) { return requested == 0 ? 100 : requested; }

// Makes an iterator over `txn` that reads pages with `fetch`, starting from `token`.
crm_iter* NewIter(const crm_txn* txn, IterKind kind, std::string token,
                  std::function<absl::Status(crm_iter&)> fetch) {
  auto* it = new crm_iter{};
  it->kind = kind;
  it->txn_live = txn->live;
  it->next_token = std::move(token);
  it->fetch = std::move(fetch);
  return it;
}

// An iterator over items already in memory (no pages).
template <class Fill>
crm_iter* FixedIter(const crm_txn* txn, IterKind kind, Fill fill) {
  crm_iter* it = NewIter(txn, kind, "", nullptr);
  fill(*it);
  it->exhausted = true;
  it->fetch = [](crm_iter&) { return absl::OkStatus(); };
  it->next = 0;
  return it;
}

// The field numbers of one record kind: text fields 101 .. 100 + texts, integer fields
// 201 .. 200 + ints (crm.h), and which of them the store alone sets.
struct FieldSet {
  const char* record;  // "a customer"
  const char* prefix;  // "crm_customer"
  int texts;
  int ints;
  std::initializer_list<int> read_only;
};

enum class FieldUse { kReadText, kReadInt, kWriteText, kWriteInt };

// CRM_OK when `field` is a field of `set` that `use` may touch; CRM_EINVALID naming the
// problem otherwise.
int CheckField(const FieldSet& set, int field, FieldUse use) {
  const bool text = field > 100 && field <= 100 + set.texts;
  const bool number = field > 200 && field <= 200 + set.ints;
  if (!text && !number) return Fail(CRM_EINVALID, absl::StrCat("field ", field, ": is not a field of ", set.record));
  const bool want_text = use == FieldUse::kReadText || use == FieldUse::kWriteText;
  if (text != want_text)
    return Fail(CRM_EINVALID, absl::StrCat("field ", field, ": is ", text ? "a text field" : "an integer field", " of ",
                                           set.record, "; use ", set.prefix, text ? "_text" : "_get_int"));
  const bool write = use == FieldUse::kWriteText || use == FieldUse::kWriteInt;
  for (int f : set.read_only)
    if (write && f == field)
      return Fail(CRM_EINVALID, absl::StrCat("field ", field, ": is read-only (the store sets it)"));
  return CRM_OK;
}

// A text getter's answer: "" for a NULL record, NULL (with a message) for a wrong field.
template <class Record, class Get>
const char* TextOf(const FieldSet& set, const Record* r, int field, std::size_t* len, Get get) {
  static const std::string kEmpty;
  if (r == nullptr) return Out(kEmpty, len);
  if (CheckField(set, field, FieldUse::kReadText) != CRM_OK) {
    Set<std::size_t>(len, 0);
    return nullptr;
  }
  return Out(get(r->v), len);
}

// A checked integer getter.
template <class Record, class Get>
int IntOf(int64_t* out, const FieldSet& set, const Record* r, int field, Get get) {
  if (out == nullptr) return Invalid("out: is NULL");
  *out = 0;
  if (r == nullptr) return Invalid("the record: is NULL");
  if (int rc = CheckField(set, field, FieldUse::kReadInt); rc != CRM_OK) return rc;
  *out = get(r->v, field);
  return CRM_OK;
}

// The unchecked integer getter of 0.2: 0 (with a message) for a wrong field.
template <class Record, class Get>
int64_t IntOrZero(const FieldSet& set, const Record* r, int field, Get get) {
  int64_t v = 0;
  return IntOf(&v, set, r, field, get) == CRM_OK ? v : 0;
}

const FieldSet kCustomerFields{"a customer", "crm_customer", 10, 13,
                               {CRM_CUSTOMER_ID, CRM_CUSTOMER_CREATED_AT, CRM_CUSTOMER_UPDATED_AT, CRM_CUSTOMER_ARCHIVED,
                                CRM_CUSTOMER_ARCHIVED_AT, CRM_CUSTOMER_LAST_INTERACTION_AT}};
const FieldSet kInteractionFields{"an interaction", "crm_interaction", 6, 14,
                                  {CRM_INTERACTION_ID, CRM_INTERACTION_CREATED_AT, CRM_INTERACTION_UPDATED_AT}};
const FieldSet kOpportunityFields{"an opportunity", "crm_opportunity", 4, 12,
                                  {CRM_OPPORTUNITY_ID, CRM_OPPORTUNITY_CREATED_AT, CRM_OPPORTUNITY_UPDATED_AT,
                                   CRM_OPPORTUNITY_CLOSED_AT, CRM_OPPORTUNITY_PROBABILITY_OVERRIDDEN,
                                   CRM_OPPORTUNITY_LOST_REASON}};

}  // namespace

// The definitions below take their C linkage from their declarations in crm.h.

const char* crm_errmsg(void) { return g_errmsg.c_str(); }

const char* crm_strerror(int code) {
  switch (code) {
    case CRM_OK: return "ok";
    case CRM_ENOTFOUND: return "not found";
    case CRM_EEXISTS: return "already exists";
    case CRM_EINVALID: return "invalid argument";
    case CRM_ECONFLICT: return "conflict with the current state";
    case CRM_ECORRUPT: return "stored data is corrupt";
    case CRM_EFULL: return "disk or database full";
    case CRM_EIO: return "input/output error";
    case CRM_EBUSY: return "busy";
    case CRM_ENOMEM: return "out of memory";
    case CRM_EINTERNAL: return "internal error";
    case CRM_EREADONLY: return "the database is open read-only";
    case CRM_EVERSION: return "the file was written by a newer libcrm";
    case CRM_EDEPENDENTS: return "other records still depend on it";
    case CRM_ENOTDB: return "the file is not a libcrm database";
    case CRM_ITEROVER: return "iteration over";
    default: return "unknown result code";
  }
}

void crm_free(void* p) { std::free(p); }

const char* crm_version(int* major, int* minor, int* patch) {
  Set(major, CRM_VERSION_MAJOR);
  Set(minor, CRM_VERSION_MINOR);
  Set(patch, CRM_VERSION_PATCH);
  return CRM_VERSION_STRING;
}

// ---- database and transactions ----

int crm_options_init(crm_options* opts, unsigned int version) {
  if (opts == nullptr) return Invalid("opts: is NULL");
  if (version != CRM_OPTIONS_VERSION) return Invalid("version: not a crm_options version this library knows");
  *opts = crm_options CRM_OPTIONS_INIT;
  return CRM_OK;
}

int crm_db_open(crm_db** out, const char* path, const crm_options* opts) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (path == nullptr) return Invalid("path: is NULL");
    crm::StoreOptions o;
    if (opts != nullptr) {
      if (opts->version < 1 || opts->version > CRM_OPTIONS_VERSION)
        return Invalid("opts.version: not a crm_options version this library knows");
      o.create_if_missing = opts->create_if_missing != 0;
      o.read_only = opts->read_only != 0;
      o.sync = opts->no_sync == 0;
      if (opts->initial_map_size != 0) o.initial_map_size = opts->initial_map_size;
      if (opts->max_map_size != 0) o.max_map_size = opts->max_map_size;
      if (opts->default_actor != nullptr) o.default_actor = opts->default_actor;
    }
    auto store = crm::Store::Open(path, std::move(o));
    if (!store.ok()) return Check(store.status());
    return Give(out, *std::move(store));
  });
}

// Transactions still open keep the store open until they are freed (see crm_db).
void crm_db_close(crm_db* db) { delete db; }

int crm_txn_begin_read(crm_txn** out, crm_db* db) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (db == nullptr) return Invalid("db: is NULL");
    auto txn = db->store->BeginRead();
    if (!txn.ok()) return Check(txn.status());
    auto* t = new crm_txn;
    t->store = db->store;
    t->read = std::make_unique<crm::ReadTxn>(*std::move(txn));
    *out = t;
    return CRM_OK;
  });
}

int crm_txn_begin_write(crm_txn** out, crm_db* db, const char* actor, size_t actor_len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (db == nullptr) return Invalid("db: is NULL");
    std::string who;
    if (int rc = Text(actor, actor_len, "actor", &who); rc != CRM_OK) return rc;
    auto txn = db->store->BeginWrite(who);
    if (!txn.ok()) return Check(txn.status());
    auto* t = new crm_txn;
    t->store = db->store;
    auto write = std::make_unique<crm::WriteTxn>(*std::move(txn));
    t->write = write.get();
    t->read = std::move(write);
    *out = t;
    return CRM_OK;
  });
}

int crm_txn_commit(crm_txn* txn) {
  return Guard([&] {
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    if (txn->borrowed) return Invalid("txn: crm_db_write commits this transaction itself");
    txn->End();
    if (txn->write == nullptr) {
      txn->read.reset();
      return CRM_OK;
    }
    return Check(txn->write->Commit());
  });
}

void crm_txn_free(crm_txn* txn) {
  if (txn != nullptr && txn->borrowed) return;  // crm_db_write owns it
  delete txn;
}

int crm_db_write(crm_db* db, const char* actor, size_t actor_len, crm_write_fn fn, void* arg) {
  return Guard([&] {
    if (db == nullptr) return Invalid("db: is NULL");
    if (fn == nullptr) return Invalid("fn: is NULL");
    std::string who;
    if (int rc = Text(actor, actor_len, "actor", &who); rc != CRM_OK) return rc;
    int result = CRM_OK;
    absl::Status s = db->store->Write(who, [&](crm::WriteTxn& write) -> absl::Status {
      crm_txn lent;
      lent.write = &write;
      lent.borrowed = true;
      // `read` stays empty: reads go through `write` (ReadOf).
      result = fn(&lent, arg);
      if (result == CRM_OK) return absl::OkStatus();
      // Hand the failure back with its cause, so that running out of map space is retried.
      if (!lent.last_failure.ok()) return lent.last_failure;
      return absl::CancelledError(crm_errmsg());
    });
    if (s.ok()) return CRM_OK;
    if (absl::IsCancelled(s)) return result;  // fn's own result, its message untouched
    if (result != CRM_OK && CodeOf(s) == result) return result;
    return Check(s);
  });
}

// ---- money ----

int crm_currency_digits(const char* code, size_t len) {
  return Guard([&] {
    std::string c;
    if (int rc = Text(code, len, "currency", &c); rc != CRM_OK) return rc;
    std::optional<int> digits = crm::CurrencyMinorDigits(c);
    if (!digits) return Fail(CRM_EINVALID, "currency: '" + c + "' is not a known ISO 4217 code");
    return *digits;
  });
}

// ---- iterators ----

int crm_iter_next(crm_iter* it) {
  return Guard([&] {
    if (it == nullptr) return Invalid("it: is NULL");
    it->has_current = false;
    it->current_token.clear();
    if (!*it->txn_live)
      return Fail(CRM_EINVALID, "it: the transaction it was made from has ended (committed or freed)");
    while (it->next >= it->size()) {
      if (it->exhausted) return CRM_ITEROVER;
      it->clear();
      it->next = 0;
      if (int rc = Check(it->fetch(*it)); rc != CRM_OK) {
        it->exhausted = true;
        return rc;
      }
    }
    ++it->next;
    it->has_current = true;
    if (it->next == it->size() && !it->exhausted) it->current_token = it->next_token;
    return CRM_OK;
  });
}

const crm_customer* crm_iter_customer(const crm_iter* it) {
  if (it == nullptr || !it->has_current || it->kind != IterKind::kCustomer) return nullptr;
  return &it->customers[it->next - 1];
}
const crm_interaction* crm_iter_interaction(const crm_iter* it) {
  if (it == nullptr || !it->has_current || it->kind != IterKind::kInteraction) return nullptr;
  return &it->interactions[it->next - 1];
}
const crm_pipeline* crm_iter_pipeline(const crm_iter* it) {
  if (it == nullptr || !it->has_current || it->kind != IterKind::kPipeline) return nullptr;
  return &it->pipelines[it->next - 1];
}
const crm_opportunity* crm_iter_opportunity(const crm_iter* it) {
  if (it == nullptr || !it->has_current || it->kind != IterKind::kOpportunity) return nullptr;
  return &it->opportunities[it->next - 1];
}
const crm_change* crm_iter_change(const crm_iter* it) {
  if (it == nullptr || !it->has_current || it->kind != IterKind::kChange) return nullptr;
  return &it->changes[it->next - 1];
}

const char* crm_iter_page_token(const crm_iter* it, size_t* len) {
  static const std::string kEmpty;
  return Out(it == nullptr ? kEmpty : it->current_token, len);
}

namespace {

// Moves the current item of `items` (an iterator of `kind`) into a new handle in *out.
template <class Handle>
int Take(Handle** out, crm_iter* it, IterKind kind, std::vector<Handle> crm_iter::*items) {
  if (out == nullptr) return Invalid("out: is NULL");
  *out = nullptr;
  if (it == nullptr) return Invalid("it: is NULL");
  if (it->kind != kind) return Invalid("it: holds another kind of record");
  if (!it->has_current) return Invalid("it: has no current item (call crm_iter_next first)");
  it->has_current = false;
  return Give(out, std::move((it->*items)[it->next - 1].v));
}

// Moves up to `max` items, stopping at a page end, into out[0..*n).
template <class Handle>
int TakeMany(Handle** out, std::size_t max, std::size_t* n, crm_iter* it, IterKind kind,
             std::vector<Handle> crm_iter::*items) {
  if (n == nullptr) return Invalid("n: is NULL");
  *n = 0;
  if (out == nullptr && max != 0) return Invalid("out: is NULL");
  if (it == nullptr) return Invalid("it: is NULL");
  if (it->kind != kind) return Invalid("it: holds another kind of record");
  while (*n < max) {
    const int rc = crm_iter_next(it);
    if (rc == CRM_ITEROVER) break;
    if (rc != CRM_OK) return rc;
    it->has_current = false;
    out[(*n)++] = new Handle{std::move((it->*items)[it->next - 1].v)};
    if (it->next >= it->size()) break;  // a page end: the token continues after this item
  }
  return CRM_OK;
}

template <class Handle>
int Clone(Handle** out, const Handle* h) {
  if (out == nullptr) return Invalid("out: is NULL");
  *out = nullptr;
  if (h == nullptr) return Invalid("the record to clone: is NULL");
  return Give(out, h->v);
}

}  // namespace

int crm_iter_take_customer(crm_customer** out, crm_iter* it) {
  return Guard([&] { return Take(out, it, IterKind::kCustomer, &crm_iter::customers); });
}
int crm_iter_take_interaction(crm_interaction** out, crm_iter* it) {
  return Guard([&] { return Take(out, it, IterKind::kInteraction, &crm_iter::interactions); });
}
int crm_iter_take_pipeline(crm_pipeline** out, crm_iter* it) {
  return Guard([&] { return Take(out, it, IterKind::kPipeline, &crm_iter::pipelines); });
}
int crm_iter_take_opportunity(crm_opportunity** out, crm_iter* it) {
  return Guard([&] { return Take(out, it, IterKind::kOpportunity, &crm_iter::opportunities); });
}
int crm_iter_take_change(crm_change** out, crm_iter* it) {
  return Guard([&] { return Take(out, it, IterKind::kChange, &crm_iter::changes); });
}

int crm_iter_take_customers(crm_customer** out, size_t max, size_t* n, crm_iter* it) {
  return Guard([&] { return TakeMany(out, max, n, it, IterKind::kCustomer, &crm_iter::customers); });
}
int crm_iter_take_interactions(crm_interaction** out, size_t max, size_t* n, crm_iter* it) {
  return Guard([&] { return TakeMany(out, max, n, it, IterKind::kInteraction, &crm_iter::interactions); });
}
int crm_iter_take_pipelines(crm_pipeline** out, size_t max, size_t* n, crm_iter* it) {
  return Guard([&] { return TakeMany(out, max, n, it, IterKind::kPipeline, &crm_iter::pipelines); });
}
int crm_iter_take_opportunities(crm_opportunity** out, size_t max, size_t* n, crm_iter* it) {
  return Guard([&] { return TakeMany(out, max, n, it, IterKind::kOpportunity, &crm_iter::opportunities); });
}
int crm_iter_take_changes(crm_change** out, size_t max, size_t* n, crm_iter* it) {
  return Guard([&] { return TakeMany(out, max, n, it, IterKind::kChange, &crm_iter::changes); });
}

void crm_iter_free(crm_iter* it) { delete it; }

// ---- customers ----

namespace {

std::string* CustomerText(crm::Customer& c, int field) {
  switch (field) {
    case CRM_CUSTOMER_DISPLAY_NAME: return &c.display_name;
    case CRM_CUSTOMER_GIVEN_NAME: return &c.given_name;
    case CRM_CUSTOMER_FAMILY_NAME: return &c.family_name;
    case CRM_CUSTOMER_OWNER: return &c.owner;
    case CRM_CUSTOMER_EXTERNAL_ID: return &c.external_id;
    case CRM_CUSTOMER_STREET: return &c.address.street;
    case CRM_CUSTOMER_CITY: return &c.address.city;
    case CRM_CUSTOMER_REGION: return &c.address.region;
    case CRM_CUSTOMER_POSTAL_CODE: return &c.address.postal_code;
    case CRM_CUSTOMER_COUNTRY: return &c.address.country;
    default: return nullptr;
  }
}

}  // namespace

int crm_customer_new(crm_customer** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, crm::Customer{});
  });
}

int crm_customer_clone(crm_customer** out, const crm_customer* c) {
  return Guard([&] {
    if (out == nullptr || c == nullptr) return Invalid("out and c: must not be NULL");
    return Give(out, c->v);
  });
}

void crm_customer_free(crm_customer* c) { delete c; }

const char* crm_customer_text(const crm_customer* c, int field, size_t* len) {
  return TextOf(kCustomerFields, c, field, len,
                [&](const crm::Customer& v) -> const std::string& { return *CustomerText(const_cast<crm::Customer&>(v), field); });
}

int crm_customer_set_text(crm_customer* c, int field, const char* s, size_t len) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    if (int rc = CheckField(kCustomerFields, field, FieldUse::kWriteText); rc != CRM_OK) return rc;
    return Text(s, len, "value", CustomerText(c->v, field));
  });
}

namespace {
int64_t CustomerInt(const crm::Customer& v, int field) {
  switch (field) {
    case CRM_CUSTOMER_ID: return static_cast<int64_t>(v.id);
    case CRM_CUSTOMER_REVISION: return static_cast<int64_t>(v.revision);
    case CRM_CUSTOMER_CREATED_AT: return v.created_at;
    case CRM_CUSTOMER_UPDATED_AT: return v.updated_at;
    case CRM_CUSTOMER_ARCHIVED: return v.archived;
    case CRM_CUSTOMER_ARCHIVED_AT: return v.archived_at;
    case CRM_CUSTOMER_KIND: return static_cast<int64_t>(v.kind);
    case CRM_CUSTOMER_STAGE: return static_cast<int64_t>(v.stage);
    case CRM_CUSTOMER_EMAIL_OPT_IN: return v.consent.email_opt_in;
    case CRM_CUSTOMER_EMAIL_LEGAL_BASIS: return static_cast<int64_t>(v.consent.email_legal_basis);
    case CRM_CUSTOMER_EMAIL_OPT_IN_AT: return v.consent.email_opt_in_at;
    case CRM_CUSTOMER_DO_NOT_CALL: return v.consent.do_not_call;
    case CRM_CUSTOMER_LAST_INTERACTION_AT: return v.last_interaction_at;
    default: return 0;
  }
}
}  // namespace

int crm_customer_get_int(int64_t* out, const crm_customer* c, int field) {
  return IntOf(out, kCustomerFields, c, field, CustomerInt);
}
int64_t crm_customer_int(const crm_customer* c, int field) { return IntOrZero(kCustomerFields, c, field, CustomerInt); }

int crm_customer_set_int(crm_customer* c, int field, int64_t value) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (int rc = CheckField(kCustomerFields, field, FieldUse::kWriteInt); rc != CRM_OK) return rc;
  crm::Customer& v = c->v;
  const auto in = [&](int64_t lo, int64_t hi) { return value >= lo && value <= hi; };
  switch (field) {
    case CRM_CUSTOMER_REVISION:
      if (value < 0) return Invalid("revision: must not be negative");
      v.revision = static_cast<uint64_t>(value);
      return CRM_OK;
    case CRM_CUSTOMER_KIND:
      if (!in(CRM_PERSON, CRM_ORGANIZATION)) return Invalid("kind: must be CRM_PERSON or CRM_ORGANIZATION");
      v.kind = static_cast<crm::CustomerKind>(value);
      return CRM_OK;
    case CRM_CUSTOMER_STAGE:
      if (!in(CRM_STAGE_SUBSCRIBER, CRM_STAGE_OTHER)) return Invalid("stage: is not a CRM_STAGE_* value");
      v.stage = static_cast<crm::LifecycleStage>(value);
      return CRM_OK;
    case CRM_CUSTOMER_EMAIL_OPT_IN: v.consent.email_opt_in = value != 0; return CRM_OK;
    case CRM_CUSTOMER_EMAIL_LEGAL_BASIS:
      if (!in(CRM_BASIS_NONE, CRM_BASIS_LEGITIMATE_INTERESTS)) return Invalid("email_legal_basis: is not a CRM_BASIS_* value");
      v.consent.email_legal_basis = static_cast<crm::LegalBasis>(value);
      return CRM_OK;
    case CRM_CUSTOMER_EMAIL_OPT_IN_AT: v.consent.email_opt_in_at = value; return CRM_OK;
    case CRM_CUSTOMER_DO_NOT_CALL: v.consent.do_not_call = value != 0; return CRM_OK;
    default: return Invalid("field: not a settable integer field of a customer");
  }
}

size_t crm_customer_email_count(const crm_customer* c) { return c == nullptr ? 0 : c->v.emails.size(); }

int crm_customer_email(const crm_customer* c, size_t i, const char** address, size_t* address_len, const char** label,
                       size_t* label_len, int* primary) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.emails.size()) return Fail(CRM_ENOTFOUND, "i: past the last email");
  const crm::Email& e = c->v.emails[i];
  Set(address, Out(e.address, address_len));
  Set(label, Out(e.label, label_len));
  Set(primary, e.primary ? 1 : 0);
  return CRM_OK;
}

int crm_customer_add_email(crm_customer* c, const char* address, size_t address_len, const char* label,
                           size_t label_len, int primary) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    crm::Email e;
    if (int rc = Text(address, address_len, "address", &e.address); rc != CRM_OK) return rc;
    if (int rc = Text(label, label_len, "label", &e.label); rc != CRM_OK) return rc;
    e.primary = primary != 0;
    c->v.emails.push_back(std::move(e));
    return CRM_OK;
  });
}

size_t crm_customer_phone_count(const crm_customer* c) { return c == nullptr ? 0 : c->v.phones.size(); }

int crm_customer_phone(const crm_customer* c, size_t i, const char** number, size_t* number_len, const char** label,
                       size_t* label_len, int* primary) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.phones.size()) return Fail(CRM_ENOTFOUND, "i: past the last phone");
  const crm::Phone& p = c->v.phones[i];
  Set(number, Out(p.number, number_len));
  Set(label, Out(p.label, label_len));
  Set(primary, p.primary ? 1 : 0);
  return CRM_OK;
}

int crm_customer_add_phone(crm_customer* c, const char* number, size_t number_len, const char* label,
                           size_t label_len, int primary) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    crm::Phone p;
    if (int rc = Text(number, number_len, "number", &p.number); rc != CRM_OK) return rc;
    if (int rc = Text(label, label_len, "label", &p.label); rc != CRM_OK) return rc;
    p.primary = primary != 0;
    c->v.phones.push_back(std::move(p));
    return CRM_OK;
  });
}

size_t crm_customer_tag_count(const crm_customer* c) { return c == nullptr ? 0 : c->v.tags.size(); }

const char* crm_customer_tag(const crm_customer* c, size_t i, size_t* len) {
  static const std::string kEmpty;
  if (c == nullptr || i >= c->v.tags.size()) return Out(kEmpty, len);
  return Out(c->v.tags[i], len);
}

int crm_customer_add_tag(crm_customer* c, const char* tag, size_t len) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    std::string t;
    if (int rc = Text(tag, len, "tag", &t); rc != CRM_OK) return rc;
    c->v.tags.push_back(std::move(t));
    return CRM_OK;
  });
}

size_t crm_customer_membership_count(const crm_customer* c) { return c == nullptr ? 0 : c->v.memberships.size(); }

int crm_customer_membership(const crm_customer* c, size_t i, uint64_t* organization, const char** role,
                            size_t* role_len) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.memberships.size()) return Fail(CRM_ENOTFOUND, "i: past the last membership");
  const crm::Membership& m = c->v.memberships[i];
  Set(organization, static_cast<uint64_t>(m.organization));
  Set(role, Out(m.role, role_len));
  return CRM_OK;
}

int crm_customer_add_membership(crm_customer* c, uint64_t organization, const char* role, size_t role_len) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    crm::Membership m;
    m.organization = organization;
    if (int rc = Text(role, role_len, "role", &m.role); rc != CRM_OK) return rc;
    c->v.memberships.push_back(std::move(m));
    return CRM_OK;
  });
}

int crm_customer_clear(crm_customer* c, int list) {
  if (c == nullptr) return Invalid("c: is NULL");
  switch (list) {
    case CRM_LIST_EMAILS: c->v.emails.clear(); return CRM_OK;
    case CRM_LIST_PHONES: c->v.phones.clear(); return CRM_OK;
    case CRM_LIST_TAGS: c->v.tags.clear(); return CRM_OK;
    case CRM_LIST_MEMBERSHIPS: c->v.memberships.clear(); return CRM_OK;
    case CRM_LIST_CUSTOM: c->v.custom.clear(); return CRM_OK;
    default: return Invalid("list: is not a CRM_LIST_* value");
  }
}

size_t crm_customer_custom_count(const crm_customer* c) { return c == nullptr ? 0 : c->v.custom.size(); }

int crm_customer_custom_field(const crm_customer* c, size_t i, const char** name, size_t* name_len, int* type) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.custom.size()) return Fail(CRM_ENOTFOUND, "i: past the last custom field");
  const auto& [key, value] = *(c->v.custom.begin() + static_cast<std::ptrdiff_t>(i));
  Set(name, Out(key, name_len));
  Set(type, static_cast<int>(value.index()) + 1);  // the variant's order is CRM_VALUE_* order
  return CRM_OK;
}

int crm_customer_custom_value(const crm_customer* c, size_t i, int64_t* number, const char** text,
                              size_t* text_len) {
  static const std::string kEmpty;
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.custom.size()) return Fail(CRM_ENOTFOUND, "i: past the last custom field");
  const crm::CustomValue& value = (c->v.custom.begin() + static_cast<std::ptrdiff_t>(i))->second;
  Set(number, int64_t{0});
  Set(text, Out(kEmpty, text_len));
  if (const auto* s = std::get_if<std::string>(&value)) {
    Set(text, Out(*s, text_len));
  } else if (const auto* n = std::get_if<std::int64_t>(&value)) {
    Set(number, *n);
  } else if (const auto* m = std::get_if<crm::Money>(&value)) {
    Set(number, m->minor_units);
    Set(text, Out(m->currency, text_len));
  } else if (const auto* d = std::get_if<crm::DateTime>(&value)) {
    Set(number, d->micros);
  } else {
    Set(number, int64_t{std::get<bool>(value) ? 1 : 0});
  }
  return CRM_OK;
}

int crm_customer_set_custom(crm_customer* c, const char* name, size_t name_len, int type, int64_t number,
                            const char* text, size_t text_len) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    std::string key, str;
    if (int rc = Text(name, name_len, "name", &key); rc != CRM_OK) return rc;
    if (int rc = Text(text, text_len, "text", &str); rc != CRM_OK) return rc;
    crm::CustomValue value;
    switch (type) {
      case CRM_VALUE_TEXT: value = std::move(str); break;
      case CRM_VALUE_INT: value = std::int64_t{number}; break;
      case CRM_VALUE_MONEY: value = crm::Money{number, std::move(str)}; break;
      case CRM_VALUE_TIME: value = crm::DateTime{number}; break;
      case CRM_VALUE_BOOL: value = number != 0; break;
      default: return Invalid("type: is not a CRM_VALUE_* value");
    }
    c->v.custom[std::move(key)] = std::move(value);
    return CRM_OK;
  });
}

int crm_customer_remove_custom(crm_customer* c, const char* name, size_t name_len) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    std::string key;
    if (int rc = Text(name, name_len, "name", &key); rc != CRM_OK) return rc;
    if (c->v.custom.erase(key) == 0) return Fail(CRM_ENOTFOUND, "name: no such custom field");
    return CRM_OK;
  });
}

namespace {

// Runs a write that returns a record and stores the result into `target` (when given).
// The result of a call made in `txn`, remembered on the transaction when it failed.
int CheckIn(crm_txn* txn, const absl::Status& s) {
  if (!s.ok()) txn->last_failure = s;
  return Check(s);
}

template <class T, class Handle, class F>
int WriteInto(crm_txn* txn, Handle* target, F call) {
  return Guard([&] {
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    absl::StatusOr<T> r = call(*txn->write);
    if (!r.ok()) return CheckIn(txn, r.status());
    if (target != nullptr) target->v = *std::move(r);
    return CRM_OK;
  });
}

// Runs a write returning a record into a new handle in *out (out may be NULL).
template <class T, class Handle, class F>
int WriteOut(Handle** out, crm_txn* txn, F call) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    absl::StatusOr<T> r = call(*txn->write);
    if (!r.ok()) return CheckIn(txn, r.status());
    if (out != nullptr) *out = new Handle{*std::move(r)};
    return CRM_OK;
  });
}

// Runs a read returning a record into a new handle in *out.
template <class T, class Handle, class F>
int ReadOut(Handle** out, crm_txn* txn, F call) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    absl::StatusOr<T> r = call(*ReadOf(txn));
    if (!r.ok()) return Check(r.status());
    *out = new Handle{*std::move(r)};
    return CRM_OK;
  });
}

template <class F>
int WriteStatus(crm_txn* txn, F call) {
  return Guard([&] {
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    return CheckIn(txn, call(*txn->write));
  });
}

}  // namespace

int crm_customer_create(crm_txn* txn, crm_customer* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  return WriteInto<crm::Customer>(txn, c, [&](crm::WriteTxn& t) { return t.CreateCustomer(c->v); });
}

int crm_customer_update(crm_txn* txn, crm_customer* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  return WriteInto<crm::Customer>(txn, c, [&](crm::WriteTxn& t) { return t.UpdateCustomer(c->v); });
}

int crm_customer_upsert(crm_txn* txn, crm_customer* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  return WriteInto<crm::Customer>(txn, c, [&](crm::WriteTxn& t) { return t.UpsertCustomer(c->v); });
}

int crm_customer_archive(crm_customer** out, crm_txn* txn, uint64_t id) {
  return WriteOut<crm::Customer>(out, txn, [&](crm::WriteTxn& t) { return t.ArchiveCustomer(id); });
}

int crm_customer_restore(crm_customer** out, crm_txn* txn, uint64_t id) {
  return WriteOut<crm::Customer>(out, txn, [&](crm::WriteTxn& t) { return t.RestoreCustomer(id); });
}

int crm_customer_delete(crm_txn* txn, uint64_t id, int cascade) {
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.DeleteCustomer(id, crm::DeleteOptions{cascade != 0}); });
}

int crm_customer_get(crm_customer** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::Customer>(out, txn, [&](crm::ReadTxn& t) { return t.GetCustomer(id); });
}

int crm_customer_find_by_email(crm_customer** out, crm_txn* txn, const char* email, size_t len) {
  std::string key;
  if (out != nullptr) *out = nullptr;
  if (int rc = Guard([&] { return Text(email, len, "email", &key); }); rc != CRM_OK) return rc;
  return ReadOut<crm::Customer>(out, txn, [&](crm::ReadTxn& t) { return t.FindCustomerByEmail(key); });
}

int crm_customer_find_by_external_id(crm_customer** out, crm_txn* txn, const char* id, size_t len) {
  std::string key;
  if (out != nullptr) *out = nullptr;
  if (int rc = Guard([&] { return Text(id, len, "external_id", &key); }); rc != CRM_OK) return rc;
  return ReadOut<crm::Customer>(out, txn, [&](crm::ReadTxn& t) { return t.FindCustomerByExternalId(key); });
}

int crm_customer_find_by_phone(crm_iter** out, crm_txn* txn, const char* phone, size_t len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    std::string key;
    if (int rc = Text(phone, len, "phone", &key); rc != CRM_OK) return rc;
    auto found = ReadOf(txn)->FindCustomersByPhone(key);
    if (!found.ok()) return Check(found.status());
    *out = FixedIter(txn, IterKind::kCustomer, [&](crm_iter& it) {
      for (crm::Customer& c : *found) it.customers.push_back(crm_customer{std::move(c)});
    });
    return CRM_OK;
  });
}

int crm_customer_query_init(crm_customer_query* q, unsigned int version) {
  if (q == nullptr) return Invalid("q: is NULL");
  if (version != CRM_CUSTOMER_QUERY_VERSION) return Invalid("version: not a crm_customer_query version this library knows");
  *q = crm_customer_query CRM_CUSTOMER_QUERY_INIT;
  return CRM_OK;
}

namespace {

int ToQuery(const crm_customer_query* q, crm::CustomerQuery* out) {
  if (q == nullptr) return Invalid("q: is NULL");
  if (q->version < 1 || q->version > CRM_CUSTOMER_QUERY_VERSION)
    return Invalid("q.version: not a crm_customer_query version this library knows");
  if (q->by < CRM_BY_ALL || q->by > CRM_BY_NOT_CONTACTED_SINCE) return Invalid("q.by: is not a CRM_BY_* value");
  out->by = static_cast<crm::CustomerQuery::By>(q->by);
  if (int rc = Text(q->text, q->text_len, "q.text", &out->text); rc != CRM_OK) return rc;
  if (q->by == CRM_BY_STAGE && (q->stage < CRM_STAGE_SUBSCRIBER || q->stage > CRM_STAGE_OTHER))
    return Invalid("q.stage: is not a CRM_STAGE_* value");
  out->stage = static_cast<crm::LifecycleStage>(q->stage);
  out->organization = q->organization;
  out->since = q->since;
  out->include_archived = q->include_archived != 0;
  out->limit = PageSize(q->page_size);
  return Text(q->page_token, q->page_token_len, "q.page_token", &out->page_token);
}

}  // namespace

int crm_customer_list(crm_iter** out, crm_txn* txn, const crm_customer_query* q) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::CustomerQuery query;
    if (int rc = ToQuery(q, &query); rc != CRM_OK) return rc;
    crm::ReadTxn* read = ReadOf(txn);
    std::string token = query.page_token;
    *out = NewIter(txn, IterKind::kCustomer, token, [read, query](crm_iter& it) mutable -> absl::Status {
      query.page_token = it.next_token;
      auto page = read->ListCustomers(query);
      if (!page.ok()) return page.status();
      for (crm::Customer& c : page->customers) it.customers.push_back(crm_customer{std::move(c)});
      it.next_token = page->next_page_token;
      it.exhausted = page->next_page_token.empty();
      return absl::OkStatus();
    });
    return CRM_OK;
  });
}

int crm_customer_count(uint64_t* out, crm_txn* txn, const crm_customer_query* q) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::CustomerQuery query;
    if (int rc = ToQuery(q, &query); rc != CRM_OK) return rc;
    auto n = ReadOf(txn)->CountCustomers(query);
    if (!n.ok()) return Check(n.status());
    *out = *n;
    return CRM_OK;
  });
}

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

// ---- pipelines ----

int crm_pipeline_new(crm_pipeline** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, crm::Pipeline{});
  });
}

int crm_pipeline_clone(crm_pipeline** out, const crm_pipeline* p) {
  return Guard([&] { return Clone(out, p); });
}
void crm_pipeline_free(crm_pipeline* p) { delete p; }
uint64_t crm_pipeline_id(const crm_pipeline* p) { return p == nullptr ? 0 : p->v.id; }
uint64_t crm_pipeline_revision(const crm_pipeline* p) { return p == nullptr ? 0 : p->v.revision; }

const char* crm_pipeline_name(const crm_pipeline* p, size_t* len) {
  static const std::string kEmpty;
  return Out(p == nullptr ? kEmpty : p->v.name, len);
}

int crm_pipeline_set_name(crm_pipeline* p, const char* name, size_t len) {
  return Guard([&] {
    if (p == nullptr) return Invalid("p: is NULL");
    return Text(name, len, "name", &p->v.name);
  });
}

size_t crm_pipeline_stage_count(const crm_pipeline* p) { return p == nullptr ? 0 : p->v.stages.size(); }

int crm_pipeline_stage(const crm_pipeline* p, size_t i, uint32_t* id, const char** name, size_t* name_len,
                       int* probability, int* outcome) {
  if (p == nullptr) return Invalid("p: is NULL");
  if (i >= p->v.stages.size()) return Fail(CRM_ENOTFOUND, "i: past the last stage");
  const crm::Stage& s = p->v.stages[i];
  Set(id, static_cast<uint32_t>(s.id));
  Set(name, Out(s.name, name_len));
  Set(probability, s.probability);
  Set(outcome, static_cast<int>(s.outcome));
  return CRM_OK;
}

int crm_pipeline_add_stage(crm_pipeline* p, uint32_t id, const char* name, size_t name_len, int probability,
                           int outcome) {
  return Guard([&] {
    if (p == nullptr) return Invalid("p: is NULL");
    if (outcome < CRM_OUTCOME_OPEN || outcome > CRM_OUTCOME_LOST) return Invalid("outcome: is not a CRM_OUTCOME_* value");
    crm::Stage s;
    s.id = id;
    if (int rc = Text(name, name_len, "name", &s.name); rc != CRM_OK) return rc;
    s.probability = probability;
    s.outcome = static_cast<crm::StageOutcome>(outcome);
    p->v.stages.push_back(std::move(s));
    return CRM_OK;
  });
}

int crm_pipeline_clear_stages(crm_pipeline* p) {
  if (p == nullptr) return Invalid("p: is NULL");
  p->v.stages.clear();
  return CRM_OK;
}

uint32_t crm_pipeline_stage_id(const crm_pipeline* p, const char* name, size_t len) {
  if (p == nullptr || (name == nullptr && len != 0)) return 0;
  const crm::Stage* s = p->v.FindStage(std::string_view(name == nullptr ? "" : name, len));
  return s == nullptr ? 0 : s->id;
}

int crm_pipeline_create(crm_txn* txn, crm_pipeline* p) {
  if (p == nullptr) return Invalid("p: is NULL");
  return WriteInto<crm::Pipeline>(txn, p, [&](crm::WriteTxn& t) { return t.CreatePipeline(p->v); });
}

int crm_pipeline_update(crm_txn* txn, crm_pipeline* p) {
  if (p == nullptr) return Invalid("p: is NULL");
  return WriteInto<crm::Pipeline>(txn, p, [&](crm::WriteTxn& t) { return t.UpdatePipeline(p->v); });
}

int crm_pipeline_delete(crm_txn* txn, uint64_t id) {
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.DeletePipeline(id); });
}

int crm_pipeline_get(crm_pipeline** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::Pipeline>(out, txn, [&](crm::ReadTxn& t) {
    return id == 0 ? t.GetDefaultPipeline() : t.GetPipeline(id);
  });
}

int crm_pipeline_list(crm_iter** out, crm_txn* txn) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto all = ReadOf(txn)->ListPipelines();
    if (!all.ok()) return Check(all.status());
    *out = FixedIter(txn, IterKind::kPipeline, [&](crm_iter& it) {
      for (crm::Pipeline& p : *all) it.pipelines.push_back(crm_pipeline{std::move(p)});
    });
    return CRM_OK;
  });
}

// ---- opportunities ----

namespace {

std::string* OpportunityText(crm::Opportunity& o, int field) {
  switch (field) {
    case CRM_OPPORTUNITY_TITLE: return &o.title;
    case CRM_OPPORTUNITY_OWNER: return &o.owner;
    case CRM_OPPORTUNITY_CURRENCY: return &o.amount.currency;
    case CRM_OPPORTUNITY_LOST_REASON: return &o.lost_reason;
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
    if (field == CRM_OPPORTUNITY_LOST_REASON)
      return Invalid("field: lost_reason is read-only (crm_opportunity_close_lost sets it)");
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

// ---- the change feed ----

int crm_change_clone(crm_change** out, const crm_change* c) {
  return Guard([&] { return Clone(out, c); });
}
void crm_change_free(crm_change* c) { delete c; }
uint64_t crm_change_seq(const crm_change* c) { return c == nullptr ? 0 : c->v.seq; }
int64_t crm_change_at(const crm_change* c) { return c == nullptr ? 0 : c->v.at; }
const char* crm_change_actor(const crm_change* c, size_t* len) {
  static const std::string kEmpty;
  return Out(c == nullptr ? kEmpty : c->v.actor, len);
}
int crm_change_entity(const crm_change* c) { return c == nullptr ? 0 : static_cast<int>(c->v.entity); }
uint64_t crm_change_entity_id(const crm_change* c) { return c == nullptr ? 0 : c->v.entity_id; }
int crm_change_op(const crm_change* c) { return c == nullptr ? 0 : static_cast<int>(c->v.op); }
size_t crm_change_field_count(const crm_change* c) { return c == nullptr ? 0 : c->v.fields.size(); }

int crm_change_field(const crm_change* c, size_t i, const char** name, size_t* name_len, const char** before,
                     size_t* before_len, const char** after, size_t* after_len) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.fields.size()) return Fail(CRM_ENOTFOUND, "i: past the last field");
  const crm::FieldChange& f = c->v.fields[i];
  Set(name, Out(f.field, name_len));
  Set(before, Out(f.before, before_len));
  Set(after, Out(f.after, after_len));
  return CRM_OK;
}

int crm_changes(crm_iter** out, crm_txn* txn, uint64_t from_seq) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::ReadTxn* read = ReadOf(txn);
    auto next = std::make_shared<uint64_t>(from_seq);
    *out = NewIter(txn, IterKind::kChange, "", [read, next](crm_iter& it) -> absl::Status {
      auto page = read->ListChanges(*next, 100);
      if (!page.ok()) return page.status();
      for (crm::Change& c : *page) it.changes.push_back(crm_change{std::move(c)});
      if (!it.changes.empty()) *next = it.changes.back().v.seq + 1;
      it.exhausted = page->size() < 100;
      return absl::OkStatus();
    });
    return CRM_OK;
  });
}

int crm_last_change_seq(uint64_t* out, crm_txn* txn) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto seq = ReadOf(txn)->LastChangeSeq();
    if (!seq.ok()) return Check(seq.status());
    *out = *seq;
    return CRM_OK;
  });
}

int crm_field_history(crm_iter** out, crm_txn* txn, int entity, uint64_t id, const char* field, size_t field_len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    if (entity < CRM_ENTITY_CUSTOMER || entity > CRM_ENTITY_PIPELINE) return Invalid("entity: is not a CRM_ENTITY_* value");
    std::string name;
    if (int rc = Text(field, field_len, "field", &name); rc != CRM_OK) return rc;
    auto history = ReadOf(txn)->FieldHistory(static_cast<crm::EntityType>(entity), id, name);
    if (!history.ok()) return Check(history.status());
    *out = FixedIter(txn, IterKind::kChange, [&](crm_iter& it) {
      for (crm::FieldHistoryEntry& h : *history) {
        crm::Change c;
        c.seq = h.seq;
        c.at = h.at;
        c.actor = std::move(h.actor);
        c.entity = static_cast<crm::EntityType>(entity);
        c.entity_id = id;
        c.op = h.op;
        c.fields.push_back(crm::FieldChange{std::move(h.field), std::move(h.before), std::move(h.after)});
        it.changes.push_back(crm_change{std::move(c)});
      }
    });
    return CRM_OK;
  });
}

