// Consent per purpose and channel through the public API: records and their history, the state
// at a time, CanContact and each reason it gives, double opt-in, the customer's opt-in kept in
// step with the records, the withdrawal that an import cannot undo, and erasure.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crm/error.hpp"
#include "support/fixture.h"
#include "support/raw_lmdb.h"

namespace crm {
namespace {

constexpr Timestamp kDay = 86'400'000'000;

class ConsentTest : public testing::StoreTest {
 protected:
  Customer Reachable(const std::string& email = "ada@consent.example") {
    Customer c;
    c.given_name = "Ada";
    c.family_name = "Byron";
    c.emails.push_back(Email{email, "", true});
    c.phones.push_back(Phone{"+44 20 7946 0018", "", true});
    c.address.street = "12 St James's Square";
    c.address.city = "London";
    return Ok(store_->Run(&WriteTxn::CreateCustomer, c));
  }

  ConsentRecord Grant(CustomerId id, const std::string& purpose, ContactChannel channel,
                      ConsentSource source = ConsentSource::kForm) {
    ConsentRecord r;
    r.customer = id;
    r.purpose = purpose;
    r.channel = channel;
    r.legal_basis = LegalBasis::kConsent;
    r.source = source;
    r.evidence = "https://example.com/newsletter-form";
    return r;
  }

  ConsentRecord Withdrawal(CustomerId id, const std::string& purpose, ContactChannel channel) {
    ConsentRecord r = Grant(id, purpose, channel, ConsentSource::kApi);
    r.granted = false;
    r.legal_basis = LegalBasis::kNone;
    r.evidence = "unsubscribe link";
    return r;
  }

  ContactDecision Can(CustomerId id, ContactChannel channel, const std::string& purpose, Timestamp at = 0) {
    return Ok(store_->Run(&ReadTxn::CanContact, id, channel, std::string_view(purpose), at));
  }

  Customer Stored(CustomerId id) { return Ok(store_->Run(&ReadTxn::GetCustomer, id)); }
};

TEST_F(ConsentTest, RecordsKeepTheirHistoryAndAnswerAtAnyTime) {
  const Customer c = Reachable();
  EXPECT_EQ(Can(c.id, ContactChannel::kEmail, "newsletter").verdict, ContactVerdict::kNoConsent);

  const Timestamp granted_at = now_;
  const ConsentRecord g = Ok(store_->Run(&WriteTxn::RecordConsent, Grant(c.id, "Newsletter", ContactChannel::kEmail)));
  EXPECT_EQ(g.id, 1u);
  EXPECT_EQ(g.purpose, "newsletter");  // folded
  EXPECT_EQ(g.captured_at, granted_at);
  EXPECT_EQ(g.recorded_at, granted_at);
  EXPECT_EQ(g.actor, "system");
  const ContactDecision yes = Can(c.id, ContactChannel::kEmail, "newsletter");
  EXPECT_TRUE(yes.allowed);
  EXPECT_EQ(yes.verdict, ContactVerdict::kAllowed);
  EXPECT_EQ(yes.consent, g.id);
  EXPECT_NE(yes.reason.find("consent record 1"), std::string::npos) << yes.reason;
  // Another channel and another purpose are not covered.
  EXPECT_EQ(Can(c.id, ContactChannel::kSms, "newsletter").verdict, ContactVerdict::kNoConsent);
  EXPECT_EQ(Can(c.id, ContactChannel::kEmail, "profiling").verdict, ContactVerdict::kNoConsent);

  now_ += 10 * kDay;
  const ConsentRecord w = Ok(store_->Run(&WriteTxn::RecordConsent, Withdrawal(c.id, "newsletter", ContactChannel::kEmail)));
  const ContactDecision no = Can(c.id, ContactChannel::kEmail, "newsletter");
  EXPECT_FALSE(no.allowed);
  EXPECT_EQ(no.verdict, ContactVerdict::kWithdrawn);
  EXPECT_EQ(no.consent, w.id);
  // As at a time between the grant and the withdrawal, the grant held.
  EXPECT_TRUE(Can(c.id, ContactChannel::kEmail, "newsletter", granted_at + kDay).allowed);
  EXPECT_EQ(Can(c.id, ContactChannel::kEmail, "newsletter", granted_at - 1).verdict, ContactVerdict::kNoConsent);

  // A grant of a purpose on kAny covers every channel that has no record of its own.
  ConsentRecord profiling = Grant(c.id, "profiling", ContactChannel::kAny);
  profiling.legal_basis = LegalBasis::kLegitimateInterests;
  Ok(store_->Run(&WriteTxn::RecordConsent, profiling));
  EXPECT_TRUE(Can(c.id, ContactChannel::kAny, "profiling").allowed);
  EXPECT_TRUE(Can(c.id, ContactChannel::kPost, "profiling").allowed);

  const auto history = Ok(store_->Run(&ReadTxn::ConsentHistory, c.id));
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0], g);
  EXPECT_EQ(history[1], w);
  EXPECT_EQ(history[2].purpose, "profiling");
  const auto current = Ok(store_->Run(&ReadTxn::CurrentConsents, c.id, Timestamp{0}));
  ASSERT_EQ(current.size(), 2u);  // by purpose: newsletter (the withdrawal), profiling
  EXPECT_EQ(current[0], w);
  EXPECT_EQ(current[1].purpose, "profiling");
  const auto earlier = Ok(store_->Run(&ReadTxn::CurrentConsents, c.id, granted_at));
  ASSERT_EQ(earlier.size(), 1u);
  EXPECT_EQ(earlier[0], g);
}

TEST_F(ConsentTest, ValidityPeriodAndDoubleOptIn) {
  const Customer c = Reachable();
  ConsentRecord r = Grant(c.id, "events", ContactChannel::kEmail);
  r.valid_from = now_ + 5 * kDay;
  r.valid_to = now_ + 30 * kDay;
  const ConsentRecord g = Ok(store_->Run(&WriteTxn::RecordConsent, r));
  EXPECT_EQ(Can(c.id, ContactChannel::kEmail, "events").verdict, ContactVerdict::kNotYetValid);
  EXPECT_TRUE(Can(c.id, ContactChannel::kEmail, "events", now_ + 6 * kDay).allowed);
  EXPECT_EQ(Can(c.id, ContactChannel::kEmail, "events", now_ + 30 * kDay).verdict, ContactVerdict::kExpired);

  now_ += kDay;
  const ConsentRecord confirmed =
      Ok(store_->Run(&WriteTxn::ConfirmConsent, c.id, ContactChannel::kEmail, std::string_view("events"), Timestamp{0}));
  EXPECT_EQ(confirmed.confirmed_at, now_);
  EXPECT_EQ(confirmed.captured_at, now_);
  EXPECT_EQ(confirmed.valid_from, g.valid_from);
  EXPECT_EQ(confirmed.valid_to, g.valid_to);
  EXPECT_NE(confirmed.id, g.id);
  const ContactDecision d = Can(c.id, ContactChannel::kEmail, "events", now_ + 6 * kDay);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.consent, confirmed.id);
  EXPECT_NE(d.reason.find("confirmed at"), std::string::npos) << d.reason;
  // Confirming twice, or what was never granted, is refused and writes nothing.
  EXPECT_TRUE(absl::IsFailedPrecondition(
      store_->Run(&WriteTxn::ConfirmConsent, c.id, ContactChannel::kEmail, std::string_view("events"), Timestamp{0}).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      store_->Run(&WriteTxn::ConfirmConsent, c.id, ContactChannel::kSms, std::string_view("events"), Timestamp{0}).status()));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ConsentHistory, c.id)).size(), 2u);
}

TEST_F(ConsentTest, AddressDoNotCallAndSuppressionComeFirst) {
  Customer c = Reachable("grace@consent.example");
  for (auto ch : {ContactChannel::kEmail, ContactChannel::kPhone, ContactChannel::kSms, ContactChannel::kPost})
    Ok(store_->Run(&WriteTxn::RecordConsent, Grant(c.id, "marketing", ch)));
  for (auto ch : {ContactChannel::kEmail, ContactChannel::kPhone, ContactChannel::kSms, ContactChannel::kPost})
    EXPECT_TRUE(Can(c.id, ch, "marketing").allowed) << ContactChannelName(ch);

  c = Stored(c.id);
  c.consent.do_not_call = true;
  c = Ok(store_->Run(&WriteTxn::UpdateCustomer, c));
  EXPECT_EQ(Can(c.id, ContactChannel::kPhone, "marketing").verdict, ContactVerdict::kDoNotCall);
  EXPECT_EQ(Can(c.id, ContactChannel::kSms, "marketing").verdict, ContactVerdict::kDoNotCall);
  EXPECT_TRUE(Can(c.id, ContactChannel::kEmail, "marketing").allowed);

  ASSERT_TRUE(store_->Run(&WriteTxn::Suppress, std::string_view("Grace@Consent.example")).ok());
  const ContactDecision s = Can(c.id, ContactChannel::kEmail, "marketing");
  EXPECT_EQ(s.verdict, ContactVerdict::kSuppressed);
  EXPECT_NE(s.reason.find("suppressed"), std::string::npos);

  c = Stored(c.id);
  c.address = {};
  c.phones.clear();
  c = Ok(store_->Run(&WriteTxn::UpdateCustomer, c));
  EXPECT_EQ(Can(c.id, ContactChannel::kPost, "marketing").verdict, ContactVerdict::kNoAddress);
  EXPECT_EQ(Can(c.id, ContactChannel::kPhone, "marketing").verdict, ContactVerdict::kNoAddress);
}

TEST_F(ConsentTest, TheEmailOptInFollowsTheRecordsAndTheRecordsFollowIt) {
  Customer c = Reachable();
  // Turning the customer's opt-in on enters a grant for ("marketing", email).
  c.consent.email_opt_in = true;
  c.consent.email_legal_basis = LegalBasis::kConsent;
  c = Ok(store_->Run(&WriteTxn::UpdateCustomer, c));
  auto history = Ok(store_->Run(&ReadTxn::ConsentHistory, c.id));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_TRUE(history[0].granted);
  EXPECT_EQ(history[0].purpose, "marketing");
  EXPECT_EQ(history[0].source, ConsentSource::kApi);
  EXPECT_TRUE(Can(c.id, ContactChannel::kEmail, "marketing").allowed);

  // A withdrawal recorded for it clears the opt-in on the customer, in the same write.
  now_ += kDay;
  Ok(store_->Run(&WriteTxn::RecordConsent, Withdrawal(c.id, "marketing", ContactChannel::kEmail)));
  c = Stored(c.id);
  EXPECT_FALSE(c.consent.email_opt_in);
  EXPECT_EQ(c.consent.email_legal_basis, LegalBasis::kNone);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ConsentHistory, c.id)).size(), 2u);  // no echo of the flag's change

  // A grant sets it again, with its basis and time.
  now_ += kDay;
  ConsentRecord again = Grant(c.id, "marketing", ContactChannel::kEmail, ConsentSource::kCall);
  again.legal_basis = LegalBasis::kContract;
  Ok(store_->Run(&WriteTxn::RecordConsent, again));
  c = Stored(c.id);
  EXPECT_TRUE(c.consent.email_opt_in);
  EXPECT_EQ(c.consent.email_legal_basis, LegalBasis::kContract);
  EXPECT_EQ(c.consent.email_opt_in_at, now_);

  // Clearing the opt-in on the customer enters a withdrawal.
  now_ += kDay;
  c.consent.email_opt_in = false;
  c.consent.email_legal_basis = LegalBasis::kNone;
  c.consent.email_opt_in_at = 0;
  c = Ok(store_->Run(&WriteTxn::UpdateCustomer, c));
  history = Ok(store_->Run(&ReadTxn::ConsentHistory, c.id));
  ASSERT_EQ(history.size(), 4u);
  EXPECT_FALSE(history[3].granted);
  EXPECT_EQ(Can(c.id, ContactChannel::kEmail, "marketing").verdict, ContactVerdict::kWithdrawn);
}

TEST_F(ConsentTest, AnImportCannotUndoAWithdrawal) {
  Customer c = Reachable();
  c.external_id = "hub-17";
  c = Ok(store_->Run(&WriteTxn::UpdateCustomer, c));
  Ok(store_->Run(&WriteTxn::RecordConsent, Withdrawal(c.id, "marketing", ContactChannel::kEmail)));
  now_ += kDay;

  // A consent record from an import: refused, and nothing is written.
  const auto by_record = store_->Run(&WriteTxn::RecordConsent, Grant(c.id, "marketing", ContactChannel::kEmail, ConsentSource::kImport));
  ASSERT_FALSE(by_record.ok());
  EXPECT_EQ(ErrorKindOf(by_record.status()), ErrorKind::kWithdrawn);
  EXPECT_NE(by_record.status().message().find("explicit grant"), std::string::npos) << by_record.status();

  // An upsert in import mode that turns the opt-in back on: refused, the customer as it was.
  const Customer before = Stored(c.id);
  Customer incoming;
  incoming.external_id = "hub-17";
  incoming.given_name = "Ada";
  incoming.family_name = "Byron";
  incoming.emails = before.emails;
  incoming.consent.email_opt_in = true;
  incoming.consent.email_legal_basis = LegalBasis::kConsent;
  incoming.consent.email_opt_in_at = now_ - 100 * kDay;  // the other system's stale opt-in
  WriteOptions import;
  import.import = true;
  const absl::Status upsert = store_->Write(import, [&](WriteTxn& t) { return t.UpsertCustomer(incoming).status(); });
  EXPECT_EQ(ErrorKindOf(upsert), ErrorKind::kWithdrawn) << upsert;
  EXPECT_NE(upsert.message().find("consent.email_opt_in"), std::string::npos) << upsert;
  EXPECT_EQ(Stored(c.id), before);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ConsentHistory, c.id)).size(), 1u);

  // An explicit grant (a form) may; after it an import's grant is accepted too.
  Ok(store_->Run(&WriteTxn::RecordConsent, Grant(c.id, "marketing", ContactChannel::kEmail, ConsentSource::kForm)));
  EXPECT_TRUE(Can(c.id, ContactChannel::kEmail, "marketing").allowed);
  EXPECT_TRUE(store_->Write(import, [&](WriteTxn& t) { return t.UpsertCustomer(incoming).status(); }).ok());
  // Another purpose is not affected by the withdrawal.
  EXPECT_TRUE(store_->Run(&WriteTxn::RecordConsent, Grant(c.id, "events", ContactChannel::kEmail, ConsentSource::kImport)).ok());
}

TEST_F(ConsentTest, BadRecordsAreRefusedNamingTheField) {
  const Customer c = Reachable();
  struct Case {
    const char* field;
    void (*spoil)(ConsentRecord&, Timestamp now);
  };
  const Case cases[] = {
      {"customer", [](ConsentRecord& r, Timestamp) { r.customer = 0; }},
      {"purpose", [](ConsentRecord& r, Timestamp) { r.purpose = ""; }},
      {"purpose", [](ConsentRecord& r, Timestamp) { r.purpose = "mar keting"; }},
      {"purpose", [](ConsentRecord& r, Timestamp) { r.purpose = std::string(65, 'a'); }},
      {"channel", [](ConsentRecord& r, Timestamp) { r.channel = static_cast<ContactChannel>(9); }},
      {"legal_basis", [](ConsentRecord& r, Timestamp) { r.legal_basis = LegalBasis::kNone; }},
      {"legal_basis", [](ConsentRecord& r, Timestamp) { r.legal_basis = static_cast<LegalBasis>(40); }},
      {"source", [](ConsentRecord& r, Timestamp) { r.source = static_cast<ConsentSource>(0); }},
      {"captured_at", [](ConsentRecord& r, Timestamp now) { r.captured_at = now + 1; }},
      {"valid_to", [](ConsentRecord& r, Timestamp now) { r.valid_to = now - 1; }},
      {"valid_to", [](ConsentRecord& r, Timestamp now) { r.valid_from = now + 10, r.valid_to = now + 10; }},
      {"confirmed_at", [](ConsentRecord& r, Timestamp now) { r.confirmed_at = now + 1; }},
      {"evidence", [](ConsentRecord& r, Timestamp) { r.evidence = std::string(1001, 'x'); }},
      {"evidence", [](ConsentRecord& r, Timestamp) { r.evidence = "\xff"; }},
      {"legal_basis", [](ConsentRecord& r, Timestamp) { r.granted = false; }},
  };
  for (const Case& k : cases) {
    ConsentRecord r = Grant(c.id, "newsletter", ContactChannel::kEmail);
    k.spoil(r, now_);
    const auto s = store_->Run(&WriteTxn::RecordConsent, r).status();
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << k.field << ": " << s;
    EXPECT_EQ(s.message().substr(0, std::string(k.field).size()), k.field) << s;
  }
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::RecordConsent, Grant(999, "newsletter", ContactChannel::kEmail)).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::CanContact, CustomerId{999}, ContactChannel::kEmail,
                                           std::string_view("newsletter"), Timestamp{0}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::CanContact, c.id, static_cast<ContactChannel>(0),
                                                  std::string_view("newsletter"), Timestamp{0}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      store_->Run(&ReadTxn::CanContact, c.id, ContactChannel::kEmail, std::string_view(" "), Timestamp{0}).status()));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ConsentHistory, c.id)).empty());
}

TEST_F(ConsentTest, ErasureAndDeletionRemoveTheRecordsAndTheExportHoldsThem) {
  const Customer kept = Reachable("kept@consent.example");
  const Customer erased = Reachable("gone@consent.example");
  const Customer deleted = Reachable("deleted@consent.example");
  for (const Customer* c : {&kept, &erased, &deleted})
    Ok(store_->Run(&WriteTxn::RecordConsent, Grant(c->id, "newsletter", ContactChannel::kEmail)));
  const std::string doc = Ok(store_->Run(&ReadTxn::ExportCustomer, erased.id));
  EXPECT_NE(doc.find("\"consents\""), std::string::npos);
  EXPECT_NE(doc.find("https://example.com/newsletter-form"), std::string::npos);

  Ok(store_->Run(&WriteTxn::EraseCustomer, erased.id, EraseOptions{}));
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, deleted.id, DeleteOptions{}).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::ConsentHistory, erased.id).status()));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ConsentHistory, kept.id)).size(), 1u);
  const VerifyReport report = Ok(store_->Run(&ReadTxn::Verify));
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
  store_.reset();
  testing::RawTable raw(dir_.File("crm.db"), "consents");
  const auto left = raw.Entries();
  ASSERT_EQ(left.size(), 1u);  // only the kept customer's
  EXPECT_EQ(left[0].first.substr(0, 8), testing::BigEndian(kept.id));
}

}  // namespace
}  // namespace crm
