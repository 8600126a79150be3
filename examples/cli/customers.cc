// crm customer add | get | find | list | update | archive | restore | delete
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "cli.h"

namespace crm::cli {
namespace {

// The fields `customer add` and `customer update` take. Each option given is a field set; an
// update changes those and no other.
struct Fields {
  std::string given, family, name, owner, stage, external_id, job_title, department, industry, website;
  std::string street, city, region, postal_code, country;
  std::vector<std::string> emails, phones, tags, custom;
  std::vector<std::string> add_emails, add_phones, add_tags;
  bool organization = false;

  void Add(CLI::App* cmd, bool update) {
    cmd->add_option("--given", given, "given name (people)");
    cmd->add_option("--family", family, "family name (people)");
    cmd->add_option("--name", name, "display name (an organization's name)");
    if (!update) cmd->add_flag("--org", organization, "an organization, not a person");
    cmd->add_option("--email", emails, update ? "the emails, replacing the stored ones (repeat for several)"
                                              : "an email (repeat for several; the first is primary)");
    cmd->add_option("--phone", phones, update ? "the phone numbers, replacing the stored ones" : "a phone number (repeat for several)");
    cmd->add_option("--tag", tags, update ? "the tags, replacing the stored ones" : "a tag (repeat for several)");
    if (update) {
      cmd->add_option("--add-email", add_emails, "an email added to the stored ones");
      cmd->add_option("--add-phone", add_phones, "a phone number added to the stored ones");
      cmd->add_option("--add-tag", add_tags, "a tag added to the stored ones");
    }
    cmd->add_option("--owner", owner, "the owner (a user's name or login)");
    cmd->add_option("--stage", stage, "lifecycle stage: subscriber, lead, prospect, opportunity, customer, evangelist, churned, other");
    cmd->add_option("--external-id", external_id, "its id in another system (unique)");
    cmd->add_option("--title", job_title, "job title (people)");
    cmd->add_option("--department", department, "department (people)");
    cmd->add_option("--industry", industry, "industry (organizations)");
    cmd->add_option("--website", website, "website (organizations; its domain is looked up like an email's)");
    cmd->add_option("--street", street);
    cmd->add_option("--city", city);
    cmd->add_option("--region", region);
    cmd->add_option("--postal-code", postal_code);
    cmd->add_option("--country", country, "country (ISO 3166 alpha-2, e.g. DE)");
    cmd->add_option("--custom", custom, "a custom text field, NAME=VALUE (repeat for several)");
  }

  // Puts the options given into `c`; the patch names each field set.
  void Apply(const CLI::App& cmd, Customer& c, std::vector<std::string>& patch) const {
    auto given_opt = [&](const char* option) {
      const CLI::Option* o = cmd.get_option_no_throw(option);
      return o != nullptr && o->count() > 0;
    };
    auto set = [&](const char* option, const char* field, std::string& to, const std::string& from) {
      if (!given_opt(option)) return;
      to = from;
      patch.push_back(field);
    };
    set("--given", "given_name", c.given_name, given);
    set("--family", "family_name", c.family_name, family);
    set("--name", "display_name", c.display_name, name);
    set("--owner", "owner", c.owner, owner);
    set("--external-id", "external_id", c.external_id, external_id);
    set("--title", "job_title", c.job_title, job_title);
    set("--department", "department", c.department, department);
    set("--industry", "industry", c.industry, industry);
    set("--website", "website", c.website, website);
    set("--street", "address.street", c.address.street, street);
    set("--city", "address.city", c.address.city, city);
    set("--region", "address.region", c.address.region, region);
    set("--postal-code", "address.postal_code", c.address.postal_code, postal_code);
    set("--country", "address.country", c.address.country, country);
    if (given_opt("--stage")) {
      auto s = ParseLifecycleStage(stage);
      if (!s) throw Failure("--stage: '" + stage + "' is not a lifecycle stage");
      c.stage = *s;
      patch.push_back("stage");
    }
    auto list = [&](const char* option, const char* add_option, const char* field, auto put) {
      const bool replace = given_opt(option), add = add_option != nullptr && given_opt(add_option);
      if (replace && add) throw Failure(std::string(option) + " and " + add_option + ": give one of the two");
      if (!replace && !add) return;
      put(replace);
      patch.push_back(add ? std::string("+") + field : std::string(field));
    };
    list("--email", "--add-email", "emails", [&](bool replace) {
      c.emails.clear();
      for (const std::string& e : replace ? emails : add_emails) c.emails.push_back(Email{e, "", c.emails.empty()});
    });
    list("--phone", "--add-phone", "phones", [&](bool replace) {
      c.phones.clear();
      for (const std::string& p : replace ? phones : add_phones) c.phones.push_back(Phone{p, "", c.phones.empty()});
    });
    list("--tag", "--add-tag", "tags", [&](bool replace) {
      c.tags.clear();
      for (const std::string& t : replace ? tags : add_tags) c.tags.push_back(t);
    });
    for (const std::string& kv : custom) {
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) throw Failure("--custom: '" + kv + "' is not NAME=VALUE");
      c.custom[kv.substr(0, eq)] = kv.substr(eq + 1);
      patch.push_back("custom." + kv.substr(0, eq));
    }
  }
};

std::vector<std::string> Row(const Customer& c) {
  const Email* email = c.primary_email();
  const Phone* phone = c.primary_phone();
  return {std::to_string(c.id),
          c.display_name,
          c.kind == CustomerKind::kOrganization ? "organization" : "person",
          email != nullptr ? email->address : "",
          phone != nullptr ? phone->number : "",
          std::string(LifecycleStageName(c.stage)),
          c.owner,
          absl::StrJoin(c.tags, ",")};
}

void PrintCustomers(const Context& ctx, const std::vector<Customer>& customers) {
  if (ctx.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const Customer& c : customers) out.push_back(ToJson(c));
    PrintJson(out);
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const Customer& c : customers) rows.push_back(Row(c));
  PrintTable({"id", "name", "kind", "email", "phone", "stage", "owner", "tags"}, rows);
}

void PrintCustomer(const Context& ctx, const Customer& c) {
  if (ctx.json) return PrintJson(ToJson(c));
  std::vector<std::vector<std::string>> rows = {
      {"id", std::to_string(c.id)},
      {"name", c.display_name},
      {"kind", c.kind == CustomerKind::kOrganization ? "organization" : "person"}};
  for (const Email& e : c.emails) rows.push_back({"email", e.address + (e.primary ? " (primary)" : "")});
  for (const Phone& p : c.phones) rows.push_back({"phone", p.number + (p.e164.empty() || p.e164 == p.number ? "" : "  " + p.e164)});
  std::vector<std::string> where;
  for (const std::string* part : {&c.address.street, &c.address.postal_code, &c.address.city, &c.address.country})
    if (!part->empty()) where.push_back(*part);
  if (!where.empty()) rows.push_back({"address", absl::StrJoin(where, ", ")});
  rows.push_back({"stage", std::string(LifecycleStageName(c.stage))});
  if (!c.owner.empty()) rows.push_back({"owner", c.owner});
  if (!c.tags.empty()) rows.push_back({"tags", absl::StrJoin(c.tags, ", ")});
  if (!c.external_id.empty()) rows.push_back({"external id", c.external_id});
  for (const auto& [label, value] : {std::pair<const char*, const std::string*>{"title", &c.job_title},
                                     {"department", &c.department},
                                     {"industry", &c.industry},
                                     {"website", &c.website}})
    if (!value->empty()) rows.push_back({label, *value});
  if (!c.domains.empty()) rows.push_back({"domains", absl::StrJoin(c.domains, ", ")});
  const nlohmann::ordered_json json = ToJson(c);
  for (const auto& [name, value] : json["custom"].items())
    rows.push_back({"custom." + name, value.is_string() ? value.get<std::string>() : value.dump()});
  rows.push_back({"created", FormatTime(c.created_at)});
  if (c.last_interaction_at != 0) rows.push_back({"last contact", FormatTime(c.last_interaction_at)});
  if (c.archived) rows.push_back({"archived", FormatTime(c.archived_at)});
  PrintTable({"field", "value"}, rows);
}

CustomerId ParseId(const std::string& text) {
  std::size_t used = 0;
  unsigned long long id = 0;
  try {
    id = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || id == 0 || text[0] == '-') throw Failure("'" + text + "' is not a customer id");
  return id;
}

}  // namespace

void AddCustomerCommands(CLI::App& app, Context& ctx) {
  CLI::App* customer = app.add_subcommand("customer", "add, look up, list, change and remove customers");
  customer->require_subcommand(1);

  auto add_fields = std::make_shared<Fields>();
  CLI::App* add = customer->add_subcommand("add", "add a person (or, with --org, an organization); prints it");
  add_fields->Add(add, false);
  add->callback([&ctx, add, add_fields] {
    Customer c;
    c.kind = add_fields->organization ? CustomerKind::kOrganization : CustomerKind::kPerson;
    std::vector<std::string> patch;
    add_fields->Apply(*add, c, patch);
    auto store = ctx.Open();
    Customer made;
    std::vector<DuplicateAlert> alerts;
    Check(store->Write(ctx.actor, [&](WriteTxn& t) -> absl::Status {
      auto r = t.CreateCustomer(c);
      if (!r.ok()) return r.status();
      made = *std::move(r);
      alerts = t.DuplicateAlerts();
      return absl::OkStatus();
    }), "customer add");
    PrintCustomer(ctx, made);
    // The duplicate rule's alert (crm duplicates rule --action alert): on stderr, so that the
    // output stays the customer alone.
    for (const DuplicateAlert& a : alerts)
      for (const DuplicateCandidate& d : a.candidates)
        std::cerr << "crm: likely a duplicate of customer " << d.id << " (score " << Fixed(d.score, "%.2f")
                  << "; crm duplicates of " << a.customer << ")\n";
  });

  auto ref = std::make_shared<std::string>();
  CLI::App* get = customer->add_subcommand("get", "one customer, by id, email, external id (x:ID) or phone (tel:NUMBER)");
  get->add_option("customer", *ref, "an id, an email, x:EXTERNAL-ID or tel:NUMBER")->required();
  get->callback([&ctx, ref] {
    auto store = ctx.Open(false, true);
    const std::string& r = *ref;
    if (r.rfind("tel:", 0) == 0) {
      auto found = Must(store->Run(&ReadTxn::FindCustomersByPhone, std::string_view(r).substr(4)), "customer get");
      if (found.empty()) throw Failure("no customer has the phone number " + r.substr(4));
      if (found.size() > 1) return PrintCustomers(ctx, found);
      return PrintCustomer(ctx, found.front());
    }
    absl::StatusOr<Customer> c = r.rfind("x:", 0) == 0       ? store->Run(&ReadTxn::FindCustomerByExternalId, std::string_view(r).substr(2))
                                 : r.find('@') != std::string::npos ? store->Run(&ReadTxn::FindCustomerByEmail, std::string_view(r))
                                                                    : store->Run(&ReadTxn::GetCustomer, ParseId(r));
    const Customer found = Must(std::move(c), "customer get");
    if (r.find_first_not_of("0123456789") == std::string::npos && std::to_string(found.id) != r)
      std::cerr << "crm: customer " << r << " was merged into customer " << found.id << "\n";
    PrintCustomer(ctx, found);
  });

  auto words = std::make_shared<std::vector<std::string>>();
  auto limit = std::make_shared<std::size_t>(50);
  CLI::App* find = customer->add_subcommand("find", "customers whose name has words starting with these (\"ann alp\")");
  find->add_option("words", *words, "word beginnings, any case or accents")->required();
  find->add_option("--limit", *limit, "at most this many (1 to 1000)")->check(CLI::Range(1, 1000));
  find->callback([&ctx, words, limit] {
    auto store = ctx.Open(false, true);
    CustomerQuery q = CustomerQuery::NamePrefix(absl::StrJoin(*words, " "));
    q.limit = *limit;
    PrintCustomers(ctx, Must(store->Run(&ReadTxn::ListCustomers, q), "customer find").customers);
  });

  struct ListOptions {
    std::string where, order_by = "id";
    bool descending = false, archived = false;
    std::size_t limit = 50;
  };
  auto lo = std::make_shared<ListOptions>();
  CLI::App* list = customer->add_subcommand("list", "customers matching a filter (README, \"Queries\"), sorted, a page at a time");
  list->add_option("--where", lo->where, "a filter, e.g. \"tag = 'vip' and address.country = 'DE'\" (default: every customer)");
  list->add_option("--order-by", lo->order_by, "a field to sort by (default: id)");
  list->add_flag("--desc", lo->descending, "largest first");
  list->add_flag("--archived", lo->archived, "archived customers too");
  list->add_option("--limit", lo->limit, "at most this many (1 to 1000)")->check(CLI::Range(1, 1000));
  list->callback([&ctx, lo] {
    Search s;
    s.filter = Must(Filter::Parse(lo->where), "--where");
    s.order_by = lo->order_by;
    s.descending = lo->descending;
    s.include_archived = lo->archived;
    s.limit = lo->limit;
    auto store = ctx.Open(false, true);
    PrintCustomers(ctx, Must(store->Run(&ReadTxn::SearchCustomers, s), "customer list").customers);
  });

  auto update_fields = std::make_shared<Fields>();
  auto update_id = std::make_shared<std::string>();
  CLI::App* update = customer->add_subcommand("update", "change the fields given, and no other; prints the customer");
  update->add_option("id", *update_id, "the customer's id")->required();
  update_fields->Add(update, true);
  update->callback([&ctx, update, update_fields, update_id] {
    Customer c;
    c.id = ParseId(*update_id);
    std::vector<std::string> fields;
    update_fields->Apply(*update, c, fields);
    if (fields.empty()) throw Failure("customer update: no field to change (see crm customer update --help)");
    Patch patch;
    patch.fields = fields;
    auto store = ctx.Open();
    PrintCustomer(ctx, Must(store->Run(&WriteTxn::PatchCustomer, c, patch), "customer update"));
  });

  for (const char* verb : {"archive", "restore"}) {
    auto id = std::make_shared<std::string>();
    CLI::App* cmd = customer->add_subcommand(
        verb, std::string(verb) == "archive" ? "hide a customer from lists (lookups still find it)" : "undo an archive");
    cmd->add_option("id", *id, "the customer's id")->required();
    const bool archive = std::string(verb) == "archive";
    cmd->callback([&ctx, id, archive] {
      auto store = ctx.Open();
      PrintCustomer(ctx, Must(store->Run(archive ? &WriteTxn::ArchiveCustomer : &WriteTxn::RestoreCustomer, ParseId(*id)),
                              archive ? "customer archive" : "customer restore"));
    });
  }

  auto delete_id = std::make_shared<std::string>();
  auto cascade = std::make_shared<bool>(false);
  CLI::App* del = customer->add_subcommand("delete", "remove a customer (see also `crm privacy erase`)");
  del->add_option("id", *delete_id, "the customer's id")->required();
  del->add_flag("--cascade", *cascade, "with its interactions, deals and memberships");
  del->callback([&ctx, delete_id, cascade] {
    auto store = ctx.Open();
    const CustomerId id = ParseId(*delete_id);
    Check(store->Run(&WriteTxn::DeleteCustomer, id, DeleteOptions{*cascade}), "customer delete");
    if (ctx.json) PrintJson({{"deleted", id}});
    else std::cout << "deleted customer " << id << "\n";
  });
}

}  // namespace crm::cli
