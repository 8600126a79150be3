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
  std::vector<std::uint64_t> ids;    // unique, ascending (when not a full scan; see Window::only_count)
  std::vector<std::string> lookups;  // the index lookups used, as filter text
  std::string how;                   // how they were combined: intersect(...), unite(...), probe ...
  // The ids are exactly the matches: declared indexes decided every part of the filter, their
  // entries' checksums held, so a count needs no record.
  bool exact = false;
  // The ids are only the window asked for (see Window): more matches may follow them.
  bool windowed = false;
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

// The part of the candidates a page in id order needs: ids above `after` (0: from the start), at
// most `first` of them. It narrows the lookup only where that cannot lose a match: a filter that
// is one exact lookup under one key prefix, whose entries come in id order. Otherwise every
// candidate is found and the caller skips what it does not need.
struct Window {
  std::uint64_t after = 0;
  std::size_t first = SIZE_MAX;
  // The caller only counts the ids (when they are exact): the ids of one single-valued field's
  // lookup are then left in index order, not sorted by id.
  bool only_count = false;
};

// `include_archived`: customers whose index entries carry the archived flag are left out
// without being read unless it is set.
absl::StatusOr<Candidates> FindCandidates(const model::Ctx& ctx, const Compiled& filter, const Lookups& pipelines,
                                          bool include_archived, Window window = {});

}  // namespace crm::query
