// Segments: manual members with their counts and pages, dynamic segments staying current under
// every kind of customer write (checked against the query engine's own count of the filter, a
// separate code path), snapshots staying frozen, refusals that change nothing, the change feed
// and Verify.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "support/fixture.h"

namespace crm {
namespace {

class SegmentsTest : public testing::StoreTest {
 protected:
  Customer Person(const std::string& family, const std::string& country, std::vector<std::string> tags = {}) {
    Customer c;
    c.given_name = "Ann";
    c.family_name = family;
    c.address.country = country;
    for (auto& t : tags) c.tags.push_back(t);
    return Ok(store_->Run(&WriteTxn::CreateCustomer, c));
  }
  Segment Make(const std::string& name, SegmentKind kind, const std::string& filter = "", bool archived = false) {
    Segment s;
    s.name = name;
    s.kind = kind;
    s.filter = filter;
    s.include_archived = archived;
    return Ok(store_->Run(&WriteTxn::CreateSegment, s));
  }
  std::vector<CustomerId> Members(SegmentId id, std::size_t limit = 1000) {
    std::vector<CustomerId> out;
    std::string token;
    do {
      const SegmentMemberPage page = Ok(store_->Run(&ReadTxn::ListSegmentMembers, id, std::string_view(token), limit));
      out.insert(out.end(), page.members.begin(), page.members.end());
      token = page.next_page_token;
    } while (!token.empty());
    return out;
  }
  // The customers the filter matches, found by the query engine (not by the segment's entries).
  std::vector<CustomerId> Matching(const std::string& filter, bool archived) {
    Search q;
    q.filter = Ok(Filter::Parse(filter));
    q.include_archived = archived;
    q.limit = 1000;
    std::vector<CustomerId> out;
    for (;;) {
      const CustomerPage page = Ok(store_->Run(&ReadTxn::SearchCustomers, q));
      for (const Customer& c : page.customers) out.push_back(c.id);
      if (page.next_page_token.empty()) return out;
      q.page_token = page.next_page_token;
    }
  }
  bool In(SegmentId s, CustomerId c) { return Ok(store_->Run(&ReadTxn::IsInSegment, s, c)); }
  std::uint64_t Count(SegmentId s) { return Ok(store_->Run(&ReadTxn::CountSegmentMembers, s)); }
  absl::StatusOr<std::uint64_t> Add(SegmentId s, std::vector<CustomerId> ids) {
    return store_->Run(&WriteTxn::AddSegmentMembers, s, std::span<const CustomerId>(ids));
  }
  void ExpectSound() {
    const VerifyReport report = Ok(store_->Run(&ReadTxn::Verify));
    for (const std::string& p : report.problems) ADD_FAILURE() << p;
  }
};

TEST_F(SegmentsTest, ManualMembersAreCountedPagedAndLeaveWhenDeleted) {
  std::vector<CustomerId> people;
  for (int i = 0; i < 7; ++i) people.push_back(Person("P" + std::to_string(i), "DE").id);
  const Segment vip = Make("VIP list", SegmentKind::kManual);
  EXPECT_EQ(vip.members, 0u);
  EXPECT_EQ(Ok(Add(vip.id, {people[0], people[2], people[4], people[2]})), 3u);
  EXPECT_EQ(Ok(Add(vip.id, {people[4], people[5]})), 1u);  // people[4] was a member already
  EXPECT_EQ(Count(vip.id), 4u);
  EXPECT_TRUE(In(vip.id, people[2]));
  EXPECT_FALSE(In(vip.id, people[1]));
  EXPECT_FALSE(In(vip.id, 9999));  // no such customer: not a member
  EXPECT_EQ(Members(vip.id, 3), (std::vector<CustomerId>{people[0], people[2], people[4], people[5]}));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::SegmentsOf, people[2])), std::vector<SegmentId>{vip.id});

  // A call naming a customer that does not exist adds nobody.
  auto missing = Add(vip.id, {people[6], 424242});
  ASSERT_TRUE(absl::IsNotFound(missing.status())) << missing.status();
  EXPECT_NE(missing.status().message().find("customers[1]: customer 424242"), std::string::npos) << missing.status();
  EXPECT_FALSE(In(vip.id, people[6]));
  EXPECT_EQ(Count(vip.id), 4u);

  EXPECT_EQ(Ok(store_->Run(&WriteTxn::RemoveSegmentMembers, vip.id, std::span<const CustomerId>(people))), 4u);
  EXPECT_EQ(Count(vip.id), 0u);
  EXPECT_EQ(Ok(Add(vip.id, {people[1], people[3]})), 2u);
  ASSERT_TRUE(store_->Run(&WriteTxn::ArchiveCustomer, people[1]).ok());  // archived: still a member
  EXPECT_TRUE(In(vip.id, people[1]));
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, people[3], DeleteOptions{}).ok());
  EXPECT_FALSE(In(vip.id, people[3]));
  EXPECT_EQ(Count(vip.id), 1u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetSegment, vip.id)).members, 1u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindSegmentByName, std::string_view(" vip LIST"))).id, vip.id);
  ExpectSound();

  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteSegment, vip.id).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::IsInSegment, vip.id, people[1]).status()));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::SegmentsOf, people[1])).empty());
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ListSegments)).empty());
  ExpectSound();
}

TEST_F(SegmentsTest, DynamicSegmentsFollowEveryWrite) {
  const CustomerId a = Person("A", "DE", {"vip"}).id;
  const CustomerId b = Person("B", "FR", {"vip"}).id;
  const CustomerId c = Person("C", "de").id;
  const std::string filter = "country = 'de' AND tag = 'VIP'";
  const Segment s = Make("German VIPs", SegmentKind::kDynamic, filter);
  EXPECT_EQ(s.filter, Ok(Filter::Parse(filter)).ToString());  // kept in canonical form
  EXPECT_EQ(Members(s.id), std::vector<CustomerId>{a});
  EXPECT_EQ(s.members, 1u);

  const CustomerId d = Person("D", "Germany", {"vip"}).id;  // "Germany" is not "de"
  const CustomerId e = Person("E", "DE", {"Vip"}).id;
  EXPECT_FALSE(In(s.id, d));
  EXPECT_TRUE(In(s.id, e));
  Customer cc = Ok(store_->Run(&ReadTxn::GetCustomer, c));
  cc.tags.push_back("vip");
  ASSERT_TRUE(store_->Run(&WriteTxn::UpdateCustomer, cc).ok());
  EXPECT_TRUE(In(s.id, c));
  Customer ee = Ok(store_->Run(&ReadTxn::GetCustomer, e));
  ee.address.country = "AT";
  ASSERT_TRUE(store_->Run(&WriteTxn::UpdateCustomer, ee).ok());
  EXPECT_FALSE(In(s.id, e));
  ASSERT_TRUE(store_->Run(&WriteTxn::ArchiveCustomer, a).ok());
  EXPECT_FALSE(In(s.id, a));
  EXPECT_EQ(Count(s.id), 1u);
  ASSERT_TRUE(store_->Run(&WriteTxn::RestoreCustomer, a).ok());
  EXPECT_TRUE(In(s.id, a));
  EXPECT_EQ(Count(s.id), 2u);
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, c, DeleteOptions{}).ok());
  EXPECT_EQ(Members(s.id), std::vector<CustomerId>{a});

  // A new filter re-evaluates; include_archived lets archived customers in.
  Segment changed = Ok(store_->Run(&ReadTxn::GetSegment, s.id));
  changed.filter = "tag = 'vip'";
  changed.include_archived = true;
  ASSERT_TRUE(store_->Run(&WriteTxn::ArchiveCustomer, b).ok());
  changed = Ok(store_->Run(&WriteTxn::UpdateSegment, changed));
  EXPECT_EQ(Members(changed.id), (std::vector<CustomerId>{a, b, d, e}));  // tags compare case-insensitively
  EXPECT_EQ(changed.members, 4u);
  EXPECT_EQ(changed.revision, 2u);
  ExpectSound();
}

TEST_F(SegmentsTest, LastInteractionMovesMembership) {
  const CustomerId a = Person("A", "DE").id;
  const CustomerId b = Person("B", "DE").id;
  const Segment recent = Make("contacted since June", SegmentKind::kDynamic, "last_interaction_at >= '2024-06-01'");
  EXPECT_EQ(Count(recent.id), 0u);
  const Timestamp july = 1719792000000000;  // 2024-07-01
  const Interaction call = Touch(a, InteractionKind::kCall, july);
  Touch(b, InteractionKind::kCall, july - 86400000000LL * 60);  // early May
  EXPECT_TRUE(In(recent.id, a));
  EXPECT_FALSE(In(recent.id, b));
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteInteraction, call.id).ok());
  EXPECT_FALSE(In(recent.id, a));
  const Segment never = Make("never contacted", SegmentKind::kDynamic, "last_interaction_at is empty");
  EXPECT_EQ(Members(never.id), std::vector<CustomerId>{a});
  ExpectSound();
}

TEST_F(SegmentsTest, SnapshotsStayFrozen) {
  const CustomerId a = Person("A", "DE").id;
  const CustomerId b = Person("B", "DE").id;
  now_ += 1000;
  const Segment live = Make("Germany", SegmentKind::kDynamic, "country = 'DE'");
  const Segment frozen = Ok(store_->Run(&WriteTxn::SnapshotSegment, live.id, std::string_view("Germany, November")));
  EXPECT_EQ(frozen.kind, SegmentKind::kSnapshot);
  EXPECT_EQ(frozen.frozen_from, live.id);
  EXPECT_EQ(frozen.frozen_at, now_);
  EXPECT_EQ(frozen.filter, live.filter);
  const CustomerId c = Person("C", "DE").id;
  Customer bb = Ok(store_->Run(&ReadTxn::GetCustomer, b));
  bb.address.country = "FR";
  ASSERT_TRUE(store_->Run(&WriteTxn::UpdateCustomer, bb).ok());
  EXPECT_EQ(Members(live.id), (std::vector<CustomerId>{a, c}));
  EXPECT_EQ(Members(frozen.id), (std::vector<CustomerId>{a, b}));
  // A snapshot taken straight from a filter, too.
  const Segment direct = Make("France now", SegmentKind::kSnapshot, "country = 'FR'");
  EXPECT_EQ(Members(direct.id), std::vector<CustomerId>{b});
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, a, DeleteOptions{}).ok());
  EXPECT_EQ(Members(frozen.id), std::vector<CustomerId>{b});

  auto add = Add(frozen.id, {c});
  EXPECT_TRUE(absl::IsFailedPrecondition(add.status())) << add.status();
  auto of_manual = store_->Run(&WriteTxn::SnapshotSegment, frozen.id, std::string_view("again"));
  EXPECT_TRUE(absl::IsFailedPrecondition(of_manual.status())) << of_manual.status();
  Segment refiltered = Ok(store_->Run(&ReadTxn::GetSegment, frozen.id));
  refiltered.filter = "country = 'FR'";  // a snapshot keeps the filter it was taken with
  refiltered = Ok(store_->Run(&WriteTxn::UpdateSegment, refiltered));
  EXPECT_EQ(refiltered.filter, live.filter);
  EXPECT_EQ(Members(frozen.id), std::vector<CustomerId>{b});
  ExpectSound();
}

TEST_F(SegmentsTest, BadSegmentsAreRefusedWithTheFieldNamed) {
  Person("A", "DE");
  const Segment ok = Make("Germany", SegmentKind::kDynamic, "country = 'DE'");
  const auto refused = [&](Segment s, absl::StatusCode code, const std::string& text) {
    auto r = store_->Run(&WriteTxn::CreateSegment, s);
    EXPECT_EQ(r.status().code(), code) << r.status();
    EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status();
  };
  refused(Segment{.name = "", .kind = SegmentKind::kManual}, absl::StatusCode::kInvalidArgument, "name");
  refused(Segment{.name = "GERMANY", .kind = SegmentKind::kManual}, absl::StatusCode::kAlreadyExists, "segment 1");
  refused(Segment{.name = "x", .kind = SegmentKind::kDynamic}, absl::StatusCode::kInvalidArgument, "filter: a dynamic");
  refused(Segment{.name = "x", .kind = SegmentKind::kManual, .filter = "tag = 'a'"},
          absl::StatusCode::kInvalidArgument, "filter: a manual segment");
  refused(Segment{.name = "x", .kind = SegmentKind::kDynamic, .filter = "country = "},
          absl::StatusCode::kInvalidArgument, "filter: at ");
  refused(Segment{.name = "x", .kind = SegmentKind::kDynamic, .filter = "colour = 'red'"},
          absl::StatusCode::kInvalidArgument, "colour");
  refused(Segment{.name = "x", .kind = SegmentKind::kDynamic, .filter = "team = 'north'"},
          absl::StatusCode::kInvalidArgument, "owner's user");
  refused(Segment{.name = "x", .kind = static_cast<SegmentKind>(9)}, absl::StatusCode::kInvalidArgument, "kind");
  Segment kind = ok;
  kind.kind = SegmentKind::kManual;
  kind.filter.clear();
  auto changed = store_->Run(&WriteTxn::UpdateSegment, kind);
  EXPECT_TRUE(absl::IsInvalidArgument(changed.status())) << changed.status();
  Segment stale = ok;
  stale.name = "Deutschland";
  ASSERT_TRUE(store_->Run(&WriteTxn::UpdateSegment, stale).ok());
  EXPECT_TRUE(absl::IsAborted(store_->Run(&WriteTxn::UpdateSegment, stale).status()));
  auto bad_token = store_->Run(&ReadTxn::ListSegmentMembers, ok.id, std::string_view("garbage"), std::size_t{10});
  EXPECT_TRUE(absl::IsInvalidArgument(bad_token.status())) << bad_token.status();
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::CountSegmentMembers, SegmentId{77}).status()));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListSegments)).size(), 1u);
  ExpectSound();
}

TEST_F(SegmentsTest, SegmentWritesAreInTheChangeFeed) {
  const CustomerId a = Person("A", "DE").id;
  const CustomerId b = Person("B", "DE").id;
  const Segment s = Make("list", SegmentKind::kManual);
  ASSERT_TRUE(Add(s.id, {b, a}).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::RemoveSegmentMembers, s.id, std::span<const CustomerId>(std::vector{a})).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteSegment, s.id).ok());
  std::vector<Change> changes;
  for (const Change& ch : Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{100})))
    if (ch.entity == EntityType::kSegment) changes.push_back(ch);
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].op, ChangeOp::kCreate);
  EXPECT_EQ(changes[1].fields, (std::vector<FieldChange>{{"added", "", absl::StrCat(b, "; ", a)}}));
  EXPECT_EQ(changes[2].fields, (std::vector<FieldChange>{{"removed", "", absl::StrCat(a)}}));
  EXPECT_EQ(changes[3].op, ChangeOp::kDelete);
}

TEST_F(SegmentsTest, AMergeGivesTheLosersPlacesToTheSurvivorAndAnUnmergeTakesThemBack) {
  const CustomerId keep = Person("Keep", "DE", {"vip"}).id;
  const CustomerId gone = Person("Gone", "FR").id;
  const CustomerId other = Person("Other", "FR").id;
  const Segment list = Make("list", SegmentKind::kManual);
  const Segment both = Make("both", SegmentKind::kManual);
  const Segment french = Make("French", SegmentKind::kDynamic, "country = 'FR'");
  const Segment frozen = Make("French then", SegmentKind::kSnapshot, "country = 'FR'");
  ASSERT_TRUE(Add(list.id, {gone}).ok());
  ASSERT_TRUE(Add(both.id, {gone, keep}).ok());
  const MergeResult merged = Ok(store_->Run(&WriteTxn::MergeCustomers, keep, std::vector<CustomerId>{gone}, MergeOptions{}));
  EXPECT_EQ(Members(list.id), std::vector<CustomerId>{keep});
  EXPECT_EQ(Members(both.id), std::vector<CustomerId>{keep});
  EXPECT_EQ(Members(french.id), std::vector<CustomerId>{other});  // the survivor keeps its country
  EXPECT_EQ(Members(frozen.id), (std::vector<CustomerId>{keep, other}));
  ExpectSound();
  ASSERT_TRUE(store_->Run(&WriteTxn::UnmergeCustomers, merged.merge.id).ok());
  EXPECT_EQ(Members(list.id), std::vector<CustomerId>{gone});
  EXPECT_EQ(Members(both.id), (std::vector<CustomerId>{keep, gone}));
  EXPECT_EQ(Members(french.id), (std::vector<CustomerId>{gone, other}));
  EXPECT_EQ(Members(frozen.id), (std::vector<CustomerId>{gone, other}));
  EXPECT_EQ(Count(both.id), 2u);
  ExpectSound();
}

// Random writes of every kind; after each batch every dynamic segment holds exactly what the
// query engine finds for its filter, and its count is right.
TEST_F(SegmentsTest, DynamicSegmentsMatchTheQueryEngineUnderRandomWrites) {
  std::mt19937_64 rng(20261207);
  const std::vector<std::string> countries = {"DE", "FR", "US", ""};
  const std::vector<std::string> tags = {"vip", "churn-risk", "newsletter"};
  struct Def {
    std::string filter;
    bool archived;
  };
  const std::vector<Def> defs = {{"country = 'DE' and tag = 'vip'", false},
                                 {"tag = 'newsletter' or stage = 'customer'", true},
                                 {"not (country in ('FR', 'US')) and family_name prefix 'p1'", false},
                                 {"last_interaction_at > '2024-01-10'", false},
                                 {"archived = true", true}};
  std::vector<Segment> segs;
  std::vector<CustomerId> live;
  for (int i = 0; i < 20; ++i)
    live.push_back(Person("P" + std::to_string(i), countries[i % 4], {tags[i % 3]}).id);
  for (std::size_t i = 0; i < defs.size(); ++i)
    segs.push_back(Make("s" + std::to_string(i), SegmentKind::kDynamic, defs[i].filter, defs[i].archived));
  for (int round = 0; round < 6; ++round) {
    for (int step = 0; step < 40; ++step) {
      const CustomerId id = live[rng() % live.size()];
      switch (rng() % 6) {
        case 0: live.push_back(Person("P" + std::to_string(rng() % 30), countries[rng() % 4], {tags[rng() % 3]}).id); break;
        case 1: {
          Customer c = Ok(store_->Run(&ReadTxn::GetCustomer, id));
          c.address.country = countries[rng() % 4];
          c.stage = rng() % 2 ? LifecycleStage::kCustomer : LifecycleStage::kLead;
          c.tags.clear();
          if (rng() % 3) c.tags.push_back(tags[rng() % 3]);
          ASSERT_TRUE(store_->Run(&WriteTxn::UpdateCustomer, c).ok());
          break;
        }
        case 2: ASSERT_TRUE(store_->Run(&WriteTxn::ArchiveCustomer, id).ok()); break;
        case 3: ASSERT_TRUE(store_->Run(&WriteTxn::RestoreCustomer, id).ok()); break;
        case 4: Touch(id, InteractionKind::kCall, 1704067200000000 + static_cast<Timestamp>(rng() % 20) * 86400000000); break;
        case 5:
          if (live.size() > 10) {
            ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, id, DeleteOptions{.cascade = true}).ok());
            live.erase(std::find(live.begin(), live.end(), id));
          }
          break;
      }
    }
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const std::vector<CustomerId> want = Matching(defs[i].filter, defs[i].archived);
      EXPECT_EQ(Members(segs[i].id), want) << defs[i].filter << " after round " << round;
      EXPECT_EQ(Count(segs[i].id), want.size()) << defs[i].filter;
    }
  }
  ExpectSound();
}

}  // namespace
}  // namespace crm
