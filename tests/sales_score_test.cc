// Explained deal scores (crm/scoring.hpp): scores and factors against the naive-Bayes formula
// worked here from counts this test keeps itself, the stage counted as deals went through the
// pipeline, teams read through the owners, options, and thousands of random writes after which
// every live score equals the score after a full recount.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <random>

#include "support/fixture.h"

namespace crm {
namespace {

// The term of a factor: ln(((w + 1) / (W + 2)) / ((l + 1) / (L + 2))).
double Term(double w, double l, double won, double lost) { return std::log(((w + 1) / (won + 2)) / ((l + 1) / (lost + 2))); }

double Probability(double won, double lost, const std::vector<double>& terms) {
  double x = std::log((won + 1) / (lost + 1));
  for (double t : terms) x += t;
  return std::clamp(100 / (1 + std::exp(-x)), 1.0, 99.0);
}

class ScoreTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    Pipeline p;
    p.name = "Trials";
    p.stages = {{0, "Intro", 10, StageOutcome::kOpen}, {0, "Demo", 40, StageOutcome::kOpen},
                {0, "Trial", 70, StageOutcome::kOpen},  {0, "Signed", 100, StageOutcome::kWon},
                {0, "Dropped", 0, StageOutcome::kLost}};
    pipeline_ = Ok(store_->Run(&WriteTxn::CreatePipeline, p));
  }
  StageId StageNamed(const std::string& name) { return pipeline_.FindStage(name)->id; }

  // A deal created at Intro, moved through the open stages up to `to` and, unless `close` is
  // empty, closed ("won" or "lost").
  Opportunity Deal(const std::string& owner, std::int64_t cents, const std::string& source, const std::string& to,
                   const std::string& close = "") {
    Opportunity o;
    o.title = "deal";
    o.pipeline = pipeline_.id;
    o.owner = owner;
    if (cents > 0) o.amount = Money{cents, "USD"};
    if (!source.empty()) o.custom["source"] = source;
    o = Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
    for (const char* stage : {"Demo", "Trial"}) {
      if (to == "Intro") break;
      o = Ok(store_->Run(&WriteTxn::MoveOpportunity, o.id, StageNamed(stage)));
      if (to == stage) break;
    }
    if (close == "won") o = Ok(store_->Run(&WriteTxn::CloseWon, o.id));
    if (close == "lost") o = Ok(store_->Run(&WriteTxn::CloseLost, o.id, std::string_view("price")));
    return o;
  }
  DealScore Score(OpportunityId id) { return Ok(store_->Run(&ReadTxn::ScoreDeal, id)); }
  void SetOptions(std::vector<std::string> fields, std::uint32_t minimum) {
    ScoringOptions o;
    o.fields = std::move(fields);
    o.minimum_closed = minimum;
    ASSERT_TRUE(store_->Run(&WriteTxn::SetScoringOptions, o).ok());
  }

  Pipeline pipeline_;
};

TEST_F(ScoreTest, AScoreIsTheFormulaOverTheCountsOfClosedDealsWithItsFactors) {
  SetOptions({"owner", "amount", "custom.source"}, 4);
  for (int i = 0; i < 3; ++i) Deal("ann", 500000, "web", "Trial", "won");  // USD 5,000: band 1K-10K
  Deal("bob", 5000000, "referral", "Demo", "won");                         // USD 50,000: 10K-100K
  for (int i = 0; i < 2; ++i) Deal("bob", 50000, "web", "Intro", "lost");  // USD 500: 100-1K
  Deal("ann", 2000000, "referral", "Trial", "lost");                       // USD 20,000: 10K-100K
  // W = 4 won, L = 3 lost. Ann's deal at Demo, USD 2,000 from the web:
  const Opportunity open = Deal("ann", 200000, "web", "Demo");
  const DealScore s = Score(open.id);
  EXPECT_EQ(s.basis, ScoreBasis::kModel);
  EXPECT_EQ(s.won, 4u);
  EXPECT_EQ(s.lost, 3u);
  EXPECT_DOUBLE_EQ(s.prior, 100.0 * 5 / 9);
  // Demo was passed by every won deal and by the one lost from Trial (not those lost from Intro).
  const std::map<std::string, std::tuple<std::string, std::uint64_t, std::uint64_t>> expected = {
      {"stage", {"Demo", 4, 1}},
      {"owner", {"ann", 3, 1}},
      {"amount", {"USD 1K-10K", 3, 0}},
      {"custom.source", {"web", 3, 2}}};
  ASSERT_EQ(s.factors.size(), expected.size());
  std::vector<double> terms;
  for (const ScoreFactor& f : s.factors) {
    SCOPED_TRACE(f.field);
    const auto& [value, w, l] = expected.at(f.field);
    EXPECT_EQ(f.value, value);
    EXPECT_EQ(f.won, w);
    EXPECT_EQ(f.lost, l);
    EXPECT_DOUBLE_EQ(f.weight, Term(w, l, 4, 3));
    terms.push_back(Term(w, l, 4, 3));
  }
  EXPECT_DOUBLE_EQ(s.probability, Probability(4, 3, terms));
  for (std::size_t i = 1; i < s.factors.size(); ++i)
    EXPECT_GE(std::abs(s.factors[i - 1].weight), std::abs(s.factors[i].weight));  // strongest first
  EXPECT_EQ(s.factors.front().field, "amount");  // 3 won and none lost in that band
  EXPECT_NE(s.explanation.find("7 closed deals of pipeline 'Trials' (4 won, 3 lost)"), std::string::npos) << s.explanation;

  // At the first stage every lost deal counts; an owner and a source no closed deal had say
  // nothing, and neither does a deal without an amount.
  const DealScore fresh = Score(Deal("zed", 0, "fair", "Intro").id);
  ASSERT_EQ(fresh.factors.size(), 1u);
  EXPECT_EQ(fresh.factors[0].field, "stage");
  EXPECT_EQ(fresh.factors[0].lost, 3u);
  EXPECT_DOUBLE_EQ(fresh.probability, Probability(4, 3, {Term(4, 3, 4, 3)}));

  // A closed deal is what it is; a deal after the last stage anyone was lost from scores high.
  const DealScore closed = Score(Deal("ann", 0, "", "Intro", "won").id);
  EXPECT_EQ(closed.basis, ScoreBasis::kClosed);
  EXPECT_EQ(closed.probability, 100);
  EXPECT_TRUE(closed.factors.empty());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::ScoreDeal, OpportunityId{999}).status()));
}

TEST_F(ScoreTest, TooFewClosedDealsFallBackToTheStageProbabilityAndSaySo) {
  SetOptions({"owner"}, 3);
  const Opportunity open = Deal("ann", 0, "", "Trial");
  Deal("ann", 0, "", "Intro", "won");
  Deal("ann", 0, "", "Intro", "won");
  DealScore s = Score(open.id);  // 2 closed deals, both won
  EXPECT_EQ(s.basis, ScoreBasis::kStageProbability);
  EXPECT_EQ(s.probability, 70);
  EXPECT_TRUE(s.factors.empty());
  EXPECT_NE(s.explanation.find("stage 'Trial'"), std::string::npos) << s.explanation;
  EXPECT_NE(s.explanation.find("at least 3"), std::string::npos) << s.explanation;
  EXPECT_NE(s.explanation.find("2 closed deals"), std::string::npos) << s.explanation;
  Deal("bob", 0, "", "Intro", "won");
  EXPECT_EQ(Score(open.id).basis, ScoreBasis::kStageProbability);  // 3 closed, none lost
  const Opportunity lost = Deal("bob", 0, "", "Demo", "lost");
  s = Score(open.id);
  EXPECT_EQ(s.basis, ScoreBasis::kModel);
  // Reopening the lost deal takes it out of the counts, in the same write.
  ASSERT_TRUE(store_->Run(&WriteTxn::MoveOpportunity, lost.id, StageNamed("Demo")).ok());
  EXPECT_EQ(Score(open.id).basis, ScoreBasis::kStageProbability);
  EXPECT_EQ(Score(lost.id).basis, ScoreBasis::kStageProbability);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
}

TEST_F(ScoreTest, TheTeamIsReadThroughTheOwnersSoAUserMovingTeamNeedsNoRecount) {
  SetOptions({"team"}, 1);
  const Team east = Ok(store_->Run(&WriteTxn::CreateTeam, Team{0, 0, 0, 0, "East", "", 0}));
  const Team west = Ok(store_->Run(&WriteTxn::CreateTeam, Team{0, 0, 0, 0, "West", "", 0}));
  std::map<std::string, User> users;
  for (const auto& [login, team] : {std::pair{"ann", east.id}, {"carl", east.id}, {"bob", west.id}}) {
    User u;
    u.name = std::string(login) + " Smith";
    u.login = login;
    u.team = team;
    users[login] = Ok(store_->Run(&WriteTxn::CreateUser, u));
  }
  Deal("ann", 0, "", "Intro", "won");
  Deal("Carl Smith", 0, "", "Intro", "won");  // by name: the same user as "carl"
  Deal("carl", 0, "", "Intro", "lost");
  Deal("bob", 0, "", "Intro", "lost");
  Deal("nobody", 0, "", "Intro", "won");
  const Opportunity bobs = Deal("bob", 0, "", "Intro");
  DealScore s = Score(bobs.id);
  auto team = std::find_if(s.factors.begin(), s.factors.end(), [](const ScoreFactor& f) { return f.field == "team"; });
  ASSERT_NE(team, s.factors.end());
  EXPECT_EQ(team->value, "West");
  EXPECT_EQ(team->won, 0u);
  EXPECT_EQ(team->lost, 1u);
  User bob = users["bob"];
  bob.team = east.id;
  ASSERT_TRUE(store_->Run(&WriteTxn::UpdateUser, bob).ok());
  s = Score(bobs.id);
  team = std::find_if(s.factors.begin(), s.factors.end(), [](const ScoreFactor& f) { return f.field == "team"; });
  ASSERT_NE(team, s.factors.end());
  EXPECT_EQ(team->value, "East");
  EXPECT_EQ(team->won, 2u);  // ann's and Carl Smith's
  EXPECT_EQ(team->lost, 2u);  // carl's and bob's
  EXPECT_DOUBLE_EQ(s.probability, Probability(3, 2, {Term(3, 2, 3, 2), Term(2, 2, 3, 2)}));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
}

TEST_F(ScoreTest, OptionsAreCheckedKeptAndRecountEveryDeal) {
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetScoringOptions)), ScoringOptions{});
  Deal("ann", 0, "web", "Intro", "won");
  Deal("bob", 0, "web", "Intro", "lost");
  const Opportunity open = Deal("ann", 0, "web", "Intro");
  SetOptions({"custom.source"}, 2);
  const ScoringOptions kept = Ok(store_->Run(&ReadTxn::GetScoringOptions));
  EXPECT_EQ(kept.fields, std::vector<std::string>{"custom.source"});
  EXPECT_EQ(kept.minimum_closed, 2u);
  // The deals closed before the source was chosen are counted by it now.
  DealScore s = Score(open.id);
  ASSERT_EQ(s.factors.size(), 2u);
  EXPECT_EQ(s.factors[1].field, "custom.source");
  EXPECT_EQ(s.factors[1].won, 1u);
  EXPECT_EQ(s.factors[1].lost, 1u);
  for (const auto& [fields, minimum, names] :
       {std::tuple<std::vector<std::string>, std::uint32_t, std::string>{{"stage"}, 2, "fields[0]"},
        {{"owner", "bogus"}, 2, "fields[1]"},
        {{"custom."}, 2, "fields[0]"},
        {{"custom.9lives"}, 2, "fields[0]"},
        {{"owner", "owner"}, 2, "fields[1]"},
        {{"owner"}, 0, "minimum_closed"}}) {
    ScoringOptions bad;
    bad.fields = fields;
    bad.minimum_closed = minimum;
    const absl::Status st = store_->Run(&WriteTxn::SetScoringOptions, bad);
    EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
    EXPECT_NE(st.message().find(names), std::string_view::npos) << st;
  }
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetScoringOptions)), kept);
  Reopen();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetScoringOptions)), kept);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
}

// A held-out AUC (Mann-Whitney, ties counting half) of scores against outcomes.
double Auc(const std::vector<std::pair<double, bool>>& scored) {
  double pairs = 0, right = 0;
  for (const auto& [sw, w] : scored)
    for (const auto& [sl, l] : scored)
      if (w && !l) {
        pairs += 1;
        right += sw > sl ? 1 : sw == sl ? 0.5 : 0;
      }
  return right / pairs;
}

// Outcomes drawn with a planted dependence on the source (web 20 %, referral 80 %) and the owner
// (ann 10 points more, bob 10 less): learned from 2,000 closed deals, the scores of 500 more rank
// them about as well as the true probabilities they were drawn with do.
TEST_F(ScoreTest, OnPlantedDataTheModelRanksWinnersAboveLosers) {
  SetOptions({"owner", "custom.source"}, 20);
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::pair<OpportunityId, bool>> held_out;
  std::vector<std::pair<double, bool>> truth;  // the probability drawn with, and the outcome
  auto t = store_->BeginWrite();
  ASSERT_TRUE(t.ok());
  for (int i = 0; i < 2500; ++i) {
    Opportunity o;
    o.title = "deal";
    o.pipeline = pipeline_.id;
    o.owner = u(rng) < 0.5 ? "ann" : "bob";
    o.custom["source"] = std::string(u(rng) < 0.5 ? "web" : "referral");
    const double p = (std::get<std::string>(o.custom["source"]) == "web" ? 0.2 : 0.8) + (o.owner == "ann" ? 0.1 : -0.1);
    const bool won = u(rng) < p;
    const OpportunityId id = Ok(t->CreateOpportunity(o)).id;
    if (i >= 2000) {
      held_out.emplace_back(id, won);
      truth.emplace_back(p, won);
    } else if (won) {
      Ok(t->CloseWon(id));
    } else {
      Ok(t->CloseLost(id, "price"));
    }
  }
  ASSERT_TRUE(t->Commit().ok());
  std::vector<std::pair<double, bool>> scored;
  for (const auto& [id, won] : held_out) scored.emplace_back(Score(id).probability, won);
  const double auc = Auc(scored), best = Auc(truth);
  std::cout << "planted data: AUC " << auc << ", of the true probabilities " << best << "\n";
  EXPECT_GT(auc, 0.75);
  EXPECT_NEAR(auc, best, 0.02);
}

// Random creates, edits, moves, closes, reopens and deletes in batches; after each batch every
// open deal's score equals its score once every deal is counted again, and Verify finds nothing.
TEST_F(ScoreTest, AfterRandomWritesEveryScoreEqualsTheScoreOfAFullRecount) {
  SetOptions({"owner", "team", "amount", "custom.source", "custom.seats"}, 5);
  const Team east = Ok(store_->Run(&WriteTxn::CreateTeam, Team{0, 0, 0, 0, "East", "", 0}));
  for (const char* login : {"ann", "bob"}) {
    User u;
    u.name = login;
    u.login = login;
    u.team = east.id;
    Ok(store_->Run(&WriteTxn::CreateUser, u));
  }
  std::mt19937_64 rng(20261207);
  const auto pick = [&](auto& v) { return v[rng() % v.size()]; };
  const std::vector<std::string> owners = {"ann", "bob", "", "Carla Outside"}, sources = {"web", "fair", ""};
  std::vector<StageId> open, closed;
  for (const Stage& st : pipeline_.stages) (st.outcome == StageOutcome::kOpen ? open : closed).push_back(st.id);
  std::vector<OpportunityId> ids;
  for (int batch = 0; batch < 8; ++batch) {
    {
      auto t = store_->BeginWrite();
      ASSERT_TRUE(t.ok()) << t.status();
      for (int i = 0; i < 250; ++i) {
        const int op = static_cast<int>(rng() % 10);
        if (ids.empty() || op < 3) {
          Opportunity o;
          o.title = "deal";
          o.pipeline = pipeline_.id;
          o.stage = pick(open);
          o.owner = pick(owners);
          if (rng() % 3 != 0) o.amount = Money{static_cast<std::int64_t>(rng() % 10'000'000), "USD"};
          if (const std::string src = pick(sources); !src.empty()) o.custom["source"] = src;
          if (rng() % 2 == 0) o.custom["seats"] = static_cast<std::int64_t>(rng() % 4);
          ids.push_back(Ok(t->CreateOpportunity(o)).id);
          continue;
        }
        const std::size_t at = rng() % ids.size();
        Opportunity o = Ok(t->GetOpportunity(ids[at]));
        switch (op) {
          case 3:  // an edit of any deal, open or closed
            o.owner = pick(owners);
            o.amount = Money{static_cast<std::int64_t>(rng() % 10'000'000), "USD"};
            o.custom["source"] = pick(sources);
            Ok(t->UpdateOpportunity(o));
            break;
          case 4:
          case 5: {  // a move, which reopens a closed deal
            const absl::Status st = t->MoveOpportunity(o.id, pick(open)).status();
            EXPECT_TRUE(st.ok()) << st;
            break;
          }
          case 6: Ok(t->CloseWon(o.id)); break;
          case 7:
            if (absl::Status st = t->CloseLost(o.id, "price").status(); !st.ok()) {
              EXPECT_TRUE(absl::IsFailedPrecondition(st)) << st;
            }
            break;
          case 8: {  // a move between closing stages or to any stage
            const absl::Status st = t->MoveOpportunity(o.id, pick(closed)).status();
            if (!st.ok()) {
              EXPECT_TRUE(absl::IsFailedPrecondition(st)) << st;  // won to lost
            }
            break;
          }
          default:
            ASSERT_TRUE(t->DeleteOpportunity(o.id).ok());
            ids.erase(ids.begin() + static_cast<long>(at));
        }
      }
      ASSERT_TRUE(t->Commit().ok());
    }
    SCOPED_TRACE(batch);
    ASSERT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
    std::vector<std::pair<double, std::size_t>> live;
    std::size_t modelled = 0;
    for (OpportunityId id : ids) {
      const DealScore s = Score(id);
      live.emplace_back(s.probability, s.factors.size());
      modelled += s.basis == ScoreBasis::kModel;
    }
    EXPECT_GT(modelled, ids.size() / 4);
    SetOptions({"owner", "team", "amount", "custom.source", "custom.seats"}, 5);  // counts every deal again
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const DealScore s = Score(ids[i]);
      ASSERT_EQ(s.probability, live[i].first) << "deal " << ids[i];
      ASSERT_EQ(s.factors.size(), live[i].second) << "deal " << ids[i];
    }
  }
}

}  // namespace
}  // namespace crm
