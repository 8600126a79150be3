// Lead conversion (crm/lead.hpp): a lead becomes a person at a later stage, a member of an
// organization found or created, and the contact of a new deal, in one transaction.
#include <algorithm>
#include <variant>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "core/txn.h"
#include "crm/lead.hpp"
#include "customers/customers.h"
#include "model/validation.h"
#include "opportunities/opportunities.h"
#include "pipelines/pipelines.h"
#include "text/text.h"

namespace crm::leads {
namespace {

using model::Ctx;

constexpr std::size_t kNameSearchPages = 10;

// The lead's email domain, when it says where the lead works (not a free-mail domain).
std::string WorkDomain(const Customer& lead) {
  const Email* e = lead.primary_email();
  if (e == nullptr) return {};
  std::string d = text::DomainOf(e->address);
  return d.empty() || text::FreeMailDomain(d) ? std::string() : d;
}

// An organization for `company`: by the lead's work domain, else by name; nullopt when none.
absl::StatusOr<std::optional<Customer>> FindOrganization(const Ctx& ctx, const std::string& company,
                                                         const std::string& domain) {
  if (!domain.empty()) {
    auto by_domain = customers::FindByDomain(ctx, domain);
    if (!by_domain.ok()) return by_domain.status();
    for (Customer& c : *by_domain)
      if (c.kind == CustomerKind::kOrganization && !c.archived) return std::optional<Customer>(std::move(c));
  }
  const std::string wanted = text::FoldForSearch(company);
  CustomerQuery q = CustomerQuery::NamePrefix(company);
  q.limit = 1000;
  for (std::size_t page = 0; page < kNameSearchPages; ++page) {
    auto found = customers::List(ctx, q);
    if (!found.ok()) {
      // A name with no word to search by (punctuation only) finds nothing.
      if (absl::IsInvalidArgument(found.status())) return std::optional<Customer>();
      return found.status();
    }
    for (Customer& c : found->customers)
      if (c.kind == CustomerKind::kOrganization && text::FoldForSearch(c.display_name) == wanted)
        return std::optional<Customer>(std::move(c));
    if (found->next_page_token.empty()) break;
    q.page_token = found->next_page_token;
  }
  return std::optional<Customer>();
}

absl::StatusOr<LeadConversionResult> Convert(Ctx& ctx, const LeadConversion& in) {
  if (in.lead == 0) return model::Invalid("lead", "a conversion needs the lead's id");
  auto lead = customers::Get(ctx, in.lead);
  if (!lead.ok()) return lead.status();
  if (lead->kind != CustomerKind::kPerson)
    return model::Invalid("lead", absl::StrCat("customer ", in.lead, " is an organization: a lead is a person"));
  if (lead->stage != LifecycleStage::kSubscriber && lead->stage != LifecycleStage::kLead)
    return absl::FailedPreconditionError(absl::StrCat("lead: customer ", in.lead, " is at stage ",
                                                      Av(LifecycleStageName(lead->stage)),
                                                      ": only a subscriber or a lead is converted"));
  const bool deal = !in.deal_title.empty();
  const LifecycleStage stage = in.stage.value_or(deal ? LifecycleStage::kOpportunity : LifecycleStage::kProspect);
  if (stage < LifecycleStage::kProspect || stage > LifecycleStage::kOther)
    return model::Invalid("stage", "a converted lead is at stage prospect or later");
  if (deal && in.pipeline != 0)
    if (auto p = pipelines::Get(ctx, in.pipeline); !p.ok()) return p.status();
  std::string company = in.company;
  model::Trim(company);
  if (company.empty()) {
    auto it = lead->custom.find("company");
    if (it != lead->custom.end() && std::holds_alternative<std::string>(it->second))
      company = std::get<std::string>(it->second);
    model::Trim(company);
  }
  std::string role = in.role;
  model::Trim(role);

  LeadConversionResult out;
  std::optional<Customer> org;
  if (in.organization != 0) {
    auto given = customers::Get(ctx, in.organization);
    if (!given.ok()) return given.status();
    if (given->kind != CustomerKind::kOrganization)
      return model::Invalid("organization", absl::StrCat("customer ", in.organization, " is a person"));
    org = *std::move(given);
  } else if (!company.empty()) {
    auto found = FindOrganization(ctx, company, WorkDomain(*lead));
    if (!found.ok()) return found.status();
    org = *std::move(found);
    if (!org) {
      Customer made;
      made.kind = CustomerKind::kOrganization;
      made.display_name = company;
      made.stage = stage;
      made.owner = lead->owner;
      made.account_type = AccountType::kProspect;
      if (std::string d = WorkDomain(*lead); !d.empty()) made.domains.push_back(d);
      auto created = customers::Create(ctx, std::move(made));
      if (!created.ok())
        return absl::Status(created.status().code(), absl::StrCat("company: ", created.status().message()));
      org = *std::move(created);
      out.organization_created = true;
    }
  }

  Customer person = *lead;
  person.stage = stage;
  if (org && std::none_of(person.memberships.begin(), person.memberships.end(),
                          [&](const Membership& m) { return m.organization == org->id; }))
    person.memberships.push_back(Membership{org->id, role});
  auto updated = customers::Update(ctx, std::move(person));
  if (!updated.ok()) return updated.status();
  out.person = *std::move(updated);
  out.organization = std::move(org);

  if (deal) {
    Opportunity o;
    o.title = in.deal_title;
    o.customer = out.organization ? out.organization->id : out.person.id;
    o.pipeline = in.pipeline;
    if (in.amount) o.amount = *in.amount;
    o.expected_close = in.expected_close;
    o.owner = in.owner.empty() ? out.person.owner : in.owner;
    o.probability = -1;
    if (out.organization) o.contacts.push_back(ContactRole{out.person.id, role.empty() ? "lead" : role});
    auto made = opportunities::Create(ctx, std::move(o));
    if (!made.ok()) return absl::Status(made.status().code(), absl::StrCat("deal: ", made.status().message()));
    out.opportunity = *std::move(made);
  }
  return out;
}

}  // namespace
}  // namespace crm::leads

namespace crm {

absl::StatusOr<LeadConversionResult> LeadWrites::ConvertLead(const LeadConversion& conversion) {
  return core::Mutate(this, [&](model::Ctx& c) { return leads::Convert(c, conversion); });
}

}  // namespace crm
