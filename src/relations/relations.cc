#include "relations/relations.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "codec/key.h"
#include "common/errors.h"
#include "customers/customers.h"
#include "interactions/interactions.h"
#include "model/records.h"
#include "opportunities/opportunities.h"

namespace crm::relations {

absl::Status DeleteOpportunity(model::Ctx& ctx, OpportunityId id, bool* poisoned) {
  auto o = opportunities::Get(ctx, id);
  if (!o.ok()) return o.status();
  if (auto s = interactions::UnlinkOpportunity(ctx, id, poisoned); !s.ok()) return s;
  return opportunities::Remove(ctx, id, poisoned);
}

absl::Status DeleteCustomer(model::Ctx& ctx, CustomerId id, bool cascade, bool* poisoned) {
  auto customer = customers::Get(ctx, id);
  if (!customer.ok()) return customer.status();
  auto has_interactions = interactions::Any(ctx, id);
  if (!has_interactions.ok()) return has_interactions.status();
  auto deals = opportunities::OfCustomer(ctx, id);
  if (!deals.ok()) return deals.status();
  auto roles = opportunities::WithContact(ctx, id);
  if (!roles.ok()) return roles.status();
  auto members = model::IdsWithPrefix(ctx, ctx.schema.customer_org, codec::EncodeU64(id));
  if (!members.ok()) return members.status();

  if (!cascade) {
    std::vector<std::string> left;
    if (*has_interactions) left.push_back("interactions");
    if (!deals->empty()) left.push_back(absl::StrCat(deals->size(), " opportunities"));
    if (!roles->empty()) left.push_back(absl::StrCat("contact roles in ", roles->size(), " opportunities"));
    if (!members->empty()) left.push_back(absl::StrCat(members->size(), " members"));
    if (!left.empty())
      return HasDependentsError(absl::StrCat(
          "customer ", id, " still has ", absl::StrJoin(left, ", "),
          "; delete them first or ask for a cascading delete"));
  }
  // From here on records are being changed: any failure must abort the whole transaction.
  auto fail = [&](absl::Status s) {
    *poisoned = true;
    return s;
  };
  if (auto s = interactions::DeleteAllOf(ctx, id, poisoned); !s.ok()) return fail(s);
  for (OpportunityId opp : *deals)
    if (auto s = DeleteOpportunity(ctx, opp, poisoned); !s.ok()) return fail(s);
  for (OpportunityId opp : *roles)
    if (auto s = opportunities::RemoveContact(ctx, opp, id, poisoned); !s.ok()) return fail(s);
  for (CustomerId member : *members) {
    auto person = customers::Get(ctx, member);
    if (!person.ok()) return fail(person.status());
    auto& ms = person->memberships;
    ms.erase(std::remove_if(ms.begin(), ms.end(), [&](const Membership& m) { return m.organization == id; }),
             ms.end());
    if (auto s = customers::Update(ctx, *std::move(person), poisoned); !s.ok()) return fail(s.status());
  }
  if (auto s = customers::Delete(ctx, id, poisoned); !s.ok()) return cascade ? fail(s) : s;
  return absl::OkStatus();
}

}  // namespace crm::relations
