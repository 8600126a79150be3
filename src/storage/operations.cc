// The environment's maintenance operations: the size limit and its reserve, statistics of the
// file and its readers, syncs, and copies (backups) made while writers go on.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "storage/fault_guard.h"
#include "storage/lmdb.h"

namespace crm::storage {

std::size_t Env::reserve_bytes() const {
  return std::clamp(options_.max_map_size / 16, std::size_t{1} << 20, std::size_t{64} << 20);
}

absl::StatusOr<std::uint64_t> Env::FreePages(const Txn& txn) const {
  // The free list is LMDB's table 0: each value is a list of page numbers, its first word the
  // count. LMDB lets only read transactions read it: a write transaction asks through a read
  // transaction of its own, which sees the last commit (no resize can come meanwhile: the
  // write transaction holds off resizes).
  const Txn* reading = &txn;
  Txn own;
  if (txn.writable()) {
    MDB_txn* raw = nullptr;
    if (int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &raw); rc != 0) return MdbError(rc, "begin transaction");
    own = Txn(raw, nullptr, {});
    own.bounds_ = Bounds();
    reading = &own;
  }
  auto cursor = Cursor::Open(*reading, 0);
  if (!cursor.ok()) return cursor.status();
  std::uint64_t free = 0;
  for (auto at = cursor->First();; at = cursor->Next()) {
    if (!at.ok()) return at.status();
    if (!*at) break;
    const std::string_view v = cursor->value();
    std::uint64_t n = 0;
    if (v.size() >= sizeof n) std::memcpy(&n, v.data(), sizeof n);
    if (v.size() < sizeof n || n > v.size() / sizeof n - 1)
      return absl::DataLossError("database is damaged: its free page list has a damaged entry");
    free += n;
  }
  return free;
}

absl::Status Env::CheckRoom(const Txn& txn) {
  MDB_envinfo info;
  if (int rc = mdb_env_info(env_, &info); rc != 0) return MdbError(rc, "environment info");
  const std::size_t limit = options_.max_map_size;
  const std::size_t ceiling = limit > reserve_bytes() ? limit - reserve_bytes() : 0;
  const std::uint64_t high_water = (info.me_last_pgno + 1) * page_size_;
  if (high_water <= ceiling) return absl::OkStatus();
  auto free = FreePages(txn);
  if (!free.ok()) return free.status();
  const std::uint64_t used = high_water - std::min<std::uint64_t>(high_water, *free * page_size_);
  if (used <= ceiling) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat(
      "database ", path_, " is at its size limit of ", limit, " bytes (", used, " in use; the last ",
      reserve_bytes(), " are kept for deletes): delete records, or open it with a larger max_map_size"));
}

absl::StatusOr<EnvStatistics> Env::Statistics(const Txn& txn) {
  EnvStatistics out;
  MDB_envinfo info;
  if (int rc = mdb_env_info(env_, &info); rc != 0) return MdbError(rc, "environment info");
  mdb_filehandle_t fd;
  struct stat st;
  if (mdb_env_get_fd(env_, &fd) == 0 && ::fstat(fd, &st) == 0) out.file_bytes = static_cast<std::uint64_t>(st.st_size);
  out.map_bytes = info.me_mapsize;
  out.page_bytes = page_size_;
  auto free = FreePages(txn);
  if (!free.ok()) return free.status();
  out.pages_free = *free;
  out.pages_used = info.me_last_pgno + 1 - std::min<std::uint64_t>(info.me_last_pgno + 1, *free);
  out.pages_limit = options_.max_map_size / page_size_;
  out.last_txn = info.me_last_txnid;
  // LMDB lists its reader table as text: a header, then "pid thread txnid" per slot in use
  // ("-" for a slot with no transaction open).
  struct Readers {
    EnvStatistics* out;
  } readers{&out};
  mdb_reader_list(
      env_,
      [](const char* msg, void* ctx) -> int {
        auto* r = static_cast<Readers*>(ctx);
        // "pid thread txnid": the header line and idle slots ("-") are skipped.
        long pid = 0;
        char thread[64];
        char txn_field[32];
        if (std::sscanf(msg, "%ld %63s %31s", &pid, thread, txn_field) != 3 || pid <= 0) return 0;
        if (std::strcmp(txn_field, "-") == 0) return 0;
        char* end = nullptr;
        const std::uint64_t txn = std::strtoull(txn_field, &end, 10);
        if (end == txn_field) return 0;
        ++r->out->readers;
        if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) ++r->out->stale_readers;
        if (r->out->oldest_reader_txn == 0 || txn < r->out->oldest_reader_txn) r->out->oldest_reader_txn = txn;
        return 0;
      },
      &readers);
  return out;
}

namespace {

// Writes every table of `src` into the new, empty file `dest` entry by entry, in key order: the
// copy's pages are built afresh, so it holds no byte of a deleted entry (LMDB's own compacting
// copy keeps pages as they are, and a branch page may keep a deleted key as a separator).
int RewriteInto(MDB_env* src, const std::string& dest) {
  MDB_envinfo info;
  if (int rc = mdb_env_info(src, &info); rc != 0) return rc;
  unsigned int max_tables = 0;
  MDB_env* out = nullptr;
  if (int rc = mdb_env_create(&out); rc != 0) return rc;
  int rc = mdb_env_set_mapsize(out, info.me_mapsize);
  MDB_txn* read = nullptr;
  MDB_txn* write = nullptr;
  MDB_cursor* names = nullptr;
  if (rc == 0) rc = mdb_txn_begin(src, nullptr, MDB_RDONLY, &read);
  // The named tables are the keys of the main table.
  std::vector<std::string> tables;
  MDB_dbi main = 0;
  if (rc == 0) rc = mdb_dbi_open(read, nullptr, 0, &main);
  if (rc == 0) rc = mdb_cursor_open(read, main, &names);
  if (rc == 0) {
    MDB_val k, v;
    for (int r = mdb_cursor_get(names, &k, &v, MDB_FIRST); r == 0; r = mdb_cursor_get(names, &k, &v, MDB_NEXT))
      tables.emplace_back(static_cast<const char*>(k.mv_data), k.mv_size);
    mdb_cursor_close(names);
    max_tables = static_cast<unsigned int>(tables.size()) + 1;
  }
  if (rc == 0) rc = mdb_env_set_maxdbs(out, max_tables);
  if (rc == 0) rc = mdb_env_open(out, dest.c_str(), MDB_NOSUBDIR | MDB_NOLOCK | MDB_NOSYNC, 0600);
  constexpr std::size_t kPerCommit = 65536;  // entries per write transaction of the copy
  for (const std::string& name : tables) {
    if (rc != 0) break;
    MDB_dbi from = 0, to = 0;
    unsigned int flags = 0;
    if ((rc = mdb_dbi_open(read, name.c_str(), 0, &from)) != 0) break;
    if ((rc = mdb_dbi_flags(read, from, &flags)) != 0) break;
    if ((rc = mdb_txn_begin(out, nullptr, 0, &write)) != 0) break;
    if ((rc = mdb_dbi_open(write, name.c_str(), MDB_CREATE | (flags & (MDB_DUPSORT | MDB_INTEGERKEY | MDB_REVERSEKEY)), &to)) != 0) break;
    MDB_cursor* cursor = nullptr;
    if ((rc = mdb_cursor_open(read, from, &cursor)) != 0) break;
    MDB_val k, v;
    std::size_t written = 0;
    int r = mdb_cursor_get(cursor, &k, &v, MDB_FIRST);
    for (; r == 0; r = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
      if ((rc = mdb_put(write, to, &k, &v, (flags & MDB_DUPSORT) ? MDB_APPENDDUP : MDB_APPEND)) != 0) break;
      if (++written % kPerCommit == 0) {
        rc = mdb_txn_commit(write);  // frees the transaction, committed or not
        write = nullptr;
        if (rc != 0) break;
        if ((rc = mdb_txn_begin(out, nullptr, 0, &write)) != 0) break;
      }
    }
    mdb_cursor_close(cursor);
    if (rc == 0 && r != MDB_NOTFOUND) rc = r;
    if (write != nullptr) rc == 0 ? (rc = mdb_txn_commit(write)) : (mdb_txn_abort(write), 0);
    write = nullptr;
  }
  if (write != nullptr) mdb_txn_abort(write);
  if (read != nullptr) mdb_txn_abort(read);
  if (rc == 0) rc = mdb_env_sync(out, 1);
  mdb_env_close(out);
  return rc;
}

}  // namespace

absl::Status Env::CopyTo(const std::string& dest, bool compact) {
  if (dest.empty()) return absl::InvalidArgumentError("path: must not be empty");
  if (WritingHere())
    return absl::UnavailableError(absl::StrCat(
        "this thread has a write transaction open on ", path_, ": a copy waits for writers to pause, so "
        "commit or abort it first"));
  // Owner-only, never over an existing file or through a link.
  const int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return absl::AlreadyExistsError(absl::StrCat("path: ", dest, " already exists"));
    return MdbError(errno, absl::StrCat("create ", dest));
  }
  int rc;
  {
    auto lock = EnterTxn();  // the copy reads through the map: no resize meanwhile
    rc = compact ? Guarded([&] { return RewriteInto(env_, dest); })
                 : Guarded([&] { return mdb_env_copyfd2(env_, fd, 0); });
  }
  if (rc == 0 && ::fsync(fd) != 0) rc = errno;
  ::close(fd);
  if (rc != 0) {
    ::unlink(dest.c_str());
    return MdbError(rc, absl::StrCat("copy to ", dest));
  }
  return absl::OkStatus();
}

// A table's descriptor in the main table (LMDB 0.9, 64-bit: 48 bytes, its root page last) must
// name a root LMDB can search: page 0 and 1 are the meta pages (LMDB asserts, aborting the
// process), and a page past the file's last one lies outside the map.
absl::Status Env::CheckTableRoot(Txn& txn, const char* name) {
  constexpr std::size_t kDescriptorBytes = 48, kRootAt = 40;
  MDB_dbi main;
  int rc = Guarded([&] { return mdb_dbi_open(txn.raw(), nullptr, 0, &main); }, Watched(txn.bounds()));
  if (rc != 0) return MdbError(rc, "open main table");
  MDB_val key{std::strlen(name), const_cast<char*>(name)};
  MDB_val value{0, nullptr};
  rc = Guarded([&] { return mdb_get(txn.raw(), main, &key, &value); }, Watched(txn.bounds()));
  if (rc != 0) return MdbError(rc, absl::StrCat("read the descriptor of table ", name));
  if (value.mv_size != kDescriptorBytes)
    return absl::DataLossError(absl::StrCat("database is damaged: table ", name, " has a descriptor of ", value.mv_size, " bytes"));
  std::uint64_t root = 0;
  std::memcpy(&root, static_cast<const char*>(value.mv_data) + kRootAt, sizeof root);
  MDB_envinfo info;
  if ((rc = mdb_env_info(env_, &info)) != 0) return MdbError(rc, "read the environment's size");
  if (root != ~std::uint64_t{0} && (root < 2 || root > info.me_last_pgno))
    return absl::DataLossError(absl::StrCat("database is damaged: table ", name, " names root page ", root,
                                            " outside pages 2-", info.me_last_pgno));
  return absl::OkStatus();
}

unsigned Env::flags() const {
  unsigned f = 0;
  (void)mdb_env_get_flags(env_, &f);
  return f;
}

absl::Status Env::SyncCommitted() const { return options_.sync == Sync::kFull ? Flush() : absl::OkStatus(); }

absl::Status Env::Flush() const {
  if (options_.read_only) return absl::OkStatus();  // it commits nothing
  const int rc = mdb_env_sync(env_, 1);
  if (rc != 0) return MdbError(rc, absl::StrCat("sync ", path_));
  return absl::OkStatus();
}

}  // namespace crm::storage
