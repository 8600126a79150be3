#include "customers/validate.h"

#include <algorithm>
#include <set>
#include <vector>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "model/validation.h"
#include "text/text.h"

namespace crm::customers {
namespace {

using model::CheckText;
using model::Field;
using model::Invalid;
using model::Repeats;
using model::Trim;


// How a list of contact points (emails, phones) is checked.
struct ContactRules {
  const char* list;    // "emails"
  const char* member;  // "address"
  const char* noun;    // "email"
  std::size_t max_items;
  std::size_t max_bytes;
  const char* what;                             // "an email address"
  std::string (*problem)(std::string_view);     // empty when acceptable
  std::string (*identity)(std::string_view);    // equal for the same contact point
};

// Checks each item's value and label, rejects repeats and more than one primary, and marks the
// first primary when none is.
template <class List, class Item>
absl::Status CheckContacts(List& items, std::string Item::*value, const ContactRules& r) {
  if (items.size() > r.max_items)
    return Invalid(r.list, absl::StrCat("more than ", r.max_items, " ", r.list));
  std::vector<std::string> seen;
  std::size_t primaries = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    Item& item = items[i];
    Trim(item.*value);
    const Field field(r.list, i, r.member);
    if (auto s = CheckText(field, item.*value, r.max_bytes); !s.ok()) return s;
    if (std::string why = r.problem(item.*value); !why.empty())
      return Invalid(field, absl::StrCat("is not ", r.what, ": it ", why));
    if (auto s = CheckText(Field(r.list, i, "label"), item.label, Limits::kLabelBytes); !s.ok()) return s;
    if (Repeats(seen, r.identity(item.*value)))
      return Invalid(field, absl::StrCat("repeats another ", r.noun, " of this customer"));
    primaries += item.primary;
  }
  if (primaries > 1) return Invalid(r.list, absl::StrCat("more than one ", r.noun, " is marked primary"));
  if (primaries == 0 && !items.empty()) items.front().primary = true;
  return absl::OkStatus();
}

}  // namespace

namespace {
// The B2B fields: people's job title and department; organizations' industry, website, domains,
// revenue, employees, account type and parent.
absl::Status NormalizeB2B(Customer& c) {
  const bool person = c.kind == CustomerKind::kPerson;
  for (auto* text : {&c.job_title, &c.department, &c.industry, &c.website}) Trim(*text);
  if (auto s = CheckText("job_title", c.job_title, Limits::kRoleBytes); !s.ok()) return s;
  if (auto s = CheckText("department", c.department, Limits::kRoleBytes); !s.ok()) return s;
  if (auto s = CheckText("industry", c.industry, Limits::kRoleBytes); !s.ok()) return s;
  if (auto s = CheckText("website", c.website, Limits::kAddressFieldBytes); !s.ok()) return s;
  const auto organization_only = [&](const char* field, bool set) {
    return person && set ? Invalid(field, "is a field of organizations, not of people") : absl::OkStatus();
  };
  if (!person && !c.job_title.empty()) return Invalid("job_title", "is a field of people, not of organizations");
  if (!person && !c.department.empty()) return Invalid("department", "is a field of people, not of organizations");
  for (const auto& [field, set] :
       {std::pair{"industry", !c.industry.empty()}, {"website", !c.website.empty()}, {"domains", !c.domains.empty()},
        {"annual_revenue", !c.annual_revenue.currency.empty() || c.annual_revenue.minor_units != 0},
        {"employees", c.employees != 0}, {"account_type", c.account_type != AccountType::kNone},
        {"parent", c.parent != 0}})
    if (auto s = organization_only(field, set); !s.ok()) return s;
  if (c.domains.size() > Limits::kEmails) return Invalid("domains", absl::StrCat("more than ", Limits::kEmails, " domains"));
  std::vector<std::string> domains;
  for (std::size_t i = 0; i < c.domains.size(); ++i) {
    std::string d = text::DomainOf(c.domains[i]);
    if (d.empty()) return Invalid(Field("domains", i), "is not a domain (such as acme.com)");
    if (std::find(domains.begin(), domains.end(), d) == domains.end()) domains.push_back(std::move(d));
  }
  if (!c.website.empty()) {
    std::string d = text::DomainOf(c.website);
    if (d.empty()) return Invalid("website", "has no domain (such as https://www.acme.com)");
    if (std::find(domains.begin(), domains.end(), d) == domains.end()) domains.insert(domains.begin(), std::move(d));
  }
  c.domains.assign(domains.begin(), domains.end());
  if (!c.annual_revenue.currency.empty() && !IsKnownCurrency(c.annual_revenue.currency))
    return Invalid("annual_revenue.currency", "is not a known ISO 4217 code");
  if (c.annual_revenue.currency.empty() && c.annual_revenue.minor_units != 0)
    return Invalid("annual_revenue.currency", "an amount needs its currency");
  if (c.annual_revenue.minor_units < 0) return Invalid("annual_revenue", "must not be negative");
  if (c.employees < 0) return Invalid("employees", "must not be negative");
  const int type = static_cast<int>(c.account_type);
  if (type < 0 || type > static_cast<int>(AccountType::kOther)) return Invalid("account_type", "is not a known account type");
  return absl::OkStatus();
}
}  // namespace

absl::Status Normalize(Customer& c) {
  if (c.kind != CustomerKind::kPerson && c.kind != CustomerKind::kOrganization)
    return Invalid("kind", "must be person or organization");

  for (auto* name : {&c.display_name, &c.given_name, &c.family_name}) Trim(*name);
  if (auto s = CheckText("display_name", c.display_name, Limits::kNameBytes); !s.ok()) return s;
  if (auto s = CheckText("given_name", c.given_name, Limits::kNameBytes); !s.ok()) return s;
  if (auto s = CheckText("family_name", c.family_name, Limits::kNameBytes); !s.ok()) return s;
  if (c.display_name.empty() && c.kind == CustomerKind::kPerson) {
    c.display_name = c.given_name;
    if (!c.given_name.empty() && !c.family_name.empty()) c.display_name += ' ';
    c.display_name += c.family_name;
    if (c.display_name.size() > Limits::kNameBytes)
      return Invalid("display_name", "given_name and family_name together exceed the name limit");
  }
  if (c.display_name.empty())
    return Invalid("display_name", c.kind == CustomerKind::kPerson
                                       ? "a person needs display_name, given_name or family_name"
                                       : "an organization needs a display_name");

  if (auto s = CheckContacts(c.emails, &Email::address, {"emails", "address", "email", Limits::kEmails,
                                                          Limits::kEmailBytes, "an email address",
                                                          text::EmailProblem, text::FoldCase});
      !s.ok())
    return s;
  if (auto s = CheckContacts(c.phones, &Phone::number, {"phones", "number", "phone", Limits::kPhones,
                                                         Limits::kPhoneBytes, "a phone number",
                                                         text::PhoneProblem, text::PhoneDigits});
      !s.ok())
    return s;

  PostalAddress& a = c.address;
  for (auto* f : {&a.street, &a.city, &a.region, &a.postal_code, &a.country}) Trim(*f);
  if (auto s = CheckText("address.street", a.street, Limits::kAddressFieldBytes, true); !s.ok()) return s;
  if (auto s = CheckText("address.city", a.city, Limits::kAddressFieldBytes); !s.ok()) return s;
  if (auto s = CheckText("address.region", a.region, Limits::kAddressFieldBytes); !s.ok()) return s;
  if (auto s = CheckText("address.postal_code", a.postal_code, Limits::kAddressFieldBytes); !s.ok()) return s;
  if (auto s = CheckText("address.country", a.country, Limits::kAddressFieldBytes); !s.ok()) return s;

  const auto stage = static_cast<int>(c.stage);
  if (stage < static_cast<int>(LifecycleStage::kSubscriber) || stage > static_cast<int>(LifecycleStage::kOther))
    return Invalid("stage", "is not a known lifecycle stage");

  Trim(c.owner);
  if (auto s = CheckText("owner", c.owner, Limits::kOwnerBytes); !s.ok()) return s;

  if (c.tags.size() > Limits::kTags) return Invalid("tags", absl::StrCat("more than ", Limits::kTags, " tags"));
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < c.tags.size(); ++i) {
    Trim(c.tags[i]);
    const Field field("tags", i);
    if (c.tags[i].empty()) return Invalid(field, "is empty");
    if (auto s = CheckText(field, c.tags[i], Limits::kTagBytes); !s.ok()) return s;
    if (Repeats(seen, text::FoldCase(c.tags[i])))
      return Invalid(field, "repeats another tag of this customer (tags ignore case)");
  }

  if (auto s = model::CheckCustomFields(c.custom); !s.ok()) return s;

  if (auto s = model::CheckTime("consent.email_opt_in_at", c.consent.email_opt_in_at); !s.ok()) return s;
  const auto basis = static_cast<int>(c.consent.email_legal_basis);
  if (basis < 0 || basis > static_cast<int>(LegalBasis::kLegitimateInterests))
    return Invalid("consent.email_legal_basis", "is not a known legal basis");
  if (c.consent.email_opt_in && c.consent.email_legal_basis == LegalBasis::kNone)
    return Invalid("consent.email_legal_basis", "an email opt-in needs a legal basis");

  Trim(c.external_id);
  if (auto s = CheckText("external_id", c.external_id, Limits::kExternalIdBytes); !s.ok()) return s;

  if (auto s = NormalizeB2B(c); !s.ok()) return s;

  if (!c.memberships.empty() && c.kind != CustomerKind::kPerson)
    return Invalid("memberships", "only a person can be a member of an organization");
  if (c.memberships.size() > Limits::kMemberships)
    return Invalid("memberships", absl::StrCat("more than ", Limits::kMemberships, " memberships"));
  std::set<CustomerId> orgs;
  for (std::size_t i = 0; i < c.memberships.size(); ++i) {
    Membership& m = c.memberships[i];
    if (m.organization == 0) return Invalid(Field("memberships", i, "organization"), "must name an organization");
    if (!orgs.insert(m.organization).second)
      return Invalid(Field("memberships", i, "organization"), "repeats another membership");
    Trim(m.role);
    if (auto s = CheckText(Field("memberships", i, "role"), m.role, Limits::kRoleBytes); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace crm::customers
