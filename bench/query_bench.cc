// Query workloads, each run two ways in one process:
//   <Workload>/crm     libcrm's query engine through its public API
//   <Workload>/sqlite  SQLite with the indexes a careful user would create (stage, country, owner,
//                      tag table keyed by tag; opportunities by status, stage, owner, customer),
//                      ANALYZEd, prepared statements, WAL; custom fields as a JSON column with an
//                      expression index on json_extract(custom, '$.seats'), as libcrm declares
//                      an index on custom.seats
// Both hold the same records: CRM_BENCH_SCALE customers (default 200,000) and five opportunities
// per customer (1,000,000 by default), won deals closed over about three years. Before timing,
// each workload checks that both sides give the same answer.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench_data.h"
#include "sqlite_util.h"
#include "crm/store.hpp"
#include "text/text.h"

namespace crm::bench {
namespace {

constexpr const char* kCountries[] = {"DE", "FR", "US", "GB", "ES", "IT", "NL", "BE", "AT", "CH",
                                      "SE", "NO", "DK", "FI", "PL", "CZ", "PT", "IE", "CA", "AU"};
constexpr std::size_t kDealsPerCustomer = 5;
constexpr Timestamp kStart = 1'600'000'000'000'000;  // 2020-09-13
constexpr Timestamp kDay = 86'400'000'000;
constexpr const char* kFilter = "stage = 'customer' and country = 'DE' and tag = 'vip'";

Customer QueryCustomer(std::size_t i) {
  Customer c = MakeCustomer(i);
  std::mt19937_64 rng(i * 31 + 7);
  c.address.country = kCountries[rng() % 20];
  if (rng() % 20 == 0) c.tags.push_back("vip");
  return c;
}

struct Deal {
  std::uint64_t customer;
  std::size_t stage;  // index into the default pipeline's stages
  std::string owner;
  Money amount;
};

Deal MakeDeal(std::size_t j, std::size_t customers) {
  std::mt19937_64 rng(j * 0x9E3779B97F4A7C15ull + 3);
  return Deal{j % customers + 1, static_cast<std::size_t>(rng() % 6), "owner" + std::to_string(rng() % kOwners),
              Money{static_cast<std::int64_t>(rng() % 10'000'000), rng() % 10 == 0 ? "USD" : "EUR"}};
}

struct Stores {
  std::unique_ptr<Store> crm;
  sqlite3* sql = nullptr;
  std::vector<Stage> stages;
};

Timestamp g_now = kStart;

// Loads both sides once; later workloads reuse them.
Stores& Loaded() {
  static Stores s = [] {
    Stores out;
    const std::size_t n = Scale();
    const std::string path = TempPath("query.crm");
    StoreOptions options;
    options.sync = false;  // loading only: the workloads read
    options.clock = [] { return g_now; };
    auto store = Store::Open(path, options);
    if (!store.ok()) Die(store.status().ToString());
    out.crm = *std::move(store);
    out.stages = out.crm->Run(&ReadTxn::GetDefaultPipeline)->stages;
    if (sqlite3_open(TempPath("query.sqlite").c_str(), &out.sql) != SQLITE_OK) Die("sqlite open");
    Exec(out.sql, "PRAGMA journal_mode=WAL");
    Exec(out.sql, "PRAGMA synchronous=OFF");
    Exec(out.sql, "PRAGMA cache_size=-262144");
    Exec(out.sql, R"(CREATE TABLE customers(id INTEGER PRIMARY KEY, display_name TEXT, given_name TEXT,
      family_name TEXT, name_sort TEXT, country TEXT, stage INTEGER, owner TEXT, created_at INTEGER, seats INTEGER,
      custom TEXT))");
    Exec(out.sql, "CREATE TABLE customer_tag(tag TEXT, customer_id INTEGER, PRIMARY KEY(tag, customer_id)) WITHOUT ROWID");
    Exec(out.sql, R"(CREATE TABLE opportunities(id INTEGER PRIMARY KEY, customer INTEGER, title TEXT, stage INTEGER,
      status INTEGER, amount INTEGER, currency TEXT, owner TEXT, created_at INTEGER, closed_at INTEGER))");
    sqlite3_stmt* put_c = Prepare(out.sql, "INSERT INTO customers VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    sqlite3_stmt* put_t = Prepare(out.sql, "INSERT INTO customer_tag VALUES(?,?)");
    sqlite3_stmt* put_o = Prepare(out.sql, "INSERT INTO opportunities VALUES(?,?,?,?,?,?,?,?,?,?)");
    const auto text = [](sqlite3_stmt* st, int i, const std::string& v) {
      sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    };
    LoadInBatches<Customer>(n, 2000, QueryCustomer, [&](const std::vector<Customer>& batch) {
      absl::Status st = out.crm->Write("load", [&](WriteTxn& t) -> absl::Status {
        for (const Customer& c : batch)
          if (auto r = t.CreateCustomer(c); !r.ok()) return r.status();
        return absl::OkStatus();
      });
      if (!st.ok()) Die(st.ToString());
    });
    // SQLite gets what libcrm stored (ids, derived display names).
    Exec(out.sql, "BEGIN");
    Search all;
    all.limit = 1000;
    while (true) {
      auto page = out.crm->Run(&ReadTxn::SearchCustomers, all);
      if (!page.ok()) Die(page.status().ToString());
      for (const Customer& c : page->customers) {
        sqlite3_bind_int64(put_c, 1, static_cast<std::int64_t>(c.id));
        text(put_c, 2, c.display_name);
        text(put_c, 3, c.given_name);
        text(put_c, 4, c.family_name);
        text(put_c, 5, text::FoldCase(c.display_name));
        text(put_c, 6, text::FoldCase(c.address.country));
        sqlite3_bind_int(put_c, 7, static_cast<int>(c.stage));
        text(put_c, 8, c.owner);
        sqlite3_bind_int64(put_c, 9, c.created_at);
        sqlite3_bind_int64(put_c, 10, std::get<std::int64_t>(c.custom.at("seats")));
        text(put_c, 11, "{\"seats\":" + std::to_string(std::get<std::int64_t>(c.custom.at("seats"))) + ",\"plan\":\"" +
                            std::get<std::string>(c.custom.at("plan")) + "\"}");
        if (sqlite3_step(put_c) != SQLITE_DONE) Die("sqlite insert customer");
        sqlite3_reset(put_c);
        for (const std::string& tag : c.tags) {
          text(put_t, 1, text::FoldCase(tag));
          sqlite3_bind_int64(put_t, 2, static_cast<std::int64_t>(c.id));
          if (sqlite3_step(put_t) != SQLITE_DONE) Die("sqlite insert tag");
          sqlite3_reset(put_t);
        }
      }
      if (page->next_page_token.empty()) break;
      all.page_token = page->next_page_token;
    }
    Exec(out.sql, "COMMIT");
    const std::size_t deals = n * kDealsPerCustomer;
    std::size_t next = 0;
    while (next < deals) {
      const std::size_t end = std::min(deals, next + 1000);
      g_now += kDay;  // each batch closes its won and lost deals a day after the previous one
      std::vector<Opportunity> made;
      absl::Status st = out.crm->Write("load", [&](WriteTxn& t) -> absl::Status {
        made.clear();
        for (std::size_t j = next; j < end; ++j) {
          const Deal d = MakeDeal(j, n);
          Opportunity o;
          o.customer = d.customer;
          o.title = "Deal " + std::to_string(j);
          o.stage = out.stages[d.stage].id;
          o.owner = d.owner;
          o.amount = d.amount;
          auto r = t.CreateOpportunity(o);
          if (!r.ok()) return r.status();
          made.push_back(*std::move(r));
        }
        return absl::OkStatus();
      });
      if (!st.ok()) Die(st.ToString());
      Exec(out.sql, "BEGIN");
      for (const Opportunity& o : made) {
        const Stage* stage = nullptr;
        for (const Stage& s2 : out.stages)
          if (s2.id == o.stage) stage = &s2;
        const int status = stage->outcome == StageOutcome::kWon ? 1 : stage->outcome == StageOutcome::kLost ? 2 : 0;
        sqlite3_bind_int64(put_o, 1, static_cast<std::int64_t>(o.id));
        sqlite3_bind_int64(put_o, 2, static_cast<std::int64_t>(o.customer));
        text(put_o, 3, o.title);
        sqlite3_bind_int(put_o, 4, static_cast<int>(o.stage));
        sqlite3_bind_int(put_o, 5, status);
        sqlite3_bind_int64(put_o, 6, o.amount.minor_units);
        text(put_o, 7, o.amount.currency);
        text(put_o, 8, o.owner);
        sqlite3_bind_int64(put_o, 9, o.created_at);
        if (o.closed_at != 0) {
          sqlite3_bind_int64(put_o, 10, o.closed_at);
        } else {
          sqlite3_bind_null(put_o, 10);
        }
        if (sqlite3_step(put_o) != SQLITE_DONE) Die("sqlite insert opportunity");
        sqlite3_reset(put_o);
      }
      Exec(out.sql, "COMMIT");
      next = end;
    }
    for (const char* index : {"CREATE INDEX customers_stage ON customers(stage)",
                              "CREATE INDEX customers_country ON customers(country)",
                              "CREATE INDEX customers_owner ON customers(owner)",
                              "CREATE INDEX opportunities_status ON opportunities(status)",
                              "CREATE INDEX opportunities_stage ON opportunities(stage)",
                              "CREATE INDEX opportunities_owner ON opportunities(owner)",
                              "CREATE INDEX opportunities_customer ON opportunities(customer)",
                              "CREATE INDEX customers_custom_seats ON customers(json_extract(custom, '$.seats'))",
                              "ANALYZE"})
      Exec(out.sql, index);
    if (auto st = out.crm->Run(&WriteTxn::DeclareIndex, EntityType::kCustomer, std::string_view("custom.seats")); !st.ok())
      Die(st.ToString());
    for (sqlite3_stmt* st : {put_c, put_t, put_o}) sqlite3_finalize(st);
    return out;
  }();
  return s;
}

// One query a workload runs: its answer as text, so that both sides can be compared.
using Query = std::function<std::string()>;

void Run(benchmark::State& state, const std::string& name, const Query& crm_side, const Query& sqlite_side, bool crm) {
  Loaded();
  static std::map<std::string, bool> checked;
  if (!checked[name]) {
    const std::string a = crm_side(), b = sqlite_side();
    if (a != b) Die(name + ": libcrm and SQLite disagree:\n  crm:    " + a.substr(0, 400) + "\n  sqlite: " + b.substr(0, 400));
    checked[name] = true;
  }
  const Query& q = crm ? crm_side : sqlite_side;
  for (auto _ : state) benchmark::DoNotOptimize(q());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

template <class T>
T Ok(absl::StatusOr<T> r) {
  if (!r.ok()) Die(r.status().ToString());
  return *std::move(r);
}

std::string SqlRows(sqlite3_stmt* st, int columns) {
  std::string out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    for (int i = 0; i < columns; ++i) {
      const unsigned char* t = sqlite3_column_text(st, i);
      out += t == nullptr ? "" : reinterpret_cast<const char*>(t);
      out += i + 1 < columns ? "," : ";";
    }
  }
  sqlite3_reset(st);
  return out;
}

std::string CrmRows(const AggregateResult& r, bool currency) {
  std::string out;
  for (const AggregateRow& row : r.rows) {
    for (const GroupKey& k : row.keys) out += text::FoldCase(k.label) + ",";
    if (currency) out += row.currency + ",";
    out += std::to_string(row.values[0].value) + ";";
  }
  return out;
}

// The ids of the customers a statement selects (id, display_name, given_name, family_name,
// country, stage, owner, created_at, custom), each row decoded as the other side's records are.
std::string SqlCustomerIds(sqlite3_stmt* st) {
  std::string ids;
  const auto text = [&](int i) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i))); };
  while (sqlite3_step(st) == SQLITE_ROW) {
    Customer c;
    c.id = static_cast<CustomerId>(sqlite3_column_int64(st, 0));
    c.display_name = text(1);
    c.given_name = text(2);
    c.family_name = text(3);
    c.address.country = text(4);
    c.stage = static_cast<LifecycleStage>(sqlite3_column_int(st, 5));
    c.owner = text(6);
    c.created_at = sqlite3_column_int64(st, 7);
    c.custom["json"] = text(8);
    ids += std::to_string(c.id) + ",";
  }
  sqlite3_reset(st);
  return ids;
}

void FilteredPage(benchmark::State& state, bool crm) {
  Stores& s = Loaded();
  static sqlite3_stmt* st = Prepare(s.sql,
      "SELECT c.id, c.display_name, c.given_name, c.family_name, c.country, c.stage, c.owner, c.created_at, c.custom "
      "FROM customer_tag t JOIN customers c ON c.id = t.customer_id "
      "WHERE t.tag = 'vip' AND c.stage = 5 AND c.country = 'de' ORDER BY c.name_sort, c.id LIMIT 50");
  Run(state, "FilteredPage",
      [&] {
        Search q;
        q.filter = Ok(Filter::Parse(kFilter));
        q.order_by = "name";
        std::string ids;
        for (const Customer& c : Ok(s.crm->Run(&ReadTxn::SearchCustomers, q)).customers) ids += std::to_string(c.id) + ",";
        return ids;
      },
      [&] { return SqlCustomerIds(st); },
      crm);
}

void FilteredCount(benchmark::State& state, bool crm) {
  Stores& s = Loaded();
  static sqlite3_stmt* st = Prepare(s.sql,
      "SELECT COUNT(*) FROM customer_tag t JOIN customers c ON c.id = t.customer_id "
      "WHERE t.tag = 'vip' AND c.stage = 5 AND c.country = 'de'");
  Run(state, "FilteredCount",
      [&] {
        Search q;
        q.filter = Ok(Filter::Parse(kFilter));
        return std::to_string(Ok(s.crm->Run(&ReadTxn::CountMatching, EntityType::kCustomer, q))) + ";";
      },
      [&] { return SqlRows(st, 1); }, crm);
}

void GroupByCount(benchmark::State& state, bool crm) {
  Stores& s = Loaded();
  static sqlite3_stmt* st = Prepare(s.sql, "SELECT country, COUNT(*) FROM customers GROUP BY country ORDER BY country");
  Run(state, "GroupByCount",
      [&] {
        Aggregation a;
        a.group_by = {GroupBy{"country"}};
        return CrmRows(Ok(s.crm->Run(&ReadTxn::Aggregate, EntityType::kCustomer, a)), false);
      },
      [&] { return SqlRows(st, 2); }, crm);
}

void GroupBySum(benchmark::State& state, bool crm) {
  Stores& s = Loaded();
  static sqlite3_stmt* st = Prepare(s.sql,
      "SELECT owner, strftime('%Y-%m', closed_at / 1000000, 'unixepoch') AS month, currency, SUM(amount) "
      "FROM opportunities WHERE status = 1 GROUP BY owner, month, currency ORDER BY owner, month, currency");
  Run(state, "GroupBySum",
      [&] {
        Aggregation a;
        a.filter = Ok(Filter::Parse("status = 'won'"));
        a.group_by = {GroupBy{"owner"}, GroupBy{"closed_at", TimeBucket::kMonth}};
        a.measures = {Measure{Measure::Op::kSum, "amount"}};
        return CrmRows(Ok(s.crm->Run(&ReadTxn::Aggregate, EntityType::kOpportunity, a)), true);
      },
      [&] { return SqlRows(st, 4); }, crm);
}

// A custom field with a declared index (libcrm) and an expression index (SQLite): the first 50
// customers with one value, by id (CustomFieldEqual), and how many have a value in a range
// (CustomFieldRange, about 2% of them).
void CustomFieldEqual(benchmark::State& state, bool crm) {
  Stores& s = Loaded();
  static sqlite3_stmt* page = Prepare(s.sql,
      "SELECT id, display_name, given_name, family_name, country, stage, owner, created_at, custom FROM customers "
      "WHERE json_extract(custom, '$.seats') = 250 ORDER BY id LIMIT 50");
  Run(state, "CustomFieldEqual",
      [&] {
        Search q;
        q.filter = Ok(Filter::Parse("custom.seats = 250"));
        q.limit = 50;
        std::string out;
        for (const Customer& c : Ok(s.crm->Run(&ReadTxn::SearchCustomers, q)).customers) out += std::to_string(c.id) + ",";
        return out;
      },
      [&] { return SqlCustomerIds(page); },
      crm);
}

void CustomFieldRange(benchmark::State& state, bool crm) {
  Stores& s = Loaded();
  static sqlite3_stmt* count = Prepare(s.sql,
      "SELECT COUNT(*) FROM customers WHERE json_extract(custom, '$.seats') >= 100 AND json_extract(custom, '$.seats') < 110");
  Run(state, "CustomFieldRange",
      [&] {
        Search q;
        q.filter = Ok(Filter::Parse("custom.seats >= 100 and custom.seats < 110"));
        return std::to_string(Ok(s.crm->Run(&ReadTxn::CountMatching, EntityType::kCustomer, q))) + ";";
      },
      [&] { return SqlRows(count, 1); }, crm);
}

// Segments (crm/segment.hpp): a dynamic segment on kFilter, made once. SegmentMembership asks
// whether a customer is in it (a different customer each call, every other one a member): libcrm
// reads the maintained membership; SQLite evaluates the filter for that one row (its primary key,
// then the tag table). /crm and /sqlite run each question on its own (a read transaction each);
// InTxn runs them all in one read transaction on both sides. SegmentCount: the maintained count
// against SQLite counting the filter's matches.
SegmentId DynamicSegment() {
  static SegmentId id = [] {
    Segment seg;
    seg.name = "bench";
    seg.kind = SegmentKind::kDynamic;
    seg.filter = kFilter;
    return Ok(Loaded().crm->Run(&WriteTxn::CreateSegment, seg)).id;
  }();
  return id;
}

const std::vector<CustomerId>& Probes() {
  static std::vector<CustomerId> probes = [] {
    std::vector<CustomerId> members, out;
    std::string token;
    do {
      auto page = Ok(Loaded().crm->Run(&ReadTxn::ListSegmentMembers, DynamicSegment(), std::string_view(token), std::size_t{1000}));
      members.insert(members.end(), page.members.begin(), page.members.end());
      token = page.next_page_token;
    } while (!token.empty());
    if (members.empty()) Die("the bench segment has no members");
    std::mt19937_64 rng(17);
    for (std::size_t i = 0; i < 4096; ++i) out.push_back(i % 2 ? members[rng() % members.size()] : rng() % Scale() + 1);
    return out;
  }();
  return probes;
}

sqlite3_stmt* MembershipStatement() {
  static sqlite3_stmt* st = Prepare(Loaded().sql,
      "SELECT COUNT(*) FROM customers c WHERE c.id = ? AND c.stage = 5 AND c.country = 'de' "
      "AND EXISTS (SELECT 1 FROM customer_tag t WHERE t.tag = 'vip' AND t.customer_id = c.id)");
  return st;
}

bool SqlMember(CustomerId id) {
  sqlite3_stmt* st = MembershipStatement();
  sqlite3_bind_int64(st, 1, static_cast<std::int64_t>(id));
  if (sqlite3_step(st) != SQLITE_ROW) Die("sqlite membership");
  const bool in = sqlite3_column_int(st, 0) != 0;
  sqlite3_reset(st);
  return in;
}

void SegmentMembership(benchmark::State& state, bool crm) {
  Stores& s = Loaded();
  const SegmentId seg = DynamicSegment();
  const std::vector<CustomerId>& probes = Probes();
  std::size_t i = 0, j = 0;
  Run(state, "SegmentMembership",
      [&] {
        const CustomerId id = probes[i++ % probes.size()];
        return std::to_string(Ok(s.crm->Run(&ReadTxn::IsInSegment, seg, id)));
      },
      [&] { return std::to_string(SqlMember(probes[j++ % probes.size()])); }, crm);
}

void SegmentMembershipInTxn(benchmark::State& state, bool crm) {
  Stores& s = Loaded();
  const SegmentId seg = DynamicSegment();
  const std::vector<CustomerId>& probes = Probes();
  std::size_t members = 0;
  for (CustomerId id : probes)  // both sides agree on every probe before timing
    if (Ok(s.crm->Run(&ReadTxn::IsInSegment, seg, id)) != SqlMember(id)) Die("SegmentMembership: the sides disagree");
  if (crm) {
    auto txn = Ok(s.crm->BeginRead());
    std::size_t i = 0;
    for (auto _ : state) members += Ok(txn.IsInSegment(seg, probes[i++ % probes.size()]));
  } else {
    Exec(s.sql, "BEGIN");
    std::size_t i = 0;
    for (auto _ : state) members += SqlMember(probes[i++ % probes.size()]);
    Exec(s.sql, "COMMIT");
  }
  benchmark::DoNotOptimize(members);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void SegmentCount(benchmark::State& state, bool crm) {
  Stores& s = Loaded();
  const SegmentId seg = DynamicSegment();
  static sqlite3_stmt* st = Prepare(s.sql,
      "SELECT COUNT(*) FROM customer_tag t JOIN customers c ON c.id = t.customer_id "
      "WHERE t.tag = 'vip' AND c.stage = 5 AND c.country = 'de'");
  Run(state, "SegmentCount", [&] { return std::to_string(Ok(s.crm->Run(&ReadTxn::CountSegmentMembers, seg))) + ";"; },
      [&] { return SqlRows(st, 1); }, crm);
}

BENCHMARK_CAPTURE(SegmentMembership, crm, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(SegmentMembership, sqlite, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(SegmentMembershipInTxn, crm, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(SegmentMembershipInTxn, sqlite, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(SegmentCount, crm, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(SegmentCount, sqlite, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(FilteredPage, crm, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(FilteredPage, sqlite, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(FilteredCount, crm, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(FilteredCount, sqlite, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(GroupByCount, crm, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(GroupByCount, sqlite, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(GroupBySum, crm, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(GroupBySum, sqlite, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(CustomFieldEqual, crm, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(CustomFieldEqual, sqlite, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(CustomFieldRange, crm, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(CustomFieldRange, sqlite, false)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) { return crm::bench::RunBenchmarks(argc, argv); }
