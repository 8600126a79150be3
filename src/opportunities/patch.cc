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
  if (name == "+lines") {  // lines are not unique by product: a deal may sell one twice
    out.lines.insert(out.lines.end(), given.lines.begin(), given.lines.end());
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
  else if (name == "forecast_category") out.forecast_category = given.forecast_category;
  else if (name == "lines") out.lines = given.lines;
  else
    return absl::InvalidArgumentError(absl::StrCat(
        "fields: '", Av(name), "' is not a field a patch of an opportunity sets (title, customer, stage, amount, "
        "probability, expected_close, owner, contacts, lost_reason, external_id, custom, custom.<name>, "
        "forecast_category, lines; +contacts and +lines add)"));
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyPatch(const Opportunity& given, const crm::Patch& patch, Opportunity& out) {
  for (const std::string& f : patch.fields)
    if (auto s = ApplyField(f, given, out); !s.ok()) return s;
  return absl::OkStatus();
}

absl::StatusOr<Opportunity> Patch(Ctx& ctx, const Opportunity& given, const crm::Patch& patch) {
  return model::RunPatch(
      ctx, "opportunity", given, patch, &Get, [](const Ctx& c, std::string_view e) { return FindByExternalId(c, e); },
      &ApplyField, [](Ctx& c, const Opportunity& o) { return Create(c, o); },
      [](Ctx& c, Opportunity o) { return Update(c, std::move(o)); });
}

}  // namespace crm::opportunities
