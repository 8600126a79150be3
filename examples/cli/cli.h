// The `crm` command-line tool: what its commands share.
//
// Every command opens the database named by --db (else $CRM_DB, else ./crm.db), does one thing,
// prints what it found (a table, or JSON with --json) and exits 0; on failure it prints one line,
// "crm: <what went wrong>", to stderr and exits 1 (2 for a command line it cannot parse).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/store.hpp"

namespace crm::cli {

// A failure a command reports: its message is the line printed after "crm: ".
struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws a Failure for a failed status; `what` says what was being done.
void Check(const absl::Status& s, const std::string& what = "");
template <class T>
T Must(absl::StatusOr<T> r, const std::string& what = "") {
  Check(r.status(), what);
  return *std::move(r);
}

// The options every command takes, and opening the database with them.
struct Context {
  std::string db;
  std::string key_file;        // a file holding the store key (32 bytes, or 64 hex digits)
  std::string passphrase_env;  // the name of an environment variable holding the passphrase
  std::string actor;           // who writes are attributed to
  bool json = false;

  // Opens the database; `create` makes it when missing (only `crm init` does).
  std::unique_ptr<Store> Open(bool create = false, bool read_only = false) const;
  // The key or passphrase the options name (both empty when none).
  static void ReadSecret(const std::string& key_file, const std::string& passphrase_env, std::string* key,
                         std::string* passphrase);
};

// Output.
void PrintJson(const nlohmann::ordered_json& j);
// A table: a header row, then rows, columns padded to their widest cell (in characters).
void PrintTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
std::string FormatTime(Timestamp t);  // RFC 3339, UTC, seconds; "" for 0
// "2024-03-31", "2024-03-31T12:00:00Z" (any offset) or "now"; a Failure naming `option` otherwise.
Timestamp ParseTime(const std::string& text, const std::string& option);

nlohmann::ordered_json ToJson(const Customer& c);
nlohmann::ordered_json ToJson(const Interaction& i);
nlohmann::ordered_json ToJson(const Change& c);
nlohmann::ordered_json ToJson(const ReportTable& t);  // {"report": title, "rows": [{column: value}]}
// Adds --html FILE to a command that prints a report.
void AddHtmlOption(CLI::App* command, std::string& path);
// Prints a report (its table, or JSON with --json); with `html` not empty, also writes it there as
// an HTML page with its chart (ReportsToHtml) and says so on stderr.
void PrintReport(const Context& ctx, const ReportTable& t, const std::string& html);
// Writes `page` to `path` whole or not at all: a temporary file beside it, renamed over it.
void WriteFile(const std::string& path, const std::string& page);
std::string MoneyText(const Money& m);
std::string Fixed(double v, const char* format);  // printf-formatted: Fixed(12.5, "%.1f")
// "1200.50" in `currency`'s minor units; a Failure naming --amount or --currency otherwise.
Money ParseMoney(const std::string& text, const std::string& currency);

// The commands, by concept.
void AddCustomerCommands(CLI::App& app, Context& ctx);
void AddActivityCommands(CLI::App& app, Context& ctx);
void AddAdminCommands(CLI::App& app, Context& ctx);
void AddDealCommands(CLI::App& app, Context& ctx);
void AddPrivacyCommands(CLI::App& app, Context& ctx);
void AddTeamCommands(CLI::App& app, Context& ctx);
void AddProductCommands(CLI::App& app, Context& ctx);
void AddSegmentCommands(CLI::App& app, Context& ctx);
void AddCampaignCommands(CLI::App& app, Context& ctx);
void AddTicketCommands(CLI::App& app, Context& ctx);  // and crm calendar, crm sla
void AddLeadCommands(CLI::App& app, Context& ctx);
// A deal line from "CODE[:QUANTITY[:UNIT_PRICE[:DISCOUNT%]]]" (--line of opportunity add).
LineItem LineNamed(Store& store, const std::string& text, const std::string& currency);
void AddImportCommands(CLI::App& app, Context& ctx);
void AddReportCommands(CLI::App& app, Context& ctx);  // and crm quota
void AddAnalyticsCommands(CLI::App& app, Context& ctx);
void AddDuplicateCommands(CLI::App& app, Context& ctx);
void AddMergeCommands(CLI::App* duplicates, Context& ctx);  // merge.cc

}  // namespace crm::cli
