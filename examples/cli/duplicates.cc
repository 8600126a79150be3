// crm duplicates of ID | rule | scan | sets | dismiss A B | forget A B: duplicate matching
// (crm/duplicates.hpp); merge, unmerge, finalize and merges in merge.cc.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "crm/duplicates.hpp"

namespace crm::cli {
namespace {

struct DuplicateArgs {
  std::uint64_t customer = 0, a = 0, b = 0;
  double threshold = kDefaultMatchThreshold;
  std::size_t limit = 10, batch = 2000;
  std::vector<std::string> reasons, id_fields;
  bool archived = false, dismissed = false, restart = false, on_update = false, on_import = false;
  std::string action;
};

MatchOptions Options(const DuplicateArgs& a) {
  MatchOptions o;
  o.threshold = a.threshold;
  o.limit = a.limit;
  o.include_archived = a.archived;
  o.include_dismissed = a.dismissed;
  o.id_fields = a.id_fields;
  if (!a.reasons.empty()) {
    o.reasons = 0;
    for (const std::string& r : a.reasons)
      for (MatchReason m : {MatchReason::kEmail, MatchReason::kPhone, MatchReason::kDomain, MatchReason::kExternalId,
                            MatchReason::kName})
        if (MatchReasonName(m) == r) o.reasons |= MatchReasonBit(m);
  }
  return o;
}

std::string ReasonList(std::uint32_t bits) {
  std::string out;
  for (MatchReason m : {MatchReason::kEmail, MatchReason::kPhone, MatchReason::kDomain, MatchReason::kExternalId, MatchReason::kName})
    if (bits & MatchReasonBit(m)) out += (out.empty() ? "" : ",") + std::string(MatchReasonName(m));
  return out;
}

void Of(Context& ctx, const DuplicateArgs& a) {
  auto store = ctx.Open(false, true);
  const auto found = Must(store->Run(&ReadTxn::FindDuplicates, CustomerId{a.customer}, Options(a)), "duplicates");
  if (ctx.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const DuplicateCandidate& d : found) {
      nlohmann::ordered_json reasons = nlohmann::ordered_json::array();
      for (const MatchEvidence& e : d.reasons)
        reasons.push_back({{"reason", std::string(MatchReasonName(e.reason))}, {"weight", e.weight}, {"detail", e.detail}});
      out.push_back({{"customer", d.id}, {"score", d.score}, {"reasons", reasons}});
    }
    return PrintJson(out);
  }
  std::vector<std::vector<std::string>> rows;
  for (const DuplicateCandidate& d : found) {
    const crm::Customer c = Must(store->Run(&ReadTxn::GetCustomer, d.id), "customer");
    std::string why;
    for (const MatchEvidence& e : d.reasons) why += (why.empty() ? "" : "; ") + std::string(MatchReasonName(e.reason)) + ": " + e.detail;
    rows.push_back({std::to_string(d.id), c.display_name, Fixed(d.score, "%.2f"), why});
  }
  if (rows.empty()) {
    std::cout << "no likely duplicate of customer " << a.customer << "\n";
    return;
  }
  PrintTable({"id", "name", "score", "reasons"}, rows);
}

void Rule(Context& ctx, const DuplicateArgs& a, CLI::App* cmd) {
  const bool set = !a.action.empty();
  auto store = ctx.Open(false, !set);
  if (set) {
    DuplicateRule rule;
    rule.action = a.action == "block" ? DuplicateAction::kBlock : a.action == "alert" ? DuplicateAction::kAlert
                                                                                        : DuplicateAction::kAllow;
    rule.match = Options(a);
    rule.on_update = a.on_update;
    rule.on_import = a.on_import;
    Check(store->Write(ctx.actor, [&](WriteTxn& t) { return t.SetDuplicateRule(rule); }), "rule");
  } else if (cmd->count("--threshold") + cmd->count("--on-update") + cmd->count("--on-import") > 0) {
    throw Failure("rule: give --action with the rule's options");
  }
  const DuplicateRule r = Must(store->Run(&ReadTxn::GetDuplicateRule), "rule");
  std::string fields;
  for (const std::string& f : r.match.id_fields) fields += (fields.empty() ? "" : ",") + f;
  if (ctx.json)
    return PrintJson({{"action", std::string(DuplicateActionName(r.action))}, {"threshold", r.match.threshold},
                      {"limit", r.match.limit}, {"reasons", ReasonList(r.match.reasons)}, {"id_fields", fields},
                      {"on_update", r.on_update}, {"on_import", r.on_import}});
  std::cout << "duplicate rule: " << DuplicateActionName(r.action) << " at " << Fixed(r.match.threshold, "%.2f") << " ("
            << ReasonList(r.match.reasons) << (fields.empty() ? "" : "; id fields " + fields) << ")"
            << (r.on_update ? ", on updates" : "") << (r.on_import ? ", on imports" : "") << "\n";
}

void Sets(Context& ctx, const DuplicateArgs& a) {
  auto store = ctx.Open(false, true);
  DuplicateSetQuery q;
  q.limit = a.limit;
  q.include_dismissed = a.dismissed;
  const DuplicateSetPage page = Must(store->Run(&ReadTxn::ListDuplicateSets, q), "sets");
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  std::vector<std::vector<std::string>> rows;
  for (const DuplicateSet& s : page.sets) {
    nlohmann::ordered_json pairs = nlohmann::ordered_json::array();
    std::string ids, best;
    double top = 0;
    for (CustomerId id : s.customers) ids += (ids.empty() ? "" : " ") + std::to_string(id);
    for (const DuplicatePair& p : s.pairs) {
      pairs.push_back({{"a", p.a}, {"b", p.b}, {"score", p.score}, {"reasons", ReasonList(p.reasons)}, {"dismissed", p.dismissed}});
      if (p.score > top) top = p.score, best = ReasonList(p.reasons);
    }
    out.push_back({{"customers", s.customers}, {"pairs", pairs}});
    rows.push_back({ids, std::to_string(s.pairs.size()), Fixed(top, "%.2f"), best});
  }
  if (ctx.json) return PrintJson(out);
  if (rows.empty()) {
    std::cout << "no duplicate sets (run crm duplicates scan)\n";
    return;
  }
  PrintTable({"customers", "pairs", "best", "reasons"}, rows);
}

}  // namespace

void AddDuplicateCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<DuplicateArgs>();
  CLI::App* dup = app.add_subcommand(
      "duplicates",
      "likely duplicates: of ID, rule, scan, sets, dismiss A B, forget A B, merge, unmerge, finalize, merges ID");
  dup->require_subcommand(1);
  const auto matching = [&](CLI::App* c) {
    c->add_option("--threshold", a->threshold, "the score a candidate needs (above 0, at most 1; default 0.8)");
    c->add_option("--reason", a->reasons, "a signal that counts: email, phone, domain, external_id, name (repeat; default all)")
        ->check(CLI::IsMember({"email", "phone", "domain", "external_id", "name"}));
    c->add_option("--id-field", a->id_fields, "a custom field holding another system's id, with a declared index (repeat)");
    c->add_flag("--archived", a->archived, "archived customers too");
  };
  CLI::App* of = dup->add_subcommand("of", "the likely duplicates of a customer, with their score and reasons");
  of->add_option("id", a->customer, "the customer's id")->required();
  matching(of);
  of->add_option("--limit", a->limit, "at most this many (default 10)");
  of->add_flag("--dismissed", a->dismissed, "pairs dismissed for review too");
  of->callback([&ctx, a] { Of(ctx, *a); });
  CLI::App* rule = dup->add_subcommand("rule", "the duplicate rule on writes (shown, or set with --action)");
  rule->add_option("--action", a->action, "allow, alert (write and keep the pairs) or block (refuse the write)")
      ->check(CLI::IsMember({"allow", "alert", "block"}));
  matching(rule);
  rule->add_flag("--on-update", a->on_update, "also on updates");
  rule->add_flag("--on-import", a->on_import, "also on import jobs' rows");
  rule->callback([&ctx, a, rule] { Rule(ctx, *a, rule); });
  CLI::App* scan = dup->add_subcommand("scan", "compare every customer with its candidates and keep the pairs found");
  matching(scan);
  scan->add_option("--batch", a->batch, "customers per transaction (default 2000)");
  scan->add_flag("--restart", a->restart, "from the first customer (default: resume)");
  scan->callback([&ctx, a] {
    auto store = ctx.Open();
    DuplicateScanOptions o;
    o.match = Options(*a);
    o.match.limit = 50;
    o.batch = a->batch;
    o.restart = a->restart;
    const DuplicateScanProgress p = Must(store->ScanDuplicates(o, [&](const DuplicateScanProgress& at) {
      std::cerr << "  " << at.examined << " of " << at.total << " customers, " << at.pairs << " new pairs\n";
      return true;
    }), "scan");
    if (ctx.json) return PrintJson({{"examined", p.examined}, {"total", p.total}, {"pairs", p.pairs}, {"finished", p.finished}});
    std::cout << "scanned " << p.examined << " customers: " << p.pairs << " new pairs (crm duplicates sets)\n";
  });
  CLI::App* sets = dup->add_subcommand("sets", "customers linked by kept pairs, for review");
  sets->add_option("--limit", a->limit, "at most this many sets (default 10)");
  sets->add_flag("--dismissed", a->dismissed, "dismissed pairs too");
  sets->callback([&ctx, a] { Sets(ctx, *a); });
  for (const char* verb : {"dismiss", "forget"}) {
    const bool dismiss = verb[0] == 'd';
    CLI::App* c = dup->add_subcommand(verb, dismiss ? "keep a pair dismissed: never proposed again" : "drop a kept pair");
    c->add_option("a", a->a, "a customer's id")->required();
    c->add_option("b", a->b, "the other's")->required();
    c->callback([&ctx, a, dismiss] {
      auto store = ctx.Open();
      Check(store->Write(ctx.actor, [&](WriteTxn& t) {
        return dismiss ? t.DismissDuplicatePair(a->a, a->b) : t.ForgetDuplicatePair(a->a, a->b);
      }), dismiss ? "dismiss" : "forget");
      if (!ctx.json) std::cout << (dismiss ? "dismissed" : "forgot") << " the pair " << a->a << ", " << a->b << "\n";
    });
  }
  AddMergeCommands(dup, ctx);
}

}  // namespace crm::cli
