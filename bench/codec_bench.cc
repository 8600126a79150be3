// The record archive against Boost.Serialization's stock binary archive, on the same record
// and the same serialize() functions: what it costs to encode and decode one customer.
#include <benchmark/benchmark.h>

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <sstream>

#include "bench_data.h"
#include "codec/envelope.h"
#include "model/serialize.h"

namespace {

using crm::Customer;

Customer Sample() {
  Customer c = crm::bench::MakeCustomer(12345);
  c.id = 12346;
  c.revision = 3;
  return c;
}

void CodecEncode_crm(benchmark::State& state) {
  const Customer c = Sample();
  std::string out;
  for (auto _ : state) {
    crm::codec::Encode(crm::codec::RecordType::kCustomer, c, out);  // archive + envelope + CRC
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes"] = static_cast<double>(out.size());
}

void CodecDecode_crm(benchmark::State& state) {
  std::string bytes;
  crm::codec::Encode(crm::codec::RecordType::kCustomer, Sample(), bytes);
  for (auto _ : state) {
    Customer c;
    if (!crm::codec::Decode(bytes, crm::codec::RecordType::kCustomer, {"customer", 1}, c).ok()) state.SkipWithError("decode");
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}

void CodecEncode_boost_binary(benchmark::State& state) {
  const Customer c = Sample();
  std::size_t size = 0;
  for (auto _ : state) {
    std::ostringstream ss;
    {
      boost::archive::binary_oarchive oa(ss);
      oa << c;
    }
    size = ss.tellp();
    benchmark::DoNotOptimize(ss);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes"] = static_cast<double>(size);
}

void CodecDecode_boost_binary(benchmark::State& state) {
  std::ostringstream os;
  {
    boost::archive::binary_oarchive oa(os);
    oa << Sample();
  }
  const std::string bytes = os.str();
  for (auto _ : state) {
    std::istringstream is(bytes);
    boost::archive::binary_iarchive ia(is);
    Customer c;
    ia >> c;
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(CodecEncode_crm)->Name("CodecEncode/crm");
BENCHMARK(CodecEncode_boost_binary)->Name("CodecEncode/boost_binary");
BENCHMARK(CodecDecode_crm)->Name("CodecDecode/crm");
BENCHMARK(CodecDecode_boost_binary)->Name("CodecDecode/boost_binary");
BENCHMARK_MAIN();
