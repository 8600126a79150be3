#include "query/filter.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "text/text.h"

namespace crm::detail {
namespace {

Literal Lit(Literal::Kind kind, std::int64_t i = 0, std::string text = {}) {
  Literal l;
  l.kind = kind;
  l.i = i;
  l.text = std::move(text);
  return l;
}

bool NameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool NameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// A recursive-descent reader of the grammar in crm/query.hpp. Positions in errors count bytes
// from 1.
class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  absl::StatusOr<NodePtr> Run() {
    Skip();
    if (pos_ == s_.size()) return NodePtr();
    auto node = Or(0);
    if (!node.ok()) return node;
    Skip();
    if (pos_ != s_.size()) return Error("expected 'and', 'or' or the end of the filter");
    return node;
  }

 private:
  absl::Status Error(std::string_view what) const {
    std::string near;
    if (pos_ < s_.size()) {
      near = std::string(s_.substr(pos_, 12));
      if (!text::IsValidUtf8(near) || text::HasControl(near, true)) near.clear();
    }
    return absl::InvalidArgumentError(absl::StrCat("filter: at ", pos_ + 1, ": ", Av(what),
                                                   near.empty() ? "" : absl::StrCat(" (near '", near, "')")));
  }

  void Skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }

  // The next word (name characters) without taking it.
  std::string_view PeekWord() {
    Skip();
    if (pos_ >= s_.size() || !NameStart(s_[pos_])) return {};
    std::size_t end = pos_;
    while (end < s_.size() && NameChar(s_[end])) ++end;
    return s_.substr(pos_, end - pos_);
  }

  bool TakeKeyword(std::string_view keyword) {
    std::string_view w = PeekWord();
    if (w.empty() || !absl::EqualsIgnoreCase(Av(w), Av(keyword))) return false;
    pos_ += w.size();
    return true;
  }

  bool TakeChar(char c) {
    Skip();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  absl::StatusOr<NodePtr> Combine(FilterNode::Type type, int depth) {
    std::vector<NodePtr> parts;
    const char* keyword = type == FilterNode::Type::kOr ? "or" : "and";
    do {
      auto part = type == FilterNode::Type::kOr ? And(depth) : Not(depth);
      if (!part.ok()) return part;
      parts.push_back(*std::move(part));
    } while (TakeKeyword(keyword));
    if (parts.size() == 1) return parts.front();
    auto node = std::make_shared<FilterNode>();
    node->type = type;
    node->children = std::move(parts);
    return NodePtr(std::move(node));
  }

  absl::StatusOr<NodePtr> Or(int depth) {
    if (depth > kMaxFilterDepth) return Error(absl::StrCat("nested more than ", kMaxFilterDepth, " deep"));
    return Combine(FilterNode::Type::kOr, depth);
  }
  absl::StatusOr<NodePtr> And(int depth) { return Combine(FilterNode::Type::kAnd, depth); }

  absl::StatusOr<NodePtr> Not(int depth) {
    if (depth > kMaxFilterDepth) return Error(absl::StrCat("nested more than ", kMaxFilterDepth, " deep"));
    if (TakeKeyword("not")) {
      auto inner = Not(depth + 1);
      if (!inner.ok()) return inner;
      auto node = std::make_shared<FilterNode>();
      node->type = FilterNode::Type::kNot;
      node->children.push_back(*std::move(inner));
      return NodePtr(std::move(node));
    }
    if (TakeChar('(')) {
      auto inner = Or(depth + 1);
      if (!inner.ok()) return inner;
      if (!TakeChar(')')) return Error("expected ')'");
      return inner;
    }
    return Predicate();
  }

  absl::StatusOr<NodePtr> Predicate() {
    std::string_view name = PeekWord();
    if (name.empty()) return Error("expected a field name, 'not' or '('");
    for (std::string_view reserved : {"and", "or", "in", "is", "prefix", "empty"})
      if (absl::EqualsIgnoreCase(Av(name), Av(reserved)))
        return Error(absl::StrCat("expected a field name, not '", Av(name), "'"));
    pos_ += name.size();
    auto node = std::make_shared<FilterNode>();
    node->field = absl::AsciiStrToLower(Av(name));
    if (TakeKeyword("is")) {
      const bool negated = TakeKeyword("not");
      if (!TakeKeyword("empty")) return Error("expected 'empty' after 'is'");
      node->type = FilterNode::Type::kEmpty;
      if (!negated) return NodePtr(std::move(node));
      auto outer = std::make_shared<FilterNode>();
      outer->type = FilterNode::Type::kNot;
      outer->children.push_back(std::move(node));
      return NodePtr(std::move(outer));
    }
    if (TakeKeyword("in")) {
      node->type = FilterNode::Type::kIn;
      if (!TakeChar('(')) return Error("expected '(' after 'in'");
      do {
        if (node->values.size() == kMaxInValues) return Error(absl::StrCat("more than ", kMaxInValues, " values"));
        auto v = Value();
        if (!v.ok()) return v.status();
        node->values.push_back(*std::move(v));
      } while (TakeChar(','));
      if (!TakeChar(')')) return Error("expected ',' or ')'");
      return NodePtr(std::move(node));
    }
    node->type = FilterNode::Type::kCompare;
    if (TakeKeyword("prefix")) {
      node->op = Filter::Op::kPrefix;
    } else {
      auto op = Comparison();
      if (!op.ok()) return op.status();
      node->op = *op;
    }
    auto v = Value();
    if (!v.ok()) return v.status();
    node->values.push_back(*std::move(v));
    return NodePtr(std::move(node));
  }

  absl::StatusOr<Filter::Op> Comparison() {
    Skip();
    const std::string_view rest = s_.substr(pos_);
    struct Sym {
      std::string_view text;
      Filter::Op op;
    };
    // Longest first.
    for (const Sym& sym : {Sym{"!=", Filter::Op::kNe}, Sym{"<>", Filter::Op::kNe}, Sym{"<=", Filter::Op::kLe},
                           Sym{">=", Filter::Op::kGe}, Sym{"=", Filter::Op::kEq}, Sym{"<", Filter::Op::kLt},
                           Sym{">", Filter::Op::kGt}})
      if (rest.substr(0, sym.text.size()) == sym.text) {
        pos_ += sym.text.size();
        return sym.op;
      }
    return Error("expected a comparison (= != < <= > >=), 'in', 'prefix' or 'is'");
  }

  absl::StatusOr<Literal> Value() {
    Skip();
    if (pos_ >= s_.size()) return Error("expected a value");
    const char c = s_[pos_];
    if (c == '\'' || c == '"') return Quoted(c);
    if (c == '-' || c == '+' || std::isdigit(static_cast<unsigned char>(c))) return Number();
    if (TakeKeyword("true")) return Lit(Literal::Kind::kBool, 1);
    if (TakeKeyword("false")) return Lit(Literal::Kind::kBool, 0);
    return Error("expected a value: 'text', a number, true or false");
  }

  absl::StatusOr<Literal> Quoted(char quote) {
    const std::size_t start = pos_++;
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) {
        pos_ = start;
        return Error("text is not closed");
      }
      if (s_[pos_] == quote) {
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == quote) {
          out.push_back(quote);
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      out.push_back(s_[pos_++]);
    }
    if (!text::IsValidUtf8(out)) {
      pos_ = start;
      return Error("text is not valid UTF-8");
    }
    return Lit(Literal::Kind::kText, 0, std::move(out));
  }

  absl::StatusOr<Literal> Number() {
    const std::size_t start = pos_;
    const bool negative = s_[pos_] == '-';
    if (s_[pos_] == '-' || s_[pos_] == '+') ++pos_;
    Literal l = Lit(Literal::Kind::kInt);
    unsigned __int128 digits = 0;
    int scale = 0;
    bool any = false, point = false;
    for (; pos_ < s_.size(); ++pos_) {
      const char d = s_[pos_];
      if (d == '.' && !point) {
        point = true;
        continue;
      }
      if (!std::isdigit(static_cast<unsigned char>(d))) break;
      any = true;
      digits = digits * 10 + static_cast<unsigned>(d - '0');
      if (point) ++scale;
      if (digits > static_cast<unsigned __int128>(std::numeric_limits<std::int64_t>::max()) || scale > 18) {
        pos_ = start;
        return Error("number is too large or too precise (at most 18 decimals, within 64 bits)");
      }
    }
    if (!any || (pos_ < s_.size() && NameChar(s_[pos_]) && !std::isalpha(static_cast<unsigned char>(s_[pos_])))) {
      pos_ = start;
      return Error("expected a number");
    }
    l.i = static_cast<std::int64_t>(digits) * (negative ? -1 : 1);
    if (point) {
      l.kind = Literal::Kind::kDecimal;
      l.scale = scale;
    }
    // A currency code after the number makes it an amount of money.
    const std::size_t after_number = pos_;
    std::string_view code = PeekWord();
    if (code.size() == 3 && IsKnownCurrency(code)) {
      const int digits_of = *CurrencyMinorDigits(code);
      if (scale > digits_of) {
        pos_ = start;
        return Error(absl::StrCat(Av(code), " has ", digits_of, " decimals"));
      }
      std::int64_t minor = l.i;
      for (int k = scale; k < digits_of; ++k) {
        if (minor > std::numeric_limits<std::int64_t>::max() / 10 || minor < std::numeric_limits<std::int64_t>::min() / 10) {
          pos_ = start;
          return Error("amount is too large");
        }
        minor *= 10;
      }
      pos_ += code.size();
      Literal m = Lit(Literal::Kind::kMoney);
      m.money = Money{minor, std::string(code)};
      return m;
    }
    pos_ = after_number;
    if (pos_ < s_.size() && NameStart(s_[pos_])) return Error("expected a space after the number");
    return l;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string Decimal(std::int64_t unscaled, int scale) {
  const bool negative = unscaled < 0;
  const std::uint64_t magnitude =
      negative ? ~static_cast<std::uint64_t>(unscaled) + 1 : static_cast<std::uint64_t>(unscaled);
  const std::string digits = std::to_string(magnitude);
  const std::size_t width = std::max(digits.size(), static_cast<std::size_t>(scale) + 1);  // "0.05", not ".05"
  std::string out = negative ? "-" : "";
  out.append(width - digits.size(), '0');
  out += digits;
  if (scale > 0) out.insert(out.end() - scale, '.');
  return out;
}

}  // namespace

absl::StatusOr<NodePtr> ParseFilter(std::string_view text) {
  if (text.size() > kMaxFilterBytes)
    return absl::InvalidArgumentError(absl::StrCat("filter: is longer than ", kMaxFilterBytes, " bytes"));
  return Parser(text).Run();
}

std::string PrintLiteral(const Literal& l) {
  switch (l.kind) {
    case Literal::Kind::kText: return Quote(l.text);
    case Literal::Kind::kInt:
    case Literal::Kind::kTime: return std::to_string(l.i);
    case Literal::Kind::kDecimal: return Decimal(l.i, l.scale);
    case Literal::Kind::kBool: return l.i ? "true" : "false";
    case Literal::Kind::kMoney:
      return absl::StrCat(Decimal(l.money.minor_units, CurrencyMinorDigits(l.money.currency).value_or(0)), " ",
                          l.money.currency);
  }
  return {};
}

std::string PrintFilter(const FilterNode* n) {
  if (n == nullptr) return {};
  static constexpr const char* kOps[] = {"=", "!=", "<", "<=", ">", ">=", "prefix"};
  switch (n->type) {
    case FilterNode::Type::kAnd:
    case FilterNode::Type::kOr: {
      std::string out;
      for (const NodePtr& c : n->children) {
        if (!out.empty()) out += n->type == FilterNode::Type::kAnd ? " and " : " or ";
        const bool wrap = c->type == FilterNode::Type::kAnd || c->type == FilterNode::Type::kOr;
        out += wrap ? absl::StrCat("(", PrintFilter(c.get()), ")") : PrintFilter(c.get());
      }
      return out;
    }
    case FilterNode::Type::kNot: {
      const FilterNode* c = n->children.front().get();
      if (c->type == FilterNode::Type::kEmpty) return absl::StrCat(c->field, " is not empty");
      return absl::StrCat("not (", PrintFilter(c), ")");
    }
    case FilterNode::Type::kCompare:
      return absl::StrCat(n->field, " ", kOps[static_cast<int>(n->op)], " ", PrintLiteral(n->values.front()));
    case FilterNode::Type::kIn: {
      std::string out = absl::StrCat(n->field, " in (");
      for (std::size_t i = 0; i < n->values.size(); ++i)
        absl::StrAppend(&out, i ? ", " : "", PrintLiteral(n->values[i]));
      return out + ")";
    }
    case FilterNode::Type::kEmpty: return absl::StrCat(n->field, " is empty");
  }
  return {};
}

Literal LiteralOf(const CustomValue& v) {
  Literal l;
  if (const auto* s = std::get_if<std::string>(&v)) {
    l.kind = Literal::Kind::kText;
    l.text = *s;
  } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
    l.kind = Literal::Kind::kInt;
    l.i = *i;
  } else if (const auto* m = std::get_if<Money>(&v)) {
    l.kind = Literal::Kind::kMoney;
    l.money = *m;
  } else if (const auto* t = std::get_if<DateTime>(&v)) {
    l.kind = Literal::Kind::kTime;
    l.i = t->micros;
  } else {
    l.kind = Literal::Kind::kBool;
    l.i = std::get<bool>(v) ? 1 : 0;
  }
  return l;
}

}  // namespace crm::detail

namespace crm {

using detail::FilterNode;
using detail::NodePtr;

Filter::Filter() = default;

absl::StatusOr<Filter> Filter::Parse(std::string_view text) {
  auto root = detail::ParseFilter(text);
  if (!root.ok()) return root.status();
  return Filter(*std::move(root));
}

Filter Filter::Compare(std::string field, Op op, CustomValue value) {
  auto n = std::make_shared<FilterNode>();
  n->type = FilterNode::Type::kCompare;
  n->op = op;
  n->field = std::move(field);
  n->values.push_back(detail::LiteralOf(value));
  return Filter(std::move(n));
}

Filter Filter::In(std::string field, std::vector<CustomValue> values) {
  auto n = std::make_shared<FilterNode>();
  n->type = FilterNode::Type::kIn;
  n->field = std::move(field);
  for (const CustomValue& v : values) n->values.push_back(detail::LiteralOf(v));
  return Filter(std::move(n));
}

Filter Filter::Empty(std::string field) {
  auto n = std::make_shared<FilterNode>();
  n->type = FilterNode::Type::kEmpty;
  n->field = std::move(field);
  return Filter(std::move(n));
}

namespace {
// Joins two filters under an and/or, flattening children of the same kind.
NodePtr Join(FilterNode::Type type, const NodePtr& a, const NodePtr& b) {
  auto n = std::make_shared<FilterNode>();
  n->type = type;
  for (const NodePtr& r : {a, b}) {
    if (r->type == type) {
      n->children.insert(n->children.end(), r->children.begin(), r->children.end());
    } else {
      n->children.push_back(r);
    }
  }
  return n;
}
}  // namespace

Filter Filter::And(Filter a, Filter b) {
  if (a.matches_all()) return b;
  if (b.matches_all()) return a;
  return Filter(Join(FilterNode::Type::kAnd, a.root_, b.root_));
}

Filter Filter::Or(Filter a, Filter b) {
  if (a.matches_all() || b.matches_all()) return Filter();
  return Filter(Join(FilterNode::Type::kOr, a.root_, b.root_));
}

Filter Filter::Not(Filter a) {
  auto n = std::make_shared<FilterNode>();
  n->type = FilterNode::Type::kNot;
  if (a.matches_all()) {  // not (every record): no record
    auto none = std::make_shared<FilterNode>();
    none->type = FilterNode::Type::kEmpty;
    none->field = "id";
    return Filter(std::move(none));
  }
  n->children.push_back(a.root_);
  return Filter(std::move(n));
}

std::string Filter::ToString() const { return detail::PrintFilter(root_.get()); }

}  // namespace crm
