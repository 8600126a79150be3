// Writing one import row.
#include "imports/rows.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "imports/jobs.h"
#include "text/text.h"

namespace crm::imports {
namespace {

absl::Status Refuse(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(Av(field), ": ", Av(why)));
}

// Keeps what a revert of `job` needs of customer `after`: that the job made it, or what it was
// before the job first changed it.
absl::Status Remember(model::Ctx& ctx, const ImportJob& job, const Customer& after, const Customer* before) {
  // A record the job has just made has no entry yet (ids are never given twice).
  absl::StatusOr<std::optional<UndoEntry>> held = std::optional<UndoEntry>();
  if (before != nullptr) held = GetUndo(ctx, job.id, after.id);
  if (!held.ok()) return held.status();
  UndoEntry entry;
  if (held->has_value()) {
    entry = **held;
  } else {
    entry.customer = after.id;
    entry.created = before == nullptr;
    if (before != nullptr) entry.before = *before;
  }
  entry.revision = after.revision;
  return PutUndo(ctx, job.id, entry);
}

}  // namespace

// The organization named `name` (ignoring case), or 0.
absl::StatusOr<CustomerId> FindOrganization(const model::Ctx& ctx, const std::string& name, OrgCache& orgs) {
  const std::string folded = text::FoldCase(name);
  if (auto it = orgs.find(folded); it != orgs.end()) return it->second;
  CustomerQuery q = CustomerQuery::NamePrefix(name);
  q.limit = 1000;
  for (;;) {
    auto page = customers::List(ctx, q);
    if (!page.ok()) {
      if (absl::IsInvalidArgument(page.status())) break;  // a name without words: made below
      return page.status();
    }
    for (const Customer& c : page->customers)
      if (c.kind == CustomerKind::kOrganization && text::FoldCase(c.display_name) == folded) {
        orgs[folded] = c.id;
        return c.id;
      }
    if (page->next_page_token.empty()) break;
    q.page_token = page->next_page_token;
  }
  return 0;
}

// The organization named `name` (ignoring case): found among the stored ones or made.
absl::StatusOr<CustomerId> Organization(model::Ctx& ctx, const ImportJob& job, const std::string& name, OrgCache& orgs,
                                        RowOutcome& outcome) {
  auto found = FindOrganization(ctx, name, orgs);
  if (!found.ok() || *found != 0) return found;
  const std::string folded = text::FoldCase(name);
  Customer org;
  org.kind = CustomerKind::kOrganization;
  org.display_name = name;
  auto made = customers::Create(ctx, org);
  if (!made.ok()) return made.status();
  if (auto s = Remember(ctx, job, *made, nullptr); !s.ok()) return s;
  ++outcome.organizations_created;
  orgs[folded] = made->id;
  return made->id;
}

namespace {

absl::StatusOr<CustomerId> OrganizationByExternalId(const model::Ctx& ctx, std::string_view field,
                                                    const std::string& external) {
  auto org = customers::FindByExternalId(ctx, external);
  if (absl::IsNotFound(org.status())) return Refuse(field, absl::StrCat("no organization has external id '", external, "'"));
  if (!org.ok()) return org.status();
  if (org->kind != CustomerKind::kOrganization)
    return Refuse(field, absl::StrCat("customer ", org->id, " with external id '", external, "' is not an organization"));
  return org->id;
}

void Name(Patch& patch, std::string_view field) {
  for (const std::string& f : patch.fields)
    if (f == field) return;
  patch.fields.emplace_back(field);
}

// The stored customer the row updates, by the job's rules in order; nullopt when none.
absl::StatusOr<std::optional<Customer>> Match(const model::Ctx& ctx, const ImportJob& job, const Customer& c) {
  for (MatchRule rule : job.match) {
    switch (rule) {
      case MatchRule::kExternalId: {
        if (c.external_id.empty()) break;
        auto found = customers::FindByExternalId(ctx, c.external_id);
        if (found.ok()) return std::optional<Customer>(*std::move(found));
        if (!absl::IsNotFound(found.status())) return found.status();
        break;
      }
      case MatchRule::kEmail:
        for (const Email& e : c.emails) {
          auto found = customers::FindByEmail(ctx, e.address);
          if (found.ok()) return std::optional<Customer>(*std::move(found));
          if (!absl::IsNotFound(found.status()) && !absl::IsInvalidArgument(found.status())) return found.status();
        }
        break;
      case MatchRule::kPhone:
        for (const Phone& p : c.phones) {
          auto found = customers::FindByPhone(ctx, p.number);
          if (absl::IsInvalidArgument(found.status())) continue;
          if (!found.ok()) return found.status();
          if (found->size() == 1) return std::optional<Customer>(std::move(found->front()));
          if (found->size() > 1) {
            std::vector<std::string> ids;
            for (const Customer& m : *found) ids.push_back(absl::StrCat(m.id));
            return Refuse("phone", absl::StrCat("matches customers ", absl::StrJoin(ids, ", "),
                                                "; give an email or an external id to tell them apart"));
          }
        }
        break;
    }
  }
  return std::optional<Customer>();
}

}  // namespace

absl::StatusOr<RowOutcome> ApplyRow(model::Ctx& ctx, const ImportJob& job, Built&& b, OrgCache& orgs) {
  RowOutcome outcome;
  Customer& c = b.customer;
  if (!b.organization_external.empty()) {
    auto org = OrganizationByExternalId(ctx, "organization_external_id", b.organization_external);
    if (!org.ok()) return org.status();
    c.memberships.push_back(Membership{*org, ""});
  } else if (!b.organization.empty()) {
    auto org = Organization(ctx, job, b.organization, orgs, outcome);
    if (!org.ok()) return org.status();
    c.memberships.push_back(Membership{*org, ""});
  }
  if (!c.memberships.empty()) Name(b.patch, "+memberships");
  if (!b.parent_external.empty()) {
    auto parent = OrganizationByExternalId(ctx, "parent_external_id", b.parent_external);
    if (!parent.ok()) return parent.status();
    c.parent = *parent;
  } else if (!b.parent.empty()) {
    auto parent = Organization(ctx, job, b.parent, orgs, outcome);
    if (!parent.ok()) return parent.status();
    c.parent = *parent;
  }
  if (c.parent != 0) Name(b.patch, "parent");

  auto matched = Match(ctx, job, c);
  if (!matched.ok()) return matched.status();
  // An organization is also found by its name, as rows naming it made or found it (one without
  // an external id, or with the row's).
  if (!matched->has_value() && c.kind == CustomerKind::kOrganization && !c.display_name.empty() && !job.match.empty()) {
    auto org = FindOrganization(ctx, c.display_name, orgs);
    if (!org.ok()) return org.status();
    if (*org != 0) {
      auto stored = customers::Get(ctx, *org);
      if (!stored.ok()) return stored.status();
      if (stored->external_id.empty() || stored->external_id == c.external_id) *matched = *std::move(stored);
    }
  }
  if (!matched->has_value()) {
    const bool named_organization = c.kind == CustomerKind::kOrganization && !c.display_name.empty();
    auto made = customers::Create(ctx, std::move(c));
    if (!made.ok()) return made.status();
    if (auto s = Remember(ctx, job, *made, nullptr); !s.ok()) return s;
    if (named_organization) orgs[text::FoldCase(made->display_name)] = made->id;
    outcome.kind = RowOutcome::kCreated;
    outcome.customer = made->id;
    return outcome;
  }
  const Customer& stored = **matched;
  if (!c.external_id.empty() && c.external_id != stored.external_id) {
    if (!stored.external_id.empty())
      return Refuse("external_id", absl::StrCat("the row matched customer ", stored.id,
                                                ", whose external id is another ('", stored.external_id, "')"));
    Name(b.patch, "external_id");
  }
  Customer out = stored;
  if (auto s = customers::ApplyPatch(ctx, c, b.patch, out); !s.ok()) return s;
  bool changed = false;
  auto written = customers::Update(ctx, out, &changed);
  if (!written.ok()) return written.status();
  outcome.customer = stored.id;
  if (!changed) {
    outcome.kind = RowOutcome::kUnchanged;
    return outcome;
  }
  if (auto s = Remember(ctx, job, *written, &stored); !s.ok()) return s;
  outcome.kind = RowOutcome::kUpdated;
  return outcome;
}

}  // namespace crm::imports
