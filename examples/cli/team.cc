// crm user add | list, crm team add | list, crm index declare | drop | list
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "crm/user.hpp"

namespace crm::cli {
namespace {

EntityType QueryKind(const std::string& name) {
  if (name == "customer") return EntityType::kCustomer;
  if (name == "opportunity") return EntityType::kOpportunity;
  if (name == "interaction") return EntityType::kInteraction;
  throw Failure("'" + name + "' is not customer, opportunity or interaction");
}

}  // namespace

void AddTeamCommands(CLI::App& app, Context& ctx) {
  CLI::App* user = app.add_subcommand("user", "the users who own customers and deals");
  user->require_subcommand(1);
  struct UserAdd {
    std::string name, login, email;
    UserId manager = 0;
    TeamId team = 0;
  };
  auto ua = std::make_shared<UserAdd>();
  CLI::App* uadd = user->add_subcommand("add", "a user; prints its id");
  uadd->add_option("name", ua->name, "how the user is shown, and matched as an owner")->required();
  uadd->add_option("--login", ua->login, "unique");
  uadd->add_option("--email", ua->email, "unique");
  uadd->add_option("--team", ua->team, "the team's id");
  uadd->add_option("--manager", ua->manager, "the manager's user id");
  uadd->callback([&ctx, ua] {
    User u;
    u.name = ua->name;
    u.login = ua->login;
    u.email = ua->email;
    u.team = ua->team;
    u.manager = ua->manager;
    const User made = Must(ctx.Open()->Run(&WriteTxn::CreateUser, u), "user add");
    if (ctx.json) return PrintJson({{"id", made.id}, {"name", made.name}});
    std::cout << "created user " << made.id << " (" << made.name << ")\n";
  });
  auto team_filter = std::make_shared<TeamId>(0);
  CLI::App* ulist = user->add_subcommand("list", "every user (of one team with --team)");
  ulist->add_option("--team", *team_filter);
  ulist->callback([&ctx, team_filter] {
    const std::vector<User> all = Must(ctx.Open(false, true)->Run(&ReadTxn::ListUsers, *team_filter), "user list");
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const User& u : all) {
      out.push_back({{"id", u.id}, {"name", u.name}, {"login", u.login}, {"email", u.email}, {"active", u.active},
                     {"team", u.team}, {"manager", u.manager}});
      rows.push_back({std::to_string(u.id), u.name, u.login, u.email, u.active ? "yes" : "no",
                      u.team == 0 ? "" : std::to_string(u.team), u.manager == 0 ? "" : std::to_string(u.manager)});
    }
    if (ctx.json) return PrintJson(out);
    PrintTable({"id", "name", "login", "email", "active", "team", "manager"}, rows);
  });

  CLI::App* team = app.add_subcommand("team", "sales teams");
  team->require_subcommand(1);
  struct TeamAdd {
    std::string name, region;
    UserId manager = 0;
  };
  auto ta = std::make_shared<TeamAdd>();
  CLI::App* tadd = team->add_subcommand("add", "a team; prints its id");
  tadd->add_option("name", ta->name)->required();
  tadd->add_option("--region", ta->region, "a sales region or office");
  tadd->add_option("--manager", ta->manager, "the manager's user id");
  tadd->callback([&ctx, ta] {
    Team t;
    t.name = ta->name;
    t.region = ta->region;
    t.manager = ta->manager;
    const Team made = Must(ctx.Open()->Run(&WriteTxn::CreateTeam, t), "team add");
    if (ctx.json) return PrintJson({{"id", made.id}, {"name", made.name}});
    std::cout << "created team " << made.id << " (" << made.name << ")\n";
  });
  CLI::App* tlist = team->add_subcommand("list", "every team");
  tlist->callback([&ctx] {
    const std::vector<Team> all = Must(ctx.Open(false, true)->Run(&ReadTxn::ListTeams), "team list");
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const Team& t : all) {
      out.push_back({{"id", t.id}, {"name", t.name}, {"region", t.region}, {"manager", t.manager}});
      rows.push_back({std::to_string(t.id), t.name, t.region, t.manager == 0 ? "" : std::to_string(t.manager)});
    }
    if (ctx.json) return PrintJson(out);
    PrintTable({"id", "name", "region", "manager"}, rows);
  });

  CLI::App* index = app.add_subcommand("index", "declared indexes: faster filters and sorts on a field");
  index->require_subcommand(1);
  struct IndexOptions {
    std::string kind, field;
  };
  auto io = std::make_shared<IndexOptions>();
  for (const char* verb : {"declare", "drop"}) {
    const bool declare = std::string(verb) == "declare";
    CLI::App* cmd = index->add_subcommand(verb, declare ? "index a field (built at once)" : "remove a declared index");
    cmd->add_option("kind", io->kind, "customer, opportunity or interaction")->required();
    cmd->add_option("field", io->field, "e.g. address.city, custom.score")->required();
    cmd->callback([&ctx, io, declare] {
      auto store = ctx.Open();
      Check(store->Run(declare ? &WriteTxn::DeclareIndex : &WriteTxn::DropIndex, QueryKind(io->kind), std::string_view(io->field)),
            declare ? "index declare" : "index drop");
      if (ctx.json) return PrintJson({{declare ? "declared" : "dropped", io->kind + "." + io->field}});
      std::cout << (declare ? "declared" : "dropped") << " the index on " << io->kind << " " << io->field << "\n";
    });
  }
  CLI::App* ilist = index->add_subcommand("list", "the declared indexes and their entries");
  ilist->callback([&ctx] {
    const std::vector<IndexInfo> all = Must(ctx.Open(false, true)->Run(&ReadTxn::Indexes), "index list");
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const IndexInfo& i : all) {
      out.push_back({{"kind", EntityTypeName(i.kind)}, {"field", i.field}, {"entries", i.entries}});
      rows.push_back({std::string(EntityTypeName(i.kind)), i.field, std::to_string(i.entries)});
    }
    if (ctx.json) return PrintJson(out);
    PrintTable({"kind", "field", "entries"}, rows);
  });
}

}  // namespace crm::cli
