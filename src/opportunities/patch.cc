// Patches of opportunities: updates and upserts that change only the fields they name.
#include <string>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "model/patch.h"
#include "model/records.h"
#include "model/validation.h"
#include "opportunities/opportunities.h"

namespace crm::opportunities {
namespace {

// Applies one field name of a patch: copies that field from `given` into `out`.
absl::Status ApplyField(std::string_view name, const Opportunity& given, Opportunity& out) {
  if (name == "+contacts") {
    model::AddMissing(out.contacts, given.contacts, [](const ContactRole& r) { return r.person; });
    return absl::OkStatus();
  }
  constexpr std::string_view kCustom = "custom.";
  if (name.substr(0, kCustom.size()) == kCustom && name.size() > kCustom.size()) {
    model::PatchCustom(out.custom, given.custom, std::string(name.substr(kCustom.size())));
    return absl::OkStatus();
  }
  if (name == "title") out.title = given.title;
  else if (name == "customer") out.customer = given.customer;
  else if (name == "stage") out.stage = given.stage;
  else if (name == "amount") out.amount = given.amount;
  else if (name == "probability") out.probability = given.probability;
  else if (name == "expected_close") out.expected_close = given.expected_close;
  else if (name == "owner") out.owner = given.owner;
  else if (name == "contacts") out.contacts = given.contacts;
  else if (name == "lost_reason") out.lost_reason = given.lost_reason;
  else if (name == "external_id") out.external_id = given.external_id;
  else if (name == "custom") out.custom = given.custom;
  else
    return absl::InvalidArgumentError(absl::StrCat(
        "fields: '", Av(name), "' is not a field a patch of an opportunity sets (title, customer, stage, amount, "
        "probability, expected_close, owner, contacts, lost_reason, external_id, custom, custom.<name>; +contacts "
        "adds)"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Opportunity> Patch(Ctx& ctx, const Opportunity& given, const crm::Patch& patch) {
  if (patch.fields.empty()) return absl::InvalidArgumentError("fields: name at least one field to change");
  absl::StatusOr<Opportunity> stored = absl::NotFoundError("");
  if (given.id != 0) {
    stored = Get(ctx, given.id);
    if (stored.ok() && given.revision != 0 && given.revision != stored->revision)
      return model::CheckRevision("opportunity", given.id, stored->revision, given.revision);
  } else {
    std::string external = given.external_id;
    model::Trim(external);
    if (external.empty())
      return absl::InvalidArgumentError("id: a patch names its opportunity by id, or by external_id to upsert");
    stored = FindByExternalId(ctx, external);
    if (absl::IsNotFound(stored.status())) {
      Opportunity scratch;  // the field names are checked before creating: a typo fails either way
      for (const std::string& f : patch.fields)
        if (auto s = ApplyField(f, given, scratch); !s.ok()) return s;
      return Create(ctx, given);
    }
  }
  if (!stored.ok()) return stored.status();
  Opportunity out = *stored;
  for (const std::string& f : patch.fields)
    if (auto s = ApplyField(f, given, out); !s.ok()) return s;
  return Update(ctx, std::move(out));
}

}  // namespace crm::opportunities
