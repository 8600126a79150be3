// Campaigns: their rules, members with statuses (one by one and from a segment), the audience
// with each exclusion's reason, memberships through deletes, merges and unmerges, the change feed
// and Verify.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "support/fixture.h"

namespace crm {
namespace {

class CampaignsTest : public testing::StoreTest {
 protected:
  Campaign Make(const std::string& name, ContactChannel channel = ContactChannel::kEmail, CampaignId parent = 0) {
    Campaign c;
    c.name = name;
    c.channel = channel;
    c.parent = parent;
    return Ok(store_->Run(&WriteTxn::CreateCampaign, c));
  }
  CustomerId Person(const std::string& family, const std::string& email = "", const std::string& phone = "") {
    Customer c;
    c.given_name = "Ann";
    c.family_name = family;
    if (!email.empty()) c.emails.push_back(Email{email, "", false});
    if (!phone.empty()) {
      Phone p;
      p.number = phone;
      c.phones.push_back(p);
    }
    return Ok(store_->Run(&WriteTxn::CreateCustomer, c)).id;
  }
  absl::StatusOr<std::uint64_t> Add(CampaignId c, std::vector<CustomerId> ids, std::string_view status = {}) {
    return store_->Run(&WriteTxn::AddCampaignMembers, c, std::span<const CustomerId>(ids), status);
  }
  void Grant(CustomerId customer, ContactChannel channel = ContactChannel::kEmail) {
    ConsentRecord r;
    r.customer = customer;
    r.purpose = "marketing";
    r.channel = channel;
    r.legal_basis = LegalBasis::kConsent;
    ASSERT_TRUE(store_->Run(&WriteTxn::RecordConsent, r).ok());
  }
  void ExpectSound() {
    for (const std::string& p : Ok(store_->Run(&ReadTxn::Verify)).problems) ADD_FAILURE() << p;
  }
};

TEST_F(CampaignsTest, CampaignsKeepTheirRules) {
  const Campaign spring = Make("Spring launch");
  EXPECT_EQ(spring.statuses, (std::vector<CampaignStatus>{{"sent", false}, {"responded", true}}));
  EXPECT_EQ(spring.default_status, "sent");
  EXPECT_EQ(spring.purpose, "marketing");
  const Campaign webinar = Make("Webinar", ContactChannel::kEmail, spring.id);
  EXPECT_EQ(webinar.parent, spring.id);
  const auto refused = [&](Campaign c, const std::string& text) {
    auto r = store_->Run(&WriteTxn::CreateCampaign, c);
    EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
    EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status();
  };
  refused(Campaign{.name = ""}, "name");
  refused(Campaign{.name = "x", .channel = static_cast<ContactChannel>(9)}, "channel");
  refused(Campaign{.name = "x", .purpose = "news letter"}, "purpose");
  refused(Campaign{.name = "x", .starts_at = 2000, .ends_at = 1000}, "ends_at");
  refused(Campaign{.name = "x", .budget = Money{100, "XXY"}}, "budget.currency");
  refused(Campaign{.name = "x", .budget = Money{100, "EUR"}, .actual_cost = Money{5, "USD"}}, "actual_cost.currency");
  refused(Campaign{.name = "x", .parent = 99}, "parent: campaign 99 does not exist");
  refused(Campaign{.name = "x", .statuses = {{"sent"}, {"SENT"}}}, "statuses[1].name");
  refused(Campaign{.name = "x", .statuses = {{"invited"}}, .default_status = "sent"}, "default_status");
  Campaign cycle = Ok(store_->Run(&ReadTxn::GetCampaign, spring.id));
  cycle.parent = webinar.id;
  auto r = store_->Run(&WriteTxn::UpdateCampaign, cycle);
  EXPECT_TRUE(absl::IsInvalidArgument(r.status()) && r.status().message().find("cycle") != std::string::npos) << r.status();
  auto parent = store_->Run(&WriteTxn::DeleteCampaign, spring.id);
  EXPECT_EQ(ErrorKindOf(parent), ErrorKind::kHasDependents) << parent;
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCampaign, webinar.id).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCampaign, spring.id).ok());
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ListCampaigns)).empty());
}

TEST_F(CampaignsTest, MembersHaveTheCampaignsStatuses) {
  const CustomerId a = Person("A"), b = Person("B"), c = Person("C");
  Campaign event;
  event.name = "User day";
  event.statuses = {{"invited", false}, {"registered", true}, {"attended", true}};
  event = Ok(store_->Run(&WriteTxn::CreateCampaign, event));
  EXPECT_EQ(event.default_status, "invited");
  EXPECT_EQ(Ok(Add(event.id, {a, b, a})), 2u);
  auto missing = Add(event.id, {c, 404});
  EXPECT_TRUE(absl::IsNotFound(missing.status())) << missing.status();
  EXPECT_TRUE(absl::IsInvalidArgument(Add(event.id, {c}, "lost").status()));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCampaign, event.id)).members, 2u);
  now_ += 1000;
  CampaignMember m = Ok(store_->Run(&WriteTxn::SetCampaignMemberStatus, event.id, a, std::string_view("REGISTERED")));
  EXPECT_EQ(m.status, "registered");
  EXPECT_TRUE(m.responded);
  EXPECT_EQ(m.first_responded_at, now_);
  const Timestamp first = now_;
  now_ += 1000;
  m = Ok(store_->Run(&WriteTxn::SetCampaignMemberStatus, event.id, a, std::string_view("invited")));
  EXPECT_FALSE(m.responded);
  EXPECT_EQ(m.first_responded_at, first);  // the first response is kept
  // A status members have cannot go; a flag that changes moves with the members.
  Campaign edit = Ok(store_->Run(&ReadTxn::GetCampaign, event.id));
  edit.statuses = {{"registered", true}, {"attended", true}};
  edit.default_status = "registered";
  auto gone = store_->Run(&WriteTxn::UpdateCampaign, edit);
  EXPECT_TRUE(absl::IsFailedPrecondition(gone.status())) << gone.status();
  EXPECT_NE(gone.status().message().find("2 members have the status 'invited'"), std::string::npos) << gone.status();
  edit.statuses = {{"invited", true}, {"registered", true}, {"attended", true}};
  edit = Ok(store_->Run(&WriteTxn::UpdateCampaign, edit));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::GetCampaignMember, event.id, b)).responded);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCampaignMember, event.id, b)).first_responded_at, now_);

  // From a segment: its members as they are now, each once.
  Segment all{.name = "everyone", .kind = SegmentKind::kDynamic, .filter = "family_name prefix 'c' or family_name = 'a'"};
  all = Ok(store_->Run(&WriteTxn::CreateSegment, all));
  EXPECT_EQ(Ok(store_->Run(&WriteTxn::AddSegmentToCampaign, event.id, all.id, std::string_view("attended"))), 1u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCampaignMember, event.id, c)).status, "attended");
  CampaignMemberPage page = Ok(store_->Run(&ReadTxn::ListCampaignMembers, event.id, std::string_view(), std::size_t{2}));
  ASSERT_EQ(page.members.size(), 2u);
  EXPECT_EQ(page.members[1].customer, b);
  page = Ok(store_->Run(&ReadTxn::ListCampaignMembers, event.id, std::string_view(page.next_page_token), std::size_t{2}));
  ASSERT_EQ(page.members.size(), 1u);
  EXPECT_EQ(page.members[0].customer, c);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CampaignsOf, c)).size(), 1u);
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, c, DeleteOptions{}).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetCampaignMember, event.id, c).status()));
  EXPECT_EQ(Ok(store_->Run(&WriteTxn::RemoveCampaignMembers, event.id, std::span<const CustomerId>(std::vector{b}))), 1u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCampaign, event.id)).members, 1u);
  ExpectSound();
}

TEST_F(CampaignsTest, TheAudienceExcludesWhoCannotBeContactedAndSaysWhy) {
  const CustomerId granted = Person("Granted", "granted@example.com", "+49 30 1234567");
  const CustomerId silent = Person("Silent", "silent@example.com");
  const CustomerId suppressed = Person("Gone", "gone@example.com");
  const CustomerId no_email = Person("Nomail");
  for (CustomerId id : {granted, suppressed, no_email}) Grant(id);
  ASSERT_TRUE(store_->Run(&WriteTxn::Suppress, std::string_view("gone@example.com")).ok());
  const Campaign mail = Make("Newsletter");
  ASSERT_TRUE(Add(mail.id, {granted, silent, suppressed, no_email}).ok());
  const AudiencePage page = Ok(store_->Run(&ReadTxn::CampaignAudience, mail.id, std::string_view(), std::size_t{10}, Timestamp{0}));
  ASSERT_EQ(page.entries.size(), 4u);
  EXPECT_TRUE(page.entries[0].sendable);
  EXPECT_EQ(page.entries[0].verdict, ContactVerdict::kAllowed);
  EXPECT_EQ(page.entries[1].verdict, ContactVerdict::kNoConsent);
  EXPECT_EQ(page.entries[2].verdict, ContactVerdict::kSuppressed);
  EXPECT_EQ(page.entries[3].verdict, ContactVerdict::kNoAddress);
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_FALSE(page.entries[i].sendable);
    EXPECT_FALSE(page.entries[i].reason.empty());
  }
  // A call campaign: consent on the phone channel, and do_not_call, decide.
  Grant(granted, ContactChannel::kPhone);
  const Campaign calls = Make("Call round", ContactChannel::kPhone);
  ASSERT_TRUE(Add(calls.id, {granted}).ok());
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::CampaignAudience, calls.id, std::string_view(), std::size_t{10}, Timestamp{0})).entries[0].sendable);
  Customer dnc = Ok(store_->Run(&ReadTxn::GetCustomer, granted));
  dnc.consent.do_not_call = true;
  ASSERT_TRUE(store_->Run(&WriteTxn::UpdateCustomer, dnc).ok());
  const AudienceEntry e = Ok(store_->Run(&ReadTxn::CampaignAudience, calls.id, std::string_view(), std::size_t{10}, Timestamp{0})).entries[0];
  EXPECT_FALSE(e.sendable);
  EXPECT_EQ(e.verdict, ContactVerdict::kDoNotCall);
}

TEST_F(CampaignsTest, AMergeKeepsTheLosersCampaignHistory) {
  const CustomerId keep = Person("Keep"), gone = Person("Gone");
  const Campaign spring = Make("Spring"), autumn = Make("Autumn");
  ASSERT_TRUE(Add(spring.id, {gone}).ok());
  ASSERT_TRUE(Add(autumn.id, {gone, keep}).ok());
  now_ += 5;
  ASSERT_TRUE(store_->Run(&WriteTxn::SetCampaignMemberStatus, spring.id, gone, std::string_view("responded")).ok());
  const CampaignMember before = Ok(store_->Run(&ReadTxn::GetCampaignMember, spring.id, gone));
  const MergeResult merged = Ok(store_->Run(&WriteTxn::MergeCustomers, keep, std::vector<CustomerId>{gone}, MergeOptions{}));
  CampaignMember taken = Ok(store_->Run(&ReadTxn::GetCampaignMember, spring.id, keep));
  EXPECT_EQ(taken.status, "responded");
  EXPECT_EQ(taken.first_responded_at, before.first_responded_at);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCampaign, autumn.id)).members, 1u);
  ExpectSound();
  ASSERT_TRUE(store_->Run(&WriteTxn::UnmergeCustomers, merged.merge.id).ok());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCampaignMember, spring.id, gone)), before);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetCampaignMember, spring.id, keep).status()));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCampaign, autumn.id)).members, 2u);
  ExpectSound();
  std::size_t changes = 0;
  for (const Change& ch : Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{1000})))
    changes += ch.entity == EntityType::kCampaign;
  EXPECT_EQ(changes, 5u);  // two creates, two additions, one status
}

}  // namespace
}  // namespace crm

namespace crm {
namespace {

class CampaignEventsTest : public testing::StoreTest {
 protected:
  CampaignEvent Event(CampaignId c, CustomerId who, CampaignEventKind kind, Timestamp at = 0, std::string detail = "") {
    return Ok(store_->Run(&WriteTxn::RecordCampaignEvent, CampaignEvent{0, c, who, kind, at, std::move(detail)}));
  }
};

TEST_F(CampaignEventsTest, MembersHaveAnEventLogAndAnOptOutWithdrawsConsent) {
  now_ = 1'700'000'000'000'000;
  const CustomerId ann = MakePerson("Ann", "Lee", "ann@example.com").id;
  const CustomerId bob = MakePerson("Bob", "Ray", "bob@example.com").id;
  const Campaign c = Ok(store_->Run(&WriteTxn::CreateCampaign, Campaign{.name = "Newsletter"}));
  ASSERT_TRUE(store_->Run(&WriteTxn::AddCampaignMembers, c.id, std::span<const CustomerId>(std::vector{ann, bob}),
                          std::string_view()).ok());
  for (CustomerId who : {ann, bob}) {
    ConsentRecord r;
    r.customer = who;
    r.purpose = "marketing";
    r.legal_basis = LegalBasis::kConsent;
    ASSERT_TRUE(store_->Run(&WriteTxn::RecordConsent, r).ok());
  }
  const CampaignEvent sent = Event(c.id, ann, CampaignEventKind::kSent, now_ - 500);
  Event(c.id, ann, CampaignEventKind::kOpened, now_ - 100);
  Event(c.id, ann, CampaignEventKind::kClicked, now_ - 300, "https://example.com/offer");
  Event(c.id, bob, CampaignEventKind::kBounced, 0, "550 mailbox unavailable");
  const std::vector<CampaignEvent> log = Ok(store_->Run(&ReadTxn::CampaignEvents, c.id, ann));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0], sent);
  EXPECT_EQ(log[1].kind, CampaignEventKind::kClicked);  // by time, not by the order recorded
  EXPECT_EQ(log[1].detail, "https://example.com/offer");
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CampaignEvents, c.id, bob))[0].at, now_);
  std::vector<std::uint64_t> counts = Ok(store_->Run(&ReadTxn::CampaignEventCounts, c.id));
  EXPECT_EQ(counts[static_cast<int>(CampaignEventKind::kSent)], 1u);
  EXPECT_EQ(counts[static_cast<int>(CampaignEventKind::kBounced)], 1u);
  // Refusals write nothing.
  const CustomerId outsider = MakePerson("Cat", "Day").id;
  EXPECT_TRUE(absl::IsNotFound(
      store_->Run(&WriteTxn::RecordCampaignEvent, CampaignEvent{0, c.id, outsider, CampaignEventKind::kSent, 0, ""}).status()));
  auto future = store_->Run(&WriteTxn::RecordCampaignEvent, CampaignEvent{0, c.id, ann, CampaignEventKind::kSent, now_ + 1, ""});
  EXPECT_TRUE(absl::IsInvalidArgument(future.status()) && future.status().message().find("at") != std::string::npos);
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::RecordCampaignEvent,
                                                  CampaignEvent{0, c.id, ann, static_cast<CampaignEventKind>(0), 0, ""})
                                          .status()));
  // Bob opts out: the consent is withdrawn, and the audience excludes him from then on.
  now_ += 10;
  Event(c.id, bob, CampaignEventKind::kOptedOut);
  const AudiencePage audience = Ok(store_->Run(&ReadTxn::CampaignAudience, c.id, std::string_view(), std::size_t{10}, Timestamp{0}));
  EXPECT_TRUE(audience.entries[0].sendable);
  EXPECT_FALSE(audience.entries[1].sendable);
  EXPECT_EQ(audience.entries[1].verdict, ContactVerdict::kWithdrawn);
  const std::vector<ConsentRecord> history = Ok(store_->Run(&ReadTxn::ConsentHistory, bob));
  EXPECT_FALSE(history.back().granted);
  EXPECT_NE(history.back().evidence.find("opted out of campaign"), std::string::npos);

  // A merge moves the loser's log to the survivor; an unmerge moves it back.
  const MergeResult merged = Ok(store_->Run(&WriteTxn::MergeCustomers, bob, std::vector<CustomerId>{ann}, MergeOptions{}));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CampaignEvents, c.id, bob)).size(), 5u);
  for (const std::string& p : Ok(store_->Run(&ReadTxn::Verify)).problems) ADD_FAILURE() << p;
  ASSERT_TRUE(store_->Run(&WriteTxn::UnmergeCustomers, merged.merge.id).ok());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CampaignEvents, c.id, ann)), log);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CampaignEvents, c.id, bob)).size(), 2u);
  // Deleting a customer removes its log.
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, ann, DeleteOptions{}).ok());
  counts = Ok(store_->Run(&ReadTxn::CampaignEventCounts, c.id));
  EXPECT_EQ(counts[static_cast<int>(CampaignEventKind::kSent)], 0u);
  EXPECT_EQ(counts[static_cast<int>(CampaignEventKind::kBounced)], 1u);
  for (const std::string& p : Ok(store_->Run(&ReadTxn::Verify)).problems) ADD_FAILURE() << p;
}

}  // namespace
}  // namespace crm
