// A filter compiled for one kind of record: fields resolved, literals converted to the field's
// type (times parsed, names of stages looked up, text folded), and the test of a record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/fields.h"
#include "query/filter.h"

namespace crm::query {

using detail::FilterNode;
using detail::Literal;

struct Operand {
  Literal lit;                      // as written (custom fields compare by their stored type)
  std::string text;                 // text fields: folded (kText), as is (kExact), digits (kPhone)
  std::int64_t i = 0;               // kId, kInt, kTime, kBool, kEnum; kStage: a stage code
  std::optional<std::int64_t> time;  // a text literal that reads as a time
};

struct Node {
  FilterNode::Type type = FilterNode::Type::kAnd;
  Filter::Op op = Filter::Op::kEq;
  FieldRef field;
  std::vector<Operand> operands;
  std::vector<Node> children;
  const FilterNode* source = nullptr;
};

// A filter ready to test records of `kind`; nullopt root: every record.
struct Compiled {
  EntityType kind = EntityType::kCustomer;
  std::optional<Node> root;
  bool uses_last_interaction = false;  // customers: whether last_interaction_at is read
  bool uses_owners = false;            // whether a field read through the owner's user is
  bool uses_catalog = false;           // whether a field read through the product catalog is
};

// `phone_region`: phone numbers in the filter are read in it (text::ParsePhone), as stored ones are.
absl::StatusOr<Compiled> Compile(EntityType kind, const Filter& filter, const Lookups& pipelines,
                                 std::string_view phone_region = {});

bool Matches(const Compiled& f, const Customer& c, const Lookups& l);
bool Matches(const Compiled& f, const Opportunity& o, const Lookups& p);
bool Matches(const Compiled& f, const Interaction& i, const Lookups& l);
// Whether the comparison `n` on a field read through the owner (NeedsOwners) holds for a record
// whose owner is `owner`.
bool HoldsForOwner(const Node& n, std::string_view owner, const Lookups& l);

// A time written as text: '2024-03-31', '2024-03-31T12:00:00Z', '2024-03-31T12:00:00+02:00'.
std::optional<std::int64_t> ParseTimeText(std::string_view s);

// An order-preserving encoding of a record's first value of `f` ("" when it has none, which
// sorts first).
std::string SortKey(const Val* v, const FieldRef& f);

}  // namespace crm::query
