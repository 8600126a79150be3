// crm init | stats | verify | backup | rekey
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "crm/maintenance.hpp"

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
}

}  // namespace crm::cli
