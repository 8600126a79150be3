// Group commit: writes that threads make at the same time share one commit; each keeps its own
// outcome, sees only what a serial order would show it, and returns only once it is durable.
//
// Grouping is made certain, not left to chance: a first write holds the store (its function
// waits) while the others start, so they queue and join its group, each after it. How
// many commits a run made is read from the store's statistics (the last transaction id).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "crm/store.hpp"
#include "support/temp_dir.h"

namespace crm {
namespace {

using std::chrono::milliseconds;

std::uint64_t LastTxn(const Store& store) { return store.Run(&ReadTxn::Statistics)->last_txn; }

Customer Person(const std::string& key) {
  Customer c;
  c.given_name = key;
  c.family_name = "Group";
  c.external_id = key;
  c.emails.push_back(Email{key + "@group.example", "", true});
  return c;
}

bool Exists(const Store& store, const std::string& key) {
  return store.Run(&ReadTxn::FindCustomerByExternalId, key).ok();
}

// Verify finds nothing wrong: indexes match records, the feed is gap-free.
void ExpectSound(const Store& store) {
  auto report = store.Run(&ReadTxn::Verify);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << report->problems.front();
}

// Holds the store's writer for `hold` while `start` starts the other writers, then lets go.
void WhileHeld(Store& store, milliseconds hold, const std::function<void()>& start) {
  std::atomic<bool> inside{false};
  std::thread holder([&] {
    ASSERT_TRUE(store.Write("holder", [&](WriteTxn& txn) -> absl::Status {
      inside = true;
      std::this_thread::sleep_for(hold);
      return txn.CreateCustomer(Person("holder")).status();
    }).ok());
  });
  while (!inside) std::this_thread::sleep_for(milliseconds(1));
  start();
  holder.join();
}

TEST(ConcurrencyGroupTest, QueuedWritesShareOneDurableCommit) {
  testing::TempDir dir;
  auto opened = Store::Open(dir.File("group.db"));  // durability full: each commit syncs
  ASSERT_TRUE(opened.ok());
  Store& store = **opened;
  const std::uint64_t before = LastTxn(store);
  constexpr int kThreads = 12;
  std::vector<std::thread> writers;
  std::vector<absl::Status> results(kThreads);
  WhileHeld(store, milliseconds(300), [&] {
    for (int t = 0; t < kThreads; ++t)
      writers.emplace_back([&, t] {
        results[t] = store.RunAs("w" + std::to_string(t), &WriteTxn::CreateCustomer, Person("w" + std::to_string(t))).status();
      });
  });
  for (auto& w : writers) w.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_TRUE(results[t].ok()) << t << ": " << results[t];
  // The twelve queued while the holder's write ran: they joined its group, one commit for all.
  EXPECT_EQ(LastTxn(store) - before, 1u);
  for (int t = 0; t < kThreads; ++t) EXPECT_TRUE(Exists(store, "w" + std::to_string(t))) << t;
  // The feed: one create per writer, gap-free, each attributed to its own caller.
  auto changes = store.Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{1000});
  ASSERT_TRUE(changes.ok());
  std::set<std::string> actors;
  for (std::size_t i = 0; i < changes->size(); ++i) {
    EXPECT_EQ((*changes)[i].seq, i + 1);
    actors.insert((*changes)[i].actor);
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(actors.count("w" + std::to_string(t)), 1u);
  ExpectSound(store);
}

TEST(ConcurrencyGroupTest, AFailedMemberLeavesNothingAndTheOthersCommit) {
  testing::TempDir dir;
  auto opened = Store::Open(dir.File("fail.db"));
  ASSERT_TRUE(opened.ok());
  Store& store = **opened;
  const std::uint64_t before = LastTxn(store);
  absl::Status first, bad, last;
  bool last_saw_first = false, last_saw_bad = true;
  std::vector<std::thread> writers;
  WhileHeld(store, milliseconds(400), [&] {
    // Queued in this order: first, bad, last.
    writers.emplace_back([&] { first = store.Run(&WriteTxn::CreateCustomer, Person("first")).status(); });
    std::this_thread::sleep_for(milliseconds(60));
    writers.emplace_back([&] {
      bad = store.Write("bad", [&](WriteTxn& txn) -> absl::Status {
        // Writes, then fails: its writes must vanish, and only its own.
        if (auto made = txn.CreateCustomer(Person("bad")); !made.ok()) return made.status();
        return absl::AbortedError("bad gives up");
      });
    });
    std::this_thread::sleep_for(milliseconds(60));
    writers.emplace_back([&] {
      last = store.Write("last", [&](WriteTxn& txn) -> absl::Status {
        // As in a serial order: the member committed before it is there, the failed one not.
        last_saw_first = txn.FindCustomerByExternalId("first").ok();
        last_saw_bad = txn.FindCustomerByEmail("bad@group.example").ok();
        return txn.CreateCustomer(Person("last")).status();
      });
    });
  });
  for (auto& w : writers) w.join();
  EXPECT_TRUE(first.ok()) << first;
  EXPECT_TRUE(absl::IsAborted(bad)) << bad;
  EXPECT_EQ(bad.message(), "bad gives up");
  EXPECT_TRUE(last.ok()) << last;
  EXPECT_TRUE(last_saw_first);
  EXPECT_FALSE(last_saw_bad);
  EXPECT_EQ(LastTxn(store) - before, 1u);  // one commit: the holder's group
  EXPECT_TRUE(Exists(store, "first"));
  EXPECT_TRUE(Exists(store, "last"));
  EXPECT_FALSE(Exists(store, "bad"));
  EXPECT_FALSE(store.Run(&ReadTxn::FindCustomerByEmail, std::string("bad@group.example")).ok());
  // Ids and feed as if "bad" had never run: no gap where its customer and change were.
  auto f = store.Run(&ReadTxn::FindCustomerByExternalId, std::string("first"));
  auto l = store.Run(&ReadTxn::FindCustomerByExternalId, std::string("last"));
  ASSERT_TRUE(f.ok() && l.ok());
  EXPECT_EQ(l->id, f->id + 1);
  auto changes = store.Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{100});
  ASSERT_TRUE(changes.ok());
  for (std::size_t i = 0; i < changes->size(); ++i) {
    EXPECT_EQ((*changes)[i].seq, i + 1);
    EXPECT_NE((*changes)[i].actor, "bad");
  }
  ExpectSound(store);
}

TEST(ConcurrencyGroupTest, AMemberThatThrowsLeavesNothingAndTheOthersCommit) {
  testing::TempDir dir;
  auto opened = Store::Open(dir.File("throw.db"));
  ASSERT_TRUE(opened.ok());
  Store& store = **opened;
  const std::uint64_t before = LastTxn(store);
  std::string caught;
  absl::Status after;
  std::vector<std::thread> writers;
  WhileHeld(store, milliseconds(300), [&] {
    writers.emplace_back([&] {
      try {
        (void)store.Write("thrower", [&](WriteTxn& txn) -> absl::Status {
          if (auto made = txn.CreateCustomer(Person("thrower")); !made.ok()) return made.status();
          throw std::runtime_error("thrown after writing");
        });
      } catch (const std::runtime_error& e) {
        caught = e.what();  // the caller gets its exception, on its own thread
      }
    });
    std::this_thread::sleep_for(milliseconds(60));
    writers.emplace_back([&] { after = store.Run(&WriteTxn::CreateCustomer, Person("after")).status(); });
  });
  for (auto& w : writers) w.join();
  EXPECT_EQ(caught, "thrown after writing");
  EXPECT_TRUE(after.ok()) << after;
  EXPECT_EQ(LastTxn(store) - before, 1u);
  EXPECT_FALSE(Exists(store, "thrower"));
  EXPECT_TRUE(Exists(store, "after"));
  ExpectSound(store);
}

TEST(ConcurrencyGroupTest, AMemberCannotWaitForItself) {
  testing::TempDir dir;
  auto opened = Store::Open(dir.File("self.db"));
  ASSERT_TRUE(opened.ok());
  Store& store = **opened;
  absl::Status nested_write, nested_begin, backup;
  bool read_ok = false;
  std::thread member, other;
  WhileHeld(store, milliseconds(200), [&] {
    member = std::thread([&] {
      ASSERT_TRUE(store.Write("member", [&](WriteTxn& txn) -> absl::Status {
        // Inside a group, the caller's thread does not hold LMDB's writer: these would wait for
        // the group, which waits for this function.
        nested_write = store.Run(&WriteTxn::CreateCustomer, Person("nested")).status();
        nested_begin = store.BeginWrite().status();
        backup = store.Backup(dir.File("copy.db"));
        read_ok = store.BeginRead().ok();  // reading is fine
        return txn.CreateCustomer(Person("member")).status();
      }).ok());
    });
    std::this_thread::sleep_for(milliseconds(50));
    // A second member, so that "member" runs in a group, not alone.
    other = std::thread([&] { ASSERT_TRUE(store.Run(&WriteTxn::CreateCustomer, Person("other")).ok()); });
  });
  member.join();
  other.join();
  EXPECT_TRUE(absl::IsUnavailable(nested_write)) << nested_write;
  EXPECT_TRUE(absl::IsUnavailable(nested_begin)) << nested_begin;
  EXPECT_TRUE(absl::IsUnavailable(backup)) << backup;
  EXPECT_TRUE(read_ok);
  EXPECT_TRUE(Exists(store, "member"));
  EXPECT_FALSE(Exists(store, "nested"));
}

TEST(ConcurrencyGroupTest, ManyWritersWhileTheMapGrows) {
  testing::TempDir dir;
  StoreOptions options;
  options.durability = Durability::kNone;
  options.initial_map_size = std::size_t{1} << 20;  // groups run out of map space and retry
  auto opened = Store::Open(dir.File("grow.db"), options);
  ASSERT_TRUE(opened.ok());
  Store& store = **opened;
  constexpr int kThreads = 8, kEach = 60;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      for (int k = 0; k < kEach; ++k) {
        Customer c = Person("g" + std::to_string(t) + "-" + std::to_string(k));
        c.custom["pad"] = std::string(2000, static_cast<char>('a' + t));
        if (!store.Run(&WriteTxn::CreateCustomer, c).ok()) ++failures;
      }
    });
  for (auto& w : writers) w.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*store.Run(&ReadTxn::CountCustomers, CustomerQuery::All()), std::uint64_t{kThreads * kEach});
  EXPECT_GT(store.map_size(), std::size_t{1} << 20);
  // Each thread's writes are there in its own order: ids rise with k.
  for (int t = 0; t < kThreads; ++t) {
    std::uint64_t previous = 0;
    for (int k = 0; k < kEach; ++k) {
      auto c = store.Run(&ReadTxn::FindCustomerByExternalId, "g" + std::to_string(t) + "-" + std::to_string(k));
      ASSERT_TRUE(c.ok());
      EXPECT_GT(c->id, previous);
      previous = c->id;
    }
  }
  ExpectSound(store);
}

}  // namespace
}  // namespace crm
