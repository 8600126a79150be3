// Writing one import row: finding the customer it updates by the match rules, or creating one,
// and keeping what a revert needs.
#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "imports/mapping.h"
#include "model/schema.h"

namespace crm::imports {

// Organizations rows named, by folded name: found or made during the job.
using OrgCache = absl::flat_hash_map<std::string, CustomerId>;

struct RowOutcome {
  enum Kind { kCreated, kUpdated, kUnchanged } kind = kCreated;
  CustomerId customer = 0;
  std::uint64_t organizations_created = 0;
};

// The organization named `name` (ignoring case), or 0.
absl::StatusOr<CustomerId> FindOrganization(const model::Ctx& ctx, const std::string& name, OrgCache& orgs);
// The organization named `name` (ignoring case): found among the stored ones or made (and
// counted in `outcome`, and kept for the job's revert).
absl::StatusOr<CustomerId> Organization(model::Ctx& ctx, const ImportJob& job, const std::string& name, OrgCache& orgs,
                                        RowOutcome& outcome);

// Writes row `b` of import `job`. InvalidArgument naming the field when the row is refused.
absl::StatusOr<RowOutcome> ApplyRow(model::Ctx& ctx, const ImportJob& job, Built&& b, OrgCache& orgs);
// The same for a row of opportunities or interactions (deal_rows.cc); `customer` in the outcome
// is the deal's or the interaction's id.
absl::StatusOr<RowOutcome> ApplyDealRow(model::Ctx& ctx, const ImportJob& job, Built&& b, OrgCache& orgs);
absl::StatusOr<RowOutcome> ApplyActivityRow(model::Ctx& ctx, const ImportJob& job, Built&& b, OrgCache& orgs);
absl::StatusOr<RowOutcome> ApplyUserRow(model::Ctx& ctx, const ImportJob& job, Built&& b);
absl::StatusOr<RowOutcome> ApplyProductRow(model::Ctx& ctx, const ImportJob& job, Built&& b);

}  // namespace crm::imports
