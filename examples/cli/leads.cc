// crm lead convert: a lead becomes a person at a later stage, a member of an organization and the
// contact of a new deal, in one transaction
#include <iostream>
#include <memory>
#include <string>

#include "cli.h"
#include "crm/lead.hpp"

namespace crm::cli {

void AddLeadCommands(CLI::App& app, Context& ctx) {
  CLI::App* lead = app.add_subcommand("lead", "lead conversion");
  lead->require_subcommand(1);
  struct Options {
    std::uint64_t id = 0, organization = 0, pipeline = 0;
    std::string company, role, stage, deal, amount, currency, close, owner;
  };
  auto o = std::make_shared<Options>();
  CLI::App* convert = lead->add_subcommand("convert", "a lead becomes a contact of an organization (found or created) and of a new deal");
  convert->add_option("lead", o->id, "the lead's customer id")->required();
  convert->add_option("--company", o->company, "the organization's name (default: the lead's custom field company)");
  convert->add_option("--organization", o->organization, "an existing organization's id");
  convert->add_option("--role", o->role, "the person's role there and on the deal");
  convert->add_option("--stage", o->stage, "the person's new stage (default: opportunity with a deal, else prospect)");
  convert->add_option("--deal", o->deal, "the new deal's title (none: no deal)");
  convert->add_option("--amount", o->amount, "the deal's amount, with --currency");
  convert->add_option("--currency", o->currency);
  convert->add_option("--pipeline", o->pipeline, "the deal's pipeline (default: the default one)");
  convert->add_option("--close", o->close, "the deal's expected close date");
  convert->add_option("--owner", o->owner, "the deal's owner (default: the lead's)");
  convert->callback([&ctx, o] {
    LeadConversion c;
    c.lead = o->id;
    c.organization = o->organization;
    c.company = o->company;
    c.role = o->role;
    if (!o->stage.empty()) {
      auto s = ParseLifecycleStage(o->stage);
      if (!s) throw Failure("--stage: '" + o->stage + "' is not a lifecycle stage");
      c.stage = *s;
    }
    c.deal_title = o->deal;
    c.pipeline = o->pipeline;
    if (!o->amount.empty() || !o->currency.empty()) c.amount = ParseMoney(o->amount, o->currency);
    if (!o->close.empty()) c.expected_close = ParseTime(o->close, "--close");
    c.owner = o->owner;
    const LeadConversionResult r = Must(ctx.Open()->Run(&WriteTxn::ConvertLead, c), "lead convert");
    if (ctx.json)
      return PrintJson({{"person", ToJson(r.person)},
                        {"organization", r.organization ? ToJson(*r.organization) : nlohmann::ordered_json()},
                        {"organization_created", r.organization_created},
                        {"opportunity", r.opportunity ? r.opportunity->id : 0}});
    std::cout << "customer " << r.person.id << " is now at stage " << LifecycleStageName(r.person.stage);
    if (r.organization)
      std::cout << ", a member of " << (r.organization_created ? "new " : "") << "organization " << r.organization->id
                << " (" << r.organization->display_name << ")";
    if (r.opportunity) std::cout << ", the contact of opportunity " << r.opportunity->id << " (" << r.opportunity->title << ")";
    std::cout << "\n";
  });
}

}  // namespace crm::cli
