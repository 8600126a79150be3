// MergeUnmerge: two customers with 100 interactions and 10 deals each (the loser's deals naming it
// as a contact too), among CRM_BENCH_SCALE / 20 (default 10,000) others with a few interactions
// each, merged in one write transaction and unmerged in the next, each committed as the store's
// default durability commits (synced). MergeUnmerge/merge times the merges, MergeUnmerge/unmerge
// the unmerges; each iteration leaves the store as it found it, so every merge does the same work.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "bench_data.h"
#include "crm/store.hpp"

namespace crm::bench {
namespace {

constexpr int kInteractions = 100;
constexpr int kDeals = 10;

struct Loaded {
  std::unique_ptr<Store> store;
  CustomerId survivor = 0, loser = 0;
};

CustomerId Seed(WriteTxn& t, const std::string& name, int interactions, int deals, std::int64_t at) {
  Customer c;
  c.given_name = "Ann";
  c.family_name = name;
  c.emails.push_back(Email{name + "@example.com", "", false});
  c.address.city = "Town";
  auto made = t.CreateCustomer(c);
  if (!made.ok()) Die(made.status().ToString());
  for (int i = 0; i < interactions; ++i) {
    Interaction in;
    in.customer = made->id;
    in.kind = i % 3 == 0 ? InteractionKind::kCall : InteractionKind::kEmail;
    in.occurred_at = at + i * 1'000'000;
    in.subject = "touch " + std::to_string(i);
    if (auto s = t.LogInteraction(in); !s.ok()) Die(s.status().ToString());
  }
  for (int i = 0; i < deals; ++i) {
    Opportunity o;
    o.customer = made->id;
    o.title = name + " deal " + std::to_string(i);
    o.amount = Money{100'000 + i, "USD"};
    o.contacts.push_back(ContactRole{made->id, "buyer"});
    if (auto s = t.CreateOpportunity(o); !s.ok()) Die(s.status().ToString());
  }
  return made->id;
}

Loaded& Load() {
  static Loaded out = [] {
    Loaded l;
    StoreOptions options;
    options.sync = false;  // the load; the measured commits reopen with the default
    {
      auto store = Store::Open(TempPath("merge.crm"), options);
      if (!store.ok()) Die(store.status().ToString());
      const std::size_t others = Scale() / 20;
      for (std::size_t done = 0; done < others;) {
        auto s = (*store)->Write("bench", [&](WriteTxn& t) -> absl::Status {
          for (std::size_t k = 0; k < 1000 && done < others; ++k, ++done)
            Seed(t, "other" + std::to_string(done), 3, 0, 1'600'000'000'000'000);
          return absl::OkStatus();
        });
        if (!s.ok()) Die(s.ToString());
      }
      auto s = (*store)->Write("bench", [&](WriteTxn& t) -> absl::Status {
        l.survivor = Seed(t, "lee", kInteractions, kDeals, 1'650'000'000'000'000);
        l.loser = Seed(t, "leigh", kInteractions, kDeals, 1'650'000'000'500'000);
        return absl::OkStatus();
      });
      if (!s.ok()) Die(s.ToString());
    }
    auto store = Store::Open(TempPath("merge.crm"), StoreOptions{});
    if (!store.ok()) Die(store.status().ToString());
    l.store = *std::move(store);
    return l;
  }();
  return out;
}

MergeId Merge(Loaded& l) {
  MergeId id = 0;
  auto s = l.store->Write("bench", [&](WriteTxn& t) -> absl::Status {
    auto m = t.MergeCustomers(l.survivor, {l.loser});
    if (!m.ok()) return m.status();
    if (m->merge.interactions != kInteractions || m->merge.opportunities != kDeals) Die("the merge moved too little");
    id = m->merge.id;
    return absl::OkStatus();
  });
  if (!s.ok()) Die(s.ToString());
  return id;
}

void Unmerge(Loaded& l, MergeId id) {
  auto s = l.store->Write("bench", [&](WriteTxn& t) { return t.UnmergeCustomers(id).status(); });
  if (!s.ok()) Die(s.ToString());
}

void MergeTimed(benchmark::State& state) {
  Loaded& l = Load();
  for (auto _ : state) {
    const MergeId id = Merge(l);
    state.PauseTiming();
    Unmerge(l, id);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void UnmergeTimed(benchmark::State& state) {
  Loaded& l = Load();
  for (auto _ : state) {
    state.PauseTiming();
    const MergeId id = Merge(l);
    state.ResumeTiming();
    Unmerge(l, id);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

BENCHMARK(MergeTimed)->Name("MergeUnmerge/merge")->Unit(benchmark::kMillisecond);
BENCHMARK(UnmergeTimed)->Name("MergeUnmerge/unmerge")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) { return crm::bench::RunBenchmarks(argc, argv); }
