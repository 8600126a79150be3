// Encryption at rest through the public API: an encrypted store keeps no personal value in plain
// text anywhere in its file, answers every lookup as a plain one does, refuses a missing or wrong
// key without changing a byte, and erasing a customer destroys its data key.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "crm/error.hpp"
#include "support/fixture.h"
#include "support/raw_lmdb.h"

namespace crm {
namespace {

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class EncryptionTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    key_ = std::string(32, '\x5a');
    Reopen();
  }

  std::string Path() const { return dir_.File("crm.db"); }

  absl::StatusOr<std::unique_ptr<Store>> OpenWith(const std::string& key, const std::string& passphrase = "",
                                                  const std::string& file = "crm.db") {
    StoreOptions o;
    o.sync = false;
    o.clock = [this] { return now_; };
    o.encryption_key = key;
    o.encryption_passphrase = passphrase;
    return Store::Open(dir_.File(file), o);
  }

  // A person whose every personal value is a string found nowhere else.
  Customer MakeSubject() {
    Customer c;
    c.given_name = "Zebulon";
    c.family_name = "Quixotically";
    c.emails.push_back(Email{"zebulon.q@erasetest.example", "work", true});
    c.phones.push_back(Phone{"+1 415 555 0199", "mobile", true});
    c.address.street = "17 Vanishing Lane";
    c.address.city = "Oslo";
    c.custom["pet"] = std::string("Marmaduke");
    c.external_id = "EXT-Quokka-77";
    c = Ok(store_->Run(&WriteTxn::CreateCustomer, c));
    now_ += 1000;
    Customer renamed = c;
    renamed.family_name = "Quixotic-Erasmus";
    c = Ok(store_->Run(&WriteTxn::UpdateCustomer, renamed));
    Interaction i;
    i.customer = c.id;
    i.kind = InteractionKind::kCall;
    i.occurred_at = now_;
    i.subject = "Call about the Wobblecraft";
    i.body = "Told us about the Xylophone-Orchard project";
    Ok(store_->Run(&WriteTxn::LogInteraction, i));
    return c;
  }

  // Every personal value of the subject, as written and as an index would fold or reverse it.
  static std::vector<std::string> Traces() {
    return {"Zebulon",   "zebulon",    "Quixotic",   "quixotic",  "erasetest", "4155550199", "9910555514",
            "Vanishing", "vanishing",  "Marmaduke",  "marmaduke", "Xylophone", "Wobblecraft", "Quokka",
            "zebu",      "quix"};
  }

  void ExpectNoTrace(const std::string& path) {
    const std::string bytes = Bytes(path);
    ASSERT_FALSE(bytes.empty()) << path;
    for (const std::string& t : Traces()) EXPECT_EQ(bytes.find(t), std::string::npos) << "'" << t << "' in " << path;
  }
};

TEST_F(EncryptionTest, NoPersonalValueIsInTheFileAndEveryLookupStillAnswers) {
  const Customer c = MakeSubject();
  store_->Flush().IgnoreError();
  store_.reset();
  ExpectNoTrace(Path());
  Reopen();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, c.id)).family_name, "Quixotic-Erasmus");
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindCustomerByEmail, std::string_view("Zebulon.Q@EraseTest.example"))).id, c.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindCustomerByExternalId, std::string_view("EXT-Quokka-77"))).id, c.id);
  const auto by_phone = Ok(store_->Run(&ReadTxn::FindCustomersByPhone, std::string_view("+1 (415) 555-0199")));
  ASSERT_EQ(by_phone.size(), 1u);
  EXPECT_EQ(by_phone[0].id, c.id);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindCustomersByPhone, std::string_view("555 0199"))).size(), 1u);
  TimelineQuery tq;
  tq.customer = c.id;
  const auto timeline = Ok(store_->Run(&ReadTxn::ListTimeline, tq));
  ASSERT_EQ(timeline.interactions.size(), 1u);
  EXPECT_EQ(timeline.interactions[0].body, "Told us about the Xylophone-Orchard project");
  // The feed and field history read back the values they sealed.
  const auto history =
      Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kCustomer, c.id, std::string_view("family_name")));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].before, "Quixotically");
  EXPECT_EQ(history[1].after, "Quixotic-Erasmus");
  VerifyReport r = Ok(store_->Run(&ReadTxn::Verify));
  EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems.front());
}

// Deals are not sealed (nothing personal): an encrypted store keeps their closings too, and its
// win rate and sales cycle read them.
TEST_F(EncryptionTest, ClosedDealsKeepTheirClosings) {
  Opportunity o;
  o.title = "Wobblecraft renewal";
  o.amount = Money{424242, "EUR"};
  Ok(store_->Run(&WriteTxn::CloseWon, Ok(store_->Run(&WriteTxn::CreateOpportunity, o)).id));
  const WinRate rate = Ok(store_->Run(&ReadTxn::GetWinRate, SalesQuery{}));
  ASSERT_EQ(rate.rows.size(), 1u);
  EXPECT_EQ(rate.rows[0].won, 1u);
  ASSERT_EQ(rate.rows[0].by_currency.size(), 1u);
  EXPECT_EQ(rate.rows[0].by_currency[0].won_amount, 424242);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetSalesCycle, SalesQuery{})).rows.at(0).won, 1u);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).ok());
  store_.reset();
  testing::RawTable closings(Path(), "deal_closings");
  EXPECT_EQ(closings.Entries().size(), 1u);
}

TEST_F(EncryptionTest, NamePrefixSearchWorksOnHashedPrefixes) {
  MakePerson("Annabel", "Lee");
  MakePerson("Anneliese", "Schmidt-Lehmann");
  MakePerson("Bob", "Annan");
  MakePerson("Élodie", "Anderson");
  const Customer wordy = MakePerson("Maximilianopolous", "Wordsworthington");
  const auto names = [&](const std::string& text) {
    CustomerQuery q;
    q.by = CustomerQuery::By::kNamePrefix;
    q.text = text;
    q.limit = 100;
    std::vector<std::string> out;
    for (const Customer& c : Ok(store_->Run(&ReadTxn::ListCustomers, q)).customers) out.push_back(c.given_name);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(names("ann"), (std::vector<std::string>{"Annabel", "Anneliese", "Bob"}));
  EXPECT_EQ(names("anne"), (std::vector<std::string>{"Anneliese"}));
  EXPECT_EQ(names("an lee"), (std::vector<std::string>{"Annabel"}));
  EXPECT_EQ(names("elo"), (std::vector<std::string>{"Élodie"}));
  EXPECT_EQ(names("lehm"), (std::vector<std::string>{"Anneliese"}));
  // One character: no hashed prefix covers it, so every record is read.
  EXPECT_EQ(names("a"), (std::vector<std::string>{"Annabel", "Anneliese", "Bob", "Élodie"}));
  EXPECT_EQ(names("w"), (std::vector<std::string>{"Maximilianopolous"}));
  // Longer than the hashed prefixes: found by its first four characters, then checked on the
  // record.
  EXPECT_EQ(names("maximilianopolous"), (std::vector<std::string>{"Maximilianopolous"}));
  EXPECT_TRUE(names("maximilianopolix").empty());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, wordy.id)).family_name, "Wordsworthington");
  Search s;
  s.filter = Ok(Filter::Parse("name prefix 'anne' or email = 'nobody@x.example'"));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kCustomer, s)), 1u);
}

TEST_F(EncryptionTest, AMissingOrWrongKeyIsRefusedAndChangesNothing) {
  MakeSubject();
  store_.reset();
  const std::string before = Bytes(Path());
  const auto none = OpenWith("");
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(absl::IsPermissionDenied(none.status())) << none.status();
  EXPECT_NE(none.status().message().find("encrypted"), std::string::npos) << none.status();
  const auto wrong = OpenWith(std::string(32, '\x5b'));
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(absl::IsPermissionDenied(wrong.status())) << wrong.status();
  EXPECT_NE(wrong.status().message().find("wrong key"), std::string::npos) << wrong.status();
  EXPECT_EQ(ErrorKindOf(wrong.status()), ErrorKind::kWrongKey);
  EXPECT_EQ(ErrorKindOf(none.status()), ErrorKind::kWrongKey);
  const auto passphrase = OpenWith("", "a passphrase");
  EXPECT_TRUE(absl::IsPermissionDenied(passphrase.status())) << passphrase.status();
  const auto short_key = OpenWith(std::string(16, 'k'));
  EXPECT_TRUE(absl::IsInvalidArgument(short_key.status())) << short_key.status();
  const auto both = OpenWith(std::string(32, 'k'), "and a passphrase");
  EXPECT_TRUE(absl::IsInvalidArgument(both.status())) << both.status();
  EXPECT_EQ(Bytes(Path()), before) << "a refused open wrote to the file";
  Reopen();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountCustomers, CustomerQuery{})), 1u);
}

TEST_F(EncryptionTest, APassphraseIsStretchedAndChecked) {
  {
    auto s = OpenWith("", "correct horse battery staple", "pass.db");
    ASSERT_TRUE(s.ok()) << s.status();
    Customer c;
    c.given_name = "Zebulon";
    c.emails.push_back(Email{"zebulon.q@erasetest.example", "", false});
    ASSERT_TRUE((*s)->Run(&WriteTxn::CreateCustomer, c).ok());
  }
  const std::string bytes = Bytes(dir_.File("pass.db"));
  EXPECT_EQ(bytes.find("Zebulon"), std::string::npos);
  EXPECT_EQ(bytes.find("correct horse"), std::string::npos);
  auto again = OpenWith("", "correct horse battery staple", "pass.db");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Ok((*again)->Run(&ReadTxn::FindCustomerByEmail, std::string_view("zebulon.q@erasetest.example"))).given_name,
            "Zebulon");
  again->reset();
  EXPECT_TRUE(absl::IsPermissionDenied(OpenWith("", "correct horse battery stapler", "pass.db").status()));
  EXPECT_TRUE(absl::IsPermissionDenied(OpenWith(std::string(32, 'k'), "", "pass.db").status()));
}

TEST_F(EncryptionTest, AKeyForAPlainStoreIsRefused) {
  {
    auto plain = OpenWith("", "", "plain.db");
    ASSERT_TRUE(plain.ok()) << plain.status();
    MakePerson("Ann", "Plain");
  }
  const auto keyed = OpenWith(std::string(32, 'k'), "", "plain.db");
  ASSERT_FALSE(keyed.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(keyed.status())) << keyed.status();
  EXPECT_NE(keyed.status().message().find("not encrypted"), std::string::npos) << keyed.status();
  EXPECT_TRUE(OpenWith("", "", "plain.db").ok());
}

TEST_F(EncryptionTest, ErasureDestroysTheDataKeyAndNoCopyHoldsPlainText) {
  const Customer c = MakeSubject();
  const Customer other = MakePerson("Olga", "Keepsake", "olga@keep.example");
  ASSERT_TRUE(store_->Backup(dir_.File("before.db")).ok());
  const Erasure e = Ok(store_->Run(&WriteTxn::EraseCustomer, c.id, EraseOptions{}));
  EXPECT_EQ(e.masked[0], "Z*** Q***");
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetCustomer, c.id).status()));
  EXPECT_TRUE(absl::IsNotFound(
      store_->Run(&ReadTxn::FindCustomerByEmail, std::string_view("zebulon.q@erasetest.example")).status()));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, other.id)).given_name, "Olga");
  // The feed reads on, the erased customer's changes without values.
  std::uint64_t seq = 0;
  for (const Change& ch : Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{1000}))) {
    EXPECT_EQ(ch.seq, ++seq);
    if (ch.entity == EntityType::kCustomer && ch.entity_id == c.id) {
      EXPECT_TRUE(ch.fields.empty());
    }
  }
  // A later import of the same address is stopped by the suppression list, which the file alone
  // cannot test a guess against (its key is derived from the store key).
  Customer again;
  again.given_name = "Zebulon";
  again.emails.push_back(Email{"zebulon.q@erasetest.example", "", false});
  EXPECT_TRUE(store_->Run(&WriteTxn::CreateCustomer, again).ok());
  store_.reset();
  ExpectNoTrace(Path());
  ExpectNoTrace(dir_.File("before.db"));
  Reopen();
  ASSERT_TRUE(store_->Backup(dir_.File("compact.db"), BackupOptions{true}).ok());
  ExpectNoTrace(dir_.File("compact.db"));
  VerifyReport r = Ok(store_->Run(&ReadTxn::Verify));
  EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems.front());
}

TEST_F(EncryptionTest, CustomerIndexesThatWouldHoldPlainValuesAreRefused) {
  const auto declared = store_->Run(&WriteTxn::DeclareIndex, EntityType::kCustomer, std::string_view("custom.pet"));
  EXPECT_TRUE(absl::IsFailedPrecondition(declared)) << declared;
  // Filters on the field still answer, from the records.
  Customer c;
  c.given_name = "Ann";
  c.custom["pet"] = std::string("Marmaduke");
  Ok(store_->Run(&WriteTxn::CreateCustomer, c));
  Search s;
  s.filter = Ok(Filter::Parse("custom.pet = 'Marmaduke'"));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kCustomer, s)), 1u);
  EXPECT_TRUE(store_->Run(&WriteTxn::DeclareIndex, EntityType::kOpportunity, std::string_view("custom.region")).ok());
}

TEST_F(EncryptionTest, DamagedHeadersKeysAndMovedValuesAreReportedNotDecoded) {
  const Customer a = MakePerson("Ann", "Alpha", "ann@alpha.example");
  const Customer b = MakePerson("Bob", "Beta", "bob@beta.example");
  store_.reset();
  {  // Customer a's sealed record put in b's place: it does not open there.
    testing::RawTable customers(Path(), "customers");
    std::string value_a;
    for (const auto& [k, v] : customers.Entries())
      if (k == testing::BigEndian(a.id)) value_a = v;
    ASSERT_FALSE(value_a.empty());
    customers.Put(testing::BigEndian(b.id), value_a);
  }
  Reopen();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, a.id)).given_name, "Ann");
  const auto moved = store_->Run(&ReadTxn::GetCustomer, b.id);
  EXPECT_TRUE(absl::IsDataLoss(moved.status())) << moved.status();
  EXPECT_FALSE(Ok(store_->Run(&ReadTxn::Verify)).ok());
  store_.reset();
  testing::RawTable(Path(), "data_keys").Del(testing::BigEndian(a.id));
  Reopen();
  const auto keyless = store_->Run(&ReadTxn::GetCustomer, a.id);
  EXPECT_TRUE(absl::IsDataLoss(keyless.status())) << keyless.status();
  EXPECT_NE(keyless.status().message().find("data key"), std::string::npos) << keyless.status();
  store_.reset();

  // The header: truncated, or asking for more work than any libcrm writes.
  auto passphrase = OpenWith("", "pass phrase", "header.db");
  ASSERT_TRUE(passphrase.ok()) << passphrase.status();
  passphrase->reset();
  std::string header;
  for (const auto& [k, v] : testing::RawTable(dir_.File("header.db"), "meta").Entries())
    if (k == "encryption") header = v;
  ASSERT_EQ(header.size(), 3u + 16 + 16 + 32 + 72);
  std::string heavy = header;
  heavy[19] = '\x7f';  // opslimit, big-endian
  for (const std::string& bad : {header.substr(0, 10), heavy}) {
    testing::RawTable(dir_.File("header.db"), "meta").Put("encryption", bad);
    const auto opened = OpenWith("", "pass phrase", "header.db");
    EXPECT_TRUE(absl::IsDataLoss(opened.status())) << opened.status();
    EXPECT_NE(opened.status().message().find("encryption header"), std::string::npos) << opened.status();
  }
  testing::RawTable(dir_.File("header.db"), "meta").Put("encryption", header);
  EXPECT_TRUE(OpenWith("", "pass phrase", "header.db").ok());
}

}  // namespace
}  // namespace crm
