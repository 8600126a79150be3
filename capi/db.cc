// The C ABI: databases and transactions.
#include <cstddef>
#include <cstring>

#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

// ---- database and transactions ----

int crm_options_init(crm_options* opts, unsigned int version) {
  if (opts == nullptr) return Invalid("opts: is NULL");
  if (version < 1 || version > CRM_OPTIONS_VERSION)
    return Invalid("version: not a crm_options version this library knows");
  // A caller built against an earlier crm.h has the shorter struct of its version.
  crm_options init = CRM_OPTIONS_INIT;
  init.version = version;
  std::memcpy(opts, &init,
              version == 1   ? offsetof(crm_options, phone_region)
              : version == 2 ? offsetof(crm_options, durability)
              : version == 3 ? offsetof(crm_options, encryption_key)
                             : sizeof init);
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
      if (opts->version >= 2 && opts->phone_region != nullptr) o.phone_region = opts->phone_region;
      if (opts->version >= 3) {
        if (opts->durability < CRM_DURABILITY_FULL || opts->durability > CRM_DURABILITY_NONE)
          return Invalid("opts.durability: must be CRM_DURABILITY_FULL, _NORMAL or _NONE");
        o.durability = static_cast<crm::Durability>(opts->durability);
      }
      if (opts->version >= 4) {
        if (opts->encryption_key == nullptr && opts->encryption_key_len != 0)
          return Invalid("opts.encryption_key: NULL with a non-zero length");
        if (opts->encryption_key != nullptr) {
          if (opts->encryption_key_len != 32) return Invalid("opts.encryption_key_len: must be 32 (bytes)");
          o.encryption_key.assign(static_cast<const char*>(opts->encryption_key), 32);
        }
        if (opts->encryption_passphrase != nullptr) {
          o.encryption_passphrase = opts->encryption_passphrase;
          if (o.encryption_passphrase.empty()) return Invalid("opts.encryption_passphrase: is empty");
        }
      }
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

namespace {
int BeginWrite(crm_txn** out, crm_db* db, const char* actor, size_t actor_len, bool import) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (db == nullptr) return Invalid("db: is NULL");
    crm::WriteOptions options;
    if (int rc = Text(actor, actor_len, "actor", &options.actor); rc != CRM_OK) return rc;
    options.import = import;
    auto txn = db->store->BeginWrite(options);
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
}  // namespace

int crm_txn_begin_write(crm_txn** out, crm_db* db, const char* actor, size_t actor_len) {
  return BeginWrite(out, db, actor, actor_len, false);
}

int crm_txn_begin_import(crm_txn** out, crm_db* db, const char* actor, size_t actor_len) {
  return BeginWrite(out, db, actor, actor_len, true);
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
