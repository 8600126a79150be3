// Customers per lifecycle stage, country and owner, kept as the records change: one counter per
// value (active and archived apart) in the meta table, "grp.<s|c|o>.<a|r>." + the index key of the
// value. They answer a count grouped by one of these fields without reading the customers; Verify
// recounts them from the indexes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "customers/entries.h"

namespace crm::customers {

// Adjusts the counters for the index entries ApplyEntries removes and writes.
absl::Status CountEntries(Ctx& ctx, const std::vector<Entry>& before, const std::vector<Entry>& after,
                          bool archived_before, bool archived_after);

// Writes every counter from the indexes (a migration to schema 3; `ctx` has no pending counters).
absl::Status RecountGroups(Ctx& ctx);

// The counters of field "stage", "country" or "owner": the index key of each value (without
// the id) and how many customers have it; archived ones too when asked. nullopt when the field
// has no counters or the file predates them.
struct GroupCount {
  std::string value_key;
  std::uint64_t count = 0;
  CustomerId first = 0;  // a customer with that value (for its label); 0 when none was looked up
};
absl::StatusOr<std::optional<std::vector<GroupCount>>> ReadGroups(const Ctx& ctx, std::string_view field,
                                                                  bool include_archived);

// Problems where a counter disagrees with its index ("grp.c.a.<key>: 3, the index has 4").
absl::StatusOr<std::vector<std::string>> CheckGroups(const Ctx& ctx);

}  // namespace crm::customers
