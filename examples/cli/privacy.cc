// crm privacy erase | export | erasures | suppress | unsuppress | suppressed,
// crm consent record | confirm | history | check, crm retention apply
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli.h"
#include "crm/consent.hpp"
#include "crm/privacy.hpp"

namespace crm::cli {
namespace {

ContactChannel ChannelNamed(const std::string& name) {
  auto c = ParseContactChannel(name);
  if (!c) throw Failure("--channel: '" + name + "' is not email, phone, sms, post or any");
  return *c;
}

LegalBasis BasisNamed(const std::string& name) {
  for (int b = 0; b <= static_cast<int>(LegalBasis::kLegitimateInterests); ++b)
    if (LegalBasisName(static_cast<LegalBasis>(b)) == name) return static_cast<LegalBasis>(b);
  throw Failure("--basis: '" + name + "' is not a legal basis (consent, contract, legal_obligation, vital_interests, "
                "public_task, legitimate_interests)");
}

EntityType KindNamed(const std::string& name) {
  for (int k = 1; k <= static_cast<int>(EntityType::kTicket); ++k)
    if (EntityTypeName(static_cast<EntityType>(k)) == name) return static_cast<EntityType>(k);
  throw Failure("--rule: '" + name + "' is not a kind of record (customer, interaction, opportunity, pipeline, user, team, product, segment, campaign, ticket)");
}

nlohmann::ordered_json ToJson(const ConsentRecord& r) {
  return {{"id", r.id},
          {"customer", r.customer},
          {"purpose", r.purpose},
          {"channel", ContactChannelName(r.channel)},
          {"granted", r.granted},
          {"legal_basis", LegalBasisName(r.legal_basis)},
          {"source", ConsentSourceName(r.source)},
          {"captured_at", FormatTime(r.captured_at)},
          {"valid_from", FormatTime(r.valid_from)},
          {"valid_to", FormatTime(r.valid_to)},
          {"confirmed_at", FormatTime(r.confirmed_at)},
          {"evidence", r.evidence},
          {"actor", r.actor}};
}

void PrintConsents(const Context& ctx, const std::vector<ConsentRecord>& list) {
  if (ctx.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const ConsentRecord& r : list) out.push_back(ToJson(r));
    return PrintJson(out);
  }
  std::vector<std::vector<std::string>> rows;
  for (const ConsentRecord& r : list)
    rows.push_back({std::to_string(r.id), r.purpose, std::string(ContactChannelName(r.channel)), r.granted ? "granted" : "withdrawn",
                    std::string(LegalBasisName(r.legal_basis)), std::string(ConsentSourceName(r.source)),
                    FormatTime(r.captured_at), FormatTime(r.valid_to), FormatTime(r.confirmed_at)});
  PrintTable({"id", "purpose", "channel", "state", "basis", "source", "captured", "valid to", "confirmed"}, rows);
}

}  // namespace

void AddPrivacyCommands(CLI::App& app, Context& ctx) {
  CLI::App* privacy = app.add_subcommand("privacy", "erasure, subject export, the erasure log and suppression");
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

  auto from = std::make_shared<std::uint64_t>(0);
  CLI::App* erasures = privacy->add_subcommand("erasures", "the erasure log: when, by whom, masked identifiers");
  erasures->add_option("--from", *from, "from this sequence number on");
  erasures->callback([&ctx, from] {
    auto store = ctx.Open(false, true);
    const std::vector<Erasure> list = Must(store->Run(&ReadTxn::ListErasures, *from, std::size_t{1000}), "privacy erasures");
    if (ctx.json) {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const Erasure& e : list)
        out.push_back({{"seq", e.seq}, {"at", FormatTime(e.at)}, {"actor", e.actor}, {"customer", e.customer}, {"masked", e.masked}});
      return PrintJson(out);
    }
    std::vector<std::vector<std::string>> rows;
    for (const Erasure& e : list)
      rows.push_back({std::to_string(e.seq), FormatTime(e.at), e.actor, std::to_string(e.customer), absl::StrJoin(e.masked, ", ")});
    PrintTable({"seq", "at", "actor", "customer", "masked"}, rows);
  });

  for (const char* verb : {"suppress", "unsuppress", "suppressed"}) {
    auto value = std::make_shared<std::string>();
    const std::string v = verb;
    CLI::App* cmd = privacy->add_subcommand(
        verb, v == "suppress"     ? "refuse an email or phone number from now on (a keyed hash is kept, not the value)"
              : v == "unsuppress" ? "lift a suppression"
                                  : "whether an email or phone number is suppressed (exit 0 either way)");
    cmd->add_option("email_or_phone", *value)->required();
    cmd->callback([&ctx, value, v] {
      bool answer = false;
      if (v == "suppressed") {
        answer = Must(ctx.Open(false, true)->Run(&ReadTxn::IsSuppressed, std::string_view(*value)), "privacy suppressed");
      } else if (v == "suppress") {
        Check(ctx.Open()->Run(&WriteTxn::Suppress, std::string_view(*value)), "privacy suppress");
        answer = true;
      } else {
        answer = Must(ctx.Open()->Run(&WriteTxn::Unsuppress, std::string_view(*value)), "privacy unsuppress");
      }
      if (ctx.json) return PrintJson({{v == "unsuppress" ? "lifted" : "suppressed", answer}});
      std::cout << (v == "suppressed" ? (answer ? "suppressed\n" : "not suppressed\n")
                    : v == "suppress" ? "suppressed\n"
                                      : (answer ? "suppression lifted\n" : "it was not suppressed\n"));
    });
  }

  CLI::App* consent = app.add_subcommand("consent", "consent per purpose and channel, and whether a customer may be contacted");
  consent->require_subcommand(1);
  struct RecordOptions {
    CustomerId customer = 0;
    std::string purpose, channel = "email", basis = "consent", source = "api", at, valid_from, valid_to, evidence;
    bool withdraw = false;
  };
  auto ro = std::make_shared<RecordOptions>();
  CLI::App* record = consent->add_subcommand("record", "a grant (or, with --withdraw, a withdrawal) of consent to a purpose");
  record->add_option("customer", ro->customer)->required();
  record->add_option("purpose", ro->purpose, "e.g. newsletter, marketing, profiling")->required();
  record->add_option("--channel", ro->channel, "email, phone, sms, post or any (default: email)");
  record->add_flag("--withdraw", ro->withdraw, "a withdrawal, not a grant");
  record->add_option("--basis", ro->basis, "GDPR Art. 6 legal basis of a grant (default: consent)");
  record->add_option("--source", ro->source, "form, import, call or api (default: api)");
  record->add_option("--at", ro->at, "when it was given or withdrawn (default: now)");
  record->add_option("--valid-from", ro->valid_from);
  record->add_option("--valid-to", ro->valid_to);
  record->add_option("--evidence", ro->evidence, "a form's address, a call's reference ...");
  record->callback([&ctx, ro] {
    ConsentRecord r;
    r.customer = ro->customer;
    r.purpose = ro->purpose;
    r.channel = ChannelNamed(ro->channel);
    r.granted = !ro->withdraw;
    r.legal_basis = ro->withdraw ? LegalBasis::kNone : BasisNamed(ro->basis);
    auto source = ParseConsentSource(ro->source);
    if (!source) throw Failure("--source: '" + ro->source + "' is not form, import, call or api");
    r.source = *source;
    if (!ro->at.empty()) r.captured_at = ParseTime(ro->at, "--at");
    if (!ro->valid_from.empty()) r.valid_from = ParseTime(ro->valid_from, "--valid-from");
    if (!ro->valid_to.empty()) r.valid_to = ParseTime(ro->valid_to, "--valid-to");
    r.evidence = ro->evidence;
    PrintConsents(ctx, {Must(ctx.Open()->Run(&WriteTxn::RecordConsent, r), "consent record")});
  });

  struct PurposeOptions {
    CustomerId customer = 0;
    std::string purpose, channel = "email", at;
  };
  auto po = std::make_shared<PurposeOptions>();
  CLI::App* confirm = consent->add_subcommand("confirm", "double opt-in: the customer confirmed the current grant");
  CLI::App* check = consent->add_subcommand("check", "may the customer be contacted for the purpose on the channel? (exit 0 either way)");
  for (CLI::App* cmd : {confirm, check}) {
    cmd->add_option("customer", po->customer)->required();
    cmd->add_option("purpose", po->purpose)->required();
    cmd->add_option("--channel", po->channel, "email, phone, sms, post or any (default: email)");
    cmd->add_option("--at", po->at, "at this time (default: now)");
  }
  confirm->callback([&ctx, po] {
    const Timestamp at = po->at.empty() ? 0 : ParseTime(po->at, "--at");
    PrintConsents(ctx, {Must(ctx.Open()->Run(&WriteTxn::ConfirmConsent, po->customer, ChannelNamed(po->channel),
                                             std::string_view(po->purpose), at), "consent confirm")});
  });
  check->callback([&ctx, po] {
    const Timestamp at = po->at.empty() ? 0 : ParseTime(po->at, "--at");
    const ContactDecision d = Must(ctx.Open(false, true)->Run(&ReadTxn::CanContact, po->customer, ChannelNamed(po->channel),
                                                              std::string_view(po->purpose), at), "consent check");
    if (ctx.json)
      return PrintJson({{"allowed", d.allowed}, {"verdict", ContactVerdictName(d.verdict)}, {"reason", d.reason}, {"consent", d.consent}});
    std::cout << (d.allowed ? "allowed: " : "not allowed: ") << d.reason << "\n";
  });

  auto history_of = std::make_shared<CustomerId>(0);
  auto current = std::make_shared<bool>(false);
  CLI::App* history = consent->add_subcommand("history", "a customer's consent records, oldest first");
  history->add_option("customer", *history_of)->required();
  history->add_flag("--current", *current, "only the current record of each purpose and channel");
  history->callback([&ctx, history_of, current] {
    auto store = ctx.Open(false, true);
    PrintConsents(ctx, Must(*current ? store->Run(&ReadTxn::CurrentConsents, *history_of, Timestamp{0})
                                     : store->Run(&ReadTxn::ConsentHistory, *history_of), "consent history"));
  });

  struct RetentionOptions {
    std::vector<std::string> rules;
    std::size_t batch = 1000;
  };
  auto rt = std::make_shared<RetentionOptions>();
  CLI::App* retention = app.add_subcommand("retention", "trim the change feed and field history");
  retention->require_subcommand(1);
  CLI::App* apply = retention->add_subcommand("apply", "apply a policy, in bounded transactions");
  apply->add_option("--rule", rt->rules, "KIND:DAYS[:ENTRIES] (0: no limit), e.g. customer:730 or interaction:0:20")->required();
  apply->add_option("--batch", rt->batch, "changes per write transaction (default 1000)")->check(CLI::Range(1, 100000));
  apply->callback([&ctx, rt] {
    RetentionPolicy policy;
    policy.batch = rt->batch;
    for (const std::string& spec : rt->rules) {
      const std::vector<std::string> parts = absl::StrSplit(spec, ':');
      RetentionRule rule;
      rule.entity = KindNamed(parts[0]);
      if (parts.size() < 2 || parts.size() > 3 || !absl::SimpleAtoi(parts[1], &rule.keep_days) ||
          (parts.size() == 3 && !absl::SimpleAtoi(parts[2], &rule.keep_entries)))
        throw Failure("--rule: '" + spec + "' is not KIND:DAYS[:ENTRIES]");
      policy.rules.push_back(rule);
    }
    auto store = ctx.Open();
    const RetentionReport r = Must(store->ApplyRetention(policy), "retention apply");
    if (ctx.json)
      return PrintJson({{"trimmed", r.trimmed}, {"removed", r.removed}, {"first_seq", r.first_seq}, {"transactions", r.transactions}});
    std::cout << "trimmed " << r.trimmed << " changes, removed " << r.removed << "; the feed starts at " << r.first_seq << " ("
              << r.transactions << " transactions)\n";
  });
}

}  // namespace crm::cli
