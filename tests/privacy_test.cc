// Erasing a customer through the public API: everything held about it is gone (records, index
// lookups, feed values, field history), the feed stays gap-free with a tombstone, deals are
// erased or kept anonymised, the erasure log keeps only masked identifiers, and a compacted
// backup holds none of the customer's bytes.
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

class PrivacyTest : public testing::StoreTest {
 protected:
  // A person with identifiers no other record shares, an update history, interactions, a deal
  // of its own and a role on another customer's deal.
  struct Made {
    Customer person;
    Customer other;
    std::vector<InteractionId> interactions;
    OpportunityId own_deal = 0;
    OpportunityId other_deal = 0;
  };

  Made MakeSubject(const std::string& other_email = "olga@keep.example") {
    Made m;
    m.other = MakePerson("Olga", "Keepsake", other_email);
    Customer c;
    c.given_name = "Zebulon";
    c.family_name = "Quixotically";
    c.emails.push_back(Email{"zebulon.q@erasetest.example", "work", true});
    c.phones.push_back(Phone{"+1 415 555 0199", "mobile", true});
    c.address.street = "17 Vanishing Lane";
    c.address.city = "Oslo";
    c.custom["pet"] = std::string("Marmaduke");
    c.tags = {"vip"};
    m.person = Ok(store_->Run(&WriteTxn::CreateCustomer, c));
    now_ += 1000;
    Customer renamed = m.person;
    renamed.family_name = "Quixotic-Erasmus";
    m.person = Ok(store_->Run(&WriteTxn::UpdateCustomer, renamed));
    for (const char* body : {"Told us about the Xylophone-Orchard project", "Asked for the Wobblecraft quote"}) {
      Interaction i;
      i.customer = m.person.id;
      i.kind = InteractionKind::kCall;
      i.occurred_at = now_;
      i.subject = "Call with Zebulon";
      i.body = body;
      m.interactions.push_back(Ok(store_->Run(&WriteTxn::LogInteraction, i)).id);
      now_ += 1000;
    }
    Opportunity own = MakeDeal(m.person.id, "Zebulon's Wobblecraft order", 250000);
    own.custom["note"] = std::string("Quixotically urgent");
    own = Ok(store_->Run(&WriteTxn::UpdateOpportunity, own));
    m.own_deal = own.id;
    Opportunity other = MakeDeal(m.other.id, "Keepsake renewal", 90000);
    other.contacts.push_back(ContactRole{m.person.id, "champion"});
    m.other_deal = Ok(store_->Run(&WriteTxn::UpdateOpportunity, other)).id;
    return m;
  }

  std::vector<Change> Feed() {
    std::vector<Change> all;
    for (std::uint64_t from = 1;;) {
      std::vector<Change> page = Ok(store_->Run(&ReadTxn::ListChanges, from, std::size_t{1000}));
      if (page.empty()) return all;
      from = page.back().seq + 1;
      all.insert(all.end(), page.begin(), page.end());
    }
  }

  static std::string Bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // What must not survive an erasure, as stored (folded, normalised) and as written.
  static std::vector<std::string> Traces() {
    return {"Zebulon", "zebulon", "Quixotic", "quixotic", "erasetest", "4155550199", "9910555514", "Vanishing",
            "vanishing", "Marmaduke", "marmaduke", "Xylophone", "Wobblecraft"};
  }

  void ExpectHealthy() {
    VerifyReport r = Ok(store_->Run(&ReadTxn::Verify));
    EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems.front());
  }
};

TEST_F(PrivacyTest, ErasingLeavesNothingReadableAndATombstone) {
  Made m = MakeSubject();
  const std::uint64_t before = Ok(store_->Run(&ReadTxn::LastChangeSeq));
  now_ += 5000;
  WriteOptions by;
  by.actor = "dpo@firm.example";
  Erasure e;
  ASSERT_TRUE(store_->Write(by, [&](WriteTxn& t) -> absl::Status {
    auto r = t.EraseCustomer(m.person.id);
    if (!r.ok()) return r.status();
    e = *std::move(r);
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(e.customer, m.person.id);
  EXPECT_EQ(e.actor, "dpo@firm.example");
  EXPECT_EQ(e.at, now_);
  EXPECT_EQ(e.interactions, 2u);
  EXPECT_EQ(e.deals_erased, 1u);
  EXPECT_EQ(e.deals_kept, 0u);
  EXPECT_EQ(e.masked, (std::vector<std::string>{"Z*** Q***", "z***@e********.example", "*********99"}));

  // The records and every lookup that found them.
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetCustomer, m.person.id).status()));
  EXPECT_TRUE(absl::IsNotFound(
      store_->Run(&ReadTxn::FindCustomerByEmail, std::string_view("zebulon.q@erasetest.example")).status()));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::FindCustomersByPhone, std::string_view("+14155550199"))).empty());
  for (InteractionId i : m.interactions) EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetInteraction, i).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetOpportunity, m.own_deal).status()));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::GetOpportunity, m.other_deal)).contacts.empty());
  Search s;
  s.filter = Ok(Filter::Parse("name prefix 'zeb' or custom.pet = 'Marmaduke' or tag = 'vip'"));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kCustomer, s)), 0u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, m.other.id)).given_name, "Olga");  // others are untouched

  // The feed: gap-free, the erased records' changes without values, a tombstone last.
  const std::vector<Change> feed = Feed();
  ASSERT_EQ(feed.size(), Ok(store_->Run(&ReadTxn::LastChangeSeq)));
  for (std::size_t i = 0; i < feed.size(); ++i) EXPECT_EQ(feed[i].seq, i + 1);
  std::uint64_t redacted = 0;
  for (const Change& c : feed) {
    const bool erased_record =
        (c.entity == EntityType::kCustomer && c.entity_id == m.person.id) ||
        (c.entity == EntityType::kInteraction &&
         std::find(m.interactions.begin(), m.interactions.end(), c.entity_id) != m.interactions.end()) ||
        (c.entity == EntityType::kOpportunity && c.entity_id == m.own_deal);
    if (erased_record) {
      EXPECT_TRUE(c.fields.empty()) << c.seq;
      EXPECT_EQ(c.redacted, c.op != ChangeOp::kErase) << c.seq;
      redacted += c.redacted ? 1 : 0;
    }
    for (const FieldChange& f : c.fields)
      for (const std::string& trace : Traces()) {
        EXPECT_EQ(f.before.find(trace), std::string::npos) << c.seq << " " << f.field;
        EXPECT_EQ(f.after.find(trace), std::string::npos) << c.seq << " " << f.field;
      }
  }
  EXPECT_EQ(redacted, e.changes_redacted);
  EXPECT_GT(feed.size(), before);
  EXPECT_EQ(feed.back().op, ChangeOp::kErase);
  EXPECT_EQ(feed.back().entity_id, m.person.id);
  EXPECT_EQ(feed.back().seq, e.seq);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kCustomer, m.person.id, std::string_view("family_name"))).empty());
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kInteraction, m.interactions[0], std::string_view("body"))).empty());

  // The log keeps it, across a reopen.
  Reopen();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListErasures, std::uint64_t{0}, std::size_t{100})), std::vector<Erasure>{e});
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ListErasures, e.seq + 1, std::size_t{100})).empty());
  ExpectHealthy();
}

TEST_F(PrivacyTest, KeptDealsAreAnonymisedAndStillCount) {
  Made m = MakeSubject();
  const Opportunity own = Ok(store_->Run(&ReadTxn::GetOpportunity, m.own_deal));
  EraseOptions keep;
  keep.keep_deals = true;
  Erasure e = Ok(store_->Run(&WriteTxn::EraseCustomer, m.person.id, keep));
  EXPECT_EQ(e.deals_kept, 1u);
  EXPECT_EQ(e.deals_erased, 0u);
  const Opportunity kept = Ok(store_->Run(&ReadTxn::GetOpportunity, m.own_deal));
  EXPECT_EQ(kept.customer, 0u);
  EXPECT_EQ(kept.title, "Erased customer's deal");
  EXPECT_TRUE(kept.custom.empty());
  EXPECT_EQ(kept.amount, own.amount);
  EXPECT_EQ(kept.stage, own.stage);
  EXPECT_EQ(kept.history, own.history);
  Aggregation a;
  a.measures = Ok(Aggregation::ParseMeasures("sum(amount)"));
  AggregateResult r = Ok(store_->Run(&ReadTxn::Aggregate, EntityType::kOpportunity, a));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].values[0].value, 250000 + 90000);
  for (const FieldHistoryEntry& h :
       Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kOpportunity, m.own_deal, std::string_view("title"))))
    ADD_FAILURE() << "history of an erased customer's deal answers: " << h.before << " -> " << h.after;
  ExpectHealthy();
}

TEST_F(PrivacyTest, ACompactedBackupHoldsNoneOfItsBytes) {
  if (!key_.empty()) GTEST_SKIP() << "an encrypted file holds no plain value to begin with (EncryptionTest)";
  Made m = MakeSubject();
  // Enough others that the tables have branch pages, which keep copies of keys.
  ASSERT_TRUE(store_->Write("t", [&](WriteTxn& t) -> absl::Status {
    for (int i = 0; i < 4000; ++i) {
      Customer c;
      c.given_name = "Filler" + std::to_string(i);
      c.family_name = "Person";
      c.emails.push_back(Email{"filler" + std::to_string(i) + "@x.example", "", false});
      c.custom["pet"] = std::string("Pet" + std::to_string(i));
      c.address.street = std::to_string(i) + " Main Street";
      if (auto r = t.CreateCustomer(c); !r.ok()) return r.status();
    }
    return absl::OkStatus();
  }).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeclareIndex, EntityType::kCustomer, std::string_view("custom.pet")).ok());
  const std::string before = dir_.File("before.db");
  ASSERT_TRUE(store_->Backup(before, BackupOptions{true}).ok()) << store_->Backup(dir_.File("b2.db"), BackupOptions{true});
  for (const char* trace : {"Zebulon", "zebulon", "erasetest", "9910555514", "Vanishing", "Marmaduke", "Xylophone"})
    ASSERT_NE(Bytes(before).find(trace), std::string::npos) << trace << " is not in the file to begin with";
  EraseOptions suppress;
  suppress.suppress = true;  // the suppression entries are keyed hashes: no address in the file
  Ok(store_->Run(&WriteTxn::EraseCustomer, m.person.id, suppress));
  const std::string after = dir_.File("after.db");
  ASSERT_TRUE(store_->Backup(after, BackupOptions{true}).ok());
  const std::string bytes = Bytes(after);
  ASSERT_GT(bytes.size(), 0u);
  for (const std::string& trace : Traces()) EXPECT_EQ(bytes.find(trace), std::string::npos) << trace;
  // The copy is a working store without the customer.
  StoreOptions options;
  options.sync = false;
  auto copy = Store::Open(after, options);
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_TRUE(absl::IsNotFound((*copy)->Run(&ReadTxn::GetCustomer, m.person.id).status()));
  EXPECT_EQ(Ok((*copy)->Run(&ReadTxn::GetCustomer, m.other.id)).given_name, "Olga");
  VerifyReport r = Ok((*copy)->Run(&ReadTxn::Verify));
  EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems.front());
}

TEST_F(PrivacyTest, BadRequestsChangeNothing) {
  Made m = MakeSubject();
  const std::uint64_t last = Ok(store_->Run(&ReadTxn::LastChangeSeq));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::EraseCustomer, std::uint64_t{999}, EraseOptions{}).status()));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), last);
  Ok(store_->Run(&WriteTxn::EraseCustomer, m.person.id, EraseOptions{}));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::EraseCustomer, m.person.id, EraseOptions{}).status()));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListErasures, std::uint64_t{0}, std::size_t{100})).size(), 1u);
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::ListErasures, std::uint64_t{0}, std::size_t{0}).status()));
  // An erasure that fails half-way (a write transaction the caller aborts) leaves it all.
  const Made again = MakeSubject("olga2@keep.example");
  const std::uint64_t now_last = Ok(store_->Run(&ReadTxn::LastChangeSeq));
  EXPECT_FALSE(store_->Write("t", [&](WriteTxn& t) -> absl::Status {
    if (auto r = t.EraseCustomer(again.person.id); !r.ok()) return r.status();
    return absl::AbortedError("changed my mind");
  }).ok());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, again.person.id)).given_name, "Zebulon");
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), now_last);
  EXPECT_FALSE(Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kCustomer, again.person.id, std::string_view("family_name"))).empty());
  ExpectHealthy();
}

TEST_F(PrivacyTest, VerifyChecksTheLogAgainstTheFeed) {
  Made m = MakeSubject();
  Erasure e = Ok(store_->Run(&WriteTxn::EraseCustomer, m.person.id, EraseOptions{}));
  ExpectHealthy();
  store_.reset();
  {
    testing::RawTable raw(dir_.File("crm.db"), "erasures");
    ASSERT_EQ(raw.Entries().size(), 1u);
    raw.Del(raw.Entries()[0].first);
  }
  Reopen();
  VerifyReport r = Ok(store_->Run(&ReadTxn::Verify));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.problems.front().find("erasure log"), std::string::npos) << r.problems.front();
  EXPECT_NE(r.problems.front().find(std::to_string(e.seq)), std::string::npos) << r.problems.front();
}

TEST_F(PrivacyTest, SuppressedAddressesCannotComeBack) {
  Made m = MakeSubject();
  EraseOptions options;
  options.suppress = true;
  Ok(store_->Run(&WriteTxn::EraseCustomer, m.person.id, options));
  const auto suppressed = [&](std::string_view what) { return Ok(store_->Run(&ReadTxn::IsSuppressed, what)); };
  EXPECT_TRUE(suppressed("Zebulon.Q@EraseTest.example"));
  EXPECT_TRUE(suppressed("+1-415-555-0199"));
  EXPECT_FALSE(suppressed("olga@keep.example"));
  EXPECT_FALSE(suppressed("+1 415 555 0100"));

  const auto create = [&](const std::string& email, const std::string& phone) {
    Customer c;
    c.given_name = "Zeb";
    if (!email.empty()) c.emails.push_back(Email{email, "", true});
    if (!phone.empty()) c.phones.push_back(Phone{phone, "", true});
    return store_->Run(&WriteTxn::CreateCustomer, c);
  };
  const std::uint64_t last = Ok(store_->Run(&ReadTxn::LastChangeSeq));
  absl::StatusOr<Customer> again = create("ZEBULON.Q@erasetest.example", "");
  EXPECT_EQ(ErrorKindOf(again.status()), ErrorKind::kSuppressed) << again.status();
  EXPECT_NE(again.status().message().find("emails[0]"), std::string_view::npos) << again.status();
  again = create("", "+1 (415) 555-0199");
  EXPECT_EQ(ErrorKindOf(again.status()), ErrorKind::kSuppressed) << again.status();
  EXPECT_NE(again.status().message().find("phones[0]"), std::string_view::npos) << again.status();
  // Nor by an upsert, or a patch adding it to someone else.
  Customer upsert;
  upsert.given_name = "Zeb";
  upsert.external_id = "crm-import-7";
  upsert.emails.push_back(Email{"zebulon.q@erasetest.example", "", true});
  EXPECT_EQ(ErrorKindOf(store_->Run(&WriteTxn::UpsertCustomer, upsert).status()), ErrorKind::kSuppressed);
  Customer olga = m.other;
  olga.emails.push_back(Email{"zebulon.q@erasetest.example", "", false});
  EXPECT_EQ(ErrorKindOf(store_->Run(&WriteTxn::PatchCustomer, olga, Ok(Patch::Parse("+emails"))).status()),
            ErrorKind::kSuppressed);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), last);  // nothing was written

  // A suppression asked for directly: the customer holding the address keeps it.
  ASSERT_TRUE(store_->Run(&WriteTxn::Suppress, std::string_view("Olga@Keep.example")).ok());
  Customer kept = Ok(store_->Run(&ReadTxn::GetCustomer, m.other.id));
  kept.family_name = "Keepsake-Smith";
  EXPECT_TRUE(store_->Run(&WriteTxn::UpdateCustomer, kept).ok());
  EXPECT_EQ(ErrorKindOf(create("olga@keep.example", "").status()), ErrorKind::kSuppressed);

  // Lifting it (a new explicit consent) lets it be captured again.
  EXPECT_TRUE(Ok(store_->Run(&WriteTxn::Unsuppress, std::string_view("zebulon.q@erasetest.example"))));
  EXPECT_FALSE(Ok(store_->Run(&WriteTxn::Unsuppress, std::string_view("zebulon.q@erasetest.example"))));
  EXPECT_TRUE(create("zebulon.q@erasetest.example", "").ok());
  EXPECT_TRUE(suppressed("+14155550199"));

  for (const char* bad : {"", "   ", "no digits here"})
    EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::Suppress, std::string_view(bad)))) << bad;
  ExpectHealthy();
}

// "@domain" suppresses every address there: new ones are refused, held ones stay (but are not
// contacted), and lifting the domain lifts it for all of them.
TEST_F(PrivacyTest, AWholeDomainCanBeSuppressed) {
  Customer held;
  held.given_name = "Ann";
  held.emails.push_back(Email{"ann@spam-trap.example", "", true});
  held = Ok(store_->Run(&WriteTxn::CreateCustomer, held));
  ASSERT_TRUE(store_->Run(&WriteTxn::Suppress, std::string_view(" @Spam-Trap.example ")).ok());
  const auto suppressed = [&](std::string_view what) { return Ok(store_->Run(&ReadTxn::IsSuppressed, what)); };
  EXPECT_TRUE(suppressed("@spam-trap.example"));
  EXPECT_TRUE(suppressed("Bob@SPAM-TRAP.example"));
  EXPECT_FALSE(suppressed("bob@spam-trap.example.org"));
  EXPECT_FALSE(suppressed("bob@other.example"));
  Customer bob;
  bob.given_name = "Bob";
  bob.emails.push_back(Email{"bob@other.example", "", true});
  bob.emails.push_back(Email{"bob@spam-trap.example", "", false});
  const auto refused = store_->Run(&WriteTxn::CreateCustomer, bob);
  EXPECT_EQ(ErrorKindOf(refused.status()), ErrorKind::kSuppressed) << refused.status();
  EXPECT_NE(refused.status().message().find("emails[1]: bob@spam-trap.example is at a suppressed domain"),
            std::string_view::npos) << refused.status();
  held.family_name = "Lee";
  EXPECT_TRUE(store_->Run(&WriteTxn::UpdateCustomer, held).ok()) << "a customer that holds it keeps it";
  const ContactDecision d = Ok(store_->Run(&ReadTxn::CanContact, held.id, ContactChannel::kEmail,
                                           std::string_view("marketing"), Timestamp{0}));
  EXPECT_EQ(d.verdict, ContactVerdict::kSuppressed);
  for (const char* bad : {"@", "@not a domain", "@a@b.example"})
    EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::Suppress, std::string_view(bad)))) << bad;
  EXPECT_TRUE(Ok(store_->Run(&WriteTxn::Unsuppress, std::string_view("@spam-trap.example"))));
  EXPECT_TRUE(store_->Run(&WriteTxn::CreateCustomer, bob).ok());
  ExpectHealthy();
}

TEST_F(PrivacyTest, Masks) {
  Customer c;
  c.display_name = "Ærøskøbing Ltd";
  c.kind = CustomerKind::kOrganization;
  c.emails.push_back(Email{"info@mail.aero.co.uk", "", false});
  c = Ok(store_->Run(&WriteTxn::CreateCustomer, c));
  Erasure e = Ok(store_->Run(&WriteTxn::EraseCustomer, c.id, EraseOptions{}));
  EXPECT_EQ(e.masked, (std::vector<std::string>{"Æ*** L***", "i***@m***.a***.c*.uk"}));
}

}  // namespace
}  // namespace crm
