// What keeping the sales aggregates costs the writes of deals: this program is built twice, once
// against the library and once against the same sources compiled with
// CRM_WITHOUT_SALES_AGGREGATES (the deal totals and the scoring model's counts not kept;
// deal_write_bench_plain), and scripts/bench prints the difference of the two runs.
//
//   OpportunityCreate  create one open deal, a write transaction each
//   StageMove          move an open deal to another open stage (its totals move)
//   CloseReopen        close a deal won or lost, or reopen a closed one (totals and model counts)
//
// A store of CRM_BENCH_DEALS / 10 deals (default 100,000), 50 owners, a third of them closed.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "bench_data.h"
#include "crm/store.hpp"

namespace crm::bench {
namespace {

std::size_t Deals() {
  const char* env = std::getenv("CRM_BENCH_DEALS");
  const std::size_t n = env != nullptr ? std::strtoull(env, nullptr, 10) / 10 : 100'000;
  return n < 1000 ? 1000 : n;
}

struct Loaded {
  std::unique_ptr<Store> store;
  Pipeline pipeline;
  std::vector<StageId> open;
  StageId won = 0, lost = 0;
};

Opportunity MakeDeal(std::mt19937_64& rng, const Loaded& l) {
  Opportunity o;
  o.title = "deal";
  o.pipeline = l.pipeline.id;
  o.stage = l.open[rng() % l.open.size()];
  o.owner = "owner" + std::to_string(rng() % 50);
  o.amount = Money{static_cast<std::int64_t>(100 + rng() % 5'000'000), rng() % 10 == 0 ? "USD" : "EUR"};
  o.custom["product"] = std::string(rng() % 2 ? "GTX Pro" : "MG Special");
  return o;
}

Loaded& Load() {
  static Loaded out = [] {
    Loaded l;
    StoreOptions options;
    options.sync = false;
    auto store = Store::Open(TempPath("deals.crm"), options);
    if (!store.ok()) Die(store.status().ToString());
    l.store = *std::move(store);
    Pipeline p;
    p.name = "Sales";
    p.stages = {{0, "Lead", 10, StageOutcome::kOpen},     {0, "Qualified", 30, StageOutcome::kOpen},
                {0, "Proposal", 60, StageOutcome::kOpen}, {0, "Negotiation", 80, StageOutcome::kOpen},
                {0, "Won", 100, StageOutcome::kWon},      {0, "Lost", 0, StageOutcome::kLost}};
    l.pipeline = *l.store->Run(&WriteTxn::CreatePipeline, p);
    for (const Stage& s : l.pipeline.stages) {
      if (s.outcome == StageOutcome::kOpen) l.open.push_back(s.id);
      if (s.outcome == StageOutcome::kWon) l.won = s.id;
      if (s.outcome == StageOutcome::kLost) l.lost = s.id;
    }
    std::mt19937_64 rng(7);
    const std::size_t n = Deals();
    for (std::size_t next = 0; next < n; next += 5000) {
      auto s = l.store->Write("load", [&](WriteTxn& t) -> absl::Status {
        for (std::size_t j = next; j < next + 5000 && j < n; ++j) {
          auto made = t.CreateOpportunity(MakeDeal(rng, l));
          if (!made.ok()) return made.status();
          if (j % 3 == 0) {
            auto closed = j % 6 == 0 ? t.CloseWon(made->id) : t.CloseLost(made->id, "price");
            if (!closed.ok()) return closed.status();
          }
        }
        return absl::OkStatus();
      });
      if (!s.ok()) Die(s.ToString());
    }
    return l;
  }();
  return out;
}

void OpportunityCreate(benchmark::State& state) {
  Loaded& l = Load();
  std::mt19937_64 rng(11);
  for (auto _ : state) {
    auto made = l.store->Run(&WriteTxn::CreateOpportunity, MakeDeal(rng, l));
    if (!made.ok()) Die(made.status().ToString());
  }
  state.SetItemsProcessed(state.iterations());
}

// Deals 2, 3, 5, 6, ... were created open (every third one was closed).
OpportunityId OpenDeal(std::mt19937_64& rng) {
  OpportunityId id = 0;
  while (id % 3 == 0) id = rng() % Deals();
  return id + 1;
}

void StageMove(benchmark::State& state) {
  Loaded& l = Load();
  std::mt19937_64 rng(13);
  std::size_t n = 0;
  for (auto _ : state) {
    auto moved = l.store->Run(&WriteTxn::MoveOpportunity, OpenDeal(rng), l.open[n++ % l.open.size()]);
    if (!moved.ok()) Die(moved.status().ToString());
  }
  state.SetItemsProcessed(state.iterations());
}

void CloseReopen(benchmark::State& state) {
  Loaded& l = Load();
  std::mt19937_64 rng(17);
  std::size_t n = 0;
  for (auto _ : state) {
    const OpportunityId id = OpenDeal(rng);
    // Close it (won or lost) and open it again: two writes that move the model's counts.
    auto closed = n++ % 2 ? l.store->Run(&WriteTxn::CloseWon, id) : l.store->Run(&WriteTxn::CloseLost, id, std::string_view("price"));
    if (!closed.ok()) Die(closed.status().ToString());
    auto reopened = l.store->Run(&WriteTxn::MoveOpportunity, id, l.open[0]);
    if (!reopened.ok()) Die(reopened.status().ToString());
  }
  state.SetItemsProcessed(state.iterations() * 2);
}

}  // namespace
}  // namespace crm::bench

BENCHMARK(crm::bench::OpportunityCreate)->Unit(benchmark::kMicrosecond);
BENCHMARK(crm::bench::StageMove)->Unit(benchmark::kMicrosecond);
BENCHMARK(crm::bench::CloseReopen)->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) { return crm::bench::RunBenchmarks(argc, argv); }
