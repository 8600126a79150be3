// Searches, counts and aggregates over customers, opportunities and interactions (crm/query.hpp).
#pragma once

#include <cstdint>
#include <optional>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/query.hpp"
#include "model/schema.h"
#include "query/fields.h"
#include "query/plan.h"

namespace crm::query {

// The pipelines an opportunity's stage and status need (none for other kinds).
absl::StatusOr<Lookups> LoadLookups(const model::Ctx& ctx, EntityType kind);
// Loads the owners' users into `l` when `needed` (and not loaded yet).
absl::Status LoadOwners(const model::Ctx& ctx, bool needed, Lookups* l);
// Loads the product catalog into `l` when `needed` (a field read through it: NeedsCatalog).
absl::Status LoadCatalog(const model::Ctx& ctx, bool needed, Lookups* l);

// Where Walk reads each record into: the record a slot points at when it is given (read before
// each record, so `fn` can keep a record where it lies and point the slot at another), Walk's
// own otherwise.
struct Slots {
  Customer** customer = nullptr;
  Opportunity** opportunity = nullptr;
  Interaction** interaction = nullptr;
};

// Calls `fn` with every record of the filter's kind that matches, in id order (interactions read
// whole: by customer and time), until it returns false; `fn` may move the record away. `contact`:
// customers get their last_interaction_at (one more read each).
absl::Status Walk(const model::Ctx& ctx, const Compiled& f, const Lookups& p, const Candidates& c,
                  bool include_archived, bool contact,
                  absl::FunctionRef<absl::StatusOr<bool>(Customer*, Opportunity*, Interaction*)> fn,
                  const Slots& slots = {});

// A record a walk visits (one of the three is set), with the lookups its fields are read with.
struct Record {
  const Customer* customer = nullptr;
  const Opportunity* opportunity = nullptr;
  const Interaction* interaction = nullptr;
  const Lookups* lookups = nullptr;
  void Values(const FieldRef& f, EachVal fn) const;
};

// One value of a group_by field of a record: its order-preserving code and the value its key is
// made of.
struct GroupValue {
  std::string code;
  bool empty = true;
  Val val;
  std::int64_t bucket_start = 0;  // a time bucket's first instant, or a band's lowest value
  bool banded = false;
};

// The groups a record falls in: every combination of its values of the group_by fields (one, the
// whole, when there are none). Set by GroupWalk for each record.
class RecordGroups {
 public:
  std::size_t size() const;
  // The order-preserving code of group i (equal codes: the same group), and its keys.
  std::string code(std::size_t i) const;
  std::vector<GroupKey> keys(std::size_t i) const;

  std::vector<std::vector<GroupValue>> per;
  const std::vector<FieldRef>* fields = nullptr;
  const std::vector<GroupBy>* by = nullptr;
  const absl::TimeZone* tz = nullptr;
  const Lookups* lookups = nullptr;
};

// Calls `fn` with every record of `kind` the filter matches and the groups it falls in, as
// Aggregate groups them (InvalidArgument for a group_by or time zone it refuses). `read`: other
// fields `fn` reads (their lookups are loaded too).
absl::Status GroupWalk(const model::Ctx& ctx, EntityType kind, const Filter& filter, bool include_archived,
                       const std::vector<GroupBy>& group_by, std::string_view time_zone, const std::vector<FieldRef>& read,
                       absl::FunctionRef<absl::Status(const Record&, const RecordGroups&)> fn);

// The group of a customer's first value of `f` as `by` groups it (a band, a bucket in UTC, or the
// value); nullopt when it has none.
std::optional<GroupKey> FirstKey(const Customer& c, const Lookups& l, const FieldRef& f, const GroupBy& by);

absl::StatusOr<CustomerPage> SearchCustomers(const model::Ctx& ctx, const Search& s);
absl::StatusOr<OpportunityPage> SearchOpportunities(const model::Ctx& ctx, const Search& s);
absl::StatusOr<InteractionPage> SearchInteractions(const model::Ctx& ctx, const Search& s);
absl::StatusOr<std::uint64_t> Count(const model::Ctx& ctx, EntityType kind, const Search& s);
// Calls `fn` with every opportunity `filter` matches, in id order.
absl::Status EachOpportunityMatching(const model::Ctx& ctx, const Filter& filter,
                                     absl::FunctionRef<absl::Status(const Opportunity&)> fn);
// Calls `fn` with the id of every customer `filter` matches (archived ones too with
// `include_archived`), in id order, through the indexes the planner picks.
absl::Status EachCustomerMatching(const model::Ctx& ctx, const Filter& filter, bool include_archived,
                                  absl::FunctionRef<absl::Status(CustomerId)> fn);
absl::StatusOr<SearchPlan> Explain(const model::Ctx& ctx, EntityType kind, const Search& s);
absl::StatusOr<AggregateResult> Aggregate(const model::Ctx& ctx, EntityType kind, const Aggregation& a);
// The group of an opportunity's first value of `f` as Aggregate makes it (the empty group when it
// has none): its sort code ("" for the empty group) and its key.
std::pair<std::string, GroupKey> FirstGroup(const Opportunity& o, const Lookups& l, const FieldRef& f);

}  // namespace crm::query
