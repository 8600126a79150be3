// Merging customers and undoing a merge: the merged record's rules, what moves to the survivor,
// the redirect of merged ids, unmerge restoring records and index entries exactly, and unmerge
// refused after a later change.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "support/fixture.h"
#include "support/raw_lmdb.h"

namespace crm {
namespace {

class MergeTest : public testing::StoreTest {
 protected:
  Customer Person(const std::string& given, const std::string& family, const std::string& email,
                  const std::string& phone = "") {
    Customer c;
    c.given_name = given;
    c.family_name = family;
    if (!email.empty()) c.emails.push_back(Email{email, "", false});
    if (!phone.empty()) c.phones.push_back(Phone{phone, "", false});
    return c;
  }
  Customer Create(const Customer& c) { return Ok(store_->Run(&WriteTxn::CreateCustomer, c)); }
  Customer Get(CustomerId id) { return Ok(store_->Run(&ReadTxn::GetCustomer, id)); }
  MergeResult Merge(CustomerId survivor, std::vector<CustomerId> losers, MergeOptions options = {}) {
    return Ok(store_->Run(&WriteTxn::MergeCustomers, survivor, losers, options));
  }
  std::vector<Interaction> Timeline(CustomerId id) {
    TimelineQuery q;
    q.customer = id;
    q.limit = 1000;
    return Ok(store_->Run(&ReadTxn::ListTimeline, q)).interactions;
  }
  void ExpectVerified() {
    const VerifyReport report = Ok(store_->Run(&ReadTxn::Verify));
    EXPECT_TRUE(report.problems.empty()) << report.problems.front();
  }
  void Consent(CustomerId id, const std::string& purpose) {
    ConsentRecord r;
    r.customer = id;
    r.purpose = purpose;
    r.legal_basis = LegalBasis::kConsent;
    Ok(store_->Run(&WriteTxn::RecordConsent, r));
  }
};

// Every record, with what an unmerge may change (revision, updated_at) cleared, and the raw index
// tables of the closed store: what an unmerge must give back exactly.
struct Snapshot {
  std::vector<Customer> customers;
  std::vector<Interaction> interactions;
  std::vector<Opportunity> deals;
  std::vector<ConsentRecord> consents;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> tables;
  bool operator==(const Snapshot&) const = default;
};

class MergeSnapshotTest : public MergeTest {
 protected:
  Snapshot Take() {
    Snapshot s;
    CustomerQuery q = CustomerQuery::All();
    q.include_archived = true;
    q.limit = 1000;
    for (Customer c : Ok(store_->Run(&ReadTxn::ListCustomers, q)).customers) {
      for (Interaction i : Timeline(c.id)) {
        i.revision = 0;
        i.updated_at = 0;
        s.interactions.push_back(i);
      }
      for (const ConsentRecord& r : Ok(store_->Run(&ReadTxn::ConsentHistory, c.id))) s.consents.push_back(r);
      c.revision = 0;
      c.updated_at = 0;
      s.customers.push_back(c);
    }
    for (Opportunity o : AllOpportunities()) {
      o.revision = 0;
      o.updated_at = 0;
      s.deals.push_back(o);
    }
    const std::string path = dir_.File("crm.db");
    store_.reset();
    for (const char* table :
         {"customer_email", "customer_external", "customer_phone", "customer_name", "customer_tag", "customer_owner",
          "customer_stage", "customer_country", "customer_org", "customer_domain", "customer_parent",
          "customer_contact", "customer_contacted", "customer_match", "interaction_ids", "interaction_opp",
          "interaction_external", "opp_customer", "opp_stage", "opp_owner", "opp_close", "opp_contact", "opp_external",
          "duplicate_pairs", "duplicate_pair_of", "purchases", "customer_facts", "customer_value", "churn_counts",
          "deal_totals", "deal_scores", "merges", "merge_survivor", "customer_merged"}) {
      testing::RawTable raw(path, table);
      s.tables[table] = raw.Entries();
    }
    for (const char* table : {"customers", "interactions", "opportunities", "consents", "data_keys"}) {
      testing::RawTable raw(path, table);
      for (auto& [key, value] : raw.Entries()) s.tables[table].emplace_back(key, "");  // the keys: values hold revisions
    }
    {
      testing::RawTable raw(path, "meta");
      for (auto& [key, value] : raw.Entries())
        if (key.rfind("grp.", 0) == 0 || key.rfind("count.customer", 0) == 0) s.tables["meta"].emplace_back(key, value);
    }
    Reopen();
    return s;
  }
  static void ExpectSame(const Snapshot& a, const Snapshot& b) {
    EXPECT_EQ(a.customers, b.customers);
    EXPECT_EQ(a.interactions, b.interactions);
    EXPECT_EQ(a.deals, b.deals);
    EXPECT_EQ(a.consents, b.consents);
    for (const auto& [table, entries] : a.tables) {
      auto other = b.tables.find(table);
      ASSERT_NE(other, b.tables.end()) << table;
      EXPECT_EQ(entries, other->second) << "table " << table;
    }
  }
};

TEST_F(MergeTest, MergeUnionsTheFieldsAndMovesEverythingToTheSurvivor) {
  Customer a = Person("Ann", "Lee", "ann@acme.com", "+1 415 555 0100");
  a.tags = {"vip"};
  a.custom["tier"] = std::string("gold");
  a.owner = "sam";
  const Customer ann = Create(a);
  Customer b = Person("Anne", "Lee", "ANN.LEE@home.org", "+1 (415) 555-0100");
  b.emails.push_back(Email{"ann@acme.com", "", false});  // not allowed twice in a store: changed below
  b.emails.pop_back();
  b.tags = {"VIP", "beta"};
  b.custom["tier"] = std::string("silver");
  b.custom["region"] = std::string("eu");
  b.address.city = "Berlin";
  b.consent.do_not_call = true;
  b.external_id = "sf-003";
  b.job_title = "CFO";
  const Customer anne = Create(b);
  const Customer other = Create(Person("Bob", "Stone", "bob@stone.io"));
  Touch(anne.id, InteractionKind::kCall, now_ - 3000, "call");
  Touch(anne.id, InteractionKind::kEmail, now_ - 1000, "mail");
  Touch(ann.id, InteractionKind::kMeeting, now_ - 2000, "meet");
  const Opportunity annes_deal = MakeDeal(anne.id, "Anne's deal");
  Opportunity shared = MakeDeal(other.id, "Bob's deal");
  shared.contacts.push_back(ContactRole{anne.id, "buyer"});
  shared.contacts.push_back(ContactRole{ann.id, "user"});
  shared = Ok(store_->Run(&WriteTxn::UpdateOpportunity, shared));
  Consent(anne.id, "newsletter");
  ASSERT_TRUE(store_->Write("", [&](WriteTxn& t) { return t.DismissDuplicatePair(anne.id, other.id); }).ok());

  const MergeResult merged = Merge(ann.id, {anne.id});
  const Customer& m = merged.survivor;
  EXPECT_EQ(m.id, ann.id);
  EXPECT_EQ(m.given_name, "Ann");                    // the survivor's value wins
  EXPECT_EQ(m.address.city, "Berlin");               // an empty one is filled
  EXPECT_EQ(m.external_id, "sf-003");
  EXPECT_EQ(m.job_title, "CFO");
  EXPECT_EQ(m.owner, "sam");
  ASSERT_EQ(m.emails.size(), 2u);                     // unioned, the survivor's primary first
  EXPECT_TRUE(m.emails[0].primary);
  EXPECT_EQ(m.emails[1].address, "ANN.LEE@home.org");
  EXPECT_FALSE(m.emails[1].primary);
  EXPECT_EQ(m.phones.size(), 1u);                     // the same number once
  EXPECT_EQ(m.tags.size(), 2u);                       // vip (case ignored) and beta
  EXPECT_EQ(std::get<std::string>(m.custom.at("tier")), "gold");
  EXPECT_EQ(std::get<std::string>(m.custom.at("region")), "eu");
  EXPECT_TRUE(m.consent.do_not_call);                 // the stricter choice
  EXPECT_EQ(merged.merge.survivor, ann.id);
  EXPECT_EQ(merged.merge.losers, std::vector<CustomerId>{anne.id});
  EXPECT_EQ(merged.merge.interactions, 2u);
  EXPECT_EQ(merged.merge.opportunities, 1u);
  EXPECT_EQ(merged.merge.contact_roles, 1u);
  EXPECT_EQ(merged.merge.consents, 1u);
  EXPECT_EQ(merged.merge.pairs, 1u);

  // The loser's id resolves to the survivor; its lookups now find the survivor.
  EXPECT_EQ(Get(anne.id).id, ann.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::MergedInto, anne.id)), ann.id);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::MergedInto, ann.id).status()));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindCustomerByEmail, "ann.lee@home.org")).id, ann.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindCustomerByExternalId, "sf-003")).id, ann.id);
  EXPECT_EQ(Timeline(ann.id).size(), 3u);
  EXPECT_EQ(Get(ann.id).last_interaction_at, now_ - 1000);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetOpportunity, annes_deal.id)).customer, ann.id);
  const Opportunity after = Ok(store_->Run(&ReadTxn::GetOpportunity, shared.id));
  ASSERT_EQ(after.contacts.size(), 1u);  // the survivor once, with the first role
  EXPECT_EQ(after.contacts[0].person, ann.id);
  EXPECT_EQ(after.contacts[0].role, "buyer");
  const auto consents = Ok(store_->Run(&ReadTxn::ConsentHistory, ann.id));
  ASSERT_EQ(consents.size(), 1u);
  EXPECT_EQ(consents[0].purpose, "newsletter");
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetDuplicatePair, anne.id, other.id).status()));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All())), 2u);
  // The feed has the merge on the survivor, naming the loser.
  const auto changes = Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{1000}));
  auto merge = std::find_if(changes.begin(), changes.end(), [](const Change& c) { return c.op == ChangeOp::kMerge; });
  ASSERT_NE(merge, changes.end());
  EXPECT_EQ(merge->entity_id, ann.id);
  EXPECT_TRUE(std::any_of(merge->fields.begin(), merge->fields.end(), [&](const FieldChange& f) {
    return f.field == "merged" && f.after == std::to_string(anne.id);
  }));
  const auto merges = Ok(store_->Run(&ReadTxn::ListMerges, ann.id));
  ASSERT_EQ(merges.size(), 1u);
  EXPECT_EQ(merges[0].id, merged.merge.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetMerge, merged.merge.id)).losers, merged.merge.losers);
  ExpectVerified();
}

TEST_F(MergeTest, ChoicesOverrideTheRulesFieldByField) {
  Customer a = Person("Ann", "Lee", "ann@acme.com");
  a.address.city = "Paris";
  a.custom["tier"] = std::string("gold");
  const Customer ann = Create(a);
  Customer b = Person("Anne", "Leigh", "anne@home.org");
  b.address.city = "Berlin";
  b.address.country = "DE";
  b.custom["tier"] = std::string("silver");
  const Customer anne = Create(b);
  MergeOptions options;
  options.choices = {{"address", anne.id}, {"custom.tier", anne.id}, {"family_name", anne.id}, {"emails", ann.id}};
  const Customer m = Merge(ann.id, {anne.id}, options).survivor;
  EXPECT_EQ(m.address.city, "Berlin");
  EXPECT_EQ(m.address.country, "DE");
  EXPECT_EQ(std::get<std::string>(m.custom.at("tier")), "silver");
  EXPECT_EQ(m.family_name, "Leigh");
  EXPECT_EQ(m.given_name, "Ann");
  EXPECT_EQ(m.display_name, "Ann Leigh");  // made of the names, so made again
  ASSERT_EQ(m.emails.size(), 1u);  // only the survivor's: the loser's email is free again
  EXPECT_EQ(m.emails[0].address, "ann@acme.com");
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindCustomerByEmail, "anne@home.org").status()));
  ExpectVerified();
}

TEST_F(MergeTest, BadMergesAreRefusedAndWriteNothing) {
  const Customer ann = Create(Person("Ann", "Lee", "ann@acme.com"));
  const Customer anne = Create(Person("Anne", "Lee", "anne@acme.com"));
  const Customer org = MakeOrg("Acme");
  const auto refused = [&](std::vector<CustomerId> losers, MergeOptions options, absl::StatusCode code,
                           const std::string& says) {
    const std::uint64_t seq = Ok(store_->Run(&ReadTxn::LastChangeSeq));
    auto r = store_->Run(&WriteTxn::MergeCustomers, ann.id, losers, options);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), code) << r.status();
    EXPECT_NE(r.status().message().find(says), std::string::npos) << r.status();
    EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), seq);
  };
  refused({}, {}, absl::StatusCode::kInvalidArgument, "1 to 32");
  refused({anne.id, anne.id}, {}, absl::StatusCode::kInvalidArgument, "named twice");
  refused({ann.id}, {}, absl::StatusCode::kInvalidArgument, "is the survivor");
  refused({org.id}, {}, absl::StatusCode::kInvalidArgument, "only customers of one kind merge");
  refused({9999}, {}, absl::StatusCode::kNotFound, "customer 9999 does not exist");
  MergeOptions bad_field;
  bad_field.choices = {{"shoe_size", anne.id}};
  refused({anne.id}, bad_field, absl::StatusCode::kInvalidArgument, "choices[0]");
  MergeOptions bad_source;
  bad_source.choices = {{"address", org.id}};
  refused({anne.id}, bad_source, absl::StatusCode::kInvalidArgument, "is not one of the customers merged");
  // A merged record past a limit (16 emails) is refused before anything is written.
  Customer many = Person("Ann", "Many", "m0@many.org");
  for (int i = 1; i < 10; ++i) many.emails.push_back(Email{absl::StrCat("m", i, "@many.org"), "", false});
  Customer more = Person("Ann", "More", "n0@more.org");
  for (int i = 1; i < 10; ++i) more.emails.push_back(Email{absl::StrCat("n", i, "@more.org"), "", false});
  const Customer m1 = Create(many), m2 = Create(more);
  const std::uint64_t seq = Ok(store_->Run(&ReadTxn::LastChangeSeq));
  auto too_many = store_->Run(&WriteTxn::MergeCustomers, m1.id, std::vector<CustomerId>{m2.id}, MergeOptions{});
  EXPECT_TRUE(absl::IsInvalidArgument(too_many.status())) << too_many.status();
  EXPECT_NE(too_many.status().message().find("the merged customer would not be valid: emails"), std::string::npos)
      << too_many.status();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), seq);
  EXPECT_EQ(Get(anne.id).id, anne.id);
  // A merged customer's id says where it went.
  Merge(ann.id, {anne.id});
  auto again = store_->Run(&WriteTxn::MergeCustomers, org.id, std::vector<CustomerId>{anne.id}, MergeOptions{});
  EXPECT_TRUE(absl::IsNotFound(again.status()));
  EXPECT_NE(again.status().message().find(absl::StrCat("merged into customer ", ann.id)), std::string::npos)
      << again.status();
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::UnmergeCustomers, MergeId{77}).status()));
  ExpectVerified();
}

TEST_F(MergeSnapshotTest, UnmergeRestoresEveryRecordAndIndexEntryExactly) {
  const Customer acme = MakeOrg("Acme");
  Customer a = Person("Ann", "Lee", "ann@acme.com", "+1 415 555 0100");
  a.memberships.push_back(Membership{acme.id, "CEO"});
  a.tags = {"vip"};
  const Customer ann = Create(a);
  Customer b = Person("Anne", "Lee", "anne@home.org", "+1 415 555 0101");
  b.memberships.push_back(Membership{acme.id, "buyer"});
  b.tags = {"beta"};
  b.address.country = "US";
  b.stage = LifecycleStage::kCustomer;
  b.external_id = "sf-9";
  const Customer anne = Create(b);
  Customer c = Person("Annie", "Lee", "annie@lee.net");
  c.owner = "kim";
  const Customer annie = Create(c);
  const Customer bob = Create(Person("Bob", "Stone", "bob@stone.io"));
  for (int i = 0; i < 5; ++i) {
    Touch(anne.id, InteractionKind::kCall, now_ - 10000 + i, "call");
    Touch(annie.id, InteractionKind::kNote, now_ - 5000 + i, "note");
  }
  Interaction purchase;
  purchase.customer = anne.id;
  purchase.kind = InteractionKind::kPurchase;
  purchase.occurred_at = now_ - 100;
  purchase.amount = Money{4200, "USD"};
  Ok(store_->Run(&WriteTxn::LogInteraction, purchase));
  const Opportunity deal = MakeDeal(anne.id, "Anne's deal", 250000);
  Ok(store_->Run(&WriteTxn::CloseWon, deal.id));
  Opportunity bobs = MakeDeal(bob.id, "Bob's deal");
  bobs.contacts = {ContactRole{annie.id, "champion"}, ContactRole{ann.id, "user"}};
  Ok(store_->Run(&WriteTxn::UpdateOpportunity, bobs));
  Consent(anne.id, "newsletter");
  ASSERT_TRUE(store_->Write("", [&](WriteTxn& t) { return t.DismissDuplicatePair(annie.id, bob.id); }).ok());
  now_ += 1000;

  const Snapshot before = Take();
  const MergeResult merged = Merge(ann.id, {anne.id, annie.id});
  now_ += 1000;
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All())), 3u);
  const MergeRecord undone = Ok(store_->Run(&WriteTxn::UnmergeCustomers, merged.merge.id));
  EXPECT_EQ(undone.id, merged.merge.id);
  ExpectVerified();
  const Snapshot after = Take();
  ExpectSame(before, after);
  // The restored records are new revisions.
  EXPECT_GT(Get(anne.id).revision, anne.revision);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::MergedInto, anne.id).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetMerge, merged.merge.id).status()));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ListMerges, ann.id)).empty());
  // The feed says what happened.
  const auto changes = Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{1000}));
  EXPECT_TRUE(std::any_of(changes.begin(), changes.end(), [](const Change& c) { return c.op == ChangeOp::kUnmerge; }));
}

TEST_F(MergeSnapshotTest, OrganizationsMergeWithTheirMembersAndSubsidiaries) {
  Customer parent_org;
  parent_org.kind = CustomerKind::kOrganization;
  parent_org.display_name = "Acme Holding";
  const Customer holding = Create(parent_org);
  Customer o1;
  o1.kind = CustomerKind::kOrganization;
  o1.display_name = "Acme Inc.";
  o1.website = "acme.com";
  const Customer acme = Create(o1);
  Customer o2 = o1;
  o2.display_name = "ACME";
  o2.website = "acme.co.uk";
  o2.parent = holding.id;
  const Customer acme2 = Create(o2);
  Customer sub;
  sub.kind = CustomerKind::kOrganization;
  sub.display_name = "Acme Labs";
  sub.parent = acme2.id;
  const Customer labs = Create(sub);
  Customer p = Person("Ann", "Lee", "ann@acme.com");
  p.memberships = {Membership{acme.id, "CEO"}, Membership{acme2.id, "director"}};
  const Customer ann = Create(p);
  Customer q = Person("Bob", "Stone", "bob@acme.co.uk");
  q.memberships = {Membership{acme2.id, "buyer"}};
  const Customer bob = Create(q);
  const Snapshot before = Take();

  const MergeResult merged = Merge(acme.id, {acme2.id});
  EXPECT_EQ(merged.merge.members, 2u);
  EXPECT_EQ(merged.merge.subsidiaries, 1u);
  EXPECT_EQ(merged.survivor.parent, holding.id);
  EXPECT_EQ(merged.survivor.domains.size(), 2u);
  EXPECT_EQ(Get(labs.id).parent, acme.id);
  const Customer ann_now = Get(ann.id);
  ASSERT_EQ(ann_now.memberships.size(), 1u);  // a member of both is a member once, as CEO
  EXPECT_EQ(ann_now.memberships[0].role, "CEO");
  EXPECT_EQ(Get(bob.id).memberships[0].organization, acme.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountCustomers, CustomerQuery::Organization(acme.id))), 2u);
  ExpectVerified();

  Ok(store_->Run(&WriteTxn::UnmergeCustomers, merged.merge.id));
  ExpectVerified();
  ExpectSame(before, Take());
}

TEST_F(MergeTest, UnmergeIsRefusedAfterALaterChangeAndSaysWhat) {
  const Customer ann = Create(Person("Ann", "Lee", "ann@acme.com"));
  const Customer anne = Create(Person("Anne", "Lee", "anne@home.org"));
  const Interaction call = Touch(anne.id, InteractionKind::kCall, now_ - 100, "call");
  const MergeResult merged = Merge(ann.id, {anne.id});
  // A moved interaction edited since.
  Interaction edited = Ok(store_->Run(&ReadTxn::GetInteraction, call.id));
  edited.subject = "call, edited";
  Ok(store_->Run(&WriteTxn::UpdateInteraction, edited));
  // The survivor edited since.
  Customer survivor = Get(ann.id);
  survivor.owner = "kim";
  Ok(store_->Run(&WriteTxn::UpdateCustomer, survivor));
  const std::uint64_t seq = Ok(store_->Run(&ReadTxn::LastChangeSeq));
  auto refused = store_->Run(&WriteTxn::UnmergeCustomers, merged.merge.id);
  ASSERT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find(absl::StrCat("customer ", ann.id, " was changed since")), std::string::npos)
      << refused.status();
  EXPECT_NE(refused.status().message().find(absl::StrCat("interaction ", call.id, " was changed since")),
            std::string::npos)
      << refused.status();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), seq);  // nothing written
  EXPECT_EQ(Get(anne.id).id, ann.id);

  // A survivor merged again is unmerged last-in first-out.
  const Customer ann2 = Create(Person("Ann", "Lee", "lee@acme.com"));
  const MergeResult second = Merge(ann2.id, {ann.id});
  EXPECT_EQ(Get(anne.id).id, ann2.id);  // followed through both merges
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::MergedInto, anne.id)), ann2.id);
  auto blocked = store_->Run(&WriteTxn::UnmergeCustomers, merged.merge.id);
  ASSERT_TRUE(absl::IsFailedPrecondition(blocked.status()));
  EXPECT_NE(blocked.status().message().find(absl::StrCat("was merged into customer ", ann2.id)), std::string::npos)
      << blocked.status();
  Ok(store_->Run(&WriteTxn::UnmergeCustomers, second.merge.id));
  EXPECT_EQ(Get(ann.id).owner, "kim");
  ExpectVerified();
}

TEST_F(MergeTest, DeletingTheSurvivorForgetsItsMergesAndTheirCopies) {
  const Customer ann = Create(Person("Ann", "Lee", "ann@acme.com"));
  const Customer anne = Create(Person("Anne", "Lee", "anne@home.org"));
  const Customer annie = Create(Person("Annie", "Lee", "annie@lee.net"));
  const MergeResult first = Merge(anne.id, {annie.id});
  const MergeResult second = Merge(ann.id, {anne.id});
  ASSERT_TRUE(store_->Write("", [&](WriteTxn& t) { return t.DeleteCustomer(ann.id); }).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetMerge, first.merge.id).status()));
  // Erasure too.
  const Customer bo = Create(Person("Bo", "Lee", "bo@lee.net"));
  const Customer bob = Create(Person("Bob", "Lee", "bob@lee.net"));
  const MergeResult third = Merge(bo.id, {bob.id});
  ASSERT_TRUE(store_->Write("", [&](WriteTxn& t) { return t.EraseCustomer(bo.id, EraseOptions{}).status(); }).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetMerge, third.merge.id).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetCustomer, bob.id).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetMerge, second.merge.id).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetCustomer, annie.id).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::MergedInto, annie.id).status()));
  ExpectVerified();
}

// A final merge keeps its record and the redirects, drops the journal's copies of the records
// (the subject export no longer holds them) and cannot be undone.
TEST_F(MergeTest, FinalMergesKeepTheirRecordAndRedirectsAndCannotBeUndone) {
  const Customer ann = Create(Person("Ann", "Lee", "ann@acme.com"));
  const Customer anne = Create(Person("Anne", "Lee", "anne@home.org"));
  Touch(anne.id, InteractionKind::kCall, now_ - 100, "call");
  const MergeResult first = Merge(ann.id, {anne.id});
  now_ += 1'000'000;
  const Customer bo = Create(Person("Bo", "Lee", "bo@lee.net"));
  const Customer bob = Create(Person("Bob", "Lee", "bob@lee.net"));
  const MergeResult second = Merge(bo.id, {bob.id});
  now_ += 1'000'000;
  const nlohmann::json held = nlohmann::json::parse(Ok(store_->Run(&ReadTxn::ExportCustomer, ann.id)));
  ASSERT_EQ(held["merges"].size(), 1u);
  EXPECT_EQ(held["merges"][0]["merged_customers"][0]["given_name"], "Anne");  // the journal's copy

  // Made before the first merge: none. Before the second: the first alone.
  EXPECT_EQ(Ok(store_->Run(&WriteTxn::FinalizeMerges, first.merge.merged_at, std::size_t{1000})), 0u);
  EXPECT_EQ(Ok(store_->Run(&WriteTxn::FinalizeMerges, second.merge.merged_at, std::size_t{1000})), 1u);
  const MergeRecord kept = Ok(store_->Run(&ReadTxn::GetMerge, first.merge.id));
  EXPECT_EQ(kept.final_at, now_);
  EXPECT_EQ(kept.losers, std::vector<CustomerId>{anne.id});
  EXPECT_EQ(kept.interactions, 1u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetMerge, second.merge.id)).final_at, 0);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::MergedInto, anne.id)), ann.id);  // the redirect stays
  EXPECT_EQ(Get(anne.id).id, ann.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListMerges, ann.id)).size(), 1u);

  const std::uint64_t seq = Ok(store_->Run(&ReadTxn::LastChangeSeq));
  auto refused = store_->Run(&WriteTxn::UnmergeCustomers, first.merge.id);
  ASSERT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find("was made final"), std::string::npos) << refused.status();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), seq);

  const nlohmann::json exported = nlohmann::json::parse(Ok(store_->Run(&ReadTxn::ExportCustomer, ann.id)));
  ASSERT_EQ(exported["merges"].size(), 1u);
  const nlohmann::json& listed = exported["merges"][0];
  EXPECT_FALSE(listed.contains("merged_customers")) << listed;  // no copy left
  EXPECT_FALSE(listed.contains("customer_before")) << listed;
  EXPECT_EQ(listed["merged_customer_ids"], nlohmann::json::array({anne.id}));
  EXPECT_TRUE(listed["final_at"].is_string());
  EXPECT_EQ(exported.dump().find("\"Anne\""), std::string::npos);

  // Making it final again keeps its time; one limit's worth a call, then none is left.
  now_ += 1'000'000;
  EXPECT_EQ(Ok(store_->Run(&WriteTxn::FinalizeMerge, first.merge.id)).final_at, kept.final_at);
  EXPECT_EQ(Ok(store_->Run(&WriteTxn::FinalizeMerges, now_, std::size_t{1})), 1u);  // the second
  EXPECT_EQ(Ok(store_->Run(&WriteTxn::FinalizeMerges, now_, std::size_t{1})), 0u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetMerge, second.merge.id)).final_at, now_);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::FinalizeMerge, MergeId{999}).status()));
  for (std::size_t bad : {std::size_t{0}, std::size_t{100001}})
    EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::FinalizeMerges, now_, bad).status()));
  ExpectVerified();

  // Deleting the survivor still forgets its final merges and the redirects.
  ASSERT_TRUE(store_->Write("", [&](WriteTxn& t) { return t.DeleteCustomer(ann.id, DeleteOptions{true}); }).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetMerge, first.merge.id).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::MergedInto, anne.id).status()));
  ExpectVerified();
}

}  // namespace
}  // namespace crm
