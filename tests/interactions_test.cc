// Interactions and the customer timeline through the public API.
#include <gtest/gtest.h>

#include "support/fixture.h"

namespace crm {
namespace {

class InteractionsTest : public testing::StoreTest {
 protected:
  std::vector<InteractionId> Ids(const std::vector<Interaction>& is) {
    std::vector<InteractionId> ids;
    for (const auto& i : is) ids.push_back(i.id);
    return ids;
  }
};

TEST_F(InteractionsTest, LogAndGetEveryField) {
  Customer c = MakePerson("Tim", "Line");
  Opportunity deal = MakeDeal(c.id, "Renewal");
  Interaction i;
  i.customer = c.id;
  i.kind = InteractionKind::kPurchase;
  i.direction = Direction::kInbound;
  i.duration_seconds = 90;
  i.subject = "Ordered 3 seats";
  i.body = "Line one\nLine two";
  i.outcome = "paid";
  i.satisfaction = 5;
  i.amount = Money{29'900, "EUR"};
  i.owner = "sam";
  i.opportunity = deal.id;
  Interaction logged = Ok(store_->Run(&WriteTxn::LogInteraction, i));
  EXPECT_GT(logged.id, 0u);
  EXPECT_EQ(logged.revision, 1u);
  EXPECT_EQ(logged.occurred_at, now_);  // 0 means now
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetInteraction, logged.id)), logged);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetInteraction, 999).status()));
}

TEST_F(InteractionsTest, APersonTalksAboutTheDealsOfTheirOrganizationOrThoseTheyAreAContactOf) {
  Customer org;
  org.kind = CustomerKind::kOrganization;
  org.display_name = "Northwind";
  org = Ok(store_->Run(&WriteTxn::CreateCustomer, org));
  Customer member = MakePerson("Amy", "Member");
  member.memberships = {{org.id, "buyer"}};
  member = Ok(store_->Run(&WriteTxn::UpdateCustomer, member));
  const Customer contact = MakePerson("Cal", "Contact");
  const Customer stranger = MakePerson("Sam", "Stranger");
  Opportunity deal = MakeDeal(org.id, "Scanners");
  deal.contacts = {{contact.id, "champion"}};
  deal = Ok(store_->Run(&WriteTxn::UpdateOpportunity, deal));
  for (const Customer* who : {static_cast<const Customer*>(&member), &contact}) {
    Interaction i;
    i.customer = who->id;
    i.kind = InteractionKind::kCall;
    i.opportunity = deal.id;
    EXPECT_EQ(Ok(store_->Run(&WriteTxn::LogInteraction, i)).opportunity, deal.id) << who->display_name;
  }
  Interaction i;
  i.customer = stranger.id;
  i.opportunity = deal.id;
  auto refused = store_->Run(&WriteTxn::LogInteraction, i);
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status()));
  EXPECT_NE(refused.status().message().find("neither a member nor a contact"), std::string::npos) << refused.status();
}

TEST_F(InteractionsTest, ValidationNamesTheFieldAndWritesNothing) {
  Customer c = MakePerson("Val", "Id");
  Customer other = MakePerson("Oth", "Er");
  Opportunity others_deal = MakeDeal(other.id, "Not yours");
  const std::uint64_t seq = Ok(store_->Run(&ReadTxn::LastChangeSeq));
  struct Case {
    std::function<void(Interaction&)> mutate;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](Interaction& i) { i.customer = 999; }, "customer"},
      {[](Interaction& i) { i.kind = InteractionKind::kOther; }, "kind_label"},
      {[](Interaction& i) { i.kind_label = "visit"; }, "kind_label"},
      {[](Interaction& i) { i.kind = static_cast<InteractionKind>(77); }, "kind"},
      {[](Interaction& i) { i.satisfaction = 6; }, "satisfaction"},
      {[](Interaction& i) { i.amount = Money{1, "ABC"}; }, "amount.currency"},
      {[](Interaction& i) { i.duration_seconds = -1; }, "duration_seconds"},
      {[](Interaction& i) { i.body = "bad \xFF utf8"; }, "body"},
      {[](Interaction& i) { i.body = std::string(70'000, 'b'); }, "body"},
      {[](Interaction& i) { i.subject = "two\nlines"; }, "subject"},
      {[&](Interaction& i) { i.opportunity = others_deal.id; }, "opportunity"},
      {[](Interaction& i) { i.opportunity = 12345; }, "opportunity"},
  };
  for (const Case& k : cases) {
    Interaction i;
    i.customer = c.id;
    i.kind = InteractionKind::kCall;
    k.mutate(i);
    auto r = store_->Run(&WriteTxn::LogInteraction, i);
    ASSERT_TRUE(absl::IsInvalidArgument(r.status())) << k.field << ": " << r.status();
    EXPECT_NE(r.status().message().find(k.field), std::string_view::npos) << r.status();
  }
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), seq);
  TimelineQuery timeline;
  timeline.customer = c.id;
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ListTimeline, timeline)).interactions.empty());
}

TEST_F(InteractionsTest, TimelineOrderRangeKindsAndPages) {
  Customer c = MakePerson("Time", "Line");
  Customer neighbour = MakePerson("Next", "Door");
  std::vector<InteractionId> oldest_first;
  for (int k = 0; k < 30; ++k) {
    const InteractionKind kind = k % 3 == 0 ? InteractionKind::kEmail : InteractionKind::kCall;
    oldest_first.push_back(Touch(c.id, kind, 1'000'000 * (k + 1), "t" + std::to_string(k)).id);
    Touch(neighbour.id, InteractionKind::kCall, 1'000'000 * (k + 1) + 1);  // must never show up
  }
  TimelineQuery q;
  q.customer = c.id;
  q.limit = 7;
  std::vector<InteractionId> seen;
  for (int guard = 0; guard < 10; ++guard) {
    InteractionPage page = Ok(store_->Run(&ReadTxn::ListTimeline, q));
    for (const auto& i : page.interactions) {
      EXPECT_EQ(i.customer, c.id);
      seen.push_back(i.id);
    }
    if (page.next_page_token.empty()) break;
    q.page_token = page.next_page_token;
  }
  EXPECT_EQ(seen, std::vector<InteractionId>(oldest_first.rbegin(), oldest_first.rend()));

  TimelineQuery oldest;
  oldest.customer = c.id;
  oldest.newest_first = false;
  oldest.limit = 3;
  EXPECT_EQ(Ids(Ok(store_->Run(&ReadTxn::ListTimeline, oldest)).interactions),
            std::vector<InteractionId>(oldest_first.begin(), oldest_first.begin() + 3));

  TimelineQuery range;
  range.customer = c.id;
  range.from = 5'000'000;   // inclusive: the 5th
  range.to = 8'000'000;     // exclusive: up to the 7th
  EXPECT_EQ(Ids(Ok(store_->Run(&ReadTxn::ListTimeline, range)).interactions),
            (std::vector<InteractionId>{oldest_first[6], oldest_first[5], oldest_first[4]}));

  TimelineQuery emails;
  emails.customer = c.id;
  emails.kinds = {InteractionKind::kEmail};
  emails.limit = 4;
  std::vector<InteractionId> email_ids;
  for (int guard = 0; guard < 10; ++guard) {
    InteractionPage page = Ok(store_->Run(&ReadTxn::ListTimeline, emails));
    for (const auto& i : page.interactions) {
      EXPECT_EQ(i.kind, InteractionKind::kEmail);
      email_ids.push_back(i.id);
    }
    if (page.next_page_token.empty()) break;
    emails.page_token = page.next_page_token;
  }
  EXPECT_EQ(email_ids.size(), 10u);

  TimelineQuery first;
  first.customer = c.id;
  first.limit = 2;
  TimelineQuery bad = first;
  bad.page_token = Ok(store_->Run(&ReadTxn::ListTimeline, first)).next_page_token;
  ASSERT_FALSE(bad.page_token.empty());
  bad.newest_first = false;  // a token from another query
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::ListTimeline, bad).status()));
  TimelineQuery no_customer;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::ListTimeline, no_customer).status()));
}

TEST_F(InteractionsTest, LastInteractionFollowsContactsNotNotes) {
  Customer c = MakePerson("Last", "Touch");
  Customer quiet = MakePerson("Never", "Called");
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, c.id)).last_interaction_at, 0);
  const Interaction call = Touch(c.id, InteractionKind::kCall, 2'000);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, c.id)).last_interaction_at, 2'000);
  Touch(c.id, InteractionKind::kNote, 9'000);  // internal: not contact
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, c.id)).last_interaction_at, 2'000);
  Touch(c.id, InteractionKind::kEmail, 1'000);  // older: no change
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, c.id)).last_interaction_at, 2'000);
  const Interaction meeting = Touch(c.id, InteractionKind::kMeeting, 5'000);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, c.id)).last_interaction_at, 5'000);
  // Logging does not bump the revision: nobody's edit conflicts with it.
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, c.id)).revision, 1u);

  // "Not contacted since": never-contacted customers first, then the least recently contacted.
  auto not_since = [&](Timestamp t) {
    std::vector<CustomerId> ids;
    for (const auto& x : Ok(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::NotContactedSince(t))).customers) ids.push_back(x.id);
    return ids;
  };
  EXPECT_EQ(not_since(6'000), (std::vector<CustomerId>{quiet.id, c.id}));
  EXPECT_EQ(not_since(5'000), (std::vector<CustomerId>{quiet.id}));

  // Deleting the newest contact falls back to the next one; moving one in time recomputes.
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteInteraction, meeting.id).ok());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, c.id)).last_interaction_at, 2'000);
  Interaction moved = call;
  moved.occurred_at = 7'000;
  moved = Ok(store_->Run(&WriteTxn::UpdateInteraction, moved));
  EXPECT_EQ(moved.revision, 2u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, c.id)).last_interaction_at, 7'000);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetInteraction, call.id)).occurred_at, 7'000);
  TimelineQuery q;
  q.customer = c.id;
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListTimeline, q)).interactions.front().occurred_at, 9'000);  // the note
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListTimeline, q)).interactions.size(), 3u);
}

TEST_F(InteractionsTest, UpdateChecksRevisionAndCustomer) {
  Customer c = MakePerson("Up", "Date");
  Customer other = MakePerson("Oth", "Er");
  Interaction i = Touch(c.id, InteractionKind::kTask, 1'000, "call back");
  Interaction done = i;
  done.done = true;
  ASSERT_TRUE(store_->Run(&WriteTxn::UpdateInteraction, done).ok());
  Interaction stale = i;
  stale.subject = "stale";
  EXPECT_TRUE(absl::IsAborted(store_->Run(&WriteTxn::UpdateInteraction, stale).status()));
  Interaction moved = Ok(store_->Run(&ReadTxn::GetInteraction, i.id));
  moved.customer = other.id;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::UpdateInteraction, moved).status()));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::GetInteraction, i.id)).done);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::DeleteInteraction, 4242)));
}

}  // namespace
}  // namespace crm
