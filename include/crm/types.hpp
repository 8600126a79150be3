// Value types of the libcrm data model.
//
// Thread safety: these are plain values. Distinct objects may be used from different threads
// freely; one object needs external synchronisation if one thread writes it while others read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/container/flat_map.hpp>
#include <boost/container/small_vector.hpp>

namespace crm {

// Time is UTC, microseconds since the Unix epoch, everywhere.
using Timestamp = std::int64_t;

// Ids are allocated by the store, start at 1 and are never reused. 0 means "none".
using CustomerId = std::uint64_t;
using InteractionId = std::uint64_t;
using OpportunityId = std::uint64_t;
using PipelineId = std::uint64_t;
// A stage's id is stable within its pipeline (renaming or reordering stages keeps it).
using StageId = std::uint32_t;

// An amount of money: an integer count of the currency's minor units (cents for USD, yen for
// JPY) and its ISO 4217 code. Never floating point.
struct Money {
  std::int64_t minor_units = 0;
  std::string currency;  // ISO 4217 alphabetic code, e.g. "EUR"

  friend bool operator==(const Money&, const Money&) = default;
};

// A point in time stored in a custom field (distinct from a plain integer).
struct DateTime {
  Timestamp micros = 0;
  friend bool operator==(const DateTime&, const DateTime&) = default;
};

// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Whether an ISO 4217 code is a currency this library knows, and its number of minor digits.
bool IsKnownCurrency(std::string_view code);
std::optional<int> CurrencyMinorDigits(std::string_view code);

enum class CustomerKind : std::uint8_t {
  kPerson = 1,
  kOrganization = 2,
};

// Where a customer stands in the relationship. Ordered as a funnel.
enum class LifecycleStage : std::uint8_t {
  kSubscriber = 1,
  kLead = 2,
  kProspect = 3,
  kOpportunity = 4,
  kCustomer = 5,
  kEvangelist = 6,
  kChurned = 7,
  kOther = 8,
};
std::string_view LifecycleStageName(LifecycleStage stage);
std::optional<LifecycleStage> ParseLifecycleStage(std::string_view name);

// GDPR Art. 6 legal bases for processing, recorded with an email opt-in.
enum class LegalBasis : std::uint8_t {
  kNone = 0,
  kConsent = 1,
  kContract = 2,
  kLegalObligation = 3,
  kVitalInterests = 4,
  kPublicTask = 5,
  kLegitimateInterests = 6,
};
std::string_view LegalBasisName(LegalBasis basis);

struct Email {
  std::string address;
  std::string label;     // free text: "work", "home" ...
  bool primary = false;  // at most one; when none is marked the first becomes primary
  friend bool operator==(const Email&, const Email&) = default;
};

struct Phone {
  std::string number;  // as entered; lookups ignore formatting
  std::string label;
  bool primary = false;  // at most one; when none is marked the first becomes primary
  friend bool operator==(const Phone&, const Phone&) = default;
};

struct PostalAddress {
  std::string street;
  std::string city;
  std::string region;
  std::string postal_code;
  std::string country;
  friend bool operator==(const PostalAddress&, const PostalAddress&) = default;
};

// A person's membership of an organization (itself a customer of kind kOrganization).
struct Membership {
  CustomerId organization = 0;
  std::string role;  // "CFO", "buyer" ...
  friend bool operator==(const Membership&, const Membership&) = default;
};

struct Consent {
  bool email_opt_in = false;
  LegalBasis email_legal_basis = LegalBasis::kNone;  // required when email_opt_in is set
  Timestamp email_opt_in_at = 0;                     // set by the store when 0 and opted in
  bool do_not_call = false;
  friend bool operator==(const Consent&, const Consent&) = default;
};

// A typed custom field value: text, integer, money, date/time or boolean.
using CustomValue = std::variant<std::string, std::int64_t, Money, DateTime, bool>;

using CustomFields = boost::container::flat_map<std::string, CustomValue>;

struct Customer {
  // Managed by the store: ignored on create; on update `revision` is the revision the change
  // is based on and `id` names the record.
  CustomerId id = 0;
  std::uint64_t revision = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  bool archived = false;
  Timestamp archived_at = 0;

  CustomerKind kind = CustomerKind::kPerson;
  std::string display_name;  // derived from given + family name for a person when empty
  std::string given_name;
  std::string family_name;
  boost::container::small_vector<Email, 2> emails;
  boost::container::small_vector<Phone, 2> phones;
  PostalAddress address;
  LifecycleStage stage = LifecycleStage::kLead;
  std::string owner;
  boost::container::small_vector<std::string, 4> tags;  // unique, case-insensitively
  CustomFields custom;
  Consent consent;
  std::string external_id;  // unique when not empty: the id in another system, for upserts
  boost::container::small_vector<Membership, 1> memberships;  // persons only

  // Managed by the store: the time of the newest interaction that touched the customer (call,
  // email, meeting, support ticket, purchase, other; not notes or tasks). 0 when none.
  Timestamp last_interaction_at = 0;

  // The primary email / phone, or nullptr.
  const Email* primary_email() const;
  const Phone* primary_phone() const;

  friend bool operator==(const Customer&, const Customer&) = default;
};

// Validation limits. Inputs beyond them are rejected with InvalidArgument naming the field.
struct Limits {
  static constexpr std::size_t kNameBytes = 256;
  static constexpr std::size_t kEmailBytes = 254;
  static constexpr std::size_t kPhoneBytes = 64;
  static constexpr std::size_t kLabelBytes = 64;
  static constexpr std::size_t kAddressFieldBytes = 256;
  static constexpr std::size_t kOwnerBytes = 128;
  static constexpr std::size_t kTagBytes = 64;
  static constexpr std::size_t kExternalIdBytes = 128;
  static constexpr std::size_t kRoleBytes = 128;
  static constexpr std::size_t kCustomKeyBytes = 64;
  static constexpr std::size_t kCustomTextBytes = 4096;
  static constexpr std::size_t kEmails = 16;
  static constexpr std::size_t kPhones = 16;
  static constexpr std::size_t kTags = 64;
  static constexpr std::size_t kCustomFields = 64;
  static constexpr std::size_t kMemberships = 32;
};

}  // namespace crm
