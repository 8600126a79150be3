// Declared indexes through the public API: a query answers the same with and without one (the
// answer without is a full scan testing every record), the plan says it used it, every write
// keeps it (checked by Verify and by asking again), and bad declarations are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "support/fixture.h"
#include "support/raw_lmdb.h"
#include "query/plan.h"  // the planner's limits, lowered to probe on small data

namespace crm {
namespace {

constexpr const char* kCities[] = {"Berlin", "berlin", "Paris", "Ürümqi", "Bern", ""};
constexpr const char* kIndustries[] = {"Software", "Retail", "Medical", "software"};

class DeclaredIndexTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    if (!key_.empty()) GTEST_SKIP() << "an encrypted store refuses customer indexes (EncryptionTest)";
    StoreTest::SetUp();
  }

  static Customer Random(std::mt19937& rng) {
    Customer c;
    c.kind = CustomerKind::kOrganization;
    c.display_name = "Org " + std::to_string(rng() % 5000);
    c.address.city = kCities[rng() % 6];
    c.industry = kIndustries[rng() % 4];
    if (rng() % 3) c.employees = static_cast<std::int64_t>(rng() % 2000);
    if (rng() % 2) c.annual_revenue = Money{static_cast<std::int64_t>(rng() % 1000000), rng() % 3 ? "EUR" : "JPY"};
    switch (rng() % 6) {  // custom.score holds every type a custom field may hold
      case 0: c.custom["score"] = static_cast<std::int64_t>(rng() % 20) - 5; break;
      case 1: c.custom["score"] = std::string(rng() % 2 ? "High" : "low"); break;
      case 2: c.custom["score"] = Money{static_cast<std::int64_t>(rng() % 2000), "EUR"}; break;
      case 3: c.custom["score"] = DateTime{1'700'000'000'000'000 + static_cast<std::int64_t>(rng() % 10) * 86'400'000'000}; break;
      case 4: c.custom["score"] = rng() % 2 == 0; break;
      default: break;
    }
    return c;
  }

  void Make(int n, std::mt19937& rng) {
    ASSERT_TRUE(store_->Write("t", [&](WriteTxn& t) -> absl::Status {
      for (int i = 0; i < n; ++i) {
        auto made = t.CreateCustomer(Random(rng));
        if (!made.ok()) return made.status();
        if (rng() % 8 == 0)
          if (auto a = t.ArchiveCustomer(made->id); !a.ok()) return a.status();
      }
      return absl::OkStatus();
    }).ok());
  }

  std::vector<CustomerId> Ids(const std::string& filter, bool archived = false) {
    Search s;
    s.filter = Ok(Filter::Parse(filter));
    s.include_archived = archived;
    s.limit = 1000;
    std::vector<CustomerId> ids;
    while (true) {
      CustomerPage page = Ok(store_->Run(&ReadTxn::SearchCustomers, s));
      for (const Customer& c : page.customers) ids.push_back(c.id);
      if (page.next_page_token.empty()) break;
      s.page_token = page.next_page_token;
    }
    EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kCustomer, s)), ids.size()) << filter;
    return ids;
  }

  std::string Plan(EntityType kind, const std::string& filter) {
    Search s;
    s.filter = Ok(Filter::Parse(filter));
    return Ok(store_->Run(&ReadTxn::Explain, kind, s)).text;
  }

  void ExpectHealthy() {
    VerifyReport r = Ok(store_->Run(&ReadTxn::Verify));
    EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems.front());
  }

  static std::vector<std::string> Filters() {
    return {"address.city = 'berlin'",
            "city in ('Paris', 'ürümqi')",
            "city prefix 'ber'",
            "city >= 'bern' and city < 'paris'",
            "industry = 'software' and employees >= 1000",
            "employees < 100 or employees > 1900",
            "employees <= 5",
            "annual_revenue >= 5000 EUR and annual_revenue < 90000 EUR",
            "annual_revenue > 500000",
            "custom.score = 3",
            "custom.score in (-5, 0, 14)",
            "custom.score >= 10",
            "custom.score < 0.5",
            "custom.score > 2.5 and custom.score <= 7",
            "custom.score = 'high'",
            "custom.score prefix 'HI'",
            "custom.score < 'm'",
            "custom.score >= 1000.00 EUR",
            "custom.score = true",
            "custom.score >= '2023-11-18'",
            "custom.score = 1700000000000000",
            "not (custom.score = 3) and city = 'paris'",
            "custom.score != 3 and industry = 'retail'"};
  }
};

TEST_F(DeclaredIndexTest, AnswersAsAFullScanDoesAndSaysSo) {
  std::mt19937 rng(11);
  Make(1500, rng);
  std::vector<std::vector<CustomerId>> scanned, scanned_all;
  for (const std::string& f : Filters()) {
    scanned.push_back(Ids(f));
    scanned_all.push_back(Ids(f, true));
  }
  for (const char* field : {"city", "industry", "employees", "annual_revenue", "custom.score"})
    ASSERT_TRUE(store_->Run(&WriteTxn::DeclareIndex, EntityType::kCustomer, std::string_view(field)).ok()) << field;
  EXPECT_NE(Plan(EntityType::kCustomer, "custom.score >= 10").find("custom.score >= 10 [declared]"), std::string::npos);
  EXPECT_NE(Plan(EntityType::kCustomer, "city = 'Bern'").find("[declared]"), std::string::npos)
      << Plan(EntityType::kCustomer, "city = 'Bern'");
  for (std::size_t i = 0; i < Filters().size(); ++i) {
    EXPECT_EQ(Ids(Filters()[i]), scanned[i]) << Filters()[i];
    EXPECT_EQ(Ids(Filters()[i], true), scanned_all[i]) << Filters()[i];
  }
  std::vector<IndexInfo> indexes = Ok(store_->Run(&ReadTxn::Indexes));
  ASSERT_EQ(indexes.size(), 5u);
  EXPECT_EQ(indexes[0].field, "address.city");  // canonical names, in order
  EXPECT_EQ(indexes[4].field, "industry");
  std::uint64_t with_city = 0;
  for (const Customer& c : [&] {
         Search s;
         s.include_archived = true;
         s.limit = 1000;
         std::vector<Customer> all;
         while (true) {
           CustomerPage p = Ok(store_->Run(&ReadTxn::SearchCustomers, s));
           all.insert(all.end(), p.customers.begin(), p.customers.end());
           if (p.next_page_token.empty()) return all;
           s.page_token = p.next_page_token;
         }
       }())
    with_city += c.address.city.empty() ? 0 : 1;
  EXPECT_EQ(indexes[0].entries, with_city);
  ExpectHealthy();
}

TEST_F(DeclaredIndexTest, EveryWriteKeepsIt) {
  std::mt19937 rng(5);
  ASSERT_TRUE(store_->Run(&WriteTxn::DeclareIndex, EntityType::kCustomer, std::string_view("custom.score")).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeclareIndex, EntityType::kCustomer, std::string_view("city")).ok());
  Make(600, rng);
  // Updates, patches, archives, restores and deletes, at random.
  ASSERT_TRUE(store_->Write("t", [&](WriteTxn& t) -> absl::Status {
    for (CustomerId id = 1; id <= 600; ++id) {
      auto c = t.GetCustomer(id);
      if (!c.ok()) return c.status();
      switch (rng() % 5) {
        case 0: {
          Customer next = Random(rng);
          next.id = id;
          next.revision = c->revision;
          if (auto u = t.UpdateCustomer(next); !u.ok()) return u.status();
          break;
        }
        case 1:
          if (auto a = c->archived ? t.RestoreCustomer(id) : t.ArchiveCustomer(id); !a.ok()) return a.status();
          break;
        case 2:
          if (auto d = t.DeleteCustomer(id); !d.ok()) return d;
          break;
        case 3: {
          Customer patch;
          patch.id = id;
          patch.custom["score"] = static_cast<std::int64_t>(rng() % 20);
          if (auto p = t.PatchCustomer(patch, Ok(Patch::Parse("custom.score"))); !p.ok()) return p.status();
          break;
        }
        default: break;
      }
    }
    return absl::OkStatus();
  }).ok());
  ExpectHealthy();
  std::vector<std::vector<CustomerId>> indexed;
  for (const std::string& f : Filters()) indexed.push_back(Ids(f, true));
  ASSERT_TRUE(store_->Run(&WriteTxn::DropIndex, EntityType::kCustomer, std::string_view("custom.score")).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DropIndex, EntityType::kCustomer, std::string_view("address.city")).ok());
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Indexes)).empty());
  EXPECT_EQ(Plan(EntityType::kCustomer, "custom.score = 3").find("[declared]"), std::string::npos);
  for (std::size_t i = 0; i < Filters().size(); ++i) EXPECT_EQ(Ids(Filters()[i], true), indexed[i]) << Filters()[i];
  ExpectHealthy();  // the dropped entries are gone too
}

TEST_F(DeclaredIndexTest, OpportunityFields) {
  const Customer acme = MakeOrg("Acme");
  std::mt19937 rng(3);
  std::vector<OpportunityId> big;
  for (int i = 0; i < 300; ++i) {
    Opportunity o;
    o.customer = i % 2 ? acme.id : 0;
    o.title = "Deal " + std::to_string(i);
    if (i % 5) o.amount = Money{static_cast<std::int64_t>(rng() % 100000), "USD"};
    o.custom["region"] = std::string(i % 3 ? "EMEA" : "APAC");
    Opportunity made = Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
    if (made.amount.minor_units >= 50000 && made.custom.at("region") == CustomValue(std::string("EMEA")))
      big.push_back(made.id);
  }
  ASSERT_TRUE(store_->Run(&WriteTxn::DeclareIndex, EntityType::kOpportunity, std::string_view("custom.region")).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeclareIndex, EntityType::kOpportunity, std::string_view("amount")).ok());
  Search s;
  s.filter = Ok(Filter::Parse("custom.region = 'emea' and amount >= 500.00 USD"));
  s.limit = 1000;
  std::vector<OpportunityId> found;
  for (const Opportunity& o : Ok(store_->Run(&ReadTxn::SearchOpportunities, s)).opportunities) found.push_back(o.id);
  EXPECT_EQ(found, big);
  EXPECT_NE(Plan(EntityType::kOpportunity, "custom.region = 'emea'").find("[declared]"), std::string::npos);
  // A move and a removal keep it.
  ASSERT_TRUE(store_->Run(&WriteTxn::MoveOpportunity, big.front(), StageNamed("Proposal")).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteOpportunity, big.back()).ok());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kOpportunity, s)), big.size() - 1);
  ExpectHealthy();
}

TEST_F(DeclaredIndexTest, BadDeclarationsAreRefusedAndChangeNothing) {
  const auto declare = [&](EntityType kind, const char* field) {
    return store_->Run(&WriteTxn::DeclareIndex, kind, std::string_view(field));
  };
  absl::Status s = declare(EntityType::kCustomer, "citty");
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("field 'citty': not a field of customers"), std::string::npos) << s;
  s = declare(EntityType::kCustomer, "country");
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("'address.country' has an index of its own"), std::string::npos) << s;
  EXPECT_TRUE(absl::IsInvalidArgument(declare(EntityType::kOpportunity, "stage")));
  EXPECT_TRUE(absl::IsInvalidArgument(declare(EntityType::kInteraction, "subject")));
  s = store_->Run(&WriteTxn::DropIndex, EntityType::kCustomer, std::string_view("industry"));
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Indexes)).empty());
  // Declaring twice is one index; declaring past the limit is refused.
  ASSERT_TRUE(declare(EntityType::kCustomer, "industry").ok());
  ASSERT_TRUE(declare(EntityType::kCustomer, "industry").ok());
  for (int i = 1; i < 32; ++i) ASSERT_TRUE(declare(EntityType::kCustomer, ("custom.f" + std::to_string(i)).c_str()).ok());
  EXPECT_TRUE(absl::IsResourceExhausted(declare(EntityType::kCustomer, "custom.one_too_many")));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::Indexes)).size(), 32u);
  // A declaration in a transaction that is not committed leaves nothing.
  {
    auto begun = store_->BeginWrite();
    ASSERT_TRUE(begun.ok());
    WriteTxn& t = *begun;
    ASSERT_TRUE(t.DropIndex(EntityType::kCustomer, "industry").ok());
    ASSERT_TRUE(t.DeclareIndex(EntityType::kOpportunity, "title").ok());
    EXPECT_EQ(Ok(t.Indexes()).size(), 32u);
    t.Abort();
  }
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::Indexes)).size(), 32u);
  ExpectHealthy();
}

TEST_F(DeclaredIndexTest, SurvivesReopen) {
  std::mt19937 rng(9);
  Make(200, rng);
  ASSERT_TRUE(store_->Run(&WriteTxn::DeclareIndex, EntityType::kCustomer, std::string_view("custom.score")).ok());
  const std::vector<CustomerId> before = Ids("custom.score >= 3");
  Reopen();
  EXPECT_EQ(Ids("custom.score >= 3"), before);
  EXPECT_NE(Plan(EntityType::kCustomer, "custom.score >= 3").find("[declared]"), std::string::npos);
  ExpectHealthy();
}

// A count the declared indexes decide reads no record; damage to their entries is found by the
// checksum each entry carries and named, never counted.
TEST_F(DeclaredIndexTest, ExactCountsAndDamagedEntries) {
  std::mt19937 rng(21);
  Make(400, rng);
  const std::vector<CustomerId> threes = Ids("custom.score = true or custom.score = 'high'");
  ASSERT_TRUE(store_->Run(&WriteTxn::DeclareIndex, EntityType::kCustomer, std::string_view("custom.score")).ok());
  EXPECT_NE(Plan(EntityType::kCustomer, "custom.score = true or custom.score = 'high'").find("a count needs none"),
            std::string::npos);
  EXPECT_EQ(Ids("custom.score = true or custom.score = 'high'"), threes);  // Ids compares the count too
  // Money values are a superset of "custom.score >= 10", and a part no index decides: both are
  // tested on the records.
  EXPECT_EQ(Plan(EntityType::kCustomer, "custom.score >= 10").find("a count needs none"), std::string::npos);
  EXPECT_EQ(Plan(EntityType::kCustomer, "custom.score = 3 and city = 'paris'").find("a count needs none"),
            std::string::npos);
  store_.reset();
  const std::string path = dir_.File("crm.db");
  {
    testing::RawTable raw(path, "field_index");
    auto entries = raw.Entries();
    ASSERT_FALSE(entries.empty());
    // A flipped bit in a key: the entry now claims another value (or record).
    std::string key = entries.front().first;
    raw.Del(key);
    key[key.size() - 9] ^= 0x01;  // the value's last byte
    raw.Put(key, entries.front().second);
    // An entry moved to another record, checksum and all.
    const auto& [moved, value] = entries.back();
    raw.Del(moved);
    raw.Put(moved.substr(0, moved.size() - 8) + testing::BigEndian(999), value);
  }
  Reopen();
  Search s;
  s.include_archived = true;
  for (const char* f : {"custom.score >= -100", "custom.score < 'zzz'", "custom.score in (true, false)"}) {
    s.filter = Ok(Filter::Parse(f));
    absl::StatusOr<std::uint64_t> n = store_->Run(&ReadTxn::CountMatching, EntityType::kCustomer, s);
    if (!n.ok()) {
      EXPECT_TRUE(absl::IsDataLoss(n.status())) << n.status();
      EXPECT_NE(n.status().message().find("fails its checksum"), std::string::npos) << n.status();
    }
  }
  s.filter = Ok(Filter::Parse("custom.score >= -100 or custom.score < 'zzz' or custom.score in (true, false) or "
                              "custom.score >= '1970-01-02' or custom.score > 0 EUR"));
  EXPECT_TRUE(absl::IsDataLoss(store_->Run(&ReadTxn::CountMatching, EntityType::kCustomer, s).status()));
  VerifyReport r = Ok(store_->Run(&ReadTxn::Verify));
  EXPECT_FALSE(r.ok());
}

// Since schema 4 every index entry that is not unique carries the checksum of its key: a count
// the indexes decide (tag, stage, country ...) reads no record, and a damaged entry is named.
TEST_F(DeclaredIndexTest, IndexesOfTheirOwnDecideCountsAndReportDamage) {
  std::mt19937 rng(4);
  ASSERT_TRUE(store_->Write("t", [&](WriteTxn& t) -> absl::Status {
    for (int i = 0; i < 300; ++i) {
      Customer c = Random(rng);
      c.tags = {i % 3 ? "vip" : "partner"};
      c.owner = i % 2 ? "ann" : "bob";
      auto made = t.CreateCustomer(c);
      if (!made.ok()) return made.status();
      if (i % 10 == 0)
        if (auto a = t.ArchiveCustomer(made->id); !a.ok()) return a.status();
    }
    return absl::OkStatus();
  }).ok());
  const std::string filter = "tag = 'VIP' and owner = 'ann'";
  EXPECT_NE(Plan(EntityType::kCustomer, filter).find("a count needs none"), std::string::npos) << Plan(EntityType::kCustomer, filter);
  EXPECT_EQ(Plan(EntityType::kCustomer, "tag = 'vip' and city = 'paris'").find("a count needs none"), std::string::npos);
  std::size_t expected = 0, expected_all = 0;
  for (CustomerId id = 1; id <= 300; ++id) {
    const Customer c = Ok(store_->Run(&ReadTxn::GetCustomer, id));
    const bool match = c.tags.front() == "vip" && c.owner == "ann";
    expected += match && !c.archived;
    expected_all += match;
  }
  EXPECT_EQ(Ids(filter).size(), expected);  // Ids checks the count against the page
  EXPECT_EQ(Ids(filter, true).size(), expected_all);
  ExpectHealthy();
  store_.reset();
  {
    testing::RawTable raw(dir_.File("crm.db"), "customer_tag");
    auto entries = raw.Entries();
    ASSERT_FALSE(entries.empty());
    const auto& [key, value] = entries.back();  // a "vip" entry
    raw.Del(key);
    raw.Put(key.substr(0, key.size() - 8) + testing::BigEndian(1000), value);  // moved to no record
  }
  Reopen();
  Search s;
  s.filter = Ok(Filter::Parse("tag = 'vip'"));
  auto n = store_->Run(&ReadTxn::CountMatching, EntityType::kCustomer, s);
  EXPECT_TRUE(absl::IsDataLoss(n.status())) << n.status();
  EXPECT_FALSE(Ok(store_->Run(&ReadTxn::Verify)).ok());
}

// With a lookup counted large from a few entries on, the planner probes each candidate in it
// rather than reading it: the answers stay those of a full scan, and a damaged entry a probe
// meets is reported.
// A page in id order over one exact lookup reads only the entries it needs (from the page
// token's id on, one more than the page holds); page by page, it answers as the whole lookup does.
TEST_F(DeclaredIndexTest, PagesInIdOrderReadOnlyTheirWindow) {
  std::mt19937 rng(23);
  Make(3000, rng);
  const std::vector<std::string> filters = {"custom.score = 3", "address.city = 'berlin'", "industry = 'software'",
                                            "custom.score = 'high'", "custom.score >= 10"};
  const auto paged = [&](const std::string& f, bool archived, std::uint32_t limit, bool descending) {
    Search s;
    s.filter = Ok(Filter::Parse(f));
    s.include_archived = archived;
    s.limit = limit;
    s.descending = descending;
    std::vector<CustomerId> ids;
    while (true) {
      CustomerPage page = Ok(store_->Run(&ReadTxn::SearchCustomers, s));
      EXPECT_LE(page.customers.size(), limit);
      for (const Customer& c : page.customers) ids.push_back(c.id);
      if (page.next_page_token.empty()) break;
      EXPECT_EQ(page.customers.size(), limit) << f;  // a page is full unless it is the last
      s.page_token = page.next_page_token;
    }
    return ids;
  };
  std::vector<std::vector<CustomerId>> scanned, scanned_all;
  for (const std::string& f : filters) {
    scanned.push_back(Ids(f));
    scanned_all.push_back(Ids(f, true));
    ASSERT_GT(scanned.back().size(), 14u) << f;
  }
  for (const char* field : {"city", "industry", "custom.score"})
    ASSERT_TRUE(store_->Run(&WriteTxn::DeclareIndex, EntityType::kCustomer, std::string_view(field)).ok()) << field;
  for (std::size_t i = 0; i < filters.size(); ++i)
    for (std::uint32_t limit : {3u, 50u}) {
      EXPECT_EQ(paged(filters[i], false, limit, false), scanned[i]) << filters[i] << " limit " << limit;
      EXPECT_EQ(paged(filters[i], true, limit, false), scanned_all[i]) << filters[i] << " limit " << limit;
      std::vector<CustomerId> down = paged(filters[i], false, limit, true);
      std::reverse(down.begin(), down.end());
      EXPECT_EQ(down, scanned[i]) << filters[i] << " descending, limit " << limit;
    }
  // The plan says so: a window of limit + 1 entries, from the token on.
  const auto plan = [&](const Search& s) { return Ok(store_->Run(&ReadTxn::Explain, EntityType::kCustomer, s)).text; };
  Search s;
  s.filter = Ok(Filter::Parse("address.city = 'berlin'"));
  s.limit = 7;
  EXPECT_NE(plan(s).find("(the first 8 in id order)"), std::string::npos) << plan(s);
  s.page_token = Ok(store_->Run(&ReadTxn::SearchCustomers, s)).next_page_token;
  const std::string rest = std::to_string(std::min<std::size_t>(8, scanned[1].size() - 7));
  EXPECT_NE(plan(s).find("(the first " + rest + " in id order)"), std::string::npos) << plan(s);
  // Another order, a range, a combination, or a lookup that found values of another type (a
  // money score against 3, tested on each record) reads the whole lookup.
  s.page_token.clear();
  s.descending = true;
  EXPECT_EQ(plan(s).find("in id order)"), std::string::npos) << plan(s);
  s.descending = false;
  s.order_by = "name";
  EXPECT_EQ(plan(s).find("in id order)"), std::string::npos) << plan(s);
  s.order_by = "id";
  for (const char* f : {"custom.score >= 10", "address.city = 'berlin' and industry = 'software'", "custom.score = 3"}) {
    s.filter = Ok(Filter::Parse(f));
    EXPECT_EQ(plan(s).find("in id order)"), std::string::npos) << plan(s);
  }
}

TEST_F(DeclaredIndexTest, ProbedLookupsAnswerAsAFullScan) {
  std::mt19937 rng(17);
  ASSERT_TRUE(store_->Write("t", [&](WriteTxn& t) -> absl::Status {
    for (int i = 0; i < 400; ++i) {
      Customer c = Random(rng);
      c.tags = {i % 7 == 0 ? "rare" : "common"};
      c.owner = i % 2 ? "ann" : "bob";
      if (auto made = t.CreateCustomer(c); !made.ok()) return made.status();
    }
    return absl::OkStatus();
  }).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeclareIndex, EntityType::kCustomer, std::string_view("industry")).ok());
  const std::vector<std::string> filters = {"tag = 'rare' and owner = 'ann'", "tag = 'rare' and industry = 'software'",
                                            "tag = 'rare' and owner = 'bob' and industry in ('retail', 'medical')"};
  std::vector<std::vector<CustomerId>> read_whole;
  for (const std::string& f : filters) read_whole.push_back(Ids(f));
  const query::PlanLimits saved = query::Limits();
  query::Limits().small_lookup = 16;
  query::Limits().probe_at_most = 1000;
  for (std::size_t i = 0; i < filters.size(); ++i) {
    EXPECT_NE(Plan(EntityType::kCustomer, filters[i]).find("probe "), std::string::npos) << Plan(EntityType::kCustomer, filters[i]);
    EXPECT_EQ(Ids(filters[i]), read_whole[i]) << filters[i];
  }
  store_.reset();
  {
    testing::RawTable raw(dir_.File("crm.db"), "customer_owner");
    for (const auto& [key, value] : raw.Entries()) {
      std::string damaged = value;
      damaged[2] ^= 0x10;  // a flipped bit in its checksum
      raw.Put(key, damaged);
    }
  }
  Reopen();
  Search s;
  s.filter = Ok(Filter::Parse(filters[0]));
  EXPECT_TRUE(absl::IsDataLoss(store_->Run(&ReadTxn::CountMatching, EntityType::kCustomer, s).status()));
  query::Limits() = saved;
}

}  // namespace
}  // namespace crm
