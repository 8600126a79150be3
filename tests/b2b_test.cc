// The B2B model of customers: people's job titles and departments; organizations' industry,
// website and domains, revenue, employees, account type and hierarchy.
#include <gtest/gtest.h>

#include "support/fixture.h"

namespace crm {
namespace {

class B2bTest : public testing::StoreTest {
 protected:
  Customer Org(const std::string& name, CustomerId parent = 0) {
    Customer c;
    c.kind = CustomerKind::kOrganization;
    c.display_name = name;
    c.parent = parent;
    return Ok(store_->Run(&WriteTxn::CreateCustomer, c));
  }
};

TEST_F(B2bTest, OrganizationsKeepTheirFieldsAndAreFoundByDomain) {
  Customer acme;
  acme.kind = CustomerKind::kOrganization;
  acme.display_name = "Acme Corporation";
  acme.industry = "technology";
  acme.website = " https://WWW.Acme.com/about?x=1 ";
  acme.domains = {"acme.co.uk", "ACME.com."};
  acme.annual_revenue = Money{110'004'000'000, "USD"};  // 1,100.04 million
  acme.employees = 2822;
  acme.account_type = AccountType::kCustomer;
  acme = Ok(store_->Run(&WriteTxn::CreateCustomer, acme));
  EXPECT_EQ(acme.website, "https://WWW.Acme.com/about?x=1");
  EXPECT_EQ(acme.domains, (boost::container::small_vector<std::string, 1>{"acme.co.uk", "acme.com"}));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, acme.id)), acme);
  for (const char* lookup : {"acme.com", "http://acme.com:8080", "ann@ACME.co.uk"}) {
    const auto found = Ok(store_->Run(&ReadTxn::FindCustomersByDomain, std::string_view(lookup)));
    ASSERT_EQ(found.size(), 1u) << lookup;
    EXPECT_EQ(found[0].id, acme.id);
  }
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::FindCustomersByDomain, std::string_view("other.com"))).empty());
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::FindCustomersByDomain, std::string_view("nodot")).status()));

  Customer person;
  person.given_name = "Ann";
  person.job_title = "CFO";
  person.department = "Finance";
  person.memberships = {Membership{acme.id, "buyer"}};
  person = Ok(store_->Run(&WriteTxn::CreateCustomer, person));
  EXPECT_EQ(person.job_title, "CFO");
  person.industry = "retail";  // an organization's field
  auto refused = store_->Run(&WriteTxn::UpdateCustomer, person);
  EXPECT_NE(refused.status().message().find("industry: is a field of organizations"), std::string::npos) << refused.status();
  acme.job_title = "x";
  refused = store_->Run(&WriteTxn::UpdateCustomer, acme);
  EXPECT_NE(refused.status().message().find("job_title: is a field of people"), std::string::npos) << refused.status();
  acme.job_title.clear();
  acme.domains.push_back("not a domain");
  refused = store_->Run(&WriteTxn::UpdateCustomer, acme);
  EXPECT_NE(refused.status().message().find("domains[2]: is not a domain"), std::string::npos) << refused.status();

  Search s;
  s.filter = Ok(Filter::Parse("industry = 'Technology' and employees >= 1000 and annual_revenue >= 1000000000 "
                              "and account_type = 'customer' and domain = 'https://acme.co.uk'"));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kCustomer, s)), 1u);
  s.filter = Ok(Filter::Parse("job_title = 'cfo' and department = 'finance'"));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kCustomer, s)), 1u);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).ok());
}

TEST_F(B2bTest, HierarchiesRefuseCyclesAndHoldOnToSubsidiaries) {
  const Customer group = Org("Group");
  const Customer europe = Org("Europe", group.id);
  Customer germany = Org("Germany", europe.id);
  // Making the group a subsidiary of its own grandchild would close a cycle.
  Customer cyclic = group;
  cyclic.parent = germany.id;
  auto refused = store_->Run(&WriteTxn::UpdateCustomer, cyclic);
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status()));
  EXPECT_NE(refused.status().message().find("is a subsidiary of this organization"), std::string::npos) << refused.status();
  cyclic.parent = group.id;
  refused = store_->Run(&WriteTxn::UpdateCustomer, cyclic);
  EXPECT_NE(refused.status().message().find("is this organization itself"), std::string::npos) << refused.status();
  Customer person;
  person.given_name = "Pat";
  const Customer pat = Ok(store_->Run(&WriteTxn::CreateCustomer, person));
  germany.parent = pat.id;
  refused = store_->Run(&WriteTxn::UpdateCustomer, germany);
  EXPECT_NE(refused.status().message().find("is not an organization"), std::string::npos) << refused.status();

  Search s;
  s.filter = Ok(Filter::Parse("parent = " + std::to_string(europe.id)));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kCustomer, s)), 1u);
  EXPECT_FALSE(Ok(store_->Run(&ReadTxn::Explain, EntityType::kCustomer, s)).full_scan);
  // A parent with subsidiaries is not deleted without cascade, which detaches them.
  auto kept = store_->Run(&WriteTxn::DeleteCustomer, europe.id, DeleteOptions{});
  EXPECT_TRUE(absl::IsFailedPrecondition(kept));
  EXPECT_NE(kept.message().find("1 subsidiaries"), std::string::npos) << kept;
  Customer as_person = Ok(store_->Run(&ReadTxn::GetCustomer, europe.id));
  as_person.kind = CustomerKind::kPerson;
  as_person.parent = 0;
  EXPECT_TRUE(absl::IsFailedPrecondition(store_->Run(&WriteTxn::UpdateCustomer, as_person).status()));
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, europe.id, DeleteOptions{true}).ok());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, germany.id)).parent, 0u);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).ok());
}

}  // namespace
}  // namespace crm
