// crm init | stats | verify | backup | rekey | privacy erase | privacy export
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "cli.h"
#include "crm/maintenance.hpp"
#include "crm/privacy.hpp"

namespace crm::cli {

void AddAdminCommands(CLI::App& app, Context& ctx) {
  CLI::App* init = app.add_subcommand("init", "create the database (encrypted with --key-file or --passphrase-env)");
  init->callback([&ctx] {
    if (FILE* f = std::fopen(ctx.db.c_str(), "rb")) {
      std::fclose(f);
      throw Failure("init: " + ctx.db + " exists already");
    }
    auto store = ctx.Open(true);
    const bool encrypted = !ctx.key_file.empty() || !ctx.passphrase_env.empty();
    if (ctx.json) PrintJson({{"path", ctx.db}, {"encrypted", encrypted}});
    else std::cout << "created " << (encrypted ? "encrypted database " : "database ") << ctx.db << "\n";
  });

  CLI::App* stats = app.add_subcommand("stats", "records per kind, file size and pages");
  stats->callback([&ctx] {
    auto store = ctx.Open(false, true);
    const StoreStatistics s = Must(store->Run(&ReadTxn::Statistics), "stats");
    const std::vector<std::pair<std::string, std::uint64_t>> figures = {
        {"customers", s.customers},   {"archived_customers", s.archived_customers}, {"interactions", s.interactions},
        {"pipelines", s.pipelines},   {"opportunities", s.opportunities},           {"changes", s.changes},
        {"file_bytes", s.file_bytes}, {"pages_used", s.pages_used},                 {"pages_free", s.pages_free}};
    if (ctx.json) {
      nlohmann::ordered_json out;
      for (const auto& [name, value] : figures) out[name] = value;
      return PrintJson(out);
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, value] : figures) rows.push_back({name, std::to_string(value)});
    PrintTable({"figure", "value"}, rows);
  });

  CLI::App* verify = app.add_subcommand("verify", "check every record, index entry and the change feed; exit 1 on a problem");
  verify->callback([&ctx] {
    auto store = ctx.Open(false, true);
    const VerifyReport r = Must(store->Run(&ReadTxn::Verify), "verify");
    if (ctx.json) {
      PrintJson({{"ok", r.ok()}, {"records", r.records}, {"index_entries", r.index_entries}, {"problems", r.problems}});
    } else {
      std::cout << r.records << " records, " << r.index_entries << " index entries checked: "
                << (r.ok() ? "no problem" : std::to_string(r.problems.size()) + " problem(s)") << "\n";
      for (const std::string& p : r.problems) std::cout << "  " << p << "\n";
    }
    if (!r.ok()) throw Failure("verify: " + std::to_string(r.problems.size()) + " problem(s) found in " + ctx.db);
  });

  auto backup_path = std::make_shared<std::string>();
  auto compact = std::make_shared<bool>(false);
  CLI::App* backup = app.add_subcommand("backup", "copy the database, as of one moment, to a new file");
  backup->add_option("path", *backup_path, "the new file")->required();
  backup->add_flag("--compact", *compact, "leave out free pages (and every byte of erased records)");
  backup->callback([&ctx, backup_path, compact] {
    auto store = ctx.Open(false, true);
    Check(store->Backup(*backup_path, BackupOptions{*compact}), "backup");
    if (ctx.json) PrintJson({{"backup", *backup_path}});
    else std::cout << "backed up " << ctx.db << " to " << *backup_path << "\n";
  });

  struct RekeyOptions {
    std::string key_file, passphrase_env;
  };
  auto ro = std::make_shared<RekeyOptions>();
  CLI::App* rekey = app.add_subcommand("rekey", "change the key of an encrypted database (the old one from --key-file or --passphrase-env)");
  rekey->add_option("--new-key-file", ro->key_file, "a file holding the new key (32 bytes or 64 hex digits)");
  rekey->add_option("--new-passphrase-env", ro->passphrase_env, "an environment variable holding the new passphrase");
  rekey->callback([&ctx, ro] {
    std::string key, passphrase;
    Context::ReadSecret(ro->key_file, ro->passphrase_env, &key, &passphrase);
    if (key.empty() == passphrase.empty()) throw Failure("rekey: give one of --new-key-file and --new-passphrase-env");
    auto store = ctx.Open();
    Check(store->Rekey(key, passphrase), "rekey");
    if (ctx.json) PrintJson({{"rekeyed", ctx.db}});
    else std::cout << "changed the key of " << ctx.db << ": only the new one opens it now\n";
  });

  CLI::App* privacy = app.add_subcommand("privacy", "erase a customer, export what is held about one");
  privacy->require_subcommand(1);
  struct EraseOptionsCli {
    CustomerId id = 0;
    bool keep_deals = false, suppress = false;
  };
  auto eo = std::make_shared<EraseOptionsCli>();
  CLI::App* erase = privacy->add_subcommand("erase", "erase a customer and everything about it (right to be forgotten)");
  erase->add_option("id", eo->id, "the customer's id")->required();
  erase->add_flag("--keep-deals", eo->keep_deals, "keep its deals, anonymised, for reporting");
  erase->add_flag("--suppress", eo->suppress, "refuse its emails and phone numbers from now on");
  erase->callback([&ctx, eo] {
    auto store = ctx.Open();
    EraseOptions o;
    o.keep_deals = eo->keep_deals;
    o.suppress = eo->suppress;
    const Erasure e = Must(store->Run(&WriteTxn::EraseCustomer, eo->id, o), "privacy erase");
    if (ctx.json)
      return PrintJson({{"seq", e.seq}, {"customer", e.customer}, {"masked", e.masked}, {"interactions", e.interactions},
                        {"deals_erased", e.deals_erased}, {"deals_kept", e.deals_kept}, {"changes_redacted", e.changes_redacted}});
    std::cout << "erased customer " << e.customer << " (" << absl::StrJoin(e.masked, ", ") << "): " << e.interactions
              << " interactions, " << e.deals_erased << " deals erased, " << e.deals_kept << " kept, "
              << e.changes_redacted << " changes redacted\n";
  });

  auto export_id = std::make_shared<CustomerId>(0);
  CLI::App* exp = privacy->add_subcommand("export", "everything held about one customer, as one JSON document");
  exp->add_option("id", *export_id, "the customer's id")->required();
  exp->callback([&ctx, export_id] {
    auto store = ctx.Open(false, true);
    std::cout << Must(store->Run(&ReadTxn::ExportCustomer, *export_id), "privacy export") << "\n";
  });
}

}  // namespace crm::cli
