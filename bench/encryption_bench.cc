// What encryption at rest costs, each workload run three ways in one process:
//   <Workload>/crm        libcrm with a store key (StoreOptions::encryption_key)
//   <Workload>/plain      libcrm without one
//   <Workload>/sqlcipher  Debian's SQLCipher, keyed with a raw key (no passphrase stretching on
//                         open), doing what the SQLite side of customer_bench does: WAL,
//                         prepared statements, the same indexes, an audit row per write
// The workloads are customer_bench's: inserts in transactions of 1,000, and reads by id and by
// email of random customers among CRM_BENCH_SCALE (default 200,000).
// This binary links SQLCipher in place of SQLite (both export the same symbols).
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench_data.h"
#include "crm_customers.h"
#include "customer_workloads.h"
#include "sqlite_customers.h"

namespace crm::bench {
namespace {

std::unique_ptr<Backend> Make(const std::string& side, const std::string& name) {
  if (side == "sqlcipher")
    return std::make_unique<SqliteBackend>(TempPath(name + ".sqlcipher"), false, "FULL",
                                           "PRAGMA key = \"x'" + std::string(64, 'a') + "'\"");
  StoreOptions options;
  if (side == "crm") options.encryption_key = std::string(32, '\x2a');
  return std::make_unique<CrmBackend>(TempPath(name + "." + side), std::move(options));
}

Backend& Loaded(const std::string& side) { return bench::Loaded(&Make, side); }

void EncryptedInsert(benchmark::State& state, const std::string& side) { Inserts(state, &Make, side); }

void EncryptedGetById(benchmark::State& state, const std::string& side) { GetsById(state, Loaded(side)); }

void EncryptedGetByEmail(benchmark::State& state, const std::string& side) {
  Backend& b = Loaded(side);
  std::mt19937_64 rng(2);
  std::vector<std::string> emails(4096);
  for (auto& e : emails) e = EmailOf(rng() % Scale());
  std::size_t i = 0;
  Customer c;
  for (auto _ : state) {
    if (!b.GetByEmail(emails[i++ % emails.size()], &c)) Die("missing email");
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) {
  using namespace crm::bench;
  const char* sides[] = {"crm", "plain", "sqlcipher"};
  for (const char* side : sides) {
    const std::string s = side;
    benchmark::RegisterBenchmark(("EncryptedInsert/" + s).c_str(), [s](benchmark::State& st) { EncryptedInsert(st, s); })
        ->Iterations(static_cast<benchmark::IterationCount>(std::max<std::size_t>(1, Scale() / kBatch)))
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  using Fn = void (*)(benchmark::State&, const std::string&);
  const std::pair<const char*, Fn> reads[] = {{"EncryptedGetById", EncryptedGetById},
                                              {"EncryptedGetByEmail", EncryptedGetByEmail}};
  for (const auto& [name, fn] : reads)
    for (const char* side : sides) {
      const std::string s = side;
      benchmark::RegisterBenchmark((std::string(name) + "/" + s).c_str(),
                                   [s, fn = fn](benchmark::State& st) { fn(st, s); })
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
    }
  return RunBenchmarks(argc, argv);
}
