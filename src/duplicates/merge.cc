// MergeCustomers (crm/duplicates.hpp): the merged record, and moving what points at the losers.
#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "codec/key.h"
#include "common/strings.h"
#include "consent/records.h"
#include "customers/customers.h"
#include "customers/validate.h"
#include "duplicates/journal.h"
#include "segments/segments.h"
#include "campaigns/campaigns.h"
#include "tickets/tickets.h"
#include "interactions/interactions.h"
#include "model/records.h"
#include "opportunities/opportunities.h"
#include "text/text.h"

namespace crm::duplicates {
namespace {

constexpr std::size_t kMaxLosers = 32;

std::string Digits(const Phone& p) {
  std::string out;
  for (char c : p.e164.empty() ? p.number : p.e164)
    if (c >= '0' && c <= '9') out.push_back(c);
  return out;
}

// The survivor's value, or where it is empty, the first loser's that is not.
template <class T>
void Fill(T& value, const std::vector<Customer>& losers, T Customer::*field) {
  if (value != T{}) return;
  for (const Customer& l : losers)
    if (l.*field != T{}) {
      value = l.*field;
      return;
    }
}

// The survivor as the merge leaves it (see crm/duplicates.hpp for the rules).
absl::StatusOr<Customer> MergedImage(const model::Ctx& ctx, const Customer& survivor,
                                     const std::vector<Customer>& losers, const MergeOptions& options) {
  Customer m = survivor;
  for (std::string Customer::*f : {&Customer::given_name, &Customer::family_name, &Customer::owner,
                                    &Customer::external_id, &Customer::job_title, &Customer::department,
                                    &Customer::industry, &Customer::website})
    Fill(m.*f, losers, f);
  Fill(m.address, losers, &Customer::address);
  Fill(m.annual_revenue, losers, &Customer::annual_revenue);
  Fill(m.employees, losers, &Customer::employees);
  Fill(m.account_type, losers, &Customer::account_type);
  if (m.parent == 0)
    for (const Customer& l : losers)
      if (l.parent != 0) {
        m.parent = l.parent;
        break;
      }
  std::set<std::string> emails, phones, tags;
  std::set<CustomerId> orgs;
  for (const Email& e : m.emails) emails.insert(text::FoldCase(e.address));
  for (const Phone& p : m.phones) phones.insert(Digits(p));
  for (const std::string& t : m.tags) tags.insert(text::FoldCase(t));
  for (const Membership& ms : m.memberships) orgs.insert(ms.organization);
  for (const Customer& l : losers) {
    for (const Email& e : l.emails)
      if (emails.insert(text::FoldCase(e.address)).second) {
        m.emails.push_back(e);
        m.emails.back().primary = false;
      }
    for (const Phone& p : l.phones)
      if (phones.insert(Digits(p)).second) {
        m.phones.push_back(p);
        m.phones.back().primary = false;
      }
    for (const std::string& t : l.tags)
      if (tags.insert(text::FoldCase(t)).second) m.tags.push_back(t);
    for (const std::string& d : l.domains)
      if (std::find(m.domains.begin(), m.domains.end(), d) == m.domains.end()) m.domains.push_back(d);
    for (const Membership& ms : l.memberships)
      if (orgs.insert(ms.organization).second) m.memberships.push_back(ms);
    for (const auto& [name, value] : l.custom) m.custom.emplace(name, value);  // the survivor's value stays
    m.consent.do_not_call = m.consent.do_not_call || l.consent.do_not_call;
  }
  for (std::size_t i = 0; i < options.choices.size(); ++i) {
    const auto& [field, from] = options.choices[i];
    const Customer* source = from == survivor.id ? &survivor : nullptr;
    for (const Customer& l : losers)
      if (l.id == from) source = &l;
    if (source == nullptr)
      return absl::InvalidArgumentError(absl::StrCat("choices[", i, "]: customer ", from,
                                                     " is not one of the customers merged"));
    if (auto s = customers::ApplyPatch(ctx, *source, Patch{{field}}, m); !s.ok())
      return absl::InvalidArgumentError(absl::StrCat("choices[", i, "]: ", s.message()));
  }
  // A person's name made of its given and family names is made again from the merged ones.
  const auto joined = [](const Customer& c) {
    return c.given_name + (c.given_name.empty() || c.family_name.empty() ? "" : " ") + c.family_name;
  };
  const bool named = std::any_of(options.choices.begin(), options.choices.end(),
                                 [](const auto& choice) { return choice.first == "display_name"; });
  if (m.kind == CustomerKind::kPerson && !named && survivor.display_name == joined(survivor)) m.display_name.clear();
  // What named a merged customer names the survivor now, or nothing where that would be itself.
  const auto merged = [&](CustomerId id) {
    return id == survivor.id ||
           std::any_of(losers.begin(), losers.end(), [&](const Customer& l) { return l.id == id; });
  };
  if (merged(m.parent)) m.parent = 0;
  m.memberships.erase(std::remove_if(m.memberships.begin(), m.memberships.end(),
                                     [&](const Membership& ms) { return merged(ms.organization); }),
                      m.memberships.end());
  return m;
}

// A customer that points at a loser, as it will point at the survivor: memberships (kept once)
// and parent.
Customer Repointed(Customer c, const std::set<CustomerId>& losers, CustomerId survivor) {
  boost::container::small_vector<Membership, 1> kept;
  std::set<CustomerId> seen;
  for (Membership ms : c.memberships) {
    if (losers.count(ms.organization)) ms.organization = survivor;
    if (seen.insert(ms.organization).second) kept.push_back(std::move(ms));
  }
  c.memberships = std::move(kept);
  if (losers.count(c.parent)) c.parent = survivor;
  return c;
}

// A deal as it will be: its customer and contact roles (kept once per person).
Opportunity Repointed(Opportunity o, const std::set<CustomerId>& losers, CustomerId survivor) {
  if (losers.count(o.customer)) o.customer = survivor;
  decltype(o.contacts) kept;
  std::set<CustomerId> seen;
  for (ContactRole r : o.contacts) {
    if (losers.count(r.person)) r.person = survivor;
    if (seen.insert(r.person).second) kept.push_back(std::move(r));
  }
  o.contacts = std::move(kept);
  return o;
}

const char* Kind(const Customer& c) { return c.kind == CustomerKind::kPerson ? "a person" : "an organization"; }

absl::Status Gone(const model::Ctx& ctx, CustomerId id) {
  auto r = GetRedirect(ctx, id);
  if (!r.ok()) return r.status();
  if (r->has_value())
    return absl::NotFoundError(absl::StrCat("customer ", id, " does not exist: it was merged into customer ",
                                            (*r)->survivor, " (merge ", (*r)->merge, ")"));
  return absl::NotFoundError(absl::StrCat("customer ", id, " does not exist"));
}

}  // namespace

absl::StatusOr<MergeResult> Merge(model::Ctx& ctx, CustomerId survivor_id, const std::vector<CustomerId>& loser_ids,
                                  const MergeOptions& options) {
  if (ctx.schema.merges == model::kAbsentTable)
    return absl::FailedPreconditionError("this database predates merges (schema 16); open it writable once to upgrade it");
  if (loser_ids.empty() || loser_ids.size() > kMaxLosers)
    return absl::InvalidArgumentError(absl::StrCat("losers: 1 to ", kMaxLosers, " customers to merge, not ", loser_ids.size()));
  const std::set<CustomerId> loser_set(loser_ids.begin(), loser_ids.end());
  if (loser_set.size() != loser_ids.size()) return absl::InvalidArgumentError("losers: a customer is named twice");
  if (loser_set.count(survivor_id))
    return absl::InvalidArgumentError(absl::StrCat("losers: customer ", survivor_id, " is the survivor"));
  Customer survivor;
  auto found = customers::Load(ctx, survivor_id, &survivor);
  if (!found.ok()) return found.status();
  if (!*found) return Gone(ctx, survivor_id);
  std::vector<Customer> losers(loser_ids.size());
  for (std::size_t i = 0; i < loser_ids.size(); ++i) {
    found = customers::Load(ctx, loser_ids[i], &losers[i]);
    if (!found.ok()) return found.status();
    if (!*found) return Gone(ctx, loser_ids[i]);
    if (losers[i].kind != survivor.kind)
      return absl::InvalidArgumentError(absl::StrCat(
          "losers: customer ", loser_ids[i], " is ", Kind(losers[i]), " and customer ", survivor_id, " ",
          Kind(survivor), "; only customers of one kind merge"));
  }
  auto image = MergedImage(ctx, survivor, losers, options);
  if (!image.ok()) return image.status();
  // The merged record must be one a write would take, before anything is written.
  Customer check = *image;
  if (absl::Status valid = customers::Normalize(check); !valid.ok())
    return absl::InvalidArgumentError(absl::StrCat("the merged customer would not be valid: ", valid.message()));

  // What points at the losers, read before anything is written.
  Journal j;
  std::set<OpportunityId> deal_ids;
  std::set<CustomerId> related_ids;
  std::set<std::pair<CustomerId, CustomerId>> pair_seen;
  for (CustomerId loser : loser_ids) {
    auto activities = interactions::OfCustomer(ctx, loser);
    if (!activities.ok()) return activities.status();
    for (Interaction& i : *activities) j.interactions.push_back(std::move(i));
    for (auto ids : {opportunities::OfCustomer(ctx, loser), opportunities::WithContact(ctx, loser)}) {
      if (!ids.ok()) return ids.status();
      deal_ids.insert(ids->begin(), ids->end());
    }
    auto members = model::IdsWithPrefix(ctx, ctx.schema.customer_org, codec::EncodeU64(loser));
    if (!members.ok()) return members.status();
    related_ids.insert(members->begin(), members->end());
    auto subsidiaries = model::IdsWithPrefix(ctx, ctx.schema.customer_parent, codec::EncodeU64(loser));
    if (!subsidiaries.ok()) return subsidiaries.status();
    related_ids.insert(subsidiaries->begin(), subsidiaries->end());
    auto consents = consent::OfCustomer(ctx, loser);
    if (!consents.ok()) return consents.status();
    for (ConsentRecord& r : *consents) j.consents.push_back(std::move(r));
    auto pairs = StoredPairsOf(ctx, loser);
    if (!pairs.ok()) return pairs.status();
    for (StoredPair& p : *pairs)
      if (pair_seen.emplace(p.a, p.b).second) j.pairs.push_back(std::move(p));
    auto places = segments::Of(ctx, loser);
    if (!places.ok() && !absl::IsFailedPrecondition(places.status())) return places.status();
    for (SegmentId seg : places.ok() ? *places : std::vector<SegmentId>{}) {
      auto segment = segments::Get(ctx, seg);
      if (!segment.ok()) return segment.status();
      if (segment->kind != SegmentKind::kDynamic) j.segments.push_back(SegmentPlace{loser, seg, false});
    }
    if (ctx.schema.campaigns != model::kAbsentTable) {
      auto memberships = campaigns::Of(ctx, loser);
      if (!memberships.ok()) return memberships.status();
      for (CampaignMember& m : *memberships) {
        auto events = campaigns::Events(ctx, m.campaign, loser);
        if (!events.ok()) return events.status();
        j.campaigns.push_back(CampaignPlace{std::move(m), false, *std::move(events)});
      }
    }
    auto tickets = tickets::IdsOf(ctx, loser);
    if (!tickets.ok()) return tickets.status();
    for (std::uint64_t t : *tickets) j.tickets.push_back(TicketPlace{loser, t});
  }
  related_ids.erase(survivor_id);  // the survivor's own parent is settled in its image
  for (CustomerId loser : loser_ids) related_ids.erase(loser);
  for (OpportunityId id : deal_ids) {
    auto o = opportunities::Get(ctx, id);
    if (!o.ok()) return o.status();
    j.deals.push_back(*std::move(o));
  }
  for (CustomerId id : related_ids) {
    auto c = customers::Get(ctx, id);
    if (!c.ok()) return c.status();
    j.related.push_back(*std::move(c));
  }

  // ---- the writes: a failure from here on dooms the transaction ----
  auto merge_id = NextMergeId(ctx);
  if (!merge_id.ok()) return merge_id.status();
  MergeRecord& record = j.record;
  record.id = *merge_id;
  record.survivor = survivor_id;
  record.losers = loser_ids;
  record.merged_at = ctx.now;
  record.actor = std::string(ctx.actor);
  j.survivor = survivor;
  j.losers = losers;
  for (const Interaction& i : j.interactions) {
    Interaction moved = i;
    moved.customer = survivor_id;
    auto written = interactions::Reassign(ctx, i, std::move(moved));
    if (!written.ok()) return written.status();
    j.interaction_revisions.push_back(written->revision);
  }
  for (const Opportunity& o : j.deals) {
    auto written = opportunities::Reassign(ctx, o, Repointed(o, loser_set, survivor_id));
    if (!written.ok()) return written.status();
    j.deal_revisions.push_back(written->revision);
    ++(loser_set.count(o.customer) ? record.opportunities : record.contact_roles);
  }
  for (const Customer& c : j.related) {
    auto written = customers::Replace(ctx, c, Repointed(c, loser_set, survivor_id), ChangeOp::kUpdate);
    if (!written.ok()) return written.status();
    j.related_revisions.push_back(written->revision);
    ++(c.kind == CustomerKind::kPerson ? record.members : record.subsidiaries);
  }
  for (const ConsentRecord& r : j.consents)
    if (auto moved = consent::Move(ctx, r, survivor_id); !moved.ok()) return moved.status();
  for (SegmentPlace& p : j.segments) {
    auto joined = segments::Join(ctx, p.segment, survivor_id);
    if (!joined.ok()) return joined.status();
    p.survivor_joined = *joined;
  }
  for (CampaignPlace& p : j.campaigns) {
    // The loser's events join the survivor's log; the survivor's own membership (or an earlier
    // loser's, now the survivor's) is kept.
    if (auto s = campaigns::PutEvents(ctx, p.events, survivor_id); !s.ok()) return s;
    auto held = campaigns::GetMember(ctx, p.member.campaign, survivor_id);
    if (!absl::IsNotFound(held.status())) {
      if (!held.ok()) return held.status();
      continue;
    }
    CampaignMember taken = p.member;
    taken.customer = survivor_id;
    if (auto s = campaigns::PutMember(ctx, taken); !s.ok()) return s;
    p.survivor_joined = true;
  }
  for (const TicketPlace& p : j.tickets)
    if (auto s = tickets::Reassign(ctx, p.ticket, survivor_id); !s.ok()) return s;
  for (CustomerId loser : loser_ids)
    if (auto s = customers::Delete(ctx, loser); !s.ok()) return s;
  std::vector<std::string> names;
  for (CustomerId loser : loser_ids) names.push_back(absl::StrCat(loser));
  auto merged = customers::Replace(ctx, survivor, *std::move(image), ChangeOp::kMerge,
                                   {{"merged", absl::StrJoin(names, "; ")}});
  if (!merged.ok()) return merged.status();
  for (CustomerId loser : loser_ids)
    if (auto s = PutRedirect(ctx, loser, Redirect{survivor_id, record.id}); !s.ok()) return s;
  if (auto s = interactions::RefreshContact(ctx, survivor_id); !s.ok()) return s;
  if (auto last = customers::LastInteraction(ctx, survivor_id); last.ok()) merged->last_interaction_at = *last;
  else return last.status();
  record.interactions = j.interactions.size();
  record.consents = j.consents.size();
  record.pairs = j.pairs.size();
  j.survivor_revision = merged->revision;
  if (auto s = PutJournal(ctx, j); !s.ok()) return s;
  return MergeResult{record, *std::move(merged)};
}

}  // namespace crm::duplicates
