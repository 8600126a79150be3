// Scans: the entries of a table with a prefix, or in a key range, forward or backward.
#include <string>

#include "storage/lmdb.h"

namespace crm::storage {

namespace {
// A scan sees strictly increasing keys (decreasing in reverse): anything else is a damaged tree
// (a page reached twice would make the scan go round for ever). Keeps the key in `previous`.
absl::Status CheckOrder(std::string& previous, std::string_view key, bool reverse) {
  if (!previous.empty() && (reverse ? key >= previous : key <= previous))
    return absl::DataLossError("database is damaged: a table's keys are out of order (its tree links pages wrongly)");
  previous.assign(key.data(), key.size());
  return absl::OkStatus();
}
}  // namespace

absl::Status ScanPrefix(
    const Txn& txn, Table table, std::string_view prefix, std::string_view after,
    absl::FunctionRef<absl::StatusOr<bool>(std::string_view key, std::string_view value)> fn) {
  auto cursor = Cursor::Open(txn, table);
  if (!cursor.ok()) return cursor.status();
  return ScanPrefix(*cursor, prefix, after, fn);
}

absl::Status ScanPrefix(
    Cursor& cursor, std::string_view prefix, std::string_view after,
    absl::FunctionRef<absl::StatusOr<bool>(std::string_view key, std::string_view value)> fn) {
  const std::string_view start = after.empty() ? prefix : after;
  auto at = cursor.Seek(start);
  std::string previous;
  while (true) {
    if (!at.ok()) return at.status();
    if (!*at) return absl::OkStatus();
    const std::string_view key = cursor.key();
    if (absl::Status s = CheckOrder(previous, key, false); !s.ok()) return s;
    if (key.substr(0, prefix.size()) != prefix) return absl::OkStatus();
    if (after.empty() || key != after) {
      auto more = fn(key, cursor.value());
      if (!more.ok()) return more.status();
      if (!*more) return absl::OkStatus();
    }
    at = cursor.Next();
  }
}

absl::Status ScanRange(
    const Txn& txn, Table table, std::string_view lo, std::string_view hi, std::string_view resume,
    bool reverse,
    absl::FunctionRef<absl::StatusOr<bool>(std::string_view key, std::string_view value)> fn) {
  auto cursor = Cursor::Open(txn, table);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<bool> at;
  if (!reverse) {
    at = cursor->Seek(!resume.empty() && resume > lo ? resume : lo);
  } else {
    // The last entry below the bound: seek to it and step back, or start at the very end.
    std::string_view bound = hi;
    if (!resume.empty() && (bound.empty() || resume < bound)) bound = resume;
    if (bound.empty()) {
      at = cursor->Last();
    } else {
      at = cursor->Seek(bound);
      if (at.ok()) at = *at ? cursor->Prev() : cursor->Last();
    }
  }
  std::string previous;
  while (true) {
    if (!at.ok()) return at.status();
    if (!*at) return absl::OkStatus();
    const std::string_view key = cursor->key();
    if (absl::Status s = CheckOrder(previous, key, reverse); !s.ok()) return s;
    if (reverse ? key < lo : (!hi.empty() && key >= hi)) return absl::OkStatus();
    const bool skip = !resume.empty() && (reverse ? key >= resume : key <= resume);
    if (!skip && (reverse ? (hi.empty() || key < hi) : true)) {
      auto more = fn(key, cursor->value());
      if (!more.ok()) return more.status();
      if (!*more) return absl::OkStatus();
    }
    at = reverse ? cursor->Prev() : cursor->Next();
  }
}

}  // namespace crm::storage
