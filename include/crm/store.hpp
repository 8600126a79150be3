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
  };
  By by = By::kAll;
  std::string text;
  LifecycleStage stage = LifecycleStage::kLead;
  CustomerId organization = 0;
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
};

struct CustomerPage {
  std::vector<Customer> customers;
  std::string next_page_token;  // empty when this is the last page
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
  // Removes the customer and its index entries; frees its email and external id. An
  // organization that still has members cannot be deleted (FailedPrecondition).
  absl::Status DeleteCustomer(CustomerId id);

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
  absl::Status DeleteCustomer(CustomerId id, std::string_view actor = {});
  absl::StatusOr<Customer> GetCustomer(CustomerId id) const;
  absl::StatusOr<Customer> FindCustomerByEmail(std::string_view email) const;
  absl::StatusOr<Customer> FindCustomerByExternalId(std::string_view external_id) const;
  absl::StatusOr<std::vector<Customer>> FindCustomersByPhone(std::string_view phone) const;
  absl::StatusOr<CustomerPage> ListCustomers(const CustomerQuery& query) const;
  absl::StatusOr<std::uint64_t> CountCustomers(const CustomerQuery& query) const;

  const std::string& path() const;
  // The current size of the memory map in bytes (grows as data is added).
  std::size_t map_size() const;

 private:
  explicit Store(std::unique_ptr<detail::StoreImpl> impl);
  std::unique_ptr<detail::StoreImpl> impl_;
};

}  // namespace crm
