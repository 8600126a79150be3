// The named LMDB tables of a libcrm database and what their keys and values hold.
//
//   meta               text key -> value: format version, id sequences, counters
//   customers          U64(id) -> envelope(Customer)
//   customer_email     folded email -> U64(id)                         (unique)
//   customer_external  external id -> U64(id)                          (unique)
//   customer_phone     Str(reversed phone digits) U64(id) -> flags
//   customer_name      Str(folded name word) U64(id) -> flags
//   customer_tag       Str(folded tag) U64(id) -> flags
//   customer_owner     Str(owner) U64(id) -> flags
//   customer_stage     U8(stage) U64(id) -> flags
//   customer_country   Str(folded country) U64(id) -> flags       (since schema 2)
//   customer_org       U64(organization) U64(person) -> flags
//   customer_domain    Str(domain) U64(id) -> flags                     (since schema 3)
//   customer_parent    U64(parent) U64(id) -> flags                     (since schema 3)
//   customer_contact   U64(id) -> I64(last_interaction_at)   (absent: never contacted)
//   customer_contacted I64(last_interaction_at) U64(id) -> flags
//   interactions       U64(customer) I64(occurred_at) U64(id) -> envelope(Interaction)
//                      (clustered: a customer's timeline is one range scan)
//   interaction_ids    U64(id) -> U64(customer) I64(occurred_at)
//   interaction_opp    U64(opportunity) U64(interaction) -> ""
//   pipelines          U64(id) -> envelope(Pipeline)
//   opportunities      U64(id) -> envelope(Opportunity)
//   opp_customer       U64(customer) U64(id) -> flags
//   opp_stage          U64(pipeline) U32(stage) U64(id) -> flags
//   opp_owner          Str(owner) U64(id) -> flags
//   opp_close          I64(expected_close) U64(id) -> flags
//   opp_contact        U64(person) U64(id) -> ""
//   opp_external       external id -> U64(id)                          (unique; since schema 3)
//   interaction_external external id -> U64(id)                        (unique; since schema 3)
//   index_catalog      U8(entity type) Str(field) -> U32(number)          (since schema 4)
//   field_index        U32(number) value U64(id) -> flags                 (since schema 4)
//                      (the declared indexes: value is query::SortKey's encoding of each value)
//   users              U64(id) -> envelope(User)                            (since schema 5)
//   user_login         folded login -> U64(id)                              (unique; since schema 5)
//   user_email         folded email -> U64(id)                              (unique; since schema 5)
//   user_name          Str(folded name) U64(id) -> flags                    (since schema 5)
//   teams              U64(id) -> envelope(Team)                            (since schema 5)
//   team_name          folded name -> U64(id)                               (unique; since schema 5)
//   erasures           U64(seq of the tombstone) -> envelope(Erasure)            (since schema 6)
//   suppressions       keyed hash (32 bytes) of an email or phone -> I64(at) U64(erasure seq)
//                      (since schema 6; the key is the meta entry "suppression_key")
//   consents           U64(customer) Str(purpose) U8(channel) I64(captured_at) U64(id)
//                      -> envelope(ConsentRecord)                          (since schema 7)
//   data_keys          U64(customer) -> wrapped data key (encrypted stores; since schema 8;
//                      src/model/sealing.h)
//   import_jobs        U64(id) -> envelope(ImportJob)                      (since schema 9)
//   import_errors      U64(job) U64(row) -> envelope(ImportRowError)          (since schema 9;
//                      sealed with the job's data key, owner kJobKeyOwner | job, in encrypted stores)
//   import_undo        U64(job) U64(customer) -> envelope(imports::UndoEntry) (since schema 9;
//                      sealed with the customer's data key in encrypted stores)
//   quotas             U8(1 user, 2 team) U64(id) Str(period) -> envelope(Quota) (since schema 11)
//   deal_totals        U64(pipeline) U32(stage) Str(currency) Str(owner) -> the deals' count and sums
//                      (since schema 11; sales/totals.h)
//   deal_closings      I64(closed_at) U64(id) -> what the win rate and sales cycle read of a
//                      closed deal; none in encrypted stores (since schema 20; sales/closings.h)
//   deal_scores        U64(pipeline) Str(field) Str(value) -> U64(won) U64(lost): the deal-scoring
//                      model's counts (since schema 12; sales/scores.h)
//   exchange_rates     Str(from) Str(to) I64(effective) -> U64(rate x 10^9) I64(updated_at)
//                      (since schema 12; sales/rates.h)
//   products           U64(id) -> envelope(Product)                       (since schema 13)
//   product_code       folded code -> U64(id)                             (unique; since schema 13)
//   product_deals      U64(product) U64(opportunity) -> flags: the deals with a line of it
//                      (since schema 13)
//   purchases          U64(customer) I64(at) U8(source) U64(id) -> the purchase's amount
//   customer_facts     U64(customer) -> the customer's purchase facts and churn time
//   customer_value     Str(currency) I64(total) U64(~customer) -> "": customers by value
//                      (the three since schema 14; analytics/facts.h)
//   churn_counts       Str(field) Str(value) -> U64(churned) U64(stayed): the churn-risk model's
//                      counts (since schema 14; analytics/risk.h)
//   customer_match     Str(match key) U64(id) -> flags, or in encrypted stores the key's keyed hash
//                      and U64(id): duplicate matching's blocking keys (since schema 15;
//                      duplicates/match.h)
//   duplicate_pairs    U64(a) U64(b) -> the pair kept for review; duplicate_pair_of U64(b) U64(a)
//                      -> "" (since schema 15; duplicates/pairs.h)
//   merges             U64(merge id) -> envelope(duplicates::Journal): what a merge changed, for
//                      its unmerge (sealed with the survivor's data key)
//   merge_survivor     U64(survivor) U64(merge id) -> "": the merges into a customer
//   customer_merged    U64(merged customer) -> U64(survivor) U64(merge id): the redirect
//                      (the three since schema 16; duplicates/journal.h)
//   segments           U64(id) -> envelope(Segment)                       (since schema 17)
//   segment_name       folded name -> U64(id)                             (unique; since schema 17)
//   segment_member     U64(segment) U64(customer) -> "": the members
//   customer_segment   U64(customer) U64(segment) -> "": the same, by customer
//                      (the four since schema 17; segments/segments.h; the member counts are
//                      meta counters "segment.<id>")
//   campaigns          U64(id) -> envelope(Campaign)                      (since schema 17)
//   campaign_member    U64(campaign) U64(customer) -> envelope(CampaignMember)
//   customer_campaign  U64(customer) U64(campaign) -> "": the same, by customer
//   campaign_events    U64(campaign) U64(customer) I64(at) U64(id) -> envelope(CampaignEvent)
//                      (the four since schema 17; campaigns/campaigns.h; member counts are meta
//                      counters "campaign.<id>")
//   tickets, customer_ticket, ticket_entries, ticket_due, ticket_opened, calendars, sla_policies
//                      (since schema 18; tickets/tickets.h)
//   changes            U64(seq) -> envelope(Change)
//   change_entity      U8(entity type) U64(entity id) U64(seq) -> ""
//
// flags: one byte. Customers: kFlagArchived while archived; opportunities: kFlagClosed once won
// or lost. Lists skip what they filter out without decoding it.
//
// Schema versions: the meta table records the version of the file. A release opens files of its
// version and every earlier one. A writable open of an earlier file migrates it, in the same
// write transaction that creates the new tables: each migration step (src/store/migrations.cc)
// backfills what its version added, and the version is recorded last. A read-only open of an
// earlier file reads it as it is: a table it does not have yet is absent (kAbsentTable), and the
// reads that need it say so.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "crm/types.hpp"
#include "storage/lmdb.h"

namespace crm {
struct DuplicateAlert;
}  // namespace crm
namespace crm::query {
class IndexCatalog;
}  // namespace crm::query
namespace crm::users {
class Directory;
struct DirectoryCache;
}  // namespace crm::users

namespace crm::model {

class Sealing;

// 1: libcrm 0.1 to 0.3. 2: customer_country. 3: opp_external, interaction_external,
// customer_domain, customer_parent. 4: index_catalog, field_index. 5: users and teams.
// 6: erasures, suppressions. 7: consents. 8: data_keys (encryption at rest). 9: import jobs.
// 10: import jobs of deals and interactions (job records of version 1, undo entries of deals and
// interactions under 25-byte keys, which a schema-9 reader would take for damage).
// 11: quotas, deal totals; forecast categories of stages and deals (records of a later version).
// 12: deal scores (the counts of the scoring model), exchange rates.
// 13: products, and deals' line items (opportunity records of version 3).
// 14: purchase facts (purchases, customer_facts, customer_value), churn counts.
// 15: duplicate matching (customer_match, duplicate_pairs, duplicate_pair_of).
// 16: merges and their redirects (merges, merge_survivor, customer_merged).
// 17: segments (segments, segment_name, segment_member, customer_segment); campaigns (campaigns,
// campaign_member, customer_campaign, campaign_events).
// 18: tickets (tickets, customer_ticket, ticket_entries, ticket_due, ticket_opened, calendars,
// sla_policies).
// 19: final merges (merge records of a later version).
// 20: the closed deals by closing time (deal_closings).
inline constexpr std::uint64_t kSchemaVersion = 20;
// The handle of a table an earlier file opened read-only does not have.
inline constexpr storage::Table kAbsentTable = ~storage::Table{0};
inline constexpr char kFlagArchived = 0x01;
inline constexpr char kFlagClosed = 0x02;

struct Schema {
  storage::Table meta;
  storage::Table customers;
  storage::Table customer_email;
  storage::Table customer_external;
  storage::Table customer_phone;
  storage::Table customer_name;
  storage::Table customer_tag;
  storage::Table customer_owner;
  storage::Table customer_stage;
  storage::Table customer_country;
  storage::Table customer_org;
  storage::Table customer_domain;
  storage::Table customer_parent;
  storage::Table customer_contact;
  storage::Table customer_contacted;
  storage::Table interactions;
  storage::Table interaction_ids;
  storage::Table interaction_opp;
  storage::Table pipelines;
  storage::Table opportunities;
  storage::Table opp_customer;
  storage::Table opp_stage;
  storage::Table opp_owner;
  storage::Table opp_close;
  storage::Table opp_contact;
  storage::Table opp_external;
  storage::Table interaction_external;
  storage::Table index_catalog;
  storage::Table field_index;
  storage::Table users;
  storage::Table user_login;
  storage::Table user_email;
  storage::Table user_name;
  storage::Table teams;
  storage::Table team_name;
  storage::Table erasures;
  storage::Table suppressions;
  storage::Table consents;
  storage::Table data_keys;
  storage::Table import_jobs;
  storage::Table import_errors;
  storage::Table import_undo;
  storage::Table quotas;
  storage::Table deal_totals;
  storage::Table deal_closings;
  storage::Table deal_scores;
  storage::Table exchange_rates;
  storage::Table products;
  storage::Table product_code;
  storage::Table product_deals;
  storage::Table purchases;
  storage::Table customer_facts;
  storage::Table customer_value;
  storage::Table churn_counts;
  storage::Table customer_match;
  storage::Table duplicate_pairs;
  storage::Table duplicate_pair_of;
  storage::Table merges;
  storage::Table merge_survivor;
  storage::Table customer_merged;
  storage::Table segments;
  storage::Table segment_name;
  storage::Table segment_member;
  storage::Table customer_segment;
  storage::Table campaigns;
  storage::Table campaign_member;
  storage::Table customer_campaign;
  storage::Table campaign_events;
  storage::Table tickets;
  storage::Table customer_ticket;
  storage::Table ticket_entries;
  storage::Table ticket_due;
  storage::Table ticket_opened;
  storage::Table calendars;
  storage::Table sla_policies;
  storage::Table changes;
  storage::Table change_entity;

  // The file's schema version once opened (kSchemaVersion after a writable open).
  std::uint64_t version = 0;

  // Migrates a file of schema `from` (below kSchemaVersion) in the write transaction `txn`, in
  // which every table of this version already exists.
  using Migrate = std::function<absl::Status(storage::Txn& txn, const Schema& schema, std::uint64_t from)>;
  // Sets up a new file in the write transaction that creates it.
  using Create = std::function<absl::Status(storage::Txn& txn, const Schema& schema)>;

  // Opens every table. Writable: creates the missing ones and, in the same transaction, migrates
  // an earlier file with `migrate` and records this version (a new file gets it directly, and
  // `create` runs on it). Read-only: tables a file of an earlier version does not have are
  // kAbsentTable.
  static absl::StatusOr<Schema> Open(storage::Env& env, const Migrate& migrate, const Create& create = {});
};

// The id sequences and counters a write transaction changed, kept in memory and written to the
// meta table once, when the transaction commits (a bulk insert then costs no meta writes per
// record).
class Counters {
 public:
  // The value as this transaction sees it (pending changes included).
  absl::StatusOr<std::uint64_t> Get(const storage::Txn& txn, const Schema& schema, std::string_view name);
  absl::Status Add(const storage::Txn& txn, const Schema& schema, std::string_view name, std::int64_t delta);
  // Writes every changed value; called just before commit.
  absl::Status Flush(storage::Txn& txn, const Schema& schema);
  // How many changes Add has made (a pending change is a write, as storage::Txn::writes counts).
  std::uint64_t changes() const { return changes_; }
  // The number of the change feed's last entry, once this transaction has read or written it
  // (changes::Record): a transaction recording many changes looks it up once.
  std::optional<std::uint64_t> last_change;

 private:
  struct Entry {
    std::uint64_t value;
    bool dirty;
  };
  absl::flat_hash_map<std::string, Entry> entries_;
  std::uint64_t changes_ = 0;
};

// What a domain operation runs against.
struct Ctx {
  storage::Txn& txn;
  const Schema& schema;
  Timestamp now = 0;              // when the transaction began: the time stamped on changes
  Counters* counters = nullptr;   // write transactions: pending counter changes
  std::string_view actor;         // write transactions: who makes the changes
  bool importing = false;         // write transactions in import mode (crm::WriteOptions::import)
  query::IndexCatalog* indexes = nullptr;  // the declared indexes, loaded once per transaction
  std::string_view phone_region = {};      // StoreOptions::phone_region
  Sealing* sealing = nullptr;              // encrypted stores: the customers' data keys
  // Read transactions: the owners' directory, loaded once per snapshot (users::Directory::Shared).
  std::shared_ptr<const users::Directory>* owners = nullptr;
  // Read transactions: the store's directory of the latest users generation it has read.
  users::DirectoryCache* directories = nullptr;
  // Write transactions: the duplicate rule's alerts (crm::DuplicateWrites::DuplicateAlerts).
  std::vector<DuplicateAlert>* alerts = nullptr;
  bool import_rows = false;  // writes of an import job's rows (the duplicate rule's on_import)
};

// Id sequences and counters kept in the meta table.
absl::StatusOr<std::uint64_t> ReadCounter(const Ctx& ctx, std::string_view name);
absl::Status AddToCounter(Ctx& ctx, std::string_view name, std::int64_t delta);
// The id the next NextId call will hand out, without taking it.
absl::StatusOr<std::uint64_t> PeekNextId(const Ctx& ctx, std::string_view sequence);
// The next id of a sequence (1, 2, ...); never hands out the same id twice.
absl::StatusOr<std::uint64_t> NextId(Ctx& ctx, std::string_view sequence);

}  // namespace crm::model
