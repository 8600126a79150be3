// Sales reports on deals made by hand, each figure worked out in the test: the pipeline summary
// (weighted amounts rounded once), win rate by count and value, sales cycle, the funnel from stage
// history, lost reasons, periods in time zones, the table form, and the errors of bad queries.
#include <gtest/gtest.h>

#include "support/fixture.h"

namespace crm {
namespace {

constexpr Timestamp kDay = 86'400'000'000;
constexpr Timestamp kJan1_2024 = 1'704'067'200'000'000;  // 2024-01-01T00:00:00Z

class SalesTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    now_ = kJan1_2024;
    Pipeline p;
    p.name = "Direct";
    p.stages = {{0, "Lead", 10, StageOutcome::kOpen},
                {0, "Qualified", 30, StageOutcome::kOpen},
                {0, "Proposal", 60, StageOutcome::kOpen},
                {0, "Won", 100, StageOutcome::kWon},
                {0, "Lost", 0, StageOutcome::kLost}};
    pipeline_ = Ok(store_->Run(&WriteTxn::CreatePipeline, p));
  }
  StageId S(const std::string& name) { return pipeline_.FindStage(name)->id; }
  Opportunity Deal(const std::string& owner, std::int64_t minor, const std::string& currency,
                   const std::string& stage = "Lead", Timestamp expected_close = 0) {
    Opportunity o;
    o.title = owner + " deal";
    o.pipeline = pipeline_.id;
    o.stage = S(stage);
    o.owner = owner;
    if (!currency.empty()) o.amount = Money{minor, currency};
    o.expected_close = expected_close;
    return Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
  }
  void Move(OpportunityId id, const std::string& stage) {
    Ok(store_->Run(&WriteTxn::MoveOpportunity, id, S(stage)));
  }
  void Lose(OpportunityId id, const std::string& reason) {
    Ok(store_->Run(&WriteTxn::CloseLost, id, std::string_view(reason)));
  }
  template <class R, class Part>
  R Report(absl::StatusOr<R> (Part::*fn)(const SalesQuery&) const, const SalesQuery& q) {
    return Ok(store_->Run(fn, q));
  }
  Pipeline pipeline_;
};

TEST_F(SalesTest, PipelineSummaryPerStageAndCurrencyWeightsOnceAtTheEnd) {
  Deal("ann", 105, "USD");  // 1.05 at 10 %: 0.105 each, 0.21 together (0.11 + 0.11 deal by deal)
  Deal("ann", 105, "USD");
  Deal("bob", 33333, "EUR", "Proposal");  // 333.33 at 60 %: 199.998
  Deal("bob", 0, "", "Proposal");         // no amount
  const PipelineSummary all = Report(&ReadTxn::GetPipelineSummary, SalesQuery{});
  // The default pipeline has no deal, so only Direct's stages with deals appear.
  ASSERT_EQ(all.rows.size(), 3u);
  EXPECT_EQ(all.rows[0].stage_name, "Lead");
  EXPECT_EQ(all.rows[0].pipeline_name, "Direct");
  EXPECT_EQ(all.rows[0].currency, "USD");
  EXPECT_EQ(all.rows[0].count, 2u);
  EXPECT_EQ(all.rows[0].amount, 210);
  EXPECT_EQ(all.rows[0].weighted, 21);
  EXPECT_TRUE(all.rows[0].group.empty);
  EXPECT_EQ(all.rows[1].stage_name, "Proposal");
  EXPECT_EQ(all.rows[1].currency, "");  // currencies sort as text: "" first
  EXPECT_EQ(all.rows[1].count, 1u);
  EXPECT_EQ(all.rows[1].amount, 0);
  EXPECT_EQ(all.rows[2].currency, "EUR");
  EXPECT_EQ(all.rows[2].amount, 33333);
  EXPECT_EQ(all.rows[2].weighted, 20000);  // 19999.8 rounded

  SalesQuery by_owner;
  by_owner.group_by = "owner";
  by_owner.filter = *Filter::Parse("stage = 'Lead' or currency = 'EUR'");
  const PipelineSummary owners = Report(&ReadTxn::GetPipelineSummary, by_owner);
  ASSERT_EQ(owners.rows.size(), 2u);
  EXPECT_EQ(owners.rows[0].group.label, "ann");
  EXPECT_EQ(owners.rows[0].count, 2u);
  EXPECT_EQ(owners.rows[1].group.label, "bob");
  EXPECT_EQ(owners.rows[1].amount, 33333);
}

TEST_F(SalesTest, PipelineSummaryPeriodSelectsByCloseDateOrExpectedClose) {
  Deal("ann", 1000, "USD", "Lead", kJan1_2024 + 40 * kDay);   // expected in February
  Deal("ann", 2000, "USD", "Lead", kJan1_2024 + 100 * kDay);  // expected in April
  const Opportunity won = Deal("ann", 4000, "USD", "Lead", kJan1_2024 + 100 * kDay);
  now_ = kJan1_2024 + 50 * kDay;  // closed in February though expected in April
  Ok(store_->Run(&WriteTxn::CloseWon, won.id));
  Deal("ann", 8000, "USD");  // no expected close: in no period
  SalesQuery q;
  q.period = "2024-02";
  const PipelineSummary feb = Report(&ReadTxn::GetPipelineSummary, q);
  ASSERT_EQ(feb.rows.size(), 2u);
  EXPECT_EQ(feb.rows[0].stage_name, "Lead");
  EXPECT_EQ(feb.rows[0].amount, 1000);
  EXPECT_EQ(feb.rows[1].stage_name, "Won");
  EXPECT_EQ(feb.rows[1].outcome, StageOutcome::kWon);
  EXPECT_EQ(feb.rows[1].weighted, 4000);
  q.period = "2024-Q2";
  const PipelineSummary q2 = Report(&ReadTxn::GetPipelineSummary, q);
  ASSERT_EQ(q2.rows.size(), 1u);
  EXPECT_EQ(q2.rows[0].amount, 2000);
}

TEST_F(SalesTest, WinRateByCountAndByValuePerCurrencyInThePeriod) {
  const Opportunity a = Deal("ann", 10000, "USD"), b = Deal("ann", 30000, "USD"), c = Deal("ann", 500, "EUR"),
                    d = Deal("bob", 7000, "USD"), e = Deal("bob", 1, "USD"), f = Deal("bob", 1, "USD");
  now_ = kJan1_2024 + 10 * kDay;
  Ok(store_->Run(&WriteTxn::CloseWon, a.id));
  Lose(b.id, "price");
  Ok(store_->Run(&WriteTxn::CloseWon, c.id));
  Lose(d.id, "timing");
  now_ = kJan1_2024 + 100 * kDay;  // in April: outside Q1
  Ok(store_->Run(&WriteTxn::CloseWon, e.id));
  SalesQuery q;
  q.group_by = "owner";
  q.period = "2024-Q1";
  const WinRate r = Report(&ReadTxn::GetWinRate, q);
  ASSERT_EQ(r.rows.size(), 2u);
  const WinRateRow& ann = r.rows[0];
  EXPECT_EQ(ann.group.label, "ann");
  EXPECT_EQ(ann.won, 2u);
  EXPECT_EQ(ann.lost, 1u);
  EXPECT_DOUBLE_EQ(ann.rate, 2.0 / 3);
  ASSERT_EQ(ann.by_currency.size(), 2u);
  EXPECT_EQ(ann.by_currency[0].currency, "EUR");
  EXPECT_EQ(ann.by_currency[0].won_amount, 500);
  EXPECT_DOUBLE_EQ(ann.by_currency[0].rate, 1.0);
  EXPECT_EQ(ann.by_currency[1].currency, "USD");
  EXPECT_EQ(ann.by_currency[1].won_amount, 10000);
  EXPECT_EQ(ann.by_currency[1].lost_amount, 30000);
  EXPECT_DOUBLE_EQ(ann.by_currency[1].rate, 0.25);
  const WinRateRow& bob = r.rows[1];
  EXPECT_EQ(bob.won, 0u);
  EXPECT_EQ(bob.lost, 1u);
  EXPECT_DOUBLE_EQ(bob.rate, 0.0);
  (void)f;  // still open: in no win rate

  const WinRate all = Report(&ReadTxn::GetWinRate, SalesQuery{});
  ASSERT_EQ(all.rows.size(), 1u);
  EXPECT_EQ(all.rows[0].won, 3u);
  EXPECT_EQ(all.rows[0].lost, 2u);

  // A reopened deal leaves the win rate; closing it again counts once.
  Move(a.id, "Proposal");
  EXPECT_EQ(Report(&ReadTxn::GetWinRate, SalesQuery{}).rows[0].won, 2u);
}

TEST_F(SalesTest, SalesCycleOfWonDealsInDays) {
  std::vector<OpportunityId> ids;
  for (int i = 0; i < 4; ++i) {
    now_ = kJan1_2024 + i * kDay;
    ids.push_back(Deal("ann", 100, "USD").id);
  }
  now_ = kJan1_2024 + 10 * kDay;  // cycles 10, 9, 8 days; the fourth is lost
  for (int i = 0; i < 3; ++i) Ok(store_->Run(&WriteTxn::CloseWon, ids[static_cast<std::size_t>(i)]));
  Lose(ids[3], "gone quiet");
  now_ = kJan1_2024 + 10 * kDay + kDay / 2;
  const OpportunityId late = Deal("ann", 100, "USD").id;
  now_ += 3 * kDay;
  Ok(store_->Run(&WriteTxn::CloseWon, late));  // 3 days
  const SalesCycle c = Report(&ReadTxn::GetSalesCycle, SalesQuery{});
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0].won, 4u);
  EXPECT_DOUBLE_EQ(c.rows[0].average_days, 7.5);
  EXPECT_DOUBLE_EQ(c.rows[0].median_days, 8.5);
  EXPECT_DOUBLE_EQ(c.rows[0].min_days, 3);
  EXPECT_DOUBLE_EQ(c.rows[0].max_days, 10);
  SalesQuery q;
  q.from = kJan1_2024 + 11 * kDay;  // only the late one closed after
  const SalesCycle later = Report(&ReadTxn::GetSalesCycle, q);
  ASSERT_EQ(later.rows.size(), 1u);
  EXPECT_EQ(later.rows[0].won, 1u);
  EXPECT_DOUBLE_EQ(later.rows[0].median_days, 3);
}

TEST_F(SalesTest, FunnelFromStageHistorySkippedStagesCountAsPassed) {
  const Opportunity a = Deal("ann", 1, "USD"), b = Deal("ann", 1, "USD"), c = Deal("bob", 1, "USD"),
                    d = Deal("bob", 1, "USD");
  now_ += 2 * kDay;
  Move(a.id, "Qualified");
  Move(b.id, "Proposal");  // skips Qualified
  Ok(store_->Run(&WriteTxn::CloseWon, d.id));  // won straight from Lead
  now_ += 4 * kDay;
  Move(a.id, "Proposal");
  Lose(b.id, "price");
  now_ += 6 * kDay;
  Ok(store_->Run(&WriteTxn::CloseWon, a.id));
  (void)c;  // still in Lead

  SalesQuery q;
  q.pipeline = pipeline_.id;
  const Funnel f = Report(&ReadTxn::GetFunnel, q);
  ASSERT_EQ(f.rows.size(), 4u);  // Lead, Qualified, Proposal, Won
  EXPECT_EQ(f.pipeline, pipeline_.id);
  const auto row = [&](std::size_t i, const char* stage, std::uint64_t reached, std::uint64_t advanced,
                       std::uint64_t stays, double days) {
    SCOPED_TRACE(stage);
    EXPECT_EQ(f.rows[i].stage_name, stage);
    EXPECT_EQ(f.rows[i].reached, reached);
    EXPECT_EQ(f.rows[i].advanced, advanced);
    EXPECT_DOUBLE_EQ(f.rows[i].conversion, reached == 0 ? 0 : static_cast<double>(advanced) / reached);
    EXPECT_EQ(f.rows[i].stays, stays);
    EXPECT_DOUBLE_EQ(f.rows[i].average_days, days);
  };
  row(0, "Lead", 4, 3, 3, 2);           // a, b, d left after 2 days; c stays
  row(1, "Qualified", 3, 3, 1, 4);      // a (4 days), b skipped it, d won
  row(2, "Proposal", 3, 2, 2, 5);       // a 6 days, b 4 days; a and d won
  row(3, "Won", 2, 0, 0, 0);
  EXPECT_EQ(f.rows[3].outcome, StageOutcome::kWon);

  q.group_by = "owner";
  const Funnel by_owner = Report(&ReadTxn::GetFunnel, q);
  ASSERT_EQ(by_owner.rows.size(), 8u);
  EXPECT_EQ(by_owner.rows[4].group.label, "bob");
  EXPECT_EQ(by_owner.rows[4].reached, 2u);
  EXPECT_EQ(by_owner.rows[7].reached, 1u);

  // Created in the period: none of these deals were made in 2023.
  q.group_by.clear();
  q.period = "2023";
  const Funnel none = Report(&ReadTxn::GetFunnel, q);
  ASSERT_EQ(none.rows.size(), 4u);  // the stages, with nothing in them
  EXPECT_EQ(none.rows[0].reached, 0u);
  EXPECT_DOUBLE_EQ(none.rows[0].conversion, 0);
}

TEST_F(SalesTest, LostReasonsRankedPerGroup) {
  for (const char* reason : {"price", "timing", "price", "scope", "price", "timing"}) Lose(Deal("ann", 1, "USD").id, reason);
  Lose(Deal("bob", 1, "USD").id, "no budget");
  SalesQuery q;
  q.group_by = "owner";
  const LostReasons r = Report(&ReadTxn::GetLostReasons, q);
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows[0].reason, "price");
  EXPECT_EQ(r.rows[0].count, 3u);
  EXPECT_DOUBLE_EQ(r.rows[0].share, 0.5);
  EXPECT_EQ(r.rows[1].reason, "timing");
  EXPECT_EQ(r.rows[2].reason, "scope");
  EXPECT_EQ(r.rows[3].group.label, "bob");
  EXPECT_DOUBLE_EQ(r.rows[3].share, 1);
}

TEST_F(SalesTest, LeaderboardRanksWonValuePerCurrencyAndCountsOpenDealsWhateverThePeriod) {
  const Opportunity a1 = Deal("ann", 10000, "USD"), a2 = Deal("ann", 5000, "USD"), a3 = Deal("ann", 7, "USD"),
                    b1 = Deal("bob", 15000, "USD"), c1 = Deal("carl", 1000, "USD"), c2 = Deal("carl", 90000, "USD");
  Deal("ann", 50000, "EUR");  // open, at 10 %
  now_ = kJan1_2024 + 10 * kDay;
  for (const Opportunity& o : {a1, a2, b1, c1}) Ok(store_->Run(&WriteTxn::CloseWon, o.id));
  Lose(a3.id, "price");
  now_ = kJan1_2024 + 100 * kDay;  // April: outside Q1
  Ok(store_->Run(&WriteTxn::CloseWon, c2.id));
  SalesQuery q;
  q.group_by = "owner";
  q.period = "2024-Q1";
  const Leaderboard l = Report(&ReadTxn::GetLeaderboard, q);
  ASSERT_EQ(l.rows.size(), 4u);
  EXPECT_EQ(l.rows[0].currency, "EUR");
  EXPECT_EQ(l.rows[0].group.label, "ann");
  EXPECT_EQ(l.rows[0].rank, 1u);
  EXPECT_EQ(l.rows[0].open, 1u);
  EXPECT_EQ(l.rows[0].open_amount, 50000);
  EXPECT_EQ(l.rows[0].open_weighted, 5000);
  EXPECT_DOUBLE_EQ(l.rows[0].win_rate, 2.0 / 3);  // the group's, every currency
  const auto usd = [&](std::size_t i, const char* who, std::uint64_t rank, std::int64_t won) {
    SCOPED_TRACE(who);
    EXPECT_EQ(l.rows[i].currency, "USD");
    EXPECT_EQ(l.rows[i].group.label, who);
    EXPECT_EQ(l.rows[i].rank, rank);
    EXPECT_EQ(l.rows[i].won_amount, won);
  };
  usd(1, "ann", 1, 15000);  // a tie: both first, in the groups' order
  usd(2, "bob", 1, 15000);
  usd(3, "carl", 3, 1000);  // its April deal is outside the quarter
  EXPECT_EQ(l.rows[1].lost, 1u);
  EXPECT_EQ(l.rows[3].won, 1u);
  const ReportTable t = Ok(store_->Run(&ReadTxn::GetReport, SalesReport::kLeaderboard, q));
  EXPECT_EQ(t.title, "Leaderboard");
  EXPECT_EQ(std::get<std::int64_t>(t.rows[3][2]), 3);  // rank
}

TEST_F(SalesTest, PeriodsInTimeZones) {
  const auto period = [](std::string_view p, std::string_view tz = "UTC") { return SalesQuery::ParsePeriod(p, tz); };
  EXPECT_EQ(*period("2024"), std::pair(kJan1_2024, kJan1_2024 + 366 * kDay));
  EXPECT_EQ(*period("2024-Q2"), std::pair(kJan1_2024 + 91 * kDay, kJan1_2024 + 182 * kDay));
  EXPECT_EQ(*period("2024-q1"), std::pair(kJan1_2024, kJan1_2024 + 91 * kDay));
  EXPECT_EQ(*period("2024-02"), std::pair(kJan1_2024 + 31 * kDay, kJan1_2024 + 60 * kDay));
  EXPECT_EQ(*period("2024-02-29"), std::pair(kJan1_2024 + 59 * kDay, kJan1_2024 + 60 * kDay));
  EXPECT_EQ(*period("2024-W01"), std::pair(kJan1_2024, kJan1_2024 + 7 * kDay));  // 1 January 2024 is a Monday
  const Timestamp dec28 = period("2020-12-28")->first;  // 2020 has 53 ISO weeks; its last begins then
  EXPECT_EQ(*period("2020-W53"), std::pair(dec28, dec28 + 7 * kDay));
  EXPECT_EQ(*period("2024-01..2024-02"), std::pair(kJan1_2024, kJan1_2024 + 60 * kDay));
  // Berlin is an hour ahead in winter: its 2024 begins at 23:00 UTC the day before.
  EXPECT_EQ(period("2024", "Europe/Berlin")->first, kJan1_2024 - kDay / 24);
  for (const char* bad : {"2021-W53", "2023-02-29", "2024-13", "2024-Q5", "24", "2024-1", "last year", "2024-02..x"}) {
    const auto r = period(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("period: '"), std::string_view::npos) << r.status();
  }
  EXPECT_NE(period("2024-03..2024-01").status().message().find("ends before it begins"), std::string_view::npos);
  EXPECT_NE(period("2024", "Mars/Olympus").status().message().find("time_zone: 'Mars/Olympus'"), std::string_view::npos);
}

TEST_F(SalesTest, BadQueriesAreRefusedWithTheReason) {
  Deal("ann", 1, "USD");
  const auto status_of = [&](const SalesQuery& q) { return store_->Run(&ReadTxn::GetWinRate, q).status(); };
  SalesQuery q;
  q.group_by = "ownr";
  EXPECT_NE(status_of(q).message().find("group_by: "), std::string_view::npos) << status_of(q);
  q = {};
  q.filter = Filter::Compare("no_such_field", Filter::Op::kEq, std::string("x"));
  EXPECT_EQ(status_of(q).code(), absl::StatusCode::kInvalidArgument);
  q = {};
  q.from = 10;
  q.to = 10;
  EXPECT_NE(status_of(q).message().find("from: must be before to"), std::string_view::npos);
  q = {};
  q.time_zone = "Nowhere/City";
  EXPECT_NE(status_of(q).message().find("time_zone"), std::string_view::npos);
  q = {};
  q.pipeline = 999;
  EXPECT_EQ(store_->Run(&ReadTxn::GetFunnel, q).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ParseSalesReport("scores").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseSalesReport("WinRate"), SalesReport::kWinRate);
}

TEST_F(SalesTest, ReportsAsTablesAndText) {
  Deal("ann", 105, "USD");
  Deal("ann", 123456, "JPY", "Proposal");
  const ReportTable t = Ok(store_->Run(&ReadTxn::GetReport, SalesReport::kPipelineSummary, SalesQuery{}));
  ASSERT_EQ(t.columns.size(), 8u);
  EXPECT_EQ(t.columns[6].name, "amount");
  EXPECT_EQ(t.columns[6].type, ReportColumn::Type::kMoney);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(t.rows[0][0]));  // not grouped
  EXPECT_EQ(std::get<std::int64_t>(t.rows[1][6]), 123456);
  const std::string text = t.ToText();
  EXPECT_NE(text.find("Pipeline summary\n"), std::string::npos) << text;
  EXPECT_NE(text.find("1.05"), std::string::npos) << text;    // cents
  EXPECT_NE(text.find("123456"), std::string::npos) << text;  // yen have no minor unit
  EXPECT_EQ(text.find("group"), std::string::npos) << text;   // an empty column is left out
  for (SalesReport r : {SalesReport::kWinRate, SalesReport::kSalesCycle, SalesReport::kFunnel, SalesReport::kLostReasons})
    EXPECT_TRUE(store_->Run(&ReadTxn::GetReport, r, SalesQuery{}).ok());
}

}  // namespace
}  // namespace crm
