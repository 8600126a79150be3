// The deal-scoring model on the Maven deals: learned from the earlier-closed 80 % (agent, team
// and product), it scores the later 20 % as open deals. Each score is checked against the
// formula over counts this test takes from the CSV itself, and the test reports the model's AUC
// on that held-out set, computed here (Mann-Whitney: the share of won-lost pairs the scores put in
// the right order, ties counting half): 0.495, as good as chance, for Maven's outcomes are
// independent of every field known before a deal closes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>

#include "support/files.h"
#include "support/fixture.h"
#include "support/maven.h"

namespace crm {
namespace {

using testing::SplitCsv;

const std::string kMavenFiles = std::string(CRM_TEST_DATA_DIR) + "/maven/";

struct ClosedRow {
  std::string id, agent, product, stage, closed;
};

using ValueCounts = std::map<std::string, std::pair<double, double>>;  // value -> won, lost

class ScoreMavenTest : public testing::StoreTest {};

TEST_F(ScoreMavenTest, ScoresOfTheLaterDealsFollowTheCountsOfTheEarlierOnes) {
  const ImportJob teams = Ok(store_->Import({.path = kMavenFiles + "sales_teams.csv", .preset = "maven_teams"}));
  ASSERT_EQ(teams.counts.failed, 0u);
  std::map<std::string, std::string> team_of;  // agent -> manager, whose team it is
  const auto team_rows = SplitCsv(kMavenFiles + "sales_teams.csv");
  for (std::size_t i = 1; i < team_rows.size(); ++i) team_of[team_rows[i][0]] = team_rows[i][1];
  const Pipeline p = Ok(store_->Run(&WriteTxn::CreatePipeline, testing::MavenStages()));
  const StageId engaging = p.FindStage("Engaging")->id;
  ScoringOptions options;
  options.fields = {"owner", "team", "custom.product"};
  ASSERT_TRUE(store_->Run(&WriteTxn::SetScoringOptions, options).ok());

  // opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
  std::vector<ClosedRow> closed;
  const auto csv = SplitCsv(kMavenFiles + "sales_pipeline.csv");
  for (std::size_t i = 1; i < csv.size(); ++i)
    if (csv[i][4] == "Won" || csv[i][4] == "Lost") closed.push_back(ClosedRow{csv[i][0], csv[i][1], csv[i][2], csv[i][4], csv[i][6]});
  std::sort(closed.begin(), closed.end(), [](const ClosedRow& a, const ClosedRow& b) { return std::tie(a.closed, a.id) < std::tie(b.closed, b.id); });
  ASSERT_EQ(closed.size(), 6711u);  // 4,238 won and 2,473 lost (SOURCE.md)
  const std::size_t cut = closed.size() * 8 / 10;

  // The earlier 80 % closed as they did, from Engaging; the later 20 % open in Engaging.
  std::vector<OpportunityId> held_out;
  {
    auto t = store_->BeginWrite();
    ASSERT_TRUE(t.ok()) << t.status();
    for (std::size_t i = 0; i < closed.size(); ++i) {
      Opportunity o;
      o.title = closed[i].id;
      o.pipeline = p.id;
      o.stage = engaging;
      o.owner = closed[i].agent;
      o.custom["product"] = closed[i].product;
      const OpportunityId id = Ok(t->CreateOpportunity(o)).id;
      if (i >= cut) {
        held_out.push_back(id);
      } else if (closed[i].stage == "Won") {
        Ok(t->CloseWon(id));
      } else {
        Ok(t->CloseLost(id, "lost"));
      }
    }
    ASSERT_TRUE(t->Commit().ok());
  }

  // The counts, from the CSV rows.
  double won = 0, lost = 0;
  ValueCounts agents, products, managers;
  for (std::size_t i = 0; i < cut; ++i) {
    const ClosedRow& r = closed[i];
    const bool w = r.stage == "Won";
    (w ? won : lost) += 1;
    for (ValueCounts* c : {&agents, &products, &managers}) {
      const std::string& key = c == &agents ? r.agent : c == &products ? r.product : team_of.at(r.agent);
      ((*c)[key].*(w ? &std::pair<double, double>::first : &std::pair<double, double>::second)) += 1;
    }
  }
  const auto term = [&](const std::pair<double, double>& c) {
    return std::log(((c.first + 1) / (won + 2)) / ((c.second + 1) / (lost + 2)));
  };
  std::vector<std::pair<double, bool>> scored;  // score, won
  for (std::size_t k = 0; k < held_out.size(); ++k) {
    const ClosedRow& r = closed[cut + k];
    const DealScore s = Ok(store_->Run(&ReadTxn::ScoreDeal, held_out[k]));
    ASSERT_EQ(s.basis, ScoreBasis::kModel);
    double x = std::log((won + 1) / (lost + 1)) + term({won, lost});  // every closed deal passed Engaging
    for (const ValueCounts* c : {&agents, &products, &managers}) {
      const std::string& key = c == &agents ? r.agent : c == &products ? r.product : team_of.at(r.agent);
      if (auto it = c->find(key); it != c->end()) x += term(it->second);
    }
    const double expected = std::clamp(100 / (1 + std::exp(-x)), 1.0, 99.0);
    ASSERT_NEAR(s.probability, expected, 1e-9) << r.id;
    scored.emplace_back(s.probability, r.stage == "Won");
  }

  double pairs = 0, right = 0;
  for (const auto& [sw, w] : scored) {
    if (!w) continue;
    for (const auto& [sl, l] : scored) {
      if (l) continue;
      pairs += 1;
      right += sw > sl ? 1 : sw == sl ? 0.5 : 0;
    }
  }
  const double auc = right / pairs;
  std::cout << "Maven held-out AUC: " << auc << " over " << scored.size() << " deals (trained on " << cut << ")\n";
  RecordProperty("auc", std::to_string(auc));
  // Maven's outcomes do not depend on agent, team or product (nor on account, sector or engage
  // month: the data set is synthetic), so no model learns to rank them: an AUC far from 0.5
  // either way would be skill the data does not hold. That the model finds a signal where there
  // is one is checked on planted data (sales_score_test.cc).
  EXPECT_NEAR(auc, 0.5, 0.03);
}

}  // namespace
}  // namespace crm
