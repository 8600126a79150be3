// The libcrm store: a database file and its transactions. Each concept's header declares its
// records, queries and operations (customer.hpp, interaction.hpp, pipeline.hpp, opportunity.hpp,
// change.hpp); the operations are members of the transactions below.
//
// Thread safety:
// - A Store is safe to share between threads; every method of Store may be called concurrently.
//   Opening a file this process already has open shares one environment (storage/lmdb.h).
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
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/analytics.hpp"
#include "crm/campaign.hpp"
#include "crm/lead.hpp"
#include "crm/ticket.hpp"
#include "crm/duplicates.hpp"
#include "crm/change.hpp"
#include "crm/customer.hpp"
#include "crm/error.hpp"
#include "crm/product.hpp"
#include "crm/import.hpp"
#include "crm/interaction.hpp"
#include "crm/maintenance.hpp"
#include "crm/opportunity.hpp"
#include "crm/pipeline.hpp"
#include "crm/privacy.hpp"
#include "crm/consent.hpp"
#include "crm/query.hpp"
#include "crm/sales.hpp"
#include "crm/segment.hpp"
#include "crm/user.hpp"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

namespace detail {
struct StoreImpl;
}  // namespace detail

// How much of a commit survives what, from the strongest; SQLite's counterparts (in WAL mode)
// in brackets.
enum class Durability : std::uint8_t {
  // The commit is on disk when it returns: it survives a crash of the process, of the operating
  // system and a power loss. Two fsyncs a commit (synchronous=FULL).
  kFull = 0,
  // The commit's pages are on disk when it returns; the page that makes them current (LMDB's
  // meta page) is written and reaches the disk with the next commit's fsync. A crash of the
  // process loses nothing; a crash of the system or a power loss may lose the last commit and
  // never damages the file. One fsync a commit (synchronous=NORMAL).
  kNormal = 1,
  // Nothing is synced: a crash of the process loses nothing; a crash of the system or a power
  // loss may lose recent commits and, on a file system that reorders writes, damage the file
  // (synchronous=OFF). For loads that can be run again.
  kNone = 2,
};

struct StoreOptions {
  // Create the database file when it does not exist.
  bool create_if_missing = true;
  // Open for reading only: write transactions fail with FailedPrecondition.
  bool read_only = false;
  // What a commit has reached when it returns (Durability). Store::Flush writes every commit so
  // far to disk at any level.
  Durability durability = Durability::kFull;
  // false: Durability::kNone, whatever `durability` says (the setting of libcrm before 0.8).
  bool sync = true;
  // The address space reserved for the memory map at open (not disk space: the file grows as
  // data is added). Never more than max_map_size. The map grows by itself past it, but growing
  // waits for this process's read transactions to end, so the default makes growth rare.
  std::size_t initial_map_size = std::size_t{64} << 30;
  // The size limit. Once the data in use reaches it less a reserve (a sixteenth of it, between
  // 1 and 64 MiB), a write that adds data fails with ResourceExhausted and leaves the store as
  // it was; deletes go on working, using the reserve, so a full store can be cleaned up.
  std::size_t max_map_size = std::size_t{1} << 40;
  // Who a write is attributed to when the caller names nobody.
  std::string default_actor = "system";
  // The region (ISO 3166 alpha-2, "DE") of phone numbers written without a country code: they
  // are read as numbers of that region into E.164 (see Phone). Empty: only numbers with a
  // country code ("+49 ...", "0049 ...") get an E.164 form. Lookups by phone read the number
  // asked for the same way.
  std::string phone_region;
  // Source of the current time (UTC microseconds); the system clock when empty.
  std::function<Timestamp()> clock;
  // Encryption of personal values at rest (since 0.9; see "Privacy and security" in the README):
  // the store key as 32 raw bytes, or a passphrase stretched with Argon2id (the salt is kept in
  // the file). At most one of the two. Given when a new database is created, the database is
  // encrypted, and every later open must give the same key; an encrypted database opened
  // without it, or with another, fails with PermissionDenied and changes nothing. Given for an
  // existing database that is not encrypted, the open fails with FailedPrecondition. Rekey
  // changes the key.
  std::string encryption_key;
  std::string encryption_passphrase;
};

// How a write transaction writes.
struct WriteOptions {
  // Who the changes are attributed to; the store's default actor when empty.
  std::string actor;
  // Import mode, for migrations from another system: creates keep the historical times their
  // records carry instead of the current time (customers' and interactions' created_at and
  // updated_at; an opportunity's created_at, closed_at, stage history and lost reason, checked
  // for consistency: see opportunity.hpp), so that sales cycles survive the move. Every change
  // the transaction writes is flagged `imported` in the change feed, under the actor.
  bool import = false;
};

class Store;

// A consistent snapshot of the database: every concept's reads. Ends (and releases the
// snapshot) when destroyed.
class ReadTxn : public CustomerReads,
                public InteractionReads,
                public PipelineReads,
                public OpportunityReads,
                public ChangeReads,
                public MaintenanceReads,
                public QueryReads,
                public UserReads,
                public PrivacyReads,
                public ConsentReads,
                public ImportReads,
                public SalesReads,
                public ProductReads,
                public AnalyticsReads,
                public DuplicateReads,
                public SegmentReads,
                public CampaignReads,
                public TicketReads {
 public:
  ReadTxn(ReadTxn&&) noexcept;
  ReadTxn& operator=(ReadTxn&&) noexcept;
  ~ReadTxn();

 protected:
  friend class Store;
  template <class Part>
  friend detail::TxnImpl* detail::ImplOf(const Part* part);
  explicit ReadTxn(std::unique_ptr<detail::TxnImpl> impl);
  std::unique_ptr<detail::TxnImpl> impl_;
};

// A write transaction: every concept's reads and writes. All its changes become visible and
// durable together on Commit, or not at all. A call that fails before writing anything changes
// nothing; one that fails after it started writing aborts the whole transaction (every later
// call, and Commit, then say so). A transaction destroyed without Commit is aborted.
class WriteTxn : public ReadTxn,
                 public CustomerWrites,
                 public InteractionWrites,
                 public PipelineWrites,
                 public OpportunityWrites,
                 public QueryWrites,
                 public UserWrites,
                 public PrivacyWrites,
                 public ConsentWrites,
                 public SalesWrites,
                 public ProductWrites,
                 public AnalyticsWrites,
                 public DuplicateWrites,
                 public SegmentWrites,
                 public CampaignWrites,
                 public TicketWrites,
                 public LeadWrites {
 public:
  WriteTxn(WriteTxn&&) noexcept;
  WriteTxn& operator=(WriteTxn&&) noexcept;
  ~WriteTxn();

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
  absl::StatusOr<WriteTxn> BeginWrite(const WriteOptions& options);

  // Runs `fn` in a write transaction and commits when it returns OK (aborts otherwise). When
  // the database needs a larger map the transaction is aborted, the map grown and `fn` run
  // again, so `fn` must have no effects outside the transaction.
  // Group commit: calls made by several threads at once share one commit. Each `fn` runs on its
  // own caller's thread, in a transaction nested in the group's: a failing one leaves nothing,
  // the others commit. Every call returns once the shared commit is durable, with its own
  // status. An `fn` sees the writes of the calls grouped before it, as if they had committed
  // first; nothing outside the group sees them before the commit. Within `fn`, another write or
  // a backup on this thread is Unavailable (it would wait for its own group).
  absl::Status Write(std::string_view actor, const std::function<absl::Status(WriteTxn&)>& fn);
  absl::Status Write(const WriteOptions& options, const std::function<absl::Status(WriteTxn&)>& fn);

  // One-shot calls: any transaction operation, in a transaction of its own. A read runs in a
  // read transaction; a write in Write() (committed, retried when the map grows) as the
  // default actor, or as `actor` with RunAs:
  //   store.Run(&ReadTxn::GetCustomer, id);
  //   store.Run(&WriteTxn::CreateCustomer, customer);
  //   store.RunAs("ann", &WriteTxn::MoveOpportunity, deal, stage);
  // Arguments are passed as they are (every argument, defaulted ones too).
  template <class Part, class R, class... Params, class... Args>
  R Run(R (Part::*op)(Params...) const, const Args&... args) const {
    auto txn = BeginRead();
    if (!txn.ok()) return R(txn.status());
    const ReadTxn& t = *txn;
    return (t.*op)(args...);
  }
  template <class Part, class R, class... Params, class... Args>
  R Run(R (Part::*op)(Params...), const Args&... args) {
    return RunAs({}, op, args...);
  }
  template <class Part, class R, class... Params, class... Args>
  R RunAs(std::string_view actor, R (Part::*op)(Params...), const Args&... args) {
    R result = R(absl::UnknownError("not run"));
    absl::Status s = Write(actor, [&](WriteTxn& t) {
      result = (t.*op)(args...);
      return detail::StatusOf(result);
    });
    if (!s.ok()) return R(s);
    return result;
  }

  // Copies the database, as of one snapshot, to a new file at `path` (AlreadyExists if there
  // is one), owner-only and synced to disk; the copy opens like any database. Writers go on
  // meanwhile, pausing only while the copy's snapshot is taken. `compact` leaves out free
  // pages: the copy is as small as the data (compaction: copy, then replace the file while
  // no process has it open). Unavailable on a thread holding this store's write transaction.
  absl::Status Backup(const std::string& path, BackupOptions options = {}) const;

  // Writes every commit made so far to disk (fsync): at Durability kNormal or kNone, the point
  // up to which a crash of the system or a power loss loses nothing. OK on a read-only store.
  absl::Status Flush() const;

  // Changes the key of this encrypted store (since 0.10): afterwards the database opens with
  // `encryption_key` (32 raw bytes) or `encryption_passphrase` (a new salt is drawn), exactly
  // one of the two, and no longer with the old one. One small write transaction, synced to disk
  // before it returns whatever the store's durability: interrupted at any point (a crash, a
  // kill, a power loss), the database opens with the old key or the new one, and a returned OK
  // means the new one. Stores and processes that have the database open go on unchanged.
  // Nothing else in the file changes: the key seals the store's root key, from which the keys
  // of the data derive (README, "Privacy and security"). FailedPrecondition on a store that is
  // not encrypted; InvalidArgument for no key, both, or a raw key not 32 bytes long.
  absl::Status Rekey(std::string_view encryption_key, std::string_view encryption_passphrase);

  // The store-wide duplicate scan (crm/duplicates.hpp, since 0.17): batches of `options.batch`
  // customers, each in a write transaction of its own, until every customer is compared or
  // `progress` (called after each batch) returns false; a later call resumes where it stopped
  // (unless options.restart). The pairs found are kept for review (ListDuplicateSets).
  absl::StatusOr<DuplicateScanProgress> ScanDuplicates(
      const DuplicateScanOptions& options = {},
      const std::function<bool(const DuplicateScanProgress&)>& progress = {});

  // Imports (crm/import.hpp, since 0.11). Import reads the file `options.path` as a new job and
  // returns it once the file is read (kFinished), the progress callback stopped it (kRunning), or
  // all or nothing failed (kFailed). InvalidArgument for bad options (naming the option) and for a
  // mapping that names an unknown field or fills one field from two columns; NotFound for a
  // file that cannot be opened. A row's problem never fails the call: the job counts it.
  absl::StatusOr<ImportJob> Import(const ImportOptions& options);
  // Goes on with a job that is kRunning from the row after its last committed batch.
  // FailedPrecondition when the job is not running or its file changed (size or first 64 KiB).
  absl::StatusOr<ImportJob> ResumeImport(ImportJobId id,
                                         const std::function<bool(const ImportProgress&)>& progress = {});
  // Undoes a job in one write transaction: deletes the customers it created and gives those it
  // updated back the fields they had before it. FailedPrecondition when the job was reverted or
  // kept nothing, or (unless options.force) when someone changed or deleted those customers
  // since, or the customers it created have interactions, deals or members now: the message
  // names them, and nothing is changed.
  absl::StatusOr<ImportJob> RevertImport(ImportJobId id, const RevertOptions& options = {});
  // Writes the failed rows of a job to a new file at `path` (owner-only; AlreadyExists if there
  // is one), in the job's format: for CSV its header and rows as they were, after two columns
  // import_row and import_error; for JSON Lines the lines as they were. Fix them and import the
  // file again.
  absl::Status WriteFailedRows(ImportJobId id, const std::string& path) const;
  // Forgets a job: its record, failed rows and undo entries (it can no longer be reverted).
  absl::Status DeleteImportJob(ImportJobId id);
  // Writes the customers `options.where` matches, by id, as of one snapshot, to a new CSV or
  // JSON Lines file an import reads back (crm/import.hpp says what comes back). InvalidArgument
  // for a bad filter; AlreadyExists when the file exists.
  absl::StatusOr<ExportReport> ExportCustomers(const ExportOptions& options) const;
  // The same for the records `options.records` names: customers, opportunities or interactions
  // (since 0.12).
  absl::StatusOr<ExportReport> Export(const ExportOptions& options) const;

  // Applies a retention policy (crm/change.hpp) to the change feed and field history, in write
  // transactions of at most `policy.batch` changes each, as the store's default actor. Other
  // writers go on between them. Stopped at any point (a crash, a kill), the store is consistent
  // and a later run finishes the work. InvalidArgument for a rule of an unknown kind, a kind
  // named twice, a rule with neither limit, or a batch out of range.
  absl::StatusOr<RetentionReport> ApplyRetention(const RetentionPolicy& policy);

  const std::string& path() const;
  // The size of the memory map in bytes: address space reserved, not disk.
  std::size_t map_size() const;

 private:
  explicit Store(std::unique_ptr<detail::StoreImpl> impl);
  std::unique_ptr<detail::StoreImpl> impl_;
};

}  // namespace crm
