// Users and teams: records, unique lookups, refusals, the owner mapping, and the query fields
// read through it (team, team.region, owner.manager, owner.active, owner.user).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "support/fixture.h"
#include "support/raw_lmdb.h"

namespace crm {
namespace {

class UsersTest : public testing::StoreTest {
 protected:
  Team MakeTeam(const std::string& name, const std::string& region, UserId manager = 0) {
    Team t;
    t.name = name;
    t.region = region;
    t.manager = manager;
    return Ok(store_->Run(&WriteTxn::CreateTeam, t));
  }
  User MakeUser(const std::string& name, const std::string& login, TeamId team = 0, UserId manager = 0) {
    User u;
    u.name = name;
    u.login = login;
    u.team = team;
    u.manager = manager;
    return Ok(store_->Run(&WriteTxn::CreateUser, u));
  }
  std::uint64_t Count(EntityType kind, const std::string& filter) {
    Search s;
    s.filter = Ok(Filter::Parse(filter));
    return Ok(store_->Run(&ReadTxn::CountMatching, kind, s));
  }
};

TEST_F(UsersTest, UsersAndTeamsAreKeptAndFoundByLoginEmailAndName) {
  const Team east = MakeTeam(" East ", "Boston");
  EXPECT_EQ(east.name, "East");
  EXPECT_EQ(east.revision, 1u);
  User ann;
  ann.name = "Ann Lee";
  ann.login = "ANN";
  ann.email = "Ann.Lee@Example.com";
  ann.team = east.id;
  ann = Ok(store_->Run(&WriteTxn::CreateUser, ann));
  EXPECT_GT(ann.id, 0u);
  EXPECT_TRUE(ann.active);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetUser, ann.id)), ann);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindUserByLogin, std::string_view("ann"))).id, ann.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindUserByEmail, std::string_view("ann.lee@example.COM"))).id, ann.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindTeamByName, std::string_view("EAST"))).id, east.id);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindUserByLogin, std::string_view("bob")).status()));
  const User bob = MakeUser("Bob Stone", "bob", 0, ann.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListUsers, TeamId{0})).size(), 2u);
  const auto members = Ok(store_->Run(&ReadTxn::ListUsers, east.id));
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].id, ann.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListTeams)).size(), 1u);

  // An update moves the lookups; the feed records both writes.
  User moved = bob;
  moved.login = "robert";
  moved.team = east.id;
  moved = Ok(store_->Run(&WriteTxn::UpdateUser, moved));
  EXPECT_EQ(moved.revision, 2u);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindUserByLogin, std::string_view("bob")).status()));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindUserByLogin, std::string_view("Robert"))).id, bob.id);
  const auto history = Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kUser, bob.id, std::string_view("login")));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].before, "bob");
  EXPECT_EQ(history[1].after, "robert");
  // A stale revision is refused.
  EXPECT_TRUE(absl::IsAborted(store_->Run(&WriteTxn::UpdateUser, bob).status()));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).ok());
}

TEST_F(UsersTest, BadUsersAndTeamsAreRefusedNamingTheField) {
  const Team east = MakeTeam("East", "");
  const User ann = MakeUser("Ann", "ann", east.id);
  const auto refused = [&](User u, absl::StatusCode code, const std::string& names) {
    auto made = store_->Run(&WriteTxn::CreateUser, u);
    ASSERT_FALSE(made.ok()) << names;
    EXPECT_EQ(made.status().code(), code) << made.status();
    EXPECT_NE(made.status().message().find(names), std::string::npos) << made.status();
  };
  User u;
  refused(u, absl::StatusCode::kInvalidArgument, "name");
  u.name = "Carl";
  u.email = "not an email";
  refused(u, absl::StatusCode::kInvalidArgument, "email");
  u.email = "";
  u.team = 99;
  refused(u, absl::StatusCode::kInvalidArgument, "team 99 does not exist");
  u.team = 0;
  u.manager = 77;
  refused(u, absl::StatusCode::kInvalidArgument, "user 77 does not exist");
  u.manager = 0;
  u.login = "ANN";
  refused(u, absl::StatusCode::kAlreadyExists, "login: 'ANN' is already used by user");
  Team twin;
  twin.name = "east";
  EXPECT_TRUE(absl::IsAlreadyExists(store_->Run(&WriteTxn::CreateTeam, twin).status()));
  twin.name = "West";
  twin.manager = 42;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::CreateTeam, twin).status()));

  // Managers: never the user itself, never a cycle.
  const User bob = MakeUser("Bob", "bob", 0, ann.id);
  const User cid = MakeUser("Cid", "cid", 0, bob.id);
  User self = ann;
  self.manager = ann.id;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::UpdateUser, self).status()));
  User cycle = ann;
  cycle.manager = cid.id;  // cid -> bob -> ann -> cid
  auto st = store_->Run(&WriteTxn::UpdateUser, cycle).status();
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_NE(st.message().find("cycle"), std::string::npos) << st;
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetUser, ann.id)), ann);  // unchanged
}

TEST_F(UsersTest, DeletesAreRefusedWhileOthersDependOnTheRecord) {
  const Team east = MakeTeam("East", "");
  const User ann = MakeUser("Ann", "ann", east.id);
  Team managed = east;
  managed.manager = ann.id;
  managed = Ok(store_->Run(&WriteTxn::UpdateTeam, managed));
  const User bob = MakeUser("Bob", "bob", 0, ann.id);

  EXPECT_EQ(ErrorKindOf(store_->Run(&WriteTxn::DeleteTeam, east.id)), ErrorKind::kHasDependents);
  auto st = store_->Run(&WriteTxn::DeleteUser, ann.id);
  EXPECT_EQ(ErrorKindOf(st), ErrorKind::kHasDependents) << st;
  EXPECT_NE(st.message().find("manages user"), std::string::npos) << st;
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteUser, bob.id).ok());
  st = store_->Run(&WriteTxn::DeleteUser, ann.id);
  EXPECT_NE(st.message().find("manages team"), std::string::npos) << st;
  managed.manager = 0;
  ASSERT_TRUE(store_->Run(&WriteTxn::UpdateTeam, managed).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteUser, ann.id).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteTeam, east.id).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindUserByLogin, std::string_view("ann")).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindTeamByName, std::string_view("east")).status()));
  // The names are free again.
  MakeTeam("East", "");
  MakeUser("Ann", "ann");
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).ok());
}

TEST_F(UsersTest, AnOwnerNamesAUserByLoginOrByAUniqueName) {
  const User ann = MakeUser("Ann Lee", "alee");
  MakeUser("Sam Smith", "ssmith1");
  MakeUser("Sam Smith", "ssmith2");
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ResolveOwner, std::string_view("ALEE"))).id, ann.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ResolveOwner, std::string_view("ann lee"))).id, ann.id);
  auto shared = store_->Run(&ReadTxn::ResolveOwner, std::string_view("Sam Smith"));
  EXPECT_TRUE(absl::IsNotFound(shared.status()));
  EXPECT_NE(shared.status().message().find("several users"), std::string::npos) << shared.status();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ResolveOwner, std::string_view("ssmith2"))).login, "ssmith2");
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::ResolveOwner, std::string_view("nobody")).status()));
}

TEST_F(UsersTest, QueriesReadTheOwnersTeamRegionAndManager) {
  const User boss = MakeUser("Dana Boss", "dana");
  const Team east = MakeTeam("East", "Atlantic", boss.id);
  const Team west = MakeTeam("West", "Pacific");
  const User ann = MakeUser("Ann Lee", "ann", east.id, boss.id);
  const User bob = MakeUser("Bob Stone", "bob", west.id);
  User gone = MakeUser("Gus Old", "gus", east.id, boss.id);
  gone.active = false;
  gone = Ok(store_->Run(&WriteTxn::UpdateUser, gone));

  // Owners by login, by name, by a case variant, and one that names no user.
  const std::vector<std::pair<std::string, std::int64_t>> deals = {
      {"ann", 100'00}, {"Ann Lee", 250'50}, {"BOB", 75'25}, {"gus", 10'00}, {"Zed Unknown", 999'99}, {"", 5'00}};
  std::map<std::string, std::int64_t> won_per_team;
  for (const auto& [owner, cents] : deals) {
    Opportunity o;
    o.title = "deal of " + owner;
    o.owner = owner;
    o.amount = Money{cents, "EUR"};
    o = Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
    ASSERT_TRUE(store_->Run(&WriteTxn::CloseWon, o.id).ok());
    Customer c;
    c.given_name = "Client of";
    c.family_name = owner.empty() ? "nobody" : owner;
    c.owner = owner;
    Ok(store_->Run(&WriteTxn::CreateCustomer, c));
  }
  won_per_team["East"] = 100'00 + 250'50 + 10'00;
  won_per_team["West"] = 75'25;
  won_per_team[""] = 999'99 + 5'00;

  EXPECT_EQ(Count(EntityType::kOpportunity, "team = 'east'"), 3u);
  EXPECT_EQ(Count(EntityType::kCustomer, "owner.team = 'East'"), 3u);
  EXPECT_EQ(Count(EntityType::kOpportunity, "team.region = 'Pacific'"), 1u);
  EXPECT_EQ(Count(EntityType::kOpportunity, "owner.manager = 'dana boss'"), 3u);
  EXPECT_EQ(Count(EntityType::kOpportunity, "owner.active = false"), 1u);
  EXPECT_EQ(Count(EntityType::kCustomer, "team is empty"), 2u);  // an unknown owner, and none
  EXPECT_EQ(Count(EntityType::kOpportunity, "owner.user = " + std::to_string(ann.id)), 2u);
  EXPECT_EQ(Count(EntityType::kOpportunity, "team = 'East' and not owner.active = false"), 2u);
  EXPECT_EQ(Count(EntityType::kOpportunity, "owner.user in (" + std::to_string(ann.id) + ", " + std::to_string(bob.id) + ")"),
            3u);
  // The planner reads these through the owner index: the entries of every owner text whose user
  // is in the team ("ann", "Ann Lee" and "gus" for East), not every record.
  for (const EntityType kind : {EntityType::kOpportunity, EntityType::kCustomer}) {
    Search east_only;
    east_only.filter = Ok(Filter::Parse("team = 'east'"));
    const SearchPlan plan = Ok(store_->Run(&ReadTxn::Explain, kind, east_only));
    EXPECT_FALSE(plan.full_scan) << plan.text;
    EXPECT_NE(plan.text.find("[through owners]"), std::string::npos) << plan.text;
  }
  Search none;
  none.filter = Ok(Filter::Parse("team = 'Nowhere'"));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::Explain, EntityType::kOpportunity, none)).full_scan, false);
  EXPECT_EQ(Count(EntityType::kOpportunity, "team = 'Nowhere'"), 0u);

  Aggregation a;
  a.filter = Ok(Filter::Parse("status = 'won'"));
  a.group_by = Ok(Aggregation::ParseGroupBy("team"));
  a.measures = Ok(Aggregation::ParseMeasures("sum(amount), count"));
  const auto result = Ok(store_->Run(&ReadTxn::Aggregate, EntityType::kOpportunity, a));
  std::map<std::string, std::int64_t> got;
  for (const AggregateRow& r : result.rows) got[r.keys[0].empty ? "" : r.keys[0].label] = r.values[0].value;
  EXPECT_EQ(got, won_per_team);
  a.group_by = Ok(Aggregation::ParseGroupBy("team.region, owner.manager"));
  const auto regions = Ok(store_->Run(&ReadTxn::Aggregate, EntityType::kOpportunity, a));
  std::map<std::string, std::int64_t> by_region;
  for (const AggregateRow& r : regions.rows)
    by_region[r.keys[0].label + "/" + r.keys[1].label] += static_cast<std::int64_t>(r.values[1].value);
  EXPECT_EQ(by_region["Atlantic/Dana Boss"], 3);
  EXPECT_EQ(by_region["Pacific/"], 1);

  // Sorted by team: no team first, then East, then West.
  Search by_team;
  by_team.order_by = "team";
  by_team.limit = 10;
  const auto page = Ok(store_->Run(&ReadTxn::SearchOpportunities, by_team));
  ASSERT_EQ(page.opportunities.size(), 6u);
  EXPECT_TRUE(page.opportunities[0].owner == "Zed Unknown" || page.opportunities[0].owner.empty());
  EXPECT_EQ(page.opportunities[5].owner, "BOB");

  // Moving a user to another team moves what it owns, with no record rewritten.
  User ann2 = ann;
  ann2.team = west.id;
  Ok(store_->Run(&WriteTxn::UpdateUser, ann2));
  EXPECT_EQ(Count(EntityType::kOpportunity, "team = 'West'"), 3u);

  // A field read through the owner cannot be indexed.
  auto st = store_->Run(&WriteTxn::DeclareIndex, EntityType::kOpportunity, std::string_view("team"));
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  (void)bob;
}

TEST_F(UsersTest, VerifyFindsDamagedLookupsAndManagerChains) {
  const Team east = MakeTeam("East", "");
  const User ann = MakeUser("Ann", "ann", east.id);
  MakeUser("Bob", "bob", east.id, ann.id);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).ok());
  const auto problems = [&](const std::function<void()>& damage) {
    store_.reset();
    damage();
    Reopen();
    return Ok(store_->Run(&ReadTxn::Verify)).problems;
  };
  auto found = problems([&] { testing::RawTable(dir_.File("crm.db"), "user_login").Del("ann"); });
  ASSERT_FALSE(found.empty());
  EXPECT_NE(found[0].find("user_login"), std::string::npos) << found[0];
  found = problems([&] { testing::RawTable(dir_.File("crm.db"), "user_login").Put("ann", testing::BigEndian(2)); });
  ASSERT_FALSE(found.empty());
  EXPECT_NE(found[0].find("user_login"), std::string::npos) << found[0];
  found = problems([&] { testing::RawTable(dir_.File("crm.db"), "team_name").Del("east"); });
  EXPECT_TRUE(std::any_of(found.begin(), found.end(),
                          [](const std::string& p) { return p.find("team_name") != std::string::npos; }));
  // A user record flipped on disk is reported as damage, never read as another user.
  found = problems([&] {
    testing::RawTable users(dir_.File("crm.db"), "users");
    auto entries = users.Entries();
    ASSERT_EQ(entries.size(), 2u);
    entries[1].second[entries[1].second.size() / 2] ^= 0x20;
    users.Put(entries[1].first, entries[1].second);
  });
  ASSERT_FALSE(found.empty());
  auto read = store_->Run(&ReadTxn::ListUsers, TeamId{0});
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss) << read.status();
}

}  // namespace
}  // namespace crm
