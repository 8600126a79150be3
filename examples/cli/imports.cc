// crm import FILE | import status [JOB] | import resume JOB | import revert JOB | import failed
// JOB FILE | import forget JOB | export FILE
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "cli.h"
#include "crm/import.hpp"

namespace crm::cli {
namespace {

nlohmann::ordered_json CountsJson(const ImportCounts& c) {
  return {{"created", c.created}, {"updated", c.updated}, {"unchanged", c.unchanged}, {"skipped", c.skipped},
          {"failed", c.failed}};
}

nlohmann::ordered_json ToJson(const ImportJob& j) {
  nlohmann::ordered_json columns = nlohmann::ordered_json::object();
  for (const ImportColumn& c : j.columns) columns[c.column].push_back(c.field);
  std::vector<std::string> match;
  for (MatchRule r : j.match) match.emplace_back(MatchRuleName(r));
  return {{"id", j.id},
          {"path", j.path},
          {"format", ImportFormatName(j.format)},
          {"preset", j.preset},
          {"records", ImportRecordsName(j.records)},
          {"pipeline", j.pipeline},
          {"state", ImportStateName(j.state)},
          {"counts", CountsJson(j.counts)},
          {"rows_done", j.rows_done},
          {"bytes_done", j.offset_done},
          {"file_size", j.file_size},
          {"columns", columns},
          {"match", match},
          {"actor", j.actor},
          {"started_at", FormatTime(j.started_at)},
          {"finished_at", FormatTime(j.finished_at)},
          {"reverted_at", FormatTime(j.reverted_at)},
          {"reverted_deleted", j.reverted_deleted},
          {"reverted_restored", j.reverted_restored}};
}

nlohmann::ordered_json ToJson(const ImportRowError& e) {
  return {{"row", e.row}, {"line", e.line}, {"field", e.field}, {"reason", e.reason}, {"original", e.original}};
}

void PrintJob(const Context& ctx, const ImportJob& j, const std::vector<ImportRowError>& errors = {}) {
  if (ctx.json) {
    nlohmann::ordered_json out = ToJson(j);
    if (!errors.empty()) {
      out["errors"] = nlohmann::ordered_json::array();
      for (const ImportRowError& e : errors) out["errors"].push_back(ToJson(e));
    }
    return PrintJson(out);
  }
  const ImportCounts& c = j.counts;
  std::cout << "import " << j.id << " of " << ImportRecordsName(j.records) << " from " << j.path << ": "
            << ImportStateName(j.state) << ", " << j.rows_done << " rows read\n";
  PrintTable({"created", "updated", "unchanged", "skipped", "failed"},
             {{std::to_string(c.created), std::to_string(c.updated), std::to_string(c.unchanged),
               std::to_string(c.skipped), std::to_string(c.failed)}});
  if (j.state == ImportState::kReverted)
    std::cout << "reverted: " << j.reverted_deleted << " records deleted, " << j.reverted_restored << " restored\n";
  if (j.state == ImportState::kRunning) std::cout << "not finished: `crm import resume " << j.id << "` goes on\n";
  if (c.failed > 0 && errors.empty())
    std::cout << "failed rows: `crm import status " << j.id << "`, or `crm import failed " << j.id << " FILE`\n";
  if (!errors.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const ImportRowError& e : errors)
      rows.push_back({std::to_string(e.row), std::to_string(e.line), e.field, e.reason});
    PrintTable({"row", "line", "field", "reason"}, rows);
  }
}

// A progress bar on stderr, redrawn after every batch: when stderr is a terminal, or forced.
class ProgressBar {
 public:
  explicit ProgressBar(bool on) : on_(on), start_(std::chrono::steady_clock::now()) {}
  ~ProgressBar() {
    if (drawn_) std::fputs("\n", stderr);
  }
  std::function<bool(const ImportProgress&)> Callback() {
    if (!on_) return {};
    return [this](const ImportProgress& p) {
      Draw(p);
      return true;
    };
  }

 private:
  void Draw(const ImportProgress& p) {
    if (drawn_ && p.rows == last_rows_) return;  // the end of the file after a full batch
    last_rows_ = p.rows;
    const double fraction = p.bytes_total == 0 ? 1.0 : static_cast<double>(p.bytes) / static_cast<double>(p.bytes_total);
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth + 0.5);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r[%s] %3d%%  %llu rows  %.0f rows/s  %llu failed", bar.c_str(),
                 static_cast<int>(fraction * 100 + 0.5), static_cast<unsigned long long>(p.rows),
                 seconds > 0 ? static_cast<double>(p.rows) / seconds : 0.0,
                 static_cast<unsigned long long>(p.counts.failed));
    std::fflush(stderr);
    drawn_ = true;
  }
  bool on_;
  bool drawn_ = false;
  std::uint64_t last_rows_ = 0;
  std::chrono::steady_clock::time_point start_;
};

ImportJobId JobId(const std::string& text) {
  try {
    std::size_t used = 0;
    const unsigned long long id = std::stoull(text, &used);
    if (used == text.size()) return id;
  } catch (const std::exception&) {
  }
  throw Failure("'" + text + "' is not an import job id (`crm import status` lists them)");
}

// --records: what the rows are ("" leaves it to the preset).
ImportRecords RecordsOf(const std::string& word) {
  if (word.empty()) return ImportRecords::kAuto;
  if (word == "customers") return ImportRecords::kCustomers;
  if (word == "deals" || word == "opportunities") return ImportRecords::kOpportunities;
  if (word == "interactions") return ImportRecords::kInteractions;
  if (word == "users") return ImportRecords::kUsers;
  if (word == "products") return ImportRecords::kProducts;
  throw Failure("--records: '" + word + "' is not customers, deals, interactions, users or products");
}

}  // namespace

void AddImportCommands(CLI::App& app, Context& ctx) {
  struct Options {
    ImportOptions o;
    std::string file, format, delimiter, records, match = "external_id,email,phone", job, out;
    std::vector<std::string> maps;
    bool progress = false, force = false;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* import =
      app.add_subcommand("import", "import customers, deals, interactions, users or products from a CSV, JSON Lines or vCard file, as a job");
  import->add_option("file", opt->file, "the file (.jsonl, .ndjson: JSON Lines; .vcf: vCard; else CSV)");
  import->add_option("--preset", opt->o.preset,
                     "the column mapping: generic (default), datablist, salesforce_contacts, salesforce_accounts, "
                     "hubspot_contacts, maven_accounts (customers); maven_pipeline, salesforce_opportunities, "
                     "hubspot_deals (deals); salesforce_tasks (interactions); maven_teams (users); maven_products (products)");
  import->add_option("--records", opt->records,
                     "what the rows are: customers, deals (opportunities), interactions, users or products (default: the "
                     "preset's; customers for generic)");
  import->add_option("--pipeline", opt->o.pipeline, "deals: the pipeline of rows that name none (default: the default)");
  import->add_option("--map", opt->maps, "COLUMN=FIELD: fill a field from a column (FIELD empty: ignore it); repeatable");
  import->add_option("--match", opt->match, "the match rules in order (default external_id,email,phone; none: always create)");
  import->add_option("--format", opt->format, "csv, jsonl or vcard (default: from the file name)");
  import->add_option("--delimiter", opt->delimiter, "the CSV delimiter (default: detected: , ; tab |)");
  import->add_option("--time-zone", opt->o.time_zone, "for dates without an offset (default UTC)");
  import->add_option("--currency", opt->o.default_currency, "for amounts without a currency code (default USD)");
  import->add_option("--date-order", opt->o.date_order, "mdy (default) or dmy, for dates like 07/04/2021");
  import->add_flag("--all-or-nothing", opt->o.all_or_nothing, "keep nothing of the file if a row fails");
  import->add_option("--batch", opt->o.batch_rows, "rows per transaction (default 1000)");
  import->add_flag("--progress", opt->progress, "draw the progress bar even when stderr is not a terminal");
  import->callback([&ctx, opt, import] {
    if (!import->get_subcommands().empty()) return;  // import status ...
    if (opt->file.empty()) throw Failure("import: name the file to import (or see `crm import --help`)");
    ImportOptions o = opt->o;
    o.path = opt->file;
    if (opt->format == "csv") o.format = ImportFormat::kCsv;
    else if (opt->format == "jsonl") o.format = ImportFormat::kJsonLines;
    else if (opt->format == "vcard") o.format = ImportFormat::kVCard;
    else if (!opt->format.empty()) throw Failure("--format: '" + opt->format + "' is not csv, jsonl or vcard");
    o.records = RecordsOf(opt->records);
    if (opt->delimiter == "tab" || opt->delimiter == "\\t") o.delimiter = '\t';
    else if (opt->delimiter.size() == 1) o.delimiter = opt->delimiter[0];
    else if (!opt->delimiter.empty()) throw Failure("--delimiter: give one character (or tab)");
    for (const std::string& m : opt->maps) {
      const auto eq = m.rfind('=');
      if (eq == std::string::npos) throw Failure("--map: '" + m + "' is not COLUMN=FIELD");
      o.columns.push_back({m.substr(0, eq), m.substr(eq + 1)});
    }
    o.match.clear();
    if (opt->match != "none")
      for (absl::string_view r : absl::StrSplit(opt->match, ',', absl::SkipEmpty())) {
        if (r == "external_id") o.match.push_back(MatchRule::kExternalId);
        else if (r == "email") o.match.push_back(MatchRule::kEmail);
        else if (r == "phone") o.match.push_back(MatchRule::kPhone);
        else throw Failure("--match: '" + std::string(r) + "' is not external_id, email or phone");
      }
    auto store = ctx.Open();
    ImportJob job;
    {
      ProgressBar bar(!ctx.json && (opt->progress || ::isatty(2) != 0));
      o.progress = bar.Callback();
      job = Must(store->Import(o), "import");
    }
    PrintJob(ctx, job);
  });

  CLI::App* status = import->add_subcommand("status", "list the import jobs, or show one with its failed rows");
  status->add_option("job", opt->job, "the job's id");
  status->callback([&ctx, opt] {
    auto store = ctx.Open(false, true);
    if (!opt->job.empty()) {
      const ImportJobId id = JobId(opt->job);
      const ImportJob job = Must(store->Run(&ReadTxn::GetImportJob, id), "import status");
      PrintJob(ctx, job, Must(store->Run(&ReadTxn::ListImportErrors, id, std::uint64_t{0}, std::size_t{1000})));
      return;
    }
    const auto jobs = Must(store->Run(&ReadTxn::ListImportJobs, std::size_t{100}), "import status");
    if (ctx.json) {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const ImportJob& j : jobs) out.push_back(ToJson(j));
      return PrintJson(out);
    }
    std::vector<std::vector<std::string>> rows;
    for (const ImportJob& j : jobs)
      rows.push_back({std::to_string(j.id), std::string(ImportStateName(j.state)), std::string(ImportRecordsName(j.records)),
                      j.path, std::to_string(j.rows_done),
                      std::to_string(j.counts.created), std::to_string(j.counts.updated),
                      std::to_string(j.counts.failed), FormatTime(j.started_at)});
    PrintTable({"id", "state", "records", "file", "rows", "created", "updated", "failed", "started"}, rows);
  });

  CLI::App* resume = import->add_subcommand("resume", "go on with an interrupted import from its last committed batch");
  resume->add_option("job", opt->job, "the job's id")->required();
  resume->callback([&ctx, opt] {
    auto store = ctx.Open();
    ImportJob job;
    {
      ProgressBar bar(!ctx.json && (opt->progress || ::isatty(2) != 0));
      job = Must(store->ResumeImport(JobId(opt->job), bar.Callback()), "import resume");
    }
    PrintJob(ctx, job);
  });

  CLI::App* revert = import->add_subcommand("revert", "delete what an import created and restore what it updated");
  revert->add_option("job", opt->job, "the job's id")->required();
  revert->add_flag("--force", opt->force, "even when others changed those records since (their changes are lost)");
  revert->callback([&ctx, opt] {
    auto store = ctx.Open();
    PrintJob(ctx, Must(store->RevertImport(JobId(opt->job), RevertOptions{opt->force, ctx.actor}), "import revert"));
  });

  CLI::App* failed = import->add_subcommand("failed", "write an import's failed rows to a new file, to fix and import again");
  failed->add_option("job", opt->job, "the job's id")->required();
  failed->add_option("out", opt->out, "the new file")->required();
  failed->callback([&ctx, opt] {
    auto store = ctx.Open(false, true);
    Check(store->WriteFailedRows(JobId(opt->job), opt->out), "import failed");
    if (ctx.json) PrintJson({{"job", JobId(opt->job)}, {"path", opt->out}});
    else std::cout << "failed rows of import " << opt->job << " written to " << opt->out << "\n";
  });

  CLI::App* forget = import->add_subcommand("forget", "delete an import job, its failed rows and what a revert needs");
  forget->add_option("job", opt->job, "the job's id")->required();
  forget->callback([&ctx, opt] {
    auto store = ctx.Open();
    Check(store->DeleteImportJob(JobId(opt->job)), "import forget");
    if (ctx.json) PrintJson({{"forgotten", JobId(opt->job)}});
    else std::cout << "import " << opt->job << " forgotten\n";
  });

  struct ExportArgs {
    std::string file, where, format, records;
    bool archived = false;
  };
  auto ex = std::make_shared<ExportArgs>();
  CLI::App* exp =
      app.add_subcommand("export", "write customers, deals, interactions, products or users to a file that `crm import` reads back");
  exp->add_option("file", ex->file, "the new file (.csv; .jsonl for JSON Lines; .vcf for vCard 4.0)")->required();
  exp->add_option("--records", ex->records, "customers (default), deals, interactions, products or users (the last two whole)");
  exp->add_option("--where", ex->where, "only the records this filter matches (as `crm customer list --where`)");
  exp->add_flag("--archived", ex->archived, "archived customers too");
  exp->add_option("--format", ex->format, "csv, jsonl or vcard (default: from the file name)");
  exp->callback([&ctx, ex] {
    ExportOptions o;
    o.path = ex->file;
    o.where = ex->where;
    o.include_archived = ex->archived;
    o.records = RecordsOf(ex->records);
    if (ex->format == "csv") o.format = ImportFormat::kCsv;
    else if (ex->format == "jsonl") o.format = ImportFormat::kJsonLines;
    else if (ex->format == "vcard") o.format = ImportFormat::kVCard;
    else if (!ex->format.empty()) throw Failure("--format: '" + ex->format + "' is not csv, jsonl or vcard");
    auto store = ctx.Open(false, true);
    const ExportReport r = Must(store->Export(o), "export");
    if (ctx.json) PrintJson({{"path", ex->file}, {"rows", r.rows}, {"bytes", r.bytes}, {"columns", r.columns}});
    else
      std::cout << "exported " << r.rows << " "
                << (o.records == ImportRecords::kAuto ? "customers" : std::string(ImportRecordsName(o.records))) << " to "
                << ex->file << " (" << r.bytes << " bytes)\n";
  });
}

}  // namespace crm::cli
