// Imports of CSV and JSON Lines files: the file formats, the mapping, the values, and the rows
// that fail without stopping the others.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/files.h"
#include "support/raw_lmdb.h"
#include "support/fixture.h"

namespace crm {
namespace {

using testing::ReadWholeFile;
using testing::WriteFile;

class ImportCsvTest : public testing::StoreTest {
 protected:
  ImportJob Import(const std::string& text, ImportOptions options = {}, const std::string& name = "in.csv") {
    const std::string path = dir_.File(name);
    WriteFile(path, text);
    options.path = path;
    return Ok(store_->Import(options));
  }
  Customer ByEmail(const std::string& email) { return Ok(store_->Run(&ReadTxn::FindCustomerByEmail, email)); }
  std::vector<ImportRowError> Errors(ImportJobId id) {
    return Ok(store_->Run(&ReadTxn::ListImportErrors, id, std::uint64_t{0}, std::size_t{1000}));
  }
  std::uint64_t Count() { return Ok(store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All())); }
};

TEST_F(ImportCsvTest, Rfc4180QuotingBomCrlfAndBlankLines) {
  const ImportJob job = Import(
      "\xEF\xBB\xBF" "First Name,Last Name,Email,Notes\r\n"
      "Ann,\"O\"\"Neil\",ann@example.com,\"one, two\"\r\n"
      "\r\n"
      "Bob,Lee,bob@example.com,\"line one\r\nline two\"\r\n"
      "Cy,Chen,cy@example.com,plain",
      {.columns = {{"Notes", "custom.notes"}}});
  EXPECT_EQ(job.state, ImportState::kFinished);
  EXPECT_EQ(job.counts, (ImportCounts{3, 0, 0, 0, 0}));
  EXPECT_EQ(job.header, (std::vector<std::string>{"First Name", "Last Name", "Email", "Notes"}));
  EXPECT_EQ(ByEmail("ann@example.com").family_name, "O\"Neil");
  EXPECT_EQ(std::get<std::string>(ByEmail("ann@example.com").custom.at("notes")), "one, two");
  EXPECT_EQ(std::get<std::string>(ByEmail("bob@example.com").custom.at("notes")), "line one\r\nline two");
  EXPECT_EQ(ByEmail("cy@example.com").given_name, "Cy");
  EXPECT_EQ(job.rows_done, 3u);
}

TEST_F(ImportCsvTest, DetectsTheDelimiterOrTakesTheGivenOne) {
  ImportJob job = Import("given_name;family_name;email\nAnn;Lee;ann@example.com\n");
  EXPECT_EQ(job.delimiter, ';');
  EXPECT_EQ(ByEmail("ann@example.com").family_name, "Lee");
  job = Import("given_name\tfamily_name\temail\nBob\tLee\tbob@example.com\n", {}, "tabs.tsv");
  EXPECT_EQ(job.delimiter, '\t');
  job = Import("given_name|family_name|email\nCy|Chen|cy@example.com\n", {.delimiter = '|'}, "pipes.txt");
  EXPECT_EQ(job.counts.created, 1u);
}

TEST_F(ImportCsvTest, BadRowsFailAloneWithTheirRowLineFieldAndText) {
  const ImportJob job = Import(
      "name,email,created_at,stage\n"
      "Ann Lee,ann@example.com,2021-07-26,customer\n"
      "Bob Bad,not-an-email,2021-07-26,lead\n"
      "Cy Chen,cy@example.com,31/31/2021,lead\n"
      "\"Dee\nDoe\",dee@example.com,2021-07-27,lead,extra\n"
      "Eve Stone,eve@example.com,2021-07-28,boss\n"
      "Fay Wu,fay@example.com,07/04/2021 2:30 PM,prospect\n");
  EXPECT_EQ(job.state, ImportState::kFinished);
  EXPECT_EQ(job.counts.created, 2u);
  EXPECT_EQ(job.counts.failed, 4u);
  const auto errors = Errors(job.id);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].row, 2u);
  EXPECT_EQ(errors[0].line, 3u);
  EXPECT_EQ(errors[0].field, "emails[0].address");
  EXPECT_EQ(errors[0].original, "Bob Bad,not-an-email,2021-07-26,lead");
  EXPECT_EQ(errors[1].field, "created_at");
  EXPECT_NE(errors[1].reason.find("31/31/2021"), std::string::npos);
  EXPECT_EQ(errors[2].row, 4u);
  EXPECT_EQ(errors[2].line, 5u);  // the quoted line break counts
  EXPECT_NE(errors[2].reason.find("5 fields; the header has 4"), std::string::npos) << errors[2].reason;
  EXPECT_EQ(errors[3].field, "stage");
  const Customer ann = ByEmail("ann@example.com");
  EXPECT_EQ(ann.given_name, "Ann");
  EXPECT_EQ(ann.family_name, "Lee");
  EXPECT_EQ(ann.stage, LifecycleStage::kCustomer);
  EXPECT_EQ(ann.created_at, 1627257600000000);  // 2021-07-26T00:00:00Z
  EXPECT_EQ(ByEmail("fay@example.com").created_at, 1625409000000000);  // 2021-07-04T14:30:00Z
}

TEST_F(ImportCsvTest, FailedRowsAreWrittenOutAndImportAgainOnceFixed) {
  const ImportJob job = Import(
      "name,email\n"
      "Ann Lee,ann@example.com\n"
      "\"Lee, Bob\",bob-at-example.com\n");
  ASSERT_EQ(job.counts.failed, 1u);
  const std::string failed = dir_.File("failed.csv");
  ASSERT_TRUE(store_->WriteFailedRows(job.id, failed).ok());
  const std::string text = ReadWholeFile(failed);
  EXPECT_EQ(text.substr(0, text.find("\r\n")), "import_row,import_error,name,email");
  EXPECT_NE(text.find("\r\n2,"), std::string::npos);
  EXPECT_NE(text.find(",\"Lee, Bob\",bob-at-example.com\r\n"), std::string::npos) << text;
  EXPECT_EQ(store_->WriteFailedRows(job.id, failed).code(), absl::StatusCode::kAlreadyExists);

  std::string fixed = text;
  fixed.replace(fixed.find("bob-at-example.com"), 18, "bob@example.com");
  const ImportJob again = Import(fixed, {}, "fixed.csv");
  EXPECT_EQ(again.counts, (ImportCounts{1, 0, 0, 0, 0}));
  EXPECT_EQ(ByEmail("bob@example.com").display_name, "Lee, Bob");
}

TEST_F(ImportCsvTest, ValuesAreNormalised) {
  const ImportJob job = Import(
      "kind,name,website,annual_revenue,employees,account_type,email_opt_in,do_not_call,tags,industry\n"
      "organization,Acme Corp,https://www.acme.com/,\"$1,250,000.50\",\"1,200\",Customer - Direct,yes,0,b2b; vip,Steel\n"
      "organization,Globex,globex.com,EUR 99.5,12,partner,no,true,\"one,two\",\n");
  ASSERT_EQ(job.counts.created, 2u) << (Errors(job.id).empty() ? "" : Errors(job.id)[0].reason);
  const auto acme = Ok(store_->Run(&ReadTxn::FindCustomersByDomain, std::string("acme.com")));
  ASSERT_EQ(acme.size(), 1u);
  EXPECT_EQ(acme[0].kind, CustomerKind::kOrganization);
  EXPECT_EQ(acme[0].annual_revenue, (Money{125000050, "USD"}));
  EXPECT_EQ(acme[0].employees, 1200);
  EXPECT_EQ(acme[0].account_type, AccountType::kCustomer);
  EXPECT_TRUE(acme[0].consent.email_opt_in);
  EXPECT_EQ(acme[0].consent.email_legal_basis, LegalBasis::kConsent);
  EXPECT_EQ(acme[0].tags.size(), 2u);
  const auto globex = Ok(store_->Run(&ReadTxn::FindCustomersByDomain, std::string("globex.com")));
  ASSERT_EQ(globex.size(), 1u);
  EXPECT_EQ(globex[0].annual_revenue, (Money{9950, "EUR"}));
  EXPECT_TRUE(globex[0].consent.do_not_call);
  EXPECT_EQ(globex[0].tags.size(), 2u);

  // A money amount with more decimals than its currency has, and none without a default.
  const ImportJob bad = Import("kind,name,annual_revenue\norganization,Initech,JPY 10.5\norganization,Hooli,12\n",
                               {.default_currency = ""}, "bad.csv");
  EXPECT_EQ(bad.counts.failed, 2u);
  const auto errors = Errors(bad.id);
  EXPECT_NE(errors[0].reason.find("at most 0 decimals"), std::string::npos) << errors[0].reason;
  EXPECT_NE(errors[1].reason.find("no currency"), std::string::npos) << errors[1].reason;
}

TEST_F(ImportCsvTest, TimeZonesAndDayFirstDates) {
  Import("name,email,created_at\nAnn Lee,ann@example.com,26/07/2021 09:00\nBob Lee,bob@example.com,2021-07-26T09:00:00+02:00\n",
         {.time_zone = "Europe/Berlin", .date_order = "dmy"});
  EXPECT_EQ(ByEmail("ann@example.com").created_at, 1627282800000000);  // 07:00Z
  EXPECT_EQ(ByEmail("bob@example.com").created_at, 1627282800000000);
  const std::string path = dir_.File("x.csv");
  WriteFile(path, "name\nA\n");
  EXPECT_EQ(store_->Import({.path = path, .time_zone = "Mars/Olympus"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Import({.path = path, .date_order = "ymd"}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ImportCsvTest, BadOptionsAndMappingsAreRefusedBeforeAnything) {
  const std::string path = dir_.File("x.csv");
  WriteFile(path, "First Name,Given,email\nAnn,Ann,ann@example.com\n");
  const auto status = [&](ImportOptions o) {
    o.path = o.path.empty() ? path : o.path;
    return store_->Import(o).status();
  };
  EXPECT_EQ(status({.path = dir_.File("missing.csv")}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status({.preset = "excel"}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status({.columns = {{"Given", "nickname"}}}).code(), absl::StatusCode::kInvalidArgument);
  const absl::Status twice = status({.columns = {{"Given", "given_name"}}});
  EXPECT_EQ(twice.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(twice.message().find("both fill given_name"), std::string::npos) << twice;
  EXPECT_EQ(status({.match = {MatchRule::kEmail, MatchRule::kEmail}}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status({.batch_rows = 0}).code(), absl::StatusCode::kInvalidArgument);
  WriteFile(dir_.File("empty.csv"), "");
  EXPECT_EQ(status({.path = dir_.File("empty.csv")}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(), 0u);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ListImportJobs, std::size_t{10})).empty());
}

TEST_F(ImportCsvTest, VerifyReadsImportJobsTheirFailedRowsAndUndoEntries) {
  const ImportJob job = Import("email,name\nann@example.com,Ann Lee\nnot-an-email,Bad Row\n");
  ASSERT_EQ(job.counts.failed, 1u);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
  store_.reset();
  for (const char* table : {"import_jobs", "import_errors", "import_undo"}) {
    testing::RawTable raw(dir_.File("crm.db"), table);
    const auto entries = raw.Entries();
    ASSERT_FALSE(entries.empty()) << table;
    std::string damaged = entries.front().second;
    damaged[damaged.size() / 2] ^= 0x20;
    raw.Put(entries.front().first, damaged);
  }
  {
    testing::RawTable raw(dir_.File("crm.db"), "import_undo");
    raw.Put(testing::BigEndian(77) + testing::BigEndian(1), "x");  // an entry of no job
  }
  Reopen();
  const VerifyReport report = Ok(store_->Run(&ReadTxn::Verify));
  std::string all;
  for (const std::string& p : report.problems) all += p + "\n";
  EXPECT_NE(all.find("import job 1"), std::string::npos) << all;
  EXPECT_NE(all.find("import errors"), std::string::npos) << all;
  EXPECT_NE(all.find("import undo"), std::string::npos) << all;
  EXPECT_NE(all.find("job 77"), std::string::npos) << all;
}

TEST_F(ImportCsvTest, ADirectoryIsNotAFileToImport) {
  const std::string path = dir_.File("a-directory.csv");
  ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);
  auto job = store_->Import({.path = path});
  EXPECT_TRUE(absl::IsInvalidArgument(job.status())) << job.status();
  EXPECT_NE(job.status().message().find("is not a regular file"), std::string::npos) << job.status();
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ListImportJobs, std::size_t{10})).empty());
}

TEST_F(ImportCsvTest, AFifoIsRefusedWithoutWaitingForAWriter) {
  const std::string path = dir_.File("a-fifo.csv");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  auto job = store_->Import({.path = path});  // opening a FIFO to read would wait for a writer
  EXPECT_TRUE(absl::IsInvalidArgument(job.status())) << job.status();
  EXPECT_NE(job.status().message().find("is not a regular file"), std::string::npos) << job.status();
}

TEST_F(ImportCsvTest, UnclosedQuoteFailsTheRowAndEndsTheFile) {
  const ImportJob job = Import("name,email\nAnn Lee,ann@example.com\n\"Bob,bob@example.com\nCy,cy@example.com\n");
  EXPECT_EQ(job.state, ImportState::kFinished);
  EXPECT_EQ(job.counts.created, 1u);
  EXPECT_EQ(job.counts.failed, 1u);
  EXPECT_NE(Errors(job.id)[0].reason.find("not closed"), std::string::npos);
}

TEST_F(ImportCsvTest, JsonLines) {
  const ImportJob job = Import(
      "{\"given_name\": \"Ann\", \"family_name\": \"Lee\", \"email\": [\"ann@example.com\", \"ann@home.example\"],"
      " \"tags\": [\"vip\"], \"employees\": null, \"custom.score\": 7}\n"
      "\n"
      "{\"given_name\": \"Bob\", \"email\": \"bob@example.com\", \"address\": {\"city\": \"Oslo\"}}\n"
      "not json\n"
      "[1, 2]\n"
      "{\"First\": \"Cy\", \"Mail\": \"cy@example.com\"}\r\n",
      {.columns = {{"First", "given_name"}, {"Mail", "email"}}}, "people.jsonl");
  EXPECT_EQ(job.format, ImportFormat::kJsonLines);
  EXPECT_EQ(job.counts.created, 2u);
  EXPECT_EQ(job.counts.failed, 3u);
  const Customer ann = ByEmail("ann@home.example");
  EXPECT_EQ(ann.emails.size(), 2u);
  EXPECT_EQ(ann.tags.size(), 1u);
  EXPECT_EQ(std::get<std::string>(ann.custom.at("score")), "7");
  EXPECT_EQ(ByEmail("cy@example.com").given_name, "Cy");
  const auto errors = Errors(job.id);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].line, 3u);
  EXPECT_NE(errors[0].reason.find("address: holds an object"), std::string::npos) << errors[0].reason;
  EXPECT_NE(errors[1].reason.find("not valid JSON"), std::string::npos);
  EXPECT_NE(errors[2].reason.find("not a JSON object"), std::string::npos);

  const std::string failed = dir_.File("failed.jsonl");
  ASSERT_TRUE(store_->WriteFailedRows(job.id, failed).ok());
  EXPECT_EQ(ReadWholeFile(failed),
            "{\"given_name\": \"Bob\", \"email\": \"bob@example.com\", \"address\": {\"city\": \"Oslo\"}}\nnot json\n[1, 2]\n");
}

TEST_F(ImportCsvTest, AllOrNothingKeepsNothingWhenARowFails) {
  const ImportJob job = Import("name,email\nAnn Lee,ann@example.com\nBob,bad\nCy Chen,cy@example.com\n",
                               {.all_or_nothing = true});
  EXPECT_EQ(job.state, ImportState::kFailed);
  EXPECT_EQ(job.counts.failed, 1u);
  EXPECT_EQ(job.counts.created, 0u);
  EXPECT_EQ(Errors(job.id)[0].row, 2u);
  EXPECT_EQ(Count(), 0u);
  EXPECT_EQ(store_->RevertImport(job.id).status().code(), absl::StatusCode::kFailedPrecondition);
  const ImportJob good = Import("name,email\nAnn Lee,ann@example.com\n", {.all_or_nothing = true}, "good.csv");
  EXPECT_EQ(good.state, ImportState::kFinished);
  EXPECT_EQ(Count(), 1u);
}

TEST_F(ImportCsvTest, EmptyRowsAreSkipped) {
  const ImportJob job = Import("name,email,Unmapped\nAnn Lee,ann@example.com,x\n,,\n , ,y\n");
  EXPECT_EQ(job.counts, (ImportCounts{1, 0, 0, 2, 0}));
}

}  // namespace
}  // namespace crm
