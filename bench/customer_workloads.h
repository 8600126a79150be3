// The customer workloads customer_bench and encryption_bench share, over sides that a `make`
// function opens by name.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench_data.h"
#include "sqlite_customers.h"

namespace crm::bench {

constexpr std::size_t kBatch = 1000;

// Opens a new database of side `side`, its files named after `name`.
using MakeBackend = std::unique_ptr<Backend> (*)(const std::string& side, const std::string& name);

// A database per side holding Scale() customers, loaded on first use.
inline Backend& Loaded(MakeBackend make, const std::string& side) {
  static std::map<std::string, std::unique_ptr<Backend>> loaded;
  auto& slot = loaded[side];
  if (!slot) {
    slot = make(side, "loaded");
    LoadInBatches<Customer>(Scale(), kBatch, MakeCustomer,
                            [&](const std::vector<Customer>& b) { slot->InsertBatch(b); });
  }
  return *slot;
}

// Inserts in transactions of kBatch customers into a new database.
inline void Inserts(benchmark::State& state, MakeBackend make, const std::string& side) {
  auto backend = make(side, "insert");
  TimedBatches<Customer>(state, kBatch, MakeCustomer,
                         [&](const std::vector<Customer>& b) { backend->InsertBatch(b); });
}

// Reads of random customers by id.
inline void GetsById(benchmark::State& state, Backend& b) {
  std::mt19937_64 rng(1);
  Customer c;
  for (auto _ : state) {
    if (!b.GetById(1 + rng() % Scale(), &c)) Die("missing id");
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace crm::bench
