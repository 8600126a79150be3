// Grouped aggregates: the records a filter matches, put in groups by one or two fields (time
// fields cut into days, weeks, months, quarters or years of a time zone), with counts, sums,
// averages, minimums, maximums and distinct counts per group, money never mixing currencies.
#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "codec/key.h"
#include "common/strings.h"
#include "query/counted.h"
#include "query/filter.h"
#include "query/search.h"
#include "text/text.h"

namespace crm {
namespace {

constexpr std::size_t kMaxGroupBy = 2;
constexpr std::size_t kMaxMeasures = 16;
constexpr std::size_t kMaxGroups = 1000000;

// Splits "a, f(b)" into its items, each with its position (from 1) for errors.
std::vector<std::pair<std::string, std::size_t>> Items(std::string_view text) {
  std::vector<std::pair<std::string, std::size_t>> out;
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] == '(') ++depth;
    if (i < text.size() && text[i] == ')') --depth;
    if (i == text.size() || (text[i] == ',' && depth <= 0)) {
      std::string_view item = text.substr(start, i - start);
      std::size_t lead = 0;
      while (lead < item.size() && absl::ascii_isspace(static_cast<unsigned char>(item[lead]))) ++lead;
      out.emplace_back(std::string(absl::StripAsciiWhitespace(Av(item))), start + lead + 1);
      start = i + 1;
    }
  }
  return out;
}

// "name(arg)" -> name, arg; "name" -> "", name.
bool Call(std::string_view item, std::string* fn, std::string* arg) {
  const std::size_t open = item.find('(');
  if (open == std::string_view::npos) {
    fn->clear();
    *arg = absl::AsciiStrToLower(Av(item));
    return true;
  }
  if (item.back() != ')') return false;
  *fn = absl::AsciiStrToLower(absl::StripAsciiWhitespace(Av(item.substr(0, open))));
  *arg = absl::AsciiStrToLower(absl::StripAsciiWhitespace(Av(item.substr(open + 1, item.size() - open - 2))));
  return true;
}

absl::Status ItemError(std::string_view what, std::size_t at, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(Av(what), ": at ", at, ": ", Av(problem)));
}

}  // namespace

absl::StatusOr<std::vector<GroupBy>> Aggregation::ParseGroupBy(std::string_view text) {
  std::vector<GroupBy> out;
  if (absl::StripAsciiWhitespace(Av(text)).empty()) return out;
  for (const auto& [item, at] : Items(text)) {
    std::string fn, arg;
    if (item.empty() || !Call(item, &fn, &arg) || arg.empty())
      return ItemError("group_by", at, "expected a field or bucket(field), e.g. month(closed_at)");
    GroupBy g{arg, TimeBucket::kNone};
    static constexpr std::pair<std::string_view, TimeBucket> kBuckets[] = {
        {"day", TimeBucket::kDay},         {"week", TimeBucket::kWeek}, {"month", TimeBucket::kMonth},
        {"quarter", TimeBucket::kQuarter}, {"year", TimeBucket::kYear}};
    if (fn == "band") {
      const std::size_t comma = arg.rfind(',');
      std::int64_t width = 0;
      if (comma == std::string::npos ||
          !absl::SimpleAtoi(absl::StripAsciiWhitespace(Av(std::string_view(arg).substr(comma + 1))), &width) || width < 1)
        return ItemError("group_by", at, "expected band(field, width) with a whole width of 1 or more, e.g. band(custom.tenure, 12)");
      g.field = std::string(absl::StripAsciiWhitespace(Av(std::string_view(arg).substr(0, comma))));
      g.band = width;
    } else if (!fn.empty()) {
      const auto* b = std::find_if(std::begin(kBuckets), std::end(kBuckets), [&](const auto& k) { return k.first == fn; });
      if (b == std::end(kBuckets))
        return ItemError("group_by", at, absl::StrCat("'", fn, "' is not day, week, month, quarter, year or band"));
      g.bucket = b->second;
    }
    out.push_back(std::move(g));
  }
  return out;
}

absl::StatusOr<std::vector<Measure>> Aggregation::ParseMeasures(std::string_view text) {
  std::vector<Measure> out;
  if (absl::StripAsciiWhitespace(Av(text)).empty()) return out;
  for (const auto& [item, at] : Items(text)) {
    std::string fn, arg;
    if (item.empty() || !Call(item, &fn, &arg))
      return ItemError("measures", at, "expected count or op(field), e.g. sum(amount)");
    if (fn.empty() && arg == "count") {
      out.push_back(Measure{});
      continue;
    }
    static constexpr std::pair<std::string_view, Measure::Op> kOps[] = {
        {"count", Measure::Op::kCount}, {"sum", Measure::Op::kSum}, {"avg", Measure::Op::kAverage},
        {"min", Measure::Op::kMin},     {"max", Measure::Op::kMax}, {"count_distinct", Measure::Op::kCountDistinct}};
    const auto* op = std::find_if(std::begin(kOps), std::end(kOps), [&](const auto& k) { return k.first == fn; });
    if (fn.empty() || op == std::end(kOps))
      return ItemError("measures", at, absl::StrCat("'", item, "' is not count, sum, avg, min, max or count_distinct"));
    if (arg.empty()) return ItemError("measures", at, "expected a field inside the parentheses");
    out.push_back(Measure{op->second, arg});
  }
  return out;
}

namespace query {
namespace {

using model::Ctx;

struct Acc {
  std::uint64_t count = 0;
  __int128 sum = 0;
  std::int64_t min = 0, max = 0;
  absl::flat_hash_set<std::string> distinct;
};

struct Row {
  std::vector<GroupKey> keys;
  std::string currency;
  std::vector<Acc> acc;
};

// One group value of a record: its order-preserving code, and the value (borrowed from the
// record) its key is made of when the group is new.
using Group = GroupValue;

// The bucket a time falls in, kept from the previous record: records of one bucket in a row
// (common: ids follow time) cost no time zone arithmetic.
struct BucketCache {
  std::int64_t lo = 1, hi = 0;  // [lo, hi): the cached bucket
  std::int64_t start = 0;
};

// The label of the bucket of `t`; *start and *end (when not null) its first instant and the next
// bucket's.
std::string BucketLabel(absl::Time t, TimeBucket b, const absl::TimeZone& tz, absl::Time* start,
                        absl::Time* end = nullptr) {
  const absl::CivilDay day = absl::ToCivilDay(t, tz);
  absl::Time ignored;
  if (end == nullptr) end = &ignored;
  switch (b) {
    case TimeBucket::kDay:
      *start = absl::FromCivil(day, tz);
      *end = absl::FromCivil(day + 1, tz);
      return absl::FormatCivilTime(day);
    case TimeBucket::kWeek: {
      const int from_monday = (static_cast<int>(absl::GetWeekday(day)) - static_cast<int>(absl::Weekday::monday) + 7) % 7;
      const absl::CivilDay monday = day - from_monday;
      const absl::CivilDay thursday = monday + 3;  // its year is the ISO week's year
      *start = absl::FromCivil(monday, tz);
      *end = absl::FromCivil(monday + 7, tz);
      const int week = (absl::GetYearDay(thursday) - 1) / 7 + 1;
      return absl::StrCat(thursday.year(), "-W", week < 10 ? "0" : "", week);
    }
    case TimeBucket::kMonth: {
      const absl::CivilMonth m(day);
      *start = absl::FromCivil(m, tz);
      *end = absl::FromCivil(m + 1, tz);
      return absl::FormatCivilTime(m);
    }
    case TimeBucket::kQuarter: {
      const absl::CivilMonth m(day.year(), (day.month() - 1) / 3 * 3 + 1);
      *start = absl::FromCivil(m, tz);
      *end = absl::FromCivil(m + 3, tz);
      return absl::StrCat(day.year(), "-Q", (day.month() - 1) / 3 + 1);
    }
    default: {
      const absl::CivilYear y(day);
      *start = absl::FromCivil(y, tz);
      *end = absl::FromCivil(y + 1, tz);
      return absl::StrCat(y.year());
    }
  }
}

std::string MoneyLabel(const Money& m) {
  const int digits = CurrencyMinorDigits(m.currency).value_or(0);
  detail::Literal l;
  l.kind = detail::Literal::Kind::kDecimal;
  l.i = m.minor_units;
  l.scale = digits;
  return absl::StrCat(detail::PrintLiteral(l), " ", m.currency);
}

// The time a value holds, if it is a time.
std::optional<std::int64_t> TimeOf(const Val& v, const FieldRef& f) {
  if (v.k == Val::K::kInt && f.type == Type::kTime) return v.i;
  if (v.k == Val::K::kCustom)
    if (const auto* t = std::get_if<DateTime>(v.custom)) return t->micros;
  return std::nullopt;
}

// The whole number a value holds, if it is one (not an id of a stage or another enumeration); an
// amount's whole major units (rounded down).
std::optional<std::int64_t> WholeOf(const Val& v, const FieldRef& f) {
  if (v.k == Val::K::kInt && f.type == Type::kInt) return v.i;
  const Money* money = v.k == Val::K::kMoney ? v.money : nullptr;
  if (v.k == Val::K::kCustom) {
    if (const auto* i = std::get_if<std::int64_t>(v.custom)) return *i;
    money = std::get_if<Money>(v.custom);
  }
  if (money == nullptr) return std::nullopt;
  std::int64_t unit = 1;
  for (int d = CurrencyMinorDigits(money->currency).value_or(0); d > 0; --d) unit *= 10;
  std::int64_t major = money->minor_units / unit;
  if (money->minor_units < 0 && major * unit != money->minor_units) --major;
  return major;
}

Group GroupOf(const Val& v, const FieldRef& f, const GroupBy& by, const absl::TimeZone& tz, BucketCache& cache) {
  const TimeBucket bucket = by.bucket;
  Group g;
  g.empty = false;
  g.val = v;
  if (by.band > 0)
    if (const auto n = WholeOf(v, f)) {
      std::int64_t start = *n / by.band * by.band;
      if (*n < 0 && start != *n) start -= by.band;
      g.banded = true;
      g.bucket_start = start;
      g.code = codec::KeyBuilder().U8(1).I64(start).Take();
      return g;
    }
  const std::optional<std::int64_t> t = bucket == TimeBucket::kNone ? std::nullopt : TimeOf(v, f);
  if (!t) {
    g.code = SortKey(&v, f);
    return g;
  }
  if (*t < cache.lo || *t >= cache.hi) {
    absl::Time start, end;
    BucketLabel(absl::FromUnixMicros(*t), bucket, tz, &start, &end);
    cache = BucketCache{absl::ToUnixMicros(start), absl::ToUnixMicros(end), absl::ToUnixMicros(start)};
  }
  g.bucket_start = cache.start;
  g.code = codec::KeyBuilder().U8(1).I64(cache.start).Take();
  return g;
}

// The key of a new group: its label and value.
GroupKey KeyOf(const Group& g, const FieldRef& f, const GroupBy& by, const absl::TimeZone& tz, const Lookups& p) {
  const TimeBucket bucket = by.bucket;
  GroupKey key;
  if (g.empty) return key;
  key.empty = false;
  if (g.banded) {
    key.label = absl::StrCat(g.bucket_start, "-", g.bucket_start + (by.band - 1));
    key.value = g.bucket_start;
    return key;
  }
  const Val& v = g.val;
  if (auto t = TimeOf(v, f)) {
    if (bucket == TimeBucket::kNone) {
      key.label = absl::FormatTime(absl::RFC3339_full, absl::FromUnixMicros(*t), tz);
      key.value = DateTime{*t};
    } else {
      absl::Time start;
      key.label = BucketLabel(absl::FromUnixMicros(g.bucket_start), bucket, tz, &start);
      key.value = DateTime{g.bucket_start};
    }
    return key;
  }
  switch (v.k) {
    case Val::K::kText:
      key.label = std::string(v.text);
      key.value = std::string(v.text);
      break;
    case Val::K::kBool:
      key.label = v.i ? "true" : "false";
      key.value = v.i != 0;
      break;
    case Val::K::kMoney:
      key.label = MoneyLabel(*v.money);
      key.value = *v.money;
      break;
    case Val::K::kInt:
      if (f.type == Type::kEnum || f.type == Type::kStage) {
        key.label = EnumLabel(f, v.i, p);
        key.value = f.type == Type::kStage ? (v.i & 0xffffffff) : v.i;
      } else {
        key.label = std::to_string(v.i);
        key.value = v.i;
      }
      break;
    case Val::K::kCustom: {
      const CustomValue& c = *v.custom;
      if (const auto* s = std::get_if<std::string>(&c)) {
        key.label = *s;
        key.value = *s;
      } else if (const auto* i = std::get_if<std::int64_t>(&c)) {
        key.label = std::to_string(*i);
        key.value = *i;
      } else if (const auto* m = std::get_if<Money>(&c)) {
        key.label = MoneyLabel(*m);
        key.value = *m;
      } else {
        key.label = std::get<bool>(c) ? "true" : "false";
        key.value = std::get<bool>(c);
      }
      break;
    }
  }
  return key;
}

// The number a measure takes from a value, and its currency for money; false when it has none.
bool NumberOf(const Val& v, std::int64_t* n, const Money** money) {
  *money = nullptr;
  switch (v.k) {
    case Val::K::kInt: *n = v.i; return true;
    case Val::K::kMoney: *money = v.money; *n = v.money->minor_units; return true;
    case Val::K::kCustom:
      if (const auto* i = std::get_if<std::int64_t>(v.custom)) { *n = *i; return true; }
      if (const auto* t = std::get_if<DateTime>(v.custom)) { *n = t->micros; return true; }
      if (const auto* m = std::get_if<Money>(v.custom)) { *money = m; *n = m->minor_units; return true; }
      return false;
    default: return false;
  }
}

}  // namespace

std::pair<std::string, GroupKey> FirstGroup(const Opportunity& o, const Lookups& l, const FieldRef& f) {
  Group g;
  BucketCache cache;
  const GroupBy plain{f.name};
  Values(o, l, f, [&](const Val& v) {
    if (g.empty) g = GroupOf(v, f, plain, absl::UTCTimeZone(), cache);
  });
  GroupKey key = KeyOf(g, f, plain, absl::UTCTimeZone(), l);
  return {std::move(g.code), std::move(key)};
}

std::size_t RecordGroups::size() const {
  std::size_t n = 1;
  for (const auto& groups : per) n *= groups.size();
  return n;
}

std::string RecordGroups::code(std::size_t i) const {
  codec::KeyBuilder code;
  for (const auto& groups : per) {
    code.Str(groups[i % groups.size()].code);
    i /= groups.size();
  }
  return code.Take();
}

std::vector<GroupKey> RecordGroups::keys(std::size_t i) const {
  std::vector<GroupKey> out;
  for (std::size_t k = 0; k < per.size(); ++k) {
    const auto& groups = per[k];
    out.push_back(KeyOf(groups[i % groups.size()], (*fields)[k], (*by)[k], *tz, *lookups));
    i /= groups.size();
  }
  return out;
}

absl::Status GroupWalk(const Ctx& ctx, EntityType kind, const Filter& filter, bool include_archived,
                       const std::vector<GroupBy>& group_by, std::string_view time_zone, const std::vector<FieldRef>& read,
                       absl::FunctionRef<absl::Status(const Record&, const RecordGroups&)> fn) {
  if (group_by.size() > kMaxGroupBy) return absl::InvalidArgumentError("group_by: at most two fields");
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(std::string(time_zone), &tz))
    return absl::InvalidArgumentError(absl::StrCat("time_zone: '", Av(time_zone), "' is not in the system's tz database"));
  std::vector<FieldRef> groups;
  for (const GroupBy& g : group_by) {
    auto f = Resolve(kind, g.field);
    if (!f.ok()) return absl::InvalidArgumentError(absl::StrCat("group_by: ", f.status().message()));
    if (g.bucket != TimeBucket::kNone && f->type != Type::kTime && f->type != Type::kCustom)
      return absl::InvalidArgumentError(absl::StrCat("group_by: field '", g.field, "': only times have buckets"));
    if (g.band < 0 || (g.band > 0 && f->type != Type::kInt && f->type != Type::kMoney && f->type != Type::kCustom))
      return absl::InvalidArgumentError(
          absl::StrCat("group_by: field '", g.field, "': only whole numbers and amounts have bands"));
    if (g.band > 0 && g.bucket != TimeBucket::kNone)
      return absl::InvalidArgumentError(absl::StrCat("group_by: field '", g.field, "': a band or a time bucket, not both"));
    groups.push_back(*std::move(f));
  }
  auto lookups = LoadLookups(ctx, kind);
  if (!lookups.ok()) return lookups.status();
  auto compiled = Compile(kind, filter, *lookups, ctx.phone_region);
  if (!compiled.ok()) return compiled.status();
  bool contact = false, owners = compiled->uses_owners, catalog = compiled->uses_catalog;
  for (const std::vector<FieldRef>* fields : {static_cast<const std::vector<FieldRef>*>(&groups), &read})
    for (const FieldRef& f : *fields) {
      contact = contact || f.name == "last_interaction_at";
      owners = owners || NeedsOwners(f);
      catalog = catalog || NeedsCatalog(kind, f);
    }
  if (auto st = LoadOwners(ctx, owners, &*lookups); !st.ok()) return st;  // the planner reads them too
  if (auto st = LoadCatalog(ctx, catalog, &*lookups); !st.ok()) return st;
  auto candidates = FindCandidates(ctx, *compiled, *lookups, include_archived);
  if (!candidates.ok()) return candidates.status();

  std::vector<BucketCache> caches(groups.size());
  RecordGroups record_groups;
  record_groups.fields = &groups;
  record_groups.by = &group_by;
  record_groups.tz = &tz;
  record_groups.lookups = &*lookups;
  record_groups.per.resize(groups.size());
  return Walk(ctx, *compiled, *lookups, *candidates, include_archived, contact,
              [&](const Customer* c, const Opportunity* o, const Interaction* in) -> absl::StatusOr<bool> {
                const Record record{c, o, in, &*lookups};
                // The groups of this record: every combination of its values of the group fields.
                for (std::size_t i = 0; i < groups.size(); ++i) {
                  auto& per = record_groups.per[i];
                  per.clear();
                  record.Values(groups[i], [&](const Val& v) { per.push_back(GroupOf(v, groups[i], group_by[i], tz, caches[i])); });
                  if (per.empty()) per.push_back(Group{});
                }
                if (auto st = fn(record, record_groups); !st.ok()) return st;
                return true;
              });
}

void Record::Values(const FieldRef& f, EachVal fn) const {
  if (customer != nullptr) {
    query::Values(*customer, *lookups, f, fn);
  } else if (opportunity != nullptr) {
    query::Values(*opportunity, *lookups, f, fn);
  } else {
    query::Values(*interaction, *lookups, f, fn);
  }
}

std::optional<GroupKey> FirstKey(const Customer& c, const Lookups& l, const FieldRef& f, const GroupBy& by) {
  Group g;
  BucketCache cache;
  Values(c, l, f, [&](const Val& v) {
    if (g.empty) g = GroupOf(v, f, by, absl::UTCTimeZone(), cache);
  });
  if (g.empty) return std::nullopt;
  return KeyOf(g, f, by, absl::UTCTimeZone(), l);
}

absl::StatusOr<AggregateResult> Aggregate(const Ctx& ctx, EntityType kind, const Aggregation& a) {
  if (a.measures.size() > kMaxMeasures) return absl::InvalidArgumentError("measures: at most 16");
  std::vector<Measure> ms = a.measures.empty() ? std::vector<Measure>{Measure{}} : a.measures;
  std::vector<FieldRef> measures;
  for (const Measure& m : ms) {
    FieldRef f;
    if (m.op != Measure::Op::kCount || !m.field.empty()) {
      auto r = Resolve(kind, m.field);
      if (!r.ok()) return absl::InvalidArgumentError(absl::StrCat("measures: ", r.status().message()));
      f = *std::move(r);
      const bool numeric = f.type == Type::kInt || f.type == Type::kMoney || f.type == Type::kCustom;
      if ((m.op == Measure::Op::kSum && !numeric) ||
          ((m.op == Measure::Op::kAverage || m.op == Measure::Op::kMin || m.op == Measure::Op::kMax) && !numeric &&
           f.type != Type::kTime))
        return absl::InvalidArgumentError(
            absl::StrCat("measures: field '", m.field, "' is not a number, an amount or a time"));
    }
    measures.push_back(std::move(f));
  }
  const bool counts_only = std::all_of(measures.begin(), measures.end(), [](const FieldRef& f) { return f.name.empty(); });
  if (kind == EntityType::kCustomer && a.filter.matches_all() && a.group_by.size() == 1 &&
      a.group_by[0].bucket == TimeBucket::kNone && a.group_by[0].band == 0 && counts_only) {
    auto group = Resolve(kind, a.group_by[0].field);
    if (group.ok()) {
      auto counted = CountedGroups(ctx, *group, a.include_archived, ms.size());
      if (!counted.ok()) return counted.status();
      if (counted->has_value()) return **std::move(counted);
    }
  }

  absl::flat_hash_map<std::string, Row> rows;
  auto st = GroupWalk(ctx, kind, a.filter, a.include_archived, a.group_by, a.time_zone, measures,
                      [&](const Record& record, const RecordGroups& groups) -> absl::Status {
    // The row's currency: that of the first money value a measure takes.
    std::string currency;
    for (std::size_t m = 0; m < ms.size() && currency.empty(); ++m)
      if (!measures[m].name.empty())
        record.Values(measures[m], [&](const Val& v) {
          std::int64_t n;
          const Money* money;
          if (currency.empty() && NumberOf(v, &n, &money) && money != nullptr) currency = money->currency;
        });
    absl::Status failure;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      codec::KeyBuilder code;
      code.Str(groups.code(g)).Str(currency);
      auto [it, fresh] = rows.try_emplace(code.Take());
      Row& row = it->second;
      if (fresh) {
        if (rows.size() > kMaxGroups)
          return absl::ResourceExhaustedError(absl::StrCat("group_by: more than ", kMaxGroups, " groups"));
        row.keys = groups.keys(g);
        row.currency = currency;
        row.acc.resize(ms.size());
      }
      for (std::size_t m = 0; m < ms.size(); ++m) {
        Acc& acc = row.acc[m];
        if (measures[m].name.empty()) {
          ++acc.count;
          continue;
        }
        record.Values(measures[m], [&](const Val& v) {
          if (ms[m].op == Measure::Op::kCountDistinct) {
            acc.distinct.insert(SortKey(&v, measures[m]));
            ++acc.count;
            return;
          }
          if (ms[m].op == Measure::Op::kCount) {
            ++acc.count;
            return;
          }
          std::int64_t n;
          const Money* money;
          if (!NumberOf(v, &n, &money)) return;
          if (money != nullptr && money->currency != currency) {
            if (failure.ok())
              failure = absl::InvalidArgumentError(absl::StrCat(
                  "measures: a record holds amounts in ", currency, " and ", money->currency,
                  "; aggregate those fields separately, so that currencies are never added together"));
            return;
          }
          acc.min = acc.count == 0 ? n : std::min(acc.min, n);
          acc.max = acc.count == 0 ? n : std::max(acc.max, n);
          acc.sum += n;
          ++acc.count;
        });
      }
      if (!failure.ok()) return failure;
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;

  std::vector<std::pair<std::string, Row>> sorted(std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  std::sort(sorted.begin(), sorted.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  AggregateResult out;
  for (auto& [code, row] : sorted) {
    AggregateRow r;
    r.keys = std::move(row.keys);
    r.currency = std::move(row.currency);
    for (std::size_t m = 0; m < ms.size(); ++m) {
      const Acc& acc = row.acc[m];
      MeasureValue v;
      v.count = acc.count;
      switch (ms[m].op) {
        case Measure::Op::kCount: v.value = static_cast<std::int64_t>(acc.count); break;
        case Measure::Op::kCountDistinct: v.value = static_cast<std::int64_t>(acc.distinct.size()); break;
        case Measure::Op::kMin: v.value = acc.min; break;
        case Measure::Op::kMax: v.value = acc.max; break;
        case Measure::Op::kSum:
        case Measure::Op::kAverage:
          if (acc.sum > INT64_MAX || acc.sum < INT64_MIN)
            return absl::OutOfRangeError(absl::StrCat("measures: the sum of ", ms[m].field, " exceeds 64 bits"));
          v.value = static_cast<std::int64_t>(acc.sum);
          if (acc.count > 0) v.average = static_cast<double>(acc.sum) / static_cast<double>(acc.count);
          break;
      }
      r.values.push_back(v);
    }
    out.rows.push_back(std::move(r));
  }
  return out;
}

}  // namespace query
}  // namespace crm
