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

// Writes row `b` of import `job`. InvalidArgument naming the field when the row is refused.
absl::StatusOr<RowOutcome> ApplyRow(model::Ctx& ctx, const ImportJob& job, Built b, OrgCache& orgs);

}  // namespace crm::imports
