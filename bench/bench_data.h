// Deterministic synthetic customers shared by every benchmark side, so each does the same job.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

#include "crm/customer.hpp"
#include "crm/types.hpp"

namespace crm::bench {

[[noreturn]] inline void Die(const std::string& what) { throw std::runtime_error(what); }

// A path in this run's temporary directory.
inline std::string TempPath(const std::string& name) {
  static const std::string dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "crm-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) Die("mkdtemp");
    return pattern;
  }();
  return dir + "/" + name;
}

// Writes items make(0) .. make(n - 1) through write(batch), `batch_size` at a time.
template <class T, class Make, class Write>
void LoadInBatches(std::size_t n, std::size_t batch_size, Make make, Write write) {
  std::vector<T> batch;
  for (std::size_t i = 0; i < n; ++i) {
    batch.push_back(make(i));
    if (batch.size() == batch_size || i + 1 == n) {
      write(batch);
      batch.clear();
    }
  }
}

// The timed loop of a batch-write workload: each iteration writes a fresh batch (made outside
// the timing) through write(batch); items per second count every item written.
template <class T, class Make, class Write>
void TimedBatches(benchmark::State& state, std::size_t batch_size, Make make, Write write) {
  std::size_t next = 0;
  std::vector<T> batch(batch_size);
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& item : batch) item = make(next++);
    state.ResumeTiming();
    write(batch);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(next));
}

// Runs the registered benchmarks; a failed workload ends the run with its message.
inline int RunBenchmarks(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  int rc = 0;
  try {
    benchmark::RunSpecifiedBenchmarks();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "benchmark failed: %s\n", e.what());
    rc = 1;
  }
  benchmark::Shutdown();
  std::filesystem::remove_all(std::filesystem::path(TempPath("x")).parent_path());
  return rc;
}

inline std::size_t Scale() {
  const char* env = std::getenv("CRM_BENCH_SCALE");
  const long v = env ? std::atol(env) : 0;
  return v > 0 ? static_cast<std::size_t>(v) : 200'000;
}

inline const std::vector<std::string>& GivenNames() {
  static const std::vector<std::string> names = {
      "James", "Mary", "José", "Zoë", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
      "David", "Élodie", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
      "Sarah", "Charles", "Karen", "Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Betty",
      "Anthony", "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul",
      "Emily", "Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Dorothy", "Kevin", "Carol",
      "Brian", "Amanda", "George", "Melissa", "Björn", "Søren", "Łukasz", "Renée", "François",
      "Ingrid", "Hiroshi", "Aiko", "Mateo", "Lucía", "Ángel", "Chloé", "Noémie", "Jürgen", "Çağla",
      "Ørjan", "Siobhán", "Niamh", "Oisín", "Maël", "Inès", "Raúl", "Sofía", "Valentina", "Joaquín"};
  return names;
}

inline const std::vector<std::string>& FamilyNames() {
  static const std::vector<std::string> names = {
      "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodríguez",
      "Martínez", "Hernández", "López", "González", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
      "Jackson", "Martin", "Lee", "Pérez", "Thompson", "White", "Harris", "Sánchez", "Clark",
      "Ramírez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
      "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera",
      "Campbell", "Mitchell", "Carter", "Roberts", "Álvarez", "Müller", "Schäfer", "Öztürk",
      "Nowak", "Kowalski", "Dubois", "Lefèvre", "Rossi", "Bianchi", "Sørensen", "Håkansson",
      "Nakamura", "Tanaka", "O'Brien", "McCarthy", "Van der Berg", "De la Cruz", "Ó Súilleabháin",
      "Fernández", "Gómez", "Díaz", "Moreno", "Muñoz", "Romero", "Alonso", "Gutiérrez", "Navarro"};
  return names;
}

inline constexpr int kTags = 50;
inline constexpr int kOwners = 20;

inline std::string TagName(int i) { return "segment-" + std::to_string(i); }

// A bijection of [0, 10^10) that scatters consecutive numbers, so that phone numbers and
// external ids arrive in random order as they do in real data (the multiplier is coprime to 10).
inline unsigned long long Scatter(std::size_t i) {
  constexpr unsigned long long kSpace = 10'000'000'000ull;
  return static_cast<unsigned long long>((static_cast<unsigned __int128>(i) * 2'654'435'761ull + 12'345) % kSpace);
}

// Customer i's phone number (unique for i < 10^10) in the given printf layout of its three parts.
inline std::string FormattedPhone(std::size_t i, const char* layout) {
  const unsigned long long n = Scatter(i);
  char phone[40];
  std::snprintf(phone, sizeof phone, layout, n / 10'000'000, (n / 10'000) % 1000, n % 10'000);
  return phone;
}

// The i-th synthetic customer (i from 0): unique email and phone, two tags, an owner.
inline Customer MakeCustomer(std::size_t i) {
  std::mt19937_64 rng(i * 0x9E3779B97F4A7C15ull + 1);
  const auto& given = GivenNames();
  const auto& family = FamilyNames();
  Customer c;
  c.given_name = given[rng() % given.size()];
  c.family_name = family[rng() % family.size()];
  c.emails.push_back(Email{"customer" + std::to_string(i) + "@example" + std::to_string(i % 97) + ".com", "work", true});
  c.phones.push_back(Phone{FormattedPhone(i, "+1 (%03llu) %03llu-%04llu"), "mobile", true});
  c.address = PostalAddress{std::to_string(i % 999 + 1) + " Main Street", "Springfield", "IL", "62701", "US"};
  c.stage = static_cast<LifecycleStage>(1 + rng() % 8);
  c.owner = "owner" + std::to_string(rng() % kOwners);
  const int t1 = static_cast<int>(rng() % kTags);
  const int t2 = (t1 + 1 + static_cast<int>(rng() % (kTags - 1))) % kTags;
  c.tags = {TagName(t1), TagName(t2)};
  c.custom["seats"] = static_cast<std::int64_t>(rng() % 500);
  c.custom["plan"] = std::string(i % 3 == 0 ? "enterprise" : "team");
  c.external_id = "ext-" + std::to_string(Scatter(i));
  return c;
}

// The phone of customer i written another way, as a caller would type it.
inline std::string RetypedPhone(std::size_t i) { return FormattedPhone(i, "1-%03llu-%03llu-%04llu"); }

inline std::string EmailOf(std::size_t i) {
  return "CUSTOMER" + std::to_string(i) + "@example" + std::to_string(i % 97) + ".com";
}

}  // namespace crm::bench
