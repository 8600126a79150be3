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
#include "crm_customers.h"
#include "customer_workloads.h"
#include "sqlite_customers.h"
#include "codec/key.h"
#include "crm/store.hpp"
#include "text/text.h"

namespace crm::bench {
namespace {

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

std::unique_ptr<Backend> Make(const std::string& side, const std::string& name) {
  if (side == "crm") return std::make_unique<CrmBackend>(TempPath(name + ".crm"));
  if (side == "sqlite") return std::make_unique<SqliteBackend>(TempPath(name + ".sqlite"));
  return std::make_unique<LmdbBackend>(TempPath(name + ".lmdb"));
}

Backend& Loaded(const std::string& side) { return bench::Loaded(&Make, side); }

void CustomerInsert(benchmark::State& state, const std::string& side) { Inserts(state, &Make, side); }

void CustomerGetById(benchmark::State& state, const std::string& side) { GetsById(state, Loaded(side)); }

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

// Bytes on disk per customer (indexes and change-feed entries included) once Scale() are loaded.
void FootprintCustomer(benchmark::State& state, const std::string& side) {
  Backend& b = Loaded(side);
  ReportFootprint(state, b.BytesInUse(), Scale());
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
  for (const char* side : {"crm", "sqlite"}) {
    const std::string s = side;
    benchmark::RegisterBenchmark(("FootprintCustomer/" + s).c_str(), [s](benchmark::State& st) { FootprintCustomer(st, s); })
        ->Iterations(1);
  }
  return RunBenchmarks(argc, argv);
}
