// The change feed and deletion rules through the public API.
#include <gtest/gtest.h>

#include "support/fixture.h"

namespace crm {
namespace {

class ChangesTest : public testing::StoreTest {
 protected:
  std::vector<Change> All() { return Ok(store_->Run(&ReadTxn::ListChanges, 1, 1000)); }

  // Asserts the feed is 1, 2, ... N without gaps.
  void ExpectGapFree() {
    const std::vector<Change> all = All();
    for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i].seq, i + 1);
    EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), all.size());
  }

  const FieldChange* FieldOf(const Change& c, const std::string& name) {
    for (const auto& f : c.fields)
      if (f.field == name) return &f;
    return nullptr;
  }
};

TEST_F(ChangesTest, EveryWriteOfEveryEntityLandsInTheFeed) {
  const std::uint64_t start = Ok(store_->Run(&ReadTxn::LastChangeSeq));  // the default pipeline's creation
  EXPECT_EQ(start, 1u);
  EXPECT_EQ(All()[0].entity, EntityType::kPipeline);
  now_ = 5'000;
  Customer c;
  c.given_name = "Feed";
  c.family_name = "Me";
  c.tags = {"a"};
  c = Ok(store_->RunAs("alice", &WriteTxn::CreateCustomer, c));
  c.owner = "bob";
  c = Ok(store_->RunAs("alice", &WriteTxn::UpdateCustomer, c));
  ASSERT_TRUE(store_->RunAs("carol", &WriteTxn::ArchiveCustomer, c.id).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::RestoreCustomer, c.id).ok());
  Opportunity o = MakeDeal(c.id, "Feed deal");
  ASSERT_TRUE(store_->RunAs("dave", &WriteTxn::MoveOpportunity, o.id, StageNamed("Proposal")).ok());
  Interaction call = Touch(c.id, InteractionKind::kCall, 4'000);

  const std::vector<Change> feed = Ok(store_->Run(&ReadTxn::ListChanges, start + 1, 100));
  std::vector<std::pair<EntityType, ChangeOp>> ops;
  for (const auto& ch : feed) ops.emplace_back(ch.entity, ch.op);
  const std::vector<std::pair<EntityType, ChangeOp>> expected = {
      {EntityType::kCustomer, ChangeOp::kCreate},     {EntityType::kCustomer, ChangeOp::kUpdate},
      {EntityType::kCustomer, ChangeOp::kArchive},    {EntityType::kCustomer, ChangeOp::kRestore},
      {EntityType::kOpportunity, ChangeOp::kCreate},  {EntityType::kOpportunity, ChangeOp::kStageMove},
      {EntityType::kInteraction, ChangeOp::kCreate},  // last_interaction_at is derived: no change of its own
  };
  EXPECT_EQ(ops, expected);
  EXPECT_EQ(feed[0].actor, "alice");
  EXPECT_EQ(feed[0].at, 5'000);
  EXPECT_EQ(feed[0].entity_id, c.id);
  EXPECT_EQ(feed[2].actor, "carol");
  EXPECT_EQ(feed[3].actor, "system");  // the store's default actor
  EXPECT_EQ(feed[5].actor, "dave");
  ASSERT_NE(FieldOf(feed[0], "display_name"), nullptr);
  EXPECT_EQ(FieldOf(feed[0], "display_name")->after, "Feed Me");
  // An update lists only what changed, with before and after.
  ASSERT_EQ(feed[1].fields.size(), 1u);
  EXPECT_EQ(feed[1].fields[0], (FieldChange{"owner", "", "bob"}));
  EXPECT_EQ(*FieldOf(feed[2], "archived"), (FieldChange{"archived", "", "true"}));
  EXPECT_EQ(FieldOf(feed[5], "stage")->before, "Prospecting (1)");
  EXPECT_EQ(FieldOf(feed[5], "stage")->after, "Proposal (3)");
  EXPECT_EQ(FieldOf(feed[4], "amount")->after, "1000.00 USD");
  EXPECT_EQ(feed[6].entity_id, call.id);
  EXPECT_EQ(FieldOf(feed[6], "occurred_at")->after, "1970-01-01T00:00:00.004000Z");
  ExpectGapFree();
}

TEST_F(ChangesTest, AbortedAndFailedWritesLeaveNoEntryAndNoGap) {
  const Customer c = MakePerson("Gap", "Free", "gap@example.com");
  const std::uint64_t before = Ok(store_->Run(&ReadTxn::LastChangeSeq));
  {
    auto txn = store_->BeginWrite("x");
    ASSERT_TRUE(txn.ok());
    Customer never;
    never.given_name = "Never";
    ASSERT_TRUE(txn->CreateCustomer(never).ok());
    EXPECT_EQ(Ok(txn->LastChangeSeq()), before + 1);  // visible inside
  }  // aborted
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), before);
  // Rejected writes record nothing.
  Customer dup;
  dup.given_name = "Dup";
  dup.emails = {Email{"gap@example.com", "", false}};
  EXPECT_FALSE(store_->Run(&WriteTxn::CreateCustomer, dup).ok());
  Customer stale = c;
  stale.revision = 99;
  EXPECT_FALSE(store_->Run(&WriteTxn::UpdateCustomer, stale).ok());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), before);
  // An update that changes nothing records nothing either.
  EXPECT_TRUE(store_->Run(&WriteTxn::UpdateCustomer, c).ok());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), before);
  MakePerson("Next", "One");
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), before + 1);
  Reopen();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), before + 1);
  MakePerson("After", "Reopen");
  ExpectGapFree();
}

TEST_F(ChangesTest, FieldHistoryOfOneRecord) {
  Customer c = MakePerson("Hist", "Ory");
  Customer other = MakePerson("Oth", "Er");
  const char* owners[] = {"ann", "ben", "cat"};
  for (int i = 0; i < 3; ++i) {
    now_ += 100;
    c.owner = owners[i];
    c.address.city = std::string("City") + std::to_string(i);
    c = Ok(store_->RunAs(owners[i], &WriteTxn::UpdateCustomer, c));
    other.owner = "noise";
    other = Ok(store_->Run(&WriteTxn::UpdateCustomer, other));
  }
  const auto history = Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kCustomer, c.id, "owner"));
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].before, "");
  EXPECT_EQ(history[0].after, "ann");
  EXPECT_EQ(history[2].before, "ben");
  EXPECT_EQ(history[2].after, "cat");
  EXPECT_EQ(history[2].actor, "cat");
  EXPECT_EQ(history[2].at, now_);
  EXPECT_LT(history[0].seq, history[1].seq);
  const auto address = Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kCustomer, c.id, "address"));
  ASSERT_EQ(address.size(), 3u);
  EXPECT_EQ(address[0].field, "address.city");
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kCustomer, c.id, "tags")).empty());
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::FieldHistory, EntityType::kCustomer, c.id, "").status()));
  // A misspelt field is an error naming it, not an empty history.
  auto misspelt = store_->Run(&ReadTxn::FieldHistory, EntityType::kCustomer, c.id, "ownr");
  EXPECT_TRUE(absl::IsInvalidArgument(misspelt.status()));
  EXPECT_NE(misspelt.status().message().find("'ownr' is not a field of customer records (known: account_type, address"),
            std::string::npos)
      << misspelt.status();
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kCustomer, c.id, "custom.tier")).empty());
  EXPECT_TRUE(absl::IsInvalidArgument(
      store_->Run(&ReadTxn::FieldHistory, EntityType::kPipeline, c.id, "custom.tier").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::ListChanges, 1, 0).status()));
}

TEST_F(ChangesTest, DeletingACustomerWithDependentsNeedsCascade) {
  Customer org = MakeOrg("Acme");
  Customer person;
  person.given_name = "Pat";
  person.family_name = "Member";
  person.memberships = {Membership{org.id, "buyer"}};
  person = Ok(store_->Run(&WriteTxn::CreateCustomer, person));
  Customer buyer = MakePerson("Bea", "Buyer");
  Opportunity deal = MakeDeal(buyer.id, "Buyer's deal");
  Opportunity org_deal;
  org_deal.customer = org.id;
  org_deal.title = "Org deal";
  org_deal.amount = Money{100, "EUR"};
  org_deal.contacts = {ContactRole{buyer.id, "decision maker"}};
  org_deal = Ok(store_->Run(&WriteTxn::CreateOpportunity, org_deal));
  Interaction call = Touch(buyer.id, InteractionKind::kCall, 1'000);
  Interaction on_deal;
  on_deal.customer = buyer.id;
  on_deal.kind = InteractionKind::kEmail;
  on_deal.opportunity = deal.id;
  on_deal = Ok(store_->Run(&WriteTxn::LogInteraction, on_deal));

  const std::uint64_t seq = Ok(store_->Run(&ReadTxn::LastChangeSeq));
  auto refused = store_->Run(&WriteTxn::DeleteCustomer, buyer.id, DeleteOptions{});
  ASSERT_TRUE(absl::IsFailedPrecondition(refused)) << refused;
  EXPECT_NE(refused.message().find("interactions"), std::string_view::npos) << refused;
  EXPECT_NE(refused.message().find("1 opportunities"), std::string_view::npos) << refused;
  EXPECT_NE(refused.message().find("contact roles"), std::string_view::npos) << refused;
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), seq);
  EXPECT_TRUE(store_->Run(&ReadTxn::GetCustomer, buyer.id).ok());

  ASSERT_TRUE(store_->RunAs("admin", &WriteTxn::DeleteCustomer, buyer.id, DeleteOptions{.cascade = true}).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetCustomer, buyer.id).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetInteraction, call.id).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetInteraction, on_deal.id).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetOpportunity, deal.id).status()));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::GetOpportunity, org_deal.id)).contacts.empty());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::ForCustomer(buyer.id))), 0u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::AtStage(0, StageNamed("Prospecting")))), 1u);
  TimelineQuery t;
  t.customer = buyer.id;
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ListTimeline, t)).interactions.empty());
  for (const Change& ch : Ok(store_->Run(&ReadTxn::ListChanges, seq + 1, 100))) EXPECT_EQ(ch.actor, "admin");

  // An organization: its members lose the membership, nothing else is touched.
  EXPECT_TRUE(absl::IsFailedPrecondition(store_->Run(&WriteTxn::DeleteCustomer, org.id, DeleteOptions{})));
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, org.id, DeleteOptions{.cascade = true}).ok());
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::GetCustomer, person.id)).memberships.empty());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetOpportunity, org_deal.id).status()));
  ExpectGapFree();
}

}  // namespace
}  // namespace crm
