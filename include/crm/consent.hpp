// Consent per purpose and channel, its history, and whether a customer may be contacted
// (since 0.7).
//
// A consent record says that a customer granted, or withdrew, consent to one purpose
// ("marketing", "newsletter", "profiling", "third_party_sharing" ...) on one channel (email,
// phone calls, SMS, post, or any channel), when, under which legal basis (GDPR Art. 6), from
// which source and with what evidence. Records are only ever added: the history of every
// purpose is kept, and the state at any time is the latest record captured at or before it.
//
// The customer's own consent fields (customer.hpp, Consent) stay as they are and are kept in
// step with the records: a write that turns `consent.email_opt_in` on or off adds a record for
// ("marketing", email), and a record for ("marketing", email) that becomes the current one sets
// `consent.email_opt_in`, its legal basis and its time on the customer. `do_not_call` is a flag
// of its own, which CanContact honours for phone calls and SMS.
//
// A withdrawal stands until a new explicit grant: a grant whose source is kImport cannot
// follow a withdrawal (ConsentWithdrawnError), and neither can a write in import mode
// (WriteOptions::import) that turns `consent.email_opt_in` back on. A grant from a form, a
// call or the API may.
//
// Consent records are personal data of the customer: EraseCustomer removes them,
// DeleteCustomer removes them with the customer, and ExportCustomer includes them.
//
// Thread safety: records are plain values (see types.hpp); the operations are members of the
// transactions (store.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/customer.hpp"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

enum class ContactChannel : std::uint8_t {
  kEmail = 1,
  kPhone = 2,  // calls
  kSms = 3,
  kPost = 4,
  kAny = 5,  // a purpose not tied to a channel (profiling, third-party sharing), or all of them
};
std::string_view ContactChannelName(ContactChannel channel);  // "email", "phone", "sms", "post", "any"
std::optional<ContactChannel> ParseContactChannel(std::string_view name);

enum class ConsentSource : std::uint8_t {
  kForm = 1,    // a form the customer filled in
  kImport = 2,  // copied from another system: not an explicit grant (see above)
  kCall = 3,    // said on a call or in person
  kApi = 4,     // recorded by the host application
};
std::string_view ConsentSourceName(ConsentSource source);  // "form", "import", "call", "api"
std::optional<ConsentSource> ParseConsentSource(std::string_view name);

struct ConsentRecord {
  // Managed by the store: ignored when recording.
  std::uint64_t id = 0;      // 1, 2, 3 ... in the order recorded
  Timestamp recorded_at = 0;
  std::string actor;         // who recorded it

  CustomerId customer = 0;
  // What the consent is for: 1 to 64 characters of a-z, 0-9, '_', '-' and '.' (stored folded to
  // lower case).
  std::string purpose;
  ContactChannel channel = ContactChannel::kEmail;
  bool granted = true;  // false: withdrawn
  // Required for a grant (kConsent, kContract ...); kNone for a withdrawal.
  LegalBasis legal_basis = LegalBasis::kNone;
  ConsentSource source = ConsentSource::kApi;
  Timestamp captured_at = 0;   // when given or withdrawn; the current time when 0; not in the future
  Timestamp valid_from = 0;    // a grant holds from here (0: from captured_at)
  Timestamp valid_to = 0;      // and until here, excluded (0: no end); after valid_from
  Timestamp confirmed_at = 0;  // double opt-in: when the customer confirmed (0: not confirmed)
  std::string evidence;        // proof: a form's address, a call's reference (at most 1000 bytes)

  friend bool operator==(const ConsentRecord&, const ConsentRecord&) = default;
};

// Why a customer may or may not be contacted (CanContact).
enum class ContactVerdict : std::uint8_t {
  kAllowed = 0,      // a grant holds
  kNoConsent = 1,    // no record for the purpose on the channel (nor on kAny)
  kWithdrawn = 2,    // the latest record is a withdrawal
  kNotYetValid = 3,  // the grant holds from a later time
  kExpired = 4,      // the grant ended
  kDoNotCall = 5,    // phone calls and SMS: the customer's do_not_call is set
  kSuppressed = 6,   // every address of the customer on the channel is suppressed (privacy.hpp)
  kNoAddress = 7,    // the customer has no email, phone or postal address for the channel
};
std::string_view ContactVerdictName(ContactVerdict verdict);  // "allowed", "no_consent" ...

struct ContactDecision {
  bool allowed = false;
  ContactVerdict verdict = ContactVerdict::kNoConsent;
  std::string reason;           // one sentence naming the record, flag or address that decided
  std::uint64_t consent = 0;    // the consent record that decided (0: none)
  friend bool operator==(const ContactDecision&, const ContactDecision&) = default;
};

// Reads of consent: members of every transaction.
class ConsentReads {
 public:
  // Every consent record of a customer, oldest captured first (ties in the order recorded);
  // NotFound when there is no such customer.
  absl::StatusOr<std::vector<ConsentRecord>> ConsentHistory(CustomerId customer) const;
  // The current record of each purpose and channel the customer has records for, by purpose and
  // channel: the latest captured at or before `at` (the current time when 0).
  absl::StatusOr<std::vector<ConsentRecord>> CurrentConsents(CustomerId customer, Timestamp at = 0) const;
  // Whether the customer may be contacted on `channel` for `purpose` at `at` (the current time
  // when 0), and why. In order: the customer needs an address on the channel that is not
  // suppressed (none for kAny), phone calls and SMS need do_not_call unset, and the latest record
  // for the purpose on the channel (or, when there is none, on kAny) captured by `at` must be a
  // grant valid at `at`. NotFound when there is no such customer.
  absl::StatusOr<ContactDecision> CanContact(CustomerId customer, ContactChannel channel, std::string_view purpose,
                                             Timestamp at = 0) const;

 protected:
  ConsentReads() = default;
};

// Recording consent: a member of write transactions.
class ConsentWrites {
 public:
  // Adds a record (see ConsentRecord for what each field must hold) and returns it as stored.
  // NotFound when there is no such customer; ConsentWithdrawnError for a grant from an import
  // that would follow a withdrawal.
  absl::StatusOr<ConsentRecord> RecordConsent(ConsentRecord record);
  // Double opt-in: the customer confirmed the current grant for the purpose on the channel at
  // `at` (the current time when 0). Adds a copy of that grant with confirmed_at set;
  // FailedPrecondition when the current record is not a grant or is already confirmed.
  absl::StatusOr<ConsentRecord> ConfirmConsent(CustomerId customer, ContactChannel channel, std::string_view purpose,
                                               Timestamp at = 0);

 protected:
  ConsentWrites() = default;
};

}  // namespace crm
