// Retention of the change feed through the public API: rules by age and by count per record,
// per kind; trimmed changes keep their place and lose their values; the front of the feed is
// removed, a consumer asking before it is told so, numbering goes on without gaps, field history
// forgets what was trimmed, work runs in bounded transactions, and bad policies are refused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crm/error.hpp"
#include "support/fixture.h"

namespace crm {
namespace {

constexpr Timestamp kDay = 86'400'000'000;

class RetentionTest : public testing::StoreTest {
 protected:
  std::vector<Change> Feed(std::uint64_t from = 0) {
    std::vector<Change> all;
    while (true) {
      auto page = Ok(store_->Run(&ReadTxn::ListChanges, from, std::size_t{1000}));
      if (page.empty()) return all;
      from = page.back().seq + 1;
      all.insert(all.end(), page.begin(), page.end());
    }
  }

  void ExpectHealthy() {
    const VerifyReport r = Ok(store_->Run(&ReadTxn::Verify));
    EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems.front());
  }

  // A customer renamed `renames` times, one day apart.
  Customer Renamed(const std::string& email, int renames) {
    Customer c = MakePerson("Old", "Name", email);
    for (int i = 0; i < renames; ++i) {
      now_ += kDay;
      c.family_name = "Name" + std::to_string(i);
      c = Ok(store_->Run(&WriteTxn::UpdateCustomer, c));
    }
    return c;
  }
};

TEST_F(RetentionTest, KeepsTheNewestEntriesOfEachRecordAndRemovesTheFront) {
  // 1 is the default pipeline, made when the store was created.
  const Customer a = Renamed("a@retain.example", 5);  // 2..7: create, 5 renames
  const Customer b = Renamed("b@retain.example", 2);  // 8..10
  const Opportunity deal = MakeDeal(a.id, "Kept deal");  // 11: a kind without a rule
  ASSERT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), 11u);

  RetentionPolicy policy;
  policy.rules = {RetentionRule{EntityType::kCustomer, 0, 2}, RetentionRule{EntityType::kPipeline, 1, 0}};
  policy.batch = 2;
  const RetentionReport report = Ok(store_->ApplyRetention(policy));
  EXPECT_EQ(report.trimmed, 6u);  // the pipeline's 1 (7 days old), a's 2..5, b's 8
  EXPECT_EQ(report.removed, 5u);  // 1..5 leave; 6 and 7 are kept, so 8 stays as a trimmed stub
  EXPECT_EQ(report.first_seq, 6u);
  EXPECT_GE(report.transactions, 6u);  // 6 trims in batches of 2, then the front in batches of 2

  const std::vector<Change> feed = Feed();
  ASSERT_EQ(feed.size(), 6u);
  for (std::size_t i = 0; i < feed.size(); ++i) EXPECT_EQ(feed[i].seq, 6 + i);  // gap-free from the first kept
  const Change& stub = feed[2];  // 8, b's create
  EXPECT_EQ(stub.seq, 8u);
  EXPECT_TRUE(stub.trimmed);
  EXPECT_TRUE(stub.fields.empty());
  EXPECT_TRUE(stub.actor.empty());
  EXPECT_EQ(stub.entity_id, b.id);
  EXPECT_EQ(stub.op, ChangeOp::kCreate);
  EXPECT_FALSE(feed[0].trimmed);
  EXPECT_FALSE(feed[0].fields.empty());
  EXPECT_EQ(feed.back().entity_id, deal.id);

  // A consumer asking before the retained range is told the feed was trimmed.
  const auto early = store_->Run(&ReadTxn::ListChanges, std::uint64_t{3}, std::size_t{10});
  ASSERT_FALSE(early.ok());
  EXPECT_TRUE(absl::IsOutOfRange(early.status()));
  EXPECT_EQ(ErrorKindOf(early.status()), ErrorKind::kTrimmed);
  EXPECT_NE(early.status().message().find("starts at 6"), std::string::npos) << early.status();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FirstChangeSeq)), 6u);

  // Field history keeps only what was retained.
  const auto history = Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kCustomer, a.id, std::string_view("family_name")));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].seq, 6u);
  EXPECT_EQ(history[1].after, "Name4");

  // Numbering goes on; a second run with the same policy finds nothing left to do.
  MakePerson("New", "Person");
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), 12u);
  const RetentionReport again = Ok(store_->ApplyRetention(policy));
  EXPECT_EQ(again.trimmed, 0u);
  EXPECT_EQ(again.removed, 0u);
  ExpectHealthy();
}

TEST_F(RetentionTest, TrimsByAgePerKindAndAnEmptiedFeedNumbersOn) {
  const Customer a = Renamed("old@retain.example", 3);  // 2..5, days 0..3 (1: the pipeline, day 0)
  now_ += 100 * kDay;
  const Opportunity deal = MakeDeal(a.id, "Recent deal");  // 6, today
  RetentionPolicy policy;
  policy.rules = {RetentionRule{EntityType::kCustomer, 30, 0}, RetentionRule{EntityType::kOpportunity, 30, 0}};
  // Without a rule for pipelines, the old pipeline change at the front stays, and so does the
  // place of every change after it.
  RetentionReport report = Ok(store_->ApplyRetention(policy));
  EXPECT_EQ(report.trimmed, 4u);
  EXPECT_EQ(report.removed, 0u);
  EXPECT_EQ(Feed().size(), 6u);
  policy.rules.push_back(RetentionRule{EntityType::kPipeline, 30, 0});
  report = Ok(store_->ApplyRetention(policy));
  EXPECT_EQ(report.trimmed, 1u);
  EXPECT_EQ(report.removed, 5u);
  EXPECT_EQ(report.first_seq, 6u);
  ASSERT_EQ(Feed().size(), 1u);
  EXPECT_EQ(Feed().front().entity_id, deal.id);

  // Everything is old: the feed empties, and the next change takes the next number.
  now_ += 100 * kDay;
  EXPECT_EQ(Ok(store_->ApplyRetention(policy)).removed, 1u);
  EXPECT_TRUE(Feed().empty());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), 6u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FirstChangeSeq)), 7u);
  MakePerson("After", "Trim");
  EXPECT_EQ(Feed().front().seq, 7u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{7}, std::size_t{10})).size(), 1u);
  ExpectHealthy();

  // Reopened, the store keeps where the feed starts.
  Reopen();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FirstChangeSeq)), 7u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), 7u);
}

TEST_F(RetentionTest, AnErasureTombstoneMayLeaveWithTheFront) {
  const Customer a = Renamed("gone@retain.example", 1);
  Ok(store_->Run(&WriteTxn::EraseCustomer, a.id, EraseOptions{}));
  now_ += 400 * kDay;
  MakePerson("Stays", "Here");
  RetentionPolicy policy;
  policy.rules = {RetentionRule{EntityType::kCustomer, 365, 0}, RetentionRule{EntityType::kPipeline, 365, 0}};
  const RetentionReport report = Ok(store_->ApplyRetention(policy));
  EXPECT_EQ(report.removed, 5u);  // the pipeline, the create, the rename, the erasure's delete and tombstone
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListErasures, std::uint64_t{0}, std::size_t{10})).size(), 1u);  // the log stays
  ExpectHealthy();
}

TEST_F(RetentionTest, BadPoliciesAreRefusedAndChangeNothing) {
  Renamed("x@retain.example", 2);
  const auto before = Feed();
  const auto refused = [&](RetentionPolicy p, const std::string& field) {
    const auto r = store_->ApplyRetention(p);
    EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << field << ": " << r.status();
    EXPECT_NE(r.status().message().find(field), std::string::npos) << r.status();
  };
  RetentionPolicy p;
  p.rules = {RetentionRule{EntityType::kCustomer, 0, 0}};
  refused(p, "rules[0]");
  p.rules = {RetentionRule{static_cast<EntityType>(42), 1, 0}};
  refused(p, "rules[0].entity");
  p.rules = {RetentionRule{EntityType::kCustomer, 1, 0}, RetentionRule{EntityType::kCustomer, 0, 1}};
  refused(p, "rules[1].entity");
  p.rules = {RetentionRule{EntityType::kCustomer, 1, 0}};
  p.batch = 0;
  refused(p, "batch");
  EXPECT_EQ(Feed(), before);
}

}  // namespace
}  // namespace crm
