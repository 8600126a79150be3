// Customer service: TicketsBreachingSoon reads the first page of 50 tickets by deadline among
// 1,000,000 open tickets (CRM_BENCH_TICKETS changes the count), each call in a read transaction
// of its own. libcrm pages its index of running deadlines; SQLite runs the same question on a
// table of the same tickets with their deadlines, indexed on (due_at, id) as a careful user would
// index it: SELECT ... WHERE due_at > 0 ORDER BY due_at, id LIMIT 50. Both sides must answer the
// same 50 rows, checked before timing.
//
// The tickets are opened through the public API on 10,000 customers over the past two years, on a
// Paris office calendar with a holiday, under a standard policy (4 h first response, 3 days
// resolution) and an urgent one; a third have had their first reply, a tenth are pending (no
// running deadline).
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "bench_data.h"
#include "crm/store.hpp"
#include "sqlite_util.h"

namespace crm::bench {
namespace {

template <class T>
T Ok(absl::StatusOr<T> r) {
  if (!r.ok()) Die(r.status().ToString());
  return *std::move(r);
}

std::size_t Tickets() {
  const char* env = std::getenv("CRM_BENCH_TICKETS");
  const long v = env ? std::atol(env) : 0;
  return v > 0 ? static_cast<std::size_t>(v) : 1'000'000;
}

struct Stores {
  std::unique_ptr<Store> crm;
  sqlite3* sql = nullptr;
  sqlite3_stmt* page = nullptr;
};

Stores& Loaded() {
  static Stores s = [] {
    Stores out;
    StoreOptions options;
    options.sync = false;
    out.crm = Ok(Store::Open(TempPath("service.crm"), options));
    Store& store = *out.crm;
    constexpr std::size_t kCustomers = 10'000;
    std::vector<CustomerId> customers;
    LoadInBatches<Customer>(kCustomers, 5000, MakeCustomer, [&](const std::vector<Customer>& batch) {
      if (auto st = store.Write("load", [&](WriteTxn& t) -> absl::Status {
            for (const Customer& c : batch) customers.push_back(Ok(t.CreateCustomer(c)).id);
            return absl::OkStatus();
          });
          !st.ok())
        Die(st.ToString());
    });
    BusinessCalendar office;
    office.name = "Paris office";
    office.time_zone = "Europe/Paris";
    office.hours = OfficeHours();
    office.holidays = {Holiday{"2025-12-25", "Christmas Day"}, Holiday{"2026-01-01", "New Year's Day"}};
    Ok(store.Run(&WriteTxn::CreateCalendar, office));
    SlaPolicy standard;
    standard.name = "Standard";
    standard.first_response_minutes = 240;
    standard.resolution_minutes = 3 * 8 * 60;
    Ok(store.Run(&WriteTxn::CreateSlaPolicy, standard));
    SlaPolicy urgent;
    urgent.name = "Urgent";
    urgent.priorities = {TicketPriority::kUrgent};
    urgent.first_response_minutes = 30;
    urgent.resolution_minutes = 8 * 60;
    Ok(store.Run(&WriteTxn::CreateSlaPolicy, urgent));
    const Timestamp now = absl::ToUnixMicros(absl::Now());
    const Timestamp span = 2LL * 365 * 86'400'000'000LL;
    std::mt19937_64 rng(7);
    const std::size_t n = Tickets();
    for (std::size_t done = 0; done < n;) {
      const std::size_t batch = std::min<std::size_t>(10'000, n - done);
      if (auto st = store.Write("load", [&](WriteTxn& t) -> absl::Status {
            for (std::size_t i = 0; i < batch; ++i) {
              Ticket k;
              k.customer = customers[rng() % customers.size()];
              k.subject = "Ticket " + std::to_string(done + i);
              k.priority = static_cast<TicketPriority>(1 + rng() % 4);
              k.team = 0;
              k.opened_at = now - static_cast<Timestamp>(rng() % static_cast<std::uint64_t>(span)) - 1;
              k = Ok(t.OpenTicket(k));
              const std::uint64_t r = rng() % 30;
              if (r < 10) {
                TicketEntry e;
                e.ticket = k.id;
                e.author_kind = TicketAuthor::kAgent;
                e.at = k.opened_at + 1'000'000;
                e.body = "On it.";
                if (auto a = t.AddTicketEntry(e); !a.ok()) return a.status();
              } else if (r < 13) {
                if (auto a = t.SetTicketStatus(k.id, TicketStatus::kPending, k.opened_at + 2'000'000); !a.ok()) return a.status();
              }
            }
            return absl::OkStatus();
          });
          !st.ok())
        Die(st.ToString());
      done += batch;
    }
    // SQLite: the same tickets with the deadlines libcrm computed, read from its index.
    if (sqlite3_open(TempPath("service.sqlite").c_str(), &out.sql) != SQLITE_OK) Die("sqlite open");
    Exec(out.sql, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;");
    Exec(out.sql, "CREATE TABLE tickets(id INTEGER PRIMARY KEY, customer INT, subject TEXT, status INT, priority INT, "
                  "team INT, assignee INT, opened_at INT, due_at INT, metric INT)");
    sqlite3_stmt* put = Prepare(out.sql, "INSERT INTO tickets VALUES(?,?,?,?,?,?,?,?,?,?)");
    Exec(out.sql, "BEGIN");
    for (TicketId id = 1; id <= n; ++id) {
      const Ticket k = Ok(store.Run(&ReadTxn::GetTicket, id));
      const SlaMilestone* m = nullptr;
      for (const SlaMilestone& x : k.milestones)
        if (x.completed_at == 0 && x.due_at == k.due_at) m = &x;
      sqlite3_bind_int64(put, 1, static_cast<std::int64_t>(k.id));
      sqlite3_bind_int64(put, 2, static_cast<std::int64_t>(k.customer));
      sqlite3_bind_text(put, 3, k.subject.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int(put, 4, static_cast<int>(k.status));
      sqlite3_bind_int(put, 5, static_cast<int>(k.priority));
      sqlite3_bind_int64(put, 6, static_cast<std::int64_t>(k.team));
      sqlite3_bind_int64(put, 7, static_cast<std::int64_t>(k.assignee));
      sqlite3_bind_int64(put, 8, k.opened_at);
      sqlite3_bind_int64(put, 9, k.due_at);
      sqlite3_bind_int(put, 10, m == nullptr ? 0 : static_cast<int>(m->metric));
      if (sqlite3_step(put) != SQLITE_DONE) Die("sqlite insert ticket");
      sqlite3_reset(put);
    }
    Exec(out.sql, "COMMIT");
    sqlite3_finalize(put);
    Exec(out.sql, "CREATE INDEX tickets_due ON tickets(due_at, id) WHERE due_at > 0; ANALYZE;");
    out.page = Prepare(out.sql, "SELECT id, due_at, metric, status, priority, team, assignee FROM tickets "
                                "WHERE due_at > 0 ORDER BY due_at, id LIMIT 50");
    return out;
  }();
  return s;
}

std::string CrmPage(Store& store) {
  TicketDueQuery q;
  q.limit = 50;
  std::string out;
  for (const TicketDue& d : Ok(store.Run(&ReadTxn::TicketsBreachingSoon, q)).tickets)
    out += std::to_string(d.ticket) + "," + std::to_string(d.due_at) + "," + std::to_string(static_cast<int>(d.metric)) +
           "," + std::to_string(static_cast<int>(d.status)) + "," + std::to_string(static_cast<int>(d.priority)) + "," +
           std::to_string(d.team) + "," + std::to_string(d.assignee) + ";";
  return out;
}

std::string SqlPage(sqlite3_stmt* st) {
  std::string out;
  while (sqlite3_step(st) == SQLITE_ROW)
    for (int i = 0; i < 7; ++i) out += std::to_string(sqlite3_column_int64(st, i)) + (i < 6 ? "," : ";");
  sqlite3_reset(st);
  return out;
}

void TicketsBreachingSoon(benchmark::State& state, bool crm) {
  Stores& s = Loaded();
  static bool checked = false;
  if (!checked) {
    const std::string a = CrmPage(*s.crm), b = SqlPage(s.page);
    if (a != b || a.empty()) Die("TicketsBreachingSoon: libcrm and SQLite disagree:\n  " + a.substr(0, 300) + "\n  " + b.substr(0, 300));
    checked = true;
  }
  TicketDueQuery q;
  q.limit = 50;
  std::vector<TicketDue> rows;
  rows.reserve(50);
  for (auto _ : state) {
    if (crm) {
      benchmark::DoNotOptimize(Ok(s.crm->Run(&ReadTxn::TicketsBreachingSoon, q)).tickets.size());
      continue;
    }
    rows.clear();  // the same values, read into the same rows
    while (sqlite3_step(s.page) == SQLITE_ROW)
      rows.push_back(TicketDue{static_cast<TicketId>(sqlite3_column_int64(s.page, 0)), sqlite3_column_int64(s.page, 1),
                               static_cast<SlaMetric>(sqlite3_column_int(s.page, 2)),
                               static_cast<TicketStatus>(sqlite3_column_int(s.page, 3)),
                               static_cast<TicketPriority>(sqlite3_column_int(s.page, 4)),
                               static_cast<TeamId>(sqlite3_column_int64(s.page, 5)),
                               static_cast<UserId>(sqlite3_column_int64(s.page, 6))});
    sqlite3_reset(s.page);
    benchmark::DoNotOptimize(rows.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["tickets"] = static_cast<double>(Tickets());
}

BENCHMARK_CAPTURE(TicketsBreachingSoon, crm, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(TicketsBreachingSoon, sqlite, false)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) { return crm::bench::RunBenchmarks(argc, argv); }
