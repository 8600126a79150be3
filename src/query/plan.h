// Which records a compiled filter needs to look at: the ids its index lookups yield (intersected
// under "and", united under "or"), or every record when a part of the filter has no index. The
// ids are a superset of the matches: every record found is tested against the whole filter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/schema.h"
#include "query/eval.h"

namespace crm::query {

struct Candidates {
  bool full_scan = true;
  std::vector<std::uint64_t> ids;    // ascending, unique (when not a full scan)
  std::vector<std::string> lookups;  // the index lookups used, as filter text
  std::string how;                   // how they were combined: intersect(...), unite(...), probe ...
  // The ids are exactly the matches: declared indexes decided every part of the filter, their
  // entries' checksums held, so a count needs no record.
  bool exact = false;
};

// Index entries read from one lookup before it counts as large: a large lookup is not read to
// its end when smaller ones already narrowed the candidates to a few; each candidate is probed in
// it instead. Reading an entry in sequence costs about 20 ns, probing one about a microsecond, so
// a lookup of more than small_lookup entries is probed for at most probe_at_most candidates.
struct PlanLimits {
  std::size_t small_lookup = 65536;
  std::size_t probe_at_most = 2048;
};
// The limits the planner uses (process-wide; tests lower them to probe on small data).
PlanLimits& Limits();

// `include_archived`: customers whose index entries carry the archived flag are left out
// without being read unless it is set.
absl::StatusOr<Candidates> FindCandidates(const model::Ctx& ctx, const Compiled& filter, const Lookups& pipelines,
                                          bool include_archived);

}  // namespace crm::query
