// vCard: every card of the ez-vcard sample files (2.1, 3.0, 4.0 from phones, mail programs and
// the RFCs) imports or fails alone with a reason; customers exported as vCard 4.0 import back.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "support/files.h"
#include "support/fixture.h"

namespace crm {
namespace {

using testing::ReadWholeFile;
using testing::WriteFile;

const std::string kCards = std::string(CRM_TEST_DATA_DIR) + "/vcard-samples-ez-vcard";

// How many cards a file holds, counted another way: lines that are BEGIN:VCARD in any case.
std::size_t CardsIn(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && line.back() == '\r') line.pop_back();  // the iPhone's lines end in CR CR LF
    std::transform(line.begin(), line.end(), line.begin(), [](unsigned char c) { return std::toupper(c); });
    n += line == "BEGIN:VCARD";
  }
  return n;
}

class VCardTest : public testing::StoreTest {
 protected:
  ImportJob ImportCards(const std::string& path, ImportOptions o = {}) {
    o.path = path;
    return Ok(store_->Import(o));
  }
  std::vector<ImportRowError> Errors(ImportJobId id) {
    return Ok(store_->Run(&ReadTxn::ListImportErrors, id, std::uint64_t{0}, std::size_t{100}));
  }
  Customer ByEmail(const std::string& email) { return Ok(store_->Run(&ReadTxn::FindCustomerByEmail, email)); }
};

TEST_F(VCardTest, EverySampleCardImportsOrFailsAloneWithAReason) {
  std::size_t files = 0, cards = 0, landed = 0, failed = 0;
  std::set<std::string> refused;
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(kCards))
    if (entry.path().extension() == ".vcf") paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  for (const std::string& path : paths) {
    const ImportJob job = ImportCards(path);
    ++files;
    const std::size_t n = CardsIn(path);
    EXPECT_EQ(job.format, ImportFormat::kVCard);
    EXPECT_EQ(job.state, ImportState::kFinished) << path;
    EXPECT_EQ(job.rows_done, n) << path;
    // Every card counted once; "created" also counts the organizations cards name.
    EXPECT_GE(job.counts.created + job.counts.updated + job.counts.unchanged + job.counts.failed, n) << path;
    EXPECT_LE(job.counts.updated + job.counts.unchanged + job.counts.failed, n) << path;
    for (const ImportRowError& e : Errors(job.id)) {
      EXPECT_NE(e.original.find("BEGIN:"), std::string::npos);
      refused.insert(std::filesystem::path(path).filename().string() + " " + std::to_string(e.row) + " " + e.field);
    }
    cards += n;
    landed += n - job.counts.failed;
    failed += job.counts.failed;
  }
  EXPECT_EQ(files, 18u);
  EXPECT_EQ(cards, 26u);
  std::cout << cards << " cards in " << files << " files: " << landed << " landed, " << failed << " failed\n";
  // The cards refused, and why: two Android cards have no name, one has an email of "Ñ"s only,
  // Outlook 2003's phones are the words "BusinessPhone" ..., and the Lotus Notes John Doe has
  // the email of an earlier file's John Doe with another UID (external id).
  EXPECT_EQ(refused, (std::set<std::string>{"John_Doe_ANDROID.vcf 1 ", "John_Doe_ANDROID.vcf 2 ",
                                            "John_Doe_ANDROID.vcf 5 emails[1].address",
                                            "John_Doe_LOTUS_NOTES.vcf 1 external_id",
                                            "outlook-2003.vcf 1 phones[0].number"}));
  EXPECT_EQ(landed, 21u);

  // What the cards said, read back.
  const Customer arnold = ByEmail("asmithk@gmail.com");  // gmail-list.vcf, 3.0
  EXPECT_EQ(arnold.given_name, "Arnold");
  EXPECT_EQ(arnold.family_name, "Smith");
  EXPECT_EQ(arnold.display_name, "Arnold Smith");
  const Customer simon = ByEmail("simon.perreault@viagenie.ca");  // rfc6350-example.vcf, 4.0, folded ADR
  EXPECT_EQ(simon.address.street, "2875 Laurier\nSuite D2-630");
  EXPECT_EQ(simon.address.city, "Quebec");
  EXPECT_EQ(simon.address.postal_code, "G1V 2M2");
  EXPECT_EQ(simon.address.country, "Canada");
  ASSERT_EQ(simon.phones.size(), 2u);
  EXPECT_EQ(simon.phones[0].number, "+1-418-656-9254 x102");
  ASSERT_EQ(simon.memberships.size(), 1u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, simon.memberships[0].organization)).display_name, "Viagenie");
  // An escaped comma in FN (issue114.vcf).
  auto dummies = Ok(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::NamePrefix("dummy")));
  std::set<std::string> names;
  for (const Customer& c : dummies.customers)
    if (c.kind == CustomerKind::kPerson) names.insert(c.display_name);
  EXPECT_EQ(names, std::set<std::string>{"Dummy, Dummy"});
  // Quoted-printable UTF-8 from a 2.1 Android export.
  auto enye = Ok(store_->Run(&ReadTxn::ListCustomers, CustomerQuery::NamePrefix("\xC3\x91")));
  EXPECT_FALSE(enye.customers.empty());
}

TEST_F(VCardTest, ACardWithoutANameFailsAloneAndTheOthersLand) {
  const std::string path = dir_.File("mixed.vcf");
  WriteFile(path,
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\nitem1.EMAIL;TYPE=INTERNET:ann@example.com\r\n"
            "item1.X-ABLabel:work\r\nEMAIL:ann@home.example\r\nTEL;TYPE=CELL:+49 30 1234567\r\nTITLE:CFO\r\n"
            "ORG:Umbrella Corp;Finance\r\nCATEGORIES:vip,beta\r\nUID:urn:uuid:1234\r\nNOTE:long\r\n text\r\nEND:VCARD\r\n"
            "BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:nobody@example.com\r\nEND:VCARD\r\n"
            "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n"
            "EMAIL:juergen@example.de\r\nEND:VCARD\r\n");
  const ImportJob job = ImportCards(path);
  EXPECT_EQ(job.counts.created, 3u);  // Ann, her organization, Jürgen
  EXPECT_EQ(job.counts.failed, 1u);
  const auto errors = Errors(job.id);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].row, 2u);
  EXPECT_NE(errors[0].reason.find("no name"), std::string::npos);
  const Customer ann = ByEmail("ann@example.com");
  EXPECT_EQ(ann.emails.size(), 2u);
  EXPECT_EQ(ann.phones[0].e164, "+49301234567");
  EXPECT_EQ(ann.job_title, "CFO");
  EXPECT_EQ(ann.tags.size(), 2u);
  EXPECT_EQ(ann.external_id, "urn:uuid:1234");
  EXPECT_EQ(ByEmail("juergen@example.de").family_name, "M\xC3\xBCller");
  // The failed card, written out as it was, imports once it has a name.
  ASSERT_TRUE(store_->WriteFailedRows(job.id, dir_.File("failed.vcf")).ok());
  std::string failed = ReadWholeFile(dir_.File("failed.vcf"));
  EXPECT_EQ(failed, "BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:nobody@example.com\r\nEND:VCARD\r\n");
  failed.insert(failed.find("EMAIL"), "FN:No Body\r\n");
  WriteFile(dir_.File("fixed.vcf"), failed);
  EXPECT_EQ(ImportCards(dir_.File("fixed.vcf")).counts.created, 1u);
  // The same file again changes nothing.
  EXPECT_EQ(ImportCards(path).counts.unchanged, 2u);
}

TEST_F(VCardTest, CustomersExportedAsVCard4ImportBack) {
  const ImportJob cards = ImportCards(kCards + "/rfc6350-example.vcf");
  ASSERT_EQ(cards.counts.failed, 0u);
  Customer ann = MakePerson("Ann", "Ålvarez; \"the\" boss", "ann@example.com");
  ann.phones = {{"+49 30 1234567", "", true}};
  ann.tags = {"vip", "b2b"};
  ann.address = {"Unter den Linden 1\nHinterhaus", "Berlin", "", "10117", "Germany"};
  ann.external_id = "P-1";
  ann.job_title = std::string(80, 'x');  // a long line, folded
  ann = Ok(store_->Run(&WriteTxn::UpdateCustomer, ann));
  const ExportReport r = Ok(store_->ExportCustomers({.path = dir_.File("all.vcf")}));
  EXPECT_EQ(r.rows, 3u);
  const std::string text = ReadWholeFile(dir_.File("all.vcf"));
  EXPECT_NE(text.find("VERSION:4.0\r\n"), std::string::npos);
  EXPECT_NE(text.find("N:\xC3\x85lvarez\\; \"the\" boss;Ann;;;\r\n"), std::string::npos) << text;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 76u) << line;  // 75 octets and the CR

  StoreOptions o;
  o.sync = false;
  o.encryption_key = key_;
  auto other = Ok(Store::Open(dir_.File("other.crm"), o));
  const ImportJob back = Ok(other->Import({.path = dir_.File("all.vcf")}));
  EXPECT_EQ(back.counts.failed, 0u);
  EXPECT_EQ(back.counts.created, 3u);
  for (const std::string& email : {std::string("ann@example.com"), std::string("simon.perreault@viagenie.ca")}) {
    const Customer a = Ok(store_->Run(&ReadTxn::FindCustomerByEmail, email));
    const Customer b = Ok(other->Run(&ReadTxn::FindCustomerByEmail, email));
    EXPECT_EQ(b.display_name, a.display_name);
    EXPECT_EQ(b.given_name, a.given_name);
    EXPECT_EQ(b.family_name, a.family_name);
    EXPECT_EQ(b.emails, a.emails);
    EXPECT_EQ(b.phones, a.phones);
    EXPECT_EQ(b.address, a.address);
    EXPECT_EQ(b.tags, a.tags);
    EXPECT_EQ(b.job_title, a.job_title);
    EXPECT_EQ(b.external_id, a.external_id);
    EXPECT_EQ(b.memberships.size(), a.memberships.size());
  }
}

}  // namespace
}  // namespace crm
