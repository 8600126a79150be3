// crm ticket open | get | list | update | status | reply | entries | rate | delete | recompute |
// breaching | report; crm calendar add | list | delete; crm sla add | list | delete: customer
// service, its business calendars and SLA policies
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "cli.h"
#include "crm/ticket.hpp"

namespace crm::cli {
namespace {

template <class E>
E Named(const std::string& text, std::optional<E> (*parse)(std::string_view), const std::string& option,
        const std::string& choices) {
  auto v = parse(text);
  if (!v) throw Failure(option + ": '" + text + "' is not " + choices);
  return *v;
}
TicketStatus StatusNamed(const std::string& s, const std::string& option) {
  return Named(s, &ParseTicketStatus, option, "new, open, pending, on_hold, solved or closed");
}
TicketPriority PriorityNamed(const std::string& s) {
  return Named(s, &ParseTicketPriority, "--priority", "low, normal, high or urgent");
}
TicketChannel ChannelNamed(const std::string& s) {
  return Named(s, &ParseTicketChannel, "--channel", "email, phone, web, chat or other");
}

nlohmann::ordered_json TicketJson(const Ticket& t) {
  nlohmann::ordered_json milestones = nlohmann::ordered_json::array();
  for (const SlaMilestone& m : t.milestones)
    milestones.push_back({{"metric", std::string(SlaMetricName(m.metric))},
                          {"policy", m.policy},
                          {"target_minutes", m.target_minutes},
                          {"due_at", FormatTime(m.due_at)},
                          {"completed_at", FormatTime(m.completed_at)},
                          {"violated", m.violated},
                          {"elapsed_seconds", m.elapsed_seconds}});
  return {{"id", t.id},
          {"customer", t.customer},
          {"subject", t.subject},
          {"status", std::string(TicketStatusName(t.status))},
          {"priority", std::string(TicketPriorityName(t.priority))},
          {"channel", std::string(TicketChannelName(t.channel))},
          {"assignee", t.assignee},
          {"team", t.team},
          {"opened_at", FormatTime(t.opened_at)},
          {"first_response_at", FormatTime(t.first_response_at)},
          {"solved_at", FormatTime(t.solved_at)},
          {"closed_at", FormatTime(t.closed_at)},
          {"due_at", FormatTime(t.due_at)},
          {"satisfaction", t.satisfaction},
          {"satisfaction_comment", t.satisfaction_comment},
          {"milestones", milestones},
          {"description", t.description}};
}

void PrintTickets(const Context& ctx, const std::vector<Ticket>& all, bool milestones) {
  if (ctx.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const Ticket& t : all) out.push_back(TicketJson(t));
    return PrintJson(all.size() == 1 && milestones ? out[0] : out);
  }
  std::vector<std::vector<std::string>> rows;
  for (const Ticket& t : all)
    rows.push_back({std::to_string(t.id), std::to_string(t.customer), t.subject, std::string(TicketStatusName(t.status)),
                    std::string(TicketPriorityName(t.priority)), FormatTime(t.opened_at), FormatTime(t.due_at)});
  PrintTable({"id", "customer", "subject", "status", "priority", "opened", "due"}, rows);
  if (!milestones) return;
  rows.clear();
  for (const Ticket& t : all)
    for (const SlaMilestone& m : t.milestones)
      rows.push_back({std::string(SlaMetricName(m.metric)), std::to_string(m.policy), std::to_string(m.target_minutes),
                      m.due_at == 0 && m.completed_at == 0 ? "(paused)" : FormatTime(m.due_at), FormatTime(m.completed_at),
                      m.violated ? "VIOLATED" : "", std::to_string(m.elapsed_seconds / 60)});
  if (!rows.empty()) {
    std::cout << "\n";
    PrintTable({"milestone", "policy", "target min", "due", "completed", "", "elapsed min"}, rows);
  }
}

// "mon-fri 09:00-17:00", "sat 10:00-14:00", "mon,wed 13:30-18:00".
std::vector<WorkingHours> HoursNamed(const std::string& text) {
  static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  const auto fail = [&] {
    throw Failure("--hours: '" + text + "' is not DAYS HH:MM-HH:MM, as \"mon-fri 09:00-17:00\"");
  };
  std::vector<std::string> parts = absl::StrSplit(text, ' ', absl::SkipEmpty());
  if (parts.size() != 2) fail();
  const auto day = [&](const std::string& d) -> int {
    for (int i = 0; i < 7; ++i)
      if (d == kDays[i]) return i + 1;
    fail();
    return 0;
  };
  const auto minute = [&](const std::string& hhmm) -> int {
    int h = 0, m = 0;
    if (hhmm.size() != 5 || hhmm[2] != ':' || !absl::SimpleAtoi(hhmm.substr(0, 2), &h) ||
        !absl::SimpleAtoi(hhmm.substr(3), &m) || m > 59 || h > 24)
      fail();
    return h * 60 + m;
  };
  std::vector<std::string> span = absl::StrSplit(parts[1], '-');
  if (span.size() != 2) fail();
  const int start = minute(span[0]), end = minute(span[1]);
  std::vector<WorkingHours> out;
  for (const std::string& group : std::vector<std::string>(absl::StrSplit(parts[0], ','))) {
    std::vector<std::string> range = absl::StrSplit(group, '-');
    if (range.size() > 2) fail();
    const int from = day(range[0]), to = day(range.back());
    if (to < from) fail();
    for (int d = from; d <= to; ++d) out.push_back(WorkingHours{static_cast<std::uint8_t>(d), start, end});
  }
  return out;
}

void PrintCalendars(const Context& ctx, const std::vector<BusinessCalendar>& all) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  std::vector<std::vector<std::string>> rows;
  for (const BusinessCalendar& c : all) {
    std::string hours, holidays;
    nlohmann::ordered_json h = nlohmann::ordered_json::array(), d = nlohmann::ordered_json::array();
    for (const WorkingHours& w : c.hours) {
      h.push_back({{"weekday", w.weekday}, {"start_minute", w.start_minute}, {"end_minute", w.end_minute}});
      hours += (hours.empty() ? "" : " ") + std::to_string(w.weekday) + ":" + std::to_string(w.start_minute / 60) + "-" +
               std::to_string(w.end_minute / 60);
    }
    for (const Holiday& x : c.holidays) {
      d.push_back({{"date", x.date}, {"name", x.name}});
      holidays += (holidays.empty() ? "" : " ") + x.date;
    }
    out.push_back({{"id", c.id}, {"name", c.name}, {"time_zone", c.time_zone}, {"team", c.team}, {"hours", h}, {"holidays", d}});
    rows.push_back({std::to_string(c.id), c.name, c.time_zone, c.team == 0 ? "(default)" : std::to_string(c.team), hours,
                    holidays});
  }
  if (ctx.json) return PrintJson(out);
  PrintTable({"id", "name", "zone", "team", "hours (day:from-to)", "holidays"}, rows);
}

void PrintPolicies(const Context& ctx, const std::vector<SlaPolicy>& all) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  std::vector<std::vector<std::string>> rows;
  for (const SlaPolicy& p : all) {
    std::string applies;
    nlohmann::ordered_json pr = nlohmann::ordered_json::array(), ch = nlohmann::ordered_json::array(),
                           pause = nlohmann::ordered_json::array();
    for (TicketPriority x : p.priorities) {
      pr.push_back(std::string(TicketPriorityName(x)));
      applies += std::string(applies.empty() ? "" : " ") + std::string(TicketPriorityName(x));
    }
    for (TicketChannel x : p.channels) {
      ch.push_back(std::string(TicketChannelName(x)));
      applies += std::string(applies.empty() ? "" : " ") + std::string(TicketChannelName(x));
    }
    for (TeamId t : p.teams) applies += std::string(applies.empty() ? "" : " ") + "team " + std::to_string(t);
    if (!p.customer_tag.empty()) applies += std::string(applies.empty() ? "" : " ") + "tag " + p.customer_tag;
    for (TicketStatus s : p.pause_statuses) pause.push_back(std::string(TicketStatusName(s)));
    out.push_back({{"id", p.id}, {"name", p.name}, {"active", p.active}, {"priorities", pr}, {"teams", p.teams},
                   {"channels", ch}, {"customer_tag", p.customer_tag}, {"first_response_minutes", p.first_response_minutes},
                   {"resolution_minutes", p.resolution_minutes}, {"pause_statuses", pause}});
    rows.push_back({std::to_string(p.id), p.name, p.active ? "yes" : "no", applies.empty() ? "(all)" : applies,
                    std::to_string(p.first_response_minutes), std::to_string(p.resolution_minutes)});
  }
  if (ctx.json) return PrintJson(out);
  PrintTable({"id", "name", "active", "applies to", "first response min", "resolution min"}, rows);
}

struct Options {
  std::string subject, description, priority, channel, status, at, body, as = "agent", comment, zone = "UTC", from, to,
      page, html;
  std::vector<std::string> hours, holidays, priorities, channels, pause;
  std::uint64_t id = 0, customer = 0, assignee = 0, team = 0, author = 0;
  std::vector<std::uint64_t> teams;
  std::int64_t first = 0, resolution = 0;
  int score = 0;
  std::size_t limit = 50;
  std::string tag;
};

void AddTicketOnly(CLI::App& app, Context& ctx, const std::shared_ptr<Options>& o) {
  CLI::App* ticket = app.add_subcommand("ticket", "support tickets and their SLA milestones");
  ticket->require_subcommand(1);
  CLI::App* open = ticket->add_subcommand("open", "open a ticket; prints it with its milestones");
  open->add_option("customer", o->customer)->required();
  open->add_option("subject", o->subject)->required();
  open->add_option("--description", o->description);
  open->add_option("--priority", o->priority, "low, normal (default), high or urgent");
  open->add_option("--channel", o->channel, "email (default), phone, web, chat or other");
  open->add_option("--assignee", o->assignee, "a user's id");
  open->add_option("--team", o->team, "a team's id");
  open->add_option("--opened", o->at, "when it was opened (default: now)");
  open->callback([&ctx, o] {
    Ticket t;
    t.customer = o->customer;
    t.subject = o->subject;
    t.description = o->description;
    if (!o->priority.empty()) t.priority = PriorityNamed(o->priority);
    if (!o->channel.empty()) t.channel = ChannelNamed(o->channel);
    t.assignee = o->assignee;
    t.team = o->team;
    if (!o->at.empty()) t.opened_at = ParseTime(o->at, "--opened");
    PrintTickets(ctx, {Must(ctx.Open()->Run(&WriteTxn::OpenTicket, t), "ticket open")}, true);
  });
  CLI::App* get = ticket->add_subcommand("get", "a ticket with its milestones");
  get->add_option("ticket", o->id)->required();
  get->callback([&ctx, o] { PrintTickets(ctx, {Must(ctx.Open(false, true)->Run(&ReadTxn::GetTicket, o->id), "ticket get")}, true); });
  CLI::App* list = ticket->add_subcommand("list", "a customer's tickets, newest first");
  list->add_option("customer", o->customer)->required();
  list->callback([&ctx, o] {
    auto store = ctx.Open(false, true);
    std::vector<Ticket> all;
    std::string token;
    do {
      TicketPage page = Must(store->Run(&ReadTxn::TicketsOf, o->customer, std::string_view(token), std::size_t{1000}), "ticket list");
      all.insert(all.end(), page.tickets.begin(), page.tickets.end());
      token = page.next_page_token;
    } while (!token.empty());
    PrintTickets(ctx, all, false);
  });
  CLI::App* update = ticket->add_subcommand("update", "change a ticket's subject, priority, channel, assignee or team");
  update->add_option("ticket", o->id)->required();
  update->add_option("--subject", o->subject);
  update->add_option("--description", o->description);
  update->add_option("--priority", o->priority);
  update->add_option("--channel", o->channel);
  update->add_option("--assignee", o->assignee, "a user's id (0: nobody)");
  update->add_option("--team", o->team, "a team's id (0: none)");
  update->callback([&ctx, o, update] {
    auto store = ctx.Open();
    Ticket t = Must(store->Run(&ReadTxn::GetTicket, o->id), "ticket update");
    if (!o->subject.empty()) t.subject = o->subject;
    if (update->count("--description") > 0) t.description = o->description;
    if (!o->priority.empty()) t.priority = PriorityNamed(o->priority);
    if (!o->channel.empty()) t.channel = ChannelNamed(o->channel);
    if (update->count("--assignee") > 0) t.assignee = o->assignee;
    if (update->count("--team") > 0) t.team = o->team;
    PrintTickets(ctx, {Must(store->Run(&WriteTxn::UpdateTicket, t), "ticket update")}, true);
  });
  CLI::App* status = ticket->add_subcommand("status", "move a ticket to new, open, pending, on_hold, solved or closed");
  status->add_option("ticket", o->id)->required();
  status->add_option("status", o->status)->required();
  status->add_option("--at", o->at, "when (default: now; not before its last change)");
  status->callback([&ctx, o] {
    const Timestamp at = o->at.empty() ? 0 : ParseTime(o->at, "--at");
    PrintTickets(ctx, {Must(ctx.Open()->Run(&WriteTxn::SetTicketStatus, o->id, StatusNamed(o->status, "status"), at), "ticket status")}, true);
  });
  CLI::App* reply = ticket->add_subcommand("reply", "add to the conversation (an agent's reply by default)");
  reply->add_option("ticket", o->id)->required();
  reply->add_option("body", o->body)->required();
  reply->add_option("--as", o->as, "agent (default), customer or note")->check(CLI::IsMember({"agent", "customer", "note"}));
  reply->add_option("--author", o->author, "the agent's user id");
  reply->add_option("--at", o->at, "when it was written (default: now)");
  reply->callback([&ctx, o] {
    TicketEntry e;
    e.ticket = o->id;
    e.author_kind = *ParseTicketAuthor(o->as);
    e.author = o->author;
    e.body = o->body;
    if (!o->at.empty()) e.at = ParseTime(o->at, "--at");
    e = Must(ctx.Open()->Run(&WriteTxn::AddTicketEntry, e), "ticket reply");
    if (ctx.json) return PrintJson({{"entry", e.id}, {"at", FormatTime(e.at)}});
    std::cout << "entry " << e.id << " at " << FormatTime(e.at) << "\n";
  });
  CLI::App* entries = ticket->add_subcommand("entries", "a ticket's conversation, oldest first");
  entries->add_option("ticket", o->id)->required();
  entries->callback([&ctx, o] {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const TicketEntry& e : Must(ctx.Open(false, true)->Run(&ReadTxn::TicketEntries, o->id), "ticket entries")) {
      j.push_back({{"entry", e.id}, {"author_kind", std::string(TicketAuthorName(e.author_kind))}, {"author", e.author},
                   {"at", FormatTime(e.at)}, {"body", e.body}});
      rows.push_back({std::to_string(e.id), std::string(TicketAuthorName(e.author_kind)), FormatTime(e.at), e.body});
    }
    if (ctx.json) return PrintJson(j);
    PrintTable({"entry", "from", "at", "body"}, rows);
  });
  CLI::App* rate = ticket->add_subcommand("rate", "the customer's satisfaction, 1 to 5, with a solved ticket");
  rate->add_option("ticket", o->id)->required();
  rate->add_option("score", o->score)->required();
  rate->add_option("--comment", o->comment);
  rate->callback([&ctx, o] {
    if (o->score < 1 || o->score > 5) throw Failure("score: " + std::to_string(o->score) + " is not 1 to 5");
    PrintTickets(ctx, {Must(ctx.Open()->Run(&WriteTxn::RateTicket, o->id, static_cast<std::uint8_t>(o->score),
                                           std::string_view(o->comment)), "ticket rate")}, false);
  });
  CLI::App* del = ticket->add_subcommand("delete", "delete a ticket, its conversation and its timeline entry");
  del->add_option("ticket", o->id)->required();
  del->callback([&ctx, o] {
    Check(ctx.Open()->Run(&WriteTxn::DeleteTicket, o->id), "ticket delete");
    if (ctx.json) return PrintJson({{"deleted", o->id}});
    std::cout << "deleted ticket " << o->id << "\n";
  });
  CLI::App* recompute = ticket->add_subcommand("recompute", "apply the policies and calendars as they are now");
  recompute->add_option("ticket", o->id)->required();
  recompute->callback([&ctx, o] { PrintTickets(ctx, {Must(ctx.Open()->Run(&WriteTxn::RecomputeTicketSla, o->id), "ticket recompute")}, true); });
  CLI::App* breaching = ticket->add_subcommand("breaching", "tickets by deadline, overdue ones first");
  breaching->add_option("--before", o->at, "deadlines before this time (default: any)");
  breaching->add_option("--team", o->team);
  breaching->add_option("--assignee", o->assignee);
  breaching->add_option("--limit", o->limit, "1 to 1000 (default 50)");
  breaching->add_option("--page", o->page, "the token a previous page printed");
  breaching->callback([&ctx, o] {
    TicketDueQuery q;
    if (!o->at.empty()) q.before = ParseTime(o->at, "--before");
    q.team = o->team;
    q.assignee = o->assignee;
    q.limit = o->limit;
    q.page_token = o->page;
    const TicketDuePage page = Must(ctx.Open(false, true)->Run(&ReadTxn::TicketsBreachingSoon, q), "ticket breaching");
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const TicketDue& d : page.tickets) {
      j.push_back({{"ticket", d.ticket}, {"due_at", FormatTime(d.due_at)}, {"metric", std::string(SlaMetricName(d.metric))},
                   {"status", std::string(TicketStatusName(d.status))}, {"priority", std::string(TicketPriorityName(d.priority))},
                   {"team", d.team}, {"assignee", d.assignee}});
      rows.push_back({std::to_string(d.ticket), FormatTime(d.due_at), std::string(SlaMetricName(d.metric)),
                      std::string(TicketStatusName(d.status)), std::string(TicketPriorityName(d.priority)),
                      std::to_string(d.team), std::to_string(d.assignee)});
    }
    if (ctx.json) return PrintJson({{"tickets", j}, {"next_page", page.next_page_token}});
    PrintTable({"ticket", "due", "milestone", "status", "priority", "team", "assignee"}, rows);
    if (!page.next_page_token.empty()) std::cerr << "more: --page " << page.next_page_token << "\n";
  });
  CLI::App* report = ticket->add_subcommand("report", "SLA attainment, response times and CSAT per team");
  report->add_option("--from", o->from, "tickets opened from this date on");
  report->add_option("--to", o->to, "tickets opened before this date");
  AddHtmlOption(report, o->html);
  report->callback([&ctx, o] {
    ServiceReportQuery q;
    if (!o->from.empty()) q.from = ParseTime(o->from, "--from");
    if (!o->to.empty()) q.to = ParseTime(o->to, "--to");
    PrintReport(ctx, Must(ctx.Open(false, true)->Run(&ReadTxn::ServiceReport, q), "ticket report"), o->html);
  });
}

}  // namespace

void AddTicketCommands(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<Options>();
  AddTicketOnly(app, ctx, o);
  CLI::App* calendar = app.add_subcommand("calendar", "business calendars: working hours and holidays");
  calendar->require_subcommand(1);
  CLI::App* cadd = calendar->add_subcommand("add", "a calendar; prints it");
  cadd->add_option("name", o->subject)->required();
  cadd->add_option("--zone", o->zone, "an IANA time zone (default UTC)");
  cadd->add_option("--hours", o->hours, "\"mon-fri 09:00-17:00\" (repeatable)")->required();
  cadd->add_option("--holiday", o->holidays, "2026-12-25 or 2026-12-25:Christmas (repeatable)");
  cadd->add_option("--team", o->team, "the team it times (default: the default calendar)");
  cadd->callback([&ctx, o] {
    BusinessCalendar c;
    c.name = o->subject;
    c.time_zone = o->zone;
    for (const std::string& h : o->hours)
      for (const WorkingHours& w : HoursNamed(h)) c.hours.push_back(w);
    for (const std::string& h : o->holidays) {
      const std::size_t colon = h.find(':');
      c.holidays.push_back(Holiday{h.substr(0, colon), colon == std::string::npos ? "" : h.substr(colon + 1)});
    }
    c.team = o->team;
    PrintCalendars(ctx, {Must(ctx.Open()->Run(&WriteTxn::CreateCalendar, c), "calendar add")});
  });
  calendar->add_subcommand("list", "every calendar")->callback([&ctx] {
    PrintCalendars(ctx, Must(ctx.Open(false, true)->Run(&ReadTxn::ListCalendars), "calendar list"));
  });
  CLI::App* cdel = calendar->add_subcommand("delete", "delete a calendar");
  cdel->add_option("calendar", o->id)->required();
  cdel->callback([&ctx, o] {
    Check(ctx.Open()->Run(&WriteTxn::DeleteCalendar, o->id), "calendar delete");
    if (ctx.json) return PrintJson({{"deleted", o->id}});
    std::cout << "deleted calendar " << o->id << "\n";
  });

  CLI::App* sla = app.add_subcommand("sla", "SLA policies: first-response and resolution targets in business minutes");
  sla->require_subcommand(1);
  CLI::App* sadd = sla->add_subcommand("add", "a policy; prints it");
  sadd->add_option("name", o->subject)->required();
  sadd->add_option("--first-response", o->first, "minutes of business time");
  sadd->add_option("--resolution", o->resolution, "minutes of business time");
  sadd->add_option("--priority", o->priorities, "it applies to this priority (repeatable; default: any)");
  sadd->add_option("--channel", o->channels, "it applies to this channel (repeatable; default: any)");
  sadd->add_option("--team", o->teams, "it applies to this team (repeatable; default: any)");
  sadd->add_option("--tag", o->tag, "it applies to customers with this tag");
  sadd->add_option("--pause", o->pause, "its clocks pause in pending, on_hold (repeatable; default both; \"none\": never)");
  sadd->callback([&ctx, o] {
    SlaPolicy p;
    p.name = o->subject;
    p.first_response_minutes = o->first;
    p.resolution_minutes = o->resolution;
    for (const std::string& s : o->priorities) p.priorities.push_back(PriorityNamed(s));
    for (const std::string& s : o->channels) p.channels.push_back(ChannelNamed(s));
    p.teams = o->teams;
    p.customer_tag = o->tag;
    if (!o->pause.empty()) {
      p.pause_statuses.clear();
      for (const std::string& s : o->pause)
        if (s != "none") p.pause_statuses.push_back(StatusNamed(s, "--pause"));
    }
    PrintPolicies(ctx, {Must(ctx.Open()->Run(&WriteTxn::CreateSlaPolicy, p), "sla add")});
  });
  sla->add_subcommand("list", "every SLA policy")->callback([&ctx] {
    PrintPolicies(ctx, Must(ctx.Open(false, true)->Run(&ReadTxn::ListSlaPolicies), "sla list"));
  });
  CLI::App* sdel = sla->add_subcommand("delete", "delete a policy (milestones it completed stay on their tickets)");
  sdel->add_option("policy", o->id)->required();
  sdel->callback([&ctx, o] {
    Check(ctx.Open()->Run(&WriteTxn::DeleteSlaPolicy, o->id), "sla delete");
    if (ctx.json) return PrintJson({{"deleted", o->id}});
    std::cout << "deleted SLA policy " << o->id << "\n";
  });
}

}  // namespace crm::cli
