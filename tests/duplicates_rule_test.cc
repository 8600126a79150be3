// The duplicate rule on write (allow, alert, block; on update; on import), dismissed pairs, the
// store-wide scan and the duplicate sets it keeps.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crm/error.hpp"
#include "support/files.h"
#include "support/fixture.h"

namespace crm {
namespace {

class DuplicateRuleTest : public testing::StoreTest {
 protected:
  Customer Person(const std::string& given, const std::string& family, const std::string& phone,
                  const std::string& city = "Lyon") {
    Customer c;
    c.given_name = given;
    c.family_name = family;
    c.phones.push_back(Phone{phone, "", false});
    c.address.city = city;
    return c;
  }
  absl::Status SetRule(DuplicateAction action, bool on_update = false, bool on_import = false) {
    DuplicateRule rule;
    rule.action = action;
    rule.on_update = on_update;
    rule.on_import = on_import;
    return store_->Write("", [&](WriteTxn& t) { return t.SetDuplicateRule(rule); });
  }
  std::uint64_t Count() { return Ok(store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All())); }
  void ExpectVerified() {
    const VerifyReport report = Ok(store_->Run(&ReadTxn::Verify));
    EXPECT_TRUE(report.problems.empty()) << report.problems.front();
  }
};

TEST_F(DuplicateRuleTest, BlockRefusesTheWriteAndNamesTheCandidates) {
  const Customer jean = Ok(store_->Run(&WriteTxn::CreateCustomer, Person("Jean", "Dupont", "+33 4 78 00 11 22")));
  ASSERT_TRUE(SetRule(DuplicateAction::kBlock).ok());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetDuplicateRule)).action, DuplicateAction::kBlock);
  const std::uint64_t before = Count();
  auto refused = store_->Run(&WriteTxn::CreateCustomer, Person("Jean", "Dupond", "+33 (4) 78-00-11-22"));
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_EQ(ErrorKindOf(refused.status()), ErrorKind::kDuplicate);
  EXPECT_NE(refused.status().message().find(absl::StrCat("customer ", jean.id, " (0.")), std::string::npos)
      << refused.status();
  EXPECT_NE(refused.status().message().find("name, phone"), std::string::npos) << refused.status();
  EXPECT_EQ(refused.status().message().find("78 00"), std::string::npos) << "no personal value in the message";
  EXPECT_EQ(Count(), before);
  // Someone else entirely is written.
  Ok(store_->Run(&WriteTxn::CreateCustomer, Person("Marie", "Curie", "+33 1 40 00 00 00", "Paris")));
  // Updates are not checked unless on_update; with it, an update that makes a duplicate fails.
  Customer other = Ok(store_->Run(&WriteTxn::CreateCustomer, Person("Paul", "Martin", "+33 4 11 11 11 11")));
  other.given_name = "Jean";
  other.family_name = "Dupont";
  other.phones[0].number = "+33 4 78 00 11 22";
  ASSERT_TRUE(SetRule(DuplicateAction::kBlock, /*on_update=*/true).ok());
  auto updated = store_->Run(&WriteTxn::UpdateCustomer, other);
  EXPECT_EQ(ErrorKindOf(updated.status()), ErrorKind::kDuplicate) << updated.status();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, other.id)).given_name, "Paul");
  ASSERT_TRUE(SetRule(DuplicateAction::kBlock, /*on_update=*/false).ok());
  EXPECT_TRUE(store_->Run(&WriteTxn::UpdateCustomer, other).ok());
  ExpectVerified();
}

TEST_F(DuplicateRuleTest, AlertWritesListsTheCandidatesAndKeepsThePairs) {
  const Customer jean = Ok(store_->Run(&WriteTxn::CreateCustomer, Person("Jean", "Dupont", "+33 4 78 00 11 22")));
  ASSERT_TRUE(SetRule(DuplicateAction::kAlert).ok());
  std::vector<DuplicateAlert> alerts;
  CustomerId made = 0;
  ASSERT_TRUE(store_->Write("", [&](WriteTxn& t) -> absl::Status {
    auto c = t.CreateCustomer(Person("Jean", "Dupont", "+33.4.78.00.11.22"));
    if (!c.ok()) return c.status();
    made = c->id;
    alerts = t.DuplicateAlerts();
    return absl::OkStatus();
  }).ok());
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].customer, made);
  ASSERT_EQ(alerts[0].candidates.size(), 1u);
  EXPECT_EQ(alerts[0].candidates[0].id, jean.id);
  const DuplicatePair pair = Ok(store_->Run(&ReadTxn::GetDuplicatePair, made, jean.id));
  EXPECT_EQ(pair.a, jean.id);
  EXPECT_EQ(pair.b, made);
  EXPECT_EQ(pair.reasons, MatchReasonBit(MatchReason::kPhone) | MatchReasonBit(MatchReason::kName));
  EXPECT_FALSE(pair.dismissed);
  const DuplicateSetPage sets = Ok(store_->Run(&ReadTxn::ListDuplicateSets, DuplicateSetQuery{}));
  ASSERT_EQ(sets.sets.size(), 1u);
  EXPECT_EQ(sets.sets[0].customers, (std::vector<CustomerId>{jean.id, made}));

  // Dismissed: not proposed again, by the rule or by a search, unless asked for.
  ASSERT_TRUE(store_->Write("", [&](WriteTxn& t) { return t.DismissDuplicatePair(made, jean.id); }).ok());
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::FindDuplicates, made, MatchOptions{})).empty());
  MatchOptions with;
  with.include_dismissed = true;
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindDuplicates, made, with)).size(), 1u);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ListDuplicateSets, DuplicateSetQuery{})).sets.empty());
  ASSERT_TRUE(SetRule(DuplicateAction::kBlock, /*on_update=*/true).ok());
  Customer again = Ok(store_->Run(&ReadTxn::GetCustomer, made));
  again.tags = {"checked"};
  EXPECT_TRUE(store_->Run(&WriteTxn::UpdateCustomer, again).ok()) << "a dismissed pair does not block";
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::GetDuplicatePair, made, jean.id)).dismissed);

  // Deleting a customer forgets its pairs.
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, made, DeleteOptions{}).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetDuplicatePair, made, jean.id).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Write("", [&](WriteTxn& t) { return t.DismissDuplicatePair(jean.id, jean.id); })));
  EXPECT_TRUE(absl::IsNotFound(store_->Write("", [&](WriteTxn& t) { return t.DismissDuplicatePair(jean.id, 999); })));
  ExpectVerified();
}

TEST_F(DuplicateRuleTest, TheScanRunsInBatchesResumesAndGroupsSets) {
  // Three records of one person, two of another, and three people with no duplicate.
  std::vector<CustomerId> a, b;
  a.push_back(Ok(store_->Run(&WriteTxn::CreateCustomer, Person("Jean", "Dupont", "+33 4 78 00 11 22"))).id);
  Ok(store_->Run(&WriteTxn::CreateCustomer, Person("Luc", "Besson", "+33 4 78 99 99 01")));
  b.push_back(Ok(store_->Run(&WriteTxn::CreateCustomer, Person("Margaret", "Smith", "+44 20 7946 0000", "London"))).id);
  a.push_back(Ok(store_->Run(&WriteTxn::CreateCustomer, Person("Jean", "Dupond", "04 78 00 11 22"))).id);
  Ok(store_->Run(&WriteTxn::CreateCustomer, Person("Ada", "Lovelace", "+44 20 7946 1111", "London")));
  b.push_back(Ok(store_->Run(&WriteTxn::CreateCustomer, Person("Peggy", "Smith", "+44 20 7946 0000", "London"))).id);
  a.push_back(Ok(store_->Run(&WriteTxn::CreateCustomer, Person("J.", "Dupont", "0478001122"))).id);
  Ok(store_->Run(&WriteTxn::CreateCustomer, Person("Emil", "Zola", "+33 1 22 33 44 55", "Paris")));

  DuplicateScanOptions o;
  o.batch = 3;
  int calls = 0;
  DuplicateScanProgress p = Ok(store_->ScanDuplicates(o, [&](const DuplicateScanProgress&) { return ++calls < 2; }));
  EXPECT_FALSE(p.finished);
  EXPECT_EQ(p.examined, 6u);
  EXPECT_EQ(p.total, 8u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetDuplicateScan)).examined, 6u);
  p = Ok(store_->ScanDuplicates(o));  // resumes
  EXPECT_TRUE(p.finished);
  EXPECT_EQ(p.examined, 8u);
  EXPECT_EQ(p.pairs, 4u);  // a: three pairs; b: one

  const DuplicateSetPage sets = Ok(store_->Run(&ReadTxn::ListDuplicateSets, DuplicateSetQuery{}));
  ASSERT_EQ(sets.sets.size(), 2u);
  EXPECT_EQ(sets.sets[0].customers, a);
  EXPECT_EQ(sets.sets[0].pairs.size(), 3u);
  EXPECT_EQ(sets.sets[1].customers, b);
  DuplicateSetQuery one;
  one.limit = 1;
  const DuplicateSetPage first = Ok(store_->Run(&ReadTxn::ListDuplicateSets, one));
  ASSERT_EQ(first.sets.size(), 1u);
  one.page_token = first.next_page_token;
  const DuplicateSetPage second = Ok(store_->Run(&ReadTxn::ListDuplicateSets, one));
  ASSERT_EQ(second.sets.size(), 1u);
  EXPECT_EQ(second.sets[0].customers, b);
  EXPECT_TRUE(second.next_page_token.empty());

  // A dismissed pair stays dismissed when a new scan finds it again; the set splits only if
  // that pair was its only link.
  ASSERT_TRUE(store_->Write("", [&](WriteTxn& t) { return t.DismissDuplicatePair(b[0], b[1]); }).ok());
  o.restart = true;
  p = Ok(store_->ScanDuplicates(o));
  EXPECT_EQ(p.pairs, 0u);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::GetDuplicatePair, b[1], b[0])).dismissed);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListDuplicateSets, DuplicateSetQuery{})).sets.size(), 1u);
  ExpectVerified();
}

TEST_F(DuplicateRuleTest, ImportRowsAreCheckedOnlyWithOnImport) {
  Customer jean = Person("Jean", "Dupont", "+33 4 78 00 11 22");
  jean.emails.push_back(Email{"jean@dupont-sa.example", "", false});
  jean = Ok(store_->Run(&WriteTxn::CreateCustomer, jean));
  // Another email at the same company's domain, the same town: a typo of the same person.
  const std::string path = dir_.File("people.csv");
  testing::WriteFile(path,
                     "given_name,family_name,email,address.city\n"
                     "Jean,Dupond,j.dupond@dupont-sa.example,Lyon\n"
                     "Marie,Curie,marie@curie.example,Paris\n");
  ASSERT_TRUE(SetRule(DuplicateAction::kBlock, /*on_update=*/false, /*on_import=*/true).ok());
  ImportJob job = Ok(store_->Import({.path = path}));
  EXPECT_EQ(job.counts.created, 1u);
  EXPECT_EQ(job.counts.failed, 1u);
  const auto errors = Ok(store_->Run(&ReadTxn::ListImportErrors, job.id, std::uint64_t{0}, std::size_t{10}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].row, 1u);
  EXPECT_NE(errors[0].reason.find(absl::StrCat("the duplicate rule blocks this customer: likely a duplicate of customer ",
                                               jean.id)),
            std::string::npos)
      << errors[0].reason;
  // An alert on import lets the row in and keeps the pair; a rule without on_import ignores rows.
  ASSERT_TRUE(SetRule(DuplicateAction::kAlert, false, /*on_import=*/true).ok());
  job = Ok(store_->Import({.path = path}));
  EXPECT_EQ(job.counts.created, 1u);
  const Customer dupond = Ok(store_->Run(&ReadTxn::FindCustomerByEmail, std::string("j.dupond@dupont-sa.example")));
  EXPECT_TRUE(store_->Run(&ReadTxn::GetDuplicatePair, jean.id, dupond.id).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, dupond.id, DeleteOptions{}).ok());
  ASSERT_TRUE(SetRule(DuplicateAction::kBlock, false, /*on_import=*/false).ok());
  job = Ok(store_->Import({.path = path}));
  EXPECT_EQ(job.counts.created, 1u);
  EXPECT_EQ(job.counts.failed, 0u);
  ExpectVerified();
}

TEST_F(DuplicateRuleTest, ARuleWithBadOptionsIsRefusedAndTheOldOneKept) {
  ASSERT_TRUE(SetRule(DuplicateAction::kAlert).ok());
  DuplicateRule bad;
  bad.action = DuplicateAction::kBlock;
  bad.match.threshold = 2;
  auto s = store_->Write("", [&](WriteTxn& t) { return t.SetDuplicateRule(bad); });
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  bad.match.threshold = 0.9;
  bad.match.id_fields = {"custom.crm_id"};
  s = store_->Write("", [&](WriteTxn& t) { return t.SetDuplicateRule(bad); });
  EXPECT_NE(s.message().find("custom.crm_id has no declared index"), std::string::npos) << s;
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetDuplicateRule)).action, DuplicateAction::kAlert);
  if (key_.empty())
    ASSERT_TRUE(store_->Write("", [](WriteTxn& t) { return t.DeclareIndex(EntityType::kCustomer, "custom.crm_id"); }).ok());
  else  // an encrypted store declares no index on customers' custom fields
    bad.match.id_fields.clear();
  bad.on_import = true;
  ASSERT_TRUE(store_->Write("", [&](WriteTxn& t) { return t.SetDuplicateRule(bad); }).ok());
  const DuplicateRule got = Ok(store_->Run(&ReadTxn::GetDuplicateRule));
  EXPECT_EQ(got.action, DuplicateAction::kBlock);
  EXPECT_DOUBLE_EQ(got.match.threshold, 0.9);
  EXPECT_EQ(got.match.id_fields, bad.match.id_fields);
  EXPECT_TRUE(got.on_import);
  EXPECT_FALSE(got.on_update);
}

}  // namespace
}  // namespace crm
