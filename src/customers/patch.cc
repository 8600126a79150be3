// Patches: updates and upserts that change only the fields they name (crm::Patch).
#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "model/patch.h"
#include "model/records.h"
#include "model/validation.h"
#include "text/phone.h"
#include "text/text.h"

namespace crm {

absl::StatusOr<Patch> Patch::Parse(std::string_view text) {
  Patch p;
  for (absl::string_view part : absl::StrSplit(Av(text), absl::ByAnyChar(", "), absl::SkipEmpty()))
    p.fields.emplace_back(part);
  if (p.fields.empty()) return absl::InvalidArgumentError("fields: name at least one field to change");
  return p;
}

namespace customers {
namespace {

using model::AddMissing;

// Applies one field name of a patch: copies that field from `given` into `out`. Phones are the
// same number when they read the same in `region` (the stored ones carry their reading).
absl::Status ApplyField(std::string_view name, const Customer& given, Customer& out, std::string_view region) {
  const bool add = !name.empty() && name.front() == '+';
  if (add) name.remove_prefix(1);
  const auto folded = [](const std::string& s) { return text::FoldCase(s); };
  if (add) {
    if (name == "emails") {
      AddMissing(out.emails, given.emails, [&](const Email& e) { return folded(e.address); });
    } else if (name == "phones") {
      AddMissing(out.phones, given.phones, [&](const Phone& p) {
        return p.e164.empty() ? text::PhoneQueryKey(p.number, region) : text::PhoneKey(p);
      });
    } else if (name == "tags") {
      AddMissing(out.tags, given.tags, folded);
    } else if (name == "memberships") {
      AddMissing(out.memberships, given.memberships, [](const Membership& m) { return m.organization; });
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "fields: '+", Av(name), "' adds to a field of several values: emails, phones, tags or memberships"));
    }
    return absl::OkStatus();
  }
  constexpr std::string_view kCustom = "custom.";
  if (name.substr(0, kCustom.size()) == kCustom && name.size() > kCustom.size()) {
    model::PatchCustom(out.custom, given.custom, std::string(name.substr(kCustom.size())));
    return absl::OkStatus();
  }
  if (name == "display_name") out.display_name = given.display_name;
  else if (name == "given_name") out.given_name = given.given_name;
  else if (name == "family_name") out.family_name = given.family_name;
  else if (name == "kind") out.kind = given.kind;
  else if (name == "emails") out.emails = given.emails;
  else if (name == "phones") out.phones = given.phones;
  else if (name == "address") out.address = given.address;
  else if (name == "address.street") out.address.street = given.address.street;
  else if (name == "address.city") out.address.city = given.address.city;
  else if (name == "address.region") out.address.region = given.address.region;
  else if (name == "address.postal_code") out.address.postal_code = given.address.postal_code;
  else if (name == "address.country") out.address.country = given.address.country;
  else if (name == "stage") out.stage = given.stage;
  else if (name == "owner") out.owner = given.owner;
  else if (name == "tags") out.tags = given.tags;
  else if (name == "custom") out.custom = given.custom;
  else if (name == "consent") out.consent = given.consent;
  else if (name == "consent.email_opt_in") out.consent.email_opt_in = given.consent.email_opt_in;
  else if (name == "consent.email_legal_basis") out.consent.email_legal_basis = given.consent.email_legal_basis;
  else if (name == "consent.email_opt_in_at") out.consent.email_opt_in_at = given.consent.email_opt_in_at;
  else if (name == "consent.do_not_call") out.consent.do_not_call = given.consent.do_not_call;
  else if (name == "external_id") out.external_id = given.external_id;
  else if (name == "memberships") out.memberships = given.memberships;
  else if (name == "job_title") out.job_title = given.job_title;
  else if (name == "department") out.department = given.department;
  else if (name == "industry") out.industry = given.industry;
  else if (name == "website") out.website = given.website;
  else if (name == "domains") out.domains = given.domains;
  else if (name == "annual_revenue") out.annual_revenue = given.annual_revenue;
  else if (name == "employees") out.employees = given.employees;
  else if (name == "account_type") out.account_type = given.account_type;
  else if (name == "parent") out.parent = given.parent;
  else
    return absl::InvalidArgumentError(absl::StrCat(
        "fields: '", Av(name), "' is not a field a patch sets (display_name, given_name, family_name, kind, emails, "
        "phones, address, address.<part>, stage, owner, tags, custom, custom.<name>, consent, consent.<part>, "
        "external_id, memberships, job_title, department, industry, website, domains, annual_revenue, employees, "
        "account_type, parent; +emails, +phones, +tags, +memberships add)"));
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyPatch(const Ctx& ctx, const Customer& given, const crm::Patch& patch, Customer& out) {
  for (const std::string& f : patch.fields)
    if (auto s = ApplyField(f, given, out, ctx.phone_region); !s.ok()) return s;
  return absl::OkStatus();
}

absl::StatusOr<Customer> Patch(Ctx& ctx, const Customer& given, const crm::Patch& patch) {
  return model::RunPatch(
      ctx, "customer", given, patch, &Get, [](const Ctx& c, std::string_view e) { return FindByExternalId(c, e); },
      [&ctx](std::string_view name, const Customer& given, Customer& out) {
        return ApplyField(name, given, out, ctx.phone_region);
      },
      [](Ctx& c, const Customer& n) { return Create(c, n); },
      [](Ctx& c, Customer n) { return Update(c, std::move(n)); });
}

}  // namespace customers
}  // namespace crm
