// Subject access: everything held about one customer as one JSON document (crm/privacy.hpp).
// nlohmann-json writes it: its escaping and UTF-8 handling are well kept, and a document this
// size is not on any hot path.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "campaigns/campaigns.h"
#include "duplicates/journal.h"
#include "changes/changes.h"
#include "codec/envelope.h"
#include "codec/key.h"
#include "consent/consent.h"
#include "customers/customers.h"
#include "interactions/interactions.h"
#include "model/records.h"
#include "model/serialize.h"
#include "opportunities/opportunities.h"
#include "pipelines/pipelines.h"
#include "privacy/privacy.h"
#include "segments/segments.h"
#include "tickets/tickets.h"
#include "storage/lmdb.h"

namespace crm::privacy {
namespace {

using Json = nlohmann::ordered_json;

Json Time(Timestamp t) { return t == 0 ? Json(nullptr) : Json(changes::TimeText(t)); }

Json MoneyJson(const Money& m) {
  if (m.currency.empty()) return nullptr;
  return Json{{"minor_units", m.minor_units}, {"currency", m.currency}, {"text", changes::MoneyText(m)}};
}

Json Custom(const CustomFields& custom) {
  Json out = Json::object();
  for (const auto& [name, value] : custom) {
    if (const auto* s = std::get_if<std::string>(&value)) out[name] = *s;
    else if (const auto* i = std::get_if<std::int64_t>(&value)) out[name] = *i;
    else if (const auto* m = std::get_if<Money>(&value)) out[name] = MoneyJson(*m);
    else if (const auto* d = std::get_if<DateTime>(&value)) out[name] = Json{{"time", changes::TimeText(d->micros)}};
    else out[name] = std::get<bool>(value);
  }
  return out;
}

Json CustomerJson(const Customer& c) {
  Json emails = Json::array(), phones = Json::array(), memberships = Json::array();
  for (const Email& e : c.emails) emails.push_back({{"address", e.address}, {"label", e.label}, {"primary", e.primary}});
  for (const Phone& p : c.phones)
    phones.push_back({{"number", p.number}, {"label", p.label}, {"primary", p.primary}, {"e164", p.e164},
                      {"type", std::string(PhoneTypeName(p.type))}, {"valid", p.valid}});
  for (const Membership& m : c.memberships) memberships.push_back({{"organization", m.organization}, {"role", m.role}});
  return Json{
      {"id", c.id},
      {"kind", c.kind == CustomerKind::kPerson ? "person" : "organization"},
      {"display_name", c.display_name},
      {"given_name", c.given_name},
      {"family_name", c.family_name},
      {"emails", emails},
      {"phones", phones},
      {"address",
       {{"street", c.address.street}, {"city", c.address.city}, {"region", c.address.region},
        {"postal_code", c.address.postal_code}, {"country", c.address.country}}},
      {"stage", std::string(LifecycleStageName(c.stage))},
      {"owner", c.owner},
      {"tags", std::vector<std::string>(c.tags.begin(), c.tags.end())},
      {"custom", Custom(c.custom)},
      {"consent",
       {{"email_opt_in", c.consent.email_opt_in},
        {"email_legal_basis", std::string(LegalBasisName(c.consent.email_legal_basis))},
        {"email_opt_in_at", Time(c.consent.email_opt_in_at)},
        {"do_not_call", c.consent.do_not_call}}},
      {"external_id", c.external_id},
      {"memberships", memberships},
      {"job_title", c.job_title},
      {"department", c.department},
      {"industry", c.industry},
      {"website", c.website},
      {"domains", std::vector<std::string>(c.domains.begin(), c.domains.end())},
      {"annual_revenue", MoneyJson(c.annual_revenue)},
      {"employees", c.employees},
      {"account_type", std::string(AccountTypeName(c.account_type))},
      {"parent", c.parent},
      {"archived", c.archived},
      {"archived_at", Time(c.archived_at)},
      {"created_at", Time(c.created_at)},
      {"updated_at", Time(c.updated_at)},
      {"last_interaction_at", Time(c.last_interaction_at)},
  };
}

Json InteractionJson(const Interaction& i) {
  return Json{
      {"id", i.id},
      {"kind", i.kind_label.empty() ? std::string(InteractionKindName(i.kind)) : i.kind_label},
      {"direction", i.direction == Direction::kInbound ? "inbound" : i.direction == Direction::kOutbound ? "outbound" : ""},
      {"occurred_at", Time(i.occurred_at)},
      {"duration_seconds", i.duration_seconds},
      {"subject", i.subject},
      {"body", i.body},
      {"outcome", i.outcome},
      {"satisfaction", i.satisfaction},
      {"amount", i.amount ? MoneyJson(*i.amount) : Json(nullptr)},
      {"owner", i.owner},
      {"opportunity", i.opportunity},
      {"due_at", Time(i.due_at)},
      {"done", i.done},
      {"external_id", i.external_id},
      {"custom", Custom(i.custom)},
      {"created_at", Time(i.created_at)},
      {"updated_at", Time(i.updated_at)},
  };
}

std::string StageName(const Pipeline* p, StageId id) {
  if (p == nullptr || id == 0) return {};
  const Stage* s = p->FindStage(id);
  return s == nullptr ? std::string() : s->name;
}

Json OpportunityJson(const Opportunity& o, const Pipeline* p) {
  Json history = Json::array(), contacts = Json::array();
  for (const StageChange& h : o.history)
    history.push_back({{"from", StageName(p, h.from)}, {"to", StageName(p, h.to)}, {"at", Time(h.at)}, {"actor", h.actor},
                       {"amount", MoneyJson(h.amount)}, {"probability", h.probability}});
  for (const ContactRole& r : o.contacts) contacts.push_back({{"person", r.person}, {"role", r.role}});
  return Json{
      {"id", o.id},
      {"title", o.title},
      {"pipeline", p == nullptr ? std::string() : p->name},
      {"stage", StageName(p, o.stage)},
      {"amount", MoneyJson(o.amount)},
      {"probability", o.probability},
      {"expected_close", Time(o.expected_close)},
      {"owner", o.owner},
      {"contacts", contacts},
      {"lost_reason", o.lost_reason},
      {"external_id", o.external_id},
      {"custom", Custom(o.custom)},
      {"stage_history", history},
      {"created_at", Time(o.created_at)},
      {"updated_at", Time(o.updated_at)},
      {"closed_at", Time(o.closed_at)},
  };
}

Json ChangeJson(const Change& c) {
  Json fields = Json::array();
  for (const FieldChange& f : c.fields) fields.push_back({{"field", f.field}, {"before", f.before}, {"after", f.after}});
  return Json{{"seq", c.seq},
              {"at", Time(c.at)},
              {"actor", c.actor},
              {"entity", std::string(EntityTypeName(c.entity))},
              {"entity_id", c.entity_id},
              {"op", std::string(ChangeOpName(c.op))},
              {"imported", c.imported},
              {"redacted", c.redacted},
              {"fields", fields}};
}

// Since version 3: the customer's segments (id, name, kind) and campaign memberships, each with
// its status, times and event log.
absl::Status MarketingOf(const model::Ctx& ctx, CustomerId id, Json* out) {
  Json segment_list = Json::array();
  if (ctx.schema.segments != model::kAbsentTable) {
    auto of = segments::Of(ctx, id);
    if (!of.ok()) return of.status();
    for (SegmentId s : *of) {
      auto seg = segments::Get(ctx, s);
      if (!seg.ok()) return seg.status();
      segment_list.push_back({{"id", seg->id}, {"name", seg->name}, {"kind", std::string(SegmentKindName(seg->kind))}});
    }
  }
  (*out)["segments"] = segment_list;
  Json campaign_list = Json::array();
  if (ctx.schema.campaigns != model::kAbsentTable) {
    auto memberships = campaigns::Of(ctx, id);
    if (!memberships.ok()) return memberships.status();
    for (const CampaignMember& m : *memberships) {
      auto c = campaigns::Get(ctx, m.campaign);
      if (!c.ok()) return c.status();
      auto events = campaigns::Events(ctx, m.campaign, id);
      if (!events.ok()) return events.status();
      Json event_list = Json::array();
      for (const CampaignEvent& e : *events)
        event_list.push_back({{"id", e.id},
                              {"kind", std::string(CampaignEventKindName(e.kind))},
                              {"at", Time(e.at)},
                              {"detail", e.detail}});
      campaign_list.push_back({{"campaign", c->id},
                               {"name", c->name},
                               {"channel", std::string(ContactChannelName(c->channel))},
                               {"purpose", c->purpose},
                               {"status", m.status},
                               {"responded", m.responded},
                               {"added_at", Time(m.added_at)},
                               {"first_responded_at", Time(m.first_responded_at)},
                               {"events", event_list}});
    }
  }
  (*out)["campaigns"] = campaign_list;
  return absl::OkStatus();
}

// Since version 4: the customer's tickets, each with its status history, SLA milestones and
// conversation; their changes join the record's history.
absl::Status ServiceOf(const model::Ctx& ctx, CustomerId id, Json* out,
                       std::vector<std::pair<EntityType, std::uint64_t>>* records) {
  Json ticket_list = Json::array();
  auto ids = tickets::IdsOf(ctx, id);
  if (!ids.ok()) return ids.status();
  for (TicketId tid : *ids) {
    auto t = tickets::Get(ctx, tid);
    if (!t.ok()) return t.status();
    auto entries = tickets::Entries(ctx, tid);
    if (!entries.ok()) return entries.status();
    Json history = Json::array(), milestones = Json::array(), conversation = Json::array();
    for (const TicketStatusChange& h : t->history)
      history.push_back({{"status", std::string(TicketStatusName(h.status))}, {"at", Time(h.at)}});
    for (const SlaMilestone& m : t->milestones)
      milestones.push_back({{"metric", std::string(SlaMetricName(m.metric))}, {"policy", m.policy},
                            {"target_minutes", m.target_minutes}, {"due_at", Time(m.due_at)},
                            {"completed_at", Time(m.completed_at)}, {"violated", m.violated}});
    for (const TicketEntry& e : *entries)
      conversation.push_back({{"id", e.id}, {"author_kind", std::string(TicketAuthorName(e.author_kind))},
                              {"author", e.author}, {"at", Time(e.at)}, {"body", e.body}});
    ticket_list.push_back({{"id", t->id},
                           {"subject", t->subject},
                           {"description", t->description},
                           {"status", std::string(TicketStatusName(t->status))},
                           {"priority", std::string(TicketPriorityName(t->priority))},
                           {"channel", std::string(TicketChannelName(t->channel))},
                           {"opened_at", Time(t->opened_at)},
                           {"first_response_at", Time(t->first_response_at)},
                           {"solved_at", Time(t->solved_at)},
                           {"closed_at", Time(t->closed_at)},
                           {"satisfaction", t->satisfaction},
                           {"satisfaction_comment", t->satisfaction_comment},
                           {"history", history},
                           {"milestones", milestones},
                           {"conversation", conversation}});
    records->emplace_back(EntityType::kTicket, tid);
  }
  (*out)["tickets"] = ticket_list;
  return absl::OkStatus();
}

// Since version 4: the merges into the customer whose journals are kept, each with the records
// its journal keeps: the customer and the merged customers as they were, and their interactions
// as they were before they moved. Since version 5, a final merge (FinalizeMerge) with its time
// and the merged customers' ids alone.
absl::Status MergesOf(const model::Ctx& ctx, CustomerId id, Json* out) {
  Json merge_list = Json::array();
  if (ctx.schema.merges != model::kAbsentTable) {
    auto journals = duplicates::JournalsOf(ctx, id);
    if (!journals.ok()) return journals.status();
    for (const duplicates::Journal& j : *journals) {
      if (j.record.final_at != 0) {  // since version 5: a final merge keeps no copy of the records
        merge_list.push_back({{"merge", j.record.id},
                              {"merged_at", Time(j.record.merged_at)},
                              {"actor", j.record.actor},
                              {"final_at", Time(j.record.final_at)},
                              {"merged_customer_ids", j.record.losers}});
        continue;
      }
      Json losers = Json::array(), interactions = Json::array();
      for (const Customer& l : j.losers) losers.push_back(CustomerJson(l));
      for (const Interaction& i : j.interactions) interactions.push_back(InteractionJson(i));
      merge_list.push_back({{"merge", j.record.id},
                            {"merged_at", Time(j.record.merged_at)},
                            {"actor", j.record.actor},
                            {"customer_before", CustomerJson(j.survivor)},
                            {"merged_customers", losers},
                            {"interactions_before", interactions}});
    }
  }
  (*out)["merges"] = merge_list;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ExportCustomer(const model::Ctx& ctx, std::uint64_t id) {
  auto customer = customers::Get(ctx, id);
  if (!customer.ok()) return customer.status();
  std::vector<Interaction> interactions;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.interactions, codec::EncodeU64(id), {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 if (auto st = interactions::DecodeAt(ctx, key, value, &interactions.emplace_back()); !st.ok())
                                   return st;
                                 return true;
                               });
  if (!s.ok()) return s;
  auto pipelines = pipelines::List(ctx);
  if (!pipelines.ok()) return pipelines.status();
  const auto pipeline_of = [&](PipelineId p) -> const Pipeline* {
    for (const Pipeline& candidate : *pipelines)
      if (candidate.id == p) return &candidate;
    return nullptr;
  };
  auto deals = opportunities::OfCustomer(ctx, id);
  if (!deals.ok()) return deals.status();
  auto roles = opportunities::WithContact(ctx, id);
  if (!roles.ok()) return roles.status();

  Json out;
  out["format"] = "libcrm.subject-export";
  out["version"] = 5;
  out["exported_at"] = changes::TimeText(ctx.now);
  out["customer"] = CustomerJson(*customer);
  Json interaction_list = Json::array();
  std::vector<std::pair<EntityType, std::uint64_t>> records = {{EntityType::kCustomer, id}};
  for (const Interaction& i : interactions) {
    interaction_list.push_back(InteractionJson(i));
    records.emplace_back(EntityType::kInteraction, i.id);
  }
  out["interactions"] = interaction_list;
  Json deal_list = Json::array();
  for (OpportunityId deal : *deals) {
    auto o = opportunities::Get(ctx, deal);
    if (!o.ok()) return o.status();
    deal_list.push_back(OpportunityJson(*o, pipeline_of(o->pipeline)));
    records.emplace_back(EntityType::kOpportunity, deal);
  }
  out["opportunities"] = deal_list;
  Json role_list = Json::array();
  for (OpportunityId deal : *roles) {
    auto o = opportunities::Get(ctx, deal);
    if (!o.ok()) return o.status();
    for (const ContactRole& r : o->contacts)
      if (r.person == id) role_list.push_back({{"opportunity", deal}, {"role", r.role}});  // the deal is another customer's
  }
  out["contact_roles"] = role_list;
  if (auto st = ServiceOf(ctx, id, &out, &records); !st.ok()) return st;
  if (auto st = MergesOf(ctx, id, &out); !st.ok()) return st;
  std::vector<Change> history;
  for (const auto& [entity, record] : records) {
    auto changes = changes::OfRecord(ctx, entity, record);
    if (!changes.ok()) return changes.status();
    history.insert(history.end(), changes->begin(), changes->end());
  }
  std::sort(history.begin(), history.end(), [](const Change& a, const Change& b) { return a.seq < b.seq; });
  Json consent_history = Json::array();
  Json change_list = Json::array();
  for (const Change& c : history) {
    change_list.push_back(ChangeJson(c));
    if (c.entity != EntityType::kCustomer) continue;
    for (const FieldChange& f : c.fields)
      if (f.field.rfind("consent.", 0) == 0)
        consent_history.push_back({{"field", f.field}, {"before", f.before}, {"after", f.after}, {"at", Time(c.at)},
                                   {"actor", c.actor}, {"seq", c.seq}});
  }
  out["consent_history"] = consent_history;
  auto consents = consent::History(ctx, id);
  if (!consents.ok()) return consents.status();
  Json consent_list = Json::array();
  for (const ConsentRecord& r : *consents)
    consent_list.push_back({{"id", r.id},
                            {"purpose", r.purpose},
                            {"channel", std::string(ContactChannelName(r.channel))},
                            {"granted", r.granted},
                            {"legal_basis", std::string(LegalBasisName(r.legal_basis))},
                            {"source", std::string(ConsentSourceName(r.source))},
                            {"captured_at", Time(r.captured_at)},
                            {"valid_from", Time(r.valid_from)},
                            {"valid_to", Time(r.valid_to)},
                            {"confirmed_at", Time(r.confirmed_at)},
                            {"evidence", r.evidence},
                            {"recorded_at", Time(r.recorded_at)},
                            {"actor", r.actor}});
  out["consents"] = consent_list;
  auto kept = MarketingOf(ctx, id, &out);
  if (!kept.ok()) return kept;
  out["changes"] = change_list;
  return out.dump(2);
}

}  // namespace crm::privacy
