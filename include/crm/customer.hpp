// Customers: people and organizations, their lookups and lists, and the operations on them.
//
// Thread safety: records, queries and pages are plain values (see types.hpp). The operations are
// members of the transactions (store.hpp), which say what is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

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

// What an organization is to the business (since 0.5).
enum class AccountType : std::uint8_t {
  kNone = 0,
  kProspect = 1,
  kCustomer = 2,
  kPartner = 3,
  kCompetitor = 4,
  kOther = 5,
};

std::string_view AccountTypeName(AccountType type);  // "prospect", "customer" ... ("" for none)

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

// What kind of line a number is, as libphonenumber tells from its digits.
enum class PhoneType : std::uint8_t {
  kUnknown = 0,
  kFixedLine = 1,
  kMobile = 2,
  kFixedLineOrMobile = 3,  // regions whose numbers do not tell (the US, Canada ...)
  kTollFree = 4,
  kPremiumRate = 5,
  kSharedCost = 6,
  kVoip = 7,
  kPersonal = 8,
  kPager = 9,
  kUan = 10,
  kVoicemail = 11,
};
std::string_view PhoneTypeName(PhoneType type);

struct Phone {
  std::string number;  // as entered; kept as it is
  std::string label;
  bool primary = false;  // at most one; when none is marked the first becomes primary
  // Set by the store when the number is written (what the caller puts here is ignored), by
  // libphonenumber with the store's phone region (StoreOptions::phone_region) for a number
  // without a country code: the E.164 form ("+493012345678") and type of a valid number. A
  // number that is not valid (or has no country code and the store no region) is stored as
  // entered with valid false, e164 empty and type kUnknown: flagged, not refused.
  std::string e164 = {};
  PhoneType type = PhoneType::kUnknown;
  bool valid = false;
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

  // B2B fields (since 0.5). People: job title and department. Organizations: industry, website
  // (as entered; its domain joins `domains`), domains (normalised: lower case, no scheme, path,
  // port or "www."; looked up with FindCustomersByDomain), annual revenue (no currency: unknown),
  // employee count (0: unknown), account type, and a parent organization ("subsidiary of";
  // cycles are refused). A field of the other kind of customer is refused.
  std::string job_title;
  std::string department;
  std::string industry;
  std::string website;
  boost::container::small_vector<std::string, 1> domains;
  Money annual_revenue;
  std::int64_t employees = 0;
  AccountType account_type = AccountType::kNone;
  CustomerId parent = 0;

  // Managed by the store: the time of the newest interaction that touched the customer (call,
  // email, meeting, support ticket, purchase, other; not notes or tasks). 0 when none.
  Timestamp last_interaction_at = 0;

  // The primary email / phone, or nullptr.
  const Email* primary_email() const;
  const Phone* primary_phone() const;

  friend bool operator==(const Customer&, const Customer&) = default;
};

// Which customers a list or count covers.
struct CustomerQuery {
  enum class By : std::uint8_t {
    kAll = 0,           // every customer, by id
    kTag = 1,           // `text` is the tag (case-insensitive)
    kOwner = 2,         // `text` is the owner
    kStage = 3,         // `stage`
    kOrganization = 4,  // members of `organization`
    kNamePrefix = 5,    // `text` is one or more word prefixes, all of which must match a word
                        // of the name; case- and accent-insensitive ("jose alv")
    kNotContactedSince = 6,  // last_interaction_at before `since` (never contacted included),
                             // least recently contacted first
    kCountry = 7,            // `text` is the address's country (case-insensitive), by id
                             // (since 0.3; a file of schema 1 gets the index when opened writable)
  };
  By by = By::kAll;
  std::string text;
  LifecycleStage stage = LifecycleStage::kLead;
  CustomerId organization = 0;
  Timestamp since = 0;
  bool include_archived = false;
  std::size_t limit = 50;  // page size, 1 to 1000
  // Empty for the first page; then the previous page's next_page_token. Pages are keyset
  // based: concurrent writes never make a page repeat or skip a record that stayed put.
  std::string page_token;

  static CustomerQuery All();
  static CustomerQuery Tag(std::string tag);
  static CustomerQuery Owner(std::string owner);
  static CustomerQuery Stage(LifecycleStage stage);
  static CustomerQuery Organization(CustomerId organization);
  static CustomerQuery NamePrefix(std::string prefix);
  static CustomerQuery NotContactedSince(Timestamp since);
  static CustomerQuery Country(std::string country);
};

struct CustomerPage {
  std::vector<Customer> customers;
  std::string next_page_token;  // empty when this is the last page
};

struct DeleteOptions {
  // Also delete the customer's interactions and opportunities, its place in other deals' contact
  // roles and (for an organization) its members' memberships, all in the same transaction.
  // Without it, a customer that has any of these is not deleted (FailedPrecondition).
  bool cascade = false;
};

// The fields a patch of a customer sets (PatchCustomer; crm::Patch in types.hpp); every other
// field keeps its stored value. Names as in the change feed: display_name, given_name, family_name, kind, emails, phones, address (all of
// it) or address.street / .city / .region / .postal_code / .country, stage, owner, tags, custom
// (all of it) or custom.<name> (that one; removed when the patch has none of that name), consent
// (all of it) or consent.email_opt_in / .email_legal_basis / .email_opt_in_at / .do_not_call,
// external_id, memberships; since 0.11 also job_title, department, industry, website, domains,
// annual_revenue, employees, account_type and parent. A leading '+' on emails, phones, tags or memberships adds the patch's
// values to the stored ones (those already there, ignoring case for emails and tags, are kept
// once) instead of replacing them.

// Reads of customers: members of every transaction (ReadTxn and WriteTxn).
class CustomerReads {
 public:
  // NotFound when no customer has that id.
  absl::StatusOr<Customer> GetCustomer(CustomerId id) const;
  // Case-insensitive; NotFound when no customer has that email.
  absl::StatusOr<Customer> FindCustomerByEmail(std::string_view email) const;
  // NotFound when no customer has that external id.
  absl::StatusOr<Customer> FindCustomerByExternalId(std::string_view external_id) const;
  // Customers with a phone number equal to `phone` once formatting is ignored; a national
  // number (7 digits or more) also matches the same number with a country code, both ways.
  // Sorted by id; empty when none matches.
  absl::StatusOr<std::vector<Customer>> FindCustomersByPhone(std::string_view phone) const;
  // Organizations with this domain, given as a domain, a web address or an email address
  // ("acme.com", "https://www.acme.com/about", "ann@acme.com"). Sorted by id.
  absl::StatusOr<std::vector<Customer>> FindCustomersByDomain(std::string_view domain) const;
  absl::StatusOr<CustomerPage> ListCustomers(const CustomerQuery& query) const;
  // How many customers the query covers in all (limit and page_token are ignored).
  absl::StatusOr<std::uint64_t> CountCustomers(const CustomerQuery& query) const;

 protected:
  CustomerReads() = default;
};

// Writes of customers: members of WriteTxn.
class CustomerWrites {
 public:
  // Validates and inserts a new customer; returns it with id, revision 1 and times set.
  absl::StatusOr<Customer> CreateCustomer(const Customer& customer);
  // Replaces the customer `customer.id`; `customer.revision` must be the stored revision
  // (Aborted otherwise: someone else changed it). Returns the stored result.
  absl::StatusOr<Customer> UpdateCustomer(const Customer& customer);
  // Creates or replaces the customer with `customer.external_id` (which must not be empty),
  // regardless of revision: the other system is the source of truth.
  absl::StatusOr<Customer> UpsertCustomer(const Customer& customer);
  // Changes only the fields `patch` names of the customer `customer.id` (revision checked unless
  // 0), or, when id is 0, of the customer with `customer.external_id`, which is created from
  // `customer` when there is none. An upsert that carries a new email no longer wipes the phones,
  // tags and owner it does not name. InvalidArgument naming an unknown field.
  absl::StatusOr<Customer> PatchCustomer(const Customer& customer, const Patch& patch);
  // Soft delete: hidden from lists and counts unless include_archived; lookups by id, email,
  // phone and external id still find it, and its unique keys stay taken.
  absl::StatusOr<Customer> ArchiveCustomer(CustomerId id);
  absl::StatusOr<Customer> RestoreCustomer(CustomerId id);
  // Removes the customer and its index entries; frees its email and external id. A customer
  // with interactions, opportunities, contact roles or (an organization) members or subsidiaries
  // is refused
  // unless `options.cascade` (FailedPrecondition, ErrorKind::kHasDependents, naming what it
  // still has).
  absl::Status DeleteCustomer(CustomerId id, DeleteOptions options = {});

 protected:
  CustomerWrites() = default;
};

}  // namespace crm
