// Imports of opportunities and interactions: the Maven pipeline (8,800 deals) checked against
// the file read another way, re-imports that create nothing, history kept, reverts; interactions
// found by their customer's external id, email or name.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "support/files.h"
#include "support/fixture.h"
#include "support/maven.h"

namespace crm {
namespace {

using testing::Cents;
using testing::Midnight;
using testing::SplitCsv;
using testing::WriteFile;

const std::string kData = CRM_TEST_DATA_DIR;
const std::string kAccounts = kData + "/maven/accounts.csv";
const std::string kPipeline = kData + "/maven/sales_pipeline.csv";

class ImportDealsTest : public testing::StoreTest {
 protected:
  ImportJob ImportFile(const std::string& path, ImportOptions options = {}) {
    options.path = path;
    return Ok(store_->Import(options));
  }
  Pipeline MavenPipeline() { return Ok(store_->Run(&WriteTxn::CreatePipeline, testing::MavenStages())); }
};

TEST_F(ImportDealsTest, MavenPipelineArrivesDealByDealToTheCentAndReimportCreatesNothing) {
  const Pipeline p = MavenPipeline();
  const ImportJob accounts = ImportFile(kAccounts, {.preset = "maven_accounts"});
  ASSERT_EQ(accounts.counts.created, 85u);
  const ImportJob job = ImportFile(kPipeline, {.pipeline = "maventech", .preset = "maven_pipeline"});
  EXPECT_EQ(job.records, ImportRecords::kOpportunities);
  EXPECT_EQ(job.state, ImportState::kFinished);
  EXPECT_EQ(job.counts, (ImportCounts{8800, 0, 0, 0, 0}));  // every account named is one of the 85

  const auto rows = SplitCsv(kPipeline);
  ASSERT_EQ(rows.size(), 8801u);
  std::map<std::string, Opportunity> by_id;
  for (Opportunity& o : AllOpportunities()) by_id[o.external_id] = o;
  ASSERT_EQ(by_id.size(), 8800u);
  std::map<std::string, std::int64_t> won_by_agent_file, won_by_agent_store;
  std::map<std::string, int> per_stage;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];  // opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
    const Opportunity& o = by_id.at(r[0]);
    ASSERT_EQ(o.pipeline, p.id);
    ASSERT_EQ(o.owner, r[1]) << r[0];
    ASSERT_EQ(std::get<std::string>(o.custom.at("product")), r[2]);
    if (r[3].empty()) {
      ASSERT_EQ(o.customer, 0u) << r[0];
    } else {
      const Customer c = Ok(store_->Run(&ReadTxn::GetCustomer, o.customer));
      ASSERT_EQ(c.display_name, r[3]);
    }
    ASSERT_EQ(p.FindStage(o.stage)->name, r[4]) << r[0];
    ++per_stage[r[4]];
    ASSERT_EQ(o.amount.minor_units, Cents(r[7])) << r[0];
    if (!r[7].empty()) {
      ASSERT_EQ(o.amount.currency, "USD");
    }
    if (!r[5].empty()) {
      ASSERT_EQ(o.created_at, Midnight(r[5])) << r[0];
    }
    const bool closed = r[4] == "Won" || r[4] == "Lost";
    ASSERT_EQ(o.closed_at, closed ? Midnight(r[6]) : 0) << r[0];
    if (closed) {  // entered Engaging when engaged (engage_date), the closing stage when closed
      ASSERT_EQ(o.history.size(), 2u) << r[0];
      EXPECT_EQ(o.history[0].to, p.stages[1].id);
      EXPECT_EQ(o.history[0].at, Midnight(r[5]));
      EXPECT_EQ(o.history[1].to, o.stage);
      EXPECT_EQ(o.history[1].at, Midnight(r[6]));
    } else if (r[4] == "Engaging") {
      ASSERT_EQ(o.history.size(), 1u) << r[0];
      EXPECT_EQ(o.history[0].to, p.stages[1].id);
      EXPECT_EQ(o.history[0].at, Midnight(r[5]));
    }
    if (r[4] == "Won") {
      won_by_agent_file[r[1]] += Cents(r[7]);
      won_by_agent_store[o.owner] += o.amount.minor_units;
    }
  }
  EXPECT_EQ(per_stage, (std::map<std::string, int>{{"Engaging", 1589}, {"Lost", 2473}, {"Prospecting", 500}, {"Won", 4238}}));
  EXPECT_EQ(won_by_agent_store, won_by_agent_file);

  const ImportJob again = ImportFile(kPipeline, {.pipeline = "MavenTech", .preset = "maven_pipeline"});
  EXPECT_EQ(again.counts, (ImportCounts{0, 0, 8800, 0, 0}));
  EXPECT_EQ(AllOpportunities().size(), 8800u);
}

TEST_F(ImportDealsTest, UpdatedDealsMoveAndRevertRestoresThemAndDeletesWhatItMade) {
  const std::string first = dir_.File("deals1.csv"), second = dir_.File("deals2.csv");
  WriteFile(first,
            "id,name,company,stage,amount,close date,owner\n"
            "D1,Big order,Acme,Qualification,\"EUR 12,500.50\",2024-05-01,ann\n"
            "D2,Small order,Acme,Proposal,900,2024-06-01,bob\n"
            "D3,Lost one,Globex,closed lost,100,,bob\n"
            "D4,Nowhere,Acme,No Such Stage,1,,bob\n");
  const ImportJob one = ImportFile(first, {.records = ImportRecords::kOpportunities});
  EXPECT_EQ(one.counts.created, 5u);  // three deals and two organizations
  EXPECT_EQ(one.counts.failed, 1u);
  const auto errors = Ok(store_->Run(&ReadTxn::ListImportErrors, one.id, std::uint64_t{0}, std::size_t{10}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].row, 4u);
  EXPECT_EQ(errors[0].field, "stage");
  EXPECT_NE(errors[0].reason.find("No Such Stage"), std::string::npos) << errors[0].reason;

  const Opportunity d1 = Ok(store_->Run(&ReadTxn::FindOpportunityByExternalId, std::string_view("D1")));
  EXPECT_EQ(d1.title, "Big order");
  EXPECT_EQ(d1.amount, (Money{1250050, "EUR"}));
  EXPECT_EQ(d1.owner, "ann");
  const Pipeline def = Ok(store_->Run(&ReadTxn::GetDefaultPipeline));
  EXPECT_EQ(def.FindStage(d1.stage)->name, "Qualification");
  const Opportunity d3 = Ok(store_->Run(&ReadTxn::FindOpportunityByExternalId, std::string_view("D3")));
  EXPECT_EQ(def.FindStage(d3.stage)->outcome, StageOutcome::kLost);

  // A later export: D1 moves on and grows, D2 is the same, D5 is new for an existing company.
  WriteFile(second,
            "id,name,company,stage,amount,close date,owner\n"
            "D1,Big order,Acme,Proposal,\"EUR 15,000\",2024-05-01,ann\n"
            "D2,Small order,acme,Proposal,900,2024-06-01,bob\n"
            "D5,Follow-up,Globex,Qualification,50,,bob\n");
  const ImportJob two = ImportFile(second, {.records = ImportRecords::kOpportunities});
  EXPECT_EQ(two.counts, (ImportCounts{1, 1, 1, 0, 0}));
  const Opportunity moved = Ok(store_->Run(&ReadTxn::FindOpportunityByExternalId, std::string_view("D1")));
  EXPECT_EQ(def.FindStage(moved.stage)->name, "Proposal");
  EXPECT_EQ(moved.history.size(), d1.history.size() + 1);  // the move is recorded
  EXPECT_EQ(moved.amount, (Money{1500000, "EUR"}));

  const ImportJob undone = Ok(store_->RevertImport(two.id, {}));
  EXPECT_EQ(undone.reverted_deleted, 1u);
  EXPECT_EQ(undone.reverted_restored, 1u);
  const Opportunity back = Ok(store_->Run(&ReadTxn::FindOpportunityByExternalId, std::string_view("D1")));
  EXPECT_EQ(back.stage, d1.stage);
  EXPECT_EQ(back.amount, d1.amount);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindOpportunityByExternalId, std::string_view("D5")).status()));

  // Reverting the first import deletes its deals and the organizations it made; D1 was changed
  // since (by the second import and its revert), so only with force.
  auto refused = store_->RevertImport(one.id, {});
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status()));
  EXPECT_NE(refused.status().message().find("opportunity " + std::to_string(d1.id) + " was changed since"),
            std::string::npos) << refused.status();
  const ImportJob all = Ok(store_->RevertImport(one.id, {.force = true}));
  EXPECT_EQ(all.reverted_deleted, 5u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::All())), 0u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All())), 0u);
}

TEST_F(ImportDealsTest, InteractionsFindTheirCustomerAndDealAndReimportIsUnchanged) {
  Customer ann;
  ann.given_name = "Ann";
  ann.family_name = "Lee";
  ann.external_id = "C-1";
  ann.emails = {{"ann@example.com", "", true}};
  Customer org;
  org.kind = CustomerKind::kOrganization;
  org.display_name = "Initech";
  Opportunity deal;
  deal.title = "Renewal";
  deal.external_id = "OPP-9";
  ann = Ok(store_->Run(&WriteTxn::CreateCustomer, ann));
  org = Ok(store_->Run(&WriteTxn::CreateCustomer, org));
  deal.customer = org.id;
  Ok(store_->Run(&WriteTxn::CreateOpportunity, deal));
  const std::pair<CustomerId, CustomerId> ids(ann.id, org.id);
  const std::string path = dir_.File("activities.csv");
  WriteFile(path,
            "id,contact id,email,company,type,direction,date,duration,subject,notes,deal id,done\n"
            "A1,C-1,,,call,inbound,2024-03-01 09:30,15,Intro call,\"Asked for a quote,\nthen a demo\",,\n"
            "A2,,ANN@example.com,,email,outbound,2024-03-02,,Quote sent,,,\n"
            "A3,,,initech,meeting,,2024-03-05 14:00,60,Kick-off,,OPP-9,\n"
            "A4,,,,Webinar,,2024-03-06,,Attended,,OPP-9,\n"
            "A5,,nobody@example.com,,note,,2024-03-07,,Lost,,,\n"
            "A6,,,,task,,2024-03-08,,Send contract,,,yes\n");
  const ImportJob job = ImportFile(path, {.records = ImportRecords::kInteractions});
  EXPECT_EQ(job.counts, (ImportCounts{4, 0, 0, 0, 2}));
  const auto errors = Ok(store_->Run(&ReadTxn::ListImportErrors, job.id, std::uint64_t{0}, std::size_t{10}));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field, "customer_email");
  EXPECT_EQ(errors[1].field, "customer");  // A6 names no customer and no deal
  const auto a1 = Ok(store_->Run(&ReadTxn::FindInteractionByExternalId, std::string_view("A1")));
  EXPECT_EQ(a1.customer, ids.first);
  EXPECT_EQ(a1.kind, InteractionKind::kCall);
  EXPECT_EQ(a1.direction, Direction::kInbound);
  EXPECT_EQ(a1.duration_seconds, 15 * 60);
  EXPECT_EQ(a1.occurred_at, Midnight("2024-03-01") + (9 * 60 + 30) * 60'000'000LL);
  EXPECT_EQ(a1.body, "Asked for a quote,\nthen a demo");
  const auto a2 = Ok(store_->Run(&ReadTxn::FindInteractionByExternalId, std::string_view("A2")));
  EXPECT_EQ(a2.customer, ids.first);
  EXPECT_EQ(a2.direction, Direction::kOutbound);
  const auto a3 = Ok(store_->Run(&ReadTxn::FindInteractionByExternalId, std::string_view("A3")));
  EXPECT_EQ(a3.customer, ids.second);
  EXPECT_NE(a3.opportunity, 0u);
  const auto a4 = Ok(store_->Run(&ReadTxn::FindInteractionByExternalId, std::string_view("A4")));
  EXPECT_EQ(a4.customer, ids.second);  // the deal's customer
  EXPECT_EQ(a4.kind, InteractionKind::kOther);
  EXPECT_EQ(a4.kind_label, "Webinar");

  EXPECT_EQ(ImportFile(path, {.records = ImportRecords::kInteractions}).counts, (ImportCounts{0, 0, 4, 0, 2}));
  const ImportJob undone = Ok(store_->RevertImport(job.id, {}));
  EXPECT_EQ(undone.reverted_deleted, 4u);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindInteractionByExternalId, std::string_view("A1")).status()));
}

// A deal and an interaction as a round trip keeps them: store ids replaced by what names them.
std::string DealKey(const ReadTxn& t, Opportunity o) {
  const std::string customer = o.customer == 0 ? "" : t.GetCustomer(o.customer)->display_name;
  const Pipeline p = *t.GetPipeline(o.pipeline);
  std::ostringstream s;
  s << o.external_id << "|" << o.title << "|" << customer << "|" << p.name << "|" << p.FindStage(o.stage)->name << "|"
    << o.amount.minor_units << o.amount.currency << "|" << o.probability << o.probability_overridden << "|"
    << o.expected_close << "|" << o.owner << "|" << o.lost_reason << "|" << o.created_at << "|" << o.closed_at << "|"
    << o.updated_at << "|" << o.custom.size();
  for (const auto& [name, value] : o.custom) s << "|" << name << "#" << value.index();
  return s.str();
}

std::string ActivityKey(const ReadTxn& t, const Interaction& i) {
  std::ostringstream s;
  s << i.external_id << "|" << t.GetCustomer(i.customer)->display_name << "|" << static_cast<int>(i.kind) << i.kind_label
    << "|" << static_cast<int>(i.direction) << "|" << i.occurred_at << "|" << i.duration_seconds << "|" << i.subject
    << "|" << i.body << "|" << i.outcome << "|" << static_cast<int>(i.satisfaction) << "|"
    << (i.amount ? std::to_string(i.amount->minor_units) + i.amount->currency : "") << "|" << i.owner << "|"
    << (i.opportunity == 0 ? "" : t.GetOpportunity(i.opportunity)->external_id) << "|" << i.due_at << "|" << i.done
    << "|" << i.created_at << "|" << i.updated_at << "|" << i.custom.size();
  return s.str();
}

TEST_F(ImportDealsTest, DealsAndInteractionsRoundTripFieldByField) {
  const Pipeline maven = MavenPipeline();
  WriteOptions w;
  w.import = true;  // historical times
  const absl::Status made = store_->Write(w, [&](WriteTxn& t) -> absl::Status {
    Customer org;
    org.kind = CustomerKind::kOrganization;
    org.display_name = "Globex, \"EU\"";
    org.external_id = "ACC-1";
    auto o = t.CreateCustomer(org);
    if (!o.ok()) return o.status();
    Customer ann;
    ann.given_name = "Ann";
    ann.family_name = "Lee";
    ann.emails = {{"ann@globex.example", "", true}};
    ann.memberships = {{o->id, ""}};
    auto a = t.CreateCustomer(ann);
    if (!a.ok()) return a.status();
    Opportunity won;
    won.external_id = "W-1";
    won.title = "Won, with \"quotes\"; and a semicolon";
    won.customer = o->id;
    won.pipeline = maven.id;
    won.amount = Money{123456, "EUR"};
    won.probability = 90;
    won.expected_close = 1'650'000'000'000'000;
    won.owner = "ines";
    won.custom = {{"product", std::string("GTX Pro")}, {"seats", std::int64_t{12}},
                  {"signed", DateTime{1'640'000'000'000'000}}, {"list", Money{99, "USD"}}, {"rush", true}};
    won.created_at = 1'600'000'000'000'000;
    won.closed_at = 1'630'000'000'000'000;
    won.updated_at = 1'631'000'000'000'000;
    won.history = {StageChange{0, maven.stages[0].id, won.created_at, "ines", {}, -1},
                   StageChange{maven.stages[0].id, maven.stages[2].id, won.closed_at, "ines", {}, -1}};
    auto d1 = t.CreateOpportunity(won);
    if (!d1.ok()) return d1.status();
    Opportunity lost;
    lost.external_id = "L-1";
    lost.title = "Lost";
    lost.customer = a->id;
    lost.stage = 0;
    lost.lost_reason = "price";
    lost.created_at = 1'600'000'000'000'000;
    lost.history = {StageChange{0, Ok(t.GetDefaultPipeline()).stages.back().id, 1'610'000'000'000'000, "", {}, -1}};
    if (auto d = t.CreateOpportunity(lost); !d.ok()) return d.status();
    Opportunity bare;
    bare.title = "No customer, no id";
    bare.created_at = 1'600'000'000'000'001;
    if (auto d = t.CreateOpportunity(bare); !d.ok()) return d.status();
    Interaction call;
    call.external_id = "I-1";
    call.customer = a->id;
    call.kind = InteractionKind::kCall;
    call.direction = Direction::kInbound;
    call.occurred_at = 1'620'000'000'000'000;
    call.duration_seconds = 95;
    call.subject = "Pricing; again";
    call.body = "Line one\nLine two, \"quoted\"";
    call.outcome = "callback";
    call.satisfaction = 4;
    call.amount = Money{500, "GBP"};
    call.owner = "ines";
    call.opportunity = d1->id;
    call.due_at = 1'621'000'000'000'000;
    call.done = true;
    call.custom = {{"channel", std::string("phone")}};
    call.created_at = 1'620'000'000'000'000;
    call.updated_at = 1'620'000'000'500'000;
    if (auto i = t.LogInteraction(call); !i.ok()) return i.status();
    Interaction webinar;
    webinar.customer = o->id;
    webinar.kind = InteractionKind::kOther;
    webinar.kind_label = "Webinar";
    webinar.occurred_at = 1'625'000'000'000'000;
    webinar.created_at = webinar.updated_at = 1'625'000'000'000'000;
    return t.LogInteraction(webinar).status();
  });
  ASSERT_TRUE(made.ok()) << made;

  for (const std::string ext : {".csv", ".jsonl"}) {
    const std::string customers = dir_.File("customers" + ext), deals = dir_.File("deals" + ext),
                      activities = dir_.File("activities" + ext);
    EXPECT_EQ(Ok(store_->ExportCustomers({.path = customers})).rows, 2u);
    EXPECT_EQ(Ok(store_->Export({.path = deals, .records = ImportRecords::kOpportunities})).rows, 3u);
    EXPECT_EQ(Ok(store_->Export({.path = activities, .records = ImportRecords::kInteractions})).rows, 2u);
    StoreOptions o;
    o.sync = false;
    o.encryption_key = key_;
    auto other = Ok(Store::Open(dir_.File("other" + ext + ".crm"), o));
    Pipeline copy = maven;
    for (Stage& s : copy.stages) s.id = 0;
    Ok(other->Run(&WriteTxn::CreatePipeline, copy));
    for (const auto& [path, records] : std::vector<std::pair<std::string, ImportRecords>>{
             {customers, ImportRecords::kCustomers},
             {deals, ImportRecords::kOpportunities},
             {activities, ImportRecords::kInteractions}}) {
      const ImportJob job = Ok(other->Import({.path = path, .records = records}));
      EXPECT_EQ(job.counts.failed, 0u) << path << ": "
                                       << (job.counts.failed ? Ok(other->Run(&ReadTxn::ListImportErrors, job.id,
                                                                             std::uint64_t{0}, std::size_t{1}))[0].reason
                                                             : "");
    }
    const auto keys = [&](Store& store) {
      std::multiset<std::string> out;
      auto txn = store.BeginRead();
      EXPECT_TRUE(txn.ok()) << txn.status();
      if (!txn.ok()) return out;
      const ReadTxn& t = *txn;
      OpportunityQuery q = OpportunityQuery::All();
      for (const Opportunity& d : Ok(t.ListOpportunities(q)).opportunities) out.insert("deal " + DealKey(t, d));
      Search s;
      for (const Interaction& i : Ok(t.SearchInteractions(s)).interactions) out.insert("activity " + ActivityKey(t, i));
      return out;
    };
    EXPECT_EQ(keys(*other), keys(*store_)) << ext;
  }
  auto refused = store_->Export({.path = dir_.File("deals.vcf"), .records = ImportRecords::kOpportunities});
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status())) << refused.status();
}

TEST_F(ImportDealsTest, MavenTeamsBecomeUsersTeamsAndManagersAndRevertRemovesThem) {
  const std::string teams = kData + "/maven/sales_teams.csv";
  const auto rows = SplitCsv(teams);  // sales_agent,manager,regional_office
  std::set<std::string> managers;
  for (std::size_t i = 1; i < rows.size(); ++i) managers.insert(rows[i][1]);
  const ImportJob job = ImportFile(teams, {.preset = "maven_teams"});
  EXPECT_EQ(job.records, ImportRecords::kUsers);
  // Each agent, each manager (a user of that name) and each manager's team.
  EXPECT_EQ(job.counts, (ImportCounts{rows.size() - 1 + 2 * managers.size(), 0, 0, 0, 0}));
  {
    auto txn = store_->BeginRead();
    ASSERT_TRUE(txn.ok()) << txn.status();
    const ReadTxn& t = *txn;
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const User agent = Ok(t.ResolveOwner(rows[i][0]));
      const User boss = Ok(t.GetUser(agent.manager));
      EXPECT_EQ(boss.name, rows[i][1]);
      const Team team = Ok(t.GetTeam(agent.team));
      EXPECT_EQ(team.name, rows[i][1]);
      EXPECT_EQ(team.region, rows[i][2]);
      EXPECT_EQ(team.manager, boss.id);
    }
    EXPECT_EQ(Ok(t.ListTeams()).size(), managers.size());
  }
  EXPECT_EQ(ImportFile(teams, {.preset = "maven_teams"}).counts, (ImportCounts{0, 0, rows.size() - 1, 0, 0}));

  // An agent moves office under another manager: one update; the revert gives it back.
  const std::string moved = dir_.File("moved.csv");
  WriteFile(moved, "sales_agent,manager,regional_office\n" + rows[1][0] + ",Nia Newboss,North\n");
  const ImportJob move = ImportFile(moved, {.preset = "maven_teams"});
  EXPECT_EQ(move.counts, (ImportCounts{2, 1, 0, 0, 0}));  // the new manager and team; the agent updated
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetUser, Ok(store_->Run(&ReadTxn::ResolveOwner, std::string_view(rows[1][0]))).manager)).name,
            "Nia Newboss");
  const ImportJob back = Ok(store_->RevertImport(move.id, {}));
  EXPECT_EQ(back.reverted_deleted, 2u);
  EXPECT_EQ(back.reverted_restored, 1u);
  const User agent = Ok(store_->Run(&ReadTxn::ResolveOwner, std::string_view(rows[1][0])));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetUser, agent.manager)).name, rows[1][1]);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindTeamByName, std::string_view("Nia Newboss")).status()));

  // Reverting the first import removes every user and team it made.
  const ImportJob gone = Ok(store_->RevertImport(job.id, {.force = true}));
  EXPECT_EQ(gone.reverted_deleted, rows.size() - 1 + 2 * managers.size());
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ListUsers, TeamId{0})).empty());
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ListTeams)).empty());
}

TEST_F(ImportDealsTest, PresetsForOtherRecordsAndFieldsOfOtherRecordsAreRefused) {
  const std::string path = dir_.File("x.csv");
  WriteFile(path, "id,name\n1,x\n");
  auto s = store_->Import({.path = path, .records = ImportRecords::kCustomers, .preset = "maven_pipeline"});
  EXPECT_TRUE(absl::IsInvalidArgument(s.status()));
  EXPECT_NE(s.status().message().find("imports opportunities, not customers"), std::string::npos) << s.status();
  s = store_->Import({.path = path, .records = ImportRecords::kOpportunities, .columns = {{"name", "given_name"}}});
  EXPECT_TRUE(absl::IsInvalidArgument(s.status()));
  EXPECT_NE(s.status().message().find("import of opportunities"), std::string::npos) << s.status();
  s = store_->Import({.path = path, .pipeline = "Sales"});
  EXPECT_TRUE(absl::IsInvalidArgument(s.status()));
  s = store_->Import({.path = path, .records = ImportRecords::kOpportunities, .pipeline = "Nope"});
  ASSERT_TRUE(s.ok()) << s.status();  // a pipeline no row can use fails each row, naming it
  const auto errors = Ok(store_->Run(&ReadTxn::ListImportErrors, s->id, std::uint64_t{0}, std::size_t{10}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "pipeline");
}

}  // namespace
}  // namespace crm

namespace crm {
namespace {

TEST_F(ImportDealsTest, AProductColumnMakesADealLineByCodeOrName) {
  for (const auto& [code, name, usd] : {std::tuple{"GTX-PRO", "GTX Pro", 482100}, {"MG-1", "MG Special", 5500},
                                        {"MG-2", "MG-Special", 6000}}) {
    Product p;
    p.code = code;
    p.name = name;
    p.prices = {Money{usd, "USD"}};
    Ok(store_->Run(&WriteTxn::CreateProduct, p));
  }
  const std::string path = dir_.File("lines.csv");
  WriteFile(path,
            "id,name,stage,amount,product,quantity\n"
            "L1,Priced,Qualification,,gtx-pro,\n"       // by code; the list price makes the amount
            "L2,Valued,Qualification,9000,GTXPro,2\n"   // by name but for spaces; 9000 / 2 a unit
            "L3,Unknown,Qualification,,GTX Ultra,\n"
            "L4,Ambiguous,Qualification,,mgspecial,\n"  // "MG Special" and "MG-Special"
            "L5,No product,Qualification,,,3\n"
            "L6,Uneven,Qualification,0.01,GTX-PRO,3\n"
            "L7,Bad quantity,Qualification,,GTX-PRO,1.0001\n");
  const ImportJob job = ImportFile(path, {.records = ImportRecords::kOpportunities});
  EXPECT_EQ(job.counts.created, 2u);
  EXPECT_EQ(job.counts.failed, 5u);
  std::vector<std::pair<std::string, std::string>> errors;
  for (const ImportRowError& e : Ok(store_->Run(&ReadTxn::ListImportErrors, job.id, std::uint64_t{0}, std::size_t{10})))
    errors.emplace_back(e.field, e.reason);
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0].first, "product");
  EXPECT_NE(errors[0].second.find("'GTX Ultra'"), std::string::npos) << errors[0].second;
  EXPECT_NE(errors[1].second.find("could be any of MG-1, MG-2"), std::string::npos) << errors[1].second;
  EXPECT_EQ(errors[2].first, "quantity");
  EXPECT_EQ(errors[3].first, "amount");
  EXPECT_EQ(errors[4].first, "quantity");
  const Opportunity l1 = Ok(store_->Run(&ReadTxn::FindOpportunityByExternalId, std::string_view("L1")));
  ASSERT_EQ(l1.lines.size(), 1u);
  EXPECT_EQ(l1.amount, (Money{482100, "USD"}));
  const Opportunity l2 = Ok(store_->Run(&ReadTxn::FindOpportunityByExternalId, std::string_view("L2")));
  ASSERT_EQ(l2.lines.size(), 1u);
  EXPECT_EQ(l2.lines[0].product, l1.lines[0].product);
  EXPECT_EQ(l2.lines[0].quantity_milli, 2000);
  EXPECT_EQ(l2.lines[0].unit_price, (Money{450000, "USD"}));
  EXPECT_EQ(l2.amount, (Money{900000, "USD"}));
  // The same file again changes nothing; a revert removes the deals and frees the product.
  const ImportJob again = ImportFile(path, {.records = ImportRecords::kOpportunities});
  EXPECT_EQ(again.counts.unchanged, 2u);
  Ok(store_->RevertImport(again.id, {}));
  Ok(store_->RevertImport(job.id, {}));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountDealsWithProduct, l1.lines[0].product)), 0u);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
}

TEST_F(ImportDealsTest, EnteredStageColumnsMakeTheHistoryInTimeOrder) {
  const std::string path = dir_.File("history.csv");
  WriteFile(path,
            "id,name,stage,created,entered.Qualification,entered.proposal,closed\n"
            "H1,Walked,closed won,2024-01-01,2024-01-10,2024-02-01,2024-03-01\n"  // created before any: Prospecting
            "H2,Skipped,Proposal,,2024-01-05,,\n"                                 // open: enters Proposal last
            "H3,Backwards,Qualification,,,2024-02-01,\n"                          // Proposal after its own stage
            "H4,Too early,Proposal,2024-05-01,2024-04-01,,\n"
            "H5,Nowhere,Proposal,,,,\n");
  const ImportJob job = ImportFile(path, {.records = ImportRecords::kOpportunities,
                                          .columns = {{"created", "created_at"}, {"closed", "closed_at"}}});
  EXPECT_EQ(job.counts.created, 3u);
  EXPECT_EQ(job.counts.failed, 2u);
  const auto errors = Ok(store_->Run(&ReadTxn::ListImportErrors, job.id, std::uint64_t{0}, std::size_t{10}));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field, "entered.Proposal");
  EXPECT_NE(errors[0].reason.find("after the deal entered its stage, 'Qualification'"), std::string::npos) << errors[0].reason;
  EXPECT_EQ(errors[1].field, "entered.Qualification");
  EXPECT_NE(errors[1].reason.find("before the deal's created_at"), std::string::npos) << errors[1].reason;
  const Pipeline def = Ok(store_->Run(&ReadTxn::GetDefaultPipeline));
  const auto walk = [&](const std::string& id) {
    std::vector<std::pair<std::string, Timestamp>> out;
    for (const StageChange& h : Ok(store_->Run(&ReadTxn::FindOpportunityByExternalId, std::string_view(id))).history)
      out.emplace_back(def.FindStage(h.to)->name, h.at);
    return out;
  };
  using Steps = std::vector<std::pair<std::string, Timestamp>>;
  const std::string won = def.stages[def.stages.size() - 2].name;
  EXPECT_EQ(walk("H1"), (Steps{{"Prospecting", Midnight("2024-01-01")}, {"Qualification", Midnight("2024-01-10")},
                               {"Proposal", Midnight("2024-02-01")}, {won, Midnight("2024-03-01")}}));
  EXPECT_EQ(walk("H2"), (Steps{{"Qualification", Midnight("2024-01-05")}, {"Proposal", Midnight("2024-01-05")}}));
  EXPECT_EQ(walk("H5").size(), 1u);
  const std::string nope = dir_.File("nope.csv");
  WriteFile(nope, "id,name,entered.Nope\nN1,No such stage,2024-01-01\n");
  const ImportJob bad = ImportFile(nope, {.records = ImportRecords::kOpportunities});
  const auto why = Ok(store_->Run(&ReadTxn::ListImportErrors, bad.id, std::uint64_t{0}, std::size_t{10}));
  ASSERT_EQ(why.size(), 1u);
  EXPECT_EQ(why[0].field, "entered.Nope");
  EXPECT_EQ(why[0].reason.find("pipeline '"), 0u) << why[0].reason;
  // The funnel reads the walked stages: H1 stayed 9 days in Prospecting and 22 in Qualification.
  SalesQuery q;
  const Funnel funnel = Ok(store_->Run(&ReadTxn::GetFunnel, q));
  EXPECT_EQ(funnel.rows[0].stays, 1u);
  EXPECT_DOUBLE_EQ(funnel.rows[0].average_days, 9.0);
}

TEST_F(ImportDealsTest, AReimportedMoveHappensWhenTheFileSaysNotWhenItIsRead) {
  now_ = Midnight("2025-01-01");
  const std::string first = dir_.File("first.csv"), second = dir_.File("second.csv");
  WriteFile(first,
            "id,name,stage,created\n"
            "R1,Moves on,Prospecting,2024-01-01\n"
            "R2,Closes,Qualification,2024-01-01\n"
            "R3,Closed too early,Qualification,2024-03-01\n"
            "R4,Closes later,Prospecting,2024-01-01\n");
  const ImportOptions columns{.records = ImportRecords::kOpportunities,
                              .columns = {{"created", "created_at"}, {"closed", "closed_at"}}};
  EXPECT_EQ(ImportFile(first, columns).counts.created, 4u);
  WriteFile(second,
            "id,name,stage,created,entered.Proposal,closed\n"
            "R1,Moves on,Proposal,2024-01-01,2024-02-10,\n"
            "R2,Closes,closed won,2024-01-01,,2024-04-01\n"
            "R3,Closed too early,closed lost,2024-03-01,,2024-02-01\n"
            "R4,Closes later,closed won,2024-01-01,,2999-01-01\n");
  const ImportJob again = ImportFile(second, columns);
  EXPECT_EQ(again.counts.updated, 2u);
  EXPECT_EQ(again.counts.failed, 2u);
  const auto errors = Ok(store_->Run(&ReadTxn::ListImportErrors, again.id, std::uint64_t{0}, std::size_t{10}));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field, "closed_at");
  EXPECT_NE(errors[0].reason.find("before the deal's last stage change (2024-03-01T00:00:00Z)"), std::string::npos) << errors[0].reason;
  EXPECT_EQ(errors[1].field, "closed_at");
  EXPECT_NE(errors[1].reason.find("in the future"), std::string::npos) << errors[1].reason;
  const Pipeline def = Ok(store_->Run(&ReadTxn::GetDefaultPipeline));
  const auto last = [&](const std::string& id) {
    const Opportunity o = Ok(store_->Run(&ReadTxn::FindOpportunityByExternalId, std::string_view(id)));
    return std::make_tuple(def.FindStage(o.history.back().to)->name, o.history.back().at, o.closed_at, o.history.size());
  };
  const std::string won = def.stages[def.stages.size() - 2].name;
  EXPECT_EQ(last("R1"), std::make_tuple(std::string("Proposal"), Midnight("2024-02-10"), Timestamp{0}, std::size_t{2}));
  EXPECT_EQ(last("R2"), std::make_tuple(won, Midnight("2024-04-01"), Midnight("2024-04-01"), std::size_t{2}));
  EXPECT_EQ(std::get<0>(last("R3")), "Qualification");
  // The cycle of the won deal is the file's: 91 days from its creation to its close.
  const SalesCycle cycle = Ok(store_->Run(&ReadTxn::GetSalesCycle, SalesQuery{}));
  ASSERT_EQ(cycle.rows.size(), 1u);
  EXPECT_DOUBLE_EQ(cycle.rows[0].average_days, 91.0);
}

}  // namespace
}  // namespace crm
