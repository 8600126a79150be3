// The subject access document through the public API: every record held about a customer, typed,
// checked field by field against the records read another way (GetCustomer, the timeline,
// the change feed), and nothing about anyone else.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "support/fixture.h"

namespace crm {
namespace {

using Json = nlohmann::json;

class SubjectExportTest : public testing::StoreTest {
 protected:
  Json Export(CustomerId id) { return Json::parse(Ok(store_->Run(&ReadTxn::ExportCustomer, id))); }
};

TEST_F(SubjectExportTest, HoldsEverythingAboutTheCustomerAndNothingElse) {
  Customer other = MakePerson("Olga", "Keepsake", "olga@keep.example");
  Customer c;
  c.given_name = "Jane";
  c.family_name = "Doe";
  c.emails.push_back(Email{"jane@example.com", "work", true});
  c.phones.push_back(Phone{"+49 30 1234567", "office", true});
  c.address.city = "Berlin";
  c.custom["shoe_size"] = std::int64_t{38};
  c.custom["credit"] = Money{12550, "EUR"};
  c.consent.email_opt_in = true;
  c.consent.email_legal_basis = LegalBasis::kConsent;
  c = Ok(store_->Run(&WriteTxn::CreateCustomer, c));
  now_ += 1'000'000;
  c.consent.email_opt_in = false;
  c = Ok(store_->Run(&WriteTxn::UpdateCustomer, c));
  Touch(c.id, InteractionKind::kCall, now_, "Asked about \"quotes\" and ünïcode");
  Touch(other.id, InteractionKind::kCall, now_, "Olga's call");
  const Opportunity deal = MakeDeal(c.id, "Jane's order", 99900);
  Opportunity others = MakeDeal(other.id, "Olga's order");
  others.contacts.push_back(ContactRole{c.id, "influencer"});
  others = Ok(store_->Run(&WriteTxn::UpdateOpportunity, others));
  now_ += 5;

  const Json doc = Export(c.id);
  EXPECT_EQ(doc["format"], "libcrm.subject-export");
  EXPECT_EQ(doc["version"], 5);
  EXPECT_EQ(doc["exported_at"], "2023-11-14T22:13:21.000005Z");
  const Json& customer = doc["customer"];
  const Customer stored = Ok(store_->Run(&ReadTxn::GetCustomer, c.id));
  EXPECT_EQ(customer["id"], stored.id);
  EXPECT_EQ(customer["display_name"], stored.display_name);
  EXPECT_EQ(customer["emails"][0]["address"], "jane@example.com");
  EXPECT_EQ(customer["phones"][0]["e164"], stored.phones[0].e164);
  EXPECT_EQ(customer["address"]["city"], "Berlin");
  EXPECT_EQ(customer["custom"]["shoe_size"], 38);
  EXPECT_EQ(customer["custom"]["credit"]["minor_units"], 12550);
  EXPECT_EQ(customer["custom"]["credit"]["currency"], "EUR");
  EXPECT_EQ(customer["consent"]["email_opt_in"], false);
  EXPECT_EQ(customer["consent"]["email_legal_basis"], "consent");
  EXPECT_EQ(customer["last_interaction_at"], "2023-11-14T22:13:21.000000Z");

  TimelineQuery q;
  q.customer = c.id;
  const std::vector<Interaction> timeline = Ok(store_->Run(&ReadTxn::ListTimeline, q)).interactions;
  ASSERT_EQ(doc["interactions"].size(), timeline.size());
  EXPECT_EQ(doc["interactions"][0]["subject"], timeline[0].subject);
  EXPECT_EQ(doc["interactions"][0]["kind"], "call");
  ASSERT_EQ(doc["opportunities"].size(), 1u);
  EXPECT_EQ(doc["opportunities"][0]["id"], deal.id);
  EXPECT_EQ(doc["opportunities"][0]["amount"]["minor_units"], 99900);
  EXPECT_EQ(doc["opportunities"][0]["stage_history"].size(), deal.history.size());
  ASSERT_EQ(doc["contact_roles"].size(), 1u);
  EXPECT_EQ(doc["contact_roles"][0]["opportunity"], others.id);
  EXPECT_EQ(doc["contact_roles"][0]["role"], "influencer");

  // The changes are those of its records in the feed, in order; the consent history is theirs.
  std::vector<std::uint64_t> expected;
  for (const Change& ch : Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{1000})))
    if ((ch.entity == EntityType::kCustomer && ch.entity_id == c.id) ||
        (ch.entity == EntityType::kInteraction && ch.entity_id == timeline[0].id) ||
        (ch.entity == EntityType::kOpportunity && ch.entity_id == deal.id))
      expected.push_back(ch.seq);
  std::vector<std::uint64_t> exported;
  for (const Json& ch : doc["changes"]) exported.push_back(ch["seq"].get<std::uint64_t>());
  EXPECT_EQ(exported, expected);
  std::size_t opt_in_changes = 0;
  for (const Json& h : doc["consent_history"]) opt_in_changes += h["field"] == "consent.email_opt_in" ? 1 : 0;
  EXPECT_EQ(opt_in_changes,
            Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kCustomer, c.id, std::string_view("consent.email_opt_in"))).size());
  EXPECT_EQ(doc.dump().find("Olga"), std::string::npos) << "the document names another customer";
}

// Version 3: the customer's segments and campaign memberships, with each membership's event log.
TEST_F(SubjectExportTest, HoldsTheCustomersSegmentsAndCampaigns) {
  const Customer c = MakePerson("Jane", "Doe", "jane@example.com");
  const Customer other = MakePerson("Olga", "Keepsake", "olga@keep.example");
  Segment list{.name = "Newsletter readers", .kind = SegmentKind::kManual};
  list = Ok(store_->Run(&WriteTxn::CreateSegment, list));
  ASSERT_TRUE(store_->Run(&WriteTxn::AddSegmentMembers, list.id, std::span<const CustomerId>(std::vector{c.id, other.id})).ok());
  Campaign spring = Ok(store_->Run(&WriteTxn::CreateCampaign, Campaign{.name = "Spring"}));
  ASSERT_TRUE(store_->Run(&WriteTxn::AddCampaignMembers, spring.id, std::span<const CustomerId>(std::vector{c.id, other.id}),
                          std::string_view("responded")).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::RecordCampaignEvent, CampaignEvent{0, spring.id, c.id, CampaignEventKind::kClicked, 0, "https://example.com/jane"}).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::RecordCampaignEvent, CampaignEvent{0, spring.id, other.id, CampaignEventKind::kOpened, 0, "Olga's"}).ok());
  const Json doc = Export(c.id);
  EXPECT_EQ(doc["version"], 5);
  ASSERT_EQ(doc["segments"].size(), 1u);
  EXPECT_EQ(doc["segments"][0]["name"], "Newsletter readers");
  EXPECT_EQ(doc["segments"][0]["kind"], "manual");
  ASSERT_EQ(doc["campaigns"].size(), 1u);
  const Json& m = doc["campaigns"][0];
  EXPECT_EQ(m["campaign"], spring.id);
  EXPECT_EQ(m["name"], "Spring");
  EXPECT_EQ(m["status"], "responded");
  EXPECT_EQ(m["responded"], true);
  ASSERT_EQ(m["events"].size(), 1u);
  EXPECT_EQ(m["events"][0]["kind"], "clicked");
  EXPECT_EQ(m["events"][0]["detail"], "https://example.com/jane");
  EXPECT_EQ(doc.dump().find("Olga"), std::string::npos) << "the document names another customer";
}

// Version 4: the customer's tickets, with their history, milestones and conversation, and their
// changes in the history.
TEST_F(SubjectExportTest, HoldsTheCustomersTickets) {
  const Customer c = MakePerson("Jane", "Doe", "jane@example.com");
  const Customer other = MakePerson("Olga", "Keepsake", "olga@keep.example");
  SlaPolicy p;
  p.name = "Day";
  p.first_response_minutes = 60;
  ASSERT_TRUE(store_->Run(&WriteTxn::CreateSlaPolicy, p).ok());
  Ticket t;
  t.customer = c.id;
  t.subject = "Jane's router";
  t = Ok(store_->Run(&WriteTxn::OpenTicket, t));
  ASSERT_TRUE(store_->Run(&WriteTxn::AddTicketEntry, TicketEntry{0, t.id, TicketAuthor::kAgent, 0, 0, "Reboot it, Jane."}).ok());
  Ticket theirs;
  theirs.customer = other.id;
  theirs.subject = "Olga's modem";
  ASSERT_TRUE(store_->Run(&WriteTxn::OpenTicket, theirs).ok());
  const Json doc = Export(c.id);
  EXPECT_EQ(doc["version"], 5);
  ASSERT_EQ(doc["tickets"].size(), 1u);
  const Json& x = doc["tickets"][0];
  EXPECT_EQ(x["subject"], "Jane's router");
  EXPECT_EQ(x["history"][0]["status"], "new");
  ASSERT_EQ(x["milestones"].size(), 1u);
  EXPECT_EQ(x["milestones"][0]["metric"], "first_response");
  ASSERT_EQ(x["conversation"].size(), 1u);
  EXPECT_EQ(x["conversation"][0]["body"], "Reboot it, Jane.");
  bool ticket_change = false;
  for (const Json& ch : doc["changes"]) ticket_change |= ch["entity"] == "ticket" && ch["entity_id"] == t.id;
  EXPECT_TRUE(ticket_change);
  EXPECT_EQ(doc.dump().find("Olga"), std::string::npos) << "the document names another customer";
}

// Version 4: a merge into the customer, while it can be undone, keeps the merged customer's
// record as it was: the export holds it; after the unmerge it does not.
TEST_F(SubjectExportTest, HoldsWhatTheCustomersMergeJournalsKeep) {
  const Customer c = MakePerson("Jane", "Doe", "jane@example.com");
  const Customer dup = MakePerson("Jane", "Doe-Smith", "jane.smith@example.org");
  const MergeResult m = Ok(store_->Run(&WriteTxn::MergeCustomers, c.id, std::vector<CustomerId>{dup.id}, MergeOptions{}));
  Json doc = Export(c.id);
  ASSERT_EQ(doc["merges"].size(), 1u);
  EXPECT_EQ(doc["merges"][0]["merge"], m.merge.id);
  EXPECT_EQ(doc["merges"][0]["customer_before"]["family_name"], "Doe");
  ASSERT_EQ(doc["merges"][0]["merged_customers"].size(), 1u);
  EXPECT_EQ(doc["merges"][0]["merged_customers"][0]["family_name"], "Doe-Smith");
  ASSERT_TRUE(store_->Run(&WriteTxn::UnmergeCustomers, m.merge.id).ok());
  doc = Export(c.id);
  EXPECT_TRUE(doc["merges"].empty());
  EXPECT_EQ(doc.dump().find("Doe-Smith"), std::string::npos);
}

TEST_F(SubjectExportTest, UnknownAndErasedCustomers) {
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::ExportCustomer, std::uint64_t{42}).status()));
  Customer c = MakePerson("Jane", "Doe", "jane@example.com");
  Ok(store_->Run(&WriteTxn::EraseCustomer, c.id, EraseOptions{}));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::ExportCustomer, c.id).status()));
}

}  // namespace
}  // namespace crm
