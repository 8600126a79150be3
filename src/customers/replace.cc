// Writing a customer as a given image, without the checks and side effects of an edit (merging
// and unmerging: crm/duplicates.hpp).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "analytics/facts.h"
#include "analytics/risk.h"
#include "changes/changes.h"
#include "customers/customers.h"
#include "customers/entries.h"
#include "customers/validate.h"
#include "model/records.h"
#include "query/declared.h"
#include "segments/segments.h"

namespace crm::customers {

absl::StatusOr<Customer> Replace(Ctx& ctx, const Customer& before, Customer c, ChangeOp op,
                                 changes::Fields extra) {
  c.id = before.id;
  if (auto s = Normalize(c); !s.ok()) return s;
  model::StampChanged(c, before, ctx.now);
  c.archived = before.archived;
  c.archived_at = before.archived_at;
  c.last_interaction_at = before.last_interaction_at;
  const std::vector<Entry> held = Entries(ctx, before);
  const std::vector<Entry> wanted = Entries(ctx, c);
  if (auto s = CheckUnique(ctx, c.id, wanted, held); !s.ok()) return s;
  auto declared_held = query::DeclaredKeys(ctx, before);
  if (!declared_held.ok()) return declared_held.status();
  auto declared = query::DeclaredKeys(ctx, c);
  if (!declared.ok()) return declared.status();
  changes::Fields after = changes::Flatten(c);
  for (auto& field : extra) after.push_back(std::move(field));
  std::sort(after.begin(), after.end());  // the feed compares sorted fields

  absl::Status s = model::Put(ctx, kKind, c);
  if (s.ok()) s = ApplyEntries(ctx, c, held, wanted, false);
  if (s.ok()) s = query::ApplyDeclared(ctx, *declared_held, *declared, Flags(c), false);
  if (s.ok()) s = analytics::MoveCustomer(ctx, &before, &c);
  if (s.ok()) s = analytics::MoveChurnCounts(ctx, &before, &c);
  if (s.ok()) s = segments::MoveCustomer(ctx, &before, &c);
  if (s.ok()) s = changes::Record(ctx, EntityType::kCustomer, c.id, op, changes::Flatten(before), std::move(after), c.id);
  if (!s.ok()) return s;
  return c;
}

absl::StatusOr<Customer> Recreate(Ctx& ctx, Customer c) {
  auto exists = Exists(ctx, c.id);
  if (!exists.ok()) return exists.status();
  if (c.id == 0 || *exists) return absl::AlreadyExistsError(absl::StrCat("customer ", c.id, " exists"));
  if (auto s = Normalize(c); !s.ok()) return s;
  c.revision += 1;
  c.updated_at = ctx.now;
  c.last_interaction_at = 0;
  const std::vector<Entry> wanted = Entries(ctx, c);
  if (auto s = CheckUnique(ctx, c.id, wanted, {}); !s.ok()) return s;
  auto declared = query::DeclaredKeys(ctx, c);
  if (!declared.ok()) return declared.status();

  absl::Status s = model::Put(ctx, kKind, c);
  if (s.ok()) s = ApplyEntries(ctx, c, {}, wanted, false);
  if (s.ok()) s = query::ApplyDeclared(ctx, {}, *declared, Flags(c), false);
  if (s.ok()) s = model::AddToCounter(ctx, c.archived ? kArchivedCount : kActiveCount, 1);
  if (s.ok()) s = analytics::MoveCustomer(ctx, nullptr, &c);
  if (s.ok()) s = analytics::MoveChurnCounts(ctx, nullptr, &c);
  if (s.ok()) s = segments::MoveCustomer(ctx, nullptr, &c);
  if (s.ok()) s = changes::Record(ctx, EntityType::kCustomer, c.id, ChangeOp::kCreate, {}, changes::Flatten(c), c.id);
  if (!s.ok()) return s;
  return c;
}

}  // namespace crm::customers
