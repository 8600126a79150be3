// Timeline and pipeline workloads, each run three ways in one process (see customer_bench.cc):
//   InteractionLog  log interactions in batches of 1,000 per transaction, keeping each customer's
//                   last-contact time (and its index) and writing the change feed (SQLite: an
//                   audit row per interaction in the same transaction)
//   Timeline20      a customer's 20 newest interactions (50 per customer)
//   StagePage       a page of 50 opportunities of one stage
//   StageMove       move one opportunity to another stage with its history entry and feed row,
//                   one durable transaction per move
//   StageMoveNormal the same at the "normal" durability level (SQLite: synchronous=NORMAL)
// CRM_BENCH_SCALE sets the number of interactions (default 200,000; customers = scale / 50,
// opportunities = scale / 4).
#include <benchmark/benchmark.h>
#include <lmdb.h>
#include <sqlite3.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_data.h"
#include "codec/key.h"
#include "crm/store.hpp"
#include "footprint.h"

namespace crm::bench {
namespace {

constexpr std::size_t kPerCustomer = 50;
constexpr std::size_t kBatch = 1000;
constexpr int kOpenStages = 4;  // of the default pipeline: the deals spread over these

std::size_t Customers() { return std::max<std::size_t>(1, Scale() / kPerCustomer); }
std::size_t Deals() { return std::max<std::size_t>(1, Scale() / 4); }

// The n-th interaction: customer n % Customers(), in time order per customer.
Interaction MakeInteraction(std::size_t n) {
  Interaction i;
  i.customer = 1 + n % Customers();
  i.kind = n % 4 == 0 ? InteractionKind::kEmail : InteractionKind::kCall;
  i.direction = Direction::kOutbound;
  i.occurred_at = 1'700'000'000'000'000 + static_cast<Timestamp>(n) * 1'000'000;
  i.duration_seconds = static_cast<std::int64_t>(n % 600);
  i.subject = "Follow-up call #" + std::to_string(n);
  i.body = "Discussed the renewal and next steps; customer asked for a quote.";
  i.outcome = "quote requested";
  i.owner = "owner" + std::to_string(n % kOwners);
  return i;
}

class Backend {
 public:
  virtual ~Backend() = default;
  virtual void LogBatch(const std::vector<Interaction>& batch) = 0;
  virtual std::size_t Timeline(CustomerId customer, std::size_t n, std::vector<Interaction>* out) = 0;
  virtual void CreateDeals(std::size_t n) = 0;
  virtual std::size_t StagePage(int stage_index, std::size_t n, std::vector<Opportunity>* out) = 0;
  virtual void Move(OpportunityId id, int stage_index) = 0;
  // From here on, commits at the "normal" level: libcrm Durability::kNormal, SQLite
  // synchronous=NORMAL, raw LMDB MDB_NOMETASYNC.
  virtual void NormalDurability() = 0;
  // Bytes on disk holding data (footprint.h); 0 for a side that does not say.
  virtual std::uint64_t BytesInUse() { return 0; }
};

// ---------------------------------------------------------------- libcrm

class CrmBackend : public Backend {
 public:
  explicit CrmBackend(const std::string& path) : path_(path) {
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-lock");
    store_ = Unwrap(Store::Open(path));
    const Pipeline p = Unwrap(store_->Run(&ReadTxn::GetDefaultPipeline));
    for (const Stage& s : p.stages) stages_.push_back(s.id);
    for (std::size_t c = 0; c < Customers(); c += kBatch) {
      Check(store_->Write("bench", [&](WriteTxn& txn) -> absl::Status {
        for (std::size_t i = c; i < std::min(Customers(), c + kBatch); ++i)
          if (auto r = txn.CreateCustomer(MakeCustomer(i)); !r.ok()) return r.status();
        return absl::OkStatus();
      }));
    }
  }
  void LogBatch(const std::vector<Interaction>& batch) override {
    Check(store_->Write("bench", [&](WriteTxn& txn) -> absl::Status {
      for (const Interaction& i : batch)
        if (auto r = txn.LogInteraction(i); !r.ok()) return r.status();
      return absl::OkStatus();
    }));
  }
  std::size_t Timeline(CustomerId customer, std::size_t n, std::vector<Interaction>* out) override {
    TimelineQuery q;
    q.customer = customer;
    q.limit = n;
    *out = Unwrap(store_->Run(&ReadTxn::ListTimeline, q)).interactions;
    return out->size();
  }
  void CreateDeals(std::size_t n) override {
    for (std::size_t d = 0; d < n; d += kBatch) {
      Check(store_->Write("bench", [&](WriteTxn& txn) -> absl::Status {
        for (std::size_t i = d; i < std::min(n, d + kBatch); ++i) {
          Opportunity o;
          o.customer = 1 + i % Customers();
          o.title = "Deal " + std::to_string(i);
          o.amount = Money{static_cast<std::int64_t>(1000 + i), "USD"};
          o.stage = stages_[i % kOpenStages];
          o.owner = "owner" + std::to_string(i % kOwners);
          o.expected_close = 1'700'000'000'000'000 + static_cast<Timestamp>(i) * 86'400'000'000;
          if (auto r = txn.CreateOpportunity(o); !r.ok()) return r.status();
        }
        return absl::OkStatus();
      }));
    }
  }
  std::size_t StagePage(int stage_index, std::size_t n, std::vector<Opportunity>* out) override {
    OpportunityQuery q = OpportunityQuery::AtStage(0, stages_[stage_index]);
    q.limit = n;
    *out = Unwrap(store_->Run(&ReadTxn::ListOpportunities, q)).opportunities;
    return out->size();
  }
  void Move(OpportunityId id, int stage_index) override {
    Check(store_->RunAs("bench", &WriteTxn::MoveOpportunity, id, stages_[stage_index]).status());
  }

 private:
  template <class T>
  static T Unwrap(absl::StatusOr<T> r) {
    if (!r.ok()) Die(r.status().ToString());
    return *std::move(r);
  }
  static void Check(const absl::Status& s) {
    if (!s.ok()) Die(s.ToString());
  }
  std::uint64_t BytesInUse() override { return CrmBytes(*store_); }
  void NormalDurability() override {
    store_.reset();  // one environment per file in a process: closed before it opens again
    StoreOptions o;
    o.durability = Durability::kNormal;
    store_ = Unwrap(Store::Open(path_, o));
  }

  std::string path_;
  std::unique_ptr<Store> store_;
  std::vector<StageId> stages_;
};

// ---------------------------------------------------------------- SQLite

class SqliteBackend : public Backend {
 public:
  explicit SqliteBackend(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) Die("sqlite open");
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=FULL");
    Exec("PRAGMA cache_size=-262144");
    Exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, display_name TEXT, last_interaction_at INTEGER)");
    Exec("CREATE INDEX customers_contacted ON customers(last_interaction_at)");
    Exec(R"(CREATE TABLE interactions(id INTEGER PRIMARY KEY, customer_id INTEGER, kind INTEGER,
      kind_label TEXT, direction INTEGER, occurred_at INTEGER, duration_seconds INTEGER, subject TEXT,
      body TEXT, outcome TEXT, satisfaction INTEGER, amount INTEGER, currency TEXT, owner TEXT,
      opportunity_id INTEGER, due_at INTEGER, done INTEGER, created_at INTEGER, updated_at INTEGER,
      revision INTEGER))");
    Exec("CREATE INDEX interactions_timeline ON interactions(customer_id, occurred_at, id)");
    Exec(R"(CREATE TABLE opportunities(id INTEGER PRIMARY KEY, title TEXT, customer_id INTEGER,
      pipeline INTEGER, stage INTEGER, amount INTEGER, currency TEXT, probability INTEGER,
      probability_overridden INTEGER, expected_close INTEGER, owner TEXT, lost_reason TEXT,
      created_at INTEGER, updated_at INTEGER, closed_at INTEGER, revision INTEGER))");
    Exec("CREATE INDEX opportunities_stage ON opportunities(pipeline, stage, id)");
    Exec("CREATE INDEX opportunities_customer ON opportunities(customer_id)");
    Exec("CREATE INDEX opportunities_owner ON opportunities(owner)");
    Exec("CREATE INDEX opportunities_close ON opportunities(expected_close)");
    Exec(R"(CREATE TABLE stage_history(opportunity_id INTEGER, at INTEGER, from_stage INTEGER,
      to_stage INTEGER, actor TEXT, amount INTEGER, currency TEXT, probability INTEGER))");
    Exec("CREATE INDEX stage_history_opp ON stage_history(opportunity_id)");
    Exec(R"(CREATE TABLE changes(seq INTEGER PRIMARY KEY, at INTEGER, actor TEXT, entity INTEGER,
      entity_id INTEGER, op INTEGER, fields TEXT))");
    Exec("CREATE INDEX changes_entity ON changes(entity, entity_id, seq)");
    insert_interaction_ = Prepare(
        "INSERT INTO interactions VALUES(NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)");
    touch_ = Prepare(
        "UPDATE customers SET last_interaction_at=?1 WHERE id=?2 AND last_interaction_at<?1");
    audit_ = Prepare("INSERT INTO changes VALUES(NULL,?,?,?,?,?,?)");
    timeline_ = Prepare(
        "SELECT id,customer_id,kind,kind_label,direction,occurred_at,duration_seconds,subject,body,"
        "outcome,satisfaction,amount,currency,owner,opportunity_id,due_at,done,created_at,updated_at,"
        "revision FROM interactions WHERE customer_id=? ORDER BY occurred_at DESC, id DESC LIMIT ?");
    insert_deal_ = Prepare("INSERT INTO opportunities VALUES(NULL,?,?,1,?,?,'USD',?,0,?,?,'',?,?,0,1)");
    stage_page_ = Prepare(
        "SELECT id,title,customer_id,pipeline,stage,amount,currency,probability,probability_overridden,"
        "expected_close,owner,lost_reason,created_at,updated_at,closed_at,revision FROM opportunities "
        "WHERE pipeline=1 AND stage=? ORDER BY id LIMIT ?");
    get_deal_ = Prepare("SELECT stage, amount, probability FROM opportunities WHERE id=?");
    move_ = Prepare("UPDATE opportunities SET stage=?, probability=?, updated_at=?, revision=revision+1 WHERE id=?");
    history_ = Prepare("INSERT INTO stage_history VALUES(?,?,?,?,?,?,'USD',?)");
    Exec("BEGIN");
    sqlite3_stmt* add = Prepare("INSERT INTO customers VALUES(?,?,0)");
    for (std::size_t c = 0; c < Customers(); ++c) {
      const Customer customer = MakeCustomer(c);
      sqlite3_bind_int64(add, 1, static_cast<std::int64_t>(c + 1));
      const std::string name = customer.given_name + " " + customer.family_name;
      sqlite3_bind_text(add, 2, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
      Step(add);
    }
    sqlite3_finalize(add);
    Exec("COMMIT");
  }
  ~SqliteBackend() override {
    for (sqlite3_stmt* s : {insert_interaction_, touch_, audit_, timeline_, insert_deal_, stage_page_,
                            get_deal_, move_, history_})
      sqlite3_finalize(s);
    sqlite3_close(db_);
  }

  void LogBatch(const std::vector<Interaction>& batch) override {
    Exec("BEGIN");
    const std::int64_t now = 1'800'000'000'000'000;
    for (const Interaction& i : batch) {
      sqlite3_stmt* s = insert_interaction_;
      int k = 1;
      const auto text = [&](const std::string& v) {
        sqlite3_bind_text(s, k++, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
      };
      const auto integer = [&](std::int64_t v) { sqlite3_bind_int64(s, k++, v); };
      integer(static_cast<std::int64_t>(i.customer));
      integer(static_cast<int>(i.kind));
      text(i.kind_label);
      integer(static_cast<int>(i.direction));
      integer(i.occurred_at);
      integer(i.duration_seconds);
      text(i.subject);
      text(i.body);
      text(i.outcome);
      integer(i.satisfaction);
      integer(i.amount ? i.amount->minor_units : 0);
      text(i.amount ? i.amount->currency : std::string());
      text(i.owner);
      integer(static_cast<std::int64_t>(i.opportunity));
      integer(i.due_at);
      integer(i.done);
      integer(now);
      integer(now);
      Step(s);
      const std::int64_t id = sqlite3_last_insert_rowid(db_);
      // The audit row a careful application writes: what was created, field by field.
      Audit(2, id, 1, "kind=" + std::to_string(static_cast<int>(i.kind)) + ";subject=" + i.subject +
                          ";body=" + i.body + ";outcome=" + i.outcome + ";owner=" + i.owner);
      sqlite3_bind_int64(touch_, 1, i.occurred_at);
      sqlite3_bind_int64(touch_, 2, static_cast<std::int64_t>(i.customer));
      Step(touch_);
    }
    Exec("COMMIT");
  }
  std::size_t Timeline(CustomerId customer, std::size_t n, std::vector<Interaction>* out) override {
    sqlite3_bind_int64(timeline_, 1, static_cast<std::int64_t>(customer));
    sqlite3_bind_int64(timeline_, 2, static_cast<std::int64_t>(n));
    out->clear();
    while (sqlite3_step(timeline_) == SQLITE_ROW) {
      sqlite3_stmt* s = timeline_;
      Interaction& i = out->emplace_back();
      int k = 0;
      i.id = static_cast<InteractionId>(sqlite3_column_int64(s, k++));
      i.customer = static_cast<CustomerId>(sqlite3_column_int64(s, k++));
      i.kind = static_cast<InteractionKind>(sqlite3_column_int(s, k++));
      i.kind_label = Text(s, k++);
      i.direction = static_cast<Direction>(sqlite3_column_int(s, k++));
      i.occurred_at = sqlite3_column_int64(s, k++);
      i.duration_seconds = sqlite3_column_int64(s, k++);
      i.subject = Text(s, k++);
      i.body = Text(s, k++);
      i.outcome = Text(s, k++);
      i.satisfaction = static_cast<std::uint8_t>(sqlite3_column_int(s, k++));
      const std::int64_t amount = sqlite3_column_int64(s, k++);
      std::string currency = Text(s, k++);
      if (!currency.empty()) i.amount = Money{amount, std::move(currency)};
      i.owner = Text(s, k++);
      i.opportunity = static_cast<OpportunityId>(sqlite3_column_int64(s, k++));
      i.due_at = sqlite3_column_int64(s, k++);
      i.done = sqlite3_column_int(s, k++) != 0;
      i.created_at = sqlite3_column_int64(s, k++);
      i.updated_at = sqlite3_column_int64(s, k++);
      i.revision = static_cast<std::uint64_t>(sqlite3_column_int64(s, k++));
    }
    sqlite3_reset(timeline_);
    return out->size();
  }
  void CreateDeals(std::size_t n) override {
    Exec("BEGIN");
    for (std::size_t i = 0; i < n; ++i) {
      sqlite3_stmt* s = insert_deal_;
      const std::string title = "Deal " + std::to_string(i);
      const std::string owner = "owner" + std::to_string(i % kOwners);
      sqlite3_bind_text(s, 1, title.data(), static_cast<int>(title.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int64(s, 2, static_cast<std::int64_t>(1 + i % Customers()));
      sqlite3_bind_int(s, 3, static_cast<int>(1 + i % kOpenStages));
      sqlite3_bind_int64(s, 4, static_cast<std::int64_t>(1000 + i));
      sqlite3_bind_int(s, 5, 10);
      sqlite3_bind_int64(s, 6, 1'700'000'000'000'000 + static_cast<std::int64_t>(i) * 86'400'000'000);
      sqlite3_bind_text(s, 7, owner.data(), static_cast<int>(owner.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int64(s, 8, 1);
      sqlite3_bind_int64(s, 9, 1);
      Step(s);
      // What libcrm keeps with a new deal: its first stage-history entry and its change row.
      const std::int64_t id = sqlite3_last_insert_rowid(db_);
      const int stage = static_cast<int>(1 + i % kOpenStages);
      sqlite3_bind_int64(history_, 1, id);
      sqlite3_bind_int64(history_, 2, 1'700'000'000'000'000);
      sqlite3_bind_int(history_, 3, 0);
      sqlite3_bind_int(history_, 4, stage);
      sqlite3_bind_text(history_, 5, "bench", 5, SQLITE_STATIC);
      sqlite3_bind_int64(history_, 6, static_cast<std::int64_t>(1000 + i));
      sqlite3_bind_int(history_, 7, 10);
      Step(history_);
      Audit(3, id, 1,
            "title=" + title + ";customer=" + std::to_string(1 + i % Customers()) + ";pipeline=1;stage=" +
                std::to_string(stage) + ";amount=" + std::to_string(1000 + i) + " USD;probability=10;expected_close=" +
                std::to_string(1'700'000'000'000'000 + static_cast<std::int64_t>(i) * 86'400'000'000) + ";owner=" + owner);
      if (i % kBatch == kBatch - 1) {
        Exec("COMMIT");
        Exec("BEGIN");
      }
    }
    Exec("COMMIT");
  }
  std::size_t StagePage(int stage_index, std::size_t n, std::vector<Opportunity>* out) override {
    sqlite3_bind_int(stage_page_, 1, stage_index + 1);
    sqlite3_bind_int64(stage_page_, 2, static_cast<std::int64_t>(n));
    out->clear();
    while (sqlite3_step(stage_page_) == SQLITE_ROW) {
      sqlite3_stmt* s = stage_page_;
      Opportunity& o = out->emplace_back();
      int k = 0;
      o.id = static_cast<OpportunityId>(sqlite3_column_int64(s, k++));
      o.title = Text(s, k++);
      o.customer = static_cast<CustomerId>(sqlite3_column_int64(s, k++));
      o.pipeline = static_cast<PipelineId>(sqlite3_column_int64(s, k++));
      o.stage = static_cast<StageId>(sqlite3_column_int(s, k++));
      o.amount.minor_units = sqlite3_column_int64(s, k++);
      o.amount.currency = Text(s, k++);
      o.probability = sqlite3_column_int(s, k++);
      o.probability_overridden = sqlite3_column_int(s, k++) != 0;
      o.expected_close = sqlite3_column_int64(s, k++);
      o.owner = Text(s, k++);
      o.lost_reason = Text(s, k++);
      o.created_at = sqlite3_column_int64(s, k++);
      o.updated_at = sqlite3_column_int64(s, k++);
      o.closed_at = sqlite3_column_int64(s, k++);
      o.revision = static_cast<std::uint64_t>(sqlite3_column_int64(s, k++));
    }
    sqlite3_reset(stage_page_);
    return out->size();
  }
  void Move(OpportunityId id, int stage_index) override {
    const std::int64_t now = 1'800'000'000'000'000;
    const int probabilities[] = {10, 20, 50, 80};
    Exec("BEGIN");
    sqlite3_bind_int64(get_deal_, 1, static_cast<std::int64_t>(id));
    if (sqlite3_step(get_deal_) != SQLITE_ROW) Die("missing deal");
    const int from = sqlite3_column_int(get_deal_, 0);
    const std::int64_t amount = sqlite3_column_int64(get_deal_, 1);
    sqlite3_reset(get_deal_);
    const int to = stage_index + 1;
    const int probability = probabilities[stage_index];
    sqlite3_bind_int(move_, 1, to);
    sqlite3_bind_int(move_, 2, probability);
    sqlite3_bind_int64(move_, 3, now);
    sqlite3_bind_int64(move_, 4, static_cast<std::int64_t>(id));
    Step(move_);
    sqlite3_bind_int64(history_, 1, static_cast<std::int64_t>(id));
    sqlite3_bind_int64(history_, 2, now);
    sqlite3_bind_int(history_, 3, from);
    sqlite3_bind_int(history_, 4, to);
    sqlite3_bind_text(history_, 5, "bench", 5, SQLITE_STATIC);
    sqlite3_bind_int64(history_, 6, amount);
    sqlite3_bind_int(history_, 7, probability);
    Step(history_);
    Audit(3, static_cast<std::int64_t>(id), 6,
          "stage=" + std::to_string(from) + "->" + std::to_string(to) + ";probability=" + std::to_string(probability));
    Exec("COMMIT");
  }

 private:
  void Audit(int entity, std::int64_t id, int op, const std::string& fields) {
    sqlite3_bind_int64(audit_, 1, 1'800'000'000'000'000);
    sqlite3_bind_text(audit_, 2, "bench", 5, SQLITE_STATIC);
    sqlite3_bind_int(audit_, 3, entity);
    sqlite3_bind_int64(audit_, 4, id);
    sqlite3_bind_int(audit_, 5, op);
    sqlite3_bind_text(audit_, 6, fields.data(), static_cast<int>(fields.size()), SQLITE_STATIC);
    Step(audit_);
  }
  std::uint64_t BytesInUse() override { return SqliteBytes(db_); }
  void NormalDurability() override { Exec("PRAGMA synchronous=NORMAL"); }
  void Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      Die("sqlite: " + msg);
    }
  }
  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      Die(std::string("sqlite prepare: ") + sqlite3_errmsg(db_));
    return s;
  }
  void Step(sqlite3_stmt* s) {
    if (sqlite3_step(s) != SQLITE_DONE) Die(std::string("sqlite step: ") + sqlite3_errmsg(db_));
    sqlite3_reset(s);
  }
  static std::string Text(sqlite3_stmt* s, int col) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, col))) : std::string();
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt *insert_interaction_, *touch_, *audit_, *timeline_, *insert_deal_, *stage_page_, *get_deal_,
      *move_, *history_;
};

// ---------------------------------------------------------------- raw LMDB (the floor)

// Fixed-layout structs copied in and out: the least a store can do.
struct FloorInteraction {
  std::int64_t occurred_at, duration, kind, direction;
};

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
    for (auto [dbi, name] : {std::pair{&timeline_, "i"}, {&contacted_, "c"}, {&feed_, "f"}, {&deals_, "d"},
                             {&stage_, "s"}, {&history_, "h"}})
      Check(mdb_dbi_open(txn, name, MDB_CREATE, dbi), "dbi");
    Check(mdb_txn_commit(txn), "commit");
  }
  ~LmdbBackend() override { mdb_env_close(env_); }

  void LogBatch(const std::vector<Interaction>& batch) override {
    MDB_txn* txn = Write();
    for (const Interaction& i : batch) {
      const std::string key = codec::KeyBuilder().U64(i.customer).I64(i.occurred_at).U64(++next_interaction_).Take();
      std::string value = Strings({i.subject, i.body, i.outcome, i.owner, i.kind_label});
      const FloorInteraction f{i.occurred_at, i.duration_seconds, static_cast<int>(i.kind), static_cast<int>(i.direction)};
      value.append(reinterpret_cast<const char*>(&f), sizeof f);
      Put(txn, timeline_, key, value);
      Put(txn, contacted_, codec::EncodeU64(i.customer), codec::EncodeU64(static_cast<std::uint64_t>(i.occurred_at)));
      Put(txn, feed_, codec::EncodeU64(++next_seq_), value, MDB_APPEND);
    }
    Check(mdb_txn_commit(txn), "commit");
  }
  std::size_t Timeline(CustomerId customer, std::size_t n, std::vector<Interaction>* out) override {
    MDB_txn* txn;
    Check(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn), "begin");
    MDB_cursor* cur;
    Check(mdb_cursor_open(txn, timeline_, &cur), "cursor");
    const std::string next = codec::EncodeU64(customer + 1);
    MDB_val k{next.size(), const_cast<char*>(next.data())}, v;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    rc = rc == 0 ? mdb_cursor_get(cur, &k, &v, MDB_PREV) : mdb_cursor_get(cur, &k, &v, MDB_LAST);
    out->clear();
    for (; rc == 0 && out->size() < n; rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
      if (codec::GetBigEndian64(static_cast<const char*>(k.mv_data)) != customer) break;
      Interaction& i = out->emplace_back();
      const char* p = static_cast<const char*>(v.mv_data);
      const char* end = p + v.mv_size - sizeof(FloorInteraction);
      std::string* fields[] = {&i.subject, &i.body, &i.outcome, &i.owner, &i.kind_label};
      for (std::string* f : fields) {
        std::uint32_t len;
        std::memcpy(&len, p, 4);
        f->assign(p + 4, len);
        p += 4 + len;
      }
      FloorInteraction fi;
      std::memcpy(&fi, end, sizeof fi);
      i.customer = customer;
      i.id = codec::GetBigEndian64(static_cast<const char*>(k.mv_data) + 16);
      i.occurred_at = fi.occurred_at;
      i.duration_seconds = fi.duration;
      i.kind = static_cast<InteractionKind>(fi.kind);
      i.direction = static_cast<Direction>(fi.direction);
    }
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    return out->size();
  }
  void CreateDeals(std::size_t n) override {
    MDB_txn* txn = Write();
    for (std::size_t i = 0; i < n; ++i) {
      Opportunity o;
      o.id = i + 1;
      o.title = "Deal " + std::to_string(i);
      o.customer = 1 + i % Customers();
      o.stage = static_cast<StageId>(1 + i % kOpenStages);
      o.amount = Money{static_cast<std::int64_t>(1000 + i), "USD"};
      o.owner = "owner" + std::to_string(i % kOwners);
      Put(txn, deals_, codec::EncodeU64(o.id), EncodeDeal(o), MDB_APPEND);
      Put(txn, stage_, codec::KeyBuilder().U32(o.stage).U64(o.id).Take(), "");
      if (i % kBatch == kBatch - 1) {
        Check(mdb_txn_commit(txn), "commit");
        txn = Write();
      }
    }
    Check(mdb_txn_commit(txn), "commit");
  }
  std::size_t StagePage(int stage_index, std::size_t n, std::vector<Opportunity>* out) override {
    MDB_txn* txn;
    Check(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn), "begin");
    MDB_cursor* cur;
    Check(mdb_cursor_open(txn, stage_, &cur), "cursor");
    const std::string prefix = codec::KeyBuilder().U32(static_cast<std::uint32_t>(stage_index + 1)).Take();
    MDB_val k{prefix.size(), const_cast<char*>(prefix.data())}, v;
    out->clear();
    for (int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && out->size() < n;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
      if (std::memcmp(k.mv_data, prefix.data(), 4) != 0) break;
      const std::string id(static_cast<const char*>(k.mv_data) + 4, 8);
      MDB_val ik{8, const_cast<char*>(id.data())}, dv;
      Check(mdb_get(txn, deals_, &ik, &dv), "get deal");
      DecodeDeal(dv, &out->emplace_back());
    }
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    return out->size();
  }
  void Move(OpportunityId id, int stage_index) override {
    MDB_txn* txn = Write();
    const std::string key = codec::EncodeU64(id);
    MDB_val k{8, const_cast<char*>(key.data())}, v;
    Check(mdb_get(txn, deals_, &k, &v), "get deal");
    Opportunity o;
    DecodeDeal(v, &o);
    const StageId from = o.stage;
    o.stage = static_cast<StageId>(stage_index + 1);
    Del(txn, stage_, codec::KeyBuilder().U32(from).U64(id).Take());
    Put(txn, stage_, codec::KeyBuilder().U32(o.stage).U64(id).Take(), "");
    Put(txn, deals_, key, EncodeDeal(o));
    const std::string entry = codec::KeyBuilder().U32(from).U32(o.stage).I64(o.amount.minor_units).Take();
    Put(txn, history_, codec::KeyBuilder().U64(id).U64(++next_seq_).Take(), entry);
    Put(txn, feed_, codec::EncodeU64(next_seq_), entry, MDB_APPEND);
    Check(mdb_txn_commit(txn), "commit");
  }

 private:
  static void Check(int rc, const char* what) {
    if (rc != 0) Die(std::string("lmdb ") + what + ": " + mdb_strerror(rc));
  }
  MDB_txn* Write() {
    MDB_txn* txn;
    Check(mdb_txn_begin(env_, nullptr, 0, &txn), "begin");
    return txn;
  }
  static void Put(MDB_txn* txn, MDB_dbi dbi, const std::string& key, const std::string& value, unsigned flags = 0) {
    MDB_val k{key.size(), const_cast<char*>(key.data())}, v{value.size(), const_cast<char*>(value.data())};
    Check(mdb_put(txn, dbi, &k, &v, flags), "put");
  }
  static void Del(MDB_txn* txn, MDB_dbi dbi, const std::string& key) {
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    Check(mdb_del(txn, dbi, &k, nullptr), "del");
  }
  static std::string Strings(std::initializer_list<std::string> parts) {
    std::string out;
    for (const std::string& s : parts) {
      const auto len = static_cast<std::uint32_t>(s.size());
      out.append(reinterpret_cast<const char*>(&len), 4);
      out += s;
    }
    return out;
  }
  static std::string EncodeDeal(const Opportunity& o) {
    std::string out = Strings({o.title, o.owner, o.amount.currency, o.lost_reason});
    const std::int64_t fixed[] = {static_cast<std::int64_t>(o.id), static_cast<std::int64_t>(o.customer),
                                  static_cast<std::int64_t>(o.stage), o.amount.minor_units, o.probability,
                                  o.expected_close};
    out.append(reinterpret_cast<const char*>(fixed), sizeof fixed);
    return out;
  }
  static void DecodeDeal(const MDB_val& v, Opportunity* o) {
    const char* p = static_cast<const char*>(v.mv_data);
    for (std::string* f : {&o->title, &o->owner, &o->amount.currency, &o->lost_reason}) {
      std::uint32_t len;
      std::memcpy(&len, p, 4);
      f->assign(p + 4, len);
      p += 4 + len;
    }
    std::int64_t fixed[6];
    std::memcpy(fixed, p, sizeof fixed);
    o->id = static_cast<OpportunityId>(fixed[0]);
    o->customer = static_cast<CustomerId>(fixed[1]);
    o->stage = static_cast<StageId>(fixed[2]);
    o->amount.minor_units = fixed[3];
    o->probability = static_cast<int>(fixed[4]);
    o->expected_close = fixed[5];
  }

  void NormalDurability() override { Check(mdb_env_set_flags(env_, MDB_NOMETASYNC, 1), "set flags"); }
  MDB_env* env_ = nullptr;
  MDB_dbi timeline_, contacted_, feed_, deals_, stage_, history_;
  std::uint64_t next_interaction_ = 0, next_seq_ = 0;
};

// ---------------------------------------------------------------- workloads

std::unique_ptr<Backend> Make(const std::string& side, const std::string& name) {
  if (side == "crm") return std::make_unique<CrmBackend>(TempPath(name + ".crm"));
  if (side == "sqlite") return std::make_unique<SqliteBackend>(TempPath(name + ".sqlite"));
  return std::make_unique<LmdbBackend>(TempPath(name + ".lmdb"));
}

// The bytes in use after each step of loading a side (Loaded).
struct Bytes {
  std::uint64_t customers = 0, interactions = 0, deals = 0;
};
std::map<std::string, Bytes>& Footprints() {
  static std::map<std::string, Bytes> bytes;
  return bytes;
}

// Per side: Scale() interactions over Customers() customers and Deals() opportunities.
Backend& Loaded(const std::string& side) {
  static std::map<std::string, std::unique_ptr<Backend>> loaded;
  auto& slot = loaded[side];
  if (!slot) {
    slot = Make(side, "activity");
    Bytes& bytes = Footprints()[side];
    bytes.customers = slot->BytesInUse();
    LoadInBatches<Interaction>(Scale(), kBatch, MakeInteraction,
                               [&](const std::vector<Interaction>& b) { slot->LogBatch(b); });
    bytes.interactions = slot->BytesInUse();
    slot->CreateDeals(Deals());
    bytes.deals = slot->BytesInUse();
  }
  return *slot;
}

// Bytes per interaction and per deal (indexes and change-feed entries included): what each
// step of Loaded() added.
void FootprintInteraction(benchmark::State& state, const std::string& side) {
  Loaded(side);
  const Bytes& b = Footprints()[side];
  ReportFootprint(state, b.interactions - b.customers, Scale());
}

void FootprintDeal(benchmark::State& state, const std::string& side) {
  Loaded(side);
  const Bytes& b = Footprints()[side];
  ReportFootprint(state, b.deals - b.interactions, Deals());
}

void InteractionLog(benchmark::State& state, const std::string& side) {
  auto backend = Make(side, "log");
  TimedBatches<Interaction>(state, kBatch, MakeInteraction,
                            [&](const std::vector<Interaction>& b) { backend->LogBatch(b); });
}

void Timeline20(benchmark::State& state, const std::string& side) {
  Backend& b = Loaded(side);
  std::mt19937_64 rng(6);
  std::vector<Interaction> out;
  for (auto _ : state) {
    if (b.Timeline(1 + rng() % Customers(), 20, &out) != std::min<std::size_t>(20, kPerCustomer))
      Die("short timeline");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

void StagePage(benchmark::State& state, const std::string& side) {
  Backend& b = Loaded(side);
  std::mt19937_64 rng(7);
  std::vector<Opportunity> out;
  for (auto _ : state) {
    b.StagePage(static_cast<int>(rng() % kOpenStages), 50, &out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

void Moves(benchmark::State& state, Backend& b) {
  std::mt19937_64 rng(8);
  std::size_t n = 0;
  for (auto _ : state) {
    const OpportunityId id = 1 + rng() % Deals();
    b.Move(id, static_cast<int>(n++ % kOpenStages));
  }
  state.SetItemsProcessed(state.iterations());
}

void StageMove(benchmark::State& state, const std::string& side) {
  Backend& b = Loaded(side);
  Moves(state, b);
}

// The same at the "normal" level (run after StageMove: the stores stay at that level).
void StageMoveNormal(benchmark::State& state, const std::string& side) {
  Backend& b = Loaded(side);
  b.NormalDurability();
  Moves(state, b);
}


}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) {
  using namespace crm::bench;
  for (const char* side : {"crm", "sqlite", "lmdb"}) {
    const std::string s = side;
    benchmark::RegisterBenchmark(("InteractionLog/" + s).c_str(), [s](benchmark::State& st) { InteractionLog(st, s); })
        ->Iterations(static_cast<benchmark::IterationCount>(std::max<std::size_t>(1, Scale() / kBatch)))
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  using Fn = void (*)(benchmark::State&, const std::string&);
  const std::pair<const char*, Fn> reads[] = {
      {"Timeline20", Timeline20}, {"StagePage", StagePage}, {"StageMove", StageMove}, {"StageMoveNormal", StageMoveNormal}};
  for (const auto& [name, fn] : reads)
    for (const char* side : {"crm", "sqlite", "lmdb"}) {
      const std::string s = side;
      auto* b = benchmark::RegisterBenchmark((std::string(name) + "/" + s).c_str(),
                                             [s, fn = fn](benchmark::State& st) { fn(st, s); });
      b->Unit(benchmark::kMicrosecond)->UseRealTime();
      if (fn == StageMove || fn == StageMoveNormal) b->MinTime(2.0);
    }
  const std::pair<const char*, Fn> footprints[] = {{"FootprintInteraction", FootprintInteraction},
                                                   {"FootprintDeal", FootprintDeal}};
  for (const auto& [name, fn] : footprints)
    for (const char* side : {"crm", "sqlite"}) {
      const std::string s = side;
      benchmark::RegisterBenchmark((std::string(name) + "/" + s).c_str(), [s, fn = fn](benchmark::State& st) { fn(st, s); })
          ->Iterations(1);
    }
  return RunBenchmarks(argc, argv);
}
