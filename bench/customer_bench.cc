// Customer workloads, each run three ways in one process:
//   <Workload>/crm     libcrm through its public API (one-shot calls, durable commits)
//   <Workload>/sqlite  SQLite done well: WAL, prepared statements, the same indexes, rows
//                      decoded into the same crm::Customer struct, durable commits
//   <Workload>/lmdb    raw LMDB with a minimal hand-written encoding: the floor
// Every side normalises emails, phones and names the same way (libcrm's text functions), and
// every write also records an audit entry (libcrm: its change feed; SQLite: an audit row; raw
// LMDB: a feed entry).
// CRM_BENCH_SCALE sets the number of customers (default 200,000).
#include <benchmark/benchmark.h>
#include <lmdb.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include "bench_data.h"
#include "codec/key.h"
#include "crm/store.hpp"
#include "text/text.h"

namespace crm::bench {
namespace {

// The audit row a careful application writes with each new customer (libcrm writes its change
// feed entry): every field set, as text.
std::string AuditText(const Customer& c) {
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

std::vector<std::string> NameWords(const Customer& c) {
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
};

// ---------------------------------------------------------------- libcrm

class CrmBackend : public Backend {
 public:
  explicit CrmBackend(const std::string& path) {
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-lock");
    auto s = Store::Open(path);
    if (!s.ok()) Die(s.status().ToString());
    store_ = *std::move(s);
  }
  void InsertBatch(const std::vector<Customer>& batch) override {
    absl::Status s = store_->Write("bench", [&](WriteTxn& txn) -> absl::Status {
      for (const Customer& c : batch)
        if (auto r = txn.CreateCustomer(c); !r.ok()) return r.status();
      return absl::OkStatus();
    });
    if (!s.ok()) Die(s.ToString());
  }
  bool GetById(std::uint64_t id, Customer* out) override {
    auto r = store_->Run(&ReadTxn::GetCustomer, id);
    if (!r.ok()) return false;
    *out = *std::move(r);
    return true;
  }
  bool GetByEmail(const std::string& email, Customer* out) override {
    auto r = store_->Run(&ReadTxn::FindCustomerByEmail, email);
    if (!r.ok()) return false;
    *out = *std::move(r);
    return true;
  }
  std::size_t GetByPhone(const std::string& phone, std::vector<Customer>* out) override {
    auto r = store_->Run(&ReadTxn::FindCustomersByPhone, phone);
    if (!r.ok()) Die(r.status().ToString());
    *out = *std::move(r);
    return out->size();
  }
  std::size_t NamePrefix(const std::string& prefix, std::size_t limit, std::vector<Customer>* out) override {
    CustomerQuery q = CustomerQuery::NamePrefix(prefix);
    q.limit = limit;
    auto r = store_->Run(&ReadTxn::ListCustomers, q);
    if (!r.ok()) Die(r.status().ToString());
    *out = std::move(r->customers);
    return out->size();
  }
  std::size_t TagPage(const std::string& tag, std::size_t limit, std::vector<Customer>* out) override {
    CustomerQuery q = CustomerQuery::Tag(tag);
    q.limit = limit;
    auto r = store_->Run(&ReadTxn::ListCustomers, q);
    if (!r.ok()) Die(r.status().ToString());
    *out = std::move(r->customers);
    return out->size();
  }

 private:
  std::unique_ptr<Store> store_;
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

std::vector<std::vector<std::string>> Unpack(const char* s, int n) {
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

std::string PackCustom(const CustomFields& custom) {
  return Pack(custom, [](const auto& kv) -> std::vector<std::string> {
    const auto& [k, v] = kv;
    if (const auto* s = std::get_if<std::string>(&v)) return {k, "s", *s};
    if (const auto* i = std::get_if<std::int64_t>(&v)) return {k, "i", std::to_string(*i)};
    if (const auto* m = std::get_if<Money>(&v)) return {k, "m", std::to_string(m->minor_units), m->currency};
    if (const auto* d = std::get_if<DateTime>(&v)) return {k, "d", std::to_string(d->micros)};
    return {k, "b", std::get<bool>(v) ? "1" : "0"};
  });
}

CustomFields UnpackCustom(const char* s, int n) {
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
  explicit SqliteBackend(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) Die("sqlite open");
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=FULL");  // durable commits, like libcrm's default
    Exec("PRAGMA cache_size=-262144");
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
  ~SqliteBackend() override {
    for (sqlite3_stmt* s : {insert_, insert_email_, insert_phone_, insert_name_, insert_tag_, audit_, by_id_,
                            by_email_, by_phone_, by_name_, by_tag_})
      sqlite3_finalize(s);
    sqlite3_close(db_);
  }

  void InsertBatch(const std::vector<Customer>& batch) override {
    Exec("BEGIN");
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
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      Die(std::string("sqlite prepare: ") + sqlite3_errmsg(db_));
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
  sqlite3_stmt *by_id_, *by_email_, *by_phone_, *by_name_, *by_tag_;
};

// ---------------------------------------------------------------- raw LMDB (the floor)

class Writer {
 public:
  void Str(const std::string& s) {
    U32(static_cast<std::uint32_t>(s.size()));
    out.append(s);
  }
  void U32(std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }
  void I64(std::int64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }
  std::string out;
};

class Reader {
 public:
  Reader(const char* p, std::size_t n) : p_(p), end_(p + n) {}
  std::string Str() {
    const std::uint32_t n = U32();
    if (static_cast<std::size_t>(end_ - p_) < n) Die("lmdb floor: truncated");
    std::string s(p_, n);
    p_ += n;
    return s;
  }
  std::uint32_t U32() {
    std::uint32_t v;
    std::memcpy(&v, p_, 4);
    p_ += 4;
    return v;
  }
  std::int64_t I64() {
    std::int64_t v;
    std::memcpy(&v, p_, 8);
    p_ += 8;
    return v;
  }

 private:
  const char* p_;
  const char* end_;
};

void EncodeFloor(const Customer& c, Writer& w) {
  w.I64(static_cast<std::int64_t>(c.id));
  w.I64(static_cast<std::int64_t>(c.revision));
  w.I64(c.created_at);
  w.I64(c.updated_at);
  w.I64(c.archived_at);
  w.U32(static_cast<std::uint32_t>(c.kind) | (static_cast<std::uint32_t>(c.stage) << 8) |
        (c.archived << 16) | (c.consent.email_opt_in << 17) | (c.consent.do_not_call << 18) |
        (static_cast<std::uint32_t>(c.consent.email_legal_basis) << 24));
  w.I64(c.consent.email_opt_in_at);
  for (const std::string* s : {&c.display_name, &c.given_name, &c.family_name, &c.address.street,
                               &c.address.city, &c.address.region, &c.address.postal_code,
                               &c.address.country, &c.owner, &c.external_id})
    w.Str(*s);
  w.U32(static_cast<std::uint32_t>(c.emails.size()));
  for (const Email& e : c.emails) {
    w.Str(e.address);
    w.Str(e.label);
    w.U32(e.primary);
  }
  w.U32(static_cast<std::uint32_t>(c.phones.size()));
  for (const Phone& p : c.phones) {
    w.Str(p.number);
    w.Str(p.label);
    w.U32(p.primary);
  }
  w.U32(static_cast<std::uint32_t>(c.tags.size()));
  for (const std::string& t : c.tags) w.Str(t);
  w.Str(PackCustom(c.custom));
  w.U32(static_cast<std::uint32_t>(c.memberships.size()));
  for (const Membership& m : c.memberships) {
    w.I64(static_cast<std::int64_t>(m.organization));
    w.Str(m.role);
  }
}

void DecodeFloor(const MDB_val& v, Customer* c) {
  Reader r(static_cast<const char*>(v.mv_data), v.mv_size);
  c->id = static_cast<CustomerId>(r.I64());
  c->revision = static_cast<std::uint64_t>(r.I64());
  c->created_at = r.I64();
  c->updated_at = r.I64();
  c->archived_at = r.I64();
  const std::uint32_t bits = r.U32();
  c->kind = static_cast<CustomerKind>(bits & 0xFF);
  c->stage = static_cast<LifecycleStage>((bits >> 8) & 0xFF);
  c->archived = (bits >> 16) & 1;
  c->consent.email_opt_in = (bits >> 17) & 1;
  c->consent.do_not_call = (bits >> 18) & 1;
  c->consent.email_legal_basis = static_cast<LegalBasis>(bits >> 24);
  c->consent.email_opt_in_at = r.I64();
  for (std::string* s : {&c->display_name, &c->given_name, &c->family_name, &c->address.street,
                         &c->address.city, &c->address.region, &c->address.postal_code,
                         &c->address.country, &c->owner, &c->external_id})
    *s = r.Str();
  c->emails.resize(r.U32());
  for (Email& e : c->emails) {
    e.address = r.Str();
    e.label = r.Str();
    e.primary = r.U32();
  }
  c->phones.resize(r.U32());
  for (Phone& p : c->phones) {
    p.number = r.Str();
    p.label = r.Str();
    p.primary = r.U32();
  }
  c->tags.resize(r.U32());
  for (std::string& t : c->tags) t = r.Str();
  const std::string custom = r.Str();
  c->custom = UnpackCustom(custom.data(), static_cast<int>(custom.size()));
  c->memberships.resize(r.U32());
  for (Membership& m : c->memberships) {
    m.organization = static_cast<CustomerId>(r.I64());
    m.role = r.Str();
  }
}

class LmdbBackend : public Backend {
 public:
  explicit LmdbBackend(const std::string& path) {
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-lock");
    Check(mdb_env_create(&env_), "create");
    Check(mdb_env_set_maxdbs(env_, 8), "maxdbs");
    Check(mdb_env_set_mapsize(env_, std::size_t{16} << 30), "mapsize");
    Check(mdb_env_open(env_, path.c_str(), MDB_NOSUBDIR | MDB_NOTLS | MDB_NORDAHEAD, 0600), "open");
    MDB_txn* txn;
    Check(mdb_txn_begin(env_, nullptr, 0, &txn), "begin");
    for (auto [dbi, name] : {std::pair{&records_, "c"}, {&emails_, "e"}, {&phones_, "p"},
                             {&names_, "n"}, {&tags_, "t"}, {&feed_, "f"}})
      Check(mdb_dbi_open(txn, name, MDB_CREATE, dbi), "dbi");
    Check(mdb_txn_commit(txn), "commit");
  }
  ~LmdbBackend() override { mdb_env_close(env_); }

  void InsertBatch(const std::vector<Customer>& batch) override {
    MDB_txn* txn;
    Check(mdb_txn_begin(env_, nullptr, 0, &txn), "begin");
    Writer w;
    for (Customer c : batch) {
      c.id = ++next_id_;
      c.revision = 1;
      c.created_at = c.updated_at = 1'700'000'000'000'000;
      if (c.display_name.empty()) c.display_name = c.given_name + " " + c.family_name;
      w.out.clear();
      EncodeFloor(c, w);
      const std::string id = codec::EncodeU64(c.id);
      Put(txn, records_, id, w.out);
      for (const Email& e : c.emails) Put(txn, emails_, text::FoldCase(e.address), id);
      for (const Phone& p : c.phones) Put(txn, phones_, text::PhoneDigits(p.number) + '\0' + id, "");
      for (const std::string& n : NameWords(c)) Put(txn, names_, n + '\0' + id, "");
      for (const std::string& t : c.tags) Put(txn, tags_, text::FoldCase(t) + '\0' + id, "");
      Put(txn, feed_, codec::EncodeU64(++next_seq_), AuditText(c), MDB_APPEND);
    }
    Check(mdb_txn_commit(txn), "commit");
  }
  bool GetById(std::uint64_t id, Customer* out) override {
    MDB_txn* txn = Read();
    const bool found = Load(txn, id, out);
    mdb_txn_abort(txn);
    return found;
  }
  bool GetByEmail(const std::string& email, Customer* out) override {
    MDB_txn* txn = Read();
    const std::string key = text::FoldCase(email);
    MDB_val k{key.size(), const_cast<char*>(key.data())}, v;
    bool found = mdb_get(txn, emails_, &k, &v) == 0;
    if (found) found = Load(txn, codec::GetBigEndian64(static_cast<const char*>(v.mv_data)), out);
    mdb_txn_abort(txn);
    return found;
  }
  std::size_t GetByPhone(const std::string& phone, std::vector<Customer>* out) override {
    return Scan(text::PhoneDigits(phone) + '\0', phones_, SIZE_MAX, false, out);
  }
  std::size_t NamePrefix(const std::string& prefix, std::size_t limit, std::vector<Customer>* out) override {
    return Scan(text::FoldForSearch(prefix), names_, limit, true, out);
  }
  std::size_t TagPage(const std::string& tag, std::size_t limit, std::vector<Customer>* out) override {
    return Scan(text::FoldCase(tag) + '\0', tags_, limit, false, out);
  }

 private:
  static void Check(int rc, const char* what) {
    if (rc != 0) Die(std::string("lmdb ") + what + ": " + mdb_strerror(rc));
  }
  static void Put(MDB_txn* txn, MDB_dbi dbi, const std::string& key, const std::string& value,
                  unsigned flags = 0) {
    MDB_val k{key.size(), const_cast<char*>(key.data())}, v{value.size(), const_cast<char*>(value.data())};
    Check(mdb_put(txn, dbi, &k, &v, flags), "put");
  }
  MDB_txn* Read() {
    MDB_txn* txn;
    Check(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn), "begin read");
    return txn;
  }
  bool Load(MDB_txn* txn, std::uint64_t id, Customer* out) {
    char key[8];
    codec::PutBigEndian64(key, id);
    MDB_val k{8, key}, v;
    if (mdb_get(txn, records_, &k, &v) != 0) return false;
    DecodeFloor(v, out);
    return true;
  }
  std::size_t Scan(const std::string& prefix, MDB_dbi dbi, std::size_t limit, bool dedupe,
                   std::vector<Customer>* out) {
    MDB_txn* txn = Read();
    MDB_cursor* cur;
    Check(mdb_cursor_open(txn, dbi, &cur), "cursor");
    MDB_val k{prefix.size(), const_cast<char*>(prefix.data())}, v;
    out->clear();
    std::unordered_set<std::uint64_t> seen;
    for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && out->size() < limit;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
      if (k.mv_size < prefix.size() + 8 || std::memcmp(k.mv_data, prefix.data(), prefix.size()) != 0) break;
      const std::uint64_t id = codec::GetBigEndian64(static_cast<const char*>(k.mv_data) + k.mv_size - 8);
      if (dedupe && !seen.insert(id).second) continue;
      if (!Load(txn, id, &out->emplace_back())) out->pop_back();
    }
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    return out->size();
  }

  MDB_env* env_ = nullptr;
  MDB_dbi records_, emails_, phones_, names_, tags_, feed_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t next_id_ = 0;
};

// ---------------------------------------------------------------- workloads

constexpr std::size_t kBatch = 1000;

std::unique_ptr<Backend> Make(const std::string& side, const std::string& name) {
  if (side == "crm") return std::make_unique<CrmBackend>(TempPath(name + ".crm"));
  if (side == "sqlite") return std::make_unique<SqliteBackend>(TempPath(name + ".sqlite"));
  return std::make_unique<LmdbBackend>(TempPath(name + ".lmdb"));
}

// A database per side holding Scale() customers, loaded on first use.
Backend& Loaded(const std::string& side) {
  static std::map<std::string, std::unique_ptr<Backend>> loaded;
  auto& slot = loaded[side];
  if (!slot) {
    slot = Make(side, "loaded");
    LoadInBatches<Customer>(Scale(), kBatch, MakeCustomer,
                            [&](const std::vector<Customer>& b) { slot->InsertBatch(b); });
  }
  return *slot;
}

void CustomerInsert(benchmark::State& state, const std::string& side) {
  auto backend = Make(side, "insert");
  TimedBatches<Customer>(state, kBatch, MakeCustomer,
                         [&](const std::vector<Customer>& b) { backend->InsertBatch(b); });
}

void CustomerGetById(benchmark::State& state, const std::string& side) {
  Backend& b = Loaded(side);
  std::mt19937_64 rng(1);
  Customer c;
  for (auto _ : state) {
    if (!b.GetById(1 + rng() % Scale(), &c)) Die("missing id");
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}

void CustomerGetByEmail(benchmark::State& state, const std::string& side) {
  Backend& b = Loaded(side);
  std::mt19937_64 rng(2);
  Customer c;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string email = EmailOf(rng() % Scale());
    state.ResumeTiming();
    if (!b.GetByEmail(email, &c)) Die("missing email " + email);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}

void CustomerGetByPhone(benchmark::State& state, const std::string& side) {
  Backend& b = Loaded(side);
  std::mt19937_64 rng(3);
  std::vector<Customer> out;
  std::vector<std::string> phones(4096);
  for (auto& p : phones) p = RetypedPhone(rng() % Scale());
  std::size_t i = 0;
  for (auto _ : state) {
    if (b.GetByPhone(phones[i++ % phones.size()], &out) != 1) Die("phone lookup did not find exactly one");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

void CustomerNamePrefix(benchmark::State& state, const std::string& side) {
  Backend& b = Loaded(side);
  std::mt19937_64 rng(4);
  std::vector<std::string> prefixes;
  for (const auto* list : {&GivenNames(), &FamilyNames()})
    for (const std::string& n : *list) prefixes.push_back(text::Words(text::FoldForSearch(n)).front().substr(0, 3));
  std::vector<Customer> out;
  std::size_t found = 0;
  for (auto _ : state) {
    found += b.NamePrefix(prefixes[rng() % prefixes.size()], 20, &out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["rows_per_query"] = static_cast<double>(found) / static_cast<double>(state.iterations());
}

void CustomerTagPage(benchmark::State& state, const std::string& side) {
  Backend& b = Loaded(side);
  std::mt19937_64 rng(5);
  std::vector<Customer> out;
  for (auto _ : state) {
    if (b.TagPage(TagName(static_cast<int>(rng() % kTags)), 50, &out) != 50) Die("short tag page");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) {
  using namespace crm::bench;
  const std::size_t insert_batches = Scale() / kBatch;
  for (const char* side : {"crm", "sqlite", "lmdb"}) {
    const std::string s = side;
    benchmark::RegisterBenchmark(("CustomerInsert/" + s).c_str(), [s](benchmark::State& st) { CustomerInsert(st, s); })
        ->Iterations(static_cast<benchmark::IterationCount>(std::max<std::size_t>(1, insert_batches)))
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  using Fn = void (*)(benchmark::State&, const std::string&);
  const std::pair<const char*, Fn> reads[] = {
      {"CustomerGetById", CustomerGetById},       {"CustomerGetByEmail", CustomerGetByEmail},
      {"CustomerGetByPhone", CustomerGetByPhone}, {"CustomerNamePrefix", CustomerNamePrefix},
      {"CustomerTagPage", CustomerTagPage}};
  for (const auto& [name, fn] : reads)
    for (const char* side : {"crm", "sqlite", "lmdb"}) {
      const std::string s = side;
      benchmark::RegisterBenchmark((std::string(name) + "/" + s).c_str(),
                                   [s, fn = fn](benchmark::State& st) { fn(st, s); })
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
    }
  return RunBenchmarks(argc, argv);
}
