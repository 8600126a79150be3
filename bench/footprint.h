// Bytes on disk that hold data, per side, for the Footprint* entries: what a database of the
// records takes once loaded, free pages left out on both sides.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "bench_data.h"
#include "crm/store.hpp"

namespace crm::bench {

// libcrm: the pages the last commit's snapshot uses.
inline std::uint64_t CrmBytes(const Store& store) {
  auto stats = store.Run(&ReadTxn::Statistics);
  if (!stats.ok()) Die(stats.status().ToString());
  return stats->pages_used * stats->page_bytes;
}

// SQLite: the write-ahead log checkpointed into the file, then its pages less its free list.
inline std::uint64_t SqliteBytes(sqlite3* db) {
  if (sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) != SQLITE_OK)
    Die(std::string("sqlite checkpoint: ") + sqlite3_errmsg(db));
  const auto pragma = [&](const char* name) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, (std::string("PRAGMA ") + name).c_str(), -1, &s, nullptr) != SQLITE_OK ||
        sqlite3_step(s) != SQLITE_ROW)
      Die(std::string("sqlite pragma ") + name + ": " + sqlite3_errmsg(db));
    const auto v = static_cast<std::uint64_t>(sqlite3_column_int64(s, 0));
    sqlite3_finalize(s);
    return v;
  };
  return (pragma("page_count") - pragma("freelist_count")) * pragma("page_size");
}

// Records a footprint entry: `bytes` over `records`, as the counter bytes_per_record.
inline void ReportFootprint(benchmark::State& state, std::uint64_t bytes, std::size_t records) {
  for (auto _ : state) benchmark::DoNotOptimize(bytes);
  state.counters["bytes_per_record"] = static_cast<double>(bytes) / static_cast<double>(records);
}

}  // namespace crm::bench
