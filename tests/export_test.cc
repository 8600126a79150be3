// Exports of customers (and users) to CSV and JSON Lines, and the round trip: exported, then
// imported into an empty store, they come back field by field.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "support/files.h"
#include "support/fixture.h"

namespace crm {
namespace {

using testing::ReadWholeFile;

const std::string kDatablist = std::string(CRM_TEST_DATA_DIR) + "/datablist-customers/customers-1000.csv";

class ExportTest : public testing::StoreTest {
 protected:
  std::unique_ptr<Store> Fresh(const std::string& name) {
    StoreOptions o;
    o.sync = false;
    o.encryption_key = key_;
    return Ok(Store::Open(dir_.File(name), o));
  }

  static std::vector<Customer> All(Store& store) {
    std::vector<Customer> out;
    Search s;
    s.limit = 1000;
    s.include_archived = true;
    for (;;) {
      auto page = store.Run(&ReadTxn::SearchCustomers, s);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return out;
      out.insert(out.end(), page->customers.begin(), page->customers.end());
      if (page->next_page_token.empty()) return out;
      s.page_token = page->next_page_token;
    }
  }

  // A customer as a round trip keeps it: ids of the store, labels and roles left out, and the
  // organizations it belongs to by name.
  static std::map<std::string, std::string> Key(Store& store) {
    std::map<std::string, std::string> out;
    std::map<CustomerId, std::string> names;
    const std::vector<Customer> all = All(store);
    for (const Customer& c : all) names[c.id] = c.display_name;
    for (Customer c : all) {
      const std::string org = c.memberships.empty() ? "" : names[c.memberships[0].organization];
      const std::string parent = c.parent == 0 ? "" : names[c.parent];
      // In any order (the primary comes first in the file, so it may move to the front).
      std::set<std::string> email_set, phone_set;
      for (const Email& e : c.emails) email_set.insert(e.address + (e.primary ? "*" : ""));
      for (const Phone& p : c.phones) phone_set.insert(p.number + "|" + p.e164 + (p.primary ? "*" : ""));
      std::string emails, phones;
      for (const std::string& e : email_set) emails += e + ";";
      for (const std::string& p : phone_set) phones += p + ";";
      c.id = c.revision = 0;
      c.emails.clear();
      c.phones.clear();
      c.memberships.clear();
      c.parent = 0;
      c.last_interaction_at = 0;
      std::string custom;
      for (const auto& [name, value] : c.custom) custom += name + "#" + std::to_string(value.index()) + ";";
      const std::string key = c.kind == CustomerKind::kOrganization ? "org:" + c.display_name : "x:" + c.external_id;
      std::ostringstream s;
      s << c.display_name << "|" << c.given_name << "|" << c.family_name << "|" << emails << "|" << phones << "|"
        << c.address.street << "|" << c.address.city << "|" << c.address.region << "|" << c.address.postal_code << "|"
        << c.address.country << "|" << static_cast<int>(c.stage) << "|" << c.owner << "|" << c.tags.size() << "|"
        << c.job_title << "|" << c.department << "|" << c.industry << "|" << c.website << "|" << c.annual_revenue.minor_units
        << c.annual_revenue.currency << "|" << c.employees << "|" << static_cast<int>(c.account_type) << "|" << org
        << "|" << parent << "|" << c.consent.email_opt_in << static_cast<int>(c.consent.email_legal_basis)
        << c.consent.email_opt_in_at << c.consent.do_not_call << "|" << c.created_at << "|" << c.updated_at << "|"
        << custom;
      for (const std::string& t : c.tags) s << "|" << t;
      for (const auto& [name, value] : c.custom) {
        std::visit([&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, Money>) s << "|" << v.minor_units << v.currency;
          else if constexpr (std::is_same_v<V, DateTime>) s << "|" << v.micros;
          else s << "|" << v;
        }, value);
      }
      out[key] = s.str();
    }
    return out;
  }

  void RoundTrip(const std::string& file) {
    const ExportReport report = Ok(store_->ExportCustomers({.path = dir_.File(file)}));
    EXPECT_EQ(report.rows, All(*store_).size());
    auto other = Fresh(file + ".crm");
    const ImportJob job = Ok(other->Import({.path = dir_.File(file)}));
    EXPECT_EQ(job.counts.failed, 0u) << (job.counts.failed ? Ok(other->Run(&ReadTxn::ListImportErrors, job.id,
                                                                          std::uint64_t{0}, std::size_t{1}))[0].reason
                                                           : "");
    EXPECT_EQ(job.counts.created, report.rows);
    const auto want = Key(*store_), got = Key(*other);
    ASSERT_EQ(want.size(), got.size());
    for (const auto& [key, value] : want) {
      auto it = got.find(key);
      ASSERT_NE(it, got.end()) << key;
      EXPECT_EQ(it->second, value) << key;
    }
  }
};

TEST_F(ExportTest, DatablistCustomersRoundTripThroughCsvAndJsonLines) {
  ASSERT_EQ(Ok(store_->Import({.path = kDatablist, .preset = "datablist"})).counts.failed, 0u);
  RoundTrip("customers.csv");
  RoundTrip("customers.jsonl");
}

TEST_F(ExportTest, EveryFieldRoundTrips) {
  WriteOptions w;
  w.import = true;  // historical times
  ASSERT_TRUE(store_->Write(w, [&](WriteTxn& t) -> absl::Status {
    Customer parent;
    parent.kind = CustomerKind::kOrganization;
    parent.display_name = "Umbrella Holding";
    parent.created_at = 1'500'000'000'123'456;
    auto p = t.CreateCustomer(parent);
    if (!p.ok()) return p.status();
    Customer org;
    org.kind = CustomerKind::kOrganization;
    org.display_name = "Umbrella, \"Europe\"";
    org.website = "https://www.umbrella.example/eu";
    org.industry = "Pharma";
    org.annual_revenue = Money{123456789, "EUR"};
    org.employees = 1200;
    org.account_type = AccountType::kPartner;
    org.parent = p->id;
    org.external_id = "ACC-9";
    org.created_at = 1'600'000'000'000'000;
    auto o = t.CreateCustomer(org);
    if (!o.ok()) return o.status();
    Customer ann;
    ann.given_name = "Ann";
    ann.family_name = "Ålvarez";
    ann.external_id = "P-1";
    ann.emails = {{"ann@example.com", "", false}, {"ann.private@example.org", "", true}};
    ann.phones = {{"+49 30 1234567", "", true}, {"030 7654321", "", false}};
    ann.address = {"Unter den Linden 1\nHinterhaus", "Berlin", "BE", "10117", "Germany"};
    ann.stage = LifecycleStage::kCustomer;
    ann.owner = "moses";
    ann.tags = {"vip", "Beta tester"};
    ann.job_title = "CFO";
    ann.department = "Finance";
    ann.memberships = {{o->id, ""}};
    ann.consent = {true, LegalBasis::kContract, 1'650'000'000'000'000, true};
    ann.custom = {{"score", std::int64_t{-42}},
                  {"budget", Money{995, "USD"}},
                  {"renewal", DateTime{1'700'000'000'654'321}},
                  {"trial", true},
                  {"note", std::string("line one\nline \"two\", three")}};
    ann.created_at = 1'400'000'000'000'000;
    ann.updated_at = 1'450'000'000'000'001;
    return t.CreateCustomer(ann).status();
  }).ok());
  RoundTrip("all.csv");
  RoundTrip("all.jsonl");
  const std::string csv = ReadWholeFile(dir_.File("all.csv"));
  EXPECT_NE(csv.find("custom.renewal:date"), std::string::npos);
  EXPECT_NE(csv.find("2023-11-14T22:13:20.654321Z"), std::string::npos);
  EXPECT_NE(csv.find("EUR 1234567.89"), std::string::npos);
}

TEST_F(ExportTest, AFilteredSetAndBadCalls) {
  MakePerson("Ann", "Lee", "ann@example.com");
  Customer bob = MakePerson("Bob", "Stone", "bob@example.com");
  bob.tags = {"vip"};
  Ok(store_->Run(&WriteTxn::UpdateCustomer, bob));
  const ExportReport r = Ok(store_->ExportCustomers({.path = dir_.File("vip.jsonl"), .where = "tag = 'vip'"}));
  EXPECT_EQ(r.rows, 1u);
  EXPECT_EQ(ReadWholeFile(dir_.File("vip.jsonl")).find("ann@"), std::string::npos);
  EXPECT_EQ(store_->ExportCustomers({.path = dir_.File("vip.jsonl")}).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->ExportCustomers({.path = dir_.File("x.csv"), .where = "tag = "}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ExportCustomers({}).status().code(), absl::StatusCode::kInvalidArgument);
  int calls = 0;
  const absl::Status stopped = store_
                                   ->ExportCustomers({.path = dir_.File("stop.csv"), .progress = [&](std::uint64_t, std::uint64_t) {
                                     ++calls;
                                     return false;
                                   }})
                                   .status();
  EXPECT_TRUE(stopped.ok()) << stopped;  // fewer than 1000 rows: the callback comes at the end only
  EXPECT_EQ(calls, 1);
}

TEST_F(ExportTest, UsersRoundTripManagersFirstWithTheirTeams) {
  const Team east = Ok(store_->Run(&WriteTxn::CreateTeam, Team{.name = "East, \"Central\"", .region = "Europe"}));
  const Team west = Ok(store_->Run(&WriteTxn::CreateTeam, Team{.name = "West"}));
  // Made in an order where each report comes before its manager's manager is set.
  User ann = Ok(store_->Run(&WriteTxn::CreateUser, User{.name = "Ann Lee", .team = east.id}));
  const User bob = Ok(store_->Run(&WriteTxn::CreateUser, User{.name = "Bob Stone", .login = "bob", .email = "bob@example.com",
                                                               .team = west.id, .manager = ann.id}));
  const User cy = Ok(store_->Run(&WriteTxn::CreateUser, User{.name = "Cy Chen", .login = "cy", .active = false, .manager = bob.id}));
  const User dee = Ok(store_->Run(&WriteTxn::CreateUser, User{.name = "Dee Diaz", .login = "dee"}));
  ann.manager = dee.id;  // Ann's manager came after her
  ann = Ok(store_->Run(&WriteTxn::UpdateUser, ann));
  for (const char* name : {"users.csv", "users.jsonl"}) {
    const ExportReport r = Ok(store_->Export({.path = dir_.File(name), .records = ImportRecords::kUsers}));
    EXPECT_EQ(r.rows, 4u);
    EXPECT_EQ(r.columns, (std::vector<std::string>{"name", "login", "email", "active", "team", "team_region", "manager"}));
    auto other = Fresh(std::string("back-") + name);
    const ImportJob job = Ok(other->Import({.path = dir_.File(name), .records = ImportRecords::kUsers}));
    EXPECT_EQ(job.counts.failed, 0u) << name;
    EXPECT_EQ(job.counts.created, 6u) << name;  // four users and two teams
    // Field by field, managers and teams by name.
    const auto shape = [this](Store& s) {
      std::map<std::string, std::vector<std::string>> out;
      const std::vector<User> users = Ok(s.Run(&ReadTxn::ListUsers, TeamId{0}));
      for (const User& u : users) {
        std::string team, region, manager;
        if (u.team != 0) {
          const Team t = Ok(s.Run(&ReadTxn::GetTeam, u.team));
          team = t.name;
          region = t.region;
        }
        if (u.manager != 0) manager = Ok(s.Run(&ReadTxn::GetUser, u.manager)).name;
        out[u.name] = {u.login, u.email, u.active ? "active" : "inactive", team, region, manager};
      }
      return out;
    };
    EXPECT_EQ(shape(*other), shape(*store_)) << name;
    // Read again into the same store: nothing new.
    const ImportJob again = Ok(other->Import({.path = dir_.File(name), .records = ImportRecords::kUsers}));
    EXPECT_EQ(again.counts.created, 0u) << name;
    EXPECT_EQ(again.counts.failed, 0u) << name;
  }
  const std::string csv = ReadWholeFile(dir_.File("users.csv"));
  EXPECT_LT(csv.find("Dee Diaz"), csv.find("Ann Lee"));  // managers first
  EXPECT_LT(csv.find("Ann Lee"), csv.find("Bob Stone"));
  EXPECT_LT(csv.find("Bob Stone"), csv.find("Cy Chen"));
  EXPECT_NE(csv.find("\"East, \"\"Central\"\"\""), std::string::npos);
  EXPECT_NE(csv.find(",bob\r\n"), std::string::npos);  // Cy's manager by login
  EXPECT_EQ(store_->Export({.path = dir_.File("some.csv"), .records = ImportRecords::kUsers, .where = "name = 'x'"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm
