// Verify, statistics and backups through the public API.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <thread>

#include "crm/store.hpp"
#include "support/killed_reader.h"
#include "support/raw_lmdb.h"
#include "support/temp_dir.h"

namespace crm {
namespace {

using testing::BigEndian;
using testing::RawTable;
using testing::Reassign;
using testing::TempDir;

// A store holding every kind of record and link: organizations and members, archived and
// deleted customers, a second pipeline, deals with contacts, interactions linked to deals.
class MaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Open();
    auto org = Make(Org("Acme"));
    Customer ann = Person("Ann", "ann@acme.example");
    ann.memberships.push_back(Membership{org.id, "buyer"});
    ann.tags = {"vip", "emea"};
    ann.owner = "sam";
    ann.address.country = "DE";
    ann_ = Make(ann).id;
    bob_ = Make(Person("Bob", "bob@example.com")).id;
    const CustomerId gone = Make(Person("Gone", "gone@example.com")).id;
    ASSERT_TRUE(store_->Run(&WriteTxn::ArchiveCustomer, bob_).ok());
    ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, gone, DeleteOptions{}).ok());
    Opportunity deal;
    deal.customer = org.id;
    deal.title = "Renewal";
    deal.amount = Money{120000, "EUR"};
    deal.contacts.push_back(ContactRole{ann_, "decision maker"});
    deal.owner = "sam";
    deal_ = store_->Run(&WriteTxn::CreateOpportunity, deal)->id;
    ASSERT_TRUE(store_->Run(&WriteTxn::CloseWon, deal_).ok());
    for (int k = 0; k < 5; ++k) {
      Interaction i;
      i.customer = org.id;
      i.kind = k % 2 ? InteractionKind::kCall : InteractionKind::kNote;
      i.subject = "contact " + std::to_string(k);
      i.occurred_at = 1700000000000000 + k * 1000;
      i.opportunity = k == 0 ? deal_ : 0;
      ASSERT_TRUE(store_->Run(&WriteTxn::LogInteraction, i).ok());
    }
  }

  void Open() {
    store_.reset();
    StoreOptions o;
    o.sync = false;
    auto s = Store::Open(path_, o);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }

  static Customer Person(const std::string& name, const std::string& email) {
    Customer c;
    c.given_name = name;
    c.family_name = "Example";
    c.emails.push_back(Email{email, "", true});
    c.phones.push_back(Phone{"+49 30 1234567" + std::to_string(name.size()), "work"});
    return c;
  }
  static Customer Org(const std::string& name) {
    Customer c;
    c.kind = CustomerKind::kOrganization;
    c.display_name = name;
    return c;
  }
  Customer Make(const Customer& c) {
    auto made = store_->Run(&WriteTxn::CreateCustomer, c);
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? *made : Customer{};
  }
  template <class T>
  T Ok(absl::StatusOr<T> r) {
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : T{};
  }
  VerifyReport Verify() {
    auto report = store_->Run(&ReadTxn::Verify);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : VerifyReport{};
  }
  // Closes the store, lets `damage` change the file, reopens it.
  template <class Fn>
  void Damage(Fn damage) {
    store_.reset();
    damage();
    Open();
  }
  static std::string Joined(const VerifyReport& r) {
    std::string all;
    for (const std::string& p : r.problems) all += p + "\n";
    return all;
  }

  TempDir dir_;
  std::string path_ = dir_.File("crm.db");
  std::unique_ptr<Store> store_;
  CustomerId ann_ = 0, bob_ = 0;
  OpportunityId deal_ = 0;
};

TEST_F(MaintenanceTest, HealthyStoreVerifiesClean) {
  const VerifyReport r = Verify();
  EXPECT_TRUE(r.ok()) << Joined(r);
  EXPECT_EQ(r.records, 3u + 1u + 1u + 5u);  // customers, pipeline, deal, interactions
  EXPECT_GT(r.index_entries, 20u);
  EXPECT_GT(r.changes, 10u);
}

TEST_F(MaintenanceTest, MissingIndexEntryIsReported) {
  // The silent kind of damage: a lookup by this email finds nothing, with no error to see.
  Damage([&] { RawTable(path_, "customer_email").Del("ann@acme.example"); });
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindCustomerByEmail, "ann@acme.example").status()));
  const VerifyReport r = Verify();
  EXPECT_EQ(r.problem_count, 1u) << Joined(r);
  EXPECT_NE(Joined(r).find("customer " + std::to_string(ann_) + ": an index entry is missing (emails[0].address)"),
            std::string::npos)
      << Joined(r);
}

TEST_F(MaintenanceTest, DamagedExternalIdIndexIsReported) {
  Opportunity o;
  o.title = "Imported";
  o.external_id = "SF-0061";
  const OpportunityId id = Ok(store_->Run(&WriteTxn::CreateOpportunity, o)).id;
  Interaction i;
  i.customer = ann_;
  i.kind = InteractionKind::kNote;
  i.external_id = "NOTE-1";
  Ok(store_->Run(&WriteTxn::LogInteraction, i));
  ASSERT_TRUE(Verify().ok());
  Damage([&] {
    RawTable(path_, "opp_external").Del("SF-0061");
    RawTable(path_, "interaction_external").Put("NOTE-2", BigEndian(1));
  });
  const std::string problems = Joined(Verify());
  EXPECT_NE(problems.find("opportunity " + std::to_string(id) + ": its external id is not indexed"), std::string::npos)
      << problems;
  EXPECT_NE(problems.find("interaction_external: an entry for a record that does not hold that external id"),
            std::string::npos)
      << problems;
}

TEST_F(MaintenanceTest, WrongGroupCounterIsReportedAndShowsInTheCounts) {
  Aggregation per_stage;
  per_stage.group_by = {GroupBy{"stage"}};
  const AggregateResult before = Ok(store_->Run(&ReadTxn::Aggregate, EntityType::kCustomer, per_stage));
  std::uint64_t total = 0;
  for (const AggregateRow& r : before.rows) total += r.values[0].count;
  EXPECT_EQ(total, Ok(store_->Run(&ReadTxn::CountCustomers, CustomerQuery::All())));
  std::string counter;
  Damage([&] {
    RawTable raw(path_, "meta");
    for (const auto& [key, v] : raw.Entries())
      if (key.rfind("grp.s.a.", 0) == 0) counter = key;
    raw.Put(counter, BigEndian(1000));
  });
  ASSERT_FALSE(counter.empty());
  // The counts come from the counters (a wrong one shows), and Verify names it.
  EXPECT_TRUE(absl::IsDataLoss(store_->Run(&ReadTxn::Aggregate, EntityType::kCustomer, per_stage).status()));
  const std::string problems = Joined(Verify());
  EXPECT_NE(problems.find("group counter grp.s.a."), std::string::npos) << problems;
  EXPECT_NE(problems.find("is 1000; its index has"), std::string::npos) << problems;
}

TEST_F(MaintenanceTest, LostMetaRecordsAreDamageNotANewDatabase) {
  // A damaged page of the meta table can make lookups of its keys miss. A writable open must then
  // neither create a second default pipeline nor take the file for a new one.
  for (std::vector<std::string> lost : {std::vector<std::string>{"default.pipeline", "seq.pipeline"},
                                        std::vector<std::string>{"schema_version"}}) {
    Open();
    store_.reset();
    const std::string copy = dir_.File("lost.db");
    std::filesystem::remove(copy);
    std::filesystem::copy_file(path_, copy);
    {
      RawTable raw(copy, "meta");
      for (const std::string& key : lost) raw.Del(key);
    }
    StoreOptions o;
    o.sync = false;
    auto reopened = Store::Open(copy, o);
    EXPECT_TRUE(absl::IsDataLoss(reopened.status())) << lost.front() << ": " << reopened.status();
    if (reopened.ok()) {
      EXPECT_EQ((*reopened)->Run(&ReadTxn::ListPipelines)->size(), 1u) << "a second default pipeline";
    }
  }
}

TEST_F(MaintenanceTest, VerifyInsideAWriteTransactionSeesItsPendingCounters) {
  auto txn = store_->BeginWrite("t");
  ASSERT_TRUE(txn.ok()) << txn.status();
  Customer c = Person("Newcomer", "new@acme.example");
  c.address.country = "NL";
  c.owner = "zoe";
  ASSERT_TRUE(txn->CreateCustomer(c).ok());
  const VerifyReport r = Ok(txn->Verify());  // the counters this transaction changed are not written yet
  EXPECT_TRUE(r.ok()) << Joined(r);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_TRUE(Verify().ok());
}

TEST_F(MaintenanceTest, EntryNamingTheWrongRecordIsReported) {
  Damage([&] { Reassign(path_, "customer_tag", ann_, bob_); });
  const std::string problems = Joined(Verify());
  EXPECT_NE(problems.find("tag index has an entry for customer " + std::to_string(bob_)), std::string::npos) << problems;
  EXPECT_NE(problems.find("customer " + std::to_string(ann_) + ": an index entry is missing"), std::string::npos) << problems;
}

TEST_F(MaintenanceTest, DamagedRecordIsReported) {
  Damage([&] {
    RawTable raw(path_, "customers");
    std::string value;
    for (const auto& [key, v] : raw.Entries())
      if (key == BigEndian(ann_)) value = v;
    value[value.size() / 2] ^= 0x20;
    raw.Put(BigEndian(ann_), value);
  });
  const std::string problems = Joined(Verify());
  EXPECT_NE(problems.find("customer " + std::to_string(ann_) + ": checksum mismatch"), std::string::npos) << problems;
}

TEST_F(MaintenanceTest, GapInTheChangeFeedIsReported) {
  Damage([&] { RawTable(path_, "changes").Del(BigEndian(3)); });
  const std::string problems = Joined(Verify());
  EXPECT_NE(problems.find("change feed: a gap, 3 to 3 are missing"), std::string::npos) << problems;
  EXPECT_NE(problems.find("change_entity: change 3 is indexed but missing"), std::string::npos) << problems;
}

TEST_F(MaintenanceTest, WrongTotalIsReported) {
  Damage([&] {
    RawTable raw(path_, "meta");
    for (const auto& [key, v] : raw.Entries())
      if (key == "count.customer.active") {
        std::string bumped = v;
        bumped[0] = static_cast<char>(bumped[0] + 1);
        raw.Put(key, bumped);
      }
  });
  const std::string problems = Joined(Verify());
  EXPECT_NE(problems.find("total count.customer.active is "), std::string::npos) << problems;
}

TEST_F(MaintenanceTest, DanglingReferenceIsReported) {
  Damage([&] { RawTable(path_, "customers").Del(BigEndian(ann_)); });
  const std::string problems = Joined(Verify());
  EXPECT_NE(problems.find("opportunity " + std::to_string(deal_) + ": its contact " + std::to_string(ann_) +
                          " does not exist"),
            std::string::npos)
      << problems;
  EXPECT_NE(problems.find("customer_email: an entry names customer " + std::to_string(ann_)), std::string::npos)
      << problems;
}

TEST_F(MaintenanceTest, StatisticsCountRecordsPagesAndReaders) {
  auto stats = store_->Run(&ReadTxn::Statistics);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->customers, 3u);
  EXPECT_EQ(stats->archived_customers, 1u);
  EXPECT_EQ(stats->interactions, 5u);
  EXPECT_EQ(stats->pipelines, 1u);
  EXPECT_EQ(stats->opportunities, 1u);
  EXPECT_GT(stats->changes, 10u);
  EXPECT_EQ(stats->file_bytes, std::filesystem::file_size(path_));
  EXPECT_EQ(stats->page_bytes, 4096u);
  EXPECT_LE(stats->pages_used * stats->page_bytes, stats->file_bytes);
  EXPECT_EQ(stats->size_limit_bytes, std::uint64_t{1} << 40);
  EXPECT_EQ(stats->reserve_bytes, std::uint64_t{64} << 20);
  EXPECT_GE(stats->readers, 1u);  // the statistics' own transaction
  EXPECT_EQ(stats->stale_readers, 0u);

  // A process killed inside a read transaction leaves a stale reader behind it, pinning the
  // snapshot it read while later commits pile up.
  StoreOptions read_only;
  read_only.read_only = true;
  ASSERT_TRUE(testing::KillReaderInside(path_, read_only));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store_->Run(&WriteTxn::CreateCustomer, Person("Later", "l" + std::to_string(i) + "@x.example")).ok());
  stats = store_->Run(&ReadTxn::Statistics);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->stale_readers, 1u);
  EXPECT_GE(stats->readers, 2u);
  EXPECT_EQ(stats->oldest_reader_lag, 3u);
}

TEST_F(MaintenanceTest, BackupWhileWritingOpensAsADatabase) {
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      if (store_->Run(&WriteTxn::CreateCustomer, Person("W", "w" + std::to_string(i) + "@x.example")).ok()) ++written;
    }
  });
  while (written < 50) std::this_thread::yield();
  const std::string copy = dir_.File("copy.db");
  const std::string compact = dir_.File("compact.db");
  ASSERT_TRUE(store_->Backup(copy).ok());
  ASSERT_TRUE(store_->Backup(compact, BackupOptions{true}).ok());
  stop = true;
  writer.join();
  EXPECT_EQ(std::filesystem::status(copy).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  for (const std::string& path : {copy, compact}) {
    auto opened = Store::Open(path);
    ASSERT_TRUE(opened.ok()) << path << ": " << opened.status();
    auto r = (*opened)->Run(&ReadTxn::Verify);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->ok()) << path << "\n" << Joined(*r);
    EXPECT_GE(*(*opened)->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 50u + 2u);
    EXPECT_EQ((*opened)->Run(&ReadTxn::FindCustomerByEmail, "ann@acme.example")->id, ann_);
  }
  EXPECT_TRUE(absl::IsAlreadyExists(store_->Backup(copy)));
  auto txn = store_->BeginWrite();
  ASSERT_TRUE(txn.ok());
  EXPECT_TRUE(absl::IsUnavailable(store_->Backup(dir_.File("blocked.db"))));
  EXPECT_FALSE(std::filesystem::exists(dir_.File("blocked.db")));
}

TEST_F(MaintenanceTest, CompactBackupDropsFreePages) {
  std::vector<CustomerId> ids;
  for (int i = 0; i < 400; ++i) {
    Customer c = Person("Bulk", "b" + std::to_string(i) + "@x.example");
    c.custom["notes"] = std::string(1000, 'n');
    ids.push_back(Make(c).id);
  }
  for (CustomerId id : ids) ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, id, DeleteOptions{}).ok());
  auto stats = store_->Run(&ReadTxn::Statistics);
  ASSERT_TRUE(stats.ok());
  EXPECT_GT(stats->pages_free, 50u);
  const std::string compact = dir_.File("compact.db");
  ASSERT_TRUE(store_->Backup(compact, BackupOptions{true}).ok());
  // As small as the data in use: the free pages are left out (the change feed keeps the
  // deleted customers' history, so the data is far from nothing).
  EXPECT_LE(std::filesystem::file_size(compact), (stats->pages_used + 8) * stats->page_bytes);
  EXPECT_LE(std::filesystem::file_size(compact) + stats->pages_free * stats->page_bytes,
            std::filesystem::file_size(path_) + 8 * stats->page_bytes);
  auto opened = Store::Open(compact);
  ASSERT_TRUE(opened.ok());
  auto r = (*opened)->Run(&ReadTxn::Verify);
  EXPECT_TRUE(r.ok() && r->ok());
  EXPECT_EQ(*(*opened)->Run(&ReadTxn::CountCustomers, CustomerQuery::All()), 2u);
}

}  // namespace
}  // namespace crm
