// What every wrapper source of the C ABI shares: the handles behind crm.h's opaque types, the
// per-thread error message, the mapping from absl::Status to CRM_E* codes, string and field
// helpers, and the generic shapes of a call (read a record out, write a record in ...).
//
// No exception, absl::Status or LMDB code crosses the C boundary: every entry point runs inside
// Guard, maps failures to a CRM_E* code and records the message per thread.
#pragma once

#include "crm.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <utility>
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
struct crm_id_page {  // ids of segments, customers or campaigns (crm_segments.h, crm_campaigns.h)
  std::vector<uint64_t> ids;
  std::string next;
};
struct crm_report {  // sales and customer reports (crm_sales.h, crm_analytics.h)
  crm::ReportTable table;
};

namespace capi {

enum class IterKind { kCustomer, kInteraction, kPipeline, kOpportunity, kChange };

}  // namespace capi

struct crm_iter {
  capi::IterKind kind;
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
      case capi::IterKind::kCustomer: return customers.size();
      case capi::IterKind::kInteraction: return interactions.size();
      case capi::IterKind::kPipeline: return pipelines.size();
      case capi::IterKind::kOpportunity: return opportunities.size();
      case capi::IterKind::kChange: return changes.size();
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

namespace capi {


inline thread_local std::string g_errmsg;

inline int CodeOf(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kOk: return CRM_OK;
    case absl::StatusCode::kNotFound: return CRM_ENOTFOUND;
    case absl::StatusCode::kAlreadyExists: return CRM_EEXISTS;
    case absl::StatusCode::kInvalidArgument: return CRM_EINVALID;
    case absl::StatusCode::kOutOfRange: return crm::ErrorKindOf(s) == crm::ErrorKind::kTrimmed ? CRM_ETRIMMED : CRM_EINVALID;
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition:
      switch (crm::ErrorKindOf(s)) {
        case crm::ErrorKind::kReadOnly: return CRM_EREADONLY;
        case crm::ErrorKind::kNewerFormat: return CRM_EVERSION;
        case crm::ErrorKind::kNotADatabase: return CRM_ENOTDB;
        case crm::ErrorKind::kHasDependents: return CRM_EDEPENDENTS;
        case crm::ErrorKind::kSuppressed: return CRM_ESUPPRESSED;
        case crm::ErrorKind::kWithdrawn: return CRM_EWITHDRAWN;
        case crm::ErrorKind::kDuplicate: return CRM_EDUPLICATE;
        case crm::ErrorKind::kTxnFinished: return CRM_EINVALID;
        default: return CRM_ECONFLICT;
      }
    case absl::StatusCode::kDataLoss: return CRM_ECORRUPT;
    case absl::StatusCode::kResourceExhausted: return CRM_EFULL;
    case absl::StatusCode::kPermissionDenied:
      return crm::ErrorKindOf(s) == crm::ErrorKind::kWrongKey ? CRM_EKEY : CRM_EIO;
    case absl::StatusCode::kUnauthenticated: return CRM_EIO;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded: return CRM_EBUSY;
    default: return CRM_EINTERNAL;
  }
}

inline int Fail(int code, std::string message) {
  g_errmsg = std::move(message);
  return code;
}

inline int Check(const absl::Status& s) {
  if (s.ok()) return CRM_OK;
  return Fail(CodeOf(s), std::string(s.message()));
}

inline int Invalid(const char* what) { return Fail(CRM_EINVALID, what); }

// Runs `body`, turning any exception into a code: nothing escapes through the C ABI.
template <class F>
inline int Guard(F&& body) noexcept {
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
// The longest string any argument may be (the largest field, an interaction's body, is 64 KiB): a
// longer length is refused before a byte is read, so a length of (size_t)-1 is an error, not a
// read past the caller's buffer.
inline constexpr std::size_t kMaxTextBytes = std::size_t{1} << 20;

inline int Text(const char* s, std::size_t len, const char* what, std::string* out) {
  if (s == nullptr && len != 0) return Fail(CRM_EINVALID, std::string(what) + ": NULL with a non-zero length");
  if (len > kMaxTextBytes)
    return Fail(CRM_EINVALID, std::string(what) + ": a length of " + std::to_string(len) +
                                  " bytes is more than any argument takes (1 MiB)");
  std::string_view v(s == nullptr ? "" : s, len);
  if (!crm::IsValidUtf8(v)) return Fail(CRM_EINVALID, std::string(what) + ": is not valid UTF-8");
  out->assign(v);
  return CRM_OK;
}

// A filter argument in its text form (crm/query.hpp); empty: every record.
inline int ParsedFilter(const char* text, std::size_t len, const char* what, crm::Filter* out) {
  std::string s;
  if (int rc = Text(text, len, what, &s); rc != CRM_OK) return rc;
  auto f = crm::Filter::Parse(s);
  if (!f.ok()) return Check(f.status());
  *out = *std::move(f);
  return CRM_OK;
}

inline const char* Out(const std::string& s, std::size_t* len) {
  if (len != nullptr) *len = s.size();
  return s.c_str();
}

template <class T>
void Set(T* p, T v) {
  if (p != nullptr) *p = v;
}

// The transaction to read through: a write transaction reads too.
inline crm::ReadTxn* ReadOf(crm_txn* txn) { return txn->write != nullptr ? txn->write : txn->read.get(); }

inline int NeedTxn(const crm_txn* txn) {
  if (txn == nullptr) return Invalid("txn: is NULL");
  if (txn->finished) return Fail(CRM_EINVALID, "txn: the transaction is already committed");
  return CRM_OK;
}

inline int NeedWrite(const crm_txn* txn) {
  if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
  if (txn->write == nullptr) return Invalid("txn: a write transaction is needed");
  return CRM_OK;
}

// The custom fields of a record (customers, opportunities, interactions): the shared bodies of
// crm_<kind>_custom_field / _custom_value / _set_custom / _remove_custom.
inline int CustomField(const crm::CustomFields& custom, std::size_t i, const char** name, std::size_t* name_len,
                       int* type) {
  if (i >= custom.size()) return Fail(CRM_ENOTFOUND, "i: past the last custom field");
  const auto& [key, value] = *(custom.begin() + static_cast<std::ptrdiff_t>(i));
  if (name != nullptr) *name = Out(key, name_len);
  if (type != nullptr) *type = static_cast<int>(value.index()) + 1;  // the variant's order is CRM_VALUE_* order
  return CRM_OK;
}

inline int CustomValue(const crm::CustomFields& custom, std::size_t i, int64_t* number, const char** text,
                       std::size_t* text_len) {
  static const std::string kEmpty;
  if (i >= custom.size()) return Fail(CRM_ENOTFOUND, "i: past the last custom field");
  const crm::CustomValue& value = (custom.begin() + static_cast<std::ptrdiff_t>(i))->second;
  const std::string* out_text = &kEmpty;
  int64_t out_number = 0;
  if (const auto* s = std::get_if<std::string>(&value)) {
    out_text = s;
  } else if (const auto* n = std::get_if<std::int64_t>(&value)) {
    out_number = *n;
  } else if (const auto* m = std::get_if<crm::Money>(&value)) {
    out_number = m->minor_units;
    out_text = &m->currency;
  } else if (const auto* d = std::get_if<crm::DateTime>(&value)) {
    out_number = d->micros;
  } else {
    out_number = std::get<bool>(value) ? 1 : 0;
  }
  if (number != nullptr) *number = out_number;
  if (text != nullptr) *text = Out(*out_text, text_len);
  return CRM_OK;
}

inline int SetCustom(crm::CustomFields& custom, const char* name, std::size_t name_len, int type, int64_t number,
                     const char* text, std::size_t text_len) {
  return Guard([&] {
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
    custom[std::move(key)] = std::move(value);
    return CRM_OK;
  });
}

inline int RemoveCustom(crm::CustomFields& custom, const char* name, std::size_t name_len) {
  return Guard([&] {
    std::string key;
    if (int rc = Text(name, name_len, "name", &key); rc != CRM_OK) return rc;
    if (custom.erase(key) == 0) return Fail(CRM_ENOTFOUND, "name: no such custom field");
    return CRM_OK;
  });
}

// Stores a new heap object built from `value` into *out.
template <class Handle, class Value>
inline int Give(Handle** out, Value value) {
  *out = new Handle{std::move(value)};
  return CRM_OK;
}

inline std::size_t PageSize(std::size_t requested) { return requested == 0 ? 100 : requested; }

// Makes an iterator over `txn` that reads pages with `fetch`, starting from `token`.
inline crm_iter* NewIter(const crm_txn* txn, IterKind kind, std::string token,
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
inline crm_iter* FixedIter(const crm_txn* txn, IterKind kind, Fill fill) {
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
inline int CheckField(const FieldSet& set, int field, FieldUse use) {
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
inline const char* TextOf(const FieldSet& set, const Record* r, int field, std::size_t* len, Get get) {
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
inline int IntOf(int64_t* out, const FieldSet& set, const Record* r, int field, Get get) {
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


// Runs a write that returns a record and stores the result into `target` (when given).
// The result of a call made in `txn`, remembered on the transaction when it failed.
inline int CheckIn(crm_txn* txn, const absl::Status& s) {
  if (!s.ok()) txn->last_failure = s;
  return Check(s);
}

template <class T, class Handle, class F>
inline int WriteInto(crm_txn* txn, Handle* target, F call) {
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
inline int WriteOut(Handle** out, crm_txn* txn, F call) {
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
inline int ReadOut(Handle** out, crm_txn* txn, F call) {
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

// A patch of the record in `target`: `fields` is the comma-separated list crm::Patch::Parse
// reads; call(write_txn, patch) writes it, and the stored result replaces `target`'s record.
template <class T, class Handle, class F>
inline int PatchInto(crm_txn* txn, Handle* target, const char* fields, std::size_t len, F call) {
  if (target == nullptr) return Invalid("the record to patch: is NULL");
  std::string text;
  if (int rc = Guard([&] { return Text(fields, len, "fields", &text); }); rc != CRM_OK) return rc;
  auto patch = crm::Patch::Parse(text);
  if (!patch.ok()) return Guard([&] { return Check(patch.status()); });
  return WriteInto<T>(txn, target, [&](crm::WriteTxn& t) { return call(t, *patch); });
}

template <class F>
inline int WriteStatus(crm_txn* txn, F call) {
  return Guard([&] {
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    return CheckIn(txn, call(*txn->write));
  });
}

// Runs a read returning a list into a new list handle in *out (each item wrapped as {item}).
template <class List, class T, class F>
inline int ListOut(List** out, crm_txn* txn, F call) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto all = call(*ReadOf(txn));
    if (!all.ok()) return Check(all.status());
    auto* list = new List{};
    list->v.reserve(all->size());
    for (T& item : *all) list->v.push_back({std::move(item)});
    *out = list;
    return CRM_OK;
  });
}

// A page token argument: bytes (`token` may be NULL only when `len` is 0; empty: the first page).
inline int TokenArg(const char* token, std::size_t len, std::string* out) {
  if (token == nullptr && len != 0) return Invalid("page_token: is NULL with a length");
  if (token != nullptr) out->assign(token, len);
  return CRM_OK;
}

// An array of customer ids (`count` of them at `ids`, which may be NULL only when empty).
inline int CustomerIdsArg(const uint64_t* ids, std::size_t count, std::span<const crm::CustomerId>* out) {
  if (ids == nullptr && count != 0) return Invalid("ids: is NULL with a count");
  static_assert(sizeof(crm::CustomerId) == sizeof(uint64_t), "customer ids are 64-bit");
  *out = std::span<const crm::CustomerId>(reinterpret_cast<const crm::CustomerId*>(ids), count);
  return CRM_OK;
}

// Hands `text` to the caller as a NUL-terminated copy it frees with crm_free (`len`, when not
// NULL, receives its length); `what` names it in the out-of-memory message.
inline int MallocCopy(const std::string& text, char** out, std::size_t* len, const char* what) {
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) return Fail(CRM_ENOMEM, std::string("out of memory for ") + what);
  std::memcpy(copy, text.c_str(), text.size() + 1);
  *out = copy;
  if (len != nullptr) *len = text.size();
  return CRM_OK;
}

}  // namespace capi
