// Import jobs on real data: the Datablist customers and the Maven accounts, re-imports that
// create nothing, resuming a stopped or killed import, and reverting one.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "support/child.h"
#include "support/files.h"
#include "support/fixture.h"

namespace crm {
namespace {

using testing::ReadWholeFile;
using testing::SplitCsv;
using testing::WriteFile;

const std::string kData = CRM_TEST_DATA_DIR;
const std::string kDatablist = kData + "/datablist-customers/customers-1000.csv";

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097LL + doe - 719468;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class ImportJobsTest : public testing::StoreTest {
 protected:
  ImportJob ImportFile(const std::string& path, ImportOptions options = {}) {
    options.path = path;
    return Ok(store_->Import(options));
  }
  std::uint64_t Count() {
    CustomerQuery q = CustomerQuery::All();
    q.include_archived = true;
    return Ok(store_->Run(&ReadTxn::CountCustomers, q));
  }
  Customer ByExternal(const std::string& id) { return Ok(store_->Run(&ReadTxn::FindCustomerByExternalId, id)); }

  // Checks every Datablist row against the store, field by field.
  void CheckDatablist(const std::string& path) {
    const auto rows = SplitCsv(path);
    ASSERT_EQ(rows[0][1], "Customer Id");
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const auto& r = rows[i];
      const Customer c = ByExternal(r[1]);
      ASSERT_EQ(c.given_name, r[2]) << i;
      ASSERT_EQ(c.family_name, r[3]);
      ASSERT_EQ(c.address.city, r[5]);
      ASSERT_EQ(c.address.country, r[6]);
      ASSERT_EQ(c.phones.size(), 2u);
      ASSERT_EQ(c.phones[0].number, r[7]);
      ASSERT_EQ(c.phones[1].number, r[8]);
      ASSERT_EQ(c.emails.size(), 1u);
      ASSERT_EQ(c.emails[0].address, r[9]);
      ASSERT_EQ(c.created_at, DaysFromCivil(std::stoi(r[10].substr(0, 4)), std::stoi(r[10].substr(5, 2)),
                                            std::stoi(r[10].substr(8, 2))) * 86'400'000'000LL);
      ASSERT_EQ(std::get<std::string>(c.custom.at("website")), r[11]);
      ASSERT_EQ(c.memberships.size(), 1u);
      const Customer org = Ok(store_->Run(&ReadTxn::GetCustomer, c.memberships[0].organization));
      ASSERT_EQ(org.kind, CustomerKind::kOrganization);
      ASSERT_EQ(org.display_name, r[4]);
    }
  }
  std::size_t DistinctCompanies(const std::string& path) {
    std::set<std::string> names;
    const auto rows = SplitCsv(path);
    for (std::size_t i = 1; i < rows.size(); ++i) names.insert(Lower(rows[i][4]));
    return names.size();
  }
};

TEST_F(ImportJobsTest, DatablistCustomersArriveFieldByFieldAndReimportCreatesNothing) {
  const ImportJob job = ImportFile(kDatablist, {.preset = "datablist"});
  const std::size_t companies = DistinctCompanies(kDatablist);
  EXPECT_EQ(job.state, ImportState::kFinished);
  EXPECT_EQ(job.counts, (ImportCounts{1000 + companies, 0, 0, 0, 0}));
  EXPECT_EQ(job.rows_done, 1000u);
  EXPECT_EQ(Count(), 1000 + companies);
  CheckDatablist(kDatablist);

  const ImportJob again = ImportFile(kDatablist, {.preset = "datablist"});
  EXPECT_EQ(again.counts, (ImportCounts{0, 0, 1000, 0, 0}));
  EXPECT_EQ(Count(), 1000 + companies);
  const auto jobs = Ok(store_->Run(&ReadTxn::ListImportJobs, std::size_t{10}));
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].id, again.id);  // newest first
  EXPECT_EQ(jobs[1], job);
}

TEST_F(ImportJobsTest, MatchesByEmailThenPhoneMergesSeveralValuedFieldsAndKeepsTheRest) {
  Customer ann;
  ann.given_name = "Ann";
  ann.family_name = "Lee";
  ann.emails = {{"ann@example.com", "work", true}};
  ann.tags = {"vip"};
  ann.owner = "moses";
  ann = Ok(store_->Run(&WriteTxn::CreateCustomer, ann));
  Customer bob = MakePerson("Bob", "Stone");
  bob.phones = {{"+1 415 555 0199", "", true}};
  bob = Ok(store_->Run(&WriteTxn::UpdateCustomer, bob));

  const std::string path = dir_.File("update.csv");
  WriteFile(path,
            "external_id,email,phone,tags,address.city\n"
            "X-1,ANN@example.com; ann@home.example,,new,Oslo\n"
            ",bob@example.com,(415) 555-0199,,Bergen\n");
  const ImportJob job = ImportFile(path);
  EXPECT_EQ(job.counts, (ImportCounts{0, 2, 0, 0, 0}));
  const Customer a = ByExternal("X-1");
  EXPECT_EQ(a.id, ann.id);
  ASSERT_EQ(a.emails.size(), 2u);
  EXPECT_EQ(a.emails[0].label, "work");  // kept as it was
  EXPECT_EQ(a.emails[1].address, "ann@home.example");
  EXPECT_EQ(a.tags.size(), 2u);
  EXPECT_EQ(a.owner, "moses");  // not in the file: kept
  EXPECT_EQ(a.address.city, "Oslo");
  const Customer b = Ok(store_->Run(&ReadTxn::GetCustomer, bob.id));
  EXPECT_EQ(b.emails.size(), 1u);
  EXPECT_EQ(b.address.city, "Bergen");
  // The same file again changes nothing.
  EXPECT_EQ(ImportFile(path).counts, (ImportCounts{0, 0, 2, 0, 0}));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, ann.id)).revision, a.revision);

  // Without match rules every row creates, and the emails are then taken.
  const ImportJob fresh = ImportFile(path, {.match = {}});
  EXPECT_EQ(fresh.counts.failed, 2u);
  // A row whose external id differs from the matched customer's is refused.
  WriteFile(path, "external_id,email\nX-2,ann@example.com\n");
  const ImportJob other = ImportFile(path);
  EXPECT_EQ(other.counts.failed, 1u);
  const auto errors = Ok(store_->Run(&ReadTxn::ListImportErrors, other.id, std::uint64_t{0}, std::size_t{10}));
  EXPECT_EQ(errors[0].field, "external_id");
}

TEST_F(ImportJobsTest, MavenAccountsWithRevenueInMillionsAndParents) {
  const std::string path = kData + "/maven/accounts.csv";
  const ImportJob job = ImportFile(path, {.preset = "maven_accounts"});
  const auto rows = SplitCsv(path);
  EXPECT_EQ(job.counts.failed, 0u);
  EXPECT_EQ(job.counts.created, rows.size() - 1);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const Customer org = ByExternal(r[0]);
    EXPECT_EQ(org.display_name, r[0]);
    EXPECT_EQ(org.industry, r[1]);
    // "1100.04" million dollars, to the cent, by another path: whole and decimal parts.
    const auto dot = r[3].find('.');
    std::int64_t cents = std::stoll(r[3].substr(0, dot)) * 100'000'000;
    if (dot != std::string::npos) {
      std::string frac = r[3].substr(dot + 1);
      frac.resize(2, '0');
      cents += std::stoll(frac) * 1'000'000;
    }
    EXPECT_EQ(org.annual_revenue, (Money{cents, "USD"})) << r[0];
    EXPECT_EQ(org.employees, std::stoll(r[4]));
    EXPECT_EQ(org.address.country, r[5]);
    if (r.size() > 6 && !r[6].empty()) {
      EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, org.parent)).display_name, r[6]) << r[0];
    } else {
      EXPECT_EQ(org.parent, 0u) << r[0];
    }
  }
  EXPECT_EQ(ImportFile(path, {.preset = "maven_accounts"}).counts.unchanged, rows.size() - 1);
}

TEST_F(ImportJobsTest, AStoppedImportResumesFromItsLastBatch) {
  int calls = 0;
  ImportJob job = ImportFile(kDatablist, {.preset = "datablist", .batch_rows = 150, .progress = [&](const ImportProgress& p) {
                                            ++calls;
                                            EXPECT_EQ(p.bytes_total, 171225u);
                                            return p.rows < 300;
                                          }});
  EXPECT_EQ(job.state, ImportState::kRunning);
  EXPECT_EQ(job.rows_done, 300u);
  EXPECT_EQ(calls, 2);
  const std::uint64_t bytes = job.offset_done;
  EXPECT_GT(bytes, 0u);
  job = Ok(store_->ResumeImport(job.id, [&](const ImportProgress& p) {
    EXPECT_GE(p.bytes, bytes);
    return true;
  }));
  EXPECT_EQ(job.state, ImportState::kFinished);
  EXPECT_EQ(job.rows_done, 1000u);
  EXPECT_EQ(job.offset_done, 171225u);
  EXPECT_EQ(job.counts.created, 1000 + DistinctCompanies(kDatablist));
  CheckDatablist(kDatablist);
  EXPECT_EQ(store_->ResumeImport(job.id).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(ImportJobsTest, ResumingAChangedFileIsRefused) {
  const std::string path = dir_.File("people.csv");
  WriteFile(path, "name,email\nAnn Lee,ann@example.com\nBob Lee,bob@example.com\n");
  ImportJob job = ImportFile(path, {.batch_rows = 1, .progress = [](const ImportProgress&) { return false; }});
  ASSERT_EQ(job.state, ImportState::kRunning);
  WriteFile(path, "name,email\nAnn Lee,ann@example.com\nBob Lee,bob@example.org\n");
  const absl::Status s = store_->ResumeImport(job.id).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("changed"), std::string::npos);
}

// The import runs in a child that is killed at a random moment; resuming it gives what one
// uninterrupted import gives.
TEST_F(ImportJobsTest, AKilledImportResumesToTheSameResult) {
  const std::string path = dir_.File("killed.crm");
  std::mt19937 rng(1618);
  int finished_before_kill = 0;
  const int kills = std::getenv("CRM_CRASH_KILLS") != nullptr ? 3 : 6;
  for (int kill = 0; kill < kills; ++kill) {
    std::remove(path.c_str());
    std::remove((path + "-lock").c_str());
    std::string got;
    ASSERT_NO_FATAL_FAILURE(testing::RunAndKill(
        [&](int acks) {
          auto store = Store::Open(path, StoreOptions{});
          if (!store.ok()) {
            (void)!::write(acks, "failed\n", 7);
            ::_exit(1);
          }
          (void)!::write(acks, "ready\n", 6);
          auto job = (*store)->Import({.path = kDatablist, .preset = "datablist", .batch_rows = 50});
          (void)!::write(acks, job.ok() ? "done\n" : "failed\n", job.ok() ? 5 : 7);
          ::pause();
        },
        std::chrono::microseconds(2000 + rng() % 110000), &got));
    if (got.find("done") != std::string::npos) ++finished_before_kill;
    store_.reset();
    auto store = Store::Open(path, StoreOptions{});
    ASSERT_TRUE(store.ok()) << store.status();
    auto jobs = (*store)->Run(&ReadTxn::ListImportJobs, std::size_t{10});
    ASSERT_TRUE(jobs.ok()) << jobs.status();
    if (jobs->empty()) continue;  // killed before the job was recorded
    ASSERT_EQ(jobs->size(), 1u);
    ImportJob job = jobs->front();
    EXPECT_EQ(job.rows_done % 50, 0u);
    if (job.state == ImportState::kRunning) job = Ok((*store)->ResumeImport(job.id));
    ASSERT_EQ(job.state, ImportState::kFinished);
    EXPECT_EQ(job.counts.created, 1000 + DistinctCompanies(kDatablist)) << "kill " << kill;
    CustomerQuery q = CustomerQuery::All();
    EXPECT_EQ(Ok((*store)->Run(&ReadTxn::CountCustomers, q)), 1000 + DistinctCompanies(kDatablist));
    auto report = (*store)->Run(&ReadTxn::Verify);
    ASSERT_TRUE(report.ok() && report->ok()) << "kill " << kill;
  }
  std::cout << kills << " kills, " << finished_before_kill << " after the import finished\n";
}

TEST_F(ImportJobsTest, RevertDeletesWhatItMadeAndRestoresWhatItChanged) {
  Customer ann;
  ann.given_name = "Ann";
  ann.family_name = "Lee";
  ann.emails = {{"ann@example.com", "", true}};
  ann.address.city = "Paris";
  ann = Ok(store_->Run(&WriteTxn::CreateCustomer, ann));
  const std::string path = dir_.File("in.csv");
  WriteFile(path,
            "name,email,Company,city\n"
            "Ann Lee,ann@example.com,Acme,Oslo\n"
            "Bob Stone,bob@example.com,Acme,Bergen\n");
  const ImportJob job = ImportFile(path);
  EXPECT_EQ(job.counts, (ImportCounts{2, 1, 0, 0, 0}));  // Bob and Acme made, Ann changed
  EXPECT_EQ(Count(), 3u);

  const ImportJob reverted = Ok(store_->RevertImport(job.id));
  EXPECT_EQ(reverted.state, ImportState::kReverted);
  EXPECT_EQ(reverted.reverted_deleted, 2u);
  EXPECT_EQ(reverted.reverted_restored, 1u);
  EXPECT_EQ(Count(), 1u);
  Customer back = Ok(store_->Run(&ReadTxn::GetCustomer, ann.id));
  EXPECT_EQ(back.address.city, "Paris");
  EXPECT_TRUE(back.memberships.empty());
  back.revision = ann.revision;
  back.updated_at = ann.updated_at;
  EXPECT_EQ(back, ann);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetImportJob, job.id)).state, ImportState::kReverted);
  EXPECT_EQ(store_->RevertImport(job.id).status().code(), absl::StatusCode::kFailedPrecondition);
  // The revert is in the change feed like any write.
  const auto changes = Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{0}, std::size_t{100}));
  EXPECT_EQ(changes.back().op, ChangeOp::kDelete);
  EXPECT_FALSE(changes.back().imported);
}

TEST_F(ImportJobsTest, RevertRefusesWhenSomeoneChangedTheRecordsUnlessForced) {
  const std::string path = dir_.File("in.csv");
  WriteFile(path, "name,email\nAnn Lee,ann@example.com\nBob Stone,bob@example.com\n");
  const ImportJob job = ImportFile(path);
  Customer bob = Ok(store_->Run(&ReadTxn::FindCustomerByEmail, std::string("bob@example.com")));
  bob.owner = "moses";
  Ok(store_->Run(&WriteTxn::UpdateCustomer, bob));
  Touch(bob.id, InteractionKind::kCall, 1'700'000'000'000'000);
  const absl::Status s = store_->RevertImport(job.id).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find(absl::StrCat("customer ", bob.id, " was changed since")), std::string::npos) << s;
  EXPECT_EQ(Count(), 2u);
  const ImportJob forced = Ok(store_->RevertImport(job.id, {.force = true}));
  EXPECT_EQ(forced.reverted_deleted, 2u);
  EXPECT_EQ(Count(), 0u);
}

TEST_F(ImportJobsTest, ErasureRemovesWhatAJobKeptOfTheCustomer) {
  Customer ann = MakePerson("Ann", "Lee", "ann@example.com");
  const std::string path = dir_.File("in.csv");
  WriteFile(path, "email,city\nann@example.com,Oslo\n");
  const ImportJob job = ImportFile(path);
  ASSERT_EQ(job.counts.updated, 1u);
  ASSERT_TRUE(store_->Run(&WriteTxn::EraseCustomer, ann.id, EraseOptions{}).ok());
  // Nothing of Ann is left for the revert to restore.
  const ImportJob reverted = Ok(store_->RevertImport(job.id, {.force = true}));
  EXPECT_EQ(reverted.reverted_restored, 0u);
  EXPECT_EQ(store_->Run(&ReadTxn::GetCustomer, ann.id).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->DeleteImportJob(job.id).ok());
  EXPECT_EQ(store_->Run(&ReadTxn::GetImportJob, job.id).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace crm
