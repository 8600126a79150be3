// The customer benchmarks' sides' common interface, and the SQLite side done well: WAL,
// prepared statements, the same indexes as libcrm, rows decoded into the same crm::Customer
// struct, and an audit row per write (libcrm writes its change feed entry).
#pragma once

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

#include "bench_data.h"
#include "codec/key.h"
#include "crm/store.hpp"
#include "footprint.h"
#include "text/text.h"

namespace crm::bench {

// The audit row a careful application writes with each new customer (libcrm writes its change
// feed entry): every field set, as text.
inline std::string AuditText(const Customer& c) {
  std::string out = "display_name=" + c.given_name + " " + c.family_name + ";given_name=" + c.given_name +
                    ";family_name=" + c.family_name + ";stage=" + std::to_string(static_cast<int>(c.stage)) +
                    ";owner=" + c.owner + ";external_id=" + c.external_id + ";address.street=" + c.address.street +
                    ";address.city=" + c.address.city + ";address.country=" + c.address.country;
  for (const Email& e : c.emails) out += ";email=" + e.address;
  for (const Phone& p : c.phones) out += ";phone=" + p.number;
  for (const std::string& t : c.tags) out += ";tag=" + t;
  out += ";custom=" + std::to_string(c.custom.size());
  return out;
}

inline std::vector<std::string> NameWords(const Customer& c) {
  std::vector<std::string> w = text::Words(text::FoldForSearch(c.given_name + " " + c.family_name));
  std::sort(w.begin(), w.end());
  w.erase(std::unique(w.begin(), w.end()), w.end());
  return w;
}

class Backend {
 public:
  virtual ~Backend() = default;
  virtual void InsertBatch(const std::vector<Customer>& batch) = 0;
  virtual bool GetById(std::uint64_t id, Customer* out) = 0;
  virtual bool GetByEmail(const std::string& email, Customer* out) = 0;
  virtual std::size_t GetByPhone(const std::string& phone, std::vector<Customer>* out) = 0;
  virtual std::size_t NamePrefix(const std::string& prefix, std::size_t limit, std::vector<Customer>* out) = 0;
  virtual std::size_t TagPage(const std::string& tag, std::size_t limit, std::vector<Customer>* out) = 0;
  // Bytes on disk holding data (footprint.h); 0 for a side that does not say.
  virtual std::uint64_t BytesInUse() { return 0; }
};

// ---------------------------------------------------------------- SQLite

// Lists packed into one TEXT column: fields split by \x1f, items by \x1e.
template <class Range, class Fn>
std::string Pack(const Range& items, Fn fields) {
  std::string out;
  for (const auto& item : items) {
    for (const std::string& f : fields(item)) {
      out += f;
      out += '\x1f';
    }
    out += '\x1e';
  }
  return out;
}

inline std::vector<std::vector<std::string>> Unpack(const char* s, int n) {
  std::vector<std::vector<std::string>> items;
  std::vector<std::string> current;
  std::string field;
  for (int i = 0; i < n; ++i) {
    if (s[i] == '\x1f') {
      current.push_back(std::move(field));
      field.clear();
    } else if (s[i] == '\x1e') {
      items.push_back(std::move(current));
      current.clear();
    } else {
      field += s[i];
    }
  }
  return items;
}

inline std::string PackCustom(const CustomFields& custom) {
  return Pack(custom, [](const auto& kv) -> std::vector<std::string> {
    const auto& [k, v] = kv;
    if (const auto* s = std::get_if<std::string>(&v)) return {k, "s", *s};
    if (const auto* i = std::get_if<std::int64_t>(&v)) return {k, "i", std::to_string(*i)};
    if (const auto* m = std::get_if<Money>(&v)) return {k, "m", std::to_string(m->minor_units), m->currency};
    if (const auto* d = std::get_if<DateTime>(&v)) return {k, "d", std::to_string(d->micros)};
    return {k, "b", std::get<bool>(v) ? "1" : "0"};
  });
}

inline CustomFields UnpackCustom(const char* s, int n) {
  CustomFields out;
  for (auto& f : Unpack(s, n)) {
    if (f.size() < 3) continue;
    switch (f[1][0]) {
      case 's': out[f[0]] = f[2]; break;
      case 'i': out[f[0]] = static_cast<std::int64_t>(std::stoll(f[2])); break;
      case 'm': out[f[0]] = Money{std::stoll(f[2]), f.size() > 3 ? f[3] : ""}; break;
      case 'd': out[f[0]] = DateTime{std::stoll(f[2])}; break;
      default: out[f[0]] = f[2] == "1";
    }
  }
  return out;
}

class SqliteBackend : public Backend {
 public:
  // A new database at `path`; with `join`, a further connection to the one there (writers on
  // several threads: one connection each, waiting for each other's locks). `key_pragma`: the
  // statement that gives SQLCipher its key, run first (built against SQLCipher's sqlite3.h).
  explicit SqliteBackend(const std::string& path, bool join = false, const char* synchronous = "FULL",
                         const std::string& key_pragma = "") {
    if (!join)
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) Die("sqlite open");
    if (!key_pragma.empty()) Exec(key_pragma);
    sqlite3_busy_timeout(db_, 600000);
    Exec("PRAGMA journal_mode=WAL");
    Exec(std::string("PRAGMA synchronous=") + synchronous);  // FULL: durable commits, like libcrm's default
    Exec("PRAGMA cache_size=-262144");
    if (!join) CreateSchema();
    Prepared();
  }
  ~SqliteBackend() override {
    for (sqlite3_stmt* s : {insert_, insert_email_, insert_phone_, insert_name_, insert_tag_, audit_, by_id_,
                            by_email_, by_phone_, by_name_, by_tag_, by_external_})
      sqlite3_finalize(s);
    sqlite3_close(db_);
  }

 private:
  void CreateSchema() {
    Exec(R"(CREATE TABLE customers(
      id INTEGER PRIMARY KEY, kind INTEGER, display_name TEXT, given_name TEXT, family_name TEXT,
      emails TEXT, phones TEXT, street TEXT, city TEXT, region TEXT, postal_code TEXT, country TEXT,
      stage INTEGER, owner TEXT, tags TEXT, custom TEXT, email_opt_in INTEGER, legal_basis INTEGER,
      opt_in_at INTEGER, do_not_call INTEGER, external_id TEXT UNIQUE, memberships TEXT,
      created_at INTEGER, updated_at INTEGER, revision INTEGER, archived INTEGER, archived_at INTEGER))");
    Exec("CREATE TABLE customer_email(email TEXT PRIMARY KEY, customer_id INTEGER) WITHOUT ROWID");
    Exec("CREATE TABLE customer_phone(digits TEXT, customer_id INTEGER, PRIMARY KEY(digits, customer_id)) WITHOUT ROWID");
    Exec("CREATE TABLE customer_name(word TEXT, customer_id INTEGER, PRIMARY KEY(word, customer_id)) WITHOUT ROWID");
    Exec("CREATE TABLE customer_tag(tag TEXT, customer_id INTEGER, PRIMARY KEY(tag, customer_id)) WITHOUT ROWID");
    Exec("CREATE INDEX customers_owner ON customers(owner)");
    Exec("CREATE INDEX customers_stage ON customers(stage)");
    Exec(R"(CREATE TABLE changes(seq INTEGER PRIMARY KEY, at INTEGER, actor TEXT, entity INTEGER,
      entity_id INTEGER, op INTEGER, fields TEXT))");
    Exec("CREATE INDEX changes_entity ON changes(entity, entity_id, seq)");
  }
  void Prepared() {
    insert_ = Prepare(
        "INSERT INTO customers VALUES(NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    insert_email_ = Prepare("INSERT INTO customer_email VALUES(?,?)");
    insert_phone_ = Prepare("INSERT INTO customer_phone VALUES(?,?)");
    insert_name_ = Prepare("INSERT INTO customer_name VALUES(?,?)");
    insert_tag_ = Prepare("INSERT INTO customer_tag VALUES(?,?)");
    audit_ = Prepare("INSERT INTO changes VALUES(NULL,?,'bench',1,?,1,?)");
    const std::string cols = "c.id,c.kind,c.display_name,c.given_name,c.family_name,c.emails,c.phones,"
                             "c.street,c.city,c.region,c.postal_code,c.country,c.stage,c.owner,c.tags,"
                             "c.custom,c.email_opt_in,c.legal_basis,c.opt_in_at,c.do_not_call,"
                             "c.external_id,c.memberships,c.created_at,c.updated_at,c.revision,"
                             "c.archived,c.archived_at";
    by_id_ = Prepare("SELECT " + cols + " FROM customers c WHERE c.id=?");
    by_external_ = Prepare("SELECT " + cols + " FROM customers c WHERE c.external_id=?");
    by_email_ = Prepare("SELECT " + cols +
                        " FROM customer_email e JOIN customers c ON c.id=e.customer_id WHERE e.email=?");
    by_phone_ = Prepare("SELECT " + cols +
                        " FROM customer_phone p JOIN customers c ON c.id=p.customer_id WHERE p.digits=?");
    by_name_ = Prepare("SELECT n.customer_id FROM customer_name n WHERE n.word>=? AND n.word<? "
                       "ORDER BY n.word, n.customer_id");
    by_tag_ = Prepare("SELECT " + cols +
                      " FROM customer_tag t JOIN customers c ON c.id=t.customer_id WHERE t.tag=? "
                      "AND c.archived=0 ORDER BY t.customer_id LIMIT ?");
  }

 public:
  std::uint64_t BytesInUse() override { return SqliteBytes(db_); }

  void InsertBatch(const std::vector<Customer>& batch) override {
    Exec("BEGIN IMMEDIATE");  // the write lock first: another connection's writer makes it wait
    const std::int64_t now = 1'700'000'000'000'000;
    for (const Customer& c : batch) {
      sqlite3_stmt* s = insert_;
      int i = 1;
      const auto text = [&](const std::string& v) { sqlite3_bind_text(s, i++, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); };
      const auto integer = [&](std::int64_t v) { sqlite3_bind_int64(s, i++, v); };
      const std::string display = c.display_name.empty() ? c.given_name + " " + c.family_name : c.display_name;
      integer(static_cast<int>(c.kind));
      text(display);
      text(c.given_name);
      text(c.family_name);
      text(Pack(c.emails, [](const Email& e) -> std::vector<std::string> { return {e.address, e.label, e.primary ? "1" : "0"}; }));
      text(Pack(c.phones, [](const Phone& p) -> std::vector<std::string> { return {p.number, p.label, p.primary ? "1" : "0"}; }));
      text(c.address.street);
      text(c.address.city);
      text(c.address.region);
      text(c.address.postal_code);
      text(c.address.country);
      integer(static_cast<int>(c.stage));
      text(c.owner);
      text(Pack(c.tags, [](const std::string& t) -> std::vector<std::string> { return {t}; }));
      text(PackCustom(c.custom));
      integer(c.consent.email_opt_in);
      integer(static_cast<int>(c.consent.email_legal_basis));
      integer(c.consent.email_opt_in_at);
      integer(c.consent.do_not_call);
      text(c.external_id);
      text(Pack(c.memberships, [](const Membership& m) -> std::vector<std::string> { return {std::to_string(m.organization), m.role}; }));
      integer(now);
      integer(now);
      integer(1);
      integer(0);
      integer(0);
      Step(s);
      const std::int64_t id = sqlite3_last_insert_rowid(db_);
      for (const Email& e : c.emails) Pair(insert_email_, text::FoldCase(e.address), id);
      for (const Phone& p : c.phones) Pair(insert_phone_, text::PhoneDigits(p.number), id);
      for (const std::string& w : NameWords(c)) Pair(insert_name_, w, id);
      for (const std::string& t : c.tags) Pair(insert_tag_, text::FoldCase(t), id);
      const std::string audit = AuditText(c);
      sqlite3_bind_int64(audit_, 1, now);
      sqlite3_bind_int64(audit_, 2, id);
      sqlite3_bind_text(audit_, 3, audit.data(), static_cast<int>(audit.size()), SQLITE_STATIC);
      Step(audit_);
    }
    Exec("COMMIT");
  }

  bool GetById(std::uint64_t id, Customer* out) override {
    sqlite3_bind_int64(by_id_, 1, static_cast<std::int64_t>(id));
    const bool found = sqlite3_step(by_id_) == SQLITE_ROW;
    if (found) Decode(by_id_, out);
    sqlite3_reset(by_id_);
    return found;
  }
  bool GetByExternalId(const std::string& external_id, Customer* out) {
    sqlite3_bind_text(by_external_, 1, external_id.data(), static_cast<int>(external_id.size()), SQLITE_STATIC);
    const bool found = sqlite3_step(by_external_) == SQLITE_ROW;
    if (found) Decode(by_external_, out);
    sqlite3_reset(by_external_);
    return found;
  }
  bool GetByEmail(const std::string& email, Customer* out) override {
    const std::string key = text::FoldCase(email);
    sqlite3_bind_text(by_email_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    const bool found = sqlite3_step(by_email_) == SQLITE_ROW;
    if (found) Decode(by_email_, out);
    sqlite3_reset(by_email_);
    return found;
  }
  std::size_t GetByPhone(const std::string& phone, std::vector<Customer>* out) override {
    const std::string digits = text::PhoneDigits(phone);
    sqlite3_bind_text(by_phone_, 1, digits.data(), static_cast<int>(digits.size()), SQLITE_STATIC);
    out->clear();
    while (sqlite3_step(by_phone_) == SQLITE_ROW) Decode(by_phone_, &out->emplace_back());
    sqlite3_reset(by_phone_);
    return out->size();
  }
  std::size_t NamePrefix(const std::string& prefix, std::size_t limit, std::vector<Customer>* out) override {
    const std::string lo = text::FoldForSearch(prefix);
    const std::string hi = codec::PrefixSuccessor(lo);
    sqlite3_bind_text(by_name_, 1, lo.data(), static_cast<int>(lo.size()), SQLITE_STATIC);
    sqlite3_bind_text(by_name_, 2, hi.data(), static_cast<int>(hi.size()), SQLITE_STATIC);
    out->clear();
    std::unordered_set<std::int64_t> seen;
    while (out->size() < limit && sqlite3_step(by_name_) == SQLITE_ROW) {
      const std::int64_t id = sqlite3_column_int64(by_name_, 0);
      if (!seen.insert(id).second) continue;
      if (!GetById(static_cast<std::uint64_t>(id), &out->emplace_back())) out->pop_back();
    }
    sqlite3_reset(by_name_);
    return out->size();
  }
  std::size_t TagPage(const std::string& tag, std::size_t limit, std::vector<Customer>* out) override {
    const std::string key = text::FoldCase(tag);
    sqlite3_bind_text(by_tag_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_int64(by_tag_, 2, static_cast<std::int64_t>(limit));
    out->clear();
    while (sqlite3_step(by_tag_) == SQLITE_ROW) Decode(by_tag_, &out->emplace_back());
    sqlite3_reset(by_tag_);
    return out->size();
  }

 private:
  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      Die("sqlite: " + msg + " in " + sql);
    }
  }
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
#if SQLITE_VERSION_NUMBER >= 3020000
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
#else  // Debian's SQLCipher is built on SQLite 3.15
    const int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr);
#endif
    if (rc != SQLITE_OK) Die(std::string("sqlite prepare: ") + sqlite3_errmsg(db_));
    return s;
  }
  void Step(sqlite3_stmt* s) {
    if (sqlite3_step(s) != SQLITE_DONE) Die(std::string("sqlite step: ") + sqlite3_errmsg(db_));
    sqlite3_reset(s);
  }
  void Pair(sqlite3_stmt* s, const std::string& key, std::int64_t id) {
    sqlite3_bind_text(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, id);
    Step(s);
  }
  static std::string Text(sqlite3_stmt* s, int col) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, col))) : std::string();
  }
  static void Decode(sqlite3_stmt* s, Customer* c) {
    int i = 0;
    c->id = static_cast<CustomerId>(sqlite3_column_int64(s, i++));
    c->kind = static_cast<CustomerKind>(sqlite3_column_int(s, i++));
    c->display_name = Text(s, i++);
    c->given_name = Text(s, i++);
    c->family_name = Text(s, i++);
    c->emails.clear();
    for (auto& f : Unpack(reinterpret_cast<const char*>(sqlite3_column_text(s, i)), sqlite3_column_bytes(s, i)))
      c->emails.push_back(Email{f[0], f[1], f[2] == "1"});
    ++i;
    c->phones.clear();
    for (auto& f : Unpack(reinterpret_cast<const char*>(sqlite3_column_text(s, i)), sqlite3_column_bytes(s, i)))
      c->phones.push_back(Phone{f[0], f[1], f[2] == "1"});
    ++i;
    c->address.street = Text(s, i++);
    c->address.city = Text(s, i++);
    c->address.region = Text(s, i++);
    c->address.postal_code = Text(s, i++);
    c->address.country = Text(s, i++);
    c->stage = static_cast<LifecycleStage>(sqlite3_column_int(s, i++));
    c->owner = Text(s, i++);
    c->tags.clear();
    for (auto& f : Unpack(reinterpret_cast<const char*>(sqlite3_column_text(s, i)), sqlite3_column_bytes(s, i)))
      c->tags.push_back(f[0]);
    ++i;
    c->custom = UnpackCustom(reinterpret_cast<const char*>(sqlite3_column_text(s, i)), sqlite3_column_bytes(s, i));
    ++i;
    c->consent.email_opt_in = sqlite3_column_int(s, i++) != 0;
    c->consent.email_legal_basis = static_cast<LegalBasis>(sqlite3_column_int(s, i++));
    c->consent.email_opt_in_at = sqlite3_column_int64(s, i++);
    c->consent.do_not_call = sqlite3_column_int(s, i++) != 0;
    c->external_id = Text(s, i++);
    c->memberships.clear();
    for (auto& f : Unpack(reinterpret_cast<const char*>(sqlite3_column_text(s, i)), sqlite3_column_bytes(s, i)))
      c->memberships.push_back(Membership{std::stoull(f[0]), f[1]});
    ++i;
    c->created_at = sqlite3_column_int64(s, i++);
    c->updated_at = sqlite3_column_int64(s, i++);
    c->revision = static_cast<std::uint64_t>(sqlite3_column_int64(s, i++));
    c->archived = sqlite3_column_int(s, i++) != 0;
    c->archived_at = sqlite3_column_int64(s, i++);
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt *insert_, *insert_email_, *insert_phone_, *insert_name_, *insert_tag_, *audit_;
  sqlite3_stmt *by_id_, *by_email_, *by_phone_, *by_name_, *by_tag_, *by_external_;
};

}  // namespace crm::bench
