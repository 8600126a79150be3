// The SQLite calls the report benchmarks share: a statement prepared once, and a statement run
// for its effect; both stop the run on a failure, naming the SQL.
#pragma once

#include <sqlite3.h>

#include <string>

#include "bench_data.h"

namespace crm::bench {

inline sqlite3_stmt* Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
    Die("sqlite prepare: " + std::string(sqlite3_errmsg(db)) + " in " + sql);
  return s;
}

inline void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) Die(std::string("sqlite: ") + (err ? err : "?"));
}

}  // namespace crm::bench
