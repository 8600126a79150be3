// Protection of personal data: erasing a customer (the right to be forgotten) and the log of
// erasures (since 0.6).
//
// EraseCustomer removes, in one transaction, everything held about a customer: the record and
// its index entries, its interactions, its deals (or, when asked, keeps them anonymised for
// reporting), its contact roles on other deals, its members' memberships and its subsidiaries'
// parent link (for an organization), and every value of these records in the change feed and in
// field history. The feed keeps its gap-free sequence: each change of an erased record keeps its
// number, time, actor, entity and operation, and loses its field values (Change::redacted). A
// tombstone change (ChangeOp::kErase) marks the erasure, and the erasure log keeps when, by whom,
// what was erased and the customer's identifiers masked ("j***@e******.com"), nothing more.
//
// Suppression (below) keeps an erased customer's addresses from being captured again.
//
// What stays on disk: a record's bytes leave the live tables, but LMDB keeps freed pages, and
// the unused room of live pages, until they are reused. A compacted backup
// (Store::Backup with BackupOptions::compact) rewrites every table afresh and holds none of the
// erased customer's bytes; it is the copy to keep, or to put in place of the file.
//
// Thread safety: records are plain values (see types.hpp); the operations are members of the
// transactions (store.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

struct EraseOptions {
  // Keep the customer's own deals for reporting, anonymised: no customer, the title
  // "Erased customer's deal", no external id, lost reason or custom fields, and no contact
  // role of the erased customer; amounts, stages, stage history, owner and dates stay. Without
  // it the deals are erased with the customer.
  bool keep_deals = false;
  // Suppress the customer's emails and phone numbers (see Suppress), so that a later import or
  // capture cannot silently create the person again.
  bool suppress = false;
};

// One erasure, as the erasure log keeps it.
struct Erasure {
  std::uint64_t seq = 0;  // the tombstone's sequence number in the change feed
  Timestamp at = 0;
  std::string actor = {};
  std::uint64_t customer = 0;  // the erased customer's id (ids are never reused)
  // The identifiers the customer had, masked: each word of the name as its first letter and
  // "***", each email as "j***@e******.com", each phone as its last two digits.
  std::vector<std::string> masked = {};
  std::uint64_t interactions = 0;    // interactions erased
  std::uint64_t deals_erased = 0;    // deals erased
  std::uint64_t deals_kept = 0;      // deals kept anonymised
  std::uint64_t changes_redacted = 0;  // changes of the feed whose values were removed

  friend bool operator==(const Erasure&, const Erasure&) = default;
};

// Reads of the erasure log: members of every transaction.
class PrivacyReads {
 public:
  // The erasures whose tombstone has a sequence number >= from_seq, oldest first (at most
  // `limit`, 1 to 1000).
  absl::StatusOr<std::vector<Erasure>> ListErasures(std::uint64_t from_seq = 0, std::size_t limit = 100) const;
  // Whether an email address (text with '@') or a phone number is suppressed.
  absl::StatusOr<bool> IsSuppressed(std::string_view email_or_phone) const;
  // Subject access and portability: everything held about one customer as one JSON document
  // (UTF-8, pretty-printed), NotFound when there is no such customer. Schema
  // "libcrm.subject-export", version 5 (README, "Privacy and security"): format, version,
  // exported_at; customer (every field, typed: times as RFC 3339 UTC text, money as
  // {minor_units, currency, text}); interactions; opportunities (the customer's own, with stage
  // history); contact_roles (its roles on other customers' deals: deal id and role);
  // consent_history (each change of a consent field); consents (every consent record, since
  // version 2: crm/consent.hpp); segments (id, name, kind) and campaigns (each membership with
  // its status, times and event log), since version 3; tickets (each with its status history,
  // SLA milestones and conversation) and merges (the merges into the customer that can still
  // be undone, with the customer and the merged customers as they were), since version 4; changes (every change of the customer,
  // its interactions, its deals and its tickets, in feed order, with values before and after).
  absl::StatusOr<std::string> ExportCustomer(std::uint64_t id) const;

 protected:
  PrivacyReads() = default;
};

// Erasure: a member of write transactions.
class PrivacyWrites {
 public:
  // Erases a customer and what belongs to it (see above); NotFound when there is no such
  // customer. Returns the erasure log's entry.
  absl::StatusOr<Erasure> EraseCustomer(std::uint64_t id, EraseOptions options = {});

  // Suppression: a customer cannot be created, or updated to hold, a suppressed email address
  // or phone number (SuppressedError, naming the field; a customer that already holds it keeps
  // it). The store keeps only a keyed hash (BLAKE2b, libsodium) of the folded address or the
  // number's E.164 digits, under a random key kept in the same file: the file does not show
  // the address, but whoever has the file can test a guess. HubSpot blocklists an address the
  // same way on a GDPR delete. `email_or_phone`: text with '@' is an email address; "@" and a
  // domain ("@acme.com", since 0.20) suppresses every address at that domain; anything else is a
  // phone number, read in the store's phone region. IsSuppressed answers true for an address at
  // a suppressed domain, and the consent rules exclude it.
  absl::Status Suppress(std::string_view email_or_phone);
  // Lifts a suppression (a new, explicit consent); false when there was none.
  absl::StatusOr<bool> Unsuppress(std::string_view email_or_phone);

 protected:
  PrivacyWrites() = default;
};

}  // namespace crm
