// crm: the libcrm command-line tool. `crm --help` lists the commands; `crm COMMAND --help`
// tells each one's options.
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "cli.h"
#include "crm/error.hpp"

namespace crm::cli {

void Context::ReadSecret(const std::string& key_file, const std::string& passphrase_env, std::string* key,
                         std::string* passphrase) {
  if (!key_file.empty()) {
    std::ifstream in(key_file, std::ios::binary);
    if (!in) throw Failure("--key-file: cannot read " + key_file);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\r')) bytes.pop_back();
    if (bytes.size() == 64) {  // hex
      std::string raw;
      for (std::size_t i = 0; i < 64; i += 2) {
        const std::string pair = bytes.substr(i, 2);
        if (!std::isxdigit(static_cast<unsigned char>(pair[0])) || !std::isxdigit(static_cast<unsigned char>(pair[1])))
          throw Failure("--key-file: " + key_file + " holds 64 characters that are not hex digits");
        raw.push_back(static_cast<char>(std::stoi(pair, nullptr, 16)));
      }
      bytes = raw;
    }
    if (bytes.size() != 32)
      throw Failure("--key-file: " + key_file + " must hold 32 bytes or 64 hex digits, not " +
                    std::to_string(bytes.size()) + " bytes");
    *key = bytes;
  }
  if (!passphrase_env.empty()) {
    const char* value = std::getenv(passphrase_env.c_str());
    if (value == nullptr || *value == '\0')
      throw Failure("--passphrase-env: the environment variable " + passphrase_env + " is not set or empty");
    *passphrase = value;
  }
}

std::unique_ptr<Store> Context::Open(bool create, bool read_only) const {
  StoreOptions o;
  o.create_if_missing = create;
  o.read_only = read_only;
  if (!actor.empty()) o.default_actor = actor;
  ReadSecret(key_file, passphrase_env, &o.encryption_key, &o.encryption_passphrase);
  auto store = Store::Open(db, o);
  if (!store.ok() && !create && absl::IsNotFound(store.status()))
    throw Failure("no database at " + db + " (create one with `crm init`, or name another with --db)");
  if (!store.ok() && ErrorKindOf(store.status()) == ErrorKind::kWrongKey)
    throw Failure(std::string(store.status().message()) + " (give it with --key-file or --passphrase-env)");
  return Must(std::move(store), "open");
}

}  // namespace crm::cli

int main(int argc, char** argv) {
  using crm::cli::Context;
  CLI::App app{"crm: customers, interactions and the change feed of a libcrm database"};
  app.require_subcommand(1);
  app.fallthrough();  // the options above may follow the command (crm customer list --json)
  Context ctx;
  const char* env_db = std::getenv("CRM_DB");
  ctx.db = env_db != nullptr && *env_db != '\0' ? env_db : "crm.db";
  app.add_option("--db", ctx.db, "the database file (default: $CRM_DB, else ./crm.db)");
  app.add_option("--key-file", ctx.key_file, "a file holding the store key of an encrypted database (32 bytes or 64 hex digits)");
  app.add_option("--passphrase-env", ctx.passphrase_env,
                 "the name of an environment variable holding the passphrase of an encrypted database");
  app.add_option("--actor", ctx.actor, "who the writes are attributed to (default: the store's default actor)");
  app.add_flag("--json", ctx.json, "print JSON instead of a table");
  crm::cli::AddCustomerCommands(app, ctx);
  crm::cli::AddActivityCommands(app, ctx);
  crm::cli::AddDealCommands(app, ctx);
  crm::cli::AddPrivacyCommands(app, ctx);
  crm::cli::AddTeamCommands(app, ctx);
  crm::cli::AddProductCommands(app, ctx);
  crm::cli::AddSegmentCommands(app, ctx);
  crm::cli::AddCampaignCommands(app, ctx);
  crm::cli::AddTicketCommands(app, ctx);
  crm::cli::AddLeadCommands(app, ctx);
  crm::cli::AddImportCommands(app, ctx);
  crm::cli::AddReportCommands(app, ctx);
  crm::cli::AddAnalyticsCommands(app, ctx);
  crm::cli::AddDuplicateCommands(app, ctx);
  crm::cli::AddAdminCommands(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const crm::cli::Failure& e) {
    std::cerr << "crm: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
