#include "store/migrations.h"

#include "absl/strings/str_cat.h"
#include "customers/customers.h"
#include "customers/groups.h"

namespace crm::store {
namespace {

// One step: what schema `to` added to the one before it, backfilled from the records.
struct Step {
  std::uint64_t to;
  const char* what;
  absl::Status (*run)(model::Ctx& ctx);
};

constexpr Step kSteps[] = {
    {2, "index customers by country",
     [](model::Ctx& ctx) { return customers::Backfill(ctx, ctx.schema.customer_country); }},
    // Earlier files have no external ids of opportunities or interactions, and no domains or
    // parents of organizations: the new indexes start empty.
    // and the counters of customers per stage, country and owner are counted from their indexes.
    {3, "external ids of opportunities and interactions; domains and parents of organizations; group counters",
     [](model::Ctx& ctx) { return customers::RecountGroups(ctx); }},
    // Declared indexes start with none declared: their two tables start empty.
    {4, "declared indexes", [](model::Ctx&) { return absl::OkStatus(); }},
};
static_assert(kSteps[std::size(kSteps) - 1].to == model::kSchemaVersion, "a step for every schema version");

}  // namespace

absl::Status Migrate(storage::Txn& txn, const model::Schema& schema, std::uint64_t from) {
  model::Ctx ctx{txn, schema, 0, nullptr, "migration"};
  for (const Step& step : kSteps) {
    if (step.to <= from) continue;
    if (absl::Status s = step.run(ctx); !s.ok())
      return absl::Status(s.code(), absl::StrCat("step to schema ", step.to, " (", step.what, "): ", s.message()));
  }
  return absl::OkStatus();
}

}  // namespace crm::store
