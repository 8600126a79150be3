// Changing the key of an encrypted store: afterwards only the new key opens it, everything in it
// answers as before, stores already open go on, and a refused rekey changes no byte. A kill at
// any moment of a rekey leaves a file that opens with the old key or the new one.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "crm/error.hpp"
#include "support/child.h"
#include "support/fixture.h"
#include "support/raw_lmdb.h"

namespace crm {
namespace {

bool IsWrongKey(const absl::Status& s) { return ErrorKindOf(s) == ErrorKind::kWrongKey; }

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Header(const std::string& path) {
  for (const auto& [k, v] : testing::RawTable(path, "meta").Entries())
    if (k == "encryption") return v;
  return "";
}

class RekeyTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    key_ = std::string(32, '\x11');
    Reopen();
  }

  std::string Path() const { return dir_.File("crm.db"); }

  absl::StatusOr<std::unique_ptr<Store>> OpenWith(const std::string& key, const std::string& passphrase = "") {
    StoreOptions o;
    o.sync = false;
    o.clock = [this] { return now_; };
    o.encryption_key = key;
    o.encryption_passphrase = passphrase;
    return Store::Open(Path(), o);
  }

  // Everything the store holds about Ann, as the lookups answer it.
  std::string Answers(Store& store) {
    std::string out;
    auto by_email = store.Run(&ReadTxn::FindCustomerByEmail, std::string("ann@alpha.example"));
    if (!by_email.ok()) return by_email.status().ToString();
    out += by_email->given_name + " " + by_email->family_name + ";";
    auto found = store.Run(&ReadTxn::ListCustomers, CustomerQuery::NamePrefix("alp"));
    if (!found.ok()) return found.status().ToString();
    for (const Customer& c : found->customers) out += c.display_name + ";";
    TimelineQuery t;
    t.customer = by_email->id;
    auto timeline = store.Run(&ReadTxn::ListTimeline, t);
    if (!timeline.ok()) return timeline.status().ToString();
    for (const Interaction& i : timeline->interactions) out += i.subject + ";";
    auto report = store.Run(&ReadTxn::Verify);
    if (!report.ok()) return report.status().ToString();
    if (!report->ok()) return report->problems.front();
    return out;
  }

  void Populate() {
    const Customer ann = MakePerson("Ann", "Alpha", "ann@alpha.example");
    MakePerson("Bob", "Beta", "bob@beta.example");
    Interaction i;
    i.customer = ann.id;
    i.kind = InteractionKind::kCall;
    i.occurred_at = now_;
    i.subject = "Renewal call";
    Ok(store_->Run(&WriteTxn::LogInteraction, i));
  }
};

TEST_F(RekeyTest, OnlyTheNewKeyOpensAndEverythingAnswersAsBefore) {
  Populate();
  const std::string before = Answers(*store_);
  ASSERT_NE(before.find("Renewal call"), std::string::npos) << before;
  store_.reset();
  const std::string old_header = Header(Path());
  auto first = OpenWith(key_);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = OpenWith(key_);  // another store on the same file, open across the rekey
  ASSERT_TRUE(second.ok()) << second.status();

  ASSERT_TRUE((*first)->Rekey("", "correct horse battery staple").ok());
  // The stores already open read and write as before.
  EXPECT_EQ(Answers(**second), before);
  Ok((*first)->Run(&WriteTxn::CreateCustomer, [] {
    Customer c;
    c.given_name = "Cid";
    c.family_name = "Gamma";
    c.emails.push_back(Email{"cid@gamma.example", "work", true});
    return c;
  }()));
  Ok((*second)->Run(&WriteTxn::CreateCustomer, [] {
    Customer c;
    c.given_name = "Dee";
    c.family_name = "Delta";
    return c;
  }()));
  first->reset();
  second->reset();

  const std::string new_header = Header(Path());
  EXPECT_NE(new_header, old_header);
  EXPECT_EQ(new_header.size(), old_header.size() + 16) << "a passphrase header holds a salt";
  auto old_key = OpenWith(key_);
  EXPECT_TRUE(IsWrongKey(old_key.status())) << old_key.status();
  auto wrong = OpenWith("", "correct horse battery stapler");
  EXPECT_TRUE(IsWrongKey(wrong.status())) << wrong.status();
  auto opened = OpenWith("", "correct horse battery staple");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(Answers(**opened), before);
  EXPECT_EQ(Ok((*opened)->Run(&ReadTxn::FindCustomerByEmail, std::string("cid@gamma.example"))).given_name, "Cid");

  // And on to a raw key again: each rekey draws a new salt and seals the same root key anew.
  const std::string next(32, '\x22');
  ASSERT_TRUE((*opened)->Rekey(next, "").ok());
  opened->reset();
  EXPECT_TRUE(IsWrongKey(OpenWith("", "correct horse battery staple").status()));
  auto raw = OpenWith(next);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(Answers(**raw), before);
  EXPECT_EQ(Header(Path()).size(), old_header.size());
}

TEST_F(RekeyTest, ARefusedRekeyChangesNoByte) {
  Populate();
  store_.reset();
  auto store = OpenWith(key_);
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string bytes = Bytes(Path());
  EXPECT_TRUE(absl::IsInvalidArgument((*store)->Rekey("", "")));
  EXPECT_TRUE(absl::IsInvalidArgument((*store)->Rekey(std::string(32, 'k'), "and a passphrase")));
  const absl::Status short_key = (*store)->Rekey(std::string(31, 'k'), "");
  EXPECT_TRUE(absl::IsInvalidArgument(short_key));
  EXPECT_NE(short_key.message().find("32 bytes"), std::string::npos) << short_key;
  store->reset();
  EXPECT_EQ(Bytes(Path()), bytes);

  StoreOptions read_only;
  read_only.read_only = true;
  read_only.encryption_key = key_;
  auto reader = Store::Open(Path(), read_only);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(ErrorKindOf((*reader)->Rekey(std::string(32, 'k'), "")), ErrorKind::kReadOnly);
  reader->reset();
  EXPECT_EQ(Bytes(Path()), bytes);

  StoreOptions plain_options;
  plain_options.sync = false;
  auto plain = Store::Open(dir_.File("plain.db"), plain_options);
  ASSERT_TRUE(plain.ok()) << plain.status();
  const absl::Status refused = (*plain)->Rekey(std::string(32, 'k'), "");
  EXPECT_TRUE(absl::IsFailedPrecondition(refused)) << refused;
  EXPECT_NE(refused.message().find("not encrypted"), std::string::npos) << refused;
  plain->reset();
  EXPECT_TRUE(Store::Open(dir_.File("plain.db"), plain_options).ok());
}

TEST_F(RekeyTest, ADamagedSealedRootKeyIsReportedAsDamage) {
  Populate();
  store_.reset();
  std::string header = Header(Path());
  ASSERT_EQ(header.size(), 3u + 16 + 32 + 72);  // version 2, raw key: no salt
  header[header.size() - 1] ^= 0x01;
  testing::RawTable(Path(), "meta").Put("encryption", header);
  const auto opened = OpenWith(key_);
  EXPECT_TRUE(absl::IsDataLoss(opened.status())) << opened.status();
  EXPECT_NE(opened.status().message().find("root key"), std::string::npos) << opened.status();
  // A wrong key is still told apart from the damage.
  EXPECT_TRUE(IsWrongKey(OpenWith(std::string(32, '\x12')).status()));
}

// A child rekeys the store from key n to key n+1 (n = 0, 1, ...), with a write between rekeys,
// acknowledging each rekey on a pipe; the parent kills it at a random moment. The file then
// opens with the last acknowledged key or the one after it (the rekey in flight), never with
// neither, and everything written answers.
std::string KeyOf(int n) {
  char b[33];
  std::snprintf(b, sizeof b, "%032d", n);
  return std::string(b, 32);
}

[[noreturn]] void RekeyChild(const std::string& path, int from, int acks) {
  StoreOptions o;
  o.durability = Durability::kNormal;  // the rekey syncs itself
  o.encryption_key = KeyOf(from);
  auto store = Store::Open(path, o);
  if (!store.ok()) {
    (void)!::write(acks, "failed\n", 7);
    ::_exit(1);
  }
  (void)!::write(acks, "ready\n", 6);
  for (int n = from;; ++n) {
    Customer c;
    c.given_name = "Gen";
    c.family_name = std::to_string(n);
    c.emails.push_back(Email{"gen" + std::to_string(n) + "@rekey.example", "work", true});
    // Made already when the last child was killed between its write and its rekey.
    const bool made = (*store)->Run(&ReadTxn::FindCustomerByEmail, c.emails[0].address).ok();
    if ((!made && !(*store)->Run(&WriteTxn::CreateCustomer, c).ok()) || !(*store)->Rekey(KeyOf(n + 1), "").ok()) {
      (void)!::write(acks, "failed\n", 7);
      ::_exit(1);
    }
    const std::string ack = std::to_string(n + 1) + "\n";
    (void)!::write(acks, ack.data(), ack.size());
  }
}

TEST(RekeyCrashTest, AKilledRekeyLeavesTheOldKeyOrTheNew) {
  testing::TempDir dir;
  const std::string path = dir.File("rekey.db");
  {
    StoreOptions o;
    o.sync = false;
    o.encryption_key = KeyOf(0);
    ASSERT_TRUE(Store::Open(path, o).ok());
  }
  std::mt19937 rng(2718);
  int key = 0, in_flight_found = 0;
  const int kills = 25;
  for (int kill = 0; kill < kills; ++kill) {
    std::string got;
    ASSERT_NO_FATAL_FAILURE(testing::RunAndKill([&](int acks) { RekeyChild(path, key, acks); },
                                                std::chrono::microseconds(500 + rng() % 20000), &got));
    int acked = key;
    std::size_t at = got.find("ready\n") + 6;
    for (std::size_t nl; (nl = got.find('\n', at)) != std::string::npos; at = nl + 1) {
      const int n = std::stoi(got.substr(at, nl - at));
      ASSERT_EQ(n, acked + 1) << "acknowledgements out of order";
      acked = n;
    }
    StoreOptions o;
    o.sync = false;
    o.encryption_key = KeyOf(acked);
    auto store = Store::Open(path, o);
    if (IsWrongKey(store.status())) {  // the rekey in flight committed before the kill
      o.encryption_key = KeyOf(acked + 1);
      store = Store::Open(path, o);
      ++in_flight_found;
      ++acked;
    }
    ASSERT_TRUE(store.ok()) << "kill " << kill << ": opens with neither key " << acked << " nor the next: "
                            << store.status();
    for (int n = 0; n < acked; ++n) {
      auto c = (*store)->Run(&ReadTxn::FindCustomerByEmail, "gen" + std::to_string(n) + "@rekey.example");
      ASSERT_TRUE(c.ok()) << "kill " << kill << ": customer of key " << n << ": " << c.status();
      ASSERT_EQ(c->family_name, std::to_string(n));
    }
    auto report = (*store)->Run(&ReadTxn::Verify);
    ASSERT_TRUE(report.ok()) << report.status();
    ASSERT_TRUE(report->ok()) << "kill " << kill << ": " << report->problems.front();
    key = acked;
  }
  std::cout << kills << " kills: " << key << " rekeys; the one in flight at the kill had committed "
            << in_flight_found << " times\n";
}

}  // namespace
}  // namespace crm
