// What dynamic segments cost a customer write: SegmentUpkeep/<K> updates customers (1,000 per
// write transaction, not synced) in a store of 20,000 with K dynamic segments, each filter
// tested on every update (K = 0 is the write without segments). Each update moves the customer's
// country, so some updates move it between segments.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "bench_data.h"
#include "crm/store.hpp"

namespace crm::bench {
namespace {

constexpr std::size_t kCustomers = 20000;
constexpr const char* kCountries[] = {"DE", "FR", "US", "GB", "ES", "IT", "NL", "BE"};

void SegmentUpkeep(benchmark::State& state) {
  const auto segments = static_cast<std::size_t>(state.range(0));
  StoreOptions options;
  options.sync = false;
  static int run = 0;  // each call its own store: Google Benchmark may call a workload more than once
  auto opened = Store::Open(TempPath("segment_upkeep" + std::to_string(segments) + "." + std::to_string(run++)), options);
  if (!opened.ok()) Die(opened.status().ToString());
  Store& store = **opened;
  std::vector<CustomerId> ids;
  LoadInBatches<Customer>(kCustomers, 1000, MakeCustomer, [&](const std::vector<Customer>& batch) {
    absl::Status s = store.Write("load", [&](WriteTxn& t) -> absl::Status {
      for (const Customer& c : batch) {
        auto r = t.CreateCustomer(c);
        if (!r.ok()) return r.status();
        ids.push_back(r->id);
      }
      return absl::OkStatus();
    });
    if (!s.ok()) Die(s.ToString());
  });
  for (std::size_t k = 0; k < segments; ++k) {
    Segment seg;
    seg.name = "segment " + std::to_string(k);
    seg.kind = SegmentKind::kDynamic;
    seg.filter = std::string("country = '") + kCountries[k % 8] + "' and stage = 'customer'" +
                 (k >= 8 ? " and created_at > " + std::to_string(k) : "");
    if (auto r = store.Run(&WriteTxn::CreateSegment, seg); !r.ok()) Die(r.status().ToString());
  }
  std::size_t next = 0, updated = 0;
  for (auto _ : state) {
    absl::Status s = store.Write("bench", [&](WriteTxn& t) -> absl::Status {
      for (std::size_t i = 0; i < 1000; ++i, ++next) {
        auto c = t.GetCustomer(ids[next % ids.size()]);
        if (!c.ok()) return c.status();
        c->address.country = kCountries[next % 7];
        c->stage = LifecycleStage::kCustomer;
        if (auto r = t.UpdateCustomer(*c); !r.ok()) return r.status();
      }
      return absl::OkStatus();
    });
    if (!s.ok()) Die(s.ToString());
    updated += 1000;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(updated));
}

BENCHMARK(SegmentUpkeep)->Arg(0)->Arg(8)->Arg(64)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) { return crm::bench::RunBenchmarks(argc, argv); }
