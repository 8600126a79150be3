// The parsed form of a filter (crm/query.hpp): a tree of and/or/not over predicates, each a
// field name and literal values. Field names are resolved against a kind of record later
// (query/fields.h), when the filter is used.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/query.hpp"
#include "crm/types.hpp"

namespace crm::detail {

// A value written in a filter.
struct Literal {
  enum class Kind : std::uint8_t { kText, kInt, kDecimal, kBool, kTime, kMoney };
  Kind kind = Kind::kText;
  std::string text;       // kText
  std::int64_t i = 0;     // kInt, kTime (micros), kBool (0/1); kDecimal: the unscaled digits
  int scale = 0;          // kDecimal: digits after the point (i / 10^scale)
  Money money;            // kMoney
};

struct FilterNode {
  enum class Type : std::uint8_t { kAnd, kOr, kNot, kCompare, kIn, kEmpty };
  Type type = Type::kCompare;
  Filter::Op op = Filter::Op::kEq;  // kCompare
  std::string field;                // kCompare, kIn, kEmpty
  std::vector<Literal> values;      // kCompare: one; kIn: one or more
  std::vector<std::shared_ptr<const FilterNode>> children;  // kAnd, kOr: two or more; kNot: one
};

using NodePtr = std::shared_ptr<const FilterNode>;

inline constexpr std::size_t kMaxFilterBytes = 64 * 1024;
inline constexpr int kMaxFilterDepth = 64;
inline constexpr std::size_t kMaxInValues = 1000;

absl::StatusOr<NodePtr> ParseFilter(std::string_view text);
std::string PrintFilter(const FilterNode* node);
Literal LiteralOf(const CustomValue& v);
std::string PrintLiteral(const Literal& l);

}  // namespace crm::detail
