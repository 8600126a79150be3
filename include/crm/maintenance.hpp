// Keeping a store healthy: checking it end to end, measuring it, and (crm/store.hpp) copying it
// while it is in use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/txn_part.hpp"

namespace crm {

// What Verify found. A damaged file yields problems, never a crash: each problem names the
// table and record or entry concerned and what is wrong with it.
struct VerifyReport {
  static constexpr std::size_t kMaxProblems = 1000;

  std::uint64_t records = 0;        // records decoded and checked (customers, interactions ...)
  std::uint64_t index_entries = 0;  // index entries checked against their records
  std::uint64_t changes = 0;        // change feed entries checked
  std::vector<std::string> problems;  // the first kMaxProblems
  std::uint64_t problem_count = 0;    // all of them
  bool ok() const { return problem_count == 0; }
};

// The store's size and use, and who reads it.
struct StoreStatistics {
  // Records per kind.
  std::uint64_t customers = 0;  // archived ones included
  std::uint64_t archived_customers = 0;
  std::uint64_t interactions = 0;
  std::uint64_t pipelines = 0;
  std::uint64_t opportunities = 0;
  std::uint64_t changes = 0;
  // The file and its map.
  std::uint64_t file_bytes = 0;
  std::uint64_t map_bytes = 0;          // address space reserved, not disk
  std::uint64_t page_bytes = 0;
  std::uint64_t pages_used = 0;         // holding data as of the last commit
  std::uint64_t pages_free = 0;         // in the file, free for reuse (compaction drops them)
  std::uint64_t size_limit_bytes = 0;   // max_map_size
  std::uint64_t reserve_bytes = 0;      // kept under the limit for deletes
  // Readers: transactions open on the file, in every process.
  std::uint64_t readers = 0;
  std::uint64_t stale_readers = 0;      // left by processes that died (cleared at next open)
  std::uint64_t last_txn = 0;           // id of the last committed transaction
  std::uint64_t oldest_reader_lag = 0;  // how many commits behind the oldest reader is (0: none)
};

struct BackupOptions {
  // Write every table afresh, entry by entry: no free pages, full pages, and no byte of a
  // deleted or erased record (a plain copy keeps the file's pages as they are).
  bool compact = false;
};

// Maintenance reads: members of every transaction, so that they see one snapshot.
class MaintenanceReads {
 public:
  // Checks every record's checksum and decoding, every index entry against its record and
  // back, the maintained totals against a recount, the change feed's continuity and index, and
  // the references between records. Reads the whole store.
  absl::StatusOr<VerifyReport> Verify() const;
  absl::StatusOr<StoreStatistics> Statistics() const;

 protected:
  MaintenanceReads() = default;
};

}  // namespace crm
