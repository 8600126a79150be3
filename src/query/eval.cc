#include "query/eval.h"

#include <cctype>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "codec/key.h"
#include "common/strings.h"
#include "text/phone.h"
#include "text/text.h"

namespace crm::query {
namespace {

using K = Literal::Kind;

absl::Status Bad(const FieldRef& f, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("filter: field '", f.name, "': ", Av(problem)));
}

bool IsTextual(K k) { return k == K::kText || k == K::kInt || k == K::kDecimal; }

std::string TextOf(const Literal& l) { return l.kind == K::kText ? l.text : detail::PrintLiteral(l); }

absl::StatusOr<Operand> Convert(const FieldRef& f, const Literal& l, const Lookups& pipelines,
                                std::string_view phone_region, std::vector<Operand>* more) {
  Operand o;
  o.lit = l;
  switch (f.type) {
    case Type::kId:
    case Type::kInt:
      if (f.name == "pipeline" && l.kind == K::kText) {  // a pipeline by its name, any case
        const std::string folded = text::FoldCase(l.text);
        for (const Pipeline& p : pipelines.pipelines)
          if (text::FoldCase(p.name) == folded) {
            o.i = static_cast<std::int64_t>(p.id);
            o.lit.kind = K::kInt;
            o.lit.i = o.i;
            return o;
          }
        return Bad(f, absl::StrCat("no pipeline named '", l.text, "'"));
      }
      if (l.kind != K::kInt) return Bad(f, absl::StrCat("expects an integer, not ", detail::PrintLiteral(l)));
      o.i = l.i;
      return o;
    case Type::kText:
    case Type::kExact:
    case Type::kPhone:
      if (!IsTextual(l.kind)) return Bad(f, absl::StrCat("expects text, not ", detail::PrintLiteral(l)));
      o.text = TextOf(l);
      if (f.type == Type::kText) o.text = text::FoldCase(o.text);
      if (f.name == "domain" && !text::DomainOf(o.text).empty()) o.text = text::DomainOf(o.text);
      if (f.type == Type::kPhone) {
        o.text = text::PhoneQueryKey(o.text, phone_region);
        if (o.text.empty()) return Bad(f, "a phone number needs digits");
      }
      return o;
    case Type::kTime:
      if (l.kind == K::kInt || l.kind == K::kTime) {
        o.i = l.i;
        return o;
      }
      if (l.kind == K::kText) {
        auto t = ParseTimeText(l.text);
        if (!t) return Bad(f, absl::StrCat("'", l.text, "' is not a time (2024-03-31 or 2024-03-31T12:00:00Z)"));
        o.i = *t;
        return o;
      }
      return Bad(f, absl::StrCat("expects a time, not ", detail::PrintLiteral(l)));
    case Type::kBool:
      if (l.kind != K::kBool) return Bad(f, absl::StrCat("expects true or false, not ", detail::PrintLiteral(l)));
      o.i = l.i;
      return o;
    case Type::kMoney:
      if (l.kind != K::kInt && l.kind != K::kDecimal && l.kind != K::kMoney)
        return Bad(f, absl::StrCat("expects an amount (1000.50 or 1000.50 EUR), not ", detail::PrintLiteral(l)));
      return o;
    case Type::kEnum: {
      if (l.kind != K::kText) return Bad(f, absl::StrCat("expects a name, not ", detail::PrintLiteral(l)));
      const std::string name = absl::AsciiStrToLower(l.text);
      for (std::size_t i = 0; i < f.names->size(); ++i)
        if (!(*f.names)[i].empty() && (*f.names)[i] == name) {
          o.i = static_cast<std::int64_t>(i);
          return o;
        }
      std::vector<std::string> known;
      for (std::string_view n : *f.names)
        if (!n.empty()) known.emplace_back(n);
      return Bad(f, absl::StrCat("'", l.text, "' is not one of ", absl::StrJoin(known, ", ")));
    }
    case Type::kStage: {
      if (l.kind != K::kText && l.kind != K::kInt)
        return Bad(f, absl::StrCat("expects a stage name or id, not ", detail::PrintLiteral(l)));
      const std::string folded = l.kind == K::kText ? text::FoldCase(l.text) : std::string();
      bool first = true;
      for (const Pipeline& p : pipelines.pipelines)
        for (const Stage& s : p.stages) {
          const bool hit = l.kind == K::kText ? text::FoldCase(s.name) == folded : s.id == l.i;
          if (!hit) continue;
          Operand each = o;
          each.i = Lookups::StageCode(p.id, s.id);
          if (first) {
            o = each;
            first = false;
          } else {
            more->push_back(std::move(each));
          }
        }
      if (first)
        return Bad(f, l.kind == K::kText ? absl::StrCat("no pipeline has a stage named '", l.text, "'")
                                         : absl::StrCat("no pipeline has a stage with id ", l.i));
      return o;
    }
    case Type::kCustom:
      if (l.kind == K::kText) {
        o.text = text::FoldCase(l.text);
        o.time = ParseTimeText(l.text);
      }
      return o;
  }
  return o;
}

absl::StatusOr<Node> CompileNode(EntityType kind, const FilterNode& n, const Lookups& pipelines,
                                 std::string_view phone_region, Compiled* uses) {
  Node out;
  out.type = n.type;
  out.op = n.op;
  out.source = &n;
  if (n.type == FilterNode::Type::kAnd || n.type == FilterNode::Type::kOr || n.type == FilterNode::Type::kNot) {
    for (const detail::NodePtr& c : n.children) {
      auto child = CompileNode(kind, *c, pipelines, phone_region, uses);
      if (!child.ok()) return child.status();
      out.children.push_back(*std::move(child));
    }
    return out;
  }
  auto field = Resolve(kind, n.field);
  if (!field.ok()) return absl::InvalidArgumentError(absl::StrCat("filter: ", field.status().message()));
  out.field = *std::move(field);
  if (out.field.name == "last_interaction_at") uses->uses_last_interaction = true;
  if (NeedsOwners(out.field)) uses->uses_owners = true;
  if (NeedsCatalog(kind, out.field)) uses->uses_catalog = true;
  const Type t = out.field.type;
  if (n.type == FilterNode::Type::kCompare) {
    const bool ordered = n.op != Filter::Op::kEq && n.op != Filter::Op::kNe;
    if (n.op == Filter::Op::kPrefix && t != Type::kText && t != Type::kExact && t != Type::kPhone && t != Type::kCustom)
      return Bad(out.field, "'prefix' applies to text");
    if (ordered && (t == Type::kStage || t == Type::kBool))
      return Bad(out.field, "compares only with =, != and in");
  }
  for (const Literal& l : n.values) {
    std::vector<Operand> more;
    auto o = Convert(out.field, l, pipelines, phone_region, &more);
    if (!o.ok()) return o.status();
    out.operands.push_back(*std::move(o));
    for (Operand& m : more) out.operands.push_back(std::move(m));
  }
  if (t == Type::kStage && n.type == FilterNode::Type::kCompare && out.operands.size() > 1) {
    out.type = FilterNode::Type::kIn;  // a name several pipelines use: any of their stages
    if (n.op == Filter::Op::kNe) {
      Node outer;
      outer.type = FilterNode::Type::kNot;
      outer.source = &n;
      outer.children.push_back(std::move(out));
      return outer;
    }
  }
  return out;
}

// Case-insensitive comparison of a stored text with a folded literal.
int CompareFolded(std::string_view value, std::string_view folded, bool prefix) {
  bool ascii = true;
  for (char c : value) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  std::string owned;
  std::string_view v = value;
  if (!ascii) {
    owned = text::FoldCase(value);
    v = owned;
  }
  const std::size_t n = prefix ? std::min(v.size(), folded.size()) : std::max(v.size(), folded.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (i >= v.size()) return -1;
    if (i >= folded.size()) return 1;
    const unsigned char a = static_cast<unsigned char>(ascii ? absl::ascii_tolower(v[i]) : v[i]);
    const unsigned char b = static_cast<unsigned char>(folded[i]);
    if (a != b) return a < b ? -1 : 1;
  }
  if (prefix && v.size() < folded.size()) return -1;
  return 0;
}

int Sign(__int128 a, __int128 b) { return a < b ? -1 : (a > b ? 1 : 0); }

__int128 Pow10(int n) {
  __int128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// A money value against an amount literal: nullopt when they do not compare (other currency).
std::optional<int> CompareMoney(const Money& m, const Literal& l) {
  if (l.kind == K::kMoney) {
    if (m.currency != l.money.currency) return std::nullopt;
    return Sign(m.minor_units, l.money.minor_units);
  }
  const int digits = CurrencyMinorDigits(m.currency).value_or(2);
  const int scale = l.kind == K::kDecimal ? l.scale : 0;
  return Sign(static_cast<__int128>(m.minor_units) * Pow10(scale), static_cast<__int128>(l.i) * Pow10(digits));
}

std::optional<int> CompareNumber(std::int64_t v, const Literal& l) {
  if (l.kind == K::kInt) return Sign(v, l.i);
  if (l.kind == K::kDecimal) return Sign(static_cast<__int128>(v) * Pow10(l.scale), l.i);
  return std::nullopt;
}

std::optional<int> CompareCustom(const CustomValue& v, const Operand& o, bool prefix) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (o.lit.kind != K::kText) return std::nullopt;
    return CompareFolded(*s, o.text, prefix);
  }
  if (prefix) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return CompareNumber(*i, o.lit);
  if (const auto* m = std::get_if<Money>(&v)) {
    if (o.lit.kind != K::kInt && o.lit.kind != K::kDecimal && o.lit.kind != K::kMoney) return std::nullopt;
    return CompareMoney(*m, o.lit);
  }
  if (const auto* t = std::get_if<DateTime>(&v)) {
    if (o.lit.kind == K::kInt || o.lit.kind == K::kTime) return Sign(t->micros, o.lit.i);
    if (o.time) return Sign(t->micros, *o.time);
    return std::nullopt;
  }
  if (o.lit.kind != K::kBool) return std::nullopt;
  return Sign(std::get<bool>(v) ? 1 : 0, o.lit.i);
}

// How value `v` of field `f` compares with operand `o`; nullopt when it does not.
std::optional<int> CompareVal(const Val& v, const FieldRef& f, const Operand& o, bool prefix) {
  switch (v.k) {
    case Val::K::kText:
      if (f.type == Type::kPhone) {
        const std::string digits = text::PhoneDigits(v.text);
        if (prefix) return digits.compare(0, o.text.size(), o.text) == 0 ? 0 : 1;
        return Sign(digits.compare(o.text), 0);
      }
      if (f.type == Type::kExact) {
        if (prefix) return v.text.substr(0, o.text.size()) == o.text ? 0 : 1;
        return Sign(v.text.compare(o.text), 0);
      }
      return CompareFolded(v.text, o.text, prefix);
    case Val::K::kInt:
    case Val::K::kBool: return prefix ? std::nullopt : std::optional<int>(Sign(v.i, o.i));
    case Val::K::kMoney: return prefix ? std::nullopt : CompareMoney(*v.money, o.lit);
    case Val::K::kCustom: return CompareCustom(*v.custom, o, prefix);
  }
  return std::nullopt;
}

bool Holds(Filter::Op op, int c) {
  switch (op) {
    case Filter::Op::kEq:
    case Filter::Op::kPrefix: return c == 0;
    case Filter::Op::kNe: return c != 0;
    case Filter::Op::kLt: return c < 0;
    case Filter::Op::kLe: return c <= 0;
    case Filter::Op::kGt: return c > 0;
    case Filter::Op::kGe: return c >= 0;
  }
  return false;
}

template <class Each>
bool Eval(const Node& n, const Each& each) {
  switch (n.type) {
    case FilterNode::Type::kAnd:
      for (const Node& c : n.children)
        if (!Eval(c, each)) return false;
      return true;
    case FilterNode::Type::kOr:
      for (const Node& c : n.children)
        if (Eval(c, each)) return true;
      return false;
    case FilterNode::Type::kNot: return !Eval(n.children.front(), each);
    case FilterNode::Type::kEmpty: {
      bool any = false;
      each(n.field, [&](const Val&) { any = true; });
      return !any;
    }
    case FilterNode::Type::kIn:
    case FilterNode::Type::kCompare: {
      // "!=" is "not =": true for a record without the value.
      const bool negate = n.type == FilterNode::Type::kCompare && n.op == Filter::Op::kNe;
      const Filter::Op op = negate || n.type == FilterNode::Type::kIn ? Filter::Op::kEq : n.op;
      const bool prefix = op == Filter::Op::kPrefix;
      bool hit = false;
      each(n.field, [&](const Val& v) {
        for (const Operand& o : n.operands) {
          if (hit) return;
          auto c = CompareVal(v, n.field, o, prefix);
          hit = c.has_value() && Holds(op, *c);
        }
      });
      return negate ? !hit : hit;
    }
  }
  return false;
}

}  // namespace

std::optional<std::int64_t> ParseTimeText(std::string_view s) {
  absl::Time t;
  std::string err;
  const std::string text(s);
  if (absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &err) ||
      absl::ParseTime(absl::RFC3339_full, text, &t, &err))
    return absl::ToUnixMicros(t);
  return std::nullopt;
}

absl::StatusOr<Compiled> Compile(EntityType kind, const Filter& filter, const Lookups& pipelines,
                                 std::string_view phone_region) {
  Compiled out;
  out.kind = kind;
  if (filter.matches_all()) return out;
  auto root = CompileNode(kind, *filter.root(), pipelines, phone_region, &out);
  if (!root.ok()) return root.status();
  out.root = *std::move(root);
  return out;
}

bool Matches(const Compiled& f, const Customer& c, const Lookups& l) {
  if (!f.root) return true;
  return Eval(*f.root, [&](const FieldRef& field, auto fn) { Values(c, l, field, fn); });
}

bool HoldsForOwner(const Node& n, std::string_view owner, const Lookups& l) {
  Customer c;
  c.owner = std::string(owner);
  return Eval(n, [&](const FieldRef& field, auto fn) { Values(c, l, field, fn); });
}

bool Matches(const Compiled& f, const Interaction& i, const Lookups& l) {
  if (!f.root) return true;
  return Eval(*f.root, [&](const FieldRef& field, auto fn) { Values(i, l, field, fn); });
}

bool Matches(const Compiled& f, const Opportunity& o, const Lookups& p) {
  if (!f.root) return true;
  return Eval(*f.root, [&](const FieldRef& field, auto fn) { Values(o, p, field, fn); });
}

std::string SortKey(const Val* v, const FieldRef& f) {
  if (v == nullptr) return {};
  codec::KeyBuilder k;
  k.U8(1);
  switch (v->k) {
    case Val::K::kText:
      if (f.type == Type::kPhone) return k.Str(text::PhoneDigits(v->text)).Take();
      return k.Str(f.type == Type::kExact ? std::string(v->text) : text::FoldCase(v->text)).Take();
    case Val::K::kInt:
    case Val::K::kBool: return k.I64(v->i).Take();
    case Val::K::kMoney: return k.Str(v->money->currency).I64(v->money->minor_units).Take();
    case Val::K::kCustom: {
      const CustomValue& c = *v->custom;
      k.U8(static_cast<std::uint8_t>(c.index()));
      if (const auto* s = std::get_if<std::string>(&c)) return k.Str(text::FoldCase(*s)).Take();
      if (const auto* i = std::get_if<std::int64_t>(&c)) return k.I64(*i).Take();
      if (const auto* m = std::get_if<Money>(&c)) return k.Str(m->currency).I64(m->minor_units).Take();
      if (const auto* t = std::get_if<DateTime>(&c)) return k.I64(t->micros).Take();
      return k.U8(std::get<bool>(c) ? 1 : 0).Take();
    }
  }
  return k.Take();
}

}  // namespace crm::query
