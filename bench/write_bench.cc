// Durable writes from many threads at once, each its own transaction:
//   ConcurrentWrites<T>/crm     libcrm: T threads share one Store; each creates customers one
//                               write at a time (Store::Write: group commit joins the writes that
//                               arrive together into one commit)
//   ConcurrentWrites<T>/sqlite  SQLite: T threads, one connection each (WAL, synchronous=FULL,
//                               a busy timeout, BEGIN IMMEDIATE), the same indexes and an audit row
// Every write is durable when it returns (libcrm's default durability; synchronous=FULL). Each
// database first holds kPreload customers, so that the trees have their working depth.
// CRM_BENCH_WRITES sets the writes per run (default 2048); CRM_BENCH_DURABILITY=normal or none
// runs both sides at that level instead (SQLite: synchronous=NORMAL or OFF).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <thread>
#include <vector>

#include "bench_data.h"
#include "crm/store.hpp"
#include "sqlite_customers.h"

namespace crm::bench {
namespace {

constexpr std::size_t kPreload = 20000;

// The durability level both sides run at: libcrm's, and SQLite's synchronous setting for it.
std::pair<Durability, const char*> Level() {
  const char* env = std::getenv("CRM_BENCH_DURABILITY");
  const std::string level = env != nullptr ? env : "";
  if (level == "normal") return {Durability::kNormal, "NORMAL"};
  if (level == "none") return {Durability::kNone, "OFF"};
  if (!level.empty() && level != "full") Die("CRM_BENCH_DURABILITY: full, normal or none");
  return {Durability::kFull, "FULL"};
}

std::size_t Writes() {
  const char* env = std::getenv("CRM_BENCH_WRITES");
  return env != nullptr && *env != '\0' ? std::strtoull(env, nullptr, 10) : 2048;
}

// Runs `write(thread, i)` for every i below `writes`, spread over `threads` threads, and
// returns when all are done.
template <class Write>
void Spread(std::size_t threads, std::size_t writes, Write write) {
  std::vector<std::thread> pool;
  std::atomic<std::size_t> next{0};
  for (std::size_t t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (std::size_t i; (i = next.fetch_add(1)) < writes;) write(t, i);
    });
  for (auto& p : pool) p.join();
}

void ConcurrentWrites(benchmark::State& state, const std::string& side, std::size_t threads) {
  const std::size_t writes = Writes();
  const std::string path = TempPath("concurrent" + std::to_string(threads) + "." + side);
  std::size_t written = 0;
  std::size_t first = kPreload;
  if (side == "crm") {
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-lock");
    StoreOptions options;
    options.durability = Level().first;
    auto opened = Store::Open(path, options);
    if (!opened.ok()) Die(opened.status().ToString());
    Store& store = **opened;
    LoadInBatches<Customer>(kPreload, 1000, MakeCustomer, [&](const std::vector<Customer>& batch) {
      absl::Status s = store.Write("load", [&](WriteTxn& txn) -> absl::Status {
        for (const Customer& c : batch)
          if (auto r = txn.CreateCustomer(c); !r.ok()) return r.status();
        return absl::OkStatus();
      });
      if (!s.ok()) Die(s.ToString());
    });
    const std::uint64_t commits_before = store.Run(&ReadTxn::Statistics)->last_txn;
    for (auto _ : state) {
      Spread(threads, writes, [&](std::size_t, std::size_t i) {
        auto made = store.Run(&WriteTxn::CreateCustomer, MakeCustomer(first + i));
        if (!made.ok()) Die(made.status().ToString());
      });
      first += writes;
      written += writes;
    }
    const std::uint64_t commits = store.Run(&ReadTxn::Statistics)->last_txn - commits_before;
    state.counters["writes_per_commit"] = static_cast<double>(written) / static_cast<double>(commits);
  } else {
    std::vector<std::unique_ptr<SqliteBackend>> connections;
    connections.push_back(std::make_unique<SqliteBackend>(path, false, Level().second));
    LoadInBatches<Customer>(kPreload, 1000, MakeCustomer,
                            [&](const std::vector<Customer>& batch) { connections[0]->InsertBatch(batch); });
    while (connections.size() < threads) connections.push_back(std::make_unique<SqliteBackend>(path, true, Level().second));
    for (auto _ : state) {
      Spread(threads, writes, [&](std::size_t t, std::size_t i) {
        connections[t]->InsertBatch({MakeCustomer(first + i)});
      });
      first += writes;
      written += writes;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(written));
}

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) {
  using namespace crm::bench;
  for (std::size_t threads : {1, 4, 16, 64})
    for (const char* side : {"crm", "sqlite"}) {
      const std::string s = side;
      benchmark::RegisterBenchmark(("ConcurrentWrites" + std::to_string(threads) + "/" + s).c_str(),
                                   [s, threads](benchmark::State& st) { ConcurrentWrites(st, s, threads); })
          ->Iterations(1)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  return RunBenchmarks(argc, argv);
}
