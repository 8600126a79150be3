// crm campaign add | list | get | delete | add-members | add-segment | remove-members | status |
// members | audience | of: campaigns, their members and statuses, and who may be sent to
#include <iostream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "cli.h"
#include "crm/campaign.hpp"

namespace crm::cli {
namespace {

nlohmann::ordered_json ToJson(const Campaign& c) {
  nlohmann::ordered_json statuses = nlohmann::ordered_json::array();
  for (const CampaignStatus& s : c.statuses) statuses.push_back({{"name", s.name}, {"responded", s.responded}});
  return {{"id", c.id},
          {"name", c.name},
          {"channel", std::string(ContactChannelName(c.channel))},
          {"purpose", c.purpose},
          {"starts_at", FormatTime(c.starts_at)},
          {"ends_at", FormatTime(c.ends_at)},
          {"budget", c.budget.currency.empty() ? "" : MoneyText(c.budget)},
          {"actual_cost", c.actual_cost.currency.empty() ? "" : MoneyText(c.actual_cost)},
          {"parent", c.parent},
          {"owner", c.owner},
          {"statuses", statuses},
          {"default_status", c.default_status},
          {"members", c.members},
          {"description", c.description}};
}

void PrintCampaigns(const Context& ctx, const std::vector<Campaign>& all) {
  if (ctx.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const Campaign& c : all) out.push_back(ToJson(c));
    return PrintJson(out);
  }
  std::vector<std::vector<std::string>> rows;
  for (const Campaign& c : all) {
    std::string statuses;
    for (const CampaignStatus& s : c.statuses) statuses += (statuses.empty() ? "" : ", ") + s.name + (s.responded ? "*" : "");
    rows.push_back({std::to_string(c.id), c.name, std::string(ContactChannelName(c.channel)), c.purpose,
                    c.budget.currency.empty() ? "" : MoneyText(c.budget), std::to_string(c.members), statuses});
  }
  PrintTable({"id", "name", "channel", "purpose", "budget", "members", "statuses (* responded)"}, rows);
}

void PrintMembers(const Context& ctx, const std::vector<CampaignMember>& all, const std::string& next) {
  if (ctx.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const CampaignMember& m : all)
      out.push_back({{"campaign", m.campaign},
                     {"customer", m.customer},
                     {"status", m.status},
                     {"responded", m.responded},
                     {"added_at", FormatTime(m.added_at)},
                     {"first_responded_at", FormatTime(m.first_responded_at)}});
    return PrintJson({{"members", out}, {"next_page", next}});
  }
  std::vector<std::vector<std::string>> rows;
  for (const CampaignMember& m : all)
    rows.push_back({std::to_string(m.campaign), std::to_string(m.customer), m.status, m.responded ? "yes" : "no",
                    FormatTime(m.added_at), FormatTime(m.first_responded_at)});
  PrintTable({"campaign", "customer", "status", "responded", "added", "first responded"}, rows);
  if (!next.empty()) std::cerr << "more: --page " << next << "\n";
}

// "attended" or "attended:responded" of --status.
CampaignStatus StatusNamed(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  if (parts.size() > 2 || (parts.size() == 2 && parts[1] != "responded"))
    throw Failure("--status: '" + text + "' is not NAME or NAME:responded");
  return CampaignStatus{parts[0], parts.size() == 2};
}

Money BudgetNamed(const std::string& text, const std::string& option) {
  std::vector<std::string> parts = absl::StrSplit(text, ' ', absl::SkipEmpty());
  if (parts.size() != 2) throw Failure(option + ": '" + text + "' is not an amount and a currency, e.g. \"5000 EUR\"");
  return ParseMoney(parts[0], parts[1]);
}

}  // namespace

void AddCampaignCommands(CLI::App& app, Context& ctx) {
  CLI::App* campaign = app.add_subcommand("campaign", "campaigns: members, statuses, and who may be sent to");
  campaign->require_subcommand(1);
  struct CampaignOptions {
    std::string name, channel = "email", purpose = "marketing", budget, cost, starts, ends, owner, default_status,
                description, status, page, html;
    std::vector<std::string> statuses;
    std::uint64_t id = 0, parent = 0, customer = 0, segment = 0;
    std::vector<std::uint64_t> ids;
    std::size_t limit = 100;
    bool all = false;
  };
  auto co = std::make_shared<CampaignOptions>();  // `attribution` reads its model from name
  CLI::App* add = campaign->add_subcommand("add", "a campaign; prints it");
  add->add_option("name", co->name)->required();
  add->add_option("--channel", co->channel, "email (default), phone, sms, post or any");
  add->add_option("--purpose", co->purpose, "the consent purpose its messages need (default marketing)");
  add->add_option("--budget", co->budget, "\"5000 EUR\"");
  add->add_option("--cost", co->cost, "the actual cost, \"4200 EUR\"");
  add->add_option("--starts", co->starts, "2025-03-01");
  add->add_option("--ends", co->ends, "2025-03-31");
  add->add_option("--parent", co->parent, "the campaign it is part of");
  add->add_option("--owner", co->owner);
  add->add_option("--status", co->statuses, "a member status, NAME or NAME:responded (repeatable; default sent, responded)");
  add->add_option("--default-status", co->default_status, "new members' status (default: the first)");
  add->add_option("--description", co->description);
  add->callback([&ctx, co] {
    Campaign c;
    c.name = co->name;
    auto channel = ParseContactChannel(co->channel);
    if (!channel) throw Failure("--channel: '" + co->channel + "' is not email, phone, sms, post or any");
    c.channel = *channel;
    c.purpose = co->purpose;
    if (!co->budget.empty()) c.budget = BudgetNamed(co->budget, "--budget");
    if (!co->cost.empty()) c.actual_cost = BudgetNamed(co->cost, "--cost");
    if (!co->starts.empty()) c.starts_at = ParseTime(co->starts, "--starts");
    if (!co->ends.empty()) c.ends_at = ParseTime(co->ends, "--ends");
    c.parent = co->parent;
    c.owner = co->owner;
    for (const std::string& s : co->statuses) c.statuses.push_back(StatusNamed(s));
    c.default_status = co->default_status;
    c.description = co->description;
    PrintCampaigns(ctx, {Must(ctx.Open()->Run(&WriteTxn::CreateCampaign, c), "campaign add")});
  });
  CLI::App* list = campaign->add_subcommand("list", "every campaign with its member count");
  list->callback([&ctx] { PrintCampaigns(ctx, Must(ctx.Open(false, true)->Run(&ReadTxn::ListCampaigns), "campaign list")); });
  CLI::App* get = campaign->add_subcommand("get", "one campaign");
  get->add_option("campaign", co->id)->required();
  get->callback([&ctx, co] { PrintCampaigns(ctx, {Must(ctx.Open(false, true)->Run(&ReadTxn::GetCampaign, co->id), "campaign get")}); });
  CLI::App* del = campaign->add_subcommand("delete", "delete a campaign and its memberships");
  del->add_option("campaign", co->id)->required();
  del->callback([&ctx, co] {
    Check(ctx.Open()->Run(&WriteTxn::DeleteCampaign, co->id), "campaign delete");
    if (ctx.json) return PrintJson({{"deleted", co->id}});
    std::cout << "deleted campaign " << co->id << "\n";
  });
  const auto counted = [&ctx](std::uint64_t campaign, std::uint64_t n, bool added) {
    if (ctx.json) return PrintJson({{"campaign", campaign}, {added ? "added" : "removed", n}});
    std::cout << (added ? "added " : "removed ") << n << (added ? " to" : " from") << " campaign " << campaign << "\n";
  };
  CLI::App* add_members = campaign->add_subcommand("add-members", "add customers (with --status, else the default)");
  add_members->add_option("campaign", co->id)->required();
  add_members->add_option("customers", co->ids)->required();
  add_members->add_option("--status", co->status);
  add_members->callback([&ctx, co, counted] {
    const std::span<const CustomerId> ids(co->ids);
    counted(co->id,
            Must(ctx.Open()->Run(&WriteTxn::AddCampaignMembers, co->id, ids, std::string_view(co->status)),
                 "campaign add-members"),
            true);
  });
  CLI::App* add_segment = campaign->add_subcommand("add-segment", "add a segment's members as they are now");
  add_segment->add_option("campaign", co->id)->required();
  add_segment->add_option("segment", co->segment, "the segment's id")->required();
  add_segment->add_option("--status", co->status);
  add_segment->callback([&ctx, co, counted] {
    counted(co->id,
            Must(ctx.Open()->Run(&WriteTxn::AddSegmentToCampaign, co->id, co->segment, std::string_view(co->status)),
                 "campaign add-segment"),
            true);
  });
  CLI::App* remove = campaign->add_subcommand("remove-members", "remove customers");
  remove->add_option("campaign", co->id)->required();
  remove->add_option("customers", co->ids)->required();
  remove->callback([&ctx, co, counted] {
    const std::span<const CustomerId> ids(co->ids);
    counted(co->id,
            Must(ctx.Open()->Run(&WriteTxn::RemoveCampaignMembers, co->id, ids), "campaign remove-members"), false);
  });
  CLI::App* status = campaign->add_subcommand("status", "set a member's status");
  status->add_option("campaign", co->id)->required();
  status->add_option("customer", co->customer)->required();
  status->add_option("status", co->status)->required();
  status->callback([&ctx, co] {
    const CampaignMember m = Must(
        ctx.Open()->Run(&WriteTxn::SetCampaignMemberStatus, co->id, co->customer, std::string_view(co->status)),
        "campaign status");
    PrintMembers(ctx, {m}, "");
  });
  CLI::App* members = campaign->add_subcommand("members", "the members with their statuses (a page, or --all)");
  members->add_option("campaign", co->id)->required();
  members->add_option("--limit", co->limit, "a page's size, 1 to 1000");
  members->add_option("--page", co->page, "the token a previous page printed");
  members->add_flag("--all", co->all);
  members->callback([&ctx, co] {
    auto store = ctx.Open(false, true);
    std::vector<CampaignMember> all;
    std::string token = co->page;
    do {
      CampaignMemberPage page =
          Must(store->Run(&ReadTxn::ListCampaignMembers, co->id, std::string_view(token), co->limit), "campaign members");
      all.insert(all.end(), page.members.begin(), page.members.end());
      token = page.next_page_token;
    } while (co->all && !token.empty());
    PrintMembers(ctx, all, token);
  });
  CLI::App* audience = campaign->add_subcommand("audience", "who may be sent to, and why the others may not");
  audience->add_option("campaign", co->id)->required();
  audience->callback([&ctx, co] {
    auto store = ctx.Open(false, true);
    std::vector<AudienceEntry> all;
    std::string token;
    do {
      AudiencePage page = Must(store->Run(&ReadTxn::CampaignAudience, co->id, std::string_view(token), std::size_t{1000},
                                          Timestamp{0}),
                               "campaign audience");
      all.insert(all.end(), page.entries.begin(), page.entries.end());
      token = page.next_page_token;
    } while (!token.empty());
    std::size_t sendable = 0;
    for (const AudienceEntry& e : all) sendable += e.sendable;
    if (ctx.json) {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const AudienceEntry& e : all)
        out.push_back({{"customer", e.customer},
                       {"sendable", e.sendable},
                       {"verdict", std::string(ContactVerdictName(e.verdict))},
                       {"reason", e.reason}});
      return PrintJson({{"campaign", co->id}, {"sendable", sendable}, {"excluded", all.size() - sendable}, {"audience", out}});
    }
    std::vector<std::vector<std::string>> rows;
    for (const AudienceEntry& e : all)
      rows.push_back({std::to_string(e.customer), e.sendable ? "yes" : "no", std::string(ContactVerdictName(e.verdict)), e.reason});
    PrintTable({"customer", "sendable", "verdict", "reason"}, rows);
    std::cout << sendable << " sendable, " << all.size() - sendable << " excluded\n";
  });
  CLI::App* attribution = campaign->add_subcommand("attribution", "the won value each campaign brought, its cost per lead and return");
  attribution->add_option("--model", co->name, "first_touch (default), last_touch or linear")
      ->check(CLI::IsMember({"first_touch", "last_touch", "linear"}));
  attribution->add_option("--from", co->starts, "deals won from this date on");
  attribution->add_option("--to", co->ends, "deals won before this date");
  AddHtmlOption(attribution, co->html);
  attribution->callback([&ctx, co] {
    AttributionQuery q;
    q.model = co->name == "last_touch" ? AttributionModel::kLastTouch
              : co->name == "linear"   ? AttributionModel::kLinear
                                       : AttributionModel::kFirstTouch;
    if (!co->starts.empty()) q.won_from = ParseTime(co->starts, "--from");
    if (!co->ends.empty()) q.won_to = ParseTime(co->ends, "--to");
    PrintReport(ctx, AttributionReport(Must(ctx.Open(false, true)->Run(&ReadTxn::CampaignAttribution, q), "campaign attribution"), q.model),
                co->html);
  });
  CLI::App* touches = campaign->add_subcommand("touches", "the campaigns a deal (or, with --customer, a customer) responded to");
  touches->add_option("id", co->id, "the deal's id (or the customer's)")->required();
  touches->add_flag("--customer", co->all, "the id is a customer's");
  touches->callback([&ctx, co] {
    auto store = ctx.Open(false, true);
    const Touches t = Must(co->all ? store->Run(&ReadTxn::CustomerTouches, co->id) : store->Run(&ReadTxn::DealTouches, co->id),
                           "campaign touches");
    if (ctx.json) return PrintJson({{"first", t.first}, {"last", t.last}, {"campaigns", t.campaigns}});
    std::vector<std::vector<std::string>> rows;
    for (CampaignId id : t.campaigns) {
      const Campaign c = Must(store->Run(&ReadTxn::GetCampaign, id), "campaign touches");
      rows.push_back({std::to_string(id), c.name, id == t.first ? "first" : id == t.last ? "last" : ""});
    }
    PrintTable({"campaign", "name", "touch"}, rows);
  });
  CLI::App* event = campaign->add_subcommand("event", "record an event of a member: sent, delivered, opened, clicked, replied, bounced, opted_out, converted");
  event->add_option("campaign", co->id)->required();
  event->add_option("customer", co->customer)->required();
  event->add_option("kind", co->status)->required();
  event->add_option("--at", co->starts, "when it happened (default: now)");
  event->add_option("--detail", co->description, "a bounce's reason, the link clicked ...");
  event->callback([&ctx, co] {
    auto kind = ParseCampaignEventKind(co->status);
    if (!kind) throw Failure("kind: '" + co->status + "' is not sent, delivered, opened, clicked, replied, bounced, opted_out or converted");
    CampaignEvent e{0, co->id, co->customer, *kind, co->starts.empty() ? 0 : ParseTime(co->starts, "--at"), co->description};
    e = Must(ctx.Open()->Run(&WriteTxn::RecordCampaignEvent, e), "campaign event");
    if (ctx.json) return PrintJson({{"event", e.id}, {"kind", std::string(CampaignEventKindName(e.kind))}, {"at", FormatTime(e.at)}});
    std::cout << "event " << e.id << ": " << CampaignEventKindName(e.kind) << " at " << FormatTime(e.at) << "\n";
  });
  CLI::App* events = campaign->add_subcommand("events", "a member's event log, or (without a customer) the counts per kind");
  events->add_option("campaign", co->id)->required();
  events->add_option("customer", co->customer);
  events->callback([&ctx, co] {
    auto store = ctx.Open(false, true);
    if (co->customer == 0) {
      const std::vector<std::uint64_t> counts = Must(store->Run(&ReadTxn::CampaignEventCounts, co->id), "campaign events");
      nlohmann::ordered_json j;
      std::vector<std::vector<std::string>> rows;
      for (std::size_t k = 1; k < counts.size(); ++k) {
        const std::string name(CampaignEventKindName(static_cast<CampaignEventKind>(k)));
        j[name] = counts[k];
        rows.push_back({name, std::to_string(counts[k])});
      }
      if (ctx.json) return PrintJson(j);
      return PrintTable({"event", "count"}, rows);
    }
    const std::vector<CampaignEvent> log = Must(store->Run(&ReadTxn::CampaignEvents, co->id, co->customer), "campaign events");
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const CampaignEvent& e : log) {
      j.push_back({{"event", e.id}, {"kind", std::string(CampaignEventKindName(e.kind))}, {"at", FormatTime(e.at)}, {"detail", e.detail}});
      rows.push_back({std::to_string(e.id), std::string(CampaignEventKindName(e.kind)), FormatTime(e.at), e.detail});
    }
    if (ctx.json) return PrintJson(j);
    PrintTable({"event", "kind", "at", "detail"}, rows);
  });
  CLI::App* of = campaign->add_subcommand("of", "a customer's campaigns");
  of->add_option("customer", co->customer)->required();
  of->callback([&ctx, co] { PrintMembers(ctx, Must(ctx.Open(false, true)->Run(&ReadTxn::CampaignsOf, co->customer), "campaign of"), ""); });
}

}  // namespace crm::cli
