// Pipelines and opportunities through the public API.
#include <gtest/gtest.h>

#include "support/fixture.h"

namespace crm {
namespace {

class PipelineTest : public testing::StoreTest {
 protected:
  std::vector<OpportunityId> Ids(const OpportunityQuery& q) {
    std::vector<OpportunityId> ids;
    for (const auto& o : Ok(store_->Run(&ReadTxn::ListOpportunities, q)).opportunities) ids.push_back(o.id);
    return ids;
  }

  Pipeline ThreeStages(const std::string& name) {
    Pipeline p;
    p.name = name;
    p.stages = {{0, "Open", 30, StageOutcome::kOpen}, {0, "Won", 100, StageOutcome::kWon},
                {0, "Lost", 0, StageOutcome::kLost}};
    return p;
  }
};

TEST_F(PipelineTest, NewStoreHasTheDefaultPipeline) {
  const Pipeline p = Ok(store_->Run(&ReadTxn::GetDefaultPipeline));
  ASSERT_EQ(p.stages.size(), 6u);
  EXPECT_EQ(p.stages[0].name, "Prospecting");
  EXPECT_EQ(p.stages[0].probability, 10);
  EXPECT_EQ(p.stages[4].outcome, StageOutcome::kWon);
  EXPECT_EQ(p.stages[5].outcome, StageOutcome::kLost);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListPipelines)).size(), 1u);
  Reopen();  // not created twice
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListPipelines)).size(), 1u);
}

TEST_F(PipelineTest, PipelineValidation) {
  Pipeline no_won = ThreeStages("x");
  no_won.stages[1].outcome = StageOutcome::kOpen;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::CreatePipeline, no_won).status()));
  Pipeline dup = ThreeStages("x");
  dup.stages[1].name = "open";
  auto r = store_->Run(&WriteTxn::CreatePipeline, dup);
  EXPECT_TRUE(absl::IsInvalidArgument(r.status()));
  EXPECT_NE(r.status().message().find("stages[1].name"), std::string_view::npos) << r.status();
  Pipeline odds = ThreeStages("x");
  odds.stages[0].probability = 150;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::CreatePipeline, odds).status()));
  Pipeline unnamed = ThreeStages(" ");
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::CreatePipeline, unnamed).status()));
  Pipeline foreign = ThreeStages("x");
  foreign.stages[0].id = 99;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::CreatePipeline, foreign).status()));
}

TEST_F(PipelineTest, EditingStagesKeepsIdsAndProtectsUsedStages) {
  Pipeline p = Ok(store_->Run(&WriteTxn::CreatePipeline, ThreeStages("Partners")));
  EXPECT_EQ(p.stages[0].id, 1u);
  EXPECT_EQ(p.stages[2].id, 3u);
  Customer c = MakePerson("Deal", "Maker");
  Opportunity o;
  o.customer = c.id;
  o.title = "Partner deal";
  o.amount = Money{5000, "EUR"};
  o.pipeline = p.id;
  o = Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
  EXPECT_EQ(o.stage, 1u);
  EXPECT_EQ(o.probability, 30);

  // Rename the used stage, add one in front: ids stay, the new one gets the next id.
  Pipeline edit = p;
  edit.stages[0].name = "Engaged";
  edit.stages.insert(edit.stages.begin(), Stage{0, "Intro", 5, StageOutcome::kOpen});
  Pipeline edited = Ok(store_->Run(&WriteTxn::UpdatePipeline, edit));
  EXPECT_EQ(edited.revision, 2u);
  EXPECT_EQ(edited.stages[0].id, 4u);
  EXPECT_EQ(edited.stages[1].id, 1u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetOpportunity, o.id)).stage, 1u);

  // A stage still holding a deal cannot go; an empty one can.
  Pipeline remove_used = edited;
  remove_used.stages.erase(remove_used.stages.begin() + 1);
  auto refused = store_->Run(&WriteTxn::UpdatePipeline, remove_used);
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find("Engaged"), std::string_view::npos);
  Pipeline remove_empty = edited;
  remove_empty.stages.erase(remove_empty.stages.begin());
  EXPECT_TRUE(store_->Run(&WriteTxn::UpdatePipeline, remove_empty).ok());
  EXPECT_TRUE(absl::IsAborted(store_->Run(&WriteTxn::UpdatePipeline, edited).status()));  // stale now

  EXPECT_TRUE(absl::IsFailedPrecondition(store_->Run(&WriteTxn::DeletePipeline, p.id)));  // in use
  EXPECT_TRUE(absl::IsFailedPrecondition(store_->Run(&WriteTxn::DeletePipeline, Ok(store_->Run(&ReadTxn::GetDefaultPipeline)).id)));
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteOpportunity, o.id).ok());
  EXPECT_TRUE(store_->Run(&WriteTxn::DeletePipeline, p.id).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetPipeline, p.id).status()));
}

// Whether a deal is open, won or lost follows its stage's outcome: what is counted of it (its
// index flags, the scoring model) would go stale if the outcome changed under it.
TEST_F(PipelineTest, AStageHoldingDealsKeepsItsOutcome) {
  Pipeline p = Ok(store_->Run(&WriteTxn::CreatePipeline, ThreeStages("Resellers")));
  Opportunity o;
  o.title = "Reseller deal";
  o.pipeline = p.id;
  o = Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
  Pipeline edit = p;
  edit.stages[0].outcome = StageOutcome::kWon;
  edit.stages[0].probability = 100;
  edit.stages.insert(edit.stages.begin(), Stage{0, "Intro", 5, StageOutcome::kOpen});
  auto refused = store_->Run(&WriteTxn::UpdatePipeline, edit);
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find("'Open'"), std::string_view::npos) << refused.status();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetPipeline, p.id)), p);  // unchanged
  // An empty stage may change its outcome.
  Pipeline empty_changed = Ok(store_->Run(&ReadTxn::GetPipeline, p.id));
  empty_changed.stages.insert(empty_changed.stages.begin() + 2, Stage{0, "Lost too", 0, StageOutcome::kLost});
  empty_changed = Ok(store_->Run(&WriteTxn::UpdatePipeline, empty_changed));
  ASSERT_EQ(empty_changed.stages.size(), 4u);
  empty_changed.stages[2].outcome = StageOutcome::kWon;
  empty_changed.stages[2].probability = 100;
  EXPECT_TRUE(store_->Run(&WriteTxn::UpdatePipeline, empty_changed).ok());
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
}

TEST_F(PipelineTest, StageMovesAreRecordedWithWhoWhenAmountAndProbability) {
  Customer c = MakePerson("Buy", "Er");
  now_ = 1'000;
  Opportunity o = MakeDeal(c.id, "Big deal", 250'000);
  EXPECT_EQ(o.stage, StageNamed("Prospecting"));
  EXPECT_EQ(o.probability, 10);
  ASSERT_EQ(o.history.size(), 1u);
  EXPECT_EQ(o.history[0].from, 0u);
  EXPECT_EQ(o.history[0].to, o.stage);

  now_ = 2'000;
  o = Ok(store_->RunAs("kim", &WriteTxn::MoveOpportunity, o.id, StageNamed("Proposal")));
  EXPECT_EQ(o.probability, 50);  // follows the stage
  ASSERT_EQ(o.history.size(), 2u);
  EXPECT_EQ(o.history[1], (StageChange{StageNamed("Prospecting"), StageNamed("Proposal"), 2'000, "kim",
                                       Money{250'000, "USD"}, 50}));
  // A probability set by hand stays through moves between open stages.
  o.probability = 65;
  o = Ok(store_->Run(&WriteTxn::UpdateOpportunity, o));
  EXPECT_TRUE(o.probability_overridden);
  o = Ok(store_->RunAs("kim", &WriteTxn::MoveOpportunity, o.id, StageNamed("Negotiation")));
  EXPECT_EQ(o.probability, 65);
  EXPECT_EQ(o.closed_at, 0);

  now_ = 3'000;
  o = Ok(store_->RunAs("kim", &WriteTxn::CloseWon, o.id));
  EXPECT_EQ(o.stage, StageNamed("Closed won"));
  EXPECT_EQ(o.probability, 100);
  EXPECT_EQ(o.closed_at, 3'000);
  EXPECT_EQ(o.history.size(), 4u);
  EXPECT_EQ(o.history.back().to, StageNamed("Closed won"));
  // Moving the same stage again records nothing.
  EXPECT_EQ(Ok(store_->Run(&WriteTxn::MoveOpportunity, o.id, StageNamed("Closed won"))).history.size(), 4u);
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::MoveOpportunity, o.id, 999).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::MoveOpportunity, 777, StageNamed("Proposal")).status()));
}

TEST_F(PipelineTest, CloseLostNeedsAReasonAndReopeningClearsIt) {
  Customer c = MakePerson("Lo", "St");
  Opportunity o = MakeDeal(c.id, "Lost cause");
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::CloseLost, o.id, "  ").status()));
  o = Ok(store_->Run(&WriteTxn::CloseLost, o.id, "went with a competitor"));
  EXPECT_EQ(o.stage, StageNamed("Closed lost"));
  EXPECT_EQ(o.lost_reason, "went with a competitor");
  EXPECT_EQ(o.probability, 0);
  EXPECT_NE(o.closed_at, 0);
  o = Ok(store_->Run(&WriteTxn::MoveOpportunity, o.id, StageNamed("Qualification")));
  EXPECT_EQ(o.lost_reason, "");
  EXPECT_EQ(o.closed_at, 0);
  EXPECT_EQ(o.probability, 20);
}

TEST_F(PipelineTest, OpportunityValidation) {
  Customer c = MakePerson("Val", "Id");
  Customer org = MakeOrg("Org");
  struct Case {
    std::function<void(Opportunity&)> mutate;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](Opportunity& o) { o.title = ""; }, "title"},
      {[](Opportunity& o) { o.customer = 999; }, "customer"},
      {[](Opportunity& o) { o.amount.currency = "XXX"; }, "amount.currency"},
      {[](Opportunity& o) { o.amount.minor_units = -5; }, "amount"},
      {[](Opportunity& o) { o.probability = 101; }, "probability"},
      {[](Opportunity& o) { o.pipeline = 42; }, "pipeline"},
      {[](Opportunity& o) { o.stage = 42; }, "stage"},
      {[](Opportunity& o) { o.contacts = {ContactRole{999, "x"}}; }, "contacts[0].person"},
      {[&](Opportunity& o) { o.contacts = {ContactRole{org.id, "x"}}; }, "contacts[0].person"},
      {[&](Opportunity& o) { o.contacts = {ContactRole{c.id, "a"}, ContactRole{c.id, "b"}}; }, "contacts[1].person"},
  };
  for (const Case& k : cases) {
    Opportunity o;
    o.customer = c.id;
    o.title = "t";
    o.amount = Money{1, "USD"};
    k.mutate(o);
    auto r = store_->Run(&WriteTxn::CreateOpportunity, o);
    ASSERT_TRUE(absl::IsInvalidArgument(r.status())) << k.field << ": " << r.status();
    EXPECT_NE(r.status().message().find(k.field), std::string_view::npos) << r.status();
  }
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::All())), 0u);
  Opportunity o = MakeDeal(c.id, "Fine");
  Customer other = MakePerson("Oth", "Er");
  Opportunity moved = o;
  moved.customer = other.id;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::UpdateOpportunity, moved).status()));
  Opportunity stale = o;
  ASSERT_TRUE(store_->Run(&WriteTxn::MoveOpportunity, o.id, StageNamed("Proposal")).ok());
  EXPECT_TRUE(absl::IsAborted(store_->Run(&WriteTxn::UpdateOpportunity, stale).status()));
}

TEST_F(PipelineTest, ListsByStageCustomerOwnerCloseDateAndOpenOnly) {
  Customer a = MakePerson("A", "A");
  Customer b = MakePerson("B", "B");
  std::vector<OpportunityId> in_proposal;
  for (int i = 0; i < 12; ++i) {
    Opportunity o;
    o.customer = i % 2 ? a.id : b.id;
    o.title = "deal " + std::to_string(i);
    o.amount = Money{1000 * i, "USD"};
    o.owner = i % 3 ? "sam" : "kim";
    o.expected_close = 10'000 * (12 - i);
    o.stage = i < 8 ? StageNamed("Proposal") : StageNamed("Prospecting");
    o = Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
    if (i < 8) in_proposal.push_back(o.id);
  }
  OpportunityQuery stage = OpportunityQuery::AtStage(0, StageNamed("Proposal"));
  stage.limit = 3;
  std::vector<OpportunityId> paged;
  for (int guard = 0; guard < 10; ++guard) {
    OpportunityPage page = Ok(store_->Run(&ReadTxn::ListOpportunities, stage));
    for (const auto& o : page.opportunities) paged.push_back(o.id);
    if (page.next_page_token.empty()) break;
    stage.page_token = page.next_page_token;
  }
  EXPECT_EQ(paged, in_proposal);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::ForCustomer(a.id))), 6u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::OwnedBy("kim"))), 4u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::InPipeline(0))), 12u);
  // Expected close between 30,000 and 60,000: deals 6..9, soonest first.
  std::vector<OpportunityId> closing = Ids(OpportunityQuery::ClosingBetween(30'000, 60'000));
  ASSERT_EQ(closing.size(), 3u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetOpportunity, closing[0])).expected_close, 30'000);
  ASSERT_TRUE(store_->Run(&WriteTxn::CloseWon, in_proposal[0]).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::CloseLost, in_proposal[1], "budget").ok());
  OpportunityQuery open = OpportunityQuery::ForCustomer(b.id);
  open.open_only = true;
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, open)), 5u);
  OpportunityQuery all_open = OpportunityQuery::All();
  all_open.open_only = true;
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, all_open)), 10u);
  EXPECT_EQ(Ids(OpportunityQuery::AtStage(0, StageNamed("Proposal"))).size(), 6u);
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::ListOpportunities, OpportunityQuery::AtStage(0, 0)).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::ListOpportunities, OpportunityQuery::ClosingBetween(5, 5)).status()));
}

TEST_F(PipelineTest, DeletingADealUnlinksItsInteractions) {
  Customer c = MakePerson("Link", "Ed");
  Opportunity o = MakeDeal(c.id, "Linked");
  Interaction i;
  i.customer = c.id;
  i.kind = InteractionKind::kMeeting;
  i.opportunity = o.id;
  i = Ok(store_->Run(&WriteTxn::LogInteraction, i));
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteOpportunity, o.id).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetOpportunity, o.id).status()));
  Interaction after = Ok(store_->Run(&ReadTxn::GetInteraction, i.id));
  EXPECT_EQ(after.opportunity, 0u);
  EXPECT_EQ(after.revision, 2u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::ForCustomer(c.id))), 0u);
}

TEST_F(PipelineTest, ADealMayHaveNoCustomerYetAndNoAmount) {
  Opportunity o;
  o.title = "Inbound lead";
  o = Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
  EXPECT_EQ(o.customer, 0u);
  EXPECT_TRUE(o.amount.currency.empty());
  o.amount.minor_units = 500;  // a figure without its currency is refused, and named
  auto bad = store_->Run(&WriteTxn::UpdateOpportunity, o);
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status()));
  EXPECT_NE(bad.status().message().find("amount.currency: an amount needs its currency"), std::string::npos)
      << bad.status();
  o.amount.currency = "EUX";
  bad = store_->Run(&WriteTxn::UpdateOpportunity, o);
  EXPECT_NE(bad.status().message().find("'EUX' is not a known ISO 4217 code"), std::string::npos) << bad.status();
  // The account comes later; once set it stays.
  const Customer acme = MakeOrg("Acme");
  o.amount = Money{500, "EUR"};
  o.customer = acme.id;
  o = Ok(store_->Run(&WriteTxn::UpdateOpportunity, o));
  EXPECT_EQ(o.customer, acme.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::ForCustomer(acme.id))), 1u);
  o.customer = MakeOrg("Other").id;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::UpdateOpportunity, o).status()));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).ok());
}

TEST_F(PipelineTest, AWonDealIsReopenedBeforeItCanBeLost) {
  const Customer c = MakePerson("Won", "Deal");
  Opportunity o = MakeDeal(c.id, "Signed");
  o = Ok(store_->Run(&WriteTxn::CloseWon, o.id));
  auto lost = store_->Run(&WriteTxn::CloseLost, o.id, std::string_view("changed their mind"));
  EXPECT_TRUE(absl::IsFailedPrecondition(lost.status())) << lost.status();
  EXPECT_NE(lost.status().message().find("reopen it"), std::string::npos);
  EXPECT_TRUE(absl::IsFailedPrecondition(store_->Run(&WriteTxn::MoveOpportunity, o.id, StageNamed("Closed lost")).status()));
  Opportunity edited = o;
  edited.stage = StageNamed("Closed lost");
  EXPECT_TRUE(absl::IsFailedPrecondition(store_->Run(&WriteTxn::UpdateOpportunity, edited).status()));
  Ok(store_->Run(&WriteTxn::MoveOpportunity, o.id, StageNamed("Negotiation")));
  o = Ok(store_->Run(&WriteTxn::CloseLost, o.id, std::string_view("changed their mind")));
  EXPECT_EQ(o.lost_reason, "changed their mind");
}

}  // namespace
}  // namespace crm
