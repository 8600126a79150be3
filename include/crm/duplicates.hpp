// Data quality (since 0.17): likely duplicates of a customer with a score and the reasons, a
// duplicate rule applied on write, and the duplicate pairs a store keeps for review (found by a
// store-wide scan or by the rule's alerts; dismissed pairs are not proposed again).
//
// Matching. Two customers are compared on these signals, each a reason with a weight:
//   email        an email address in common, case ignored                          0.97
//   phone        a phone number in common, formatting ignored                      0.6
//   domain       organizations: a website domain in common                         0.9
//   external_id  the same external id, or the same value of one of the id fields
//                (MatchOptions::id_fields: custom fields holding another system's
//                ids, each with a declared index)                                   0.99
//   name         names alike (0.85 or more; see below) with a corroborating signal:
//                the same organization, email domain (not a free-mail one), city,
//                phone or email: (0.8 + 0.2 (similarity - 0.85) / 0.15) times 0.85
//                with one corroborating signal, 0.93 with two, 0.97 with more
// and the score is 1 - the product of (1 - weight) over the reasons: in [0, 1], higher the
// more signals agree. A name alone is never a reason. At the default threshold (0.8) an email,
// a domain or an id in common is enough; a name needs to be nearly the same (0.955 alike) with
// one corroborating signal, 0.89 with two; a phone in common needs a name 0.85 alike.
//
// Name similarity: persons' given and family names word by word with Jaro-Winkler (so typos,
// case and accents count little; "ue", "oe" and "ae" also read as "u", "o" and "a"), a nickname of the same formal name (Bob / Robert, Bill /
// William: a small list shipped with the library) 0.95, an initial of the other's given name
// 0.9, given and family swapped at 0.97 of the straight comparison, and at most 0.7 when either
// part differs much (below 0.75). Organizations: the names without a legal form ("GmbH",
// "Inc.", "S.L."), "and" or a leading "the", words in any order.
//
// Finding candidates does not compare every customer: it reads the email, phone, domain and
// external-id lookups, and an index with one entry per customer: the Soundex of its family name
// with its given name's initial (given names as their formal name; an organization: its first two
// words), tagged with its corroborating values. A customer's candidates are the entries under
// either of its own two keys (that one, and the Soundex of the given name with the family
// initial: swapped names) sharing a tag with it. In an encrypted store the keys and tags are keyed
// hashes, as every lookup key is: they reveal which customers share one, nothing of the names. A
// typo that changes the family name's Soundex (a dropped consonant, a wrong first letter) is
// found only through another lookup (email, phone ...).
//
// Merging (since 0.18). MergeCustomers folds one or more customers (the losers) into another (the
// survivor) in one transaction:
//   - emails, phones, tags, domains, custom fields and memberships are unioned: the survivor's
//     first, in its order, then each loser's new ones in the order the losers are given (emails
//     and tags ignoring case, phones by their digits); the survivor's primary email and phone stay
//     primary;
//   - every other field keeps the survivor's value, or, where the survivor's is empty (no text,
//     no address, 0), takes the first loser's that is not; a custom field both have keeps the
//     survivor's value; consent is the survivor's, except that do_not_call is set when any of
//     them has it; a person's display name made of its given and family names is made again
//     from the merged ones;
//   - MergeOptions::choices overrides both rules field by field: {"address", loser} takes that
//     loser's address, {"custom.tier", loser} its custom field, {"emails", survivor} only the
//     survivor's emails (names as a patch takes them: PatchCustomer);
//   - the losers' interactions, deals, places in deals' contact roles, members (organizations),
//     subsidiaries and consent records move to the survivor (a contact role or membership the
//     survivor already has is kept once); the losers' kept duplicate pairs are dropped;
//   - the losers are removed; GetCustomer of a loser's id returns the survivor (MergedInto says
//     where an id went); the change feed records a merge (ChangeOp::kMerge) on the survivor, and
//     the moves and deletions as their own changes.
// The duplicate rule is not applied to a merge. A merge journal keeps what the merge changed, and
// UnmergeCustomers restores it exactly: the survivor and the losers as they were (same ids and
// fields; a new revision and updated_at), every moved record back where it was, the dropped pairs
// and every index entry. It is refused (FailedPrecondition, naming each blocker) when a record
// the merge wrote has changed since, or the survivor was merged into another customer since
// (unmerge that first). Journals are kept until unmerged, or until the survivor is deleted or
// erased (then its journals and the redirects to it go too), or until the merge is made final.
//
// Final merges (since 0.22). A journal keeps copies of the records the merge changed, personal
// data included; a merge that will not be undone need not keep them. FinalizeMerge (one merge)
// and FinalizeMerges (the merges made before a time: a retention rule for journals) drop those
// copies and keep the merge's record (MergeRecord, with final_at set) and the redirects of the
// losers' ids. A final merge cannot be unmerged (FailedPrecondition says so).
//
// Thread safety: as every transaction operation (store.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/customer.hpp"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

enum class MatchReason : std::uint8_t {
  kEmail = 1,
  kPhone = 2,
  kDomain = 3,
  kExternalId = 4,
  kName = 5,
};
std::string_view MatchReasonName(MatchReason reason);  // "email", "phone", "domain", "external_id", "name"
// The bit of a reason in MatchOptions::reasons.
constexpr std::uint32_t MatchReasonBit(MatchReason reason) { return 1u << static_cast<unsigned>(reason); }
inline constexpr std::uint32_t kEveryMatchReason = 0x3E;

struct MatchEvidence {
  MatchReason reason = MatchReason::kEmail;
  double weight = 0;  // what it adds to the score (see above)
  // The value in common ("ann@acme.com", "+1 555 123 4567", "acme.com", "custom.sf_id = 003X"),
  // or for a name: "0.96 alike; same city, same organization".
  std::string detail;
};

struct DuplicateCandidate {
  CustomerId id = 0;
  double score = 0;
  std::vector<MatchEvidence> reasons;  // strongest first
};

inline constexpr double kDefaultMatchThreshold = 0.8;

struct MatchOptions {
  double threshold = kDefaultMatchThreshold;  // candidates scoring at least this, in (0, 1]
  std::size_t limit = 10;                     // at most this many, the best first; 1 to 1000
  bool include_archived = false;
  bool include_dismissed = false;             // pairs dismissed for review (DismissDuplicatePair)
  std::uint32_t reasons = kEveryMatchReason;  // the signals that count (MatchReasonBit); not 0
  // Custom fields holding ids from other systems ("custom.salesforce_id"), each with a declared
  // index (QueryWrites::DeclareIndex): the same value is an external_id reason. (An encrypted
  // store declares no index on customers' custom fields, so it takes none.)
  std::vector<std::string> id_fields;
};

// What a duplicate rule does when a write makes a customer that has candidates.
enum class DuplicateAction : std::uint8_t {
  kAllow = 0,  // nothing: the rule is off
  kAlert = 1,  // the write succeeds; the pairs are kept for review (ListDuplicateSets) and the
               // transaction lists them (DuplicateAlerts)
  kBlock = 2,  // the write fails: FailedPrecondition, ErrorKind::kDuplicate, naming the candidates
};
std::string_view DuplicateActionName(DuplicateAction action);  // "allow", "alert", "block"

struct DuplicateRule {
  DuplicateAction action = DuplicateAction::kAllow;
  MatchOptions match;      // which signals, the threshold, and how many candidates a message names
  bool on_update = false;  // also on updates, patches and upserts that change the customer
  bool on_import = false;  // also on rows of import jobs (a blocked row fails, with its reason)
};

struct DuplicateAlert {
  CustomerId customer = 0;  // the customer the write made or changed
  std::vector<DuplicateCandidate> candidates;
};

// A pair kept for review: found by a scan or an alert.
struct DuplicatePair {
  CustomerId a = 0;  // a < b
  CustomerId b = 0;
  double score = 0;
  std::uint32_t reasons = 0;  // MatchReasonBit of each reason, when found
  bool dismissed = false;
  Timestamp found_at = 0;
};

// Customers linked by open pairs (a connected group), for review and merging.
struct DuplicateSet {
  std::vector<CustomerId> customers;  // ascending
  std::vector<DuplicatePair> pairs;
};

struct DuplicateSetQuery {
  std::size_t limit = 50;   // sets per page, 1 to 1000
  std::string page_token;   // the previous page's next_page_token
  bool include_dismissed = false;  // dismissed pairs are listed (and link customers) too
};

struct DuplicateSetPage {
  std::vector<DuplicateSet> sets;  // by their smallest customer id
  std::string next_page_token;
};

// A store-wide scan (Store::ScanDuplicates): where it stands.
struct DuplicateScanProgress {
  std::uint64_t examined = 0;  // customers compared so far
  std::uint64_t total = 0;     // customers when the scan started
  std::uint64_t pairs = 0;     // pairs found (or found again) so far
  CustomerId next = 0;         // the next customer to compare; 0 once finished
  bool finished = false;
};

struct DuplicateScanOptions {
  MatchOptions match;         // limit: how many candidates of each customer are kept
  std::size_t batch = 2000;   // customers per write transaction, 1 to 100000
  bool restart = false;       // start again from the first customer (else resume, if a scan ran)
};

using MergeId = std::uint64_t;

struct MergeOptions {
  // Per-field choices: a field as PatchCustomer names it ("given_name", "address", "address.city",
  // "stage", "custom.tier", "emails" ...) and the customer (the survivor or a loser) whose value
  // the survivor takes. InvalidArgument for a field a patch does not take or another customer.
  std::vector<std::pair<std::string, CustomerId>> choices;
};

// A merge, as its journal keeps it.
struct MergeRecord {
  MergeId id = 0;
  CustomerId survivor = 0;
  std::vector<CustomerId> losers;  // as given
  Timestamp merged_at = 0;
  std::string actor;
  // What moved to the survivor.
  std::uint64_t interactions = 0;
  std::uint64_t opportunities = 0;   // deals of a loser
  std::uint64_t contact_roles = 0;   // deals naming a loser as a contact
  std::uint64_t members = 0;         // people who were members of a loser
  std::uint64_t subsidiaries = 0;    // organizations whose parent was a loser
  std::uint64_t consents = 0;        // consent records
  std::uint64_t pairs = 0;           // kept duplicate pairs dropped
  // When the merge was made final (FinalizeMerge): its journal no longer keeps the records it
  // changed, and it cannot be unmerged. 0: it can still be (since 0.22).
  Timestamp final_at = 0;
};

struct MergeResult {
  MergeRecord merge;
  Customer survivor;  // as the merge left it
};

class DuplicateReads {
 public:
  // Likely duplicates of customer `id` (NotFound when there is none), best first.
  absl::StatusOr<std::vector<DuplicateCandidate>> FindDuplicates(CustomerId id, const MatchOptions& options = {}) const;
  // Likely duplicates of a customer not stored (a web form's capture, a row to import): `draft`
  // as CreateCustomer would take it; a non-zero `draft.id` is left out of the candidates.
  absl::StatusOr<std::vector<DuplicateCandidate>> FindDuplicatesOf(const Customer& draft,
                                                                   const MatchOptions& options = {}) const;
  absl::StatusOr<DuplicateRule> GetDuplicateRule() const;
  absl::StatusOr<DuplicateSetPage> ListDuplicateSets(const DuplicateSetQuery& query = {}) const;
  // NotFound when the pair is not kept.
  absl::StatusOr<DuplicatePair> GetDuplicatePair(CustomerId a, CustomerId b) const;
  absl::StatusOr<DuplicateScanProgress> GetDuplicateScan() const;
  // The customer a merged customer's id now resolves to (following later merges of the survivor);
  // NotFound when `id` was not merged away.
  absl::StatusOr<CustomerId> MergedInto(CustomerId id) const;
  // NotFound when there is no such merge (or it was unmerged).
  absl::StatusOr<MergeRecord> GetMerge(MergeId id) const;
  // The merges into `survivor` whose journals are kept, newest first (final ones too).
  absl::StatusOr<std::vector<MergeRecord>> ListMerges(CustomerId survivor) const;

 protected:
  DuplicateReads() = default;
};

class DuplicateWrites {
 public:
  // InvalidArgument for options out of range or an id field without a declared index.
  absl::Status SetDuplicateRule(const DuplicateRule& rule);
  // The alerts of the rule raised by this transaction's writes so far, in order.
  std::vector<DuplicateAlert> DuplicateAlerts() const;
  // Keeps the pair dismissed: it is not proposed again (candidates, alerts, blocks, scans),
  // whether it was kept before or not. InvalidArgument for a == b; NotFound for a missing customer.
  absl::Status DismissDuplicatePair(CustomerId a, CustomerId b);
  // Forgets a kept pair (dismissed or not); NotFound when it is not kept.
  absl::Status ForgetDuplicatePair(CustomerId a, CustomerId b);
  // One batch of the store-wide scan, in this transaction (Store::ScanDuplicates runs them).
  absl::StatusOr<DuplicateScanProgress> ScanDuplicatesStep(const DuplicateScanOptions& options);
  // Merges `losers` (1 to 32, distinct, none the survivor, all of the survivor's kind) into
  // `survivor`, as the header's comment says. NotFound for a missing customer; InvalidArgument for
  // the rest; a merged record that would break a limit (too many emails ...) fails as an update would.
  absl::StatusOr<MergeResult> MergeCustomers(CustomerId survivor, const std::vector<CustomerId>& losers,
                                             const MergeOptions& options = {});
  // Undoes merge `id`, returning what it restored. NotFound for no such merge; FailedPrecondition
  // naming what changed since, writing nothing.
  absl::StatusOr<MergeRecord> UnmergeCustomers(MergeId id);
  // Makes merge `id` final (since 0.22): its journal drops its copies of the records the merge
  // changed; the merge record and the redirects stay. Returns the record (final_at set; a merge
  // already final keeps its time). NotFound for no such merge.
  absl::StatusOr<MergeRecord> FinalizeMerge(MergeId id);
  // Makes final the merges made before `merged_before` (MergeRecord::merged_at) that are not
  // final yet, oldest first, at most `limit` (1 to 100000) in this transaction; returns how many.
  // Fewer than `limit`: none is left. InvalidArgument for a limit out of range.
  absl::StatusOr<std::uint64_t> FinalizeMerges(Timestamp merged_before, std::size_t limit = 1000);

 protected:
  DuplicateWrites() = default;
};

}  // namespace crm
