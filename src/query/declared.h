// Declared indexes: secondary indexes a store adds on chosen fields of customers or
// opportunities (custom fields or built-in ones without an index of their own). Declaring one
// builds it from the records in the same write transaction; from then on every write of a
// record keeps it, in the transaction of the write. The planner (plan.cc) uses it for
// equality, set membership, ranges and prefixes on the field.
//
// index_catalog: U8(kind) Str(field) -> U32(number); field_index: U32(number) SortKey(value)
// U64(id) -> the record's flags (archived customers) and the CRC-32C of the key, one entry per
// value. The checksum lets a count answered from the index alone tell a damaged entry from a
// sound one (DataLoss), as records' envelopes do.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/query.hpp"
#include "model/schema.h"
#include "query/eval.h"
#include "query/fields.h"

namespace crm::query {

struct DeclaredField {
  std::uint32_t number = 0;
  std::string name;  // canonical: "address.city", "custom.score"
  FieldRef field;
};

// A filter whose matches the store keeps (a dynamic segment, segments/segments.h).
struct MaintainedFilter {
  std::uint64_t id = 0;
  Filter filter;  // owns what `compiled` points into
  Compiled compiled;
  bool include_archived = false;
};

// The declared indexes as one transaction sees them: read from the catalogue once, and kept up
// to date by the transaction's own declarations. It also holds the maintained filters once
// their module has loaded them.
class IndexCatalog {
 public:
  absl::StatusOr<const std::vector<DeclaredField>*> Of(const model::Ctx& ctx, EntityType kind);
  void Forget() { loaded_ = false; }

  std::optional<std::vector<MaintainedFilter>> maintained;
  // Segments this transaction found to exist (segments/members.cc), so that a membership miss
  // need not read the segment again.
  std::vector<std::uint64_t> segments_seen;

 private:
  bool loaded_ = false;
  std::vector<DeclaredField> customers_, opportunities_;
};

// The entries (keys of field_index) a record has in the declared indexes, sorted.
absl::StatusOr<std::vector<std::string>> DeclaredKeys(const model::Ctx& ctx, const Customer& c);
absl::StatusOr<std::vector<std::string>> DeclaredKeys(const model::Ctx& ctx, const Opportunity& o);

// Deletes the keys only in `before`, writes those only in `after` (all of `after` when
// `rewrite`, because the flags changed) with `flags`.
absl::Status ApplyDeclared(model::Ctx& ctx, const std::vector<std::string>& before,
                           const std::vector<std::string>& after, char flags, bool rewrite);

// The value of an entry: `flags`, then the CRC-32C of the key.
std::string EntryValue(std::string_view key, char flags);
// DataLoss unless `value` is the value of the entry `key`; EntrySound says whether it is.
absl::Status CheckEntry(std::string_view key, std::string_view value);
bool EntrySound(std::string_view key, std::string_view value);

// The field of `kind` named `name` if a declared index covers it.
absl::StatusOr<const DeclaredField*> FindDeclared(const model::Ctx& ctx, EntityType kind, const FieldRef& f);

// Where in a declared index the records lie for which a comparison or `in` (node `n`, on the
// declared field `d`) can hold: exact values (key prefixes) and [lo, hi) key ranges. A superset
// (the records found are tested against the whole filter); nullopt when the node cannot use it
// ("!=").
struct DeclaredLookup {
  std::vector<std::string> prefixes;
  std::vector<std::pair<std::string, std::string>> ranges;
  // Ranges that hold more than the matches (an amount without a currency against money of any
  // currency; a decimal against integers): entries found there must be tested on their record.
  std::vector<std::pair<std::string, std::string>> loose;
};
std::optional<DeclaredLookup> LookupOf(const DeclaredField& d, const Node& n);

// Declares (and builds) an index; OK when it exists already. InvalidArgument for a field that
// is not one of `kind`, or that has an index of its own.
absl::Status Declare(model::Ctx& ctx, EntityType kind, std::string_view field);
// Drops a declared index and its entries; NotFound when there is none on the field.
absl::Status Drop(model::Ctx& ctx, EntityType kind, std::string_view field);
absl::StatusOr<std::vector<IndexInfo>> ListDeclared(const model::Ctx& ctx);

// Verify: every declared entry belongs to its record, and every record has its entries.
// Returns the number of entries checked; problems go to `problems`.
absl::StatusOr<std::uint64_t> CheckDeclared(const model::Ctx& ctx, std::vector<std::string>* problems);

}  // namespace crm::query
