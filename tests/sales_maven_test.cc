// Sales reports on the Maven pipeline (8,800 deals, 30 agents in 6 teams), each figure checked
// against the same figure computed here from the raw CSV files, to the cent: deals and amounts
// per stage, won value per product, win rate per agent, per team and in a quarter, median sales
// cycle per agent, the funnel and its time in stage, and lost reasons.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "support/files.h"
#include "support/fixture.h"
#include "support/maven.h"

namespace crm {
namespace {

using testing::Cents;
using testing::Midnight;
using testing::SplitCsv;

const std::string kMaven = std::string(CRM_TEST_DATA_DIR) + "/maven/";
constexpr double kMicrosPerDay = 86'400'000'000.0;

// A Maven deal as the file has it: opportunity_id,sales_agent,product,account,deal_stage,
// engage_date,close_date,close_value.
struct MavenRow {
  std::string agent, product, stage, engaged, closed, value;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

class SalesMavenTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    pipeline_ = Ok(store_->Run(&WriteTxn::CreatePipeline, testing::MavenStages()));
    for (const auto& [file, preset] : {std::pair{"accounts.csv", "maven_accounts"}, {"sales_teams.csv", "maven_teams"},
                                       {"sales_pipeline.csv", "maven_pipeline"}}) {
      const bool deals = std::string(preset) == "maven_pipeline";
      const ImportJob job =
          Ok(store_->Import({.path = kMaven + file, .pipeline = deals ? "MavenTech" : "", .preset = preset}));
      ASSERT_EQ(job.counts.failed, 0u) << file;
    }
    const auto pipeline = SplitCsv(kMaven + "sales_pipeline.csv");
    for (std::size_t i = 1; i < pipeline.size(); ++i) {
      const auto& r = pipeline[i];
      rows_.push_back(MavenRow{r[1], r[2], r[4], r[5], r[6], r[7]});
    }
    ASSERT_EQ(rows_.size(), 8800u);
    const auto teams = SplitCsv(kMaven + "sales_teams.csv");  // sales_agent,manager,regional_office
    for (std::size_t i = 1; i < teams.size(); ++i) team_of_[teams[i][0]] = teams[i][1];
  }
  template <class R, class Part>
  R Report(absl::StatusOr<R> (Part::*fn)(const SalesQuery&) const, const SalesQuery& q) {
    return Ok(store_->Run(fn, q));
  }
  static bool Closed(const MavenRow& r) { return r.stage == "Won" || r.stage == "Lost"; }

  Pipeline pipeline_;
  std::vector<MavenRow> rows_;
  std::map<std::string, std::string> team_of_;  // agent -> manager, whose team it is
};

TEST_F(SalesMavenTest, PipelineSummaryPerStageAndWonValuePerProduct) {
  std::map<std::string, std::pair<std::uint64_t, std::int64_t>> per_stage;  // count, cents
  std::map<std::string, std::int64_t> won_per_product;
  for (const MavenRow& r : rows_) {
    per_stage[r.stage].first += 1;
    per_stage[r.stage].second += Cents(r.value);
    if (r.stage == "Won") won_per_product[r.product] += Cents(r.value);
  }
  const PipelineSummary s = Report(&ReadTxn::GetPipelineSummary, SalesQuery{});
  ASSERT_EQ(s.rows.size(), 4u);
  for (const PipelineSummaryRow& row : s.rows) {
    SCOPED_TRACE(row.stage_name);
    EXPECT_EQ(row.pipeline, pipeline_.id);
    EXPECT_EQ(row.count, per_stage.at(row.stage_name).first);
    EXPECT_EQ(row.amount, per_stage.at(row.stage_name).second);
    // Open deals have no value yet; closed ones are in dollars (lost ones at 0).
    EXPECT_EQ(row.currency, row.outcome == StageOutcome::kOpen ? "" : "USD");
    if (row.outcome == StageOutcome::kWon) {
      EXPECT_EQ(row.weighted, row.amount);
    }
  }
  EXPECT_EQ(s.rows[0].stage_name, "Prospecting");  // in the pipeline's order
  EXPECT_EQ(s.rows[3].stage_name, "Lost");

  SalesQuery q;
  q.group_by = "custom.product";
  q.filter = *Filter::Parse("stage = 'Won'");
  std::map<std::string, std::int64_t> engine;
  for (const PipelineSummaryRow& row : Report(&ReadTxn::GetPipelineSummary, q).rows) {
    EXPECT_EQ(row.stage_name, "Won");
    engine[row.group.label] += row.amount;
  }
  EXPECT_EQ(engine, won_per_product);  // "GTXPro" and "GTX Pro" as the file writes them
}

TEST_F(SalesMavenTest, WinRatePerAgentPerTeamAndInAQuarter) {
  struct Tally {
    std::uint64_t won = 0, lost = 0;
    std::int64_t won_cents = 0;
  };
  std::map<std::string, Tally> per_agent, per_team;
  Tally q2;
  const Timestamp q2_from = Midnight("2017-04-01"), q2_to = Midnight("2017-07-01");
  for (const MavenRow& r : rows_) {
    if (!Closed(r)) continue;
    for (Tally* t : {&per_agent[r.agent], &per_team[team_of_.at(r.agent)]}) {
      (r.stage == "Won" ? t->won : t->lost) += 1;
      t->won_cents += r.stage == "Won" ? Cents(r.value) : 0;
    }
    const Timestamp closed = Midnight(r.closed);
    if (closed >= q2_from && closed < q2_to) (r.stage == "Won" ? q2.won : q2.lost) += 1;
  }
  ASSERT_EQ(per_agent.size(), 30u);
  ASSERT_EQ(per_team.size(), 6u);

  for (const auto& [field, expected] : {std::pair{"owner", &per_agent}, {"team", &per_team}}) {
    SalesQuery q;
    q.group_by = field;
    const WinRate r = Report(&ReadTxn::GetWinRate, q);
    ASSERT_EQ(r.rows.size(), expected->size()) << field;
    for (const WinRateRow& row : r.rows) {
      SCOPED_TRACE(row.group.label);
      const Tally& t = expected->at(row.group.label);
      EXPECT_EQ(row.won, t.won);
      EXPECT_EQ(row.lost, t.lost);
      EXPECT_DOUBLE_EQ(row.rate, static_cast<double>(t.won) / static_cast<double>(t.won + t.lost));
      ASSERT_EQ(row.by_currency.size(), 1u);
      EXPECT_EQ(row.by_currency[0].currency, "USD");
      EXPECT_EQ(row.by_currency[0].won_amount, t.won_cents);
      EXPECT_EQ(row.by_currency[0].lost_amount, 0);  // Maven's lost deals carry 0
    }
  }
  // The leaderboard: won value per agent, the top one first.
  SalesQuery board;
  board.group_by = "owner";
  std::vector<LeaderboardRow> usd;  // Maven's open deals have no value yet: they rank under currency ""
  for (const LeaderboardRow& row : Report(&ReadTxn::GetLeaderboard, board).rows)
    if (row.currency == "USD") usd.push_back(row);
  ASSERT_EQ(usd.size(), per_agent.size());
  const auto top = std::max_element(per_agent.begin(), per_agent.end(),
                                    [](const auto& a, const auto& b) { return a.second.won_cents < b.second.won_cents; });
  EXPECT_EQ(usd[0].group.label, top->first);
  EXPECT_EQ(usd[0].rank, 1u);
  for (std::size_t i = 0; i < usd.size(); ++i) {
    EXPECT_EQ(usd[i].won_amount, per_agent.at(usd[i].group.label).won_cents);
    if (i > 0) {
      EXPECT_GE(usd[i - 1].won_amount, usd[i].won_amount);
    }
  }

  SalesQuery quarter;
  quarter.period = "2017-Q2";
  const WinRate r = Report(&ReadTxn::GetWinRate, quarter);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].won, q2.won);
  EXPECT_EQ(r.rows[0].lost, q2.lost);
  EXPECT_GT(q2.won, 0u);
}

TEST_F(SalesMavenTest, MedianSalesCyclePerAgentFunnelAndLostReasons) {
  std::map<std::string, std::vector<double>> cycles;
  double closed_days = 0;
  std::uint64_t closed = 0, prospecting = 0, engaged = 0, won = 0;
  for (const MavenRow& r : rows_) {
    if (Closed(r)) {
      const double days = static_cast<double>(Midnight(r.closed) - Midnight(r.engaged)) / kMicrosPerDay;
      if (r.stage == "Won") cycles[r.agent].push_back(days);
      closed_days += days;
      ++closed;
    }
    // The import's history: a deal with an engage date entered Engaging then (and a closed one its
    // closing stage when closed); one without is in Prospecting. Every deal reached Prospecting
    // (the stages before the furthest one entered count as passed); none has left it.
    ++prospecting;
    engaged += r.stage != "Prospecting";
    won += r.stage == "Won";
  }
  SalesQuery q;
  q.group_by = "owner";
  const SalesCycle c = Report(&ReadTxn::GetSalesCycle, q);
  ASSERT_EQ(c.rows.size(), cycles.size());
  for (const SalesCycleRow& row : c.rows) {
    SCOPED_TRACE(row.group.label);
    const std::vector<double>& v = cycles.at(row.group.label);
    EXPECT_EQ(row.won, v.size());
    EXPECT_DOUBLE_EQ(row.median_days, Median(v));
    EXPECT_DOUBLE_EQ(row.min_days, *std::min_element(v.begin(), v.end()));
    EXPECT_DOUBLE_EQ(row.max_days, *std::max_element(v.begin(), v.end()));
  }

  SalesQuery f;
  f.pipeline = pipeline_.id;
  const Funnel funnel = Report(&ReadTxn::GetFunnel, f);
  ASSERT_EQ(funnel.rows.size(), 3u);  // Prospecting, Engaging, Won
  EXPECT_EQ(funnel.rows[0].reached, prospecting);
  EXPECT_EQ(funnel.rows[0].advanced, engaged);
  EXPECT_DOUBLE_EQ(funnel.rows[0].conversion, static_cast<double>(engaged) / static_cast<double>(prospecting));
  EXPECT_EQ(funnel.rows[0].stays, 0u);
  EXPECT_EQ(funnel.rows[1].reached, engaged);
  EXPECT_EQ(funnel.rows[1].advanced, won);
  EXPECT_EQ(funnel.rows[1].stays, closed);  // from the engage date to the close
  EXPECT_NEAR(funnel.rows[1].average_days, closed_days / static_cast<double>(closed), 1e-9);
  EXPECT_EQ(funnel.rows[2].reached, won);

  const LostReasons lost = Report(&ReadTxn::GetLostReasons, SalesQuery{});
  ASSERT_EQ(lost.rows.size(), 1u);  // Maven gives no reasons
  EXPECT_EQ(lost.rows[0].reason, "");
  EXPECT_EQ(lost.rows[0].count, closed - won);
  EXPECT_DOUBLE_EQ(lost.rows[0].share, 1);
}

}  // namespace
}  // namespace crm
