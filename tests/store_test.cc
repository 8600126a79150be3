// The store as a file: persistence, permissions, map growth, read-only use, corruption.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <iterator>

#include <lmdb.h>

#include "crm/error.hpp"
#include "crm/store.hpp"
#include "support/temp_dir.h"

namespace crm {
namespace {

using ::crm::testing::TempDir;

Customer Named(const std::string& given, const std::string& family) {
  Customer c;
  c.given_name = given;
  c.family_name = family;
  return c;
}

TEST(StoreTest, DataPersistsAcrossReopen) {
  TempDir dir;
  const std::string path = dir.File("persist.db");
  CustomerId id;
  {
    auto store = Store::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    Customer c = Named("Per", "Sistent");
    c.emails.push_back(Email{"per@example.com", "", false});
    c.tags = {"kept"};
    auto created = (*store)->Run(&WriteTxn::CreateCustomer, c);
    ASSERT_TRUE(created.ok());
    id = created->id;
  }
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Run(&ReadTxn::GetCustomer, id)->display_name, "Per Sistent");
  EXPECT_EQ((*store)->Run(&ReadTxn::FindCustomerByEmail, "PER@example.com")->id, id);
  EXPECT_EQ((*store)->Run(&ReadTxn::ListCustomers, CustomerQuery::Tag("kept"))->customers.size(), 1u);
  // Ids continue after reopen.
  EXPECT_EQ((*store)->Run(&WriteTxn::CreateCustomer, Named("Next", "One"))->id, id + 1);
}

TEST(StoreTest, EveryDurabilityLevelKeepsItsCommits) {
  TempDir dir;
  for (Durability level : {Durability::kFull, Durability::kNormal, Durability::kNone}) {
    const std::string path = dir.File("durability" + std::to_string(static_cast<int>(level)) + ".db");
    CustomerId id;
    {
      StoreOptions o;
      o.durability = level;
      auto store = Store::Open(path, o);
      ASSERT_TRUE(store.ok()) << store.status();
      id = (*store)->Run(&WriteTxn::CreateCustomer, Named("Dura", "Ble"))->id;
      EXPECT_TRUE((*store)->Flush().ok());
      // One environment per file in a process: another level on the open file is refused.
      StoreOptions other;
      other.durability = level == Durability::kFull ? Durability::kNormal : Durability::kFull;
      auto second = Store::Open(path, other);
      ASSERT_FALSE(second.ok());
      EXPECT_TRUE(absl::IsFailedPrecondition(second.status())) << second.status();
      EXPECT_NE(second.status().message().find("durability"), std::string_view::npos) << second.status();
    }
    StoreOptions read;
    read.read_only = true;
    auto store = Store::Open(path, read);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ((*store)->Run(&ReadTxn::GetCustomer, id)->display_name, "Dura Ble");
    EXPECT_TRUE((*store)->Flush().ok());  // nothing to write
  }
  StoreOptions bad;
  bad.durability = static_cast<Durability>(7);
  auto refused = Store::Open(dir.File("bad.db"), bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find("durability"), std::string_view::npos);
  EXPECT_FALSE(std::ifstream(dir.File("bad.db")).good()) << "a refused open creates nothing";
}

TEST(StoreTest, FilesAreOwnerOnly) {
  TempDir dir;
  const std::string path = dir.File("private.db");
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok());
  for (const std::string& f : {path, path + "-lock"}) {
    struct stat st;
    ASSERT_EQ(::stat(f.c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
  }
}

TEST(StoreTest, OpenErrorsAreClear) {
  TempDir dir;
  StoreOptions no_create;
  no_create.create_if_missing = false;
  auto missing = Store::Open(dir.File("absent.db"), no_create);
  EXPECT_TRUE(absl::IsNotFound(missing.status())) << missing.status();
  EXPECT_TRUE(absl::IsInvalidArgument(Store::Open(dir.path()).status()));  // a directory
  EXPECT_TRUE(absl::IsInvalidArgument(Store::Open("").status()));
  StoreOptions tiny;
  tiny.initial_map_size = 1000;
  EXPECT_TRUE(absl::IsInvalidArgument(Store::Open(dir.File("x.db"), tiny).status()));
  // A file that is not an LMDB database.
  { std::ofstream(dir.File("junk.db")) << std::string(8192, 'j'); }
  auto junk = Store::Open(dir.File("junk.db"));
  EXPECT_EQ(ErrorKindOf(junk.status()), ErrorKind::kNotADatabase) << junk.status();
}

TEST(StoreTest, ReadOnlyStoreReadsButRefusesWrites) {
  TempDir dir;
  const std::string path = dir.File("ro.db");
  { ASSERT_TRUE((*Store::Open(path))->Run(&WriteTxn::CreateCustomer, Named("Read", "Only")).ok()); }
  StoreOptions ro;
  ro.read_only = true;
  auto store = Store::Open(path, ro);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Run(&ReadTxn::GetCustomer, 1)->display_name, "Read Only");
  const absl::Status refused = (*store)->Run(&WriteTxn::CreateCustomer, Named("No", "Write")).status();
  EXPECT_TRUE(absl::IsFailedPrecondition(refused));
  EXPECT_EQ(ErrorKindOf(refused), ErrorKind::kReadOnly) << refused;
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Inputs at the edges: the default actor, and times beyond what any record can hold.
TEST(StoreTest, ActorsAndTimesAreCheckedAtTheBoundary) {
  TempDir dir;
  for (const std::string& bad : {std::string("\xff\xfe"), std::string(257, 'a'), std::string("ann\0x", 5)}) {
    StoreOptions options;
    options.default_actor = bad;
    auto store = Store::Open(dir.File("actor.db"), options);
    ASSERT_FALSE(store.ok());
    EXPECT_TRUE(absl::IsInvalidArgument(store.status())) << store.status();
    EXPECT_NE(store.status().message().find("default_actor"), std::string_view::npos) << store.status();
  }
  auto store = Store::Open(dir.File("times.db"));
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(absl::IsInvalidArgument((*store)->BeginWrite("\xff").status()));
  auto c = (*store)->Run(&WriteTxn::CreateCustomer, Named("Time", "Edge"));
  ASSERT_TRUE(c.ok());
  for (Timestamp t : {INT64_MAX, INT64_MIN, std::int64_t{253'402'300'800'000'000}}) {
    Interaction i;
    i.customer = c->id;
    i.occurred_at = t;
    auto logged = (*store)->Run(&WriteTxn::LogInteraction, i);
    EXPECT_TRUE(absl::IsInvalidArgument(logged.status())) << t;
    EXPECT_NE(logged.status().message().find("occurred_at"), std::string_view::npos) << logged.status();
  }
  Interaction last;
  last.customer = c->id;
  last.occurred_at = 253'402'300'799'999'999;  // the last microsecond of the year 9999
  ASSERT_TRUE((*store)->Run(&WriteTxn::LogInteraction, last).ok());
  TimelineQuery q;
  q.customer = c->id;
  EXPECT_EQ((*store)->Run(&ReadTxn::ListTimeline, q)->interactions.size(), 1u) << "stored and listed";
  Opportunity deal;
  deal.customer = c->id;
  deal.title = "Far";
  deal.amount = Money{1, "EUR"};
  deal.expected_close = INT64_MAX;
  EXPECT_TRUE(absl::IsInvalidArgument((*store)->Run(&WriteTxn::CreateOpportunity, deal).status()));
}

// Another program's LMDB file is refused and left as it was; so is an empty file.
TEST(StoreTest, ForeignAndEmptyFilesAreRefusedAndLeftUntouched) {
  TempDir dir;
  const std::string foreign = dir.File("foreign.mdb");
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  ASSERT_EQ(mdb_env_set_maxdbs(env, 4), 0);
  ASSERT_EQ(mdb_env_open(env, foreign.c_str(), MDB_NOSUBDIR, 0600), 0);
  MDB_txn* txn = nullptr;
  MDB_dbi dbi;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "their_table", MDB_CREATE, &dbi), 0);
  MDB_val k{3, const_cast<char*>("key")}, v{5, const_cast<char*>("value")};
  ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
  const std::string before = FileBytes(foreign);
  for (bool read_only : {false, true}) {
    StoreOptions options;
    options.read_only = read_only;
    auto store = Store::Open(foreign, options);
    ASSERT_FALSE(store.ok()) << (read_only ? "read-only" : "writable");
    EXPECT_EQ(ErrorKindOf(store.status()), ErrorKind::kNotADatabase) << store.status();
    EXPECT_NE(store.status().message().find("not a libcrm database"), std::string_view::npos) << store.status();
  }
  EXPECT_EQ(FileBytes(foreign), before) << "the foreign file was changed";

  const std::string empty = dir.File("empty.crm");
  { std::ofstream touch(empty); }
  auto store = Store::Open(empty);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(ErrorKindOf(store.status()), ErrorKind::kNotADatabase) << store.status();
  EXPECT_NE(store.status().message().find("empty"), std::string_view::npos) << store.status();
  EXPECT_EQ(FileBytes(empty), "");
}

// Where libcrm creates files it follows no symbolic link, and it keeps the database owner-only.
TEST(StoreTest, SymlinksAreRefusedAndPermissionsTightened) {
  TempDir dir;
  const std::string target = dir.File("target");
  const std::string path = dir.File("linked.db");
  ASSERT_EQ(::symlink(target.c_str(), path.c_str()), 0);  // dangling: opening must not create it
  auto linked = Store::Open(path);
  ASSERT_FALSE(linked.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(linked.status())) << linked.status();
  EXPECT_NE(linked.status().message().find("symbolic link"), std::string_view::npos) << linked.status();
  struct stat st;
  EXPECT_NE(::lstat(target.c_str(), &st), 0) << "the link's target was created";

  const std::string real = dir.File("real.db");
  { ASSERT_TRUE(Store::Open(real).ok()); }
  ASSERT_EQ(::unlink((real + "-lock").c_str()), 0);
  const std::string victim = dir.File("victim");
  { std::ofstream(victim) << "precious"; }
  ASSERT_EQ(::symlink(victim.c_str(), (real + "-lock").c_str()), 0);
  auto locked = Store::Open(real);
  EXPECT_FALSE(locked.ok());
  EXPECT_NE(locked.status().message().find("symbolic link"), std::string_view::npos) << locked.status();
  std::ifstream in(victim);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "precious") << "the lock link's target was written";
  ASSERT_EQ(::unlink((real + "-lock").c_str()), 0);

  ASSERT_EQ(::chmod(real.c_str(), 0644), 0);  // e.g. copied with a permissive umask
  { ASSERT_TRUE(Store::Open(real).ok()); }
  ASSERT_EQ(::stat(real.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "a writable open tightens the file to owner-only";
}

// LMDB's writer lock is not recursive: a second write on one thread is refused, not a deadlock.
TEST(StoreTest, SecondWriteOnOneThreadIsUnavailableNotADeadlock) {
  TempDir dir;
  const std::string path = dir.File("busy.db");
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok());
  auto other = Store::Open(path);  // shares the environment, and so its writer
  ASSERT_TRUE(other.ok());
  auto outer = (*store)->BeginWrite("outer");
  ASSERT_TRUE(outer.ok());
  auto inner = (*store)->BeginWrite("inner");
  EXPECT_TRUE(absl::IsUnavailable(inner.status())) << inner.status();
  EXPECT_TRUE(absl::IsUnavailable((*other)->BeginWrite("inner").status()));
  EXPECT_TRUE(absl::IsUnavailable((*store)->Run(&WriteTxn::CreateCustomer, Named("No", "Wait")).status()));
  ASSERT_TRUE(outer->CreateCustomer(Named("Outer", "Write")).ok());
  ASSERT_TRUE(outer->Commit().ok());
  EXPECT_TRUE((*other)->Run(&WriteTxn::CreateCustomer, Named("After", "Commit")).ok());
  auto aborted = (*store)->BeginWrite("aborted");
  ASSERT_TRUE(aborted.ok());
  aborted->Abort();
  EXPECT_TRUE((*store)->Run(&WriteTxn::CreateCustomer, Named("After", "Abort")).ok());
  // Other threads still wait their turn, as LMDB's writers do.
  auto held = (*store)->BeginWrite("held");
  ASSERT_TRUE(held.ok());
  std::thread waiter([&] { EXPECT_TRUE((*other)->Run(&WriteTxn::CreateCustomer, Named("Waited", "Turn")).ok()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(held->Commit().ok());
  waiter.join();
  EXPECT_EQ(*(*store)->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 4u);
}

// Failures that share a status code carry an ErrorKind that tells them apart.
TEST(StoreTest, ErrorKindsTellSharedCodesApart) {
  TempDir dir;
  const std::string path = dir.File("kinds.db");
  {
    auto store = Store::Open(path);
    ASSERT_TRUE(store.ok());
    auto c = (*store)->Run(&WriteTxn::CreateCustomer, Named("Kind", "Ly"));
    ASSERT_TRUE(c.ok());
    Interaction i;
    i.customer = c->id;
    i.kind = InteractionKind::kCall;
    ASSERT_TRUE((*store)->Run(&WriteTxn::LogInteraction, i).ok());
    const absl::Status dependents = (*store)->Run(&WriteTxn::DeleteCustomer, c->id, DeleteOptions{});
    EXPECT_EQ(ErrorKindOf(dependents), ErrorKind::kHasDependents) << dependents;
    EXPECT_NE(dependents.ToString().find("has_dependents"), std::string::npos) << dependents;  // prints well
    Customer stale = *c;
    stale.revision = 7;
    const absl::Status conflict = (*store)->Run(&WriteTxn::UpdateCustomer, stale).status();
    EXPECT_TRUE(absl::IsAborted(conflict));
    EXPECT_EQ(ErrorKindOf(conflict), ErrorKind::kStaleRevision) << conflict;
    EXPECT_EQ(ErrorKindOf(absl::OkStatus()), ErrorKind::kUnspecified);
    EXPECT_EQ(ErrorKindOf(absl::FailedPreconditionError("x")), ErrorKind::kUnspecified);
  }
  // A file whose schema version is above this build's: as a newer release would leave it.
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  ASSERT_EQ(mdb_env_set_maxdbs(env, 64), 0);
  ASSERT_EQ(mdb_env_open(env, path.c_str(), MDB_NOSUBDIR, 0600), 0);
  MDB_txn* txn = nullptr;
  MDB_dbi meta;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "meta", 0, &meta), 0);
  char version[8] = {0, 0, 0, 0, 0, 0, 0x7f, 0};
  MDB_val k{14, const_cast<char*>("schema_version")}, v{8, version};
  ASSERT_EQ(mdb_put(txn, meta, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
  auto newer = Store::Open(path);
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(ErrorKindOf(newer.status()), ErrorKind::kNewerFormat) << newer.status();
  EXPECT_NE(newer.status().message().find("newer libcrm"), std::string_view::npos) << newer.status();
}

TEST(StoreTest, MapGrowsByItselfAndWritesNeverSeeIt) {
  TempDir dir;
  StoreOptions options;
  options.initial_map_size = std::size_t{1} << 20;  // 1 MiB: fills after a few thousand
  options.sync = false;
  auto store = Store::Open(dir.File("grow.db"), options);
  ASSERT_TRUE(store.ok());
  const std::size_t initial = (*store)->map_size();
  // Large single transactions, so growth happens inside a write and it is retried.
  for (int batch = 0; batch < 8; ++batch) {
    absl::Status s = (*store)->Write("loader", [&](WriteTxn& txn) -> absl::Status {
      for (int i = 0; i < 500; ++i) {
        Customer c = Named("Grow" + std::to_string(batch), "Customer" + std::to_string(i));
        c.emails.push_back(Email{"g" + std::to_string(batch) + "." + std::to_string(i) + "@example.com", "", false});
        c.custom["notes"] = std::string(300, 'n');
        if (auto r = txn.CreateCustomer(c); !r.ok()) return r.status();
      }
      return absl::OkStatus();
    });
    ASSERT_TRUE(s.ok()) << s;
  }
  EXPECT_GT((*store)->map_size(), initial);
  EXPECT_EQ(*(*store)->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 4000u);
  EXPECT_EQ((*store)->Run(&ReadTxn::FindCustomerByEmail, "g7.499@example.com")->display_name, "Grow7 Customer499");
}

TEST(StoreTest, MaxMapSizeGivesResourceExhaustedAndKeepsEarlierData) {
  TempDir dir;
  StoreOptions options;
  options.initial_map_size = std::size_t{1} << 20;
  options.max_map_size = std::size_t{4} << 20;
  options.sync = false;
  auto store = Store::Open(dir.File("cap.db"), options);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Run(&WriteTxn::CreateCustomer, Named("First", "One")).ok());
  absl::Status s = (*store)->Write("", [&](WriteTxn& txn) -> absl::Status {
    for (int i = 0; i < 20000; ++i) {
      Customer c = Named("Big", std::to_string(i));
      c.custom["blob"] = std::string(2000, 'b');
      if (auto r = txn.CreateCustomer(c); !r.ok()) return r.status();
    }
    return absl::OkStatus();
  });
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  EXPECT_EQ(*(*store)->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 1u);
  EXPECT_TRUE((*store)->Run(&WriteTxn::CreateCustomer, Named("Still", "Writable")).ok());
}

TEST(StoreTest, StorageFailureMidTransactionAbortsItWhole) {
  TempDir dir;
  StoreOptions options;
  options.initial_map_size = std::size_t{1} << 20;
  options.max_map_size = std::size_t{4} << 20;  // cannot grow: the transaction must fail
  options.sync = false;
  auto store = Store::Open(dir.File("abort.db"), options);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Run(&WriteTxn::CreateCustomer, Named("Before", "Failure")).ok());
  auto txn = (*store)->BeginWrite("filler");
  ASSERT_TRUE(txn.ok());
  absl::Status failure;
  int created = 0;
  for (int i = 0; i < 10000 && failure.ok(); ++i) {
    Customer c = Named("Fill", std::to_string(i));
    c.custom["blob"] = std::string(3000, 'b');
    auto r = txn->CreateCustomer(c);
    if (r.ok()) ++created;
    else failure = r.status();
  }
  ASSERT_TRUE(absl::IsResourceExhausted(failure)) << failure;
  EXPECT_GT(created, 0) << failure;
  // The transaction is over: further calls and the commit report the failure, nothing lands.
  auto after = txn->CreateCustomer(Named("After", "Failure"));
  EXPECT_TRUE(absl::IsFailedPrecondition(after.status())) << after.status();
  EXPECT_NE(after.status().message().find("storage failure"), std::string_view::npos);
  EXPECT_TRUE(absl::IsResourceExhausted(txn->Commit()));
  EXPECT_EQ(*(*store)->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 1u);
  EXPECT_EQ(*(*store)->Run(&ReadTxn::LastChangeSeq), 2u);  // the default pipeline and the first customer
  EXPECT_TRUE((*store)->Run(&WriteTxn::CreateCustomer, Named("Still", "Works")).ok());
}

// Flips one byte in every stored copy of `needle` in the file.
int CorruptFile(const std::string& path, const std::string& needle) {
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  int hits = 0;
  for (std::size_t at = bytes.find(needle); at != std::string::npos; at = bytes.find(needle, at + 1)) {
    bytes[at + 2] ^= 0x20;
    ++hits;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return hits;
}

TEST(StoreTest, CorruptStoredValueIsDataLoss) {
  TempDir dir;
  const std::string path = dir.File("corrupt.db");
  CustomerId id;
  {
    auto store = Store::Open(path);
    ASSERT_TRUE(store.ok());
    Customer c = Named("Qorrupt", "Xylophonist");
    c.tags = {"damaged"};
    id = (*store)->Run(&WriteTxn::CreateCustomer, c)->id;
    ASSERT_TRUE((*store)->Run(&WriteTxn::CreateCustomer, Named("Intact", "Neighbour")).ok());
  }
  ASSERT_GT(CorruptFile(path, "Xylophonist"), 0);
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  auto got = (*store)->Run(&ReadTxn::GetCustomer, id);
  EXPECT_TRUE(absl::IsDataLoss(got.status())) << got.status();
  EXPECT_NE(got.status().message().find("customer 1"), std::string_view::npos) << got.status();
  // Lists that reach it report the loss instead of a wrong record; other records still read.
  EXPECT_TRUE(absl::IsDataLoss((*store)->Run(&ReadTxn::ListCustomers, CustomerQuery::Tag("damaged")).status()));
  EXPECT_EQ((*store)->Run(&ReadTxn::GetCustomer, id + 1)->display_name, "Intact Neighbour");
}

}  // namespace
}  // namespace crm
