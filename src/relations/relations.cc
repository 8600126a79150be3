#include "relations/relations.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "codec/key.h"
#include "common/errors.h"
#include "consent/records.h"
#include "customers/customers.h"
#include "duplicates/journal.h"
#include "interactions/interactions.h"
#include "model/records.h"
#include "opportunities/opportunities.h"
#include "tickets/tickets.h"

namespace crm::relations {

absl::Status DeleteOpportunity(model::Ctx& ctx, OpportunityId id) {
  auto o = opportunities::Get(ctx, id);
  if (!o.ok()) return o.status();
  if (auto s = interactions::UnlinkOpportunity(ctx, id); !s.ok()) return s;
  return opportunities::Remove(ctx, id);
}

absl::Status DeleteCustomer(model::Ctx& ctx, CustomerId id, bool cascade) {
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
  auto subsidiaries = ctx.schema.customer_parent == model::kAbsentTable
                          ? absl::StatusOr<std::vector<std::uint64_t>>(std::vector<std::uint64_t>{})
                          : model::IdsWithPrefix(ctx, ctx.schema.customer_parent, codec::EncodeU64(id));
  if (!subsidiaries.ok()) return subsidiaries.status();
  auto tickets = tickets::IdsOf(ctx, id);
  if (!tickets.ok()) return tickets.status();

  if (!cascade) {
    std::vector<std::string> left;
    if (*has_interactions) left.push_back("interactions");
    if (!tickets->empty()) left.push_back(absl::StrCat(tickets->size(), " tickets"));
    if (!deals->empty()) left.push_back(absl::StrCat(deals->size(), " opportunities"));
    if (!roles->empty()) left.push_back(absl::StrCat("contact roles in ", roles->size(), " opportunities"));
    if (!members->empty()) left.push_back(absl::StrCat(members->size(), " members"));
    if (!subsidiaries->empty()) left.push_back(absl::StrCat(subsidiaries->size(), " subsidiaries"));
    if (!left.empty())
      return HasDependentsError(absl::StrCat(
          "customer ", id, " still has ", absl::StrJoin(left, ", "),
          "; delete them first or ask for a cascading delete"));
  }
  // From here on records are being changed: a failure dooms the transaction (the storage layer
  // saw the writes), so the caller's transaction is aborted whole.
  if (auto s = interactions::DeleteAllOf(ctx, id); !s.ok()) return s;
  if (auto s = consent::DeleteAllOf(ctx, id); !s.ok()) return s;
  for (OpportunityId opp : *deals)
    if (auto s = DeleteOpportunity(ctx, opp); !s.ok()) return s;
  for (OpportunityId opp : *roles)
    if (auto s = opportunities::RemoveContact(ctx, opp, id); !s.ok()) return s;
  for (CustomerId member : *members) {
    auto person = customers::Get(ctx, member);
    if (!person.ok()) return person.status();
    auto& ms = person->memberships;
    ms.erase(std::remove_if(ms.begin(), ms.end(), [&](const Membership& m) { return m.organization == id; }),
             ms.end());
    if (auto s = customers::Update(ctx, *std::move(person)); !s.ok()) return s.status();
  }
  for (CustomerId subsidiary : *subsidiaries) {  // they stay, without a parent
    auto org = customers::Get(ctx, subsidiary);
    if (!org.ok()) return org.status();
    org->parent = 0;
    if (auto s = customers::Update(ctx, *std::move(org)); !s.ok()) return s.status();
  }
  if (auto s = customers::Delete(ctx, id); !s.ok()) return s;
  return duplicates::ForgetMerges(ctx, id);  // the journals hold the merged customers' records
}

}  // namespace crm::relations
