// Lead conversion: an organization created from the lead's company (or found by its work email
// domain, by name, or given), the person moved on with its membership, a deal with the person as
// contact, the campaign history kept (the won deal attributed to the campaign the lead responded
// to), and refusals that write nothing.
#include <gtest/gtest.h>

#include "support/fixture.h"

namespace crm {
namespace {

class LeadsTest : public testing::StoreTest {
 protected:
  Customer Lead(const std::string& family, const std::string& email, const std::string& company = "") {
    Customer c;
    c.given_name = "Ann";
    c.family_name = family;
    c.stage = LifecycleStage::kLead;
    c.owner = "maria";
    c.emails.push_back(Email{email, "", false});
    if (!company.empty()) c.custom["company"] = company;
    return Ok(store_->Run(&WriteTxn::CreateCustomer, c));
  }
  Customer Organization(const std::string& name, const std::string& domain = "") {
    Customer c;
    c.kind = CustomerKind::kOrganization;
    c.display_name = name;
    if (!domain.empty()) c.domains.push_back(domain);
    return Ok(store_->Run(&WriteTxn::CreateCustomer, c));
  }
  std::size_t Changes() { return Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{1000})).size(); }
};

TEST_F(LeadsTest, ALeadBecomesAContactOfANewOrganizationsDealAndKeepsItsCampaigns) {
  const Customer lead = Lead("Lee", "ann@acme-rockets.test", "Acme Rockets");
  Campaign webinar;
  webinar.name = "Webinar";
  webinar = Ok(store_->Run(&WriteTxn::CreateCampaign, webinar));
  ASSERT_TRUE(store_->Run(&WriteTxn::AddCampaignMembers, webinar.id, std::span<const CustomerId>(std::vector{lead.id}),
                          std::string_view("responded")).ok());

  LeadConversion c;
  c.lead = lead.id;
  c.role = "CTO";
  c.deal_title = "Acme rollout";
  c.amount = Money{1'200'000, "EUR"};
  const LeadConversionResult r = Ok(store_->Run(&WriteTxn::ConvertLead, c));
  EXPECT_TRUE(r.organization_created);
  ASSERT_TRUE(r.organization.has_value());
  EXPECT_EQ(r.organization->display_name, "Acme Rockets");
  EXPECT_EQ(r.organization->kind, CustomerKind::kOrganization);
  EXPECT_EQ(r.organization->account_type, AccountType::kProspect);
  EXPECT_EQ(r.organization->owner, "maria");
  EXPECT_EQ(std::vector<std::string>(r.organization->domains.begin(), r.organization->domains.end()),
            std::vector<std::string>{"acme-rockets.test"});
  EXPECT_EQ(r.person.id, lead.id);
  EXPECT_EQ(r.person.stage, LifecycleStage::kOpportunity);
  ASSERT_EQ(r.person.memberships.size(), 1u);
  EXPECT_EQ(r.person.memberships[0], (Membership{r.organization->id, "CTO"}));
  ASSERT_TRUE(r.opportunity.has_value());
  EXPECT_EQ(r.opportunity->customer, r.organization->id);
  EXPECT_EQ(r.opportunity->owner, "maria");
  ASSERT_EQ(r.opportunity->contacts.size(), 1u);
  EXPECT_EQ(r.opportunity->contacts[0], (ContactRole{lead.id, "CTO"}));

  // The campaign history stayed with the person, and the deal counts it.
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CampaignsOf, lead.id)).size(), 1u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::DealTouches, r.opportunity->id)).campaigns, std::vector<CampaignId>{webinar.id});
  ASSERT_TRUE(store_->Run(&WriteTxn::CloseWon, r.opportunity->id).ok());
  const std::vector<AttributionRow> rows = Ok(store_->Run(&ReadTxn::CampaignAttribution, AttributionQuery{}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].won_value, 1'200'000);
  EXPECT_EQ(rows[0].currency, "EUR");

  // Converted once: a second conversion is refused, writing nothing.
  const std::size_t before = Changes();
  EXPECT_TRUE(absl::IsFailedPrecondition(store_->Run(&WriteTxn::ConvertLead, c).status()));
  EXPECT_EQ(Changes(), before);
  for (const std::string& p : Ok(store_->Run(&ReadTxn::Verify)).problems) ADD_FAILURE() << p;
}

TEST_F(LeadsTest, TheOrganizationIsFoundByWorkDomainByNameOrGiven) {
  const Customer globex = Organization("Globex Corporation", "globex.test");
  const Customer initech = Organization("Initech");
  // The work domain wins over a company name that names no organization.
  LeadConversion by_domain;
  by_domain.lead = Lead("Ray", "bob@globex.test", "Globex Europe").id;
  LeadConversionResult r = Ok(store_->Run(&WriteTxn::ConvertLead, by_domain));
  EXPECT_FALSE(r.organization_created);
  EXPECT_EQ(r.organization->id, globex.id);
  EXPECT_EQ(r.person.stage, LifecycleStage::kProspect) << "no deal: a prospect";
  EXPECT_FALSE(r.opportunity.has_value());
  // A free-mail address says nothing; the name finds it (case and accents aside).
  LeadConversion by_name;
  by_name.lead = Lead("Day", "cara@gmail.com").id;
  by_name.company = "  INITECH ";
  r = Ok(store_->Run(&WriteTxn::ConvertLead, by_name));
  EXPECT_FALSE(r.organization_created);
  EXPECT_EQ(r.organization->id, initech.id);
  // Given by id; and without any company, the deal is the person's.
  LeadConversion given;
  given.lead = Lead("Fox", "dan@elsewhere.test").id;
  given.organization = initech.id;
  given.stage = LifecycleStage::kCustomer;
  EXPECT_EQ(Ok(store_->Run(&WriteTxn::ConvertLead, given)).person.stage, LifecycleStage::kCustomer);
  LeadConversion alone;
  alone.lead = Lead("Gil", "eve@gmail.com").id;
  alone.deal_title = "Starter plan";
  r = Ok(store_->Run(&WriteTxn::ConvertLead, alone));
  EXPECT_FALSE(r.organization.has_value());
  EXPECT_EQ(r.opportunity->customer, alone.lead);
  EXPECT_TRUE(r.opportunity->contacts.empty());
}

TEST_F(LeadsTest, RefusalsNameTheProblemAndWriteNothing) {
  const Customer person = Lead("Lee", "ann@acme.test", "Acme");
  const Customer org = Organization("Umbrella");
  const std::size_t before = Changes();
  const auto refused = [&](LeadConversion c, absl::StatusCode code, const std::string& text) {
    const auto r = store_->Run(&WriteTxn::ConvertLead, c);
    EXPECT_EQ(r.status().code(), code) << r.status();
    EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status();
    EXPECT_EQ(Changes(), before) << text;
  };
  refused(LeadConversion{}, absl::StatusCode::kInvalidArgument, "lead");
  refused(LeadConversion{.lead = 999}, absl::StatusCode::kNotFound, "999");
  refused(LeadConversion{.lead = org.id}, absl::StatusCode::kInvalidArgument, "is an organization");
  refused(LeadConversion{.lead = person.id, .organization = person.id}, absl::StatusCode::kInvalidArgument, "is a person");
  refused(LeadConversion{.lead = person.id, .stage = LifecycleStage::kLead}, absl::StatusCode::kInvalidArgument, "stage");
  refused(LeadConversion{.lead = person.id, .deal_title = "x", .pipeline = 77}, absl::StatusCode::kNotFound, "77");
  // The deal fails after the organization was made: the transaction is rolled back whole.
  refused(LeadConversion{.lead = person.id, .deal_title = "x", .amount = Money{100, "XYZ"}},
          absl::StatusCode::kInvalidArgument, "deal: amount.currency");
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, person.id)).stage, LifecycleStage::kLead);
  Customer done = Ok(store_->Run(&ReadTxn::GetCustomer, person.id));
  done.stage = LifecycleStage::kCustomer;
  done = Ok(store_->Run(&WriteTxn::UpdateCustomer, done));
  const auto converted = store_->Run(&WriteTxn::ConvertLead, LeadConversion{.lead = person.id});
  EXPECT_TRUE(absl::IsFailedPrecondition(converted.status())) << converted.status();
}

}  // namespace
}  // namespace crm
