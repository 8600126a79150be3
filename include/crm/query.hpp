// Questions asked of the store: filters over any field, combined with and, or and not; searches
// sorted by any field with keyset pages; counts; grouped aggregates; and the plan a search uses.
//
// A filter is a value: built from its text (the grammar below) or from parts, and the same
// filter serves searches, counts and aggregates of customers, opportunities and interactions. Field names are
// checked against the kind of record searched, so a misspelt field is an error, not an empty
// answer.
//
// The text form (keywords and field names are case-insensitive):
//   filter    := [or]                          (empty: every record)
//   or        := and { "or" and }
//   and       := not { "and" not }
//   not       := "not" not | "(" or ")" | predicate
//   predicate := field cmp value
//              | field "in" "(" value { "," value } ")"
//              | field "prefix" value
//              | field "is" ["not"] "empty"
//   cmp       := "=" | "!=" | "<>" | "<" | "<=" | ">" | ">="
//   field     := a name such as stage, address.country, custom.tier (letters, digits, _ . -)
//   value     := 'text' | "text" (a quote doubled inside) | integer | decimal | true | false
// Text compares case-insensitively, except owner and external_id (compared exactly). A time
// field takes microseconds or a text '2024-03-31' / '2024-03-31T12:00:00Z' (with any offset).
// A money field (amount, or a custom money field) compares with a number in major units
// ("amount >= 1000.50"), in each record's own currency; `currency` names it. A field with
// several values (tag, email, phone, organization) matches when any value does. A comparison
// with a missing value is false; "is empty" is true for it (empty text, time 0, no value).
// Parse errors name the position: "filter: at 14: expected a value after '='".
//
// The fields of each kind of record are listed in the README ("Queries").
//
// Thread safety: Filter and the other types here are immutable or plain values; the operations
// are members of the transactions (store.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/change.hpp"
#include "crm/customer.hpp"
#include "crm/interaction.hpp"
#include "crm/opportunity.hpp"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

namespace detail {
struct FilterNode;
}  // namespace detail

class Filter {
 public:
  enum class Op : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kPrefix };

  Filter();  // every record
  // InvalidArgument naming the position of the first problem.
  static absl::StatusOr<Filter> Parse(std::string_view text);
  // Built from parts (no quoting needed). A field name is checked when the filter is used.
  static Filter Compare(std::string field, Op op, CustomValue value);
  static Filter In(std::string field, std::vector<CustomValue> values);
  static Filter Empty(std::string field);
  static Filter And(Filter a, Filter b);
  static Filter Or(Filter a, Filter b);
  static Filter Not(Filter a);

  // The text form, which Parse reads back to the same filter.
  std::string ToString() const;
  bool matches_all() const { return root_ == nullptr; }
  const detail::FilterNode* root() const { return root_.get(); }

 private:
  explicit Filter(std::shared_ptr<const detail::FilterNode> root) : root_(std::move(root)) {}
  std::shared_ptr<const detail::FilterNode> root_;
};

// A search: the records a filter matches, sorted, a page at a time.
struct Search {
  Filter filter;
  // Any single-valued field (or tag/email/phone: their first value); ties go by id.
  std::string order_by = "id";
  bool descending = false;
  bool include_archived = false;  // customers: archived ones too
  std::size_t limit = 50;         // page size, 1 to 1000
  // Empty for the first page, then the previous page's next_page_token. Keyset pages: records
  // that stay put are neither repeated nor skipped while others write. A token only continues
  // the search that made it (same filter and order).
  std::string page_token;
};

// How a search, count or aggregate finds its records (ReadTxn::Explain).
struct SearchPlan {
  std::vector<std::string> indexes;  // the index lookups intersected or united, e.g. "tag = 'vip'"
  bool full_scan = false;            // every record of the kind is read
  bool sorted_in_memory = false;     // the matches are sorted after they are found (not by id)
  std::string text;                  // the whole plan in words
};

enum class TimeBucket : std::uint8_t { kNone = 0, kDay, kWeek, kMonth, kQuarter, kYear };

// One grouping: a field, a time field cut into buckets ("month(closed_at)" in text), or (since
// 0.16) a whole-number field cut into bands of `band` values ("band(custom.tenure, 12)": groups
// labelled "0-11", "12-23" ...), or an amount in bands of `band` major units (rounded down:
// "band(custom.monthly_charges, 20)" puts 29.85 USD in "20-39"); other values group as they are.
struct GroupBy {
  std::string field;
  TimeBucket bucket = TimeBucket::kNone;
  std::int64_t band = 0;  // 0: none
};

// One figure per group ("count", "sum(amount)", "count_distinct(customer)" in text).
struct Measure {
  enum class Op : std::uint8_t { kCount, kSum, kAverage, kMin, kMax, kCountDistinct };
  Op op = Op::kCount;
  std::string field;  // empty for kCount: records counted
};

struct Aggregation {
  Filter filter;
  bool include_archived = false;
  std::vector<GroupBy> group_by;  // none (one row for all), one or two
  std::vector<Measure> measures;  // a count when empty
  // Where days, weeks (ISO, from Monday), months, quarters and years begin: an IANA time zone
  // name from the system's tz database ("Europe/Berlin").
  std::string time_zone = "UTC";

  // The text forms of group_by ("owner, month(closed_at)") and measures ("count, sum(amount)").
  static absl::StatusOr<std::vector<GroupBy>> ParseGroupBy(std::string_view text);
  static absl::StatusOr<std::vector<Measure>> ParseMeasures(std::string_view text);
};

// A group's value of one group_by field.
struct GroupKey {
  bool empty = true;   // the records without a value (no owner, never closed ...)
  std::string label;   // stage names, "2024-03", "2024-Q1", "2024-W09", owner ...
  CustomValue value;   // the value itself; a bucket's start as DateTime
};

// A figure. Money measures are in minor units of the row's currency; times in microseconds.
struct MeasureValue {
  std::uint64_t count = 0;  // records with a value for the measure's field (kCount: records)
  std::int64_t value = 0;   // the count, sum, min, max or distinct count
  double average = 0;       // kAverage: the mean (of minor units for money)
};

struct AggregateRow {
  std::vector<GroupKey> keys;  // one per group_by
  // When a measure is on a money field every row holds one currency: amounts of different
  // currencies are never added together. Empty otherwise.
  std::string currency;
  std::vector<MeasureValue> values;  // one per measure
};

struct AggregateResult {
  std::vector<AggregateRow> rows;  // in order of the group keys (empty groups first)
};

// A declared index (QueryWrites::DeclareIndex).
struct IndexInfo {
  EntityType kind = EntityType::kCustomer;
  std::string field;         // its canonical name: "address.city", "custom.score"
  std::uint64_t entries = 0;  // one per value of a record (none for a record without one)
};

// Searches, counts and aggregates: members of every transaction. `kind` is kCustomer,
// kOpportunity or (since 0.5) kInteraction.
class QueryReads {
 public:
  absl::StatusOr<CustomerPage> SearchCustomers(const Search& search) const;
  absl::StatusOr<OpportunityPage> SearchOpportunities(const Search& search) const;
  // Interactions of every customer (since 0.5): a customer's are found through its timeline's
  // cluster ("customer = 12"), a deal's through its links ("opportunity = 7").
  absl::StatusOr<InteractionPage> SearchInteractions(const Search& search) const;
  // How many records the search's filter matches (order, limit and page_token are ignored).
  absl::StatusOr<std::uint64_t> CountMatching(EntityType kind, const Search& search) const;
  absl::StatusOr<SearchPlan> Explain(EntityType kind, const Search& search) const;
  absl::StatusOr<AggregateResult> Aggregate(EntityType kind, const Aggregation& aggregation) const;
  // The declared indexes, customers' first, each kind's in order of field name.
  absl::StatusOr<std::vector<IndexInfo>> Indexes() const;

 protected:
  QueryReads() = default;
};

// Declared indexes: a secondary index on a chosen field of customers or opportunities, a custom
// field ("custom.score") or a built-in one without an index of its own ("address.city",
// "industry", "employees", "annual_revenue", "created_at", "title", "amount" ...). Searches,
// counts and aggregates then find the records with a value, a set of values, a range or a text
// prefix of the field through it instead of reading every record (Explain says so). Text is
// indexed case-folded, as filters compare it.
class QueryWrites {
 public:
  // Declares the index and builds it from the records, in this transaction; every later write
  // of a record keeps it, in the write's transaction. OK when the field has one already.
  // InvalidArgument for an unknown field or one with an index of its own; ResourceExhausted
  // past 32 declared indexes per kind.
  absl::Status DeclareIndex(EntityType kind, std::string_view field);
  // Removes the index and its entries; NotFound when the field has no declared index.
  absl::Status DropIndex(EntityType kind, std::string_view field);

 protected:
  QueryWrites() = default;
};

}  // namespace crm
