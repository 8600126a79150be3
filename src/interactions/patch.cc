// Patches of interactions: updates and upserts that change only the fields they name.
#include <string>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "interactions/interactions.h"
#include "model/patch.h"

namespace crm::interactions {
namespace {

// Applies one field name of a patch: copies that field from `given` into `out`.
absl::Status ApplyField(std::string_view name, const Interaction& given, Interaction& out) {
  constexpr std::string_view kCustom = "custom.";
  if (name.substr(0, kCustom.size()) == kCustom && name.size() > kCustom.size()) {
    model::PatchCustom(out.custom, given.custom, std::string(name.substr(kCustom.size())));
    return absl::OkStatus();
  }
  if (name == "customer") out.customer = given.customer;  // set on a new one; fixed once logged
  else if (name == "kind") out.kind = given.kind, out.kind_label = given.kind_label;
  else if (name == "direction") out.direction = given.direction;
  else if (name == "occurred_at") out.occurred_at = given.occurred_at;
  else if (name == "duration_seconds") out.duration_seconds = given.duration_seconds;
  else if (name == "subject") out.subject = given.subject;
  else if (name == "body") out.body = given.body;
  else if (name == "outcome") out.outcome = given.outcome;
  else if (name == "satisfaction") out.satisfaction = given.satisfaction;
  else if (name == "amount") out.amount = given.amount;
  else if (name == "owner") out.owner = given.owner;
  else if (name == "opportunity") out.opportunity = given.opportunity;
  else if (name == "due_at") out.due_at = given.due_at;
  else if (name == "done") out.done = given.done;
  else if (name == "external_id") out.external_id = given.external_id;
  else if (name == "custom") out.custom = given.custom;
  else
    return absl::InvalidArgumentError(absl::StrCat(
        "fields: '", Av(name), "' is not a field a patch of an interaction sets (customer, kind, direction, "
        "occurred_at, duration_seconds, subject, body, outcome, satisfaction, amount, owner, opportunity, due_at, "
        "done, external_id, custom, custom.<name>)"));
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyPatch(const Interaction& given, const crm::Patch& patch, Interaction& out) {
  for (const std::string& f : patch.fields)
    if (auto s = ApplyField(f, given, out); !s.ok()) return s;
  return absl::OkStatus();
}

absl::StatusOr<Interaction> Patch(Ctx& ctx, const Interaction& given, const crm::Patch& patch) {
  return model::RunPatch(
      ctx, "interaction", given, patch, &Get, [](const Ctx& c, std::string_view e) { return FindByExternalId(c, e); },
      &ApplyField, [](Ctx& c, const Interaction& i) { return Log(c, i); },
      [](Ctx& c, Interaction i) { return Update(c, std::move(i)); });
}

}  // namespace crm::interactions
