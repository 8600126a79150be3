// Import mode: records migrated from another system keep their historical times and stage
// history, and the change feed says they were imported.
#include <gtest/gtest.h>

#include "support/fixture.h"

namespace crm {
namespace {

constexpr Timestamp kDay = 86'400'000'000;
constexpr Timestamp kEngaged = 1'476'921'600'000'000;  // 2016-10-20

class ImportTest : public testing::StoreTest {
 protected:
  template <class F>
  auto Imported(F fn) {
    WriteOptions options;
    options.actor = "migration";
    options.import = true;
    decltype(fn(std::declval<WriteTxn&>())) result = absl::UnknownError("not run");
    absl::Status s = store_->Write(options, [&](WriteTxn& t) {
      result = fn(t);
      return result.status();
    });
    return s.ok() ? result : decltype(result)(s);
  }

  Opportunity Deal(StageId stage) {
    Opportunity o;
    o.title = "1C1I7A6R";
    o.amount = Money{105400, "USD"};
    o.stage = stage;
    return o;
  }
};

TEST_F(ImportTest, ADealKeepsItsDatesAndHistory) {
  const StageId qualification = StageNamed("Qualification"), won = StageNamed("Closed won");
  Opportunity o = Deal(won);
  o.created_at = kEngaged;
  o.history = {StageChange{0, qualification, kEngaged, "", {}, -1},
               StageChange{qualification, won, kEngaged + 132 * kDay, "moses", {}, -1}};
  o = Ok(Imported([&](WriteTxn& t) { return t.CreateOpportunity(o); }));
  EXPECT_EQ(o.created_at, kEngaged);
  EXPECT_EQ(o.closed_at - o.created_at, 132 * kDay);  // the sales cycle survives
  EXPECT_EQ(o.updated_at, o.closed_at);
  ASSERT_EQ(o.history.size(), 2u);
  EXPECT_EQ(o.history[0].actor, "migration");
  EXPECT_EQ(o.history[1].actor, "moses");
  EXPECT_EQ(o.history[1].amount, (Money{105400, "USD"}));
  EXPECT_EQ(o.history[1].probability, 100);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetOpportunity, o.id)), o);
  const std::vector<Change> feed = Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{100}));
  ASSERT_EQ(feed.size(), 2u);  // the default pipeline, then the import
  EXPECT_FALSE(feed[0].imported);
  EXPECT_TRUE(feed[1].imported);
  EXPECT_EQ(feed[1].actor, "migration");
  EXPECT_EQ(feed[1].at, now_);  // the feed says when it was written

  // Without import mode the same deal is stamped now, with one history entry.
  Opportunity again = Deal(won);
  again.created_at = kEngaged;
  again.history = o.history;
  again = Ok(store_->Run(&WriteTxn::CreateOpportunity, again));
  EXPECT_EQ(again.created_at, now_);
  EXPECT_EQ(again.closed_at, now_);
  EXPECT_EQ(again.history.size(), 1u);
  EXPECT_FALSE(Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{3}, std::size_t{1})).front().imported);
}

TEST_F(ImportTest, ALostDealKeepsItsReasonAndAnOpenOneHasNoClosingTime) {
  Opportunity lost = Deal(StageNamed("Closed lost"));
  lost.created_at = kEngaged;
  lost.closed_at = kEngaged + 10 * kDay;
  lost.lost_reason = "price";
  lost = Ok(Imported([&](WriteTxn& t) { return t.CreateOpportunity(lost); }));
  EXPECT_EQ(lost.lost_reason, "price");
  EXPECT_EQ(lost.closed_at, kEngaged + 10 * kDay);
  ASSERT_EQ(lost.history.size(), 1u);  // no history given: one entry into its stage at created_at
  EXPECT_EQ(lost.history[0].at, kEngaged);

  Opportunity open = Deal(StageNamed("Proposal"));
  open.created_at = kEngaged;
  open.closed_at = kEngaged + kDay;
  auto refused = Imported([&](WriteTxn& t) { return t.CreateOpportunity(open); });
  EXPECT_NE(refused.status().message().find("closed_at: an open deal has no closing time"), std::string::npos)
      << refused.status();
}

TEST_F(ImportTest, AHistoryThatDoesNotHoldTogetherIsRefusedNamingTheEntry) {
  const StageId first = StageNamed("Prospecting"), second = StageNamed("Qualification"), won = StageNamed("Closed won");
  struct Case {
    std::vector<StageChange> history;
    StageId stage;
    const char* message;
  };
  const std::vector<Case> cases = {
      {{{first, second, kEngaged, "", {}, -1}}, second, "history[0].from: the first entry enters"},
      {{{0, first, kEngaged, "", {}, -1}, {first, won, kEngaged - kDay, "", {}, -1}}, won, "history[1].at: is before"},
      {{{0, first, kEngaged, "", {}, -1}, {second, won, kEngaged + kDay, "", {}, -1}}, won, "history[1].from: must be stage"},
      {{{0, first, kEngaged, "", {}, -1}, {first, 99, kEngaged + kDay, "", {}, -1}}, 99, "has no stage 99"},
      {{{0, first, kEngaged, "", {}, -1}}, won, "history: ends in stage"},
      {{{0, first, 0, "", {}, -1}}, first, "history[0].at: an imported stage entry needs its time"},
  };
  for (const Case& c : cases) {
    Opportunity o = Deal(c.stage);
    o.history = c.history;
    auto r = Imported([&](WriteTxn& t) { return t.CreateOpportunity(o); });
    EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << c.message << ": " << r.status();
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status();
  }
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::All())), 0u);
}

TEST_F(ImportTest, CustomersAndInteractionsKeepTheirTimes) {
  Customer c;
  c.display_name = "Cancity";
  c.kind = CustomerKind::kOrganization;
  c.created_at = kEngaged;
  c.updated_at = kEngaged + kDay;
  c = Ok(Imported([&](WriteTxn& t) { return t.CreateCustomer(c); }));
  EXPECT_EQ(c.created_at, kEngaged);
  EXPECT_EQ(c.updated_at, kEngaged + kDay);
  Interaction i;
  i.customer = c.id;
  i.kind = InteractionKind::kCall;
  i.occurred_at = kEngaged + 2 * kDay;
  i.created_at = kEngaged + 2 * kDay;
  i = Ok(Imported([&](WriteTxn& t) { return t.LogInteraction(i); }));
  EXPECT_EQ(i.created_at, kEngaged + 2 * kDay);
  Customer bad;
  bad.display_name = "Backwards";
  bad.created_at = kEngaged;
  bad.updated_at = kEngaged - 1;
  auto refused = Imported([&](WriteTxn& t) { return t.CreateCustomer(bad); });
  EXPECT_NE(refused.status().message().find("updated_at: is before created_at"), std::string::npos) << refused.status();
  Customer plain;
  plain.display_name = "Now";
  plain.created_at = kEngaged;
  EXPECT_EQ(Ok(store_->Run(&WriteTxn::CreateCustomer, plain)).created_at, now_);
}

TEST_F(ImportTest, ReRunningAnImportUpdatesInsteadOfDuplicating) {
  const Customer acme = MakeOrg("Cancity");
  Opportunity o = Deal(StageNamed("Qualification"));
  o.customer = acme.id;
  o.external_id = "1C1I7A6R";
  o.custom["product"] = std::string("GTX Plus Basic");
  o.custom["seats"] = std::int64_t{12};
  const Opportunity first = Ok(store_->Run(&WriteTxn::UpsertOpportunity, o));
  o.amount = Money{99900, "USD"};
  o.custom["seats"] = std::int64_t{15};
  o.stage = 0;  // an upsert without a stage keeps the deal's
  const Opportunity second = Ok(store_->Run(&WriteTxn::UpsertOpportunity, o));
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(second.stage, first.stage);
  EXPECT_EQ(second.revision, 2u);
  EXPECT_EQ(std::get<std::int64_t>(second.custom.at("seats")), 15);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindOpportunityByExternalId, std::string_view("1C1I7A6R"))), second);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::All())), 1u);
  // The external id is unique per kind; deleting the deal frees it.
  Opportunity clash = Deal(StageNamed("Qualification"));
  clash.external_id = "1C1I7A6R";
  auto taken = store_->Run(&WriteTxn::CreateOpportunity, clash);
  EXPECT_TRUE(absl::IsAlreadyExists(taken.status())) << taken.status();
  EXPECT_NE(taken.status().message().find("is already used by opportunity"), std::string::npos);
  // Custom fields and the external id are fields of searches and of the history.
  Search s;
  s.filter = Ok(Filter::Parse("custom.product = 'gtx plus basic' and custom.seats > 12 and external_id = '1C1I7A6R'"));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kOpportunity, s)), 1u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kOpportunity, first.id, "custom.seats")).size(), 2u);
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::UpsertOpportunity, Deal(0)).status()));

  Interaction call;
  call.customer = acme.id;
  call.kind = InteractionKind::kCall;
  call.external_id = "CALL-7";
  call.custom["minutes_billed"] = std::int64_t{30};
  const Interaction logged = Ok(store_->Run(&WriteTxn::UpsertInteraction, call));
  call.subject = "follow-up";
  call.customer = 0;  // an upsert keeps the interaction's customer
  const Interaction updated = Ok(store_->Run(&WriteTxn::UpsertInteraction, call));
  EXPECT_EQ(updated.id, logged.id);
  EXPECT_EQ(updated.subject, "follow-up");
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindInteractionByExternalId, std::string_view("CALL-7"))).id, logged.id);
  Interaction bad = call;
  bad.custom["9lives"] = true;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::UpsertInteraction, bad).status()));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteInteraction, logged.id).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteOpportunity, first.id).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindOpportunityByExternalId, std::string_view("1C1I7A6R")).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindInteractionByExternalId, std::string_view("CALL-7")).status()));
  Ok(store_->Run(&WriteTxn::CreateOpportunity, clash));  // free again
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).ok());
}

TEST_F(ImportTest, APatchChangesOnlyTheFieldsItNames) {
  Customer c;
  c.given_name = "Ann";
  c.family_name = "Lee";
  c.external_id = "HS-1";
  c.emails = {Email{"ann@acme.example", "work", true}};
  c.phones = {Phone{"+1 555 0100", "work", true}};
  c.tags = {"vip"};
  c.owner = "maria";
  c.address.city = "Boston";
  c.custom["tier"] = std::string("gold");
  c = Ok(store_->Run(&WriteTxn::CreateCustomer, c));

  // The import carries only a new email: an upsert wiped phones, tags and owner; a patch does not.
  Customer incoming;
  incoming.external_id = "HS-1";
  incoming.emails = {Email{"ann.lee@acme.example", "home", false}};
  incoming.tags = {"VIP", "newsletter"};
  incoming.address.city = "Cambridge";
  const Patch patch = Ok(Patch::Parse("+emails, +tags address.city"));
  Customer patched = Ok(store_->Run(&WriteTxn::PatchCustomer, incoming, patch));
  EXPECT_EQ(patched.id, c.id);
  ASSERT_EQ(patched.emails.size(), 2u);
  EXPECT_EQ(patched.emails[1].address, "ann.lee@acme.example");
  EXPECT_EQ(patched.phones, c.phones);
  EXPECT_EQ(patched.tags, (boost::container::small_vector<std::string, 4>{"vip", "newsletter"}));  // VIP: held
  EXPECT_EQ(patched.owner, "maria");
  EXPECT_EQ(patched.address.city, "Cambridge");
  EXPECT_EQ(std::get<std::string>(patched.custom.at("tier")), "gold");
  const auto history = Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{3}, std::size_t{10}));
  ASSERT_EQ(history.size(), 1u);
  for (const FieldChange& f : history[0].fields) EXPECT_NE(f.field, "owner");

  // By id: revision checked when given; custom.<name> absent from the patch removes it.
  Customer by_id;
  by_id.id = c.id;
  by_id.revision = 1;  // stale
  EXPECT_TRUE(absl::IsAborted(store_->Run(&WriteTxn::PatchCustomer, by_id, Ok(Patch::Parse("owner"))).status()));
  by_id.revision = 0;
  by_id.owner = "tom";
  patched = Ok(store_->Run(&WriteTxn::PatchCustomer, by_id, Ok(Patch::Parse("owner custom.tier"))));
  EXPECT_EQ(patched.owner, "tom");
  EXPECT_TRUE(patched.custom.empty());
  EXPECT_EQ(patched.emails.size(), 2u);

  // An unknown field is an error naming it; a patch of a new external id creates the customer.
  auto bad = store_->Run(&WriteTxn::PatchCustomer, by_id, Ok(Patch::Parse("ownr")));
  EXPECT_NE(bad.status().message().find("'ownr' is not a field a patch sets"), std::string::npos) << bad.status();
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::PatchCustomer, by_id, Ok(Patch::Parse("+owner"))).status()));
  EXPECT_FALSE(Patch::Parse(" , ").ok());
  Customer fresh;
  fresh.external_id = "HS-2";
  fresh.given_name = "Bo";
  EXPECT_EQ(Ok(store_->Run(&WriteTxn::PatchCustomer, fresh, Ok(Patch::Parse("given_name")))).given_name, "Bo");
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::PatchCustomer, Customer{}, Ok(Patch::Parse("owner"))).status()));
}

TEST_F(ImportTest, APatchOfADealChangesOnlyTheFieldsItNames) {
  const Customer acme = MakeOrg("Acme");
  const Customer ann = MakePerson("Ann", "Lee");
  const Customer bo = MakePerson("Bo", "Kim");
  Opportunity o;
  o.title = "Renewal";
  o.customer = acme.id;
  o.external_id = "SF-7";
  o.amount = Money{500000, "EUR"};
  o.owner = "maria";
  o.contacts = {ContactRole{ann.id, "buyer"}};
  o.custom["region"] = std::string("EMEA");
  o.custom["source"] = std::string("web");
  o = Ok(store_->Run(&WriteTxn::CreateOpportunity, o));

  // A re-run import that carries only the amount, a stage and one more contact.
  Opportunity incoming;
  incoming.external_id = "SF-7";
  incoming.amount = Money{650000, "EUR"};
  incoming.stage = StageNamed("Proposal");
  incoming.contacts = {ContactRole{bo.id, "champion"}, ContactRole{ann.id, "other"}};
  Opportunity patched = Ok(store_->Run(&WriteTxn::PatchOpportunity, incoming, Ok(Patch::Parse("amount stage +contacts"))));
  EXPECT_EQ(patched.id, o.id);
  EXPECT_EQ(patched.title, "Renewal");
  EXPECT_EQ(patched.owner, "maria");
  EXPECT_EQ(patched.amount, (Money{650000, "EUR"}));
  EXPECT_EQ(patched.stage, StageNamed("Proposal"));
  ASSERT_EQ(patched.history.size(), 2u);  // the move is recorded
  ASSERT_EQ(patched.contacts.size(), 2u);
  EXPECT_EQ(patched.contacts[0], (ContactRole{ann.id, "buyer"}));  // held: kept as it was
  EXPECT_EQ(patched.contacts[1].person, bo.id);
  EXPECT_EQ(patched.custom.size(), 2u);

  // By id, revision checked when given; custom.<name> absent from the patch removes it.
  Opportunity by_id;
  by_id.id = o.id;
  by_id.revision = 1;
  EXPECT_TRUE(absl::IsAborted(store_->Run(&WriteTxn::PatchOpportunity, by_id, Ok(Patch::Parse("owner"))).status()));
  by_id.revision = 0;
  by_id.owner = "tom";
  patched = Ok(store_->Run(&WriteTxn::PatchOpportunity, by_id, Ok(Patch::Parse("owner, custom.source"))));
  EXPECT_EQ(patched.owner, "tom");
  EXPECT_EQ(patched.custom.size(), 1u);
  EXPECT_EQ(patched.amount, (Money{650000, "EUR"}));
  // A patch is checked as an update is; an unknown field is named; a new external id creates.
  by_id.customer = bo.id;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::PatchOpportunity, by_id, Ok(Patch::Parse("customer"))).status()));
  auto bad = store_->Run(&WriteTxn::PatchOpportunity, by_id, Ok(Patch::Parse("titel")));
  EXPECT_NE(bad.status().message().find("'titel' is not a field a patch of an opportunity sets"), std::string::npos)
      << bad.status();
  Opportunity fresh;
  fresh.external_id = "SF-8";
  fresh.title = "New";
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::PatchOpportunity, fresh, Ok(Patch::Parse("titel"))).status()));
  EXPECT_EQ(Ok(store_->Run(&WriteTxn::PatchOpportunity, fresh, Ok(Patch::Parse("title")))).title, "New");
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::All())), 2u);
}

TEST_F(ImportTest, APatchOfAnInteractionChangesOnlyTheFieldsItNames) {
  const Customer ann = MakePerson("Ann", "Lee");
  const Customer bo = MakePerson("Bo", "Kim");
  Interaction call;
  call.customer = ann.id;
  call.kind = InteractionKind::kCall;
  call.subject = "Renewal call";
  call.body = "Talked about seats.";
  call.owner = "maria";
  call.external_id = "CALL-1";
  call.occurred_at = now_ - 3'600'000'000;
  call.custom["topic"] = std::string("renewal");
  call = Ok(store_->Run(&WriteTxn::LogInteraction, call));

  // A re-run import that carries only an outcome and a satisfaction score.
  Interaction incoming;
  incoming.external_id = "CALL-1";
  incoming.outcome = "demo booked";
  incoming.satisfaction = 4;
  Interaction patched = Ok(store_->Run(&WriteTxn::PatchInteraction, incoming, Ok(Patch::Parse("outcome, satisfaction"))));
  EXPECT_EQ(patched.id, call.id);
  EXPECT_EQ(patched.subject, "Renewal call");
  EXPECT_EQ(patched.body, "Talked about seats.");
  EXPECT_EQ(patched.owner, "maria");
  EXPECT_EQ(patched.occurred_at, call.occurred_at);
  EXPECT_EQ(patched.outcome, "demo booked");
  EXPECT_EQ(patched.satisfaction, 4);
  EXPECT_EQ(patched.custom.size(), 1u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetInteraction, call.id)), patched);

  // By id, revision checked when given; the customer stays fixed; a typo is named.
  Interaction by_id;
  by_id.id = call.id;
  by_id.revision = 1;
  EXPECT_TRUE(absl::IsAborted(store_->Run(&WriteTxn::PatchInteraction, by_id, Ok(Patch::Parse("owner"))).status()));
  by_id.revision = 0;
  by_id.owner = "tom";
  patched = Ok(store_->Run(&WriteTxn::PatchInteraction, by_id, Ok(Patch::Parse("owner, custom.topic"))));
  EXPECT_EQ(patched.owner, "tom");
  EXPECT_TRUE(patched.custom.empty());
  by_id.customer = bo.id;
  EXPECT_FALSE(store_->Run(&WriteTxn::PatchInteraction, by_id, Ok(Patch::Parse("customer"))).ok());
  auto bad = store_->Run(&WriteTxn::PatchInteraction, by_id, Ok(Patch::Parse("subjekt")));
  EXPECT_NE(bad.status().message().find("'subjekt' is not a field a patch of an interaction sets"), std::string::npos)
      << bad.status();
  // A new external id logs the interaction.
  Interaction fresh;
  fresh.external_id = "NOTE-9";
  fresh.customer = bo.id;
  fresh.subject = "First note";
  const Interaction made = Ok(store_->Run(&WriteTxn::PatchInteraction, fresh, Ok(Patch::Parse("subject"))));
  EXPECT_EQ(made.customer, bo.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindInteractionByExternalId, std::string_view("NOTE-9"))).id, made.id);
}

}  // namespace
}  // namespace crm
