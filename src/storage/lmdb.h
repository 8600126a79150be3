// A thin RAII layer over LMDB: environment, transactions, named tables and cursors.
//
// It knows nothing of CRM records: keys and values are bytes. LMDB return codes are turned into
// absl::Status here and nowhere else. Transactions abort in their destructor unless committed.
//
// One environment per file per process: LMDB must never open one file twice in a process (closing
// the second handle would drop the process's locks, and another process's writer would then not
// wait). Env::Open hands out the environment this process already has open on that file (found
// by device and inode); the last holder's release closes it.
//
// Map growth: LMDB can only resize its memory map while no transaction of this process is
// open, so every transaction holds a shared lock on the environment for its lifetime, and
// Grow() takes it exclusively (new transactions wait at a gate while a resize is pending). The
// map is address space, not disk, so it is reserved large from the start (kDefaultMapReserve)
// and growth is rare.
//
// Damaged files: open checks the file against what its meta pages claim (magic, page size, last
// page, table roots) before anything reads the map, so a truncated file is reported, not mapped
// and touched past its end. Every key and value LMDB hands back is checked to lie within the
// part of the map the file backs before anyone reads it.
#pragma once

#include <lmdb.h>

#include <sys/types.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>
#include <thread>

#include "absl/status/status.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "storage/fault_guard.h"

namespace crm::storage {

using Table = MDB_dbi;

// The longest key LMDB stores (its default build). No key outside 1..kMaxKeyBytes can be in a
// table: looking one up finds nothing, and writing one is refused.
inline constexpr std::size_t kMaxKeyBytes = 511;

// Txn::Put flag: the key is greater than every key in the table (fills pages, no split).
inline constexpr unsigned kAppend = MDB_APPEND;

// Maps an LMDB (or errno) return code to a status naming `what` failed.
absl::Status MdbError(int rc, std::string_view what);
// Whether `status` came from a write that ran out of map space (the write may be retried after
// Env::Grow()).
bool IsMapFull(const absl::Status& status);

// The address space reserved for a database's map unless a smaller size limit is set.
inline constexpr std::size_t kDefaultMapReserve = std::size_t{64} << 30;

// What a commit waits for: both of LMDB's syncs (the pages written, then the meta page that makes
// them current), the first only (MDB_NOMETASYNC: the meta page reaches the disk with the next
// commit's sync), or neither (MDB_NOSYNC).
enum class Sync : std::uint8_t { kFull, kData, kNone };

struct EnvOptions {
  bool create_if_missing = true;
  bool read_only = false;
  Sync sync = Sync::kFull;
  // Clamped to max_map_size.
  std::size_t initial_map_size = kDefaultMapReserve;
  std::size_t max_map_size = std::size_t{1} << 40;
  unsigned max_tables = 128;
  // How long Grow() waits for open transactions of this process to end.
  std::chrono::milliseconds grow_wait{10000};
};

// Where a transaction may find keys and values in the map: [lo, hi) is the part of the file its
// snapshot covers; [lo, end) the whole mapping. lo is null when the mapping could not be found
// (then nothing is checked).
struct MapBounds {
  const char* lo = nullptr;
  const char* hi = nullptr;
  const char* end = nullptr;
  // Write transactions: the file, whose size is asked when a value lies past `hi` (a page the
  // transaction spilled to the file).
  int fd = -1;
  // The environment's limit for a lookup that does not return (see fault_guard.h), shortened
  // once one went round in a damaged page.
  std::atomic<int>* hang_limit_ms = nullptr;
};

// What Env::Statistics reports of the file as a whole.
struct EnvStatistics {
  std::uint64_t file_bytes = 0;
  std::uint64_t map_bytes = 0;
  std::uint64_t page_bytes = 0;
  std::uint64_t pages_used = 0;   // in use by the newest snapshot
  std::uint64_t pages_free = 0;   // in the file, free for reuse
  std::uint64_t pages_limit = 0;  // the size limit, in pages
  std::uint64_t readers = 0;      // reader slots in use, the caller's own included
  std::uint64_t stale_readers = 0;  // of those: held by processes that no longer exist
  std::uint64_t last_txn = 0;
  std::uint64_t oldest_reader_txn = 0;  // 0: no reader
};

class Env;
class WriteGroup;

class Txn {
 public:
  Txn() = default;
  Txn(Txn&& other) noexcept;
  Txn& operator=(Txn&& other) noexcept;
  ~Txn();

  bool active() const { return txn_ != nullptr; }
  bool writable() const { return writable_; }
  // How many writes (puts and deletes) this transaction was asked to make, failed ones included.
  // A caller compares it before and after an operation: one that failed after writing anything
  // must not be committed.
  std::uint64_t writes() const { return writes_; }
  MDB_txn* raw() const { return txn_; }
  const MapBounds& bounds() const { return bounds_; }

  // Looks `key` up; false when absent. `value` borrows from the map until the transaction ends
  // or (in a write transaction) the next write.
  absl::StatusOr<bool> Get(Table table, std::string_view key, std::string_view* value) const;
  absl::Status Put(Table table, std::string_view key, std::string_view value,
                   unsigned flags = 0);
  // False when the key was absent.
  absl::StatusOr<bool> Del(Table table, std::string_view key);
  // Number of entries in `table`.
  absl::StatusOr<std::size_t> Count(Table table) const;

  // At Sync::kFull a write transaction's commit returns once on disk; with `sync_later` the
  // caller makes it so (Env::SyncCommitted) before it reports the commit durable.
  absl::Status Commit(bool sync_later = false);
  void Abort();

  // A transaction nested in this write transaction (LMDB's nested transactions): its writes
  // become part of this one when it commits and vanish when it aborts. It may be used on
  // another thread than this one's, handed over with a lock; this one must not be used until it
  // ends. The calling thread counts as writing on the environment meanwhile (Env::WritingHere).
  absl::StatusOr<Txn> BeginChild() const;

 private:
  friend class Env;
  Txn(MDB_txn* txn, Env* writer_of, std::shared_lock<std::shared_timed_mutex> lock)
      : txn_(txn), writable_(writer_of != nullptr), env_(writer_of), lock_(std::move(lock)) {}
  // A write transaction ended: its environment's writer slot is free again.
  void Ended();
  // A nested one ended: its thread no longer writes (group.cc).
  static void ChildEnded(const Env* env);

  // The cursor a write transaction puts and deletes with, per table, opened at its second
  // write there (a transaction writing a table once gains nothing from one) and closed by LMDB
  // when the transaction ends: a put next to the last one on the same table (ids and sequences
  // that grow, a group of equal index values) finds its page without searching from the root
  // (LMDB's cursor starts from the page it is on). Null: write without one.
  MDB_cursor* WriteCursor(Table table);
  void ForgetCursors() { cursors_.clear(); }

  struct TableCursor {
    MDB_cursor* cursor = nullptr;
    bool written = false;  // the table was written in this transaction
  };

  MDB_txn* txn_ = nullptr;
  std::vector<TableCursor> cursors_;
  bool writable_ = false;
  Env* env_ = nullptr;  // write transactions: the environment whose writer this is
  bool child_ = false;  // nested in another write transaction (BeginChild)
  std::uint64_t writes_ = 0;
  // Write transactions: the keys Get last found absent, each with the writes made and nested
  // transactions begun until then. While neither count has moved, the key is still absent
  // (only a put adds a key), so asking again costs no search: an upsert's lookup followed by
  // the uniqueness check of the record it then creates asks twice.
  struct Miss {
    Table table = 0;
    std::uint64_t at = 0;
    std::string key;  // empty: no miss kept (an empty key is never looked up)
  };
  mutable std::uint64_t children_ = 0;
  mutable std::array<Miss, 4> misses_;
  mutable unsigned next_miss_ = 0;
  MapBounds bounds_;
  std::shared_lock<std::shared_timed_mutex> lock_;
};

// DataLoss unless `v`, handed back by LMDB in a transaction with these bounds, lies where it
// may: inside the part of the map the file backs or, in a write transaction, outside the map
// (a page this transaction changed).
absl::Status CheckInMap(const MapBounds& bounds, bool writable, const MDB_val& v, std::string_view what);
// CheckInMap's common case, inline: the value lies within the mapped file as last seen (false:
// ask CheckInMap).
inline bool PlainlyInMap(const MapBounds& b, const MDB_val& v) {
  const char* p = static_cast<const char*>(v.mv_data);
  return b.lo == nullptr || v.mv_size == 0 ||
         (p >= b.lo && p < b.hi && v.mv_size <= static_cast<std::size_t>(b.hi - p));
}

// Lookups and cursor steps are watched for loops with their environment's limit (fault_guard.h);
// once one looped, the environment's limit drops to a quarter second.
Watch Watched(const MapBounds& b);
void Looped(const MapBounds& b);

class Cursor {
 public:
  static absl::StatusOr<Cursor> Open(const Txn& txn, Table table);
  Cursor(Cursor&& other) noexcept;
  Cursor& operator=(Cursor&& other) noexcept;
  ~Cursor();

  // Each positioning call returns false when there is no such entry (end of table).
  absl::StatusOr<bool> Seek(std::string_view key);  // first entry >= key
  absl::StatusOr<bool> First();
  absl::StatusOr<bool> Last();
  absl::StatusOr<bool> Next();
  absl::StatusOr<bool> Prev();

  // Appends to `ids` the record ids (the last 8 bytes of each key, big-endian) of the entries
  // whose key starts with `prefix` and whose value's first byte has none of `skip_flags`, in
  // key order, until `cap` ids were appended. Returns whether every entry was seen. One guarded
  // LMDB call per few thousand entries: the fast path of index lookups.
  absl::StatusOr<bool> CollectIds(std::string_view prefix, char skip_flags, std::size_t cap,
                                  std::vector<std::uint64_t>* ids);
  // The same over the keys from `from` that start with `prefix` and are below `hi` (empty: no
  // bound), each entry first passing `sound` when given (DataLoss when one does not), and
  // collected only when `keep`, when given, keeps it.
  struct IdScan {
    std::string_view from, prefix, hi;
    char skip_flags = 0;
    std::size_t cap = SIZE_MAX;
    bool (*sound)(std::string_view key, std::string_view value) = nullptr;
    const absl::FunctionRef<bool(std::string_view key)>* keep = nullptr;
  };
  absl::StatusOr<bool> CollectIds(const IdScan& scan, std::vector<std::uint64_t>* ids);

  // Copies entries from the current one on, while their key is below `hi` (empty: no bound), into
  // `buffer` (each as U32 key bytes, U32 value bytes, the key, the value), filling at most its
  // size, in one guarded LMDB call; `*used` receives the bytes written. The cursor is left on the
  // first entry not copied. Returns false once the range is done. When the first entry does not
  // fit, nothing is copied and `*used` is 0 with `buffer` grown to hold it: call again.
  absl::StatusOr<bool> CopyRun(std::string_view hi, std::string* buffer, std::size_t* used);

  // The current entry; borrowed like Txn::Get values.
  std::string_view key() const { return {static_cast<const char*>(k_.mv_data), k_.mv_size}; }
  std::string_view value() const { return {static_cast<const char*>(v_.mv_data), v_.mv_size}; }

 private:
  Cursor(MDB_cursor* c, const Txn& txn) : cursor_(c), bounds_(txn.bounds()), writable_(txn.writable()) {}
  absl::StatusOr<bool> Move(MDB_cursor_op op);
  // After a search for `target` that landed on an entry (`found`) or on none: checks that no entry
  // the search passed over sorts after the target; DataLoss otherwise.
  absl::StatusOr<bool> Confirmed(std::string_view target, bool found);

  MDB_cursor* cursor_ = nullptr;
  MapBounds bounds_;
  bool writable_ = false;
  MDB_val k_{0, nullptr};
  MDB_val v_{0, nullptr};
};

// Visits, in key order, the entries of `table` whose key starts with `prefix`; when `after` is
// not empty, only those with a key greater than `after`. `fn` returns false to stop early.
absl::Status ScanPrefix(
    const Txn& txn, Table table, std::string_view prefix, std::string_view after,
    absl::FunctionRef<absl::StatusOr<bool>(std::string_view key, std::string_view value)> fn);
// The same with a cursor the caller already holds (several scans of one table share it).
absl::Status ScanPrefix(
    Cursor& cursor, std::string_view prefix, std::string_view after,
    absl::FunctionRef<absl::StatusOr<bool>(std::string_view key, std::string_view value)> fn);

// Visits the entries with lo <= key < hi (hi empty: no upper bound), in key order, each copied
// out of the map first, a few thousand at a time in one guarded LMDB call: the fast path of
// long forward scans. `fn` returns false to stop early.
absl::Status ScanRangeCopied(const Txn& txn, Table table, std::string_view lo, std::string_view hi,
                             absl::FunctionRef<absl::StatusOr<bool>(std::string_view key, std::string_view value)> fn);

// Visits the entries with lo <= key < hi (hi empty: no upper bound), in key order or, with
// `reverse`, from the greatest down. `resume` (when not empty) continues a scan after that key
// (below it, in reverse). `fn` returns false to stop early.
absl::Status ScanRange(
    const Txn& txn, Table table, std::string_view lo, std::string_view hi, std::string_view resume,
    bool reverse,
    absl::FunctionRef<absl::StatusOr<bool>(std::string_view key, std::string_view value)> fn);

class Env {
 public:
  // Opens the database file at `path` (a single file plus `path-lock`), created 0600, or shares
  // the environment this process already has open on that file. A shared environment keeps the
  // options it was opened with: asking for writes on one opened read-only, or for another sync
  // setting, is refused (FailedPrecondition).
  static absl::StatusOr<std::shared_ptr<Env>> Open(const std::string& path,
                                                   const EnvOptions& options);
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  absl::StatusOr<Txn> BeginRead();
  // Grows the map first when it is nearly full, so that most writes never see MAP_FULL.
  // Unavailable when the calling thread already holds this environment's write transaction
  // (LMDB would wait for it forever).
  absl::StatusOr<Txn> BeginWrite();
  // DataLoss when table `name`'s descriptor names a root page outside the file.
  absl::Status CheckTableRoot(Txn& txn, const char* name);
  // DataLoss unless every page of every tree of the file's current snapshot (the free list, the
  // main table and each named table) is sound as LMDB lays it out: page numbers within the file,
  // headers and node offsets within their page, overflow runs within the file, no page in two
  // places, and free-list entries well formed. LMDB trusts its pages when it writes: a damaged
  // one can make it write outside a page in memory. Reads the whole file (structure.cc).
  absl::Status CheckStructure(const Txn& txn);
  absl::StatusOr<Table> OpenTable(Txn& txn, const char* name, bool create);
  // How many named tables (and other keys) the file's main table holds: 0 for a new file.
  absl::StatusOr<std::size_t> MainEntries(Txn& txn);

  // Writes every commit made so far to disk (both syncs), whatever the Sync setting.
  absl::Status Flush() const;
  // At Sync::kFull, Flush: the last step of a commit there. LMDB's commit writes the
  // transaction's pages, syncs them, then writes the meta page that makes them current (the
  // environment is opened with MDB_NOMETASYNC at both kFull and kData); this syncs that meta
  // page after LMDB released its writer lock, so the next writer begins meanwhile. OK otherwise.
  absl::Status SyncCommitted() const;

  // Whether the calling thread holds this environment's write transaction, or a transaction
  // nested in it: a new write (or a copy) would then wait for itself.
  bool WritingHere() const;
  // The group commit of this environment's writers (group.h).
  WriteGroup& group();

  // Doubles the map (up to max_map_size). The caller must hold no transaction of this Env.
  // Waits up to `wait` for other transactions of this process to end (default: grow_wait).
  absl::Status Grow();
  absl::Status Grow(std::chrono::milliseconds wait);

  // Frees the reader slots of processes that died inside a read transaction; returns how many.
  int ClearStaleReaders();

  // ResourceExhausted when a write that adds data must not start: the pages in use (the file's
  // high-water mark less its free pages) exceed the size limit less the reserve kept for
  // deletes. `txn` is the write transaction asking.
  absl::Status CheckRoom(const Txn& txn);
  // The bytes kept free under the size limit for writes that remove data.
  std::size_t reserve_bytes() const;

  absl::StatusOr<EnvStatistics> Statistics(const Txn& txn);
  // Copies the database, as of one snapshot, to a new file at `dest` (refused if it exists);
  // `compact` leaves out free pages and renumbers the rest. Writers go on meanwhile.
  absl::Status CopyTo(const std::string& dest, bool compact);

  std::size_t map_size() const;
  // LMDB's flags of the environment (MDB_NOMETASYNC, MDB_NOSYNC, MDB_RDONLY ...).
  unsigned flags() const;
  bool read_only() const { return options_.read_only; }
  const std::string& path() const { return path_; }

  // State a higher layer keeps once per environment (the schema's table handles): made by
  // `make` on first use, under a lock, and shared by every holder of the environment after.
  template <class T, class Make>
  absl::StatusOr<std::shared_ptr<const T>> Attached(Make make) {
    std::lock_guard<std::mutex> lock(attach_mu_);
    if (attachment_ != nullptr) return std::static_pointer_cast<const T>(attachment_);
    absl::StatusOr<T> made = make();
    if (!made.ok()) return made.status();
    auto shared = std::make_shared<const T>(*std::move(made));
    attachment_ = shared;
    return shared;
  }

 private:
  Env(MDB_env* env, std::string path, EnvOptions options, dev_t dev, ino_t ino)
      : env_(env), path_(std::move(path)), options_(options), dev_(dev), ino_(ino) {}
  std::shared_lock<std::shared_timed_mutex> EnterTxn();
  absl::Status Resize(std::size_t new_size);
  absl::Status SetMapSize(std::size_t new_size);
  absl::StatusOr<Txn> Begin(unsigned flags);
  MapBounds Bounds() const;
  // Finds where the map lies (after open and after every resize).
  void FindMap();
  // Free pages recorded in the file's free list, as `txn` sees it.
  absl::StatusOr<std::uint64_t> FreePages(const Txn& txn) const;
  MDB_env* env_;
  std::string path_;
  EnvOptions options_;
  std::mutex gate_;                // held while a resize waits, so new transactions queue
  std::shared_timed_mutex remap_;  // shared: an open transaction; exclusive: a resize
  friend class Txn;
  std::atomic<std::thread::id> writer_{};  // the thread holding the write transaction, if any
  dev_t dev_;                      // the file's identity in the registry of open environments
  ino_t ino_;
  std::mutex attach_mu_;
  std::shared_ptr<const void> attachment_;
  std::shared_ptr<WriteGroup> group_;  // made with the environment
  // The mapping's start and length, found after every (re)map while no transaction is open.
  std::atomic<const char*> map_base_{nullptr};
  std::atomic<std::size_t> map_length_{0};
  std::size_t page_size_ = 4096;
  std::string real_path_;
  std::atomic<int> hang_limit_ms_{0};  // 0: the process's limit
};

}  // namespace crm::storage
