#include "storage/lmdb.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/strings.h"
#include "storage/fault_guard.h"
#include "storage/files.h"
#include "storage/group.h"

namespace crm::storage {
namespace {

constexpr char kMdbPayload[] = "crm.lmdb.rc";

MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }

// The environments this process has open, by the identity of their file. An entry whose
// environment is being destroyed stays until its destructor has closed it, so that a new open
// of the same file waits (`closed`) rather than opening the file a second time.
// It belongs to one process: a child made by fork() starts with its parent's registry in
// memory, but an LMDB environment must only be used by the process that opened it, so the child
// forgets those entries (without closing anything) and opens environments of its own.
struct Registry {
  std::mutex mu;
  std::condition_variable closed;
  std::map<std::pair<dev_t, ino_t>, std::weak_ptr<Env>> open;
  pid_t pid = ::getpid();

  void ForgetInherited() {
    if (pid == ::getpid()) return;
    open.clear();
    pid = ::getpid();
  }
};

Registry& Registered() {
  static Registry* registry = new Registry;  // never destroyed: environments may outlive main
  return *registry;
}

// Whether an environment opened with `have` can serve a caller asking for `want`.
absl::Status Compatible(const std::string& path, const EnvOptions& have, const EnvOptions& want) {
  if (have.read_only && !want.read_only)
    return ReadOnlyError(absl::StrCat(
        "database ", path, " is already open read-only in this process: close it before opening it for writing"));
  static constexpr const char* kDurability[] = {"full", "normal", "none"};
  if (have.sync != want.sync)
    return absl::FailedPreconditionError(absl::StrCat("database ", path, " is already open in this process with durability ",
                                                      kDurability[static_cast<int>(have.sync)], ": open it again with the same setting"));
  return absl::OkStatus();
}

}  // namespace

absl::Status MdbError(int rc, std::string_view what) {
  const std::string msg = absl::StrCat(Av(what), ": ", mdb_strerror(rc));
  absl::Status status;
  switch (rc) {
    case MDB_NOTFOUND: status = absl::NotFoundError(msg); break;
    case MDB_KEYEXIST: status = absl::AlreadyExistsError(msg); break;
    case MDB_MAP_FULL:
    case ENOSPC:
    case MDB_DBS_FULL:
    case MDB_READERS_FULL:
    case MDB_TXN_FULL:
    case MDB_CURSOR_FULL:
    case MDB_PAGE_FULL:
    case ENOMEM:
    case EDQUOT:
      status = absl::ResourceExhaustedError(msg);
      break;
    case kPageFault:
      return absl::DataLossError(absl::StrCat(
          Av(what), ": database is damaged: a page number or offset in the file points outside it"));
    case kPageLoop:
      return absl::DataLossError(absl::StrCat(
          Av(what), ": database is damaged: a lookup went round in a damaged page until it was stopped"));
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_INCOMPATIBLE:
    case MDB_BAD_DBI:
      status = absl::DataLossError(msg);
      break;
    case EACCES:
    case EPERM:
    case EIO:  // the file system failed or refused: reported as CRM_EIO by the C ABI
    case EROFS:
    case ENOTDIR:
    case EISDIR:
    case ENAMETOOLONG:
    case ELOOP:
      status = absl::PermissionDeniedError(msg);
      break;
    case ENOENT: status = absl::NotFoundError(msg); break;
    case EAGAIN:
    case EBUSY: status = absl::UnavailableError(msg); break;
    default:
      status = absl::InternalError(msg);
  }
  status.SetPayload(kMdbPayload, absl::Cord(std::to_string(rc)));
  return status;
}

absl::Status CheckInMap(const MapBounds& b, bool writable, const MDB_val& v, std::string_view what) {
  if (b.lo == nullptr || v.mv_size == 0) return absl::OkStatus();
  const char* p = static_cast<const char*>(v.mv_data);
  const bool in_map = p >= b.lo && p < b.end;
  if (in_map ? (p < b.hi && v.mv_size <= static_cast<std::size_t>(b.hi - p)) : writable)
    return absl::OkStatus();
  struct stat st;
  if (in_map && writable && b.fd >= 0 && ::fstat(b.fd, &st) == 0) {
    const char* file_end = b.lo + std::min<std::size_t>(static_cast<std::size_t>(st.st_size), b.end - b.lo);
    if (p < file_end && v.mv_size <= static_cast<std::size_t>(file_end - p)) return absl::OkStatus();
  }
  return absl::DataLossError(absl::StrCat(
      "database is damaged: a stored ", Av(what), " of ", v.mv_size, " bytes lies outside the database file"));
}

namespace {
// A write the file system cut short (LMDB reports a short write as EIO) because the disk, the
// user's quota or the process's file size limit is reached: ResourceExhausted saying so.
// OkStatus when none of them is.
absl::Status DiskFull(const std::string& path, int rc) {
  const std::string cause = mdb_strerror(rc);
  if (rc == ENOSPC || rc == EDQUOT || rc == EFBIG)
    return absl::ResourceExhaustedError(absl::StrCat("commit: the disk is full (", cause, "); nothing was written"));
  struct statvfs fs;
  if (::statvfs(path.c_str(), &fs) == 0 && static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize < (1u << 20))
    return absl::ResourceExhaustedError(
        absl::StrCat("commit: the disk holding ", path, " is full; nothing was written"));
  struct rlimit limit;
  struct stat st;
  if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      ::stat(path.c_str(), &st) == 0 && static_cast<rlim_t>(st.st_size) + (1u << 20) > limit.rlim_cur)
    return absl::ResourceExhaustedError(
        absl::StrCat("commit: ", path, " reached the process's file size limit; nothing was written"));
  return absl::OkStatus();
}
}  // namespace

Watch Watched(const MapBounds& b) { return Watch{true, b.hang_limit_ms}; }

void Looped(const MapBounds& b) {
  // The first loop shortens the environment's limit to a quarter second, and each further one
  // halves it, down to 5 ms (a sound lookup takes microseconds): a damaged file whose pages
  // send many lookups round costs little more per lookup than a sound one.
  if (b.hang_limit_ms == nullptr) return;
  const int now = b.hang_limit_ms->load();
  b.hang_limit_ms->store(now == 0 || now > 250 ? 250 : std::max(5, now / 2));
}

bool IsMapFull(const absl::Status& status) {
  auto p = status.GetPayload(kMdbPayload);
  return p.has_value() && std::string(*p) == std::to_string(MDB_MAP_FULL);
}

// ---- Txn ----

Txn::Txn(Txn&& other) noexcept
    : txn_(other.txn_), cursors_(std::move(other.cursors_)), writable_(other.writable_), env_(other.env_),
      child_(other.child_), writes_(other.writes_), children_(other.children_), misses_(std::move(other.misses_)),
      bounds_(other.bounds_), lock_(std::move(other.lock_)) {
  other.txn_ = nullptr;
  other.env_ = nullptr;
}

Txn& Txn::operator=(Txn&& other) noexcept {
  if (this != &other) {
    Abort();
    txn_ = other.txn_;
    cursors_ = std::move(other.cursors_);
    other.cursors_.clear();
    writable_ = other.writable_;
    env_ = other.env_;
    child_ = other.child_;
    writes_ = other.writes_;
    children_ = other.children_;
    misses_ = std::move(other.misses_);
    bounds_ = other.bounds_;
    lock_ = std::move(other.lock_);
    other.txn_ = nullptr;
    other.env_ = nullptr;
  }
  return *this;
}

Txn::~Txn() { Abort(); }

void Txn::Ended() {
  if (child_) ChildEnded(env_); else if (env_ != nullptr) env_->writer_.store(std::thread::id());
  env_ = nullptr;
}

void Txn::Abort() {
  ForgetCursors();  // LMDB closes a write transaction's cursors as it ends
  if (txn_ != nullptr) {
    mdb_txn_abort(txn_);
    txn_ = nullptr;
    Ended();
  }
  if (lock_.owns_lock()) lock_.unlock();
}

absl::Status Txn::Commit(bool sync_later) {
  if (txn_ == nullptr) return TxnFinishedError("transaction is already finished");
  MDB_txn* const txn = txn_;
  ForgetCursors();
  const int rc = Guarded([&] { return mdb_txn_commit(txn); });
  if (rc == kPageFault) mdb_txn_abort(txn);  // LMDB stopped half-way: nothing was committed
  txn_ = nullptr;  // committed or, on failure, freed by LMDB
  const Env* env = env_;
  Ended();
  if (lock_.owns_lock()) lock_.unlock();
  if (rc == 0) return child_ || sync_later || env == nullptr ? absl::OkStatus() : env->SyncCommitted();
  if (env != nullptr && (rc == EIO || rc == ENOSPC || rc == EFBIG || rc == EDQUOT))
    if (absl::Status full = DiskFull(env->path(), rc); !full.ok()) return full;
  return MdbError(rc, "commit");
}

absl::StatusOr<bool> Txn::Get(Table table, std::string_view key, std::string_view* value) const {
  if (key.empty() || key.size() > kMaxKeyBytes) return false;
  if (writable_)
    for (const Miss& m : misses_)
      if (m.at == writes_ + children_ && m.table == table && m.key == key) return false;
  MDB_val k = Val(key);
  MDB_val v;
  const int rc = Guarded([&] { return mdb_get(txn_, table, &k, &v); }, Watched(bounds_));
  if (rc == kPageLoop) Looped(bounds_);
  if (rc == MDB_NOTFOUND) {
    if (writable_) {
      Miss& m = misses_[next_miss_++ % misses_.size()];
      m.table = table;
      m.at = writes_ + children_;
      m.key.assign(key);
    }
    return false;
  }
  if (rc != 0) return MdbError(rc, "read");
  if (absl::Status s = CheckInMap(bounds_, writable_, v, "value"); !s.ok()) return s;
  *value = std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
  return true;
}

MDB_cursor* Txn::WriteCursor(Table table) {
  if (txn_ == nullptr || !writable_) return nullptr;
  if (table >= cursors_.size()) cursors_.resize(table + 1);
  TableCursor& t = cursors_[table];
  if (t.cursor == nullptr && t.written && mdb_cursor_open(txn_, table, &t.cursor) != 0) t.cursor = nullptr;
  t.written = true;
  return t.cursor;
}

absl::Status Txn::Put(Table table, std::string_view key, std::string_view value, unsigned flags) {
  if (key.empty() || key.size() > kMaxKeyBytes)
    return absl::InvalidArgumentError(absl::StrCat("a key of ", key.size(), " bytes cannot be stored (1 to ",
                                                   kMaxKeyBytes, ")"));
  ++writes_;
  MDB_val k = Val(key);
  MDB_val v = Val(value);
  MDB_cursor* const cursor = WriteCursor(table);
  const int rc = Guarded([&] {
    return cursor != nullptr ? mdb_cursor_put(cursor, &k, &v, flags) : mdb_put(txn_, table, &k, &v, flags);
  });
  if (rc != 0) return MdbError(rc, "write");
  return absl::OkStatus();
}

absl::StatusOr<bool> Txn::Del(Table table, std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyBytes) return false;
  ++writes_;
  MDB_val k = Val(key);
  MDB_cursor* const cursor = WriteCursor(table);
  const int rc = Guarded([&] {
    if (cursor == nullptr) return mdb_del(txn_, table, &k, nullptr);
    MDB_val v;
    const int found = mdb_cursor_get(cursor, &k, &v, MDB_SET);
    return found != 0 ? found : mdb_cursor_del(cursor, 0);
  });
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return MdbError(rc, "delete");
  return true;
}

absl::StatusOr<std::size_t> Txn::Count(Table table) const {
  MDB_stat st;
  const int rc = mdb_stat(txn_, table, &st);
  if (rc != 0) return MdbError(rc, "stat");
  return st.ms_entries;
}

// ---- Env ----

absl::StatusOr<std::shared_ptr<Env>> Env::Open(const std::string& path,
                                               const EnvOptions& options) {
  if (path.empty()) return absl::InvalidArgumentError("path: must not be empty");
  InstallFaultHandlers();
  Registry& registry = Registered();
  std::unique_lock<std::mutex> lock(registry.mu);
  registry.ForgetInherited();
  // Where libcrm creates files it follows no symbolic link: a link at the database path or at
  // its lock file would let whoever placed it choose which file is created or overwritten.
  for (const std::string& file : {path, path + "-lock"}) {
    struct stat link;
    if (::lstat(file.c_str(), &link) == 0 && S_ISLNK(link.st_mode))
      return absl::InvalidArgumentError(absl::StrCat(
          "path: ", file, " is a symbolic link; libcrm does not follow links where it creates files (open the "
          "target's own path)"));
  }
  struct stat st;
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists && (!options.create_if_missing || options.read_only))
    return absl::NotFoundError(absl::StrCat("database file ", path, " does not exist"));
  if (exists && S_ISDIR(st.st_mode))
    return absl::InvalidArgumentError(absl::StrCat("path: ", path, " is a directory, not a database file"));
  if (exists && S_ISREG(st.st_mode) && st.st_size == 0)
    return NotADatabaseError(absl::StrCat(path, " is empty (0 bytes), not a libcrm database: remove it, or open "
                                          "another path, to create a new database"));
  if (exists) {
    const auto id = std::make_pair(st.st_dev, st.st_ino);
    for (auto it = registry.open.find(id); it != registry.open.end(); it = registry.open.find(id)) {
      if (std::shared_ptr<Env> shared = it->second.lock()) {
        if (absl::Status s = Compatible(path, shared->options_, options); !s.ok()) return s;
        return shared;
      }
      registry.closed.wait(lock);  // its last holder is closing it right now
    }
  }

  if (exists && S_ISREG(st.st_mode)) {
    // Before LMDB maps the file: is it one, and does it have every page its meta pages claim?
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return MdbError(errno, absl::StrCat("open ", path));
    absl::Status checked = files::CheckMeta(fd, path);
    ::close(fd);
    if (!checked.ok()) return checked;
  }

  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc != 0) return MdbError(rc, "create environment");
  auto fail = [&](int code, std::string_view what) {
    mdb_env_close(env);
    return MdbError(code, absl::StrCat(Av(what), " ", path));
  };
  if ((rc = mdb_env_set_maxdbs(env, options.max_tables)) != 0) return fail(rc, "set tables");
  (void)mdb_env_set_assert(env, OnLmdbAssert);  // EINVAL when LMDB was built without assertions
  if ((rc = mdb_env_set_mapsize(env, std::min(options.initial_map_size, options.max_map_size))) != 0)
    return fail(rc, "set map size");
  unsigned flags = MDB_NOSUBDIR | MDB_NOTLS | MDB_NORDAHEAD;
  if (options.read_only) flags |= MDB_RDONLY;
  // kFull: Txn::Commit syncs the meta page itself, once the writer lock is released.
  if (options.sync != Sync::kNone) flags |= MDB_NOMETASYNC;
  if (options.sync == Sync::kNone) flags |= MDB_NOSYNC;
  if (!exists) {
    // Created here, owner-only and refusing a link that appeared since the check above; LMDB
    // then opens the file that exists.
    const int created = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (created < 0) return fail(errno, "create");
    ::close(created);
  }
  rc = Guarded([&] { return mdb_env_open(env, path.c_str(), flags, 0600); });
  // A fault half-way through leaves the environment in no state to be closed: it is left as it
  // is (its memory, descriptors and map stay allocated) rather than risk a crash.
  if (rc == kPageFault) return MdbError(rc, absl::StrCat("open ", path));
  if (rc != 0) return fail(rc, "open");
  // Reader slots left by processes that died inside a read transaction pin old pages (the file
  // grows) and, once all are taken, stop every reader: clear them now, and again whenever slots
  // run out (Begin) or the map fills (Store::Write).
  int dead = 0;
  (void)mdb_reader_check(env, &dead);
  mdb_filehandle_t fd;
  if ((rc = mdb_env_get_fd(env, &fd)) != 0) return fail(rc, "open");
  if (::fstat(fd, &st) != 0) return fail(errno, "open");
  // The database holds personal data: a writable open tightens a file that group or others may
  // read (copied with a permissive umask, say) to owner-only, and its lock file with it.
  if (!options.read_only && (st.st_mode & 077) != 0) {
    if (::fchmod(fd, st.st_mode & 0700) != 0) return fail(errno, "make owner-only");
    (void)::chmod((path + "-lock").c_str(), 0600);
  }
  std::shared_ptr<Env> opened(new Env(env, path, options, st.st_dev, st.st_ino));
  opened->group_ = std::make_shared<WriteGroup>();
  MDB_stat stat;
  if (mdb_env_stat(env, &stat) == 0) opened->page_size_ = stat.ms_psize;
  if (char* real = ::realpath(path.c_str(), nullptr)) {
    opened->real_path_ = real;
    std::free(real);
  }
  opened->FindMap();
  registry.open[std::make_pair(st.st_dev, st.st_ino)] = opened;
  return opened;
}

Env::~Env() {
  Registry& registry = Registered();
  std::lock_guard<std::mutex> lock(registry.mu);
  mdb_env_close(env_);
  const auto it = registry.open.find(std::make_pair(dev_, ino_));
  if (it != registry.open.end() && it->second.expired() && registry.pid == ::getpid()) registry.open.erase(it);
  registry.closed.notify_all();
}

std::shared_lock<std::shared_timed_mutex> Env::EnterTxn() {
  // A thread inside a write of this environment must not queue behind a resize waiting for it.
  if (WritingHere()) return std::shared_lock<std::shared_timed_mutex>(remap_);
  std::lock_guard<std::mutex> gate(gate_);
  return std::shared_lock<std::shared_timed_mutex>(remap_);
}

void Env::FindMap() {
  const std::size_t length = map_size();
  map_base_.store(files::FindMapping(ino_, real_path_, length));
  map_length_.store(length);
}

MapBounds Env::Bounds() const {
  MapBounds b;
  b.lo = map_base_.load();
  if (b.lo == nullptr) return b;
  MDB_envinfo info;
  if (mdb_env_info(env_, &info) != 0) return MapBounds{};
  const std::size_t length = map_length_.load();
  const std::size_t backed = std::min(length, (info.me_last_pgno + 1) * page_size_);
  b.hi = b.lo + backed;
  b.end = b.lo + length;
  return b;
}

absl::StatusOr<Txn> Env::Begin(unsigned flags) {
  for (int attempt = 0;; ++attempt) {
    auto lock = EnterTxn();
    MDB_txn* txn = nullptr;
    const int rc = mdb_txn_begin(env_, nullptr, flags, &txn);
    if (rc == 0) {
      const bool writable = (flags & MDB_RDONLY) == 0;
      if (writable) writer_.store(std::this_thread::get_id());
      Txn t(txn, writable ? this : nullptr, std::move(lock));
      t.bounds_ = Bounds();
      t.bounds_.hang_limit_ms = &hang_limit_ms_;
      if (writable && mdb_env_get_fd(env_, &t.bounds_.fd) != 0) t.bounds_.fd = -1;
      return t;
    }
    lock.unlock();
    if (rc == MDB_MAP_RESIZED && attempt < 3) {
      // Another process grew the map: adopt its size.
      if (absl::Status s = Resize(0); !s.ok()) return s;
      continue;
    }
    if (rc == MDB_READERS_FULL && attempt < 3 && ClearStaleReaders() > 0) continue;
    return MdbError(rc, "begin transaction");
  }
}

absl::StatusOr<Txn> Env::BeginRead() {
  auto txn = Begin(MDB_RDONLY);
  if (!txn.ok() || options_.read_only) return txn;
  // A writer killed after writing its meta page but before publishing its transaction id in the
  // lock file leaves readers on the state before that commit until the next writer takes the
  // write lock (LMDB repairs the id then). The commit is on disk, so a reader must see it: take
  // the write lock once to have LMDB repair the id, then read. (A live writer is inside the same
  // window only for the instant between the two steps; waiting for it is as short.)
  MDB_envinfo info;
  if (mdb_env_info(env_, &info) != 0 || mdb_txn_id(txn->raw()) >= info.me_last_txnid) return txn;
  if (WritingHere()) return txn;
  txn->Abort();
  if (auto repair = Begin(0); repair.ok()) repair->Abort();
  return Begin(MDB_RDONLY);
}

absl::StatusOr<Txn> Env::BeginWrite() {
  if (options_.read_only)
    return ReadOnlyError(absl::StrCat("database ", path_, " is open read-only"));
  if (WritingHere())
    return absl::UnavailableError(absl::StrCat("this thread already has a write transaction open on ", path_,
                                               ": a second one would wait for itself"));
  MDB_envinfo info;
  MDB_stat st;
  if (mdb_env_info(env_, &info) == 0 && mdb_env_stat(env_, &st) == 0) {
    const std::size_t used = (info.me_last_pgno + 1) * static_cast<std::size_t>(st.ms_psize);
    // Keep a quarter of the map free, but only when no read transaction of this process is
    // open right now: a long reader must not stall writers. A write that does run out of space
    // grows the map then (Store::Write), waiting for readers as it must.
    if (used > info.me_mapsize / 4 * 3 && info.me_mapsize < options_.max_map_size)
      (void)Grow(std::chrono::milliseconds(0));
  }
  return Begin(0);
}

absl::StatusOr<Table> Env::OpenTable(Txn& txn, const char* name, bool create) {
  MDB_dbi dbi;
  const int rc = Guarded([&] { return mdb_dbi_open(txn.raw(), name, create ? MDB_CREATE : 0, &dbi); }, Watched(txn.bounds()));
  if (rc == MDB_NOTFOUND)
    return absl::NotFoundError(absl::StrCat("table ", name, " missing: ", path_, " is not a libcrm database"));
  if (rc != 0) return MdbError(rc, absl::StrCat("open table ", name));
  if (auto s = CheckTableRoot(txn, name); !s.ok()) return s;
  return dbi;
}

absl::StatusOr<std::size_t> Env::MainEntries(Txn& txn) {
  MDB_dbi main;
  int rc = Guarded([&] { return mdb_dbi_open(txn.raw(), nullptr, 0, &main); }, Watched(txn.bounds()));
  if (rc != 0) return MdbError(rc, "open main table");
  MDB_stat st;
  if ((rc = mdb_stat(txn.raw(), main, &st)) != 0) return MdbError(rc, "stat main table");
  return st.ms_entries;
}

absl::Status Env::Resize(std::size_t new_size) {
  std::lock_guard<std::mutex> gate(gate_);
  std::unique_lock<std::shared_timed_mutex> lock(remap_, std::defer_lock);
  if (!lock.try_lock_for(options_.grow_wait))
    return absl::ResourceExhaustedError(
        "database map is full and cannot grow while read transactions of this process stay open");
  return SetMapSize(new_size);
}

absl::Status Env::SetMapSize(std::size_t new_size) {
  const int rc = mdb_env_set_mapsize(env_, new_size);
  if (rc != 0) return MdbError(rc, "grow map");
  FindMap();
  return absl::OkStatus();
}

absl::Status Env::Grow() { return Grow(options_.grow_wait); }

absl::Status Env::Grow(std::chrono::milliseconds wait) {
  const std::size_t observed = map_size();
  std::lock_guard<std::mutex> gate(gate_);
  std::unique_lock<std::shared_timed_mutex> lock(remap_, std::defer_lock);
  if (!lock.try_lock_for(wait))
    return absl::ResourceExhaustedError(
        "database map is full and cannot grow while read transactions of this process stay open");
  const std::size_t current = map_size();
  if (current > observed) return absl::OkStatus();  // another thread grew it meanwhile
  if (current >= options_.max_map_size)
    return absl::ResourceExhaustedError(absl::StrCat(
        "database ", path_, " is full: it reached max_map_size (", options_.max_map_size, " bytes)"));
  return SetMapSize(std::min(current * 2, options_.max_map_size));
}

int Env::ClearStaleReaders() {
  int dead = 0;
  if (mdb_reader_check(env_, &dead) != 0) return 0;
  return dead;
}

std::size_t Env::map_size() const {
  MDB_envinfo info;
  if (mdb_env_info(env_, &info) != 0) return 0;
  return info.me_mapsize;
}

}  // namespace crm::storage
