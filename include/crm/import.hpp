// Importing customers (since 0.11), opportunities and interactions (since 0.12) from CSV, JSON
// Lines and vCard files as stored, resumable, revertible jobs; exporting customers.
//
// An import reads a file row by row, maps its columns to customer fields (a preset such as
// "datablist" or "salesforce_contacts", adjusted by the caller), normalises the values (emails,
// phones, dates in a stated time zone, money in a default currency, booleans, lifecycle stages)
// and upserts each row: the first match rule that finds a stored customer (external id, then
// email, then phone, in an order the caller can change) updates it, otherwise a customer is
// created; an organization is also found by its name (ignoring case) when the rules find
// nothing and that organization has no external id or the row's. Emails, phones and tags are merged into the stored ones, never overwritten; other
// fields the row gives replace the stored values; fields the row leaves empty are kept.
// Re-importing the same file creates nothing and counts every row unchanged.
//
// The job is kept in the store: its source, mapping, counts and, for each row that failed, the
// row number, the field, the reason and the row as the file had it. Rows are committed in
// batches; the job record moves forward in the same transaction as its batch, so an import
// stopped at any point (a crash, a kill, a progress callback saying stop) resumes from the row
// after the last batch committed. A bad row never stops the others, unless the caller asks for
// all or nothing. A finished import can be reverted: the records it created are deleted, those
// it updated get back the fields they had (a deal's stage going back is recorded as a move). Every write lands in the change feed (flagged
// imported; the revert's writes are ordinary changes).
//
// A person's "organization" column names an organization by name: the import finds it (an
// organization whose display name is that name, ignoring case) or creates it, and makes the
// person a member. Organizations it creates count as created and are deleted by a revert.
//
// Thread safety: plain values; Store::Import and friends may be called from any thread. One
// import writes at a time per job; jobs of other files may run at once (their batches queue
// for the writer like any write).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

using ImportJobId = std::uint64_t;

enum class ImportFormat : std::uint8_t {
  kAuto = 0,       // from the file name: .jsonl / .ndjson JSON Lines, .vcf / .vcard vCard, else CSV
  kCsv = 1,        // RFC 4180: quoted fields with delimiters, quotes and line breaks, CRLF or LF,
                   // an optional UTF-8 byte-order mark, a header row
  kJsonLines = 2,  // one JSON object per line; its keys are the columns
  // vCard 2.1, 3.0 and 4.0 (since 0.11; .vcf, .vcard): one card a row, with folded lines,
  // quoted-printable and Latin-1 values, item groups, several EMAIL and TEL, N, FN, ORG (a
  // person's organization), TITLE, the first ADR, CATEGORIES (tags), UID (external id), KIND;
  // photos and other properties are passed over. A card without FN or N fails alone. The
  // mapping is by field name; presets and columns do not apply.
  kVCard = 3,
};
std::string_view ImportFormatName(ImportFormat format);

// What the rows of a file are (since 0.12).
//
// Opportunities: a row's deal is found by its external id (the only match rule that applies to
// deals; without one every row creates) and updated, or created. Its customer is named by
// `customer` (an organization of that name, ignoring case, found or made, as a person's
// `organization` is), `customer_external_id` or `customer_email`; its `pipeline` by name (the
// default pipeline when none) and its `stage` by the name of one of that pipeline's stages
// (ignoring case; "won" and "lost" also name the pipeline's won and lost stage). Created deals
// keep their history: an open deal enters its stage at created_at; a closed one enters the
// pipeline's first stage at created_at and its won or lost stage at closed_at. A changed stage of
// a stored deal is recorded as a move.
//
// Interactions: found by external id (or, without one, always logged); their customer is named
// by `customer` (the one customer of that display name, ignoring case), `customer_external_id`
// or `customer_email`, and their deal by `opportunity_external_id`.
//
// Users: found by login, then email, then name (as an owner names a user: ResolveOwner), and
// updated, or created. `team` names a team (found by name, or made, with `team_region` as its
// region and the row's manager as its manager); `manager` names a user (by login or name, or
// made with that name). The match rules do not apply.
enum class ImportRecords : std::uint8_t {
  kAuto = 0,  // the preset's: customers for "generic" and the customer presets
  kCustomers = 1,
  kOpportunities = 2,
  kInteractions = 3,
  kUsers = 4,  // since 0.12
  kProducts = 5,  // since 0.15 (imports only)
};
std::string_view ImportRecordsName(ImportRecords records);

// How a row finds the stored customer it updates.
enum class MatchRule : std::uint8_t {
  kExternalId = 1,  // the row's external id
  kEmail = 2,       // any of the row's emails (case-insensitive)
  kPhone = 3,       // any of the row's phones, as FindCustomersByPhone matches (one match only)
};
std::string_view MatchRuleName(MatchRule rule);

enum class ImportState : std::uint8_t {
  kRunning = 1,   // started and not finished: interrupted, or running now; ResumeImport goes on
  kFinished = 2,  // every row read
  kFailed = 3,    // all or nothing, and a row failed: nothing of the file was kept
  kReverted = 4,  // RevertImport undid it
};
std::string_view ImportStateName(ImportState state);

// One column of the file and the field it fills. Customers' fields: external_id, kind ("person"
// or "organization"), display_name, given_name, family_name, name (a person's full name, split
// at the last space), email (and email2, email3 ...: each adds an email), phone (phone2 ...),
// address.street, address.city, address.region, address.postal_code, address.country, stage,
// owner, tags (separated by ';' or ','), custom.<name>, job_title, department, industry,
// website, annual_revenue, employees, account_type, organization (a person's organization, by
// name), email_opt_in, email_legal_basis, email_opt_in_at,
// do_not_call, created_at, updated_at, churned (since 0.16: yes puts the customer in the churned
// stage, no in the customer stage).
// Opportunities' fields: external_id, title, customer, customer_external_id, customer_email,
// pipeline, stage, amount, probability (percent), expected_close, owner, lost_reason,
// created_at, closed_at, updated_at, custom.<name>, product (since 0.15: the deal's one line, a
// product of the catalog by code, or by code or name but for case, spaces and punctuation;
// the row's amount is the line's total, else the list price makes it) and quantity (of it).
// Interactions' fields: external_id, customer, customer_external_id, customer_email, kind
// (call, email, meeting, note, task, purchase ...; another word logs kind "other" with that
// label), direction (inbound, outbound), occurred_at, duration_seconds, duration_minutes,
// subject, body, outcome, satisfaction (1 to 5), amount, owner, opportunity_external_id,
// due_at, done, created_at, updated_at, custom.<name>.
// Products' fields (since 0.15; a row updates the product with its code): code, name, family,
// description, active, price (a list price: the row's amount in its currency, replacing the
// product's price in that currency only), created_at, updated_at. Exported (since 0.15) as a row
// per list price, which an import merges back.
// Users' fields: name, login, email, active, team, team_region, manager. A custom field
// named with a type, custom.<name>:int (or :money, :date, :bool; :text is the default), reads its
// values as that type. An empty field ignores the column.
struct ImportColumn {
  std::string column;  // the header of a CSV column, or a key of a JSON Lines object
  std::string field;
  friend bool operator==(const ImportColumn&, const ImportColumn&) = default;
};

struct ImportCounts {
  std::uint64_t created = 0;    // records created (organizations named by rows included)
  std::uint64_t updated = 0;    // rows that changed a stored record
  std::uint64_t unchanged = 0;  // rows that matched a record and changed nothing
  std::uint64_t skipped = 0;    // rows with no value in any mapped column
  std::uint64_t failed = 0;     // rows refused (ListImportErrors says why)
  friend bool operator==(const ImportCounts&, const ImportCounts&) = default;
};

struct ImportProgress {
  std::uint64_t rows = 0;         // rows read so far (the header not counted)
  std::uint64_t bytes = 0;        // bytes of the file read so far
  std::uint64_t bytes_total = 0;  // the file's size
  ImportCounts counts;
};

struct ImportOptions {
  std::string path = {};  // the file to read
  ImportFormat format = ImportFormat::kAuto;
  char delimiter = 0;  // CSV: 0 detects it from the header (',' ';' tab or '|')
  // What the rows are; a preset made for other records is refused.
  ImportRecords records = ImportRecords::kAuto;
  // Opportunities: the pipeline (by name, ignoring case) of rows that name none; empty: the
  // store's default pipeline.
  std::string pipeline = {};
  // The column mapping to start from: "generic" (columns named as the fields, or as people
  // usually name them: "First Name", "E-mail", "Company" ...), "datablist", "salesforce_contacts",
  // "salesforce_accounts", "hubspot_contacts", "maven_accounts" (customers),
  // "maven_pipeline", "salesforce_opportunities", "hubspot_deals" (opportunities),
  // "salesforce_tasks" (interactions), "maven_teams" (users), "maven_products" (products),
  // "ibm_telco" (customers: IBM's Telco churn sample, since 0.16). ImportPresets() lists them.
  std::string preset = "generic";
  // Adds to or overrides the preset, column by column.
  std::vector<ImportColumn> columns = {};
  // Tried in this order; the first that finds a customer wins. Empty: every row creates.
  std::vector<MatchRule> match = {MatchRule::kExternalId, MatchRule::kEmail, MatchRule::kPhone};
  // For dates without an offset ("2021-07-26", "07/26/2021 14:30"): an IANA zone name.
  std::string time_zone = "UTC";
  // For amounts without a currency code ("1,100.04"); empty: such amounts are refused.
  std::string default_currency = "USD";
  // Slash dates: "mdy" (07/26/2021, the default) or "dmy" (26/07/2021). Dotted dates
  // (26.07.2021) are always day first; ISO dates are unambiguous.
  std::string date_order = "mdy";
  // Stop at the first bad row and keep nothing of the file (the job ends kFailed).
  bool all_or_nothing = false;
  // Rows per write transaction (1 to 100000); an interrupted import loses at most one batch.
  std::size_t batch_rows = 1000;
  // Who the changes are attributed to; the store's default actor when empty.
  std::string actor = {};
  // Called after every batch and at the end; returning false stops the import after the
  // batch just committed (the job stays kRunning and ResumeImport goes on from there).
  std::function<bool(const ImportProgress&)> progress = {};
};

struct ImportJob {
  ImportJobId id = 0;
  std::string path;
  ImportFormat format = ImportFormat::kCsv;
  ImportRecords records = ImportRecords::kCustomers;
  std::string pipeline = {};  // opportunities: the pipeline of rows that name none ("": the default)
  char delimiter = ',';
  std::vector<std::string> header;  // CSV: the file's header row
  std::string preset;
  std::vector<ImportColumn> columns;  // the mapping used: every column of the file that fills a field
  std::vector<MatchRule> match;
  std::string time_zone;
  std::string default_currency;
  std::string date_order;
  bool all_or_nothing = false;
  std::uint64_t batch_rows = 0;
  std::string actor = {};
  ImportState state = ImportState::kRunning;
  ImportCounts counts;
  std::uint64_t rows_done = 0;    // rows read and committed (the next row to read is rows_done + 1)
  std::uint64_t offset_done = 0;  // where in the file the next row starts
  std::uint64_t file_size = 0;    // the file as first read: resuming a changed file is refused
  std::string file_digest;        // hex BLAKE2b of the file's first 64 KiB
  Timestamp started_at = 0;
  Timestamp finished_at = 0;  // when it finished, failed or was reverted
  Timestamp reverted_at = 0;
  std::uint64_t reverted_deleted = 0;   // records the revert deleted
  std::uint64_t reverted_restored = 0;  // records the revert gave back the fields they had
  friend bool operator==(const ImportJob&, const ImportJob&) = default;
};

// A row that failed. `row` counts data rows from 1 (the header is not a row); `line` is the
// line of the file where the row starts.
struct ImportRowError {
  std::uint64_t row = 0;
  std::uint64_t line = 0;
  std::string field;   // the field at fault ("" when the row as a whole is)
  std::string reason;
  std::string original;  // the row as the file had it (a CSV record or a JSON line, no line end)
  friend bool operator==(const ImportRowError&, const ImportRowError&) = default;
};

struct RevertOptions {
  // Revert even when customers the import wrote were changed since by someone else (their
  // later changes are lost). Without it such a revert is refused (FailedPrecondition naming them).
  bool force = false;
  std::string actor = {};
};

// Exporting customers (Store::ExportCustomers) to a file an import reads back: the columns are
// the import's field names (external_id, kind, display_name ... created_at, updated_at, then
// one column per custom field, named with its type: custom.score:int), emails, phones and tags
// are lists ("; " between values in CSV, arrays in JSON Lines), the primary email and phone
// first, money as "USD 1234.56", times as RFC 3339 in UTC with their microseconds, and a
// person's organization (the first it belongs to) and an organization's parent by name.
// Exported and imported into an empty store, customers come back with the same fields, except
// the labels of emails and phones, the roles of memberships and memberships after the first,
// and the archived flag (archived customers are exported only when asked for, as active ones).
//
// Deals and interactions (Store::Export with `records`, since 0.12) are exported the same way,
// with the columns their imports read: their customer by external id, primary email and display
// name, a deal's pipeline and stage by name, an interaction's deal by its external id, the
// probability only when set by hand. Imported into a store holding the same customers (and,
// for interactions, the same deals), they come back with the same fields, except a deal's stage
// history, which comes back as its creation and its close (see ImportRecords).
//
// Users (since 0.21) are exported whole, managers first, with the columns an import of users
// reads: name, login, email, active, their team and its region by name, and their manager by
// login (else name). Imported into an empty store they come back with the same fields, their
// teams made with the first row's region; a team's own manager is not carried.
struct ExportOptions {
  std::string path = {};  // a new file: owner-only, AlreadyExists when there is one
  ImportFormat format = ImportFormat::kAuto;  // kAuto: .jsonl / .ndjson JSON Lines, .vcf vCard 4.0, else CSV
  // What to export: customers (kAuto too), opportunities, interactions, products or users (the
  // last two whole); vCard holds customers only.
  ImportRecords records = ImportRecords::kAuto;
  std::string where = {};  // the records a filter matches (crm/query.hpp); empty: all
  bool include_archived = false;  // customers: archived ones too
  // Called every 1000 records and at the end with the rows written and the rows to write;
  // returning false stops the export (the file is removed, and Cancelled returned).
  std::function<bool(std::uint64_t rows, std::uint64_t total)> progress = {};
};

struct ExportReport {
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::vector<std::string> columns;
};

// The names of the presets ImportOptions::preset takes, and the mapping of one (its columns).
std::vector<std::string> ImportPresets();
absl::StatusOr<std::vector<ImportColumn>> ImportPreset(std::string_view name);

// Reads of import jobs: members of every transaction.
class ImportReads {
 public:
  // NotFound when there is no such job.
  absl::StatusOr<ImportJob> GetImportJob(ImportJobId id) const;
  // Newest first.
  absl::StatusOr<std::vector<ImportJob>> ListImportJobs(std::size_t limit = 100) const;
  // The failed rows of a job after row `after_row`, in row order (at most `limit`, 1 to 100000).
  absl::StatusOr<std::vector<ImportRowError>> ListImportErrors(ImportJobId id, std::uint64_t after_row = 0,
                                                               std::size_t limit = 1000) const;

 protected:
  ImportReads() = default;
};

}  // namespace crm
