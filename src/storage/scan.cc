// Cursors and scans: the entries of a table with a prefix, or in a key range, forward or backward.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "storage/fault_guard.h"
#include "storage/lmdb.h"

namespace crm::storage {

namespace {

MDB_val KeyVal(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }

// Compares byte strings as memcmp and then length do, inline, 8 bytes at a time: index keys are
// short, and a call per comparison was most of an index scan's time.
int CompareKeys(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t x = 0, y = 0;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) {
      if constexpr (std::endian::native == std::endian::little) {
        x = __builtin_bswap64(x);
        y = __builtin_bswap64(y);
      }
      return x < y ? -1 : 1;
    }
  }
  for (; i < n; ++i)
    if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]) ? -1 : 1;
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

bool HasPrefix(std::string_view key, std::string_view prefix) {
  return key.size() >= prefix.size() && CompareKeys(key.substr(0, prefix.size()), prefix) == 0;
}

// A scan sees strictly increasing keys (decreasing in reverse): anything else is a damaged tree
// (a page reached twice would make the scan go round for ever). Keeps the key in `previous`.
absl::Status CheckOrder(std::string& previous, std::string_view key, bool reverse) {
  if (!previous.empty() && (reverse ? key >= previous : key <= previous))
    return absl::DataLossError("database is damaged: a table's keys are out of order (its tree links pages wrongly)");
  previous.assign(key.data(), key.size());
  return absl::OkStatus();
}
}  // namespace

// ---- Cursor ----

absl::StatusOr<Cursor> Cursor::Open(const Txn& txn, Table table) {
  MDB_cursor* c = nullptr;
  const int rc = mdb_cursor_open(txn.raw(), table, &c);
  if (rc != 0) return MdbError(rc, "open cursor");
  return Cursor(c, txn);
}

Cursor::Cursor(Cursor&& other) noexcept
    : cursor_(other.cursor_), bounds_(other.bounds_), writable_(other.writable_), k_(other.k_), v_(other.v_) {
  other.cursor_ = nullptr;
}

Cursor& Cursor::operator=(Cursor&& other) noexcept {
  if (this != &other) {
    if (cursor_ != nullptr) mdb_cursor_close(cursor_);
    cursor_ = other.cursor_;
    bounds_ = other.bounds_;
    writable_ = other.writable_;
    k_ = other.k_;
    v_ = other.v_;
    other.cursor_ = nullptr;
  }
  return *this;
}

Cursor::~Cursor() {
  if (cursor_ != nullptr) mdb_cursor_close(cursor_);
}

absl::StatusOr<bool> Cursor::Move(MDB_cursor_op op) {
  const int rc = Guarded([&] { return mdb_cursor_get(cursor_, &k_, &v_, op); }, Watched(bounds_));
  if (rc == kPageLoop) Looped(bounds_);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return MdbError(rc, "cursor");
  // LMDB stores no longer key: a damaged node claims one (and a scan of such keys crawls).
  if (k_.mv_size == 0 || k_.mv_size > kMaxKeyBytes)
    return absl::DataLossError(absl::StrCat("database is damaged: a key of ", k_.mv_size, " bytes (at most ",
                                            kMaxKeyBytes, " are stored)"));
  if (absl::Status s = CheckInMap(bounds_, writable_, k_, "key"); !s.ok()) return s;
  if (absl::Status s = CheckInMap(bounds_, writable_, v_, "value"); !s.ok()) return s;
  return true;
}

absl::StatusOr<bool> Cursor::Seek(std::string_view key) {
  if (key.empty()) return First();  // LMDB rejects empty keys
  if (key.size() > kMaxKeyBytes) {
    // Longer than any stored key: the first entry after it is the first greater than its
    // first kMaxKeyBytes bytes (which cannot itself be an entry equal to the whole key).
    k_ = KeyVal(key.substr(0, kMaxKeyBytes));
    auto at = Move(MDB_SET_RANGE);
    if (!at.ok() || !*at) return at;
    if (this->key() == key.substr(0, kMaxKeyBytes)) return Next();
    return true;
  }
  k_ = KeyVal(key);
  auto at = Move(MDB_SET_RANGE);
  if (!at.ok()) return at;
  return Confirmed(key, *at);
}

// LMDB finds a key by binary search within each page, where a scan reads the entries one after
// the other: a damaged page can send a search past entries it holds, and a scan from there would
// skip them without a word. So the entry before the one found must sort before the target (and,
// with none found, the last one).
absl::StatusOr<bool> Cursor::Confirmed(std::string_view target, bool found) {
  const auto damaged = [] {
    return absl::DataLossError(
        "database is damaged: a page's search and its order disagree (a lookup passed over entries; verify the "
        "database, and restore it from a backup)");
  };
  if (!found) {
    auto last = Move(MDB_LAST);
    if (!last.ok()) return last.status();
    if (*last && CompareKeys(key(), target) >= 0) return damaged();
    return false;
  }
  if (CompareKeys(key(), target) < 0) return damaged();
  const std::string_view landed = key();  // stays readable: nothing is written meanwhile
  auto before = Move(MDB_PREV);
  if (!before.ok()) return before.status();
  if (!*before) {  // the first entry: search again to stand on it
    k_ = KeyVal(target);
    return Move(MDB_SET_RANGE);
  }
  if (CompareKeys(key(), target) >= 0) return damaged();
  // One step forward is back where the search landed, in a sound tree.
  auto back = Move(MDB_NEXT);
  if (!back.ok()) return back.status();
  if (!*back || CompareKeys(key(), landed) != 0) return damaged();
  return true;
}
absl::StatusOr<bool> Cursor::First() { return Move(MDB_FIRST); }
absl::StatusOr<bool> Cursor::Last() { return Move(MDB_LAST); }
absl::StatusOr<bool> Cursor::Next() { return Move(MDB_NEXT); }
absl::StatusOr<bool> Cursor::Prev() { return Move(MDB_PREV); }


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

absl::StatusOr<bool> Cursor::CollectIds(std::string_view prefix, char skip_flags, std::size_t cap,
                                        std::vector<std::uint64_t>* ids) {
  return CollectIds(IdScan{prefix, prefix, {}, skip_flags, cap, nullptr}, ids);
}

absl::StatusOr<bool> Cursor::CollectIds(const IdScan& scan, std::vector<std::uint64_t>* ids) {
  constexpr int kChunk = 4096;  // entries per guarded call: far below the watchdog's limit
  enum class Stop { kNo, kEnd, kCap, kOrder, kShort, kOutside, kUnsound };
  Stop stop = Stop::kNo;
  const std::string_view prefix = scan.prefix, hi = scan.hi;
  const char skip_flags = scan.skip_flags;
  const std::size_t cap = scan.cap;
  MDB_val k{scan.from.size(), const_cast<char*>(scan.from.data())};
  MDB_val v{0, nullptr};
  MDB_val previous{0, nullptr};  // stays valid: nothing is written during the scan
  MDB_cursor_op op = MDB_FIRST;
  if (!scan.from.empty()) {
    // The search, confirmed (Seek): the scan goes on from where it landed.
    auto at = Seek(scan.from);
    if (!at.ok()) return at.status();
    if (!*at) return true;
    op = MDB_GET_CURRENT;
  }
  while (stop == Stop::kNo) {
    const int rc = Guarded(
        [&] {
          for (int n = 0; n < kChunk; ++n) {
            const int r = mdb_cursor_get(cursor_, &k, &v, op);
            op = MDB_NEXT;
            if (r == MDB_NOTFOUND) {
              stop = Stop::kEnd;
              return 0;
            }
            if (r != 0) return r;
            if ((!PlainlyInMap(bounds_, k) && !CheckInMap(bounds_, writable_, k, "key").ok()) ||
                (!PlainlyInMap(bounds_, v) && !CheckInMap(bounds_, writable_, v, "value").ok())) {
              stop = Stop::kOutside;
              return 0;
            }
            const std::string_view key(static_cast<const char*>(k.mv_data), k.mv_size);
            if (!HasPrefix(key, prefix) || (!hi.empty() && CompareKeys(key, hi) >= 0)) {
              stop = Stop::kEnd;
              return 0;
            }
            if (previous.mv_data != nullptr &&
                CompareKeys(key, std::string_view(static_cast<const char*>(previous.mv_data), previous.mv_size)) <= 0) {
              stop = Stop::kOrder;
              return 0;
            }
            previous = k;
            if (key.size() < prefix.size() + 8 || key.size() > kMaxKeyBytes) {
              stop = Stop::kShort;
              return 0;
            }
            if (scan.sound != nullptr && !scan.sound(key, std::string_view(static_cast<const char*>(v.mv_data), v.mv_size))) {
              stop = Stop::kUnsound;
              return 0;
            }
            if (skip_flags != 0 && v.mv_size > 0 && (static_cast<const char*>(v.mv_data)[0] & skip_flags) != 0)
              continue;
            if (scan.keep != nullptr && !(*scan.keep)(key)) continue;
            if (ids->size() >= cap) {
              stop = Stop::kCap;
              return 0;
            }
            std::uint64_t id = 0;
            for (int b = 0; b < 8; ++b) id = id << 8 | static_cast<unsigned char>(key[key.size() - 8 + b]);
            ids->push_back(id);
          }
          return 0;
        },
        Watched(bounds_));
    if (rc == kPageLoop) Looped(bounds_);
    if (rc != 0) return MdbError(rc, "cursor");
  }
  switch (stop) {
    case Stop::kOrder:
      return absl::DataLossError("database is damaged: a table's keys are out of order (its tree links pages wrongly)");
    case Stop::kShort:
      return absl::DataLossError(
          "database is damaged: an index entry's key is shorter than a record id or longer than LMDB stores");
    case Stop::kOutside: return absl::DataLossError("database is damaged: a stored key or value lies outside the database file");
    case Stop::kUnsound:
      return absl::DataLossError("database is damaged: an index entry fails its checksum (verify the database, and "
                                 "restore it from a backup)");
    case Stop::kCap: return false;
    default: return true;
  }
}

absl::StatusOr<bool> Cursor::CopyRun(std::string_view hi, std::string* buffer, std::size_t* used) {
  constexpr int kChunk = 4096;  // entries per guarded call: far below the watchdog's limit
  // kRoom: the cursor is on the first entry not copied; kCount: on the last one copied.
  enum class Stop { kNo, kEnd, kRoom, kCount, kTooBig, kOrder, kOutside, kKey };
  Stop stop = Stop::kNo;
  MDB_val k{0, nullptr}, v{0, nullptr};
  std::size_t at = 0, need = 0;
  char* out = buffer->data();
  const std::size_t room = buffer->size();
  MDB_cursor_op op = MDB_GET_CURRENT;
  MDB_val last{0, nullptr};  // the entry copied last
  const int rc = Guarded(
      [&] {
        for (int n = 0; n < kChunk; ++n) {
          const int r = mdb_cursor_get(cursor_, &k, &v, op);
          op = MDB_NEXT;
          if (r == MDB_NOTFOUND) {
            stop = Stop::kEnd;
            return 0;
          }
          if (r != 0) return r;
          if ((!PlainlyInMap(bounds_, k) && !CheckInMap(bounds_, writable_, k, "key").ok()) ||
              (!PlainlyInMap(bounds_, v) && !CheckInMap(bounds_, writable_, v, "value").ok())) {
            stop = Stop::kOutside;
            return 0;
          }
          if (k.mv_size == 0 || k.mv_size > kMaxKeyBytes) {
            stop = Stop::kKey;
            return 0;
          }
          const std::string_view key(static_cast<const char*>(k.mv_data), k.mv_size);
          if (last.mv_data != nullptr &&
              CompareKeys(key, std::string_view(static_cast<const char*>(last.mv_data), last.mv_size)) <= 0) {
            stop = Stop::kOrder;
            return 0;
          }
          if (!hi.empty() && CompareKeys(key, hi) >= 0) {
            stop = Stop::kEnd;
            return 0;
          }
          const std::size_t bytes = 8 + k.mv_size + v.mv_size;
          if (at + bytes > room) {
            stop = at == 0 ? Stop::kTooBig : Stop::kRoom;
            need = bytes;
            return 0;
          }
          const auto k32 = static_cast<std::uint32_t>(k.mv_size), v32 = static_cast<std::uint32_t>(v.mv_size);
          std::memcpy(out + at, &k32, 4);
          std::memcpy(out + at + 4, &v32, 4);
          std::memcpy(out + at + 8, k.mv_data, k.mv_size);
          std::memcpy(out + at + 8 + k.mv_size, v.mv_data, v.mv_size);
          at += bytes;
          last = k;
        }
        stop = Stop::kCount;
        return 0;
      },
      Watched(bounds_));
  if (rc == kPageLoop) Looped(bounds_);
  if (rc != 0) return MdbError(rc, "cursor");
  *used = at;
  switch (stop) {
    case Stop::kOrder:
      return absl::DataLossError("database is damaged: a table's keys are out of order (its tree links pages wrongly)");
    case Stop::kOutside: return absl::DataLossError("database is damaged: a stored key or value lies outside the database file");
    case Stop::kKey: return absl::DataLossError("database is damaged: a key longer than LMDB stores");
    case Stop::kEnd: return false;
    case Stop::kTooBig:
      buffer->resize(need);
      return true;
    case Stop::kRoom: return true;
    default: {
      // The cursor is on the last entry copied: the next run starts after it.
      auto next = Next();
      if (!next.ok() || !*next) return next;
      if (CompareKeys(key(), std::string_view(static_cast<const char*>(last.mv_data), last.mv_size)) <= 0)
        return absl::DataLossError("database is damaged: a table's keys are out of order (its tree links pages wrongly)");
      return true;
    }
  }
}

absl::Status ScanRangeCopied(const Txn& txn, Table table, std::string_view lo, std::string_view hi,
                             absl::FunctionRef<absl::StatusOr<bool>(std::string_view key, std::string_view value)> fn) {
  auto cursor = Cursor::Open(txn, table);
  if (!cursor.ok()) return cursor.status();
  auto at = cursor->Seek(lo);
  if (!at.ok()) return at.status();
  if (!*at) return absl::OkStatus();
  std::string buffer(64 << 10, '\0');
  while (true) {
    std::size_t used = 0;
    auto more = cursor->CopyRun(hi, &buffer, &used);
    if (!more.ok()) return more.status();
    for (std::size_t i = 0; i < used;) {
      std::uint32_t k = 0, v = 0;
      std::memcpy(&k, buffer.data() + i, 4);
      std::memcpy(&v, buffer.data() + i + 4, 4);
      auto go_on = fn(std::string_view(buffer.data() + i + 8, k), std::string_view(buffer.data() + i + 8 + k, v));
      if (!go_on.ok()) return go_on.status();
      if (!*go_on) return absl::OkStatus();
      i += 8 + k + v;
    }
    if (!*more) return absl::OkStatus();
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
