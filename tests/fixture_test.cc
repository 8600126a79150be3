// Files written by earlier releases open with this one: every record and lookup answers as it
// did in the release that wrote the file, read-only and after the migration of a writable open.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crm/error.hpp"
#include "crm/store.hpp"
#include "support/fixture_data.h"
#include "support/temp_dir.h"

namespace crm {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A copy of a committed fixture in a temporary directory (opening writes a lock file; a writable
// open migrates the file), owner-only as libcrm creates its files.
std::string CopyFixture(const testing::TempDir& dir, const std::string& name) {
  const std::string to = dir.File(name);
  std::filesystem::copy_file(std::string(CRM_FIXTURES_DIR) + "/" + name, to);
  std::filesystem::permissions(to, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return to;
}

class FixtureTest : public ::testing::TestWithParam<int> {};

TEST_P(FixtureTest, EveryRecordAndLookupAnswersAsWhenWritten) {
  const std::string name = "schema" + std::to_string(GetParam());
  const std::string expected = ReadFile(std::string(CRM_FIXTURES_DIR) + "/" + name + ".dump");
  ASSERT_GT(expected.size(), 1000u) << "missing or empty " << name << ".dump";
  testing::TempDir dir;
  const std::string path = CopyFixture(dir, name + ".crm");
  {
    StoreOptions read_only;
    read_only.read_only = true;
    auto store = Store::Open(path, read_only);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(testing::Dump(**store), expected) << "read-only";
  }
  {
    auto store = Store::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(testing::Dump(**store), expected) << "writable (migrated)";
  }
  {
    auto store = Store::Open(path);  // reopened after the migration
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(testing::Dump(**store), expected) << "reopened";
    // And it takes new writes.
    Customer c;
    c.given_name = "New";
    c.family_name = "Writer";
    auto made = (*store)->Run(&WriteTxn::CreateCustomer, c);
    ASSERT_TRUE(made.ok()) << made.status();
    EXPECT_GT(made->id, 7u);
  }
}

// A file encrypted by libcrm 0.9.0 (encryption header version 1, in which the store key itself
// derives the data's keys) opens with its key and answers as the plain fixture of the same data
// set; a rekey gives it a header of version 2 sealing that root, after which only the new key
// opens it.
TEST(FixtureTest, AnEncryptedFileOfTheFirstHeaderVersionOpensAndTakesANewKey) {
  const std::string expected = ReadFile(std::string(CRM_FIXTURES_DIR) + "/schema7.dump");
  testing::TempDir dir;
  const std::string path = CopyFixture(dir, "encrypted8.crm");
  StoreOptions o;
  o.sync = false;
  o.encryption_key = "libcrm fixture key: 32 bytes, ok";
  {
    StoreOptions read_only = o;
    read_only.read_only = true;
    auto store = Store::Open(path, read_only);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(testing::Dump(**store), expected) << "read-only";
  }
  EXPECT_EQ(ErrorKindOf(Store::Open(path, StoreOptions{}).status()), ErrorKind::kWrongKey);
  {
    auto store = Store::Open(path, o);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(testing::Dump(**store), expected) << "writable";
    ASSERT_TRUE((*store)->Rekey("", "a passphrase for 0.10").ok());
  }
  EXPECT_EQ(ErrorKindOf(Store::Open(path, o).status()), ErrorKind::kWrongKey);
  StoreOptions rekeyed;
  rekeyed.sync = false;
  rekeyed.encryption_passphrase = "a passphrase for 0.10";
  auto store = Store::Open(path, rekeyed);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(testing::Dump(**store), expected) << "rekeyed";
  Customer c;
  c.given_name = "New";
  c.family_name = "Writer";
  c.emails.push_back(Email{"new.writer@example.com", "work", true});
  ASSERT_TRUE((*store)->Run(&WriteTxn::CreateCustomer, c).ok());
  EXPECT_EQ((*store)->Run(&ReadTxn::FindCustomerByEmail, std::string("new.writer@example.com"))->given_name, "New");
  auto report = (*store)->Run(&ReadTxn::Verify);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << report->problems.front();
}

// Schema 2 added the country index: a schema-1 file read-only says it lacks it; the first
// writable open backfills it in the migration, after which reads (read-only too) use it.
TEST(FixtureTest, SchemaOneGetsTheCountryIndexOnItsFirstWritableOpen) {
  testing::TempDir dir;
  const std::string path = CopyFixture(dir, "schema1.crm");
  StoreOptions read_only;
  read_only.read_only = true;
  {
    auto store = Store::Open(path, read_only);
    ASSERT_TRUE(store.ok()) << store.status();
    auto by_country = (*store)->Run(&ReadTxn::ListCustomers, CustomerQuery::Country("DE"));
    EXPECT_TRUE(absl::IsFailedPrecondition(by_country.status())) << by_country.status();
    EXPECT_NE(by_country.status().message().find("open it writable once"), std::string_view::npos);
  }
  {
    auto store = Store::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    auto page = (*store)->Run(&ReadTxn::ListCustomers, CustomerQuery::Country("de"));
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_EQ(page->customers.size(), 1u);
    EXPECT_EQ(page->customers[0].display_name, "Nordwind Handel GmbH");
    Customer c;
    c.display_name = "Neue Kundin";
    c.address.country = "De";
    ASSERT_TRUE((*store)->Run(&WriteTxn::CreateCustomer, c).ok());
  }
  auto store = Store::Open(path, read_only);
  ASSERT_TRUE(store.ok()) << store.status();
  auto n = (*store)->Run(&ReadTxn::CountCustomers, CustomerQuery::Country("DE"));
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2u);
}

// A record written before its fields of libcrm 0.5 existed reads them as empty, also when read
// right after a record that has them (scans decode into one record after another).
TEST(FixtureTest, OlderRecordsReadNoFieldsOfTheRecordBefore) {
  testing::TempDir dir;
  const std::string path = CopyFixture(dir, "schema2.crm");
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  Customer first = *(*store)->Run(&ReadTxn::GetCustomer, CustomerId{2});  // a person
  first.job_title = "Buyer";
  first.department = "Purchasing";
  auto updated = (*store)->Run(&WriteTxn::UpdateCustomer, first);  // rewritten with them
  ASSERT_TRUE(updated.ok()) << updated.status();
  Search all;
  all.include_archived = true;
  all.limit = 1000;
  auto page = (*store)->Run(&ReadTxn::SearchCustomers, all);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_GT(page->customers.size(), 2u);
  for (const Customer& c : page->customers) {
    if (c.id == 2) continue;
    EXPECT_EQ(c.job_title, "") << c.id;
    EXPECT_EQ(c.department, "") << c.id;
  }
  // The migration gave every index entry its checksum: Verify checks them.
  auto report = (*store)->Run(&ReadTxn::Verify);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "" : report->problems.front());
  Search buyer;
  buyer.filter = *Filter::Parse("job_title = 'buyer'");
  auto buyers = (*store)->Run(&ReadTxn::CountMatching, EntityType::kCustomer, buyer);
  ASSERT_TRUE(buyers.ok()) << buyers.status();
  EXPECT_EQ(*buyers, 1u);
}

// Schema 7 added consent records: the migration enters each customer's email opt-in as a grant
// for ("marketing", email), from an import, captured when the customer opted in, so CanContact
// answers for customers written before consent records existed as the opt-in did.
TEST_P(FixtureTest, OptInsBecomeConsentRecords) {
  if (GetParam() >= 7) GTEST_SKIP() << "schema 7 files were written with consent records of their own";
  testing::TempDir dir;
  const std::string path = CopyFixture(dir, "schema" + std::to_string(GetParam()) + ".crm");
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  Search all;
  all.include_archived = true;
  all.limit = 1000;
  auto page = (*store)->Run(&ReadTxn::SearchCustomers, all);
  ASSERT_TRUE(page.ok()) << page.status();
  int opted = 0;
  for (const Customer& c : page->customers) {
    auto history = (*store)->Run(&ReadTxn::ConsentHistory, c.id);
    ASSERT_TRUE(history.ok()) << history.status();
    auto can = (*store)->Run(&ReadTxn::CanContact, c.id, ContactChannel::kEmail, std::string_view("marketing"), Timestamp{0});
    ASSERT_TRUE(can.ok()) << can.status();
    if (!c.consent.email_opt_in) {
      EXPECT_TRUE(history->empty()) << c.id;
      EXPECT_FALSE(can->allowed) << c.id;
      continue;
    }
    ++opted;
    ASSERT_EQ(history->size(), 1u) << c.id;
    const ConsentRecord& r = (*history)[0];
    EXPECT_TRUE(r.granted);
    EXPECT_EQ(r.purpose, "marketing");
    EXPECT_EQ(r.channel, ContactChannel::kEmail);
    EXPECT_EQ(r.source, ConsentSource::kImport);
    EXPECT_EQ(r.legal_basis, c.consent.email_legal_basis);
    EXPECT_EQ(r.captured_at, c.consent.email_opt_in_at);
    EXPECT_EQ(can->allowed, !c.emails.empty()) << c.id << ": " << can->reason;
  }
  EXPECT_GT(opted, 0);
  auto report = (*store)->Run(&ReadTxn::Verify);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "" : report->problems.front());
}

// Schema 15 added duplicate matching: a read-only open of an earlier file says the match index is
// missing; the first writable open builds it, so every stored person with a corroborating value
// is found again from a draft of its name and that value alone.
void ExpectMatchIndexBuilt(const std::string& path, StoreOptions o) {
  StoreOptions read_only = o;
  read_only.read_only = true;
  {
    auto store = Store::Open(path, read_only);
    ASSERT_TRUE(store.ok()) << store.status();
    auto refused = (*store)->Run(&ReadTxn::FindDuplicates, CustomerId{1}, MatchOptions{});
    EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
    EXPECT_NE(refused.status().message().find("open it writable once"), std::string::npos) << refused.status();
  }
  auto store = Store::Open(path, o);
  ASSERT_TRUE(store.ok()) << store.status();
  Search all;
  all.include_archived = true;
  all.limit = 1000;
  auto page = (*store)->Run(&ReadTxn::SearchCustomers, all);
  ASSERT_TRUE(page.ok()) << page.status();
  MatchOptions names;
  names.reasons = MatchReasonBit(MatchReason::kName);
  names.include_archived = true;
  int found = 0;
  for (const Customer& c : page->customers) {
    if (c.kind != CustomerKind::kPerson || (c.address.city.empty() && c.memberships.empty())) continue;
    Customer draft;
    draft.given_name = c.given_name;
    draft.family_name = c.family_name;
    draft.display_name = c.display_name;
    draft.address.city = c.address.city;
    draft.memberships = c.memberships;
    auto candidates = (*store)->Run(&ReadTxn::FindDuplicatesOf, draft, names);
    ASSERT_TRUE(candidates.ok()) << candidates.status();
    EXPECT_TRUE(std::any_of(candidates->begin(), candidates->end(), [&](const DuplicateCandidate& d) { return d.id == c.id; }))
        << "customer " << c.id;
    ++found;
  }
  EXPECT_GT(found, 0);
  auto report = (*store)->Run(&ReadTxn::Verify);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "" : report->problems.front());
}

TEST_P(FixtureTest, TheDuplicateMatchIndexIsBuiltAtTheFirstWritableOpen) {
  testing::TempDir dir;
  StoreOptions o;
  o.sync = false;
  ExpectMatchIndexBuilt(CopyFixture(dir, "schema" + std::to_string(GetParam()) + ".crm"), o);
}

TEST(FixtureTest, AnEncryptedFileGetsItsMatchIndexOfKeyedHashes) {
  testing::TempDir dir;
  StoreOptions o;
  o.sync = false;
  o.encryption_key = "libcrm fixture key: 32 bytes, ok";
  ExpectMatchIndexBuilt(CopyFixture(dir, "encrypted8.crm"), o);
}

// An earlier file whose free list is damaged: the upgrade a writable open makes would have LMDB
// reuse pages through the damaged free-list page and write outside it in memory. The open is
// refused as damaged before anything is written; read-only, the file still reads.
TEST(FixtureTest, ADamagedFreeListIsRefusedBeforeTheUpgradeWrites) {
  testing::TempDir dir;
  const std::string path = CopyFixture(dir, "schema6.crm");
  std::string bytes = ReadFile(path);
  // LMDB's layout: meta pages 0 and 1 (the newer by transaction id is current), each holding
  // the free list's descriptor (its root page) after a 16-byte page header.
  constexpr std::size_t kPage = 4096, kHeader = 16, kFreeRoot = kHeader + 24 + 40, kTxnid = kHeader + 128;
  const auto u64 = [&](std::size_t at) {
    std::uint64_t v;
    std::memcpy(&v, bytes.data() + at, 8);
    return v;
  };
  const std::size_t meta = u64(kPage + kTxnid) > u64(kTxnid) ? kPage : 0;
  const std::uint64_t root = u64(meta + kFreeRoot);
  ASSERT_GT(root, 1u);
  ASSERT_LT(root, bytes.size() / kPage) << "the fixture has a free list";
  // The first entry's key size becomes 3000 bytes: past its 4096-byte page once it is placed.
  const std::size_t page = root * kPage;
  std::uint16_t node = 0;
  std::memcpy(&node, bytes.data() + page + kHeader, 2);
  const std::uint16_t huge = 3000;
  std::memcpy(bytes.data() + page + node + 6, &huge, 2);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;

  auto store = Store::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(absl::IsDataLoss(store.status())) << store.status();
  EXPECT_NE(store.status().message().find("free list"), std::string_view::npos) << store.status();
  EXPECT_EQ(ReadFile(path), bytes) << "nothing written";
  StoreOptions read_only;
  read_only.read_only = true;
  auto reader = Store::Open(path, read_only);
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto c = (*reader)->Run(&ReadTxn::GetCustomer, CustomerId{1});
  EXPECT_TRUE(c.ok()) << c.status();
}

INSTANTIATE_TEST_SUITE_P(Schemas, FixtureTest, ::testing::Values(1, 2, 4, 5, 6, 7),
                         [](const ::testing::TestParamInfo<int>& info) { return "schema" + std::to_string(info.param); });

}  // namespace
}  // namespace crm
