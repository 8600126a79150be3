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
