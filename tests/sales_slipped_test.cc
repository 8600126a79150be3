// The deals whose expected close slipped in a period, from the change feed: a slip is an update
// to a later expected close made in the period; pulling it in later counts against the slip.
#include <gtest/gtest.h>

#include "support/fixture.h"
#include "support/maven.h"

namespace crm {
namespace {

using testing::Midnight;

class SlippedTest : public testing::StoreTest {
 protected:
  Opportunity Create(const std::string& title, const std::string& owner, const std::string& close) {
    Opportunity o;
    o.title = title;
    o.owner = owner;
    o.amount = Money{250000, "EUR"};
    o.expected_close = Midnight(close);
    return Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
  }
  void MoveClose(OpportunityId id, const std::string& on, const std::string& close) {
    now_ = Midnight(on);
    Opportunity o = Ok(store_->Run(&ReadTxn::GetOpportunity, id));
    o.expected_close = close.empty() ? 0 : Midnight(close);
    Ok(store_->Run(&WriteTxn::UpdateOpportunity, o));
  }
  SlippedDeals Slipped(const std::string& period, const std::string& group_by = "") {
    SalesQuery q;
    q.period = period;
    q.group_by = group_by;
    return Ok(store_->Run(&ReadTxn::GetSlippedDeals, q));
  }
};

TEST_F(SlippedTest, LaterExpectedClosesInThePeriodAreSlips) {
  now_ = Midnight("2024-01-10");
  const Opportunity a = Create("A", "ann", "2024-03-31");
  const Opportunity b = Create("B", "bob", "2024-04-15");
  const Opportunity c = Create("C", "ann", "2024-05-01");
  MoveClose(a.id, "2024-03-15", "2024-04-30");  // +30 days, in Q1
  MoveClose(a.id, "2024-04-20", "2024-06-30");  // +61 days, in Q2
  MoveClose(b.id, "2024-04-02", "2024-04-10");  // pulled in: not a slip
  MoveClose(c.id, "2024-04-03", "2024-07-01");  // +61 days
  MoveClose(c.id, "2024-05-03", "2024-06-01");  // pulled in by 30: counts against it
  MoveClose(b.id, "2024-07-02", "");            // cleared: not a slip

  SlippedDeals q2 = Slipped("2024-Q2");
  ASSERT_EQ(q2.rows.size(), 2u);
  EXPECT_EQ(q2.rows[0].opportunity, a.id);  // 61 days before C's 31 (and then by id)
  EXPECT_EQ(q2.rows[0].slips, 1u);
  EXPECT_EQ(q2.rows[0].from, Midnight("2024-04-30"));
  EXPECT_EQ(q2.rows[0].to, Midnight("2024-06-30"));
  EXPECT_DOUBLE_EQ(q2.rows[0].days, 61);
  EXPECT_EQ(q2.rows[0].title, "A");
  EXPECT_EQ(q2.rows[0].currency, "EUR");
  EXPECT_EQ(q2.rows[0].amount, 250000);
  EXPECT_EQ(q2.rows[1].opportunity, c.id);
  EXPECT_EQ(q2.rows[1].slips, 1u);
  EXPECT_DOUBLE_EQ(q2.rows[1].days, 31);  // 2024-05-01 to 2024-06-01

  const SlippedDeals year = Slipped("2024", "owner");
  ASSERT_EQ(year.rows.size(), 2u);  // both ann's
  EXPECT_EQ(year.rows[0].group.label, "ann");
  EXPECT_EQ(year.rows[0].opportunity, a.id);
  EXPECT_EQ(year.rows[0].slips, 2u);
  EXPECT_EQ(year.rows[0].from, Midnight("2024-03-31"));
  EXPECT_DOUBLE_EQ(year.rows[0].days, 91);
  EXPECT_TRUE(Slipped("2024-Q3").rows.empty());

  // As a table (the C ABI, Python and the tool read it so).
  SalesQuery q;
  q.period = "2024-Q2";
  const ReportTable t = Ok(store_->Run(&ReadTxn::GetReport, SalesReport::kSlippedDeals, q));
  EXPECT_EQ(t.title, "Slipped deals");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(t.rows[0][6]), "2024-04-30");
  EXPECT_EQ(std::get<std::string>(t.rows[0][7]), "2024-06-30");
  EXPECT_EQ(Ok(ParseSalesReport("slipped")), SalesReport::kSlippedDeals);
}

}  // namespace
}  // namespace crm
