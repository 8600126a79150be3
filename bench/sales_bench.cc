// Sales reports, each run two ways in one process:
//   <Report>/crm     libcrm's sales reports (crm/sales.hpp) through the public API
//   <Report>/sqlite  SQLite with the query and covering indexes a careful user would write,
//                    prepared statements, WAL; what SQL cannot say (a median, the funnel's walk of
//                    the stage history) computed in C++ from the rows the query returns
// Both hold the same deals: CRM_BENCH_DEALS (default 1,000,000) in one pipeline of four open
// stages, 50 owners in 5 teams, 10 % in USD and the rest in EUR, created over about three years,
// three in five closed (won or lost) after passing some stages. libcrm declares indexes on
// closed_at and created_at, as SQLite gets its indexes. Before timing, each report checks that
// both sides count the same deals.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
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

constexpr Timestamp kDayMicros = 86'400'000'000;
constexpr Timestamp kStart = 1'609'459'200'000'000;  // 2021-01-01T00:00:00Z
constexpr std::size_t kSalesOwners = 50;
constexpr const char* kQuarter = "2022-Q3";
constexpr Timestamp kQuarterFrom = 1'656'633'600'000'000;  // 2022-07-01
constexpr Timestamp kQuarterTo = 1'664'582'400'000'000;    // 2022-10-01

std::size_t Deals() {
  const char* env = std::getenv("CRM_BENCH_DEALS");
  const long v = env ? std::atol(env) : 0;
  return v > 0 ? static_cast<std::size_t>(v) : 1'000'000;
}

struct Loaded {
  std::unique_ptr<Store> crm;
  sqlite3* sql = nullptr;
  Pipeline pipeline;
};

// Deal j: its stage path and times, the same on both sides.
Opportunity MakeSalesDeal(std::size_t j, std::size_t n, const Pipeline& p) {
  std::mt19937_64 rng(j * 0x9E3779B97F4A7C15ull + 11);
  Opportunity o;
  o.title = "Deal " + std::to_string(j);
  o.pipeline = p.id;
  o.owner = "owner" + std::to_string(rng() % kSalesOwners);
  o.amount = Money{static_cast<std::int64_t>(100 + rng() % 5'000'000), rng() % 10 == 0 ? "USD" : "EUR"};
  o.created_at = kStart + static_cast<Timestamp>(j * (3 * 365) / n) * kDayMicros + static_cast<Timestamp>(rng() % 86'400) * 1'000'000;
  const std::size_t furthest = rng() % 4;  // open stages 0..3 passed
  Timestamp at = o.created_at;
  o.history.push_back(StageChange{0, p.stages[0].id, at, {}, {}, -1});
  for (std::size_t s = 1; s <= furthest; ++s) {
    at += static_cast<Timestamp>(1 + rng() % 20) * kDayMicros;
    o.history.push_back(StageChange{p.stages[s - 1].id, p.stages[s].id, at, {}, {}, -1});
  }
  o.stage = p.stages[furthest].id;
  const std::uint64_t fate = rng() % 5;  // 0, 1: open; 2, 3: won; 4: lost
  if (fate >= 2) {
    at += static_cast<Timestamp>(1 + rng() % 30) * kDayMicros;
    const Stage& end = p.stages[fate == 4 ? 5 : 4];
    o.history.push_back(StageChange{o.stage, end.id, at, {}, {}, -1});
    o.stage = end.id;
    o.closed_at = at;
    if (fate == 4) o.lost_reason = "price";
  } else {
    o.expected_close = at + static_cast<Timestamp>(rng() % 120) * kDayMicros;
  }
  return o;
}

Loaded& Load() {
  static Loaded out = [] {
    Loaded l;
    const std::size_t n = Deals();
    StoreOptions options;
    options.sync = false;
    options.clock = [] { return kStart + 3 * 365 * kDayMicros; };
    auto store = Store::Open(TempPath("sales.crm"), options);
    if (!store.ok()) Die(store.status().ToString());
    l.crm = *std::move(store);
    Pipeline p;
    p.name = "Sales";
    p.stages = {{0, "Lead", 10, StageOutcome::kOpen},
                {0, "Qualified", 30, StageOutcome::kOpen},
                {0, "Proposal", 60, StageOutcome::kOpen, ForecastCategory::kBestCase},
                {0, "Negotiation", 80, StageOutcome::kOpen, ForecastCategory::kCommit},
                {0, "Won", 100, StageOutcome::kWon},
                {0, "Lost", 0, StageOutcome::kLost}};
    l.pipeline = *l.crm->Run(&WriteTxn::CreatePipeline, p);
    if (auto s = l.crm->Write("load", [&](WriteTxn& t) -> absl::Status {
          for (std::size_t team = 0; team < 5; ++team) {
            auto made = t.CreateTeam(Team{0, 0, 0, 0, "Team " + std::to_string(team), "", 0});
            if (!made.ok()) return made.status();
            for (std::size_t i = team; i < kSalesOwners; i += 5) {
              User u;
              u.name = "owner" + std::to_string(i);
              u.login = u.name;
              u.team = made->id;
              if (auto r = t.CreateUser(u); !r.ok()) return r.status();
            }
          }
          return absl::OkStatus();
        });
        !s.ok())
      Die(s.ToString());
    if (sqlite3_open(TempPath("sales.sqlite").c_str(), &l.sql) != SQLITE_OK) Die("sqlite open");
    Exec(l.sql, "PRAGMA journal_mode=WAL");
    Exec(l.sql, "PRAGMA synchronous=OFF");
    Exec(l.sql, "PRAGMA cache_size=-262144");
    Exec(l.sql, R"(CREATE TABLE deals(id INTEGER PRIMARY KEY, pipeline INTEGER, stage INTEGER, status INTEGER,
      category INTEGER, owner TEXT, team TEXT, currency TEXT, amount INTEGER, probability INTEGER, created_at INTEGER,
      closed_at INTEGER, close_date INTEGER))");
    Exec(l.sql, "CREATE TABLE stage_history(deal INTEGER, seq INTEGER, stage INTEGER, at INTEGER, PRIMARY KEY(deal, seq)) WITHOUT ROWID");
    sqlite3_stmt* put = Prepare(l.sql, "INSERT INTO deals VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    sqlite3_stmt* put_h = Prepare(l.sql, "INSERT INTO stage_history VALUES(?,?,?,?)");
    WriteOptions import;
    import.actor = "load";
    import.import = true;  // the deals keep their historical times
    for (std::size_t next = 0; next < n;) {
      const std::size_t end = std::min(n, next + 5000);
      std::vector<Opportunity> made;
      auto s = l.crm->Write(import, [&](WriteTxn& t) -> absl::Status {
        made.clear();
        for (std::size_t j = next; j < end; ++j) {
          auto r = t.CreateOpportunity(MakeSalesDeal(j, n, l.pipeline));
          if (!r.ok()) return r.status();
          made.push_back(*std::move(r));
        }
        return absl::OkStatus();
      });
      if (!s.ok()) Die(s.ToString());
      Exec(l.sql, "BEGIN");
      for (const Opportunity& o : made) {
        const Stage& stage = *l.pipeline.FindStage(o.stage);
        const int status = stage.outcome == StageOutcome::kWon ? 1 : stage.outcome == StageOutcome::kLost ? 2 : 0;
        const std::string team = "Team " + std::to_string(std::stoul(o.owner.substr(5)) % 5);
        sqlite3_bind_int64(put, 1, static_cast<std::int64_t>(o.id));
        sqlite3_bind_int64(put, 2, static_cast<std::int64_t>(o.pipeline));
        sqlite3_bind_int(put, 3, static_cast<int>(o.stage));
        sqlite3_bind_int(put, 4, status);
        sqlite3_bind_int(put, 5, static_cast<int>(ForecastOf(o, stage)));
        sqlite3_bind_text(put, 6, o.owner.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(put, 7, team.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(put, 8, o.amount.currency.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(put, 9, o.amount.minor_units);
        sqlite3_bind_int(put, 10, o.probability);
        sqlite3_bind_int64(put, 11, o.created_at);
        if (o.closed_at != 0) {
          sqlite3_bind_int64(put, 12, o.closed_at);
        } else {
          sqlite3_bind_null(put, 12);
        }
        sqlite3_bind_int64(put, 13, o.closed_at != 0 ? o.closed_at : o.expected_close);
        if (sqlite3_step(put) != SQLITE_DONE) Die("sqlite insert deal");
        sqlite3_reset(put);
        for (std::size_t h = 0; h < o.history.size(); ++h) {
          sqlite3_bind_int64(put_h, 1, static_cast<std::int64_t>(o.id));
          sqlite3_bind_int64(put_h, 2, static_cast<std::int64_t>(h));
          sqlite3_bind_int(put_h, 3, static_cast<int>(o.history[h].to));
          sqlite3_bind_int64(put_h, 4, o.history[h].at);
          if (sqlite3_step(put_h) != SQLITE_DONE) Die("sqlite insert history");
          sqlite3_reset(put_h);
        }
      }
      Exec(l.sql, "COMMIT");
      next = end;
    }
    sqlite3_finalize(put);
    sqlite3_finalize(put_h);
    // The indexes a careful user would make for these reports. libcrm: declared indexes on the
    // times the periods are taken on (expected_close has one of its own). SQLite: each covers its
    // query's columns.
    if (auto s = l.crm->Write("load", [&](WriteTxn& t) -> absl::Status {
          for (const char* field : {"closed_at", "created_at"})
            if (auto st = t.DeclareIndex(EntityType::kOpportunity, field); !st.ok()) return st;
          return absl::OkStatus();
        });
        !s.ok())
      Die(s.ToString());
    for (const char* index :
         {"CREATE INDEX deals_summary ON deals(owner, pipeline, stage, currency, amount, probability)",
          "CREATE INDEX deals_closed ON deals(closed_at, status, owner, currency, amount, created_at)",
          "CREATE INDEX deals_created ON deals(pipeline, created_at, status)",
          "CREATE INDEX deals_close_date ON deals(close_date, owner, currency, category, amount)"})
      Exec(l.sql, index);
    Exec(l.sql, "ANALYZE");
    return l;
  }();
  return out;
}

SalesQuery Query(const std::string& group_by, const std::string& period) {
  SalesQuery q;
  q.group_by = group_by;
  q.period = period;
  return q;
}

void Check(bool same, const char* what) {
  if (!same) Die(std::string(what) + ": libcrm and SQLite disagree");
}

// ---- the pipeline summary by owner: every deal ----

std::int64_t SqlSummary(sqlite3* db, std::uint64_t* deals) {
  static sqlite3_stmt* st = Prepare(db,
                                    "SELECT owner, pipeline, stage, currency, count(*), sum(amount), sum(amount * probability) "
                                    "FROM deals GROUP BY owner, pipeline, stage, currency");
  std::int64_t rows = 0;
  *deals = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    *deals += static_cast<std::uint64_t>(sqlite3_column_int64(st, 4));
    ++rows;
  }
  sqlite3_reset(st);
  return rows;
}

void PipelineSummaryByOwner(benchmark::State& state, bool crm) {
  Loaded& l = Load();
  const SalesQuery q = Query("owner", "");
  std::uint64_t sql_deals = 0, crm_deals = 0;
  const std::int64_t sql_rows = SqlSummary(l.sql, &sql_deals);
  const PipelineSummary s = *l.crm->Run(&ReadTxn::GetPipelineSummary, q);
  for (const auto& r : s.rows) crm_deals += r.count;
  Check(crm_deals == sql_deals && static_cast<std::int64_t>(s.rows.size()) == sql_rows, "PipelineSummary");
  for (auto _ : state) {
    if (crm) {
      benchmark::DoNotOptimize(l.crm->Run(&ReadTxn::GetPipelineSummary, q));
    } else {
      benchmark::DoNotOptimize(SqlSummary(l.sql, &sql_deals));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- win rate by owner over a quarter ----

std::uint64_t SqlWinRate(sqlite3* db) {
  static sqlite3_stmt* st = Prepare(db,
                                    "SELECT owner, currency, sum(status = 1), sum(status = 2), "
                                    "sum(CASE WHEN status = 1 THEN amount ELSE 0 END), "
                                    "sum(CASE WHEN status = 2 THEN amount ELSE 0 END) FROM deals "
                                    "WHERE closed_at >= ? AND closed_at < ? AND status IN (1, 2) GROUP BY owner, currency");
  sqlite3_bind_int64(st, 1, kQuarterFrom);
  sqlite3_bind_int64(st, 2, kQuarterTo);
  std::uint64_t won = 0;
  while (sqlite3_step(st) == SQLITE_ROW) won += static_cast<std::uint64_t>(sqlite3_column_int64(st, 2));
  sqlite3_reset(st);
  return won;
}

void WinRateQuarter(benchmark::State& state, bool crm) {
  Loaded& l = Load();
  const SalesQuery q = Query("owner", kQuarter);
  std::uint64_t won = 0;
  const WinRate rate = *l.crm->Run(&ReadTxn::GetWinRate, q);  // (a temporary's rows would not outlive the loop)
  for (const auto& r : rate.rows) won += r.won;
  Check(won == SqlWinRate(l.sql) && won > 0, "WinRate");
  for (auto _ : state) {
    if (crm) {
      benchmark::DoNotOptimize(l.crm->Run(&ReadTxn::GetWinRate, q));
    } else {
      benchmark::DoNotOptimize(SqlWinRate(l.sql));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- sales cycle by owner over a quarter: mean and median days (the median in C++) ----

std::uint64_t SqlCycle(sqlite3* db, std::map<std::string, double>* medians) {
  static sqlite3_stmt* st = Prepare(db,
                                    "SELECT owner, closed_at - created_at FROM deals "
                                    "WHERE closed_at >= ? AND closed_at < ? AND status = 1");
  sqlite3_bind_int64(st, 1, kQuarterFrom);
  sqlite3_bind_int64(st, 2, kQuarterTo);
  std::map<std::string, std::vector<std::int64_t>> spans;
  std::uint64_t won = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    spans[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))].push_back(sqlite3_column_int64(st, 1));
    ++won;
  }
  sqlite3_reset(st);
  for (auto& [owner, v] : spans) {  // the median as the engine finds it, without a sort
    const std::size_t m = v.size();
    const auto middle = v.begin() + static_cast<std::ptrdiff_t>(m / 2);
    std::nth_element(v.begin(), middle, v.end());
    const double upper = static_cast<double>(*middle);
    (*medians)[owner] = (m % 2 ? upper : (static_cast<double>(*std::max_element(v.begin(), middle)) + upper) / 2) /
                        static_cast<double>(kDayMicros);
  }
  return won;
}

void SalesCycleQuarter(benchmark::State& state, bool crm) {
  Loaded& l = Load();
  const SalesQuery q = Query("owner", kQuarter);
  std::map<std::string, double> medians;
  std::uint64_t won = 0;
  const SalesCycle cycle = *l.crm->Run(&ReadTxn::GetSalesCycle, q);
  for (const auto& r : cycle.rows) {
    won += r.won;
    medians[r.group.label] = r.median_days;
  }
  std::map<std::string, double> sql_medians;
  const std::uint64_t sql_won = SqlCycle(l.sql, &sql_medians);
  if (won != sql_won || medians.size() != sql_medians.size()) Die("SalesCycle: " + std::to_string(won) + " won against " + std::to_string(sql_won));
  for (const auto& [owner, median] : medians)
    if (std::abs(median - sql_medians[owner]) > 1e-9) Die("SalesCycle: the median of " + owner + " differs");
  for (auto _ : state) {
    if (crm) {
      benchmark::DoNotOptimize(l.crm->Run(&ReadTxn::GetSalesCycle, q));
    } else {
      sql_medians.clear();
      benchmark::DoNotOptimize(SqlCycle(l.sql, &sql_medians));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- the funnel of the deals created in a quarter, from their stage history ----

std::uint64_t SqlFunnel(sqlite3* db, const Pipeline& p) {
  static sqlite3_stmt* st = Prepare(db,
                                    "SELECT d.id, d.status, h.stage, h.at FROM deals d JOIN stage_history h ON h.deal = d.id "
                                    "WHERE d.pipeline = ? AND d.created_at >= ? AND d.created_at < ? ORDER BY d.id, h.seq");
  sqlite3_bind_int64(st, 1, static_cast<std::int64_t>(p.id));
  sqlite3_bind_int64(st, 2, kQuarterFrom);
  sqlite3_bind_int64(st, 3, kQuarterTo);
  std::vector<std::uint64_t> reached(5, 0), stays(5, 0);
  std::vector<std::int64_t> stayed(5, 0);
  std::int64_t deal = -1;
  int status = 0;
  std::size_t furthest = 0;
  std::int64_t prev_stage = -1, prev_at = 0;
  const auto row_of = [&](std::int64_t stage) -> std::size_t {
    for (std::size_t i = 0; i < 5; ++i)
      if (static_cast<std::int64_t>(p.stages[i].id) == stage) return i;
    return SIZE_MAX;
  };
  const auto finish = [&] {
    if (deal < 0) return;
    if (status == 1) furthest = 4;
    for (std::size_t r = 0; r < furthest; ++r) ++reached[r];
    if (status == 1) ++reached[4];
  };
  while (sqlite3_step(st) == SQLITE_ROW) {
    const std::int64_t id = sqlite3_column_int64(st, 0);
    const std::int64_t stage = sqlite3_column_int64(st, 2), at = sqlite3_column_int64(st, 3);
    if (id != deal) {
      finish();
      deal = id;
      status = sqlite3_column_int(st, 1);
      furthest = 0;
      prev_stage = -1;
    }
    const std::size_t row = row_of(stage);
    if (row < 4) furthest = std::max(furthest, row + 1);
    if (prev_stage >= 0) {
      const std::size_t prev_row = row_of(prev_stage);
      if (prev_row < 5) {
        ++stays[prev_row];
        stayed[prev_row] += at - prev_at;
      }
    }
    prev_stage = stage;
    prev_at = at;
  }
  finish();
  sqlite3_reset(st);
  return reached[0];
}

void FunnelQuarter(benchmark::State& state, bool crm) {
  Loaded& l = Load();
  SalesQuery q = Query("", kQuarter);
  q.pipeline = l.pipeline.id;
  const Funnel f = *l.crm->Run(&ReadTxn::GetFunnel, q);
  Check(!f.rows.empty() && f.rows[0].reached == SqlFunnel(l.sql, l.pipeline) && f.rows[0].reached > 0, "Funnel");
  for (auto _ : state) {
    if (crm) {
      benchmark::DoNotOptimize(l.crm->Run(&ReadTxn::GetFunnel, q));
    } else {
      benchmark::DoNotOptimize(SqlFunnel(l.sql, l.pipeline));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- the forecast by owner and month of a quarter, per category ----

std::uint64_t SqlForecast(sqlite3* db) {
  static sqlite3_stmt* st = Prepare(db,
                                    "SELECT owner, strftime('%Y-%m', close_date / 1000000, 'unixepoch') AS month, currency, "
                                    "category, count(*), sum(amount) FROM deals WHERE close_date >= ? AND close_date < ? "
                                    "GROUP BY owner, month, currency, category");
  sqlite3_bind_int64(st, 1, kQuarterFrom);
  sqlite3_bind_int64(st, 2, kQuarterTo);
  std::uint64_t deals = 0;
  while (sqlite3_step(st) == SQLITE_ROW) deals += static_cast<std::uint64_t>(sqlite3_column_int64(st, 4));
  sqlite3_reset(st);
  return deals;
}

void ForecastQuarter(benchmark::State& state, bool crm) {
  Loaded& l = Load();
  const SalesQuery q = Query("owner", kQuarter);
  std::uint64_t deals = 0;
  const Forecast forecast = *l.crm->Run(&ReadTxn::GetForecast, q);
  for (const auto& r : forecast.rows) deals += r.deals;
  Check(deals == SqlForecast(l.sql) && deals > 0, "Forecast");
  for (auto _ : state) {
    if (crm) {
      benchmark::DoNotOptimize(l.crm->Run(&ReadTxn::GetForecast, q));
    } else {
      benchmark::DoNotOptimize(SqlForecast(l.sql));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- a deal's score with its factors (owner, team, amount band and stage) ----

const char* const kPowers[] = {"1", "10", "100", "1K", "10K", "100K", "1M", "10M", "100M", "1G", "10G"};

// The frequency table a careful SQLite user would keep for the same model, counted once from
// the deals: per field and value, the won and lost deals.
void SqlFrequencies(sqlite3* db) {
  static bool made = false;
  if (made) return;
  made = true;
  Exec(db, "CREATE TABLE score_counts(pipeline INTEGER, field TEXT, value TEXT, won INTEGER, lost INTEGER, "
           "PRIMARY KEY(pipeline, field, value)) WITHOUT ROWID");
  Exec(db, "INSERT INTO score_counts SELECT pipeline, '', '', sum(status = 1), sum(status = 2) FROM deals WHERE status > 0 GROUP BY pipeline");
  Exec(db, "INSERT INTO score_counts SELECT pipeline, 'owner', owner, sum(status = 1), sum(status = 2) FROM deals WHERE status > 0 GROUP BY pipeline, owner");
  Exec(db, "INSERT INTO score_counts SELECT pipeline, 'team', team, sum(status = 1), sum(status = 2) FROM deals WHERE status > 0 GROUP BY pipeline, team");
  // Amounts of two-decimal currencies: the power of ten of the major units is the digit count - 1.
  sqlite3_stmt* bands = Prepare(db, "SELECT pipeline, currency, length(amount / 100) - 1, sum(status = 1), sum(status = 2) "
                                    "FROM deals WHERE status > 0 AND amount >= 100 GROUP BY 1, 2, 3");
  sqlite3_stmt* put = Prepare(db, "INSERT INTO score_counts VALUES(?, 'amount', ?, ?, ?)");
  while (sqlite3_step(bands) == SQLITE_ROW) {
    const int power = sqlite3_column_int(bands, 2);
    const std::string band = std::string(reinterpret_cast<const char*>(sqlite3_column_text(bands, 1))) + " " +
                             kPowers[power] + "-" + kPowers[power + 1];
    sqlite3_bind_int64(put, 1, sqlite3_column_int64(bands, 0));
    sqlite3_bind_text(put, 2, band.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(put, 3, sqlite3_column_int64(bands, 3));
    sqlite3_bind_int64(put, 4, sqlite3_column_int64(bands, 4));
    if (sqlite3_step(put) != SQLITE_DONE) Die("sqlite insert band");
    sqlite3_reset(put);
  }
  sqlite3_finalize(bands);
  sqlite3_finalize(put);
  // Lost deals by the stage they were lost from: the entry before the last of their history.
  Exec(db, "INSERT INTO score_counts SELECT d.pipeline, 'stage', h.stage, 0, count(*) FROM deals d JOIN stage_history h "
           "ON h.deal = d.id AND h.seq = (SELECT max(seq) FROM stage_history WHERE deal = d.id) - 1 "
           "WHERE d.status = 2 GROUP BY d.pipeline, h.stage");
  Exec(db, "ANALYZE");
}

double SqlScore(sqlite3* db, const Pipeline& p, std::int64_t id) {
  static sqlite3_stmt* deal = Prepare(db, "SELECT owner, team, currency, amount, stage FROM deals WHERE id = ?");
  static sqlite3_stmt* count = Prepare(db, "SELECT won, lost FROM score_counts WHERE pipeline = ? AND field = ? AND value = ?");
  static sqlite3_stmt* stages = Prepare(db, "SELECT value, lost FROM score_counts WHERE pipeline = ? AND field = 'stage'");
  sqlite3_bind_int64(deal, 1, id);
  if (sqlite3_step(deal) != SQLITE_ROW) Die("sqlite: no such deal");
  const auto text = [&](int c) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(deal, c))); };
  const std::string owner = text(0), team = text(1), currency = text(2);
  const std::int64_t major = sqlite3_column_int64(deal, 3) / 100;
  const auto stage = static_cast<StageId>(sqlite3_column_int64(deal, 4));
  sqlite3_reset(deal);
  const auto lookup = [&](const char* field, const std::string& value) {
    sqlite3_bind_int64(count, 1, static_cast<std::int64_t>(p.id));
    sqlite3_bind_text(count, 2, field, -1, SQLITE_STATIC);
    sqlite3_bind_text(count, 3, value.c_str(), -1, SQLITE_TRANSIENT);
    std::pair<double, double> c{0, 0};
    if (sqlite3_step(count) == SQLITE_ROW) c = {sqlite3_column_double(count, 0), sqlite3_column_double(count, 1)};
    sqlite3_reset(count);
    return c;
  };
  const auto [won, lost] = lookup("", "");
  const auto term = [&](std::pair<double, double> c) {
    if (c.first == 0 && c.second == 0) return 0.0;
    return std::log(((c.first + 1) / (won + 2)) / ((c.second + 1) / (lost + 2)));
  };
  // Lost deals that passed the deal's stage: lost from it or a later open stage.
  std::size_t at = 0;
  while (p.stages[at].id != stage) ++at;
  double passing = 0;
  if (at == 0) {
    passing = lost;
  } else {
    sqlite3_bind_int64(stages, 1, static_cast<std::int64_t>(p.id));
    while (sqlite3_step(stages) == SQLITE_ROW) {
      const auto from = static_cast<StageId>(std::stoul(reinterpret_cast<const char*>(sqlite3_column_text(stages, 0))));
      for (std::size_t k = at; k < p.stages.size() && p.stages[k].outcome == StageOutcome::kOpen; ++k)
        if (p.stages[k].id == from) passing += sqlite3_column_double(stages, 1);
    }
    sqlite3_reset(stages);
  }
  double x = std::log((won + 1) / (lost + 1)) + term({won, passing}) + term(lookup("owner", owner)) + term(lookup("team", team));
  if (major >= 1) x += term(lookup("amount", currency + " " + kPowers[std::to_string(major).size() - 1] + "-" +
                                                 kPowers[std::to_string(major).size()]));
  return std::clamp(100 / (1 + std::exp(-x)), 1.0, 99.0);
}

// `fresh`: each score in a read transaction of its own (the owners' directory read each time);
// otherwise one transaction for all, as a page of deals is scored.
void ScoreDeal(benchmark::State& state, bool crm, bool fresh) {
  Loaded& l = Load();
  SqlFrequencies(l.sql);
  static std::vector<std::int64_t> open = [&] {
    std::vector<std::int64_t> ids;
    sqlite3_stmt* st = Prepare(l.sql, "SELECT id FROM deals WHERE status = 0 ORDER BY id LIMIT 1000");
    while (sqlite3_step(st) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    return ids;
  }();
  if (open.empty()) Die("no open deals to score");
  for (std::size_t i = 0; i < open.size(); i += 97) {
    const DealScore s = *l.crm->Run(&ReadTxn::ScoreDeal, static_cast<OpportunityId>(open[i]));
    Check(s.basis == ScoreBasis::kModel && std::abs(s.probability - SqlScore(l.sql, l.pipeline, open[i])) < 1e-9, "ScoreDeal");
  }
  auto txn = l.crm->BeginRead();
  if (!txn.ok()) Die(txn.status().ToString());
  std::size_t next = 0;
  for (auto _ : state) {
    const std::int64_t id = open[next++ % open.size()];
    if (crm && fresh) {
      benchmark::DoNotOptimize(l.crm->Run(&ReadTxn::ScoreDeal, static_cast<OpportunityId>(id)));
    } else if (crm) {
      benchmark::DoNotOptimize(txn->ScoreDeal(static_cast<OpportunityId>(id)));
    } else {
      benchmark::DoNotOptimize(SqlScore(l.sql, l.pipeline, id));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

}  // namespace
}  // namespace crm::bench

using crm::bench::FunnelQuarter;
using crm::bench::ForecastQuarter;
using crm::bench::PipelineSummaryByOwner;
using crm::bench::ScoreDeal;
using crm::bench::SalesCycleQuarter;
using crm::bench::WinRateQuarter;
BENCHMARK_CAPTURE(PipelineSummaryByOwner, crm, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(PipelineSummaryByOwner, sqlite, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ForecastQuarter, crm, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ForecastQuarter, sqlite, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(WinRateQuarter, crm, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(WinRateQuarter, sqlite, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(SalesCycleQuarter, crm, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(SalesCycleQuarter, sqlite, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(FunnelQuarter, crm, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(FunnelQuarter, sqlite, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ScoreDeal, crm, true, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ScoreDeal, crm_txn_each, true, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ScoreDeal, sqlite, false, false)->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) { return crm::bench::RunBenchmarks(argc, argv); }
