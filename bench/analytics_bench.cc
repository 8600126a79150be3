// Customer analytics, each run two ways in one process:
//   <Report>/crm     libcrm's customer analytics (crm/analytics.hpp) through the public API
//   <Report>/sqlite  SQLite with the queries and covering indexes a careful user would write,
//                    prepared statements, WAL; the customers' total spend kept in a column with
//                    an index (what a careful user keeps for "top customers"); what SQL cannot say
//                    (quintiles, segments) computed in C++ from the rows the query returns
// Both hold the same data: CRM_BENCH_ANALYTICS_CUSTOMERS (default 500,000) customers created over
// three years with a contract type, a quarter of them churned at a time after; ten purchases a
// customer on average (so 5,000,000 by default) in EUR. Before timing, each report checks that
// both sides count the same customers. LogPurchase/LogCall time logging an interaction that moves
// the purchase facts against one that does not (a call moves the last contact, as a purchase does).
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench_data.h"
#include "sqlite_util.h"
#include "crm/store.hpp"

namespace crm::bench {
namespace {

constexpr Timestamp kDay = 86'400'000'000;
constexpr Timestamp kStart = 1'609'459'200'000'000;  // 2021-01-01
constexpr Timestamp kQuarterFrom = 1'656'633'600'000'000;  // 2022-07-01
constexpr Timestamp kQuarterTo = 1'664'582'400'000'000;    // 2022-10-01
const char* const kContracts[] = {"monthly", "yearly", "two-year"};
Timestamp g_now = kStart;

std::size_t Customers() {
  const char* env = std::getenv("CRM_BENCH_ANALYTICS_CUSTOMERS");
  const long v = env ? std::atol(env) : 0;
  return v > 0 ? static_cast<std::size_t>(v) : 500'000;
}

int MonthOf(Timestamp t) { return static_cast<int>((t - kStart) / (kDay * 365 / 12)); }  // approximate months: both sides

struct Loaded {
  std::unique_ptr<Store> crm;
  sqlite3* sql = nullptr;
  std::vector<CustomerId> ids;
};

Loaded& Load() {
  static Loaded out = [] {
    Loaded l;
    const std::size_t n = Customers();
    StoreOptions options;
    options.sync = false;
    options.clock = [] { return g_now; };
    auto store = Store::Open(TempPath("analytics.crm"), options);
    if (!store.ok()) Die(store.status().ToString());
    l.crm = *std::move(store);
    if (sqlite3_open(TempPath("analytics.sqlite").c_str(), &l.sql) != SQLITE_OK) Die("sqlite open");
    Exec(l.sql, "PRAGMA journal_mode=WAL");
    Exec(l.sql, "PRAGMA synchronous=OFF");
    Exec(l.sql, "PRAGMA cache_size=-262144");
    Exec(l.sql, "CREATE TABLE customers(id INTEGER PRIMARY KEY, contract TEXT, created_at INTEGER, churned_at INTEGER, "
                "last_contact INTEGER, total INTEGER)");
    Exec(l.sql, "CREATE TABLE purchases(customer INTEGER, at INTEGER, id INTEGER, month INTEGER, amount INTEGER, "
                "PRIMARY KEY(customer, at, id)) WITHOUT ROWID");
    sqlite3_stmt* put_c = Prepare(l.sql, "INSERT INTO customers VALUES(?,?,?,?,?,?)");
    sqlite3_stmt* put_p = Prepare(l.sql, "INSERT INTO purchases VALUES(?,?,?,?,?)");
    std::mt19937_64 rng(16);
    const std::size_t batch = 2000;
    for (std::size_t next = 0; next < n; next += batch) {
      const std::size_t end = std::min(n, next + batch);
      g_now = kStart + static_cast<Timestamp>(next * 3 * 365 / n) * kDay;  // customers arrive over three years
      std::vector<Customer> made;
      auto s = l.crm->Write("load", [&](WriteTxn& t) -> absl::Status {
        made.clear();
        for (std::size_t j = next; j < end; ++j) {
          Customer c;
          c.given_name = "C" + std::to_string(j);
          c.family_name = "Bench";
          c.stage = LifecycleStage::kCustomer;
          c.custom["contract"] = std::string(kContracts[j % 3]);
          auto r = t.CreateCustomer(c);
          if (!r.ok()) return r.status();
          made.push_back(*std::move(r));
        }
        return absl::OkStatus();
      });
      if (!s.ok()) Die(s.ToString());
      // Purchases: about ten each, after the customer arrived.
      std::vector<Interaction> bought;
      for (const Customer& c : made) {
        const std::size_t count = 1 + rng() % 19;
        for (std::size_t k = 0; k < count; ++k) {
          Interaction i;
          i.customer = c.id;
          i.kind = InteractionKind::kPurchase;
          i.occurred_at = c.created_at + static_cast<Timestamp>(rng() % (2 * 365)) * kDay;
          i.amount = Money{static_cast<std::int64_t>(100 + rng() % 100000), "EUR"};
          bought.push_back(std::move(i));
        }
      }
      std::vector<Interaction> logged;
      s = l.crm->Write("load", [&](WriteTxn& t) -> absl::Status {
        logged.clear();
        for (const Interaction& i : bought) {
          auto r = t.LogInteraction(i);
          if (!r.ok()) return r.status();
          logged.push_back(*std::move(r));
        }
        return absl::OkStatus();
      });
      if (!s.ok()) Die(s.ToString());
      Exec(l.sql, "BEGIN");
      std::map<CustomerId, std::pair<std::int64_t, Timestamp>> totals;
      for (const Interaction& i : logged) {
        auto& [total, last] = totals[i.customer];
        total += i.amount->minor_units;
        last = std::max(last, i.occurred_at);
        sqlite3_bind_int64(put_p, 1, static_cast<std::int64_t>(i.customer));
        sqlite3_bind_int64(put_p, 2, i.occurred_at);
        sqlite3_bind_int64(put_p, 3, static_cast<std::int64_t>(i.id));
        sqlite3_bind_int(put_p, 4, MonthOf(i.occurred_at));
        sqlite3_bind_int64(put_p, 5, i.amount->minor_units);
        if (sqlite3_step(put_p) != SQLITE_DONE) Die("sqlite insert purchase");
        sqlite3_reset(put_p);
      }
      for (const Customer& c : made) {
        sqlite3_bind_int64(put_c, 1, static_cast<std::int64_t>(c.id));
        sqlite3_bind_text(put_c, 2, std::get<std::string>(c.custom.at("contract")).c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(put_c, 3, c.created_at);
        sqlite3_bind_null(put_c, 4);
        sqlite3_bind_int64(put_c, 5, totals[c.id].second);
        sqlite3_bind_int64(put_c, 6, totals[c.id].first);
        if (sqlite3_step(put_c) != SQLITE_DONE) Die("sqlite insert customer");
        sqlite3_reset(put_c);
        l.ids.push_back(c.id);
      }
      Exec(l.sql, "COMMIT");
    }
    sqlite3_finalize(put_c);
    sqlite3_finalize(put_p);
    // A quarter churn, at times spread over the last two years.
    sqlite3_stmt* churn = Prepare(l.sql, "UPDATE customers SET churned_at = ? WHERE id = ?");
    for (std::size_t next = 0; next < n; next += 4 * batch) {
      g_now = kStart + 365 * kDay + static_cast<Timestamp>(next * 2 * 365 / n) * kDay;
      std::vector<CustomerId> gone;
      auto s = l.crm->Write("load", [&](WriteTxn& t) -> absl::Status {
        for (std::size_t j = next; j < std::min(n, next + 4 * batch); j += 4) {
          auto c = t.GetCustomer(l.ids[j]);
          if (!c.ok()) return c.status();
          c->stage = LifecycleStage::kChurned;
          if (auto r = t.UpdateCustomer(*c); !r.ok()) return r.status();
          gone.push_back(c->id);
        }
        return absl::OkStatus();
      });
      if (!s.ok()) Die(s.ToString());
      Exec(l.sql, "BEGIN");
      for (CustomerId id : gone) {
        sqlite3_bind_int64(churn, 1, g_now);
        sqlite3_bind_int64(churn, 2, static_cast<std::int64_t>(id));
        if (sqlite3_step(churn) != SQLITE_DONE) Die("sqlite churn");
        sqlite3_reset(churn);
      }
      Exec(l.sql, "COMMIT");
    }
    sqlite3_finalize(churn);
    g_now = kStart + 3 * 365 * kDay;
    for (const char* index : {"CREATE INDEX customers_churn ON customers(contract, created_at, churned_at)",
                              "CREATE INDEX customers_total ON customers(total, last_contact)",
                              "CREATE INDEX purchases_month ON purchases(customer, month)"})
      Exec(l.sql, index);
    Exec(l.sql, "ANALYZE");
    return l;
  }();
  return out;
}

void Check(bool same, const char* what) {
  if (!same) Die(std::string(what) + ": libcrm and SQLite disagree");
}

// ---- churn by contract over a quarter ----

std::uint64_t SqlChurn(sqlite3* db, std::uint64_t* churned) {
  static sqlite3_stmt* st = Prepare(db,
                                    "SELECT contract, count(*), sum(churned_at >= ?1 AND churned_at < ?2) FROM customers "
                                    "WHERE created_at < ?2 AND (churned_at IS NULL OR churned_at >= ?1) GROUP BY contract");
  sqlite3_bind_int64(st, 1, kQuarterFrom);
  sqlite3_bind_int64(st, 2, kQuarterTo);
  std::uint64_t counted = 0;
  *churned = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    counted += static_cast<std::uint64_t>(sqlite3_column_int64(st, 1));
    *churned += static_cast<std::uint64_t>(sqlite3_column_int64(st, 2));
  }
  sqlite3_reset(st);
  return counted;
}

void ChurnByField(benchmark::State& state, bool crm) {
  Loaded& l = Load();
  ChurnQuery q;
  q.from = kQuarterFrom;
  q.to = kQuarterTo;
  q.group_by = *Aggregation::ParseGroupBy("custom.contract");
  std::uint64_t churned = 0;
  const std::uint64_t counted = SqlChurn(l.sql, &churned);
  const ChurnReport r = *l.crm->Run(&ReadTxn::Churn, q);
  Check(r.total.customers == counted && r.total.churned == churned && churned > 0, "ChurnByField");
  for (auto _ : state) {
    if (crm) benchmark::DoNotOptimize(l.crm->Run(&ReadTxn::Churn, q));
    else benchmark::DoNotOptimize(SqlChurn(l.sql, &churned));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- 24 monthly cohorts, 12 months each ----

std::uint64_t SqlCohorts(sqlite3* db) {
  static sqlite3_stmt* st = Prepare(db,
                                    "WITH f AS (SELECT customer, min(month) AS m0 FROM purchases GROUP BY customer) "
                                    "SELECT f.m0, p.month - f.m0 AS k, count(DISTINCT p.customer) FROM purchases p "
                                    "JOIN f ON f.customer = p.customer WHERE f.m0 < 24 AND p.month - f.m0 <= 12 "
                                    "GROUP BY f.m0, k");
  std::uint64_t first_month = 0;
  while (sqlite3_step(st) == SQLITE_ROW)
    if (sqlite3_column_int(st, 1) == 0) first_month += static_cast<std::uint64_t>(sqlite3_column_int64(st, 2));
  sqlite3_reset(st);
  return first_month;
}

void CohortTable(benchmark::State& state, bool crm) {
  Loaded& l = Load();
  CohortQuery q;
  q.from = kStart;
  q.to = kStart + 24 * (kDay * 365 / 12);
  q.months = 12;
  const std::uint64_t sql = SqlCohorts(l.sql);
  std::uint64_t mine = 0;
  for (const CohortRow& row : l.crm->Run(&ReadTxn::Cohorts, q)->rows) mine += row.customers;
  // Calendar months and the SQL side's equal months differ at the edges: the same order of size.
  Check(sql > 0 && mine > sql * 9 / 10 && mine < sql * 11 / 10, "CohortTable");
  for (auto _ : state) {
    if (crm) benchmark::DoNotOptimize(l.crm->Run(&ReadTxn::Cohorts, q));
    else benchmark::DoNotOptimize(SqlCohorts(l.sql));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- RFM segment counts ----

std::uint64_t SqlRfm(sqlite3* db, Timestamp at) {
  static sqlite3_stmt* st =
      Prepare(db, "SELECT customer, max(at), count(*), sum(amount) FROM purchases GROUP BY customer");
  std::vector<std::int64_t> r, m;
  std::vector<std::uint64_t> f;
  std::vector<std::array<std::int64_t, 3>> rows;
  while (sqlite3_step(st) == SQLITE_ROW) {
    rows.push_back({(at - sqlite3_column_int64(st, 1)) / kDay, sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)});
    r.push_back(rows.back()[0]);
    f.push_back(static_cast<std::uint64_t>(rows.back()[1]));
    m.push_back(rows.back()[2]);
  }
  sqlite3_reset(st);
  std::sort(r.begin(), r.end());
  std::sort(f.begin(), f.end());
  std::sort(m.begin(), m.end());
  const auto score = [](const auto& sorted, auto v, bool lower_better) {
    const std::size_t n = sorted.size();
    const auto lo = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
    const auto hi = static_cast<std::size_t>(std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
    const std::size_t worse = lower_better ? n - hi : lo;
    return static_cast<int>(std::max<std::size_t>(1, (5 * (2 * worse + (hi - lo) + 1) + 2 * n - 1) / (2 * n)));
  };
  std::array<std::uint64_t, 12> segments{};
  std::uint64_t monetary_scores = 0;  // scored as libcrm scores them, though segments read R and F
  for (const auto& x : rows) {
    const int rs = score(r, x[0], true), fs = score(f, static_cast<std::uint64_t>(x[1]), false);
    monetary_scores += static_cast<std::uint64_t>(score(m, x[2], false));
    ++segments[static_cast<std::size_t>(RfmSegmentOf(rs, fs))];
  }
  benchmark::DoNotOptimize(segments);
  benchmark::DoNotOptimize(monetary_scores);
  return rows.size();
}

void RfmSegments(benchmark::State& state, bool crm) {
  Loaded& l = Load();
  RfmQuery q;
  q.currency = "EUR";
  q.at = g_now;
  const std::uint64_t sql = SqlRfm(l.sql, q.at);
  Check(l.crm->Run(&ReadTxn::RfmSegments, q)->customers == sql, "RfmSegments");
  for (auto _ : state) {
    if (crm) benchmark::DoNotOptimize(l.crm->Run(&ReadTxn::RfmSegments, q));
    else benchmark::DoNotOptimize(SqlRfm(l.sql, q.at));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- the 50 most valuable customers, and an at-risk page ----

std::int64_t SqlTop(sqlite3* db, Timestamp since) {
  static sqlite3_stmt* top = Prepare(db, "SELECT id, total FROM customers ORDER BY total DESC, id LIMIT 50");
  static sqlite3_stmt* risk = Prepare(
      db, "SELECT id, total FROM customers WHERE last_contact < ?1 AND churned_at IS NULL ORDER BY total DESC, id LIMIT 50");
  sqlite3_stmt* st = since == 0 ? top : risk;
  if (since != 0) sqlite3_bind_int64(st, 1, since);
  std::int64_t first = -1;
  while (sqlite3_step(st) == SQLITE_ROW)
    if (first < 0) first = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return first;
}

void TopOrRisk(benchmark::State& state, bool crm, Timestamp since) {
  Loaded& l = Load();
  ValueQuery top;
  top.currency = "EUR";
  AtRiskQuery risk;
  risk.currency = "EUR";
  risk.since = since;
  risk.include_archived = true;
  const std::int64_t sql = SqlTop(l.sql, since);
  const CustomerId mine = since == 0 ? l.crm->Run(&ReadTxn::TopCustomersByValue, top)->customers.at(0).customer.id
                                     : l.crm->Run(&ReadTxn::AtRisk, risk)->customers.at(0).customer.id;
  Check(static_cast<std::int64_t>(mine) == sql, since == 0 ? "TopCustomersByValue" : "AtRiskPage");
  for (auto _ : state) {
    if (crm && since == 0) benchmark::DoNotOptimize(l.crm->Run(&ReadTxn::TopCustomersByValue, top));
    else if (crm) benchmark::DoNotOptimize(l.crm->Run(&ReadTxn::AtRisk, risk));
    else benchmark::DoNotOptimize(SqlTop(l.sql, since));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- logging an interaction: a purchase (facts moved) and a call (not) ----

void LogInteraction(benchmark::State& state, InteractionKind kind) {
  Loaded& l = Load();
  std::size_t next = 0;
  for (auto _ : state) {
    Interaction i;
    i.customer = l.ids[(next++ * 7919) % l.ids.size()];
    i.kind = kind;
    i.occurred_at = g_now - static_cast<Timestamp>(next % 1000) * 60'000'000;
    i.amount = Money{1234, "EUR"};
    benchmark::DoNotOptimize(l.crm->Run(&WriteTxn::LogInteraction, i));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

BENCHMARK_CAPTURE(ChurnByField, crm, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(ChurnByField, sqlite, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(CohortTable, crm, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(CohortTable, sqlite, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(RfmSegments, crm, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(RfmSegments, sqlite, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(TopOrRisk, crm, true, Timestamp{0})->Name("TopCustomersByValue/crm")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(TopOrRisk, sqlite, false, Timestamp{0})->Name("TopCustomersByValue/sqlite")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(TopOrRisk, crm, true, kStart + 2 * 365 * kDay)->Name("AtRiskPage/crm")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(TopOrRisk, sqlite, false, kStart + 2 * 365 * kDay)->Name("AtRiskPage/sqlite")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(LogInteraction, purchase, InteractionKind::kPurchase)->Name("LogPurchase/crm")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(LogInteraction, call, InteractionKind::kCall)->Name("LogCall/crm")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) { return crm::bench::RunBenchmarks(argc, argv); }
