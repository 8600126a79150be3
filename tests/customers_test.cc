// Customers through the public API: every operation and its error paths.
#include <gtest/gtest.h>

#include <set>

#include "crm/store.hpp"
#include "support/temp_dir.h"

namespace crm {
namespace {

using ::crm::testing::TempDir;

Customer Person(std::string given, std::string family, std::string email = "",
                std::string phone = "") {
  Customer c;
  c.kind = CustomerKind::kPerson;
  c.given_name = std::move(given);
  c.family_name = std::move(family);
  if (!email.empty()) c.emails.push_back(Email{email, "work", false});
  if (!phone.empty()) c.phones.push_back(Phone{phone, "mobile", false});
  return c;
}

Customer Org(std::string name) {
  Customer c;
  c.kind = CustomerKind::kOrganization;
  c.display_name = std::move(name);
  return c;
}

class CustomersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.clock = [this] { return now_; };
    auto store = Store::Open(dir_.File("crm.db"), options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  Customer MustCreate(const Customer& c) {
    auto r = store_->Run(&WriteTxn::CreateCustomer, c);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : Customer{};
  }

  std::vector<CustomerId> Ids(const std::vector<Customer>& cs) {
    std::vector<CustomerId> ids;
    for (const auto& c : cs) ids.push_back(c.id);
    return ids;
  }

  // Every page of a query, following tokens.
  std::vector<CustomerId> AllPages(CustomerQuery q, std::size_t limit) {
    q.limit = limit;
    std::vector<CustomerId> ids;
    for (int guard = 0; guard < 10000; ++guard) {
      auto page = store_->Run(&ReadTxn::ListCustomers, q);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_LE(page->customers.size(), limit);
      for (const auto& c : page->customers) ids.push_back(c.id);
      if (page->next_page_token.empty()) break;
      q.page_token = page->next_page_token;
    }
    return ids;
  }

  TempDir dir_;
  Timestamp now_ = 1'700'000'000'000'000;
  std::unique_ptr<Store> store_;
};

TEST_F(CustomersTest, CreateAssignsIdRevisionAndTimesAndDerivesDisplayName) {
  now_ = 1'700'000'000'000'123;
  Customer c = MustCreate(Person("Ada", "Lovelace", "ada@example.com", "+44 20 7946 0000"));
  EXPECT_EQ(c.id, 1u);
  EXPECT_EQ(c.revision, 1u);
  EXPECT_EQ(c.created_at, now_);
  EXPECT_EQ(c.updated_at, now_);
  EXPECT_EQ(c.display_name, "Ada Lovelace");
  ASSERT_EQ(c.emails.size(), 1u);
  EXPECT_TRUE(c.emails[0].primary);
  EXPECT_TRUE(c.phones[0].primary);
  auto got = store_->Run(&ReadTxn::GetCustomer, c.id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, c);
  Customer second = MustCreate(Person("Charles", "Babbage"));
  EXPECT_EQ(second.id, 2u);
}

TEST_F(CustomersTest, AllFieldsRoundTrip) {
  Customer org = MustCreate(Org("Analytical Engines Ltd"));
  Customer c = Person("José", "Álvarez");
  c.emails = {Email{"jose@example.com", "work", false}, Email{"pepe@home.example", "home", true}};
  c.phones = {Phone{"+34 600 123 456", "mobile", true}, Phone{"+34 91 123 4567", "office", false}};
  c.address = PostalAddress{"Calle Mayor 1\n2º izq.", "Madrid", "Madrid", "28013", "ES"};
  c.stage = LifecycleStage::kCustomer;
  c.owner = "maria";
  c.tags = {"vip", "Spain"};
  c.custom["renewal_date"] = DateTime{1'735'689'600'000'000};
  c.custom["seats"] = std::int64_t{42};
  c.custom["arr"] = Money{1'250'000, "EUR"};
  c.custom["newsletter"] = true;
  c.custom["notes"] = std::string("prefers calls in the morning");
  c.consent.email_opt_in = true;
  c.consent.email_legal_basis = LegalBasis::kConsent;
  c.consent.do_not_call = true;
  c.external_id = "sf:0031x00000ABC";
  c.memberships = {Membership{org.id, "CFO"}};
  Customer stored = MustCreate(c);
  EXPECT_EQ(stored.consent.email_opt_in_at, now_);  // stamped by the store
  EXPECT_EQ(stored.primary_email()->address, "pepe@home.example");
  EXPECT_EQ(stored.primary_phone()->number, "+34 600 123 456");
  auto got = store_->Run(&ReadTxn::GetCustomer, stored.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, stored);
  EXPECT_EQ(std::get<Money>(got->custom.at("arr")).minor_units, 1'250'000);
  EXPECT_EQ(got->memberships[0].role, "CFO");
}

TEST_F(CustomersTest, GetMissingIsNotFound) {
  auto r = store_->Run(&ReadTxn::GetCustomer, 99);
  EXPECT_TRUE(absl::IsNotFound(r.status())) << r.status();
  EXPECT_NE(r.status().message().find("99"), std::string_view::npos);
}

TEST_F(CustomersTest, FindByEmailIgnoresCase) {
  Customer c = MustCreate(Person("Grace", "Hopper", "Grace.Hopper@Navy.MIL"));
  auto r = store_->Run(&ReadTxn::FindCustomerByEmail, "grace.hopper@navy.mil");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->id, c.id);
  EXPECT_EQ(r->emails[0].address, "Grace.Hopper@Navy.MIL");  // stored as given
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindCustomerByEmail, "nobody@navy.mil").status()));
}

TEST_F(CustomersTest, EmailIsUniqueAcrossCustomersCaseInsensitively) {
  MustCreate(Person("Alan", "Turing", "alan@example.org"));
  auto dup = store_->Run(&WriteTxn::CreateCustomer, Person("Other", "Alan", "ALAN@example.org"));
  EXPECT_TRUE(absl::IsAlreadyExists(dup.status())) << dup.status();
  EXPECT_NE(dup.status().message().find("emails[0].address"), std::string_view::npos);
  // Nothing of the rejected customer was written: no id consumed, no index entry.
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 1u);
  auto page = store_->Run(&ReadTxn::ListCustomers, CustomerQuery::NamePrefix("other"));
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->customers.empty());
  EXPECT_EQ(MustCreate(Person("Next", "One")).id, 2u);
}

TEST_F(CustomersTest, FindByPhoneIgnoresFormattingAndCountryCode) {
  Customer a = MustCreate(Person("Ann", "A", "", "15551234567"));
  Customer b = MustCreate(Person("Bob", "B", "", "(555) 987-6543 x12"));
  Customer c = MustCreate(Person("Cid", "C", "", "0044 20 7946 0018"));
  auto r = store_->Run(&ReadTxn::FindCustomersByPhone, "+1 (555) 123-4567");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Ids(*r), std::vector<CustomerId>{a.id});
  // A national number finds the stored international one ...
  EXPECT_EQ(Ids(*store_->Run(&ReadTxn::FindCustomersByPhone, "555.123.4567")), std::vector<CustomerId>{a.id});
  // ... and an international number finds the stored national one; extensions are ignored.
  EXPECT_EQ(Ids(*store_->Run(&ReadTxn::FindCustomersByPhone, "+1 555 987 6543")), std::vector<CustomerId>{b.id});
  EXPECT_EQ(Ids(*store_->Run(&ReadTxn::FindCustomersByPhone, "+44 20 7946 0018")), std::vector<CustomerId>{c.id});
  EXPECT_TRUE(store_->Run(&ReadTxn::FindCustomersByPhone, "+1 555 000 0000")->empty());
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::FindCustomersByPhone, "call me").status()));
}

TEST_F(CustomersTest, FindByPhoneTellsNumbersEndingAlikeApart) {
  // Numbers sharing their last seven digits are neighbours in the index; only the same number
  // (with or without its country code) is found.
  Customer a = MustCreate(Person("Ann", "A", "", "+1 555 123 4567"));
  Customer b = MustCreate(Person("Bob", "B", "", "+1 666 123 4567"));
  Customer c = MustCreate(Person("Cid", "C", "", "+44 20 7123 4567"));
  Customer d = MustCreate(Person("Dee", "D", "", "666 123 4567"));
  EXPECT_EQ(Ids(*store_->Run(&ReadTxn::FindCustomersByPhone, "+1 555 123 4567")), std::vector<CustomerId>{a.id});
  EXPECT_EQ(Ids(*store_->Run(&ReadTxn::FindCustomersByPhone, "+1 666 123 4567")), (std::vector<CustomerId>{b.id, d.id}));
  EXPECT_EQ(Ids(*store_->Run(&ReadTxn::FindCustomersByPhone, "+44 20 7123 4567")), std::vector<CustomerId>{c.id});
  EXPECT_EQ(Ids(*store_->Run(&ReadTxn::FindCustomersByPhone, "6661234567")), (std::vector<CustomerId>{b.id, d.id}));
  EXPECT_TRUE(store_->Run(&ReadTxn::FindCustomersByPhone, "+1 777 123 4567")->empty());
  EXPECT_TRUE(store_->Run(&ReadTxn::FindCustomersByPhone, "+1 555 123 4568")->empty());
}

TEST_F(CustomersTest, PhonesAreNotUnique) {
  Customer a = MustCreate(Person("Ann", "Home", "", "+1 555 222 3333"));
  Customer b = MustCreate(Person("Ben", "Home", "", "555-222-3333"));
  EXPECT_EQ(Ids(*store_->Run(&ReadTxn::FindCustomersByPhone, "5552223333")), (std::vector<CustomerId>{a.id, b.id}));
}

TEST_F(CustomersTest, ExternalIdIsUniqueAndFindable) {
  Customer c = Person("Ext", "Ernal");
  c.external_id = "hubspot:123";
  Customer stored = MustCreate(c);
  EXPECT_EQ(store_->Run(&ReadTxn::FindCustomerByExternalId, "hubspot:123")->id, stored.id);
  auto dup = store_->Run(&WriteTxn::CreateCustomer, c);
  EXPECT_TRUE(absl::IsAlreadyExists(dup.status()));
  EXPECT_NE(dup.status().message().find("external_id"), std::string_view::npos);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindCustomerByExternalId, "hubspot:999").status()));
}

TEST_F(CustomersTest, UpsertCreatesThenReplaces) {
  Customer c = Person("Up", "Sert", "up@example.com");
  c.external_id = "erp-7";
  auto first = store_->Run(&WriteTxn::UpsertCustomer, c);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->revision, 1u);
  c.family_name = "Serted";
  c.revision = 0;  // ignored: the other system is the source of truth
  auto second = store_->Run(&WriteTxn::UpsertCustomer, c);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(second->revision, 2u);
  EXPECT_EQ(second->family_name, "Serted");
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 1u);
  c.external_id = "";
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::UpsertCustomer, c).status()));
}

TEST_F(CustomersTest, NamePrefixIsCaseAndAccentInsensitiveOverEveryWord) {
  Customer jose = MustCreate(Person("José", "Álvarez"));
  Customer joseph = MustCreate(Person("Joseph", "Smith"));
  Customer zoe = MustCreate(Person("ZOË", "Saldaña"));
  auto names = [&](std::string prefix) {
    auto page = store_->Run(&ReadTxn::ListCustomers, CustomerQuery::NamePrefix(prefix));
    EXPECT_TRUE(page.ok()) << page.status();
    std::set<CustomerId> ids;
    for (const auto& c : page->customers) ids.insert(c.id);
    return ids;
  };
  EXPECT_EQ(names("jose"), (std::set<CustomerId>{jose.id, joseph.id}));
  EXPECT_EQ(names("alv"), (std::set<CustomerId>{jose.id}));
  EXPECT_EQ(names("ÁLVAREZ"), (std::set<CustomerId>{jose.id}));
  EXPECT_EQ(names("zoe"), (std::set<CustomerId>{zoe.id}));
  EXPECT_EQ(names("salda"), (std::set<CustomerId>{zoe.id}));
  EXPECT_EQ(names("jose alv"), (std::set<CustomerId>{jose.id}));  // every word must match
  EXPECT_EQ(names("smi jos"), (std::set<CustomerId>{joseph.id}));
  EXPECT_TRUE(names("xavier").empty());
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::NamePrefix("  -- ")).status()));
}

TEST_F(CustomersTest, NamePrefixReportsACustomerOnceAcrossPages) {
  // "Jo Jones Johnson" has three words starting with "jo".
  Customer c = Person("Jo", "Jones Johnson");
  Customer multi = MustCreate(c);
  for (int i = 0; i < 5; ++i) MustCreate(Person("Joan", "N" + std::to_string(i)));
  const auto ids = AllPages(CustomerQuery::NamePrefix("jo"), 2);
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), multi.id), 1);
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, CustomerQuery::NamePrefix("jo")), 6u);
}

TEST_F(CustomersTest, ListsByTagOwnerStageAndOrganization) {
  Customer org = MustCreate(Org("Acme"));
  Customer a = Person("A", "One");
  a.tags = {"VIP"};
  a.owner = "sam";
  a.stage = LifecycleStage::kCustomer;
  a.memberships = {Membership{org.id, "buyer"}};
  a = MustCreate(a);
  Customer b = Person("B", "Two");
  b.tags = {"vip", "churn-risk"};
  b.owner = "kim";
  b.stage = LifecycleStage::kProspect;
  b = MustCreate(b);
  auto ids = [&](const CustomerQuery& q) { return Ids(store_->Run(&ReadTxn::ListCustomers, q)->customers); };
  EXPECT_EQ(ids(CustomerQuery::Tag("vip")), (std::vector<CustomerId>{a.id, b.id}));
  EXPECT_EQ(ids(CustomerQuery::Tag("Churn-Risk")), (std::vector<CustomerId>{b.id}));
  EXPECT_EQ(ids(CustomerQuery::Owner("sam")), (std::vector<CustomerId>{a.id}));
  EXPECT_EQ(ids(CustomerQuery::Stage(LifecycleStage::kProspect)), (std::vector<CustomerId>{b.id}));
  EXPECT_EQ(ids(CustomerQuery::Organization(org.id)), (std::vector<CustomerId>{a.id}));
  EXPECT_EQ(ids(CustomerQuery::All()), (std::vector<CustomerId>{org.id, a.id, b.id}));
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, CustomerQuery::Tag("VIP")), 2u);
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, CustomerQuery::Owner("nobody")), 0u);
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::Tag("")).status()));
}

TEST_F(CustomersTest, ListsByCountryCaseInsensitivelyAndFollowsUpdatesAndArchiving) {
  Customer a = Person("A", "De");
  a.address.country = "DE";
  a = MustCreate(a);
  Customer b = Person("B", "Also");
  b.address.country = "de";
  b = MustCreate(b);
  Customer c = MustCreate(Person("C", "Nowhere"));
  auto ids = [&](const CustomerQuery& q) { return Ids(store_->Run(&ReadTxn::ListCustomers, q)->customers); };
  EXPECT_EQ(ids(CustomerQuery::Country("De")), (std::vector<CustomerId>{a.id, b.id}));
  b.address.country = "FR";
  b = *store_->Run(&WriteTxn::UpdateCustomer, b);
  c.address.country = "de";
  c = *store_->Run(&WriteTxn::UpdateCustomer, c);
  EXPECT_EQ(ids(CustomerQuery::Country("DE")), (std::vector<CustomerId>{a.id, c.id}));
  EXPECT_EQ(ids(CustomerQuery::Country("fr")), (std::vector<CustomerId>{b.id}));
  ASSERT_TRUE(store_->Run(&WriteTxn::ArchiveCustomer, a.id).ok());
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, CustomerQuery::Country("DE")), 1u);
  CustomerQuery with_archived = CustomerQuery::Country("DE");
  with_archived.include_archived = true;
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, with_archived), 2u);
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::Country("")).status()));
}

TEST_F(CustomersTest, KeysetPagesAreCompleteAndStableWhileOthersWrite) {
  std::vector<CustomerId> created;
  for (int i = 0; i < 25; ++i) {
    Customer c = Person("P" + std::to_string(i), "Paged");
    c.tags = {"paged"};
    created.push_back(MustCreate(c).id);
  }
  CustomerQuery q = CustomerQuery::Tag("paged");
  q.limit = 10;
  auto p1 = store_->Run(&ReadTxn::ListCustomers, q);
  ASSERT_TRUE(p1.ok());
  ASSERT_EQ(p1->customers.size(), 10u);
  ASSERT_FALSE(p1->next_page_token.empty());
  // Between pages: delete one already seen, delete one not yet seen, add a new one.
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, created[0], DeleteOptions{}).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, created[15], DeleteOptions{}).ok());
  Customer late = Person("Late", "Paged");
  late.tags = {"paged"};
  late = MustCreate(late);
  std::vector<CustomerId> seen = Ids(p1->customers);
  q.page_token = p1->next_page_token;
  while (true) {
    auto p = store_->Run(&ReadTxn::ListCustomers, q);
    ASSERT_TRUE(p.ok()) << p.status();
    for (const auto& c : p->customers) seen.push_back(c.id);
    if (p->next_page_token.empty()) break;
    q.page_token = p->next_page_token;
  }
  std::vector<CustomerId> expected(created.begin(), created.end());
  expected.erase(expected.begin() + 15);
  expected.push_back(late.id);
  EXPECT_EQ(seen, expected);  // nothing repeated, nothing that stayed put skipped
}

TEST_F(CustomersTest, PageTokensAreCheckedAndLimitsEnforced) {
  for (int i = 0; i < 3; ++i) MustCreate(Person("T" + std::to_string(i), "Token"));
  CustomerQuery q = CustomerQuery::All();
  q.limit = 1;
  auto p = store_->Run(&ReadTxn::ListCustomers, q);
  ASSERT_TRUE(p.ok());
  CustomerQuery other = CustomerQuery::Tag("x");
  other.page_token = p->next_page_token;
  auto mismatched = store_->Run(&ReadTxn::ListCustomers, other);
  EXPECT_TRUE(absl::IsInvalidArgument(mismatched.status()));
  EXPECT_NE(mismatched.status().message().find("page_token"), std::string_view::npos);
  q.page_token = "not a token!";
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::ListCustomers, q).status()));
  q.page_token.clear();
  q.limit = 0;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::ListCustomers, q).status()));
  q.limit = 1001;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::ListCustomers, q).status()));
}

TEST_F(CustomersTest, UpdateWithStaleRevisionConflictsAndChangesNothing) {
  Customer c = MustCreate(Person("Rev", "Ision", "rev@example.com"));
  Customer mine = c;
  Customer theirs = c;
  theirs.owner = "them";
  now_ += 10;
  auto updated = store_->Run(&WriteTxn::UpdateCustomer, theirs);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->revision, 2u);
  EXPECT_EQ(updated->updated_at, now_);
  EXPECT_EQ(updated->created_at, c.created_at);
  mine.emails[0].address = "mine@example.com";
  auto conflict = store_->Run(&WriteTxn::UpdateCustomer, mine);
  EXPECT_TRUE(absl::IsAborted(conflict.status())) << conflict.status();
  EXPECT_NE(conflict.status().message().find("revision 2"), std::string_view::npos);
  // The conflicting update changed nothing: record and index as they were.
  EXPECT_EQ(*store_->Run(&ReadTxn::GetCustomer, c.id), *updated);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindCustomerByEmail, "mine@example.com").status()));
  EXPECT_EQ(store_->Run(&ReadTxn::FindCustomerByEmail, "rev@example.com")->id, c.id);
}

TEST_F(CustomersTest, UpdateMovesEveryIndexEntry) {
  Customer c = Person("Old", "Name", "old@example.com", "+1 555 111 2222");
  c.tags = {"before"};
  c.owner = "ann";
  c.external_id = "x-1";
  c = MustCreate(c);
  c.given_name = "New";
  c.display_name.clear();
  c.emails = {Email{"new@example.com", "", false}};
  c.phones = {Phone{"+1 555 333 4444", "", false}};
  c.tags = {"after"};
  c.owner = "bob";
  c.stage = LifecycleStage::kChurned;
  c.external_id = "x-2";
  auto u = store_->Run(&WriteTxn::UpdateCustomer, c);
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->display_name, "New Name");
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindCustomerByEmail, "old@example.com").status()));
  EXPECT_EQ(store_->Run(&ReadTxn::FindCustomerByEmail, "new@example.com")->id, c.id);
  EXPECT_TRUE(store_->Run(&ReadTxn::FindCustomersByPhone, "5551112222")->empty());
  EXPECT_EQ(store_->Run(&ReadTxn::FindCustomersByPhone, "5553334444")->size(), 1u);
  EXPECT_TRUE(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::Tag("before"))->customers.empty());
  EXPECT_EQ(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::Tag("after"))->customers.size(), 1u);
  EXPECT_TRUE(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::Owner("ann"))->customers.empty());
  EXPECT_TRUE(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::Stage(LifecycleStage::kLead))->customers.empty());
  EXPECT_EQ(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::Stage(LifecycleStage::kChurned))->customers.size(), 1u);
  EXPECT_TRUE(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::NamePrefix("old"))->customers.empty());
  EXPECT_EQ(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::NamePrefix("new"))->customers.size(), 1u);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindCustomerByExternalId, "x-1").status()));
  // The freed email and external id can be taken by another customer.
  Customer other = Person("Other", "Person", "old@example.com");
  other.external_id = "x-1";
  EXPECT_TRUE(store_->Run(&WriteTxn::CreateCustomer, other).ok());
}

TEST_F(CustomersTest, UpdateOfMissingCustomerOrWithoutIdFails) {
  Customer c = Person("No", "Body");
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::UpdateCustomer, c).status()));
  c.id = 77;
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::UpdateCustomer, c).status()));
}

TEST_F(CustomersTest, ArchiveHidesFromListsAndRestoreBringsBack) {
  Customer c = Person("Arch", "Ived", "arch@example.com");
  c.tags = {"t"};
  c = MustCreate(c);
  Customer other = MustCreate(Person("Stay", "Put"));
  now_ += 5;
  auto archived = store_->Run(&WriteTxn::ArchiveCustomer, c.id);
  ASSERT_TRUE(archived.ok()) << archived.status();
  EXPECT_TRUE(archived->archived);
  EXPECT_EQ(archived->archived_at, now_);
  EXPECT_EQ(archived->revision, 2u);
  EXPECT_EQ(Ids(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::All())->customers), std::vector<CustomerId>{other.id});
  EXPECT_TRUE(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::Tag("t"))->customers.empty());
  EXPECT_TRUE(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::NamePrefix("arch"))->customers.empty());
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 1u);
  CustomerQuery with = CustomerQuery::Tag("t");
  with.include_archived = true;
  EXPECT_EQ(store_->Run(&ReadTxn::ListCustomers, with)->customers.size(), 1u);
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, with), 1u);
  CustomerQuery all = CustomerQuery::All();
  all.include_archived = true;
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, all), 2u);
  // Still found by id and email; its email stays taken.
  EXPECT_TRUE(store_->Run(&ReadTxn::GetCustomer, c.id)->archived);
  EXPECT_EQ(store_->Run(&ReadTxn::FindCustomerByEmail, "arch@example.com")->id, c.id);
  EXPECT_TRUE(absl::IsAlreadyExists(store_->Run(&WriteTxn::CreateCustomer, Person("X", "Y", "arch@example.com")).status()));
  // Archiving twice is a no-op.
  EXPECT_EQ(store_->Run(&WriteTxn::ArchiveCustomer, c.id)->revision, 2u);
  auto restored = store_->Run(&WriteTxn::RestoreCustomer, c.id);
  ASSERT_TRUE(restored.ok());
  EXPECT_FALSE(restored->archived);
  EXPECT_EQ(restored->archived_at, 0);
  EXPECT_EQ(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::Tag("t"))->customers.size(), 1u);
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 2u);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::ArchiveCustomer, 999).status()));
}

TEST_F(CustomersTest, DeleteRemovesRecordAndIndexesAndNeverReusesTheId) {
  Customer c = Person("Del", "Eted", "del@example.com", "+1 555 444 5555");
  c.tags = {"gone"};
  c.external_id = "d-1";
  c = MustCreate(c);
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, c.id, DeleteOptions{}).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetCustomer, c.id).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindCustomerByEmail, "del@example.com").status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindCustomerByExternalId, "d-1").status()));
  EXPECT_TRUE(store_->Run(&ReadTxn::FindCustomersByPhone, "5554445555")->empty());
  EXPECT_TRUE(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::Tag("gone"))->customers.empty());
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 0u);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::DeleteCustomer, c.id, DeleteOptions{})));
  EXPECT_EQ(MustCreate(Person("New", "Comer", "del@example.com")).id, c.id + 1);
}

TEST_F(CustomersTest, MembershipsNeedAnExistingOrganization) {
  Customer person = MustCreate(Person("Per", "Son"));
  Customer org = MustCreate(Org("Org Inc"));
  Customer c = Person("Mem", "Ber");
  c.memberships = {Membership{999, "x"}};
  auto missing = store_->Run(&WriteTxn::CreateCustomer, c);
  EXPECT_TRUE(absl::IsInvalidArgument(missing.status()));
  EXPECT_NE(missing.status().message().find("memberships[0].organization"), std::string_view::npos);
  c.memberships = {Membership{person.id, "x"}};
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::CreateCustomer, c).status()));
  c.memberships = {Membership{org.id, "x"}};
  Customer member = MustCreate(c);
  // An organization with members cannot be deleted or turned into a person.
  auto del = store_->Run(&WriteTxn::DeleteCustomer, org.id, DeleteOptions{});
  EXPECT_TRUE(absl::IsFailedPrecondition(del)) << del;
  Customer as_person = *store_->Run(&ReadTxn::GetCustomer, org.id);
  as_person.kind = CustomerKind::kPerson;
  EXPECT_TRUE(absl::IsFailedPrecondition(store_->Run(&WriteTxn::UpdateCustomer, as_person).status()));
  member.memberships.clear();
  ASSERT_TRUE(store_->Run(&WriteTxn::UpdateCustomer, member).ok());
  EXPECT_TRUE(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::Organization(org.id))->customers.empty());
  EXPECT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, org.id, DeleteOptions{}).ok());
  Customer org_with_members = Org("Bad");
  org_with_members.memberships = {Membership{person.id, ""}};
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::CreateCustomer, org_with_members).status()));
}

struct BadInput {
  std::string name;
  std::function<void(Customer&)> mutate;
  std::string field;
};

void PrintTo(const BadInput& input, std::ostream* os) { *os << input.name; }

class ValidationTest : public CustomersTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(ValidationTest, RejectsWithFieldNamedAndWritesNothing) {
  Customer c = Person("Valid", "Person", "valid@example.com", "+1 555 000 1111");
  GetParam().mutate(c);
  auto r = store_->Run(&WriteTxn::CreateCustomer, c);
  ASSERT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
  EXPECT_NE(r.status().message().find(GetParam().field), std::string_view::npos) << r.status();
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 0u);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindCustomerByEmail, "valid@example.com").status()));
  // The same check holds on update, which leaves the stored record untouched.
  Customer good = MustCreate(Person("Valid", "Person", "valid@example.com", "+1 555 000 1111"));
  Customer bad = good;
  GetParam().mutate(bad);
  auto u = store_->Run(&WriteTxn::UpdateCustomer, bad);
  ASSERT_TRUE(absl::IsInvalidArgument(u.status())) << u.status();
  EXPECT_EQ(*store_->Run(&ReadTxn::GetCustomer, good.id), good);
}

INSTANTIATE_TEST_SUITE_P(
    Fields, ValidationTest,
    ::testing::Values(
        BadInput{"EmptyName", [](Customer& c) { c.given_name = c.family_name = c.display_name = " "; }, "display_name"},
        BadInput{"OrgWithoutName", [](Customer& c) { c.kind = CustomerKind::kOrganization; c.display_name.clear(); }, "display_name"},
        BadInput{"InvalidUtf8Name", [](Customer& c) { c.family_name = "Bad\xC3\x28"; }, "family_name"},
        BadInput{"OverlongUtf8", [](Customer& c) { c.given_name = "\xC0\xAF"; }, "given_name"},
        BadInput{"ControlInName", [](Customer& c) { c.given_name = "Tab\tbed"; }, "given_name"},
        BadInput{"OversizedName", [](Customer& c) { c.display_name = std::string(300, 'a'); }, "display_name"},
        BadInput{"EmailNoAt", [](Customer& c) { c.emails[0].address = "valid.example.com"; }, "emails[0].address"},
        BadInput{"EmailNoDomainDot", [](Customer& c) { c.emails[0].address = "a@localhost"; }, "emails[0].address"},
        BadInput{"EmailSpace", [](Customer& c) { c.emails[0].address = "a b@example.com"; }, "emails[0].address"},
        BadInput{"EmailDoubleDot", [](Customer& c) { c.emails[0].address = "a..b@example.com"; }, "emails[0].address"},
        BadInput{"EmailEmptyLocal", [](Customer& c) { c.emails[0].address = "@example.com"; }, "emails[0].address"},
        BadInput{"EmailRepeated", [](Customer& c) { c.emails.push_back(Email{"VALID@example.com", "", false}); }, "emails[1].address"},
        BadInput{"TwoPrimaryEmails", [](Customer& c) { c.emails[0].primary = true; c.emails.push_back(Email{"b@example.com", "", true}); }, "emails"},
        BadInput{"TooManyEmails", [](Customer& c) { for (int i = 0; i < 20; ++i) c.emails.push_back(Email{"e" + std::to_string(i) + "@example.com", "", false}); }, "emails"},
        BadInput{"PhoneLetters", [](Customer& c) { c.phones[0].number = "call me"; }, "phones[0].number"},
        BadInput{"PhoneTooShort", [](Customer& c) { c.phones[0].number = "12"; }, "phones[0].number"},
        BadInput{"PhoneRepeated", [](Customer& c) { c.phones.push_back(Phone{"(1) 555-000-1111", "", false}); }, "phones[1].number"},
        BadInput{"EmptyTag", [](Customer& c) { c.tags = {"ok", " "}; }, "tags[1]"},
        BadInput{"RepeatedTag", [](Customer& c) { c.tags = {"VIP", "vip"}; }, "tags[1]"},
        BadInput{"OversizedTag", [](Customer& c) { c.tags = {std::string(65, 't')}; }, "tags[0]"},
        BadInput{"UnknownCurrency", [](Customer& c) { c.custom["arr"] = Money{100, "XYZ"}; }, "custom[arr]"},
        BadInput{"LowercaseCurrency", [](Customer& c) { c.custom["arr"] = Money{100, "usd"}; }, "custom[arr]"},
        BadInput{"BadCustomKey", [](Customer& c) { c.custom["9lives"] = true; }, "custom[9lives]"},
        BadInput{"OversizedCustomText", [](Customer& c) { c.custom["notes"] = std::string(5000, 'n'); }, "custom[notes]"},
        BadInput{"OptInWithoutBasis", [](Customer& c) { c.consent.email_opt_in = true; }, "consent.email_legal_basis"},
        BadInput{"UnknownStage", [](Customer& c) { c.stage = static_cast<LifecycleStage>(42); }, "stage"},
        BadInput{"UnknownKind", [](Customer& c) { c.kind = static_cast<CustomerKind>(9); }, "kind"},
        BadInput{"OversizedExternalId", [](Customer& c) { c.external_id = std::string(200, 'x'); }, "external_id"},
        BadInput{"InvalidUtf8Owner", [](Customer& c) { c.owner = "\xFF"; }, "owner"},
        BadInput{"MembershipWithoutOrg", [](Customer& c) { c.memberships = {Membership{0, "x"}}; }, "memberships[0].organization"}),
    [](const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; });

TEST_F(CustomersTest, TransactionGroupsWritesAndAbortLeavesNothing) {
  {
    auto txn = store_->BeginWrite("importer");
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(txn->CreateCustomer(Person("In", "Txn", "in@example.com")).ok());
    // Visible inside the transaction, not outside.
    EXPECT_TRUE(txn->FindCustomerByEmail("in@example.com").ok());
    EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindCustomerByEmail, "in@example.com").status()));
    // A rejected call inside the transaction changes nothing; the transaction goes on.
    EXPECT_TRUE(absl::IsAlreadyExists(txn->CreateCustomer(Person("Dup", "Txn", "in@example.com")).status()));
    ASSERT_TRUE(txn->CreateCustomer(Person("Second", "Txn")).ok());
    // Destroyed without commit: aborted.
  }
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 0u);
  EXPECT_TRUE(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::NamePrefix("txn"))->customers.empty());

  auto txn = store_->BeginWrite("importer");
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE(txn->CreateCustomer(Person("Kept", "Txn", "kept@example.com")).ok());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(txn->Commit()));
  EXPECT_TRUE(absl::IsFailedPrecondition(txn->CreateCustomer(Person("After", "Commit")).status()));
  EXPECT_TRUE(store_->Run(&ReadTxn::FindCustomerByEmail, "kept@example.com").ok());
}

TEST_F(CustomersTest, WriteHelperCommitsOnOkAndAbortsOnError) {
  absl::Status s = store_->Write("batch", [&](WriteTxn& txn) -> absl::Status {
    for (int i = 0; i < 3; ++i) {
      auto c = txn.CreateCustomer(Person("B" + std::to_string(i), "Batch"));
      if (!c.ok()) return c.status();
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 3u);
  s = store_->Write("batch", [&](WriteTxn& txn) -> absl::Status {
    if (auto c = txn.CreateCustomer(Person("Lost", "Batch")); !c.ok()) return c.status();
    return absl::CancelledError("caller changed its mind");
  });
  EXPECT_TRUE(absl::IsCancelled(s));
  EXPECT_EQ(*store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 3u);
}

TEST_F(CustomersTest, ReadTxnSeesASnapshot) {
  Customer c = MustCreate(Person("Snap", "Shot"));
  auto read = store_->BeginRead();
  ASSERT_TRUE(read.ok());
  Customer changed = c;
  changed.owner = "new-owner";
  ASSERT_TRUE(store_->Run(&WriteTxn::UpdateCustomer, changed).ok());
  MustCreate(Person("Later", "One"));
  EXPECT_EQ(read->GetCustomer(c.id)->owner, "");
  EXPECT_EQ(*read->CountCustomers(CustomerQuery::All()), 1u);
  EXPECT_EQ(store_->Run(&ReadTxn::GetCustomer, c.id)->owner, "new-owner");
}

}  // namespace
}  // namespace crm
