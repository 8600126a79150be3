// Duplicate matching through the public API: the reasons and scores, the rule on write (allow,
// alert, block), dismissed pairs, the store-wide scan and the sets it keeps.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/fixture.h"

namespace crm {
namespace {

class DuplicatesTest : public testing::StoreTest {
 protected:
  Customer Person(const std::string& given, const std::string& family, const std::string& email = "",
                  const std::string& phone = "", const std::string& city = "") {
    Customer c;
    c.given_name = given;
    c.family_name = family;
    if (!email.empty()) c.emails.push_back(Email{email, "", false});
    if (!phone.empty()) c.phones.push_back(Phone{phone, "", false});
    c.address.city = city;
    return c;
  }
  Customer Create(const Customer& c) { return Ok(store_->Run(&WriteTxn::CreateCustomer, c)); }
  std::vector<DuplicateCandidate> Of(CustomerId id, MatchOptions o = {}) {
    return Ok(store_->Run(&ReadTxn::FindDuplicates, id, o));
  }
  static std::vector<MatchReason> Reasons(const DuplicateCandidate& d) {
    std::vector<MatchReason> out;
    for (const MatchEvidence& e : d.reasons) out.push_back(e.reason);
    std::sort(out.begin(), out.end());
    return out;
  }
  void SetRule(DuplicateAction action, bool on_update = false) {
    DuplicateRule rule;
    rule.action = action;
    rule.on_update = on_update;
    ASSERT_TRUE(store_->Write("", [&](WriteTxn& t) { return t.SetDuplicateRule(rule); }).ok());
  }
};

TEST_F(DuplicatesTest, EachSignalIsAReasonWithItsWeight) {
  const Customer ann = Create(Person("Ann", "Lee", "Ann.Lee@Example.org", "+1 (555) 201-3344", "Boston"));
  // Emails are unique in a store: the same email is a reason for a draft (below) and for a
  // customer whose other email another customer holds.
  // The same phone, written otherwise, and nothing else: 0.6, below the default threshold.
  const Customer phone = Create(Person("Zed", "Quinn", "", "555.201.3344 x12"));
  // A typo in the family name, the same city: a name reason corroborated once.
  const Customer typo = Create(Person("Ann", "Leee", "", "", "boston"));
  // The same name and nothing in common: no reason at all.
  const Customer alone = Create(Person("Ann", "Lee"));

  auto found = Of(ann.id);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, typo.id);
  EXPECT_EQ(Reasons(found[0]), std::vector<MatchReason>{MatchReason::kName});
  EXPECT_NE(found[0].reasons[0].detail.find("same city"), std::string::npos) << found[0].reasons[0].detail;
  EXPECT_GE(found[0].score, 0.8);

  MatchOptions low;
  low.threshold = 0.5;
  found = Of(ann.id, low);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[1].id, phone.id);
  EXPECT_EQ(Reasons(found[1]), std::vector<MatchReason>{MatchReason::kPhone});
  EXPECT_DOUBLE_EQ(found[1].score, 0.6);
  EXPECT_EQ(found[1].reasons[0].detail, "555.201.3344 x12");
  for (const DuplicateCandidate& d : found) EXPECT_NE(d.id, alone.id);

  // An email of the draft that a customer holds, case aside: 0.97.
  found = Ok(store_->Run(&ReadTxn::FindDuplicatesOf, Person("Zoe", "Brown", "ann.lee@example.ORG"), MatchOptions{}));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, ann.id);
  EXPECT_EQ(Reasons(found[0]), std::vector<MatchReason>{MatchReason::kEmail});
  EXPECT_DOUBLE_EQ(found[0].score, 0.97);
  EXPECT_EQ(found[0].reasons[0].detail, "Ann.Lee@Example.org");

  // Only the signals asked for count.
  MatchOptions names_only;
  names_only.reasons = MatchReasonBit(MatchReason::kName);
  found = Of(ann.id, names_only);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, typo.id);
}

TEST_F(DuplicatesTest, NamesMatchThroughNicknamesInitialsSwapsAndAccents) {
  const Customer acme = MakeOrg("Acme GmbH");
  Customer bob = Person("Robert", "Müller");
  bob.memberships = {Membership{acme.id, ""}};
  bob = Create(bob);
  Customer nick = Person("bob", "MULLER");  // nickname, case, accent
  nick.memberships = {Membership{acme.id, ""}};
  nick = Create(nick);
  Customer swapped = Person("Muller", "Robert", "rm@muller-partners.de");  // swapped names
  swapped.memberships = {Membership{acme.id, ""}};
  swapped = Create(swapped);
  Customer initial = Person("R.", "Mueller", "", "", "");  // an initial, a spelling
  initial.memberships = {Membership{acme.id, ""}};
  initial = Create(initial);
  Customer other = Person("Roberta", "Miller");  // another person at the same organization
  other.memberships = {Membership{acme.id, ""}};
  other = Create(other);

  const auto found = Of(bob.id);
  std::vector<CustomerId> ids;
  for (const DuplicateCandidate& d : found) {
    ids.push_back(d.id);
    EXPECT_EQ(Reasons(d), std::vector<MatchReason>{MatchReason::kName});
    EXPECT_NE(d.reasons[0].detail.find("same organization"), std::string::npos);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<CustomerId>{nick.id, swapped.id, initial.id})) << found.size();
}

TEST_F(DuplicatesTest, OrganizationsMatchWithoutLegalFormsAndByDomain) {
  Customer a;
  a.kind = CustomerKind::kOrganization;
  a.display_name = "Rasmussen Group GmbH";
  a.address.city = "Hamburg";
  a = Create(a);
  Customer b = a;
  b.id = 0;
  b.display_name = "RASMUSSEN GROUP Inc.";
  b = Create(b);
  Customer c;
  c.kind = CustomerKind::kOrganization;
  c.display_name = "Nordic Trading S.L.";
  c.website = "https://www.nordic.example";
  c = Create(c);
  Customer d;
  d.kind = CustomerKind::kOrganization;
  d.display_name = "Nordic Trade Holding";
  d.domains = {"nordic.example"};
  d = Create(d);

  auto found = Of(a.id);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, b.id);
  EXPECT_EQ(Reasons(found[0]), std::vector<MatchReason>{MatchReason::kName});
  found = Of(c.id);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, d.id);
  EXPECT_EQ(found[0].reasons[0].reason, MatchReason::kDomain);
  EXPECT_EQ(found[0].reasons[0].detail, "nordic.example");
}

TEST_F(DuplicatesTest, IdFieldsOfOtherSystemsNeedADeclaredIndex) {
  if (!key_.empty()) GTEST_SKIP() << "an encrypted store declares no index on customers' custom fields";
  Customer a = Person("Kim", "Park");
  a.custom["sf_id"] = std::string("003A1");
  a = Create(a);
  Customer b = Person("Kimberly", "Parks");
  b.custom["sf_id"] = std::string("003A1");
  b = Create(b);
  MatchOptions o;
  o.id_fields = {"custom.sf_id"};
  auto refused = store_->Run(&ReadTxn::FindDuplicates, a.id, o);
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status()));
  EXPECT_NE(refused.status().message().find("custom.sf_id has no declared index"), std::string::npos) << refused.status();
  ASSERT_TRUE(store_->Write("", [](WriteTxn& t) { return t.DeclareIndex(EntityType::kCustomer, "custom.sf_id"); }).ok());
  const auto found = Of(a.id, o);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, b.id);
  EXPECT_EQ(found[0].reasons[0].reason, MatchReason::kExternalId);
  EXPECT_EQ(found[0].reasons[0].detail, "custom.sf_id = 003A1");
}

TEST_F(DuplicatesTest, ADraftIsMatchedBeforeItIsStored) {
  const Customer ann = Create(Person("Ann", "Lee", "ann@lee.example"));
  Customer draft = Person("Anne", "Lee", "ANN@lee.example");
  const auto found = Ok(store_->Run(&ReadTxn::FindDuplicatesOf, draft, MatchOptions{}));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, ann.id);
  EXPECT_EQ(Reasons(found[0]), (std::vector<MatchReason>{MatchReason::kEmail, MatchReason::kName}));
  draft.emails[0].address = "not an email";
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::FindDuplicatesOf, draft, MatchOptions{}).status()));
}

TEST_F(DuplicatesTest, ArchivedCustomersAreCandidatesOnlyWhenAsked) {
  const Customer ann = Create(Person("Ann", "Lee", "", "+1 555 201 3344", "Boston"));
  const Customer typo = Create(Person("Ann", "Leee", "", "", "Boston"));      // found by name
  const Customer same = Create(Person("Ann", "Lee", "", "+1 555 201 3344", "Boston"));  // and by phone
  for (CustomerId id : {typo.id, same.id}) ASSERT_TRUE(store_->Run(&WriteTxn::ArchiveCustomer, id).ok());
  EXPECT_TRUE(Of(ann.id).empty());
  MatchOptions o;
  o.include_archived = true;
  std::vector<CustomerId> ids;
  for (const DuplicateCandidate& d : Of(ann.id, o)) ids.push_back(d.id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<CustomerId>{typo.id, same.id}));
}

TEST_F(DuplicatesTest, AnyOneSharedValueAmongSeveralCorroboratesAName) {
  // The stored customer has five corroborating values; each draft shares exactly one of them,
  // among values of its own, so the shared one falls anywhere in either's list.
  std::vector<CustomerId> orgs;
  for (const char* name : {"Fjord Shipping", "Polar Freight", "Coastal Rail"}) {
    Customer o;
    o.kind = CustomerKind::kOrganization;
    o.display_name = name;
    orgs.push_back(Create(o).id);
  }
  Customer stored = Person("Ingrid", "Halvorsen", "ingrid@north.example", "", "Tromso");
  stored.emails.push_back(Email{"ih@south.example", "", false});
  stored.memberships = {Membership{orgs[0], ""}, Membership{orgs[1], ""}};
  stored = Create(stored);
  struct Draft {
    std::string city, email;
    CustomerId org;
    std::string expect;  // in the reason's detail; empty: not a candidate
  };
  const Draft drafts[] = {
      {"tromso", "i@west.example", orgs[2], "same city"},
      {"Bergen", "i@north.example", orgs[2], "same email domain"},
      {"Bergen", "i@south.example", orgs[2], "same email domain"},
      {"Bergen", "i@west.example", orgs[0], "same organization"},
      {"Bergen", "i@west.example", orgs[1], "same organization"},
      {"Bergen", "i@west.example", orgs[2], ""},
  };
  for (const Draft& d : drafts) {
    Customer draft = Person("Ingrid", "Halvorssen", d.email, "", d.city);
    draft.emails.push_back(Email{"ingrid.h@gmail.com", "", false});
    draft.memberships = {Membership{d.org, ""}};
    const auto found = Ok(store_->Run(&ReadTxn::FindDuplicatesOf, draft, MatchOptions{}));
    if (d.expect.empty()) {
      EXPECT_TRUE(found.empty()) << d.city << " " << d.email;
      continue;
    }
    ASSERT_EQ(found.size(), 1u) << d.expect << " " << d.email;
    EXPECT_EQ(found[0].id, stored.id);
    EXPECT_EQ(Reasons(found[0]), std::vector<MatchReason>{MatchReason::kName});
    EXPECT_NE(found[0].reasons[0].detail.find(d.expect), std::string::npos) << found[0].reasons[0].detail;
    EXPECT_EQ(found[0].reasons[0].detail.find("same", found[0].reasons[0].detail.find("same") + 1), std::string::npos)
        << "one shared value only: " << found[0].reasons[0].detail;
  }
}

TEST_F(DuplicatesTest, LongNamesAreComparedWhole) {
  // Names longer than 64 bytes, alike but for one letter near their end.
  const std::string name = "International Association of Independent Bicycle Frame Builders and Restorers";
  Customer a;
  a.kind = CustomerKind::kOrganization;
  a.display_name = name + " Ltd";
  a.address.city = "Leeds";
  a = Create(a);
  Customer b = a;
  b.display_name = name.substr(0, name.size() - 3) + "ars";
  b = Create(b);
  Customer c = a;
  c.display_name = "Leeds Cycling Club";
  c = Create(c);
  const auto found = Of(a.id);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, b.id);
  EXPECT_EQ(Reasons(found[0]), std::vector<MatchReason>{MatchReason::kName});
  EXPECT_EQ(found[0].reasons[0].detail.substr(0, 4), "0.99") << found[0].reasons[0].detail;
}

TEST_F(DuplicatesTest, BadOptionsAreRefusedByName) {
  const Customer ann = Create(Person("Ann", "Lee"));
  const auto refused = [&](MatchOptions o, const char* what) {
    auto r = store_->Run(&ReadTxn::FindDuplicates, ann.id, o);
    EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << what;
    EXPECT_NE(r.status().message().find(what), std::string::npos) << r.status();
  };
  MatchOptions o;
  o.threshold = 0;
  refused(o, "threshold");
  o = {};
  o.threshold = 1.5;
  refused(o, "threshold");
  o = {};
  o.limit = 0;
  refused(o, "limit");
  o = {};
  o.reasons = 0;
  refused(o, "reasons");
  o = {};
  o.reasons = 1;
  refused(o, "reasons");
  o = {};
  o.id_fields = {"given_name"};
  refused(o, "is not a custom field");
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindDuplicates, CustomerId{999}, MatchOptions{}).status()));
}

}  // namespace
}  // namespace crm
