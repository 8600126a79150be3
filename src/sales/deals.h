// What every sales report starts from (crm/sales.hpp): the deals a query's filter matches, each
// with its group, and the query's period.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/sales.hpp"
#include "model/schema.h"
#include "query/fields.h"
#include "sales/totals.h"

namespace crm::sales {

using model::Ctx;

struct Scope {
  query::Lookups lookups;  // the pipelines (and owners' users when the filter or group needs them)
  Timestamp from = INT64_MIN;
  Timestamp to = INT64_MAX;
  std::map<std::string, GroupKey> groups;  // by sort code: the groups met, in report order

  bool InPeriod(Timestamp t) const { return t >= from && t < to; }
  const Pipeline* PipelineOf(const Opportunity& o) const { return lookups.Find(o.pipeline); }
};

// Calls `fn(deal, group code)` for every opportunity the query's filter matches, in id order,
// recording each group's key in `scope->groups`. `period_fields`: the time fields the report
// takes the period on (a deal counts when one of them is in it); with a period, the filter then
// requires that too, so that an index on one of them (a declared one on closed_at or created_at,
// the built-in one on expected_close) finds the deals instead of a read of every deal. The
// report still checks the period itself.
absl::StatusOr<Scope> Deals(const Ctx& ctx, const SalesQuery& q,
                            absl::FunctionRef<void(const Opportunity&, const std::string&, Scope&)> fn,
                            std::initializer_list<const char*> period_fields = {});

// The maintained totals of the deals a query looks at (sales/totals.h), when they can answer it:
// no period, and a filter and group that read only a deal's pipeline, stage, currency and owner
// (and what derives from the owner: team, region, manager). Calls `fn(deal, group code, total)`
// for every total the filter lets through, `deal` holding just those four fields. nullopt when
// the deals must be read instead.
absl::StatusOr<std::optional<Scope>> FromTotals(const Ctx& ctx, const SalesQuery& q,
                                                absl::FunctionRef<void(const Opportunity&, const std::string&, const Total&, Scope&)> fn);

// The closings of the deals a query looks at (sales/closings.h), when they can answer it: a store
// that keeps them, and a filter and group that read only a deal's pipeline, stage, currency and
// owner (and what derives from the owner). Calls `fn(deal, group, scope)` for every deal closed
// with one of `outcomes` in the query's period that the filter lets through, in order of
// outcome and closing, `deal` holding its
// id, pipeline, stage, amount (converted when the query names a currency), owner, created_at and
// closed_at, and `group` the index of its group's code in `codes` (appended as first met).
// nullopt when the deals must be read instead.
absl::StatusOr<std::optional<Scope>> FromClosings(const Ctx& ctx, const SalesQuery& q,
                                                  std::initializer_list<StageOutcome> outcomes, std::vector<std::string>* codes,
                                                  absl::FunctionRef<void(const Opportunity&, std::size_t, Scope&)> fn);

// The IANA time zone of that name; InvalidArgument naming it otherwise.
absl::StatusOr<absl::TimeZone> Zone(std::string_view time_zone);

// The [from, to) a period text names in a time zone.
absl::StatusOr<std::pair<Timestamp, Timestamp>> Period(std::string_view period, std::string_view time_zone);

}  // namespace crm::sales
