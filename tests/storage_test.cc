// The LMDB layer: transactions, cursors, scans, error mapping.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <thread>

#include "storage/fault_guard.h"
#include "storage/lmdb.h"
#include "support/temp_dir.h"

namespace crm::storage {
namespace {

struct Fixture {
  crm::testing::TempDir dir;
  std::shared_ptr<Env> env;
  Table table{};

  Fixture() {
    EnvOptions o;
    o.sync = Sync::kNone;
    o.initial_map_size = std::size_t{1} << 20;
    env = *Env::Open(dir.File("s.db"), o);
    auto txn = env->BeginWrite();
    table = *env->OpenTable(*txn, "t", true);
    EXPECT_TRUE(txn->Commit().ok());
  }
};

TEST(StorageTest, UncommittedWriteIsAbortedByDestructor) {
  Fixture f;
  {
    auto txn = f.env->BeginWrite();
    ASSERT_TRUE(txn->Put(f.table, "k", "v").ok());
  }
  auto read = f.env->BeginRead();
  std::string_view v;
  EXPECT_FALSE(*read->Get(f.table, "k", &v));
}

TEST(StorageTest, SyncSettingsAreLmdbFlags) {
  crm::testing::TempDir dir;
  struct Case {
    Sync sync;
    unsigned set, unset;
  };
  // kFull runs with MDB_NOMETASYNC too: its commit syncs the meta page itself, after LMDB let go
  // of the writer lock (Txn::Commit, Env::SyncCommitted).
  for (const Case& c : {Case{Sync::kFull, MDB_NOMETASYNC, MDB_NOSYNC}, Case{Sync::kData, MDB_NOMETASYNC, MDB_NOSYNC},
                        Case{Sync::kNone, MDB_NOSYNC, 0}}) {
    EnvOptions o;
    o.sync = c.sync;
    o.initial_map_size = std::size_t{1} << 20;
    const std::string path = dir.File("sync" + std::to_string(static_cast<int>(c.sync)) + ".db");
    auto env = Env::Open(path, o);
    ASSERT_TRUE(env.ok()) << env.status();
    EXPECT_EQ((*env)->flags() & c.set, c.set);
    EXPECT_EQ((*env)->flags() & c.unset, 0u);
    auto txn = (*env)->BeginWrite();
    Table t = *(*env)->OpenTable(*txn, "t", true);
    ASSERT_TRUE(txn->Put(t, "k", "v").ok());
    ASSERT_TRUE(txn->Commit().ok());
    EXPECT_TRUE((*env)->Flush().ok());
    // The process's one environment on the file keeps its setting.
    EnvOptions other = o;
    other.sync = c.sync == Sync::kFull ? Sync::kNone : Sync::kFull;
    auto again = Env::Open(path, other);
    ASSERT_FALSE(again.ok());
    EXPECT_TRUE(absl::IsFailedPrecondition(again.status())) << again.status();
    EXPECT_NE(again.status().message().find("durability"), std::string_view::npos) << again.status();
  }
}

TEST(StorageTest, PutGetDelAndCount) {
  Fixture f;
  auto txn = f.env->BeginWrite();
  ASSERT_TRUE(txn->Put(f.table, "a", "1").ok());
  ASSERT_TRUE(txn->Put(f.table, "b", "2").ok());
  std::string_view v;
  ASSERT_TRUE(*txn->Get(f.table, "b", &v));
  EXPECT_EQ(v, "2");
  EXPECT_EQ(*txn->Count(f.table), 2u);
  EXPECT_TRUE(*txn->Del(f.table, "a"));
  EXPECT_FALSE(*txn->Del(f.table, "a"));
  auto dup = txn->Put(f.table, "b", "3", MDB_NOOVERWRITE);
  EXPECT_TRUE(absl::IsAlreadyExists(dup)) << dup;
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(txn->Commit()));
}

// A write transaction remembers the keys it found absent (asking again costs no search): a
// key written since, by this transaction or by one nested in it, is found all the same.
TEST(StorageTest, AKeyFoundAbsentIsFoundOnceWritten) {
  Fixture f;
  std::string_view v;
  {
    auto txn = f.env->BeginWrite();
    ASSERT_FALSE(*txn->Get(f.table, "k", &v));
    ASSERT_FALSE(*txn->Get(f.table, "k", &v));  // asked twice: still absent
    ASSERT_TRUE(txn->Put(f.table, "k", "1").ok());
    ASSERT_TRUE(*txn->Get(f.table, "k", &v));
    EXPECT_EQ(v, "1");
    // Written in a nested transaction, then committed into this one.
    ASSERT_FALSE(*txn->Get(f.table, "m", &v));
    {
      auto child = txn->BeginChild();
      ASSERT_TRUE(child.ok()) << child.status();
      ASSERT_TRUE(child->Put(f.table, "m", "2").ok());
      ASSERT_TRUE(child->Commit().ok());
    }
    ASSERT_TRUE(*txn->Get(f.table, "m", &v));
    EXPECT_EQ(v, "2");
    // Deleted: absent again, and found once written back.
    ASSERT_TRUE(*txn->Del(f.table, "k"));
    ASSERT_FALSE(*txn->Get(f.table, "k", &v));
    ASSERT_TRUE(txn->Put(f.table, "k", "3").ok());
    ASSERT_TRUE(*txn->Get(f.table, "k", &v));
    EXPECT_EQ(v, "3");
    // Several keys remembered at once, each found once written.
    for (const char* k : {"p", "q", "r", "s", "t"}) ASSERT_FALSE(*txn->Get(f.table, k, &v));
    ASSERT_TRUE(txn->Put(f.table, "q", "4").ok());
    ASSERT_TRUE(*txn->Get(f.table, "q", &v));
    ASSERT_FALSE(*txn->Get(f.table, "p", &v));
    ASSERT_TRUE(txn->Commit().ok());
  }
  // A transaction object given a new transaction forgets what its old one found absent.
  auto first = f.env->BeginWrite();
  ASSERT_FALSE(*first->Get(f.table, "z", &v));
  first->Abort();
  {
    auto other = f.env->BeginWrite();
    ASSERT_TRUE(other->Put(f.table, "z", "5").ok());
    ASSERT_TRUE(other->Commit().ok());
  }
  *first = *f.env->BeginWrite();
  ASSERT_TRUE(*first->Get(f.table, "z", &v));
  EXPECT_EQ(v, "5");
}

TEST(StorageTest, ScanPrefixVisitsInOrderAndResumesAfterAKey) {
  Fixture f;
  auto txn = f.env->BeginWrite();
  for (const char* k : {"a1", "b1", "b2", "b3", "c1"}) ASSERT_TRUE(txn->Put(f.table, k, "").ok());
  std::vector<std::string> seen;
  auto visit = [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
    seen.emplace_back(key);
    return true;
  };
  ASSERT_TRUE(ScanPrefix(*txn, f.table, "b", {}, visit).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"b1", "b2", "b3"}));
  seen.clear();
  ASSERT_TRUE(ScanPrefix(*txn, f.table, "b", "b1", visit).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"b2", "b3"}));
  seen.clear();
  ASSERT_TRUE(ScanPrefix(*txn, f.table, "", {}, [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                seen.emplace_back(key);
                return seen.size() < 2;
              }).ok());
  EXPECT_EQ(seen.size(), 2u);
}

TEST(StorageTest, MapFullIsRecognisedAndGrowthFixesIt) {
  Fixture f;
  const std::string big(64 * 1024, 'x');
  absl::Status failure;
  {
    auto txn = f.env->BeginWrite();
    for (int i = 0; i < 100 && failure.ok(); ++i) failure = txn->Put(f.table, "k" + std::to_string(i), big);
  }
  ASSERT_FALSE(failure.ok());
  EXPECT_TRUE(IsMapFull(failure)) << failure;
  EXPECT_TRUE(absl::IsResourceExhausted(failure));
  const std::size_t before = f.env->map_size();
  ASSERT_TRUE(f.env->Grow().ok());
  ASSERT_TRUE(f.env->Grow().ok());
  ASSERT_TRUE(f.env->Grow().ok());
  EXPECT_EQ(f.env->map_size(), before * 8);
  auto txn = f.env->BeginWrite();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(txn->Put(f.table, "k" + std::to_string(i), big).ok());
  ASSERT_TRUE(txn->Commit().ok());
}

TEST(StorageTest, ErrorMapping) {
  EXPECT_TRUE(absl::IsNotFound(MdbError(MDB_NOTFOUND, "x")));
  EXPECT_TRUE(absl::IsDataLoss(MdbError(MDB_CORRUPTED, "x")));
  EXPECT_TRUE(absl::IsResourceExhausted(MdbError(ENOSPC, "x")));
  EXPECT_TRUE(absl::IsPermissionDenied(MdbError(EACCES, "x")));
  EXPECT_FALSE(IsMapFull(MdbError(ENOSPC, "x")));
  EXPECT_NE(MdbError(MDB_CORRUPTED, "reading t").message().find("reading t"), std::string_view::npos);
}

}  // namespace
}  // namespace crm::storage

namespace crm::storage {
namespace {

// An address no mapping covers: reading it faults (SIGSEGV) without being a null dereference.
volatile std::uintptr_t g_unmapped = 64;
volatile int* Unmapped() { return reinterpret_cast<volatile int*>(g_unmapped); }

TEST(FaultGuardTest, AFaultInsideAGuardedCallBecomesAResult) {
  InstallFaultHandlers();
  EXPECT_EQ(Guarded([] { return *Unmapped(); }), kPageFault);
  // Nested guards: the inner one answers, the outer one carries on.
  EXPECT_EQ(Guarded([] { return Guarded([] { return *Unmapped(); }) == kPageFault ? 7 : 0; }), 7);
  EXPECT_EQ(Guarded([] { return 3; }), 3);
}

TEST(FaultGuardTest, AFaultOutsideAnyGuardStillKillsTheProcess) {
  InstallFaultHandlers();
  EXPECT_DEATH((void)*Unmapped(), "");
}

TEST(FaultGuardTest, AWatchedCallThatNeverReturnsIsStopped) {
  InstallFaultHandlers();
  SetHangLimit(std::chrono::milliseconds(600));
  static volatile bool forever = true;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(Guarded([] { while (forever) {} return 0; }, Watch{true}), kPageLoop);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  // A watched call that returns in time is left alone, also after an interrupted one.
  EXPECT_EQ(Guarded([] { return 5; }, Watch{true}), 5);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  SetHangLimit(std::chrono::seconds(2));
}

}  // namespace
}  // namespace crm::storage
