// The libcrm store: a database file, its transactions and the customer API.
//
// Thread safety:
// - A Store is safe to share between threads; every const and non-const method of Store may be
//   called concurrently. The one-shot calls (CreateCustomer, GetCustomer ...) each run in a
//   transaction of their own.
// - A ReadTxn sees one consistent snapshot. It must be used by one thread at a time, but may be
//   handed from one thread to another. Many read transactions run in parallel with each other
//   and with the writer, in this process and in others.
// - A WriteTxn must be created, used and finished on one thread. There is one writer at a time
//   per database (across processes); BeginWrite waits for the current writer to finish.
//   Do not open a write transaction on a thread that holds an open ReadTxn of the same store:
//   growing the map waits for read transactions to end.
// - Records and pages returned are owned copies; they stay valid after the transaction ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/change.hpp"
#include "crm/interaction.hpp"
#include "crm/pipeline.hpp"
#include "crm/types.hpp"

namespace crm {

namespace detail {
struct StoreImpl;
struct TxnImpl;
}  // namespace detail

struct StoreOptions {
  // Create the database file when it does not exist.
  bool create_if_missing = true;
  // Open for reading only: write transactions fail with FailedPrecondition.
  bool read_only = false;
  // fsync on every commit. With false a committed transaction survives a crash of the process
  // but may be lost on a crash of the operating system or a power failure.
  bool sync = true;
  // The memory map starts at this size and grows by itself when the data needs more.
  std::size_t initial_map_size = std::size_t{64} << 20;
  // The map never grows past this; a write that would need more fails with ResourceExhausted.
  std::size_t max_map_size = std::size_t{1} << 40;
  // Who a write is attributed to when the caller names nobody.
  std::string default_actor = "system";
  // Source of the current time (UTC microseconds); the system clock when empty.
  std::function<Timestamp()> clock;
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
};

struct CustomerPage {
  std::vector<Customer> customers;
  std::string next_page_token;  // empty when this is the last page
};

// A customer's timeline: interactions clustered by customer and time, read by one range scan.
struct TimelineQuery {
  CustomerId customer = 0;
  bool newest_first = true;
  Timestamp from = INT64_MIN;  // inclusive
  Timestamp to = INT64_MAX;    // exclusive
  std::vector<InteractionKind> kinds;  // empty: every kind
  std::size_t limit = 50;              // 1 to 1000
  std::string page_token;
};

struct InteractionPage {
  std::vector<Interaction> interactions;
  std::string next_page_token;  // empty on the last page
};

struct OpportunityQuery {
  enum class By : std::uint8_t {
    kAll = 0,            // by id
    kCustomer = 1,       // `customer`'s deals
    kStage = 2,          // in `pipeline` (the default when 0) at `stage`
    kPipeline = 3,       // every stage of `pipeline`
    kOwner = 4,          // `owner`'s deals
    kExpectedClose = 5,  // expected_close in [close_from, close_to), soonest first
  };
  By by = By::kAll;
  CustomerId customer = 0;
  PipelineId pipeline = 0;
  StageId stage = 0;
  std::string owner;
  Timestamp close_from = INT64_MIN;
  Timestamp close_to = INT64_MAX;
  bool open_only = false;  // leave out won and lost deals
  std::size_t limit = 50;  // 1 to 1000
  std::string page_token;

  static OpportunityQuery All();
  static OpportunityQuery ForCustomer(CustomerId customer);
  static OpportunityQuery AtStage(PipelineId pipeline, StageId stage);
  static OpportunityQuery InPipeline(PipelineId pipeline);
  static OpportunityQuery OwnedBy(std::string owner);
  static OpportunityQuery ClosingBetween(Timestamp from, Timestamp to);
};

struct OpportunityPage {
  std::vector<Opportunity> opportunities;
  std::string next_page_token;  // empty on the last page
};

struct DeleteOptions {
  // Also delete the customer's interactions and opportunities, its place in other deals' contact
  // roles and (for an organization) its members' memberships, all in the same transaction.
  // Without it, a customer that has any of these is not deleted (FailedPrecondition).
  bool cascade = false;
};

class Store;

// A consistent snapshot of the database. Ends (and releases the snapshot) when destroyed.
class ReadTxn {
 public:
  ReadTxn(ReadTxn&&) noexcept;
  ReadTxn& operator=(ReadTxn&&) noexcept;
  ~ReadTxn();

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
  absl::StatusOr<CustomerPage> ListCustomers(const CustomerQuery& query) const;
  // How many customers the query covers in all (limit and page_token are ignored).
  absl::StatusOr<std::uint64_t> CountCustomers(const CustomerQuery& query) const;

  absl::StatusOr<Interaction> GetInteraction(InteractionId id) const;
  absl::StatusOr<InteractionPage> ListTimeline(const TimelineQuery& query) const;

  absl::StatusOr<Pipeline> GetPipeline(PipelineId id) const;
  absl::StatusOr<std::vector<Pipeline>> ListPipelines() const;
  // The pipeline opportunities go to when they name none.
  absl::StatusOr<Pipeline> GetDefaultPipeline() const;

  absl::StatusOr<Opportunity> GetOpportunity(OpportunityId id) const;
  absl::StatusOr<OpportunityPage> ListOpportunities(const OpportunityQuery& query) const;
  absl::StatusOr<std::uint64_t> CountOpportunities(const OpportunityQuery& query) const;

  // The change feed from sequence number `from_seq` on (at most `limit`, 1 to 1000).
  absl::StatusOr<std::vector<Change>> ListChanges(std::uint64_t from_seq, std::size_t limit = 100) const;
  // The sequence number of the newest change (0 when none).
  absl::StatusOr<std::uint64_t> LastChangeSeq() const;
  // Every change of one field of one record, oldest first ("address" also covers
  // "address.city"; custom fields are "custom.<name>").
  absl::StatusOr<std::vector<FieldHistoryEntry>> FieldHistory(EntityType entity, std::uint64_t id,
                                                              std::string_view field) const;

 protected:
  friend class Store;
  explicit ReadTxn(std::unique_ptr<detail::TxnImpl> impl);
  std::unique_ptr<detail::TxnImpl> impl_;
};

// A write transaction: all its changes become visible and durable together on Commit, or not
// at all. A call that fails changes nothing in the transaction; a transaction that is
// destroyed without Commit is aborted.
class WriteTxn : public ReadTxn {
 public:
  WriteTxn(WriteTxn&&) noexcept;
  WriteTxn& operator=(WriteTxn&&) noexcept;
  ~WriteTxn();

  // Validates and inserts a new customer; returns it with id, revision 1 and times set.
  absl::StatusOr<Customer> CreateCustomer(const Customer& customer);
  // Replaces the customer `customer.id`; `customer.revision` must be the stored revision
  // (Aborted otherwise: someone else changed it). Returns the stored result.
  absl::StatusOr<Customer> UpdateCustomer(const Customer& customer);
  // Creates or replaces the customer with `customer.external_id` (which must not be empty),
  // regardless of revision: the other system is the source of truth.
  absl::StatusOr<Customer> UpsertCustomer(const Customer& customer);
  // Soft delete: hidden from lists and counts unless include_archived; lookups by id, email,
  // phone and external id still find it, and its unique keys stay taken.
  absl::StatusOr<Customer> ArchiveCustomer(CustomerId id);
  absl::StatusOr<Customer> RestoreCustomer(CustomerId id);
  // Removes the customer and its index entries; frees its email and external id. A customer
  // with interactions, opportunities, contact roles or (an organization) members is refused
  // unless `options.cascade` (FailedPrecondition naming what it still has).
  absl::Status DeleteCustomer(CustomerId id, DeleteOptions options = {});

  // Logs an interaction on a customer's timeline (occurred_at now when 0); a contact kind moves
  // the customer's last_interaction_at forward.
  absl::StatusOr<Interaction> LogInteraction(const Interaction& interaction);
  // Revision checked; the customer cannot change.
  absl::StatusOr<Interaction> UpdateInteraction(const Interaction& interaction);
  absl::Status DeleteInteraction(InteractionId id);

  absl::StatusOr<Pipeline> CreatePipeline(const Pipeline& pipeline);
  // Renames, reorders, adds and removes stages (revision checked). A stage still holding
  // opportunities cannot be removed.
  absl::StatusOr<Pipeline> UpdatePipeline(const Pipeline& pipeline);
  // Refused for the default pipeline and while opportunities use it.
  absl::Status DeletePipeline(PipelineId id);

  // Creates a deal (pipeline 0: the default; stage 0: its first stage; probability -1: the
  // stage's default). Its history starts with the entry into the first stage.
  absl::StatusOr<Opportunity> CreateOpportunity(const Opportunity& opportunity);
  // Revision checked; a changed stage is recorded as a stage move.
  absl::StatusOr<Opportunity> UpdateOpportunity(const Opportunity& opportunity);
  // Moves to `stage` of its pipeline, recording from, to, when, who, amount and probability.
  absl::StatusOr<Opportunity> MoveOpportunity(OpportunityId id, StageId stage);
  absl::StatusOr<Opportunity> CloseWon(OpportunityId id);
  // `reason` is required.
  absl::StatusOr<Opportunity> CloseLost(OpportunityId id, std::string_view reason);
  // Interactions linked to it keep existing, without the link.
  absl::Status DeleteOpportunity(OpportunityId id);

  absl::Status Commit();
  void Abort();

 private:
  friend class Store;
  explicit WriteTxn(std::unique_ptr<detail::TxnImpl> impl);
};

class Store {
 public:
  // Opens (or creates) the database file at `path`. The file and its lock file `path-lock`
  // are created readable and writable by the owner only.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path,
                                                     StoreOptions options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  absl::StatusOr<ReadTxn> BeginRead() const;
  // `actor` names who makes the changes; the store's default actor when empty.
  absl::StatusOr<WriteTxn> BeginWrite(std::string_view actor = {});

  // Runs `fn` in a write transaction and commits when it returns OK (aborts otherwise). When
  // the database needs a larger map the transaction is aborted, the map grown and `fn` run
  // again, so `fn` must have no effects outside the transaction.
  absl::Status Write(std::string_view actor, const std::function<absl::Status(WriteTxn&)>& fn);

  // One-shot calls: each runs in its own transaction (see the transaction methods).
  absl::StatusOr<Customer> CreateCustomer(const Customer& customer, std::string_view actor = {});
  absl::StatusOr<Customer> UpdateCustomer(const Customer& customer, std::string_view actor = {});
  absl::StatusOr<Customer> UpsertCustomer(const Customer& customer, std::string_view actor = {});
  absl::StatusOr<Customer> ArchiveCustomer(CustomerId id, std::string_view actor = {});
  absl::StatusOr<Customer> RestoreCustomer(CustomerId id, std::string_view actor = {});
  absl::Status DeleteCustomer(CustomerId id, DeleteOptions options = {}, std::string_view actor = {});
  absl::StatusOr<Customer> GetCustomer(CustomerId id) const;
  absl::StatusOr<Customer> FindCustomerByEmail(std::string_view email) const;
  absl::StatusOr<Customer> FindCustomerByExternalId(std::string_view external_id) const;
  absl::StatusOr<std::vector<Customer>> FindCustomersByPhone(std::string_view phone) const;
  absl::StatusOr<CustomerPage> ListCustomers(const CustomerQuery& query) const;
  absl::StatusOr<std::uint64_t> CountCustomers(const CustomerQuery& query) const;

  absl::StatusOr<Interaction> LogInteraction(const Interaction& interaction, std::string_view actor = {});
  absl::StatusOr<Interaction> UpdateInteraction(const Interaction& interaction, std::string_view actor = {});
  absl::Status DeleteInteraction(InteractionId id, std::string_view actor = {});
  absl::StatusOr<Interaction> GetInteraction(InteractionId id) const;
  absl::StatusOr<InteractionPage> ListTimeline(const TimelineQuery& query) const;

  absl::StatusOr<Pipeline> CreatePipeline(const Pipeline& pipeline, std::string_view actor = {});
  absl::StatusOr<Pipeline> UpdatePipeline(const Pipeline& pipeline, std::string_view actor = {});
  absl::Status DeletePipeline(PipelineId id, std::string_view actor = {});
  absl::StatusOr<Pipeline> GetPipeline(PipelineId id) const;
  absl::StatusOr<std::vector<Pipeline>> ListPipelines() const;
  absl::StatusOr<Pipeline> GetDefaultPipeline() const;

  absl::StatusOr<Opportunity> CreateOpportunity(const Opportunity& opportunity, std::string_view actor = {});
  absl::StatusOr<Opportunity> UpdateOpportunity(const Opportunity& opportunity, std::string_view actor = {});
  absl::StatusOr<Opportunity> MoveOpportunity(OpportunityId id, StageId stage, std::string_view actor = {});
  absl::StatusOr<Opportunity> CloseWon(OpportunityId id, std::string_view actor = {});
  absl::StatusOr<Opportunity> CloseLost(OpportunityId id, std::string_view reason, std::string_view actor = {});
  absl::Status DeleteOpportunity(OpportunityId id, std::string_view actor = {});
  absl::StatusOr<Opportunity> GetOpportunity(OpportunityId id) const;
  absl::StatusOr<OpportunityPage> ListOpportunities(const OpportunityQuery& query) const;
  absl::StatusOr<std::uint64_t> CountOpportunities(const OpportunityQuery& query) const;

  absl::StatusOr<std::vector<Change>> ListChanges(std::uint64_t from_seq, std::size_t limit = 100) const;
  absl::StatusOr<std::uint64_t> LastChangeSeq() const;
  absl::StatusOr<std::vector<FieldHistoryEntry>> FieldHistory(EntityType entity, std::uint64_t id,
                                                              std::string_view field) const;

  const std::string& path() const;
  // The current size of the memory map in bytes (grows as data is added).
  std::size_t map_size() const;

 private:
  explicit Store(std::unique_ptr<detail::StoreImpl> impl);
  std::unique_ptr<detail::StoreImpl> impl_;
};

}  // namespace crm
