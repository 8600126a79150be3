// crm interaction log | crm timeline | crm changes
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"

namespace crm::cli {
namespace {

std::string OneLine(std::string s, std::size_t max) {
  for (char& ch : s)
    if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
  if (s.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    s = s.substr(0, cut) + "…";
  }
  return s;
}

}  // namespace

void AddActivityCommands(CLI::App& app, Context& ctx) {
  CLI::App* interaction = app.add_subcommand("interaction", "log calls, emails, meetings, notes ...");
  interaction->require_subcommand(1);
  struct LogOptions {
    CustomerId customer = 0;
    std::string kind = "note", subject, body, outcome, owner, at = "now", direction, external_id, amount, currency = "EUR";
    std::int64_t duration = 0;
  };
  auto lo = std::make_shared<LogOptions>();
  CLI::App* log = interaction->add_subcommand("log", "record an interaction with a customer; prints it");
  log->add_option("customer", lo->customer, "the customer's id")->required();
  log->add_option("--kind", lo->kind, "call, email, meeting, note, task, support_ticket, purchase (default: note)");
  log->add_option("--subject", lo->subject);
  log->add_option("--body", lo->body);
  log->add_option("--outcome", lo->outcome, "\"left voicemail\", \"demo booked\" ...");
  log->add_option("--owner", lo->owner);
  log->add_option("--at", lo->at, "when it happened: 2024-03-31, 2024-03-31T12:00:00Z (default: now)");
  log->add_option("--direction", lo->direction, "inbound or outbound");
  log->add_option("--duration", lo->duration, "seconds (calls, meetings)");
  log->add_option("--external-id", lo->external_id, "its id in another system (unique)");
  log->add_option("--amount", lo->amount, "a purchase's amount: 1200.50");
  log->add_option("--currency", lo->currency, "the amount's currency (default EUR)");
  log->callback([&ctx, lo] {
    Interaction i;
    i.customer = lo->customer;
    auto kind = ParseInteractionKind(lo->kind);
    if (!kind) throw Failure("--kind: '" + lo->kind + "' is not a kind of interaction");
    i.kind = *kind;
    i.subject = lo->subject;
    i.body = lo->body;
    i.outcome = lo->outcome;
    i.owner = lo->owner;
    i.occurred_at = ParseTime(lo->at, "--at");
    i.duration_seconds = lo->duration;
    i.external_id = lo->external_id;
    if (!lo->amount.empty()) i.amount = ParseMoney(lo->amount, lo->currency);
    if (lo->direction == "inbound") i.direction = Direction::kInbound;
    else if (lo->direction == "outbound") i.direction = Direction::kOutbound;
    else if (!lo->direction.empty()) throw Failure("--direction: '" + lo->direction + "' is not inbound or outbound");
    auto store = ctx.Open();
    const Interaction logged = Must(store->Run(&WriteTxn::LogInteraction, i), "interaction log");
    if (ctx.json) PrintJson(ToJson(logged));
    else std::cout << "logged interaction " << logged.id << " (" << InteractionKindName(logged.kind) << ") for customer "
                   << logged.customer << " at " << FormatTime(logged.occurred_at) << "\n";
  });

  struct TimelineOptions {
    CustomerId customer = 0;
    std::size_t limit = 50;
    bool oldest_first = false;
    std::string from, to;
  };
  auto to = std::make_shared<TimelineOptions>();
  CLI::App* timeline = app.add_subcommand("timeline", "a customer's interactions, newest first");
  timeline->add_option("customer", to->customer, "the customer's id")->required();
  timeline->add_option("--limit", to->limit, "at most this many (1 to 1000)")->check(CLI::Range(1, 1000));
  timeline->add_flag("--oldest-first", to->oldest_first);
  timeline->add_option("--from", to->from, "from this time on (2024-03-31 ...)");
  timeline->add_option("--to", to->to, "before this time");
  timeline->callback([&ctx, to] {
    TimelineQuery q;
    q.customer = to->customer;
    q.limit = to->limit;
    q.newest_first = !to->oldest_first;
    if (!to->from.empty()) q.from = ParseTime(to->from, "--from");
    if (!to->to.empty()) q.to = ParseTime(to->to, "--to");
    auto store = ctx.Open(false, true);
    const InteractionPage page = Must(store->Run(&ReadTxn::ListTimeline, q), "timeline");
    if (ctx.json) {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const Interaction& i : page.interactions) out.push_back(ToJson(i));
      return PrintJson(out);
    }
    std::vector<std::vector<std::string>> rows;
    for (const Interaction& i : page.interactions)
      rows.push_back({std::to_string(i.id), FormatTime(i.occurred_at), std::string(InteractionKindName(i.kind)),
                      OneLine(i.subject, 40), OneLine(i.outcome, 30), i.owner});
    PrintTable({"id", "when", "kind", "subject", "outcome", "owner"}, rows);
  });

  struct ChangesOptions {
    std::uint64_t from = 0;
    std::size_t limit = 100;
  };
  auto co = std::make_shared<ChangesOptions>();
  CLI::App* changes = app.add_subcommand("changes", "the change feed: every write, in commit order");
  changes->add_option("--from", co->from, "from this sequence number on (default: the first kept)");
  changes->add_option("--limit", co->limit, "at most this many (1 to 1000)")->check(CLI::Range(1, 1000));
  changes->callback([&ctx, co] {
    auto store = ctx.Open(false, true);
    const std::vector<Change> list = Must(store->Run(&ReadTxn::ListChanges, co->from, co->limit), "changes");
    if (ctx.json) {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const Change& c : list) out.push_back(ToJson(c));
      return PrintJson(out);
    }
    std::vector<std::vector<std::string>> rows;
    for (const Change& c : list) {
      std::string fields;
      for (const FieldChange& f : c.fields) fields += (fields.empty() ? "" : ", ") + f.field;
      if (c.redacted) fields = "(erased)";
      if (c.trimmed) fields = "(trimmed)";
      rows.push_back({std::to_string(c.seq), FormatTime(c.at), c.actor, std::string(EntityTypeName(c.entity)),
                      std::to_string(c.entity_id), std::string(ChangeOpName(c.op)), OneLine(fields, 60)});
    }
    PrintTable({"seq", "at", "actor", "entity", "id", "op", "fields"}, rows);
  });
}

}  // namespace crm::cli
