// Readers in many threads while a writer commits: every snapshot is consistent.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "crm/store.hpp"
#include "support/temp_dir.h"

namespace crm {
namespace {

constexpr int kBatch = 10;

TEST(ConcurrencyTest, ReadersSeeWholeBatchesWhileAWriterCommits) {
  testing::TempDir dir;
  StoreOptions options;
  options.sync = false;
  options.initial_map_size = std::size_t{1} << 20;  // growth happens while readers run
  auto opened = Store::Open(dir.File("mt.db"), options);
  ASSERT_TRUE(opened.ok());
  Store& store = **opened;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<long> reads{0};

  auto reader = [&] {
    while (!done.load()) {
      auto txn = store.BeginRead();
      if (!txn.ok()) {
        ++failures;
        continue;
      }
      auto all = txn->CountCustomers(CustomerQuery::All());
      auto tagged = txn->CountCustomers(CustomerQuery::Tag("batch"));
      // A batch is committed whole or not at all, and the index agrees with the records.
      if (!all.ok() || !tagged.ok() || *all % kBatch != 0 || *all != *tagged) ++failures;
      if (all.ok() && *all > 0) {
        auto c = txn->GetCustomer(*all);
        if (!c.ok() || c->tags.size() != 1) ++failures;
      }
      ++reads;
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) readers.emplace_back(reader);
  for (int b = 0; b < 60; ++b) {
    absl::Status s = store.Write("writer", [&](WriteTxn& txn) -> absl::Status {
      for (int i = 0; i < kBatch; ++i) {
        Customer c;
        c.given_name = "T" + std::to_string(b);
        c.family_name = std::to_string(i);
        c.tags = {"batch"};
        c.custom["pad"] = std::string(500, 'p');
        if (auto r = txn.CreateCustomer(c); !r.ok()) return r.status();
      }
      return absl::OkStatus();
    });
    ASSERT_TRUE(s.ok()) << s;
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(*store.Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 60u * kBatch);
}

// The owners' directory is shared between read transactions of one users generation: readers in
// many threads count the deals of a team while a writer moves users (one deal each) between
// teams. Every snapshot counts as its own users say: team B's deals number its members.
TEST(ConcurrencyTest, ReadersGroupByTeamWhileUsersMoveTeams) {
  testing::TempDir dir;
  StoreOptions options;
  options.sync = false;
  auto opened = Store::Open(dir.File("teams.db"), options);
  ASSERT_TRUE(opened.ok());
  Store& store = **opened;
  const Team a = *store.Run(&WriteTxn::CreateTeam, Team{0, 0, 0, 0, "A", "", 0});
  const Team b = *store.Run(&WriteTxn::CreateTeam, Team{0, 0, 0, 0, "B", "", 0});
  std::vector<User> users;
  for (int i = 0; i < 8; ++i) {
    User u;
    u.name = "user" + std::to_string(i);
    u.login = u.name;
    u.team = a.id;
    users.push_back(*store.Run(&WriteTxn::CreateUser, u));
    Opportunity o;
    o.title = "deal";
    o.owner = u.name;
    ASSERT_TRUE(store.Run(&WriteTxn::CreateOpportunity, o).ok());
  }
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<long> reads{0};
  auto reader = [&] {
    while (!done.load()) {
      auto txn = store.BeginRead();
      if (!txn.ok()) {
        ++failures;
        continue;
      }
      Search in_b;
      in_b.filter = *Filter::Parse("team = 'B'");
      auto deals = txn->CountMatching(EntityType::kOpportunity, in_b);
      auto members = txn->ListUsers(b.id);
      if (!deals.ok() || !members.ok() || *deals != members->size()) ++failures;
      ++reads;
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) readers.emplace_back(reader);
  // At least 40 moves, and until the readers have read 30 times while moves go on (threads may
  // start late).
  for (std::size_t round = 0; (round < 40 || reads.load() < 30) && round < 100'000; ++round) {
    User u = *store.Run(&ReadTxn::GetUser, users[round % users.size()].id);
    u.team = u.team == a.id ? b.id : a.id;
    ASSERT_TRUE(store.Run(&WriteTxn::UpdateUser, u).ok());
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(reads.load(), 30);
}

TEST(ConcurrencyTest, ReadTxnMovesBetweenThreads) {
  testing::TempDir dir;
  auto store = Store::Open(dir.File("move.db"));
  ASSERT_TRUE(store.ok());
  Customer c;
  c.display_name = "Moved";
  ASSERT_TRUE((*store)->Run(&WriteTxn::CreateCustomer, c).ok());
  auto txn = (*store)->BeginRead();
  ASSERT_TRUE(txn.ok());
  ReadTxn moved = *std::move(txn);
  std::string name;
  std::thread([&] { name = moved.GetCustomer(1)->display_name; }).join();
  EXPECT_EQ(name, "Moved");
}

}  // namespace
}  // namespace crm
