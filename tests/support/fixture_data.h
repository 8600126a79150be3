// The data set of the schema fixtures (tests/fixtures/), and a text dump of every record and every
// lookup of a store. make_fixture writes a database with Populate and its Dump beside it; the
// fixture test opens that file with the current release and requires the same dump.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "crm/store.hpp"

namespace crm::testing {

// The fixed clock of the fixture: a second per tick from 2024-01-01T00:00:00Z.
inline StoreOptions FixtureOptions(Timestamp* clock) {
  StoreOptions options;
  options.sync = false;
  options.clock = [clock] { return *clock += 1'000'000; };
  return options;
}

// Writes the fixture's records: people and organizations with every kind of field, interactions
// of each kind, a custom pipeline, deals moved, won and lost, archived and deleted records.
inline absl::Status Populate(Store& store) {
  return store.Write("fixture", [](WriteTxn& t) -> absl::Status {
    Customer org;
    org.kind = CustomerKind::kOrganization;
    org.display_name = "Nordwind Handel GmbH";
    org.external_id = "crm-org-1";
    org.address = {"Hafenstraße 7", "Hamburg", "HH", "20457", "DE"};
    org.tags = {"vip", "wholesale"};
    org.stage = LifecycleStage::kCustomer;
    org.owner = "maria";
    org.custom["segment"] = std::string("enterprise");
    org.custom["employees"] = std::int64_t{420};
    auto o = t.CreateCustomer(org);
    if (!o.ok()) return o.status();

    std::vector<Customer> people(6);
    const char* given[] = {"José", "Zoë", "Ann", "Bob", "Chen", "Dana"};
    const char* family[] = {"Álvarez", "O'Neil", "Lee", "Marley", "Wei", "Scully"};
    for (int i = 0; i < 6; ++i) {
      Customer& c = people[i];
      c.given_name = given[i];
      c.family_name = family[i];
      c.emails.push_back(Email{std::string(given[i]) + "." + std::to_string(i) + "@Example.com", "work", true});
      if (i % 2 == 0) c.emails.push_back(Email{"private" + std::to_string(i) + "@mail.test", "home", false});
      c.phones.push_back(Phone{"+49 40 555 01" + std::to_string(10 + i), "office", true});
      c.stage = static_cast<LifecycleStage>(1 + i % 7);
      c.owner = i % 2 ? "tom" : "maria";
      c.tags = {i % 3 == 0 ? "newsletter" : "trade-fair"};
      c.custom["score"] = std::int64_t{10 * i};
      c.custom["budget"] = Money{125000 + i, "EUR"};
      c.custom["met_at"] = DateTime{1'700'000'000'000'000 + i};
      c.custom["vip"] = i == 1;
      c.consent.email_opt_in = i % 2 == 0;
      c.consent.email_legal_basis = i % 2 == 0 ? LegalBasis::kConsent : LegalBasis::kNone;
      c.consent.do_not_call = i == 3;
      c.external_id = "ext-" + std::to_string(i);
      if (i < 3) c.memberships.push_back(Membership{o->id, i == 0 ? "CFO" : "buyer"});
      auto made = t.CreateCustomer(c);
      if (!made.ok()) return made.status();
      c = *made;
    }
    people[4].owner = "dana";
    people[4].address.city = "Berlin";
    if (auto u = t.UpdateCustomer(people[4]); !u.ok()) return u.status();
    if (auto a = t.ArchiveCustomer(people[5].id); !a.ok()) return a.status();

    const InteractionKind kinds[] = {InteractionKind::kCall, InteractionKind::kEmail, InteractionKind::kMeeting,
                                     InteractionKind::kNote, InteractionKind::kTask, InteractionKind::kSupportTicket,
                                     InteractionKind::kPurchase, InteractionKind::kOther};
    for (int i = 0; i < 16; ++i) {
      Interaction in;
      in.customer = people[i % 4].id;
      in.kind = kinds[i % 8];
      if (in.kind == InteractionKind::kOther) in.kind_label = "fax";
      in.direction = i % 2 ? Direction::kInbound : Direction::kOutbound;
      in.occurred_at = 1'704'067'200'000'000 + i * 3'600'000'000LL;
      in.duration_seconds = 60 * i;
      in.subject = "Touch " + std::to_string(i);
      in.body = "Line one\nLine two of touch " + std::to_string(i);
      in.owner = "maria";
      if (in.kind == InteractionKind::kPurchase) in.amount = Money{4999 + i, "EUR"};
      if (in.kind == InteractionKind::kSupportTicket) in.satisfaction = 4;
      if (in.kind == InteractionKind::kTask) in.due_at = in.occurred_at + 86'400'000'000LL;
      auto logged = t.LogInteraction(in);
      if (!logged.ok()) return logged.status();
    }

    Pipeline renewals;
    renewals.name = "Renewals";
    renewals.stages = {{0, "Due", 30, StageOutcome::kOpen},
                       {0, "Quoted", 60, StageOutcome::kOpen},
                       {0, "Renewed", 100, StageOutcome::kWon},
                       {0, "Cancelled", 0, StageOutcome::kLost}};
    auto pr = t.CreatePipeline(renewals);
    if (!pr.ok()) return pr.status();
    for (int i = 0; i < 5; ++i) {
      Opportunity deal;
      deal.title = "Deal " + std::to_string(i);
      deal.customer = i == 0 ? o->id : people[i].id;
      deal.pipeline = i == 4 ? pr->id : 0;
      deal.amount = Money{1'000'000 * (i + 1), i == 2 ? "USD" : "EUR"};
      deal.expected_close = 1'706'745'600'000'000 + i * 86'400'000'000LL;
      deal.owner = i % 2 ? "tom" : "maria";
      if (i == 0) deal.contacts.push_back(ContactRole{people[0].id, "decision maker"});
      auto d = t.CreateOpportunity(deal);
      if (!d.ok()) return d.status();
      if (i == 1 && !t.MoveOpportunity(d->id, d->stage + 1).ok()) return absl::InternalError("move");
      if (i == 2 && !t.CloseWon(d->id).ok()) return absl::InternalError("won");
      if (i == 3 && !t.CloseLost(d->id, "price").ok()) return absl::InternalError("lost");
    }
    Interaction gone;
    gone.customer = people[1].id;
    gone.kind = InteractionKind::kNote;
    gone.subject = "deleted later";
    auto g = t.LogInteraction(gone);
    if (!g.ok()) return g.status();
    return t.DeleteInteraction(g->id);
  });
}

// ---- the dump ----

inline std::string Text(const Money& m) { return std::to_string(m.minor_units) + " " + m.currency; }

inline std::string Text(const CustomValue& v) {
  switch (v.index()) {
    case 0: return "text:" + std::get<std::string>(v);
    case 1: return "int:" + std::to_string(std::get<std::int64_t>(v));
    case 2: return "money:" + Text(std::get<Money>(v));
    case 3: return "time:" + std::to_string(std::get<DateTime>(v).micros);
    default: return std::string("bool:") + (std::get<bool>(v) ? "1" : "0");
  }
}

inline void Put(std::ostream& out, const Customer& c) {
  out << "customer " << c.id << " r" << c.revision << " " << c.created_at << "/" << c.updated_at << " arch="
      << c.archived << "@" << c.archived_at << " kind=" << int(c.kind) << " [" << c.display_name << "|"
      << c.given_name << "|" << c.family_name << "] stage=" << int(c.stage) << " owner=" << c.owner
      << " ext=" << c.external_id << " last=" << c.last_interaction_at << "\n";
  for (const Email& e : c.emails) out << "  email " << e.address << " " << e.label << " " << e.primary << "\n";
  for (const Phone& p : c.phones) out << "  phone " << p.number << " " << p.label << " " << p.primary << "\n";
  out << "  address " << c.address.street << "|" << c.address.city << "|" << c.address.region << "|"
      << c.address.postal_code << "|" << c.address.country << "\n";
  for (const std::string& tag : c.tags) out << "  tag " << tag << "\n";
  for (const auto& [k, v] : c.custom) out << "  custom " << k << "=" << Text(v) << "\n";
  out << "  consent " << c.consent.email_opt_in << " " << int(c.consent.email_legal_basis) << " "
      << c.consent.email_opt_in_at << " " << c.consent.do_not_call << "\n";
  for (const Membership& m : c.memberships) out << "  member of " << m.organization << " as " << m.role << "\n";
}

inline void Put(std::ostream& out, const Interaction& i) {
  out << "interaction " << i.id << " r" << i.revision << " " << i.created_at << "/" << i.updated_at << " customer="
      << i.customer << " kind=" << int(i.kind) << ":" << i.kind_label << " dir=" << int(i.direction) << " at="
      << i.occurred_at << " dur=" << i.duration_seconds << " [" << i.subject << "|" << i.body << "|" << i.outcome
      << "] sat=" << int(i.satisfaction) << " amount=" << (i.amount ? Text(*i.amount) : "-") << " owner=" << i.owner
      << " opp=" << i.opportunity << " due=" << i.due_at << " done=" << i.done << "\n";
}

inline void Put(std::ostream& out, const Opportunity& o) {
  out << "opportunity " << o.id << " r" << o.revision << " " << o.created_at << "/" << o.updated_at << " closed="
      << o.closed_at << " [" << o.title << "] customer=" << o.customer << " pipeline=" << o.pipeline
      << " stage=" << o.stage << " amount=" << Text(o.amount) << " p=" << o.probability << "/"
      << o.probability_overridden << " close=" << o.expected_close << " owner=" << o.owner
      << " lost=" << o.lost_reason << "\n";
  for (const ContactRole& r : o.contacts) out << "  contact " << r.person << " " << r.role << "\n";
  for (const StageChange& h : o.history)
    out << "  moved " << h.from << "->" << h.to << " at " << h.at << " by " << h.actor << " " << Text(h.amount)
        << " " << h.probability << "\n";
}

template <class T>
void PutAll(std::ostream& out, const std::string& what, const absl::StatusOr<T>& r) {
  if (!r.ok()) {
    out << what << ": error " << r.status() << "\n";
    return;
  }
  out << what << ":";
  if constexpr (requires { r->customers; }) {
    for (const Customer& c : r->customers) out << " " << c.id;
  } else if constexpr (requires { r->opportunities; }) {
    for (const Opportunity& o : r->opportunities) out << " " << o.id;
  } else if constexpr (requires { r->interactions; }) {
    for (const Interaction& i : r->interactions) out << " " << i.id;
  } else if constexpr (requires { r->id; }) {
    out << " " << r->id;
  } else if constexpr (requires { r->begin(); }) {
    for (const auto& x : *r) out << " " << x.id;
  } else {
    out << " " << *r;
  }
  out << "\n";
}

// Every record, through every lookup and list, as text.
inline std::string Dump(const Store& store) {
  std::ostringstream out;
  auto txn = store.BeginRead();
  if (!txn.ok()) return txn.status().ToString();
  const ReadTxn& t = *txn;
  CustomerQuery all;
  all.include_archived = true;
  all.limit = 1000;
  auto customers = t.ListCustomers(all);
  PutAll(out, "customers", customers);
  if (!customers.ok()) return out.str();
  for (const Customer& c : customers->customers) {
    Put(out, c);
    auto by_id = t.GetCustomer(c.id);
    out << "  by id equal: " << (by_id.ok() && *by_id == c) << "\n";
    for (const Email& e : c.emails) PutAll(out, "  by email " + e.address, t.FindCustomerByEmail(e.address));
    for (const Phone& p : c.phones) PutAll(out, "  by phone " + p.number, t.FindCustomersByPhone(p.number));
    if (!c.external_id.empty()) {
      auto by_ext = t.FindCustomerByExternalId(c.external_id);
      out << "  by external id: " << (by_ext.ok() ? std::to_string(by_ext->id) : by_ext.status().ToString()) << "\n";
    }
    TimelineQuery tq;
    tq.customer = c.id;
    tq.limit = 1000;
    auto timeline = t.ListTimeline(tq);
    PutAll(out, "  timeline", timeline);
    if (timeline.ok())
      for (const Interaction& i : timeline->interactions) {
        Put(out, i);
        auto by_id_i = t.GetInteraction(i.id);
        out << "    by id equal: " << (by_id_i.ok() && *by_id_i == i) << "\n";
      }
    PutAll(out, "  deals", t.ListOpportunities(OpportunityQuery::ForCustomer(c.id)));
    PutAll(out, "  members", t.ListCustomers(CustomerQuery::Organization(c.id)));
    auto history = t.FieldHistory(EntityType::kCustomer, c.id, "owner");
    if (history.ok())
      for (const FieldHistoryEntry& h : *history)
        out << "  owner changed at " << h.at << " by " << h.actor << ": " << h.before << " -> " << h.after << "\n";
  }
  for (const char* tag : {"vip", "newsletter", "trade-fair"}) PutAll(out, std::string("tag ") + tag, t.ListCustomers(CustomerQuery::Tag(tag)));
  for (const char* owner : {"maria", "tom", "dana"}) PutAll(out, std::string("owner ") + owner, t.ListCustomers(CustomerQuery::Owner(owner)));
  for (int s = 1; s <= 8; ++s) PutAll(out, "stage " + std::to_string(s), t.ListCustomers(CustomerQuery::Stage(static_cast<LifecycleStage>(s))));
  for (const char* prefix : {"jos", "zoe", "alv", "nord"}) PutAll(out, std::string("name ") + prefix, t.ListCustomers(CustomerQuery::NamePrefix(prefix)));
  PutAll(out, "not contacted", t.ListCustomers(CustomerQuery::NotContactedSince(1'704'100'000'000'000)));
  PutAll(out, "count all", t.CountCustomers(CustomerQuery::All()));
  PutAll(out, "count with archived", t.CountCustomers(all));
  auto pipelines = t.ListPipelines();
  PutAll(out, "pipelines", pipelines);
  if (pipelines.ok())
    for (const Pipeline& p : *pipelines) {
      out << "pipeline " << p.id << " r" << p.revision << " " << p.name << "\n";
      for (const Stage& s : p.stages) out << "  stage " << s.id << " " << s.name << " " << s.probability << " " << int(s.outcome) << "\n";
      PutAll(out, "  deals", t.ListOpportunities(OpportunityQuery::InPipeline(p.id)));
      for (const Stage& s : p.stages) PutAll(out, "  at " + s.name, t.CountOpportunities(OpportunityQuery::AtStage(p.id, s.id)));
    }
  PutAll(out, "default pipeline", t.GetDefaultPipeline());
  OpportunityQuery deals;
  deals.limit = 1000;
  auto opportunities = t.ListOpportunities(deals);
  PutAll(out, "opportunities", opportunities);
  if (opportunities.ok())
    for (const Opportunity& o : opportunities->opportunities) {
      Put(out, o);
      auto by_id = t.GetOpportunity(o.id);
      out << "  by id equal: " << (by_id.ok() && *by_id == o) << "\n";
    }
  for (const char* owner : {"maria", "tom"}) PutAll(out, std::string("deals of ") + owner, t.ListOpportunities(OpportunityQuery::OwnedBy(owner)));
  PutAll(out, "closing in February", t.ListOpportunities(OpportunityQuery::ClosingBetween(1'706'745'600'000'000, 1'709'251'200'000'000)));
  auto feed = t.ListChanges(1, 1000);
  PutAll(out, "last change", t.LastChangeSeq());
  if (feed.ok())
    for (const Change& ch : *feed) {
      out << "change " << ch.seq << " " << ch.at << " " << ch.actor << " " << int(ch.entity) << ":" << ch.entity_id
          << " op=" << int(ch.op) << "\n";
      for (const FieldChange& f : ch.fields) out << "  " << f.field << ": " << f.before << " -> " << f.after << "\n";
    }
  return out.str();
}

}  // namespace crm::testing
