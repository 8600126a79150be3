// The deals of a sales report and its period (sales/deals.h).
#include "sales/deals.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "codec/key.h"
#include "common/strings.h"
#include "query/eval.h"
#include "query/search.h"
#include "sales/closings.h"
#include "sales/rates.h"

namespace crm::sales {
namespace {

// Digits at [at, at + n) of `s` as a number; nullopt when any is not a digit.
std::optional<int> Digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// The civil days [first, end) one period text covers.
std::optional<std::pair<absl::CivilDay, absl::CivilDay>> Days(std::string_view p) {
  const std::optional<int> year = Digits(p, 0, 4);
  if (!year || *year < 1) return std::nullopt;
  if (p.size() == 4) return std::pair{absl::CivilDay(*year, 1, 1), absl::CivilDay(*year + 1, 1, 1)};
  if (p.size() < 7 || p[4] != '-') return std::nullopt;
  const char c = static_cast<char>(absl::ascii_toupper(static_cast<unsigned char>(p[5])));
  if (c == 'Q' && p.size() == 7) {
    const std::optional<int> q = Digits(p, 6, 1);
    if (!q || *q < 1 || *q > 4) return std::nullopt;
    const absl::CivilMonth m(*year, (*q - 1) * 3 + 1);
    return std::pair{absl::CivilDay(m), absl::CivilDay(m + 3)};
  }
  if (c == 'W' && p.size() == 8) {
    const std::optional<int> w = Digits(p, 6, 2);
    if (!w || *w < 1) return std::nullopt;
    // Week 1 holds the year's first Thursday; it begins on the Monday of the week of 4 January.
    const absl::CivilDay jan4(*year, 1, 4);
    const int from_monday = (static_cast<int>(absl::GetWeekday(jan4)) - static_cast<int>(absl::Weekday::monday) + 7) % 7;
    const absl::CivilDay monday = jan4 - from_monday + 7 * (*w - 1);
    if ((monday + 3).year() != *year) return std::nullopt;  // the year has no such week
    return std::pair{monday, monday + 7};
  }
  const std::optional<int> month = Digits(p, 5, 2);
  if (!month || *month < 1 || *month > 12) return std::nullopt;
  if (p.size() == 7) {
    const absl::CivilMonth m(*year, *month);
    return std::pair{absl::CivilDay(m), absl::CivilDay(m + 1)};
  }
  const std::optional<int> day = Digits(p, 8, 2);
  if (p.size() != 10 || p[7] != '-' || !day) return std::nullopt;
  const absl::CivilDay d(*year, *month, *day);
  if (d.day() != *day || d.month() != *month) return std::nullopt;  // 2017-02-30 ...
  return std::pair{d, d + 1};
}

// Whether a field's value is known from a total's key: pipeline, stage, currency and owner.
bool KeyField(const query::FieldRef& f) {
  if (query::NeedsOwners(f)) return true;
  const std::string name = query::CanonicalName(EntityType::kOpportunity, f);
  return name == "owner" || name == "pipeline" || name == "stage" || name == "currency" || name == "status";
}

bool KeyFieldsOnly(const query::Node& n) {
  if (!n.children.empty())
    return std::all_of(n.children.begin(), n.children.end(), [](const query::Node& c) { return KeyFieldsOnly(c); });
  return n.type == detail::FilterNode::Type::kAnd || n.type == detail::FilterNode::Type::kOr || KeyField(n.field);
}

// The query's period into `s`: its period text, or from and to.
absl::Status SetPeriod(const SalesQuery& q, Scope* s) {
  if (!q.period.empty()) {
    auto p = Period(q.period, q.time_zone);
    if (!p.ok()) return p.status();
    std::tie(s->from, s->to) = *p;
    return absl::OkStatus();
  }
  if (auto zone = Zone(q.time_zone); !zone.ok()) return zone.status();
  if (q.from >= q.to) return absl::InvalidArgumentError("from: must be before to");
  s->from = q.from;
  s->to = q.to;
  return absl::OkStatus();
}

// The filter and group of a query that maintained entries (totals, closings) may answer, with
// `s`'s lookups loaded: nullopt when the filter or the group reads a field those entries lack.
struct KeyedQuery {
  query::Compiled compiled;
  std::optional<query::FieldRef> group;

  static absl::StatusOr<std::optional<KeyedQuery>> Of(const Ctx& ctx, const SalesQuery& q, Scope* s) {
    auto lookups = query::LoadLookups(ctx, EntityType::kOpportunity);
    if (!lookups.ok()) return lookups.status();
    s->lookups = *std::move(lookups);
    auto compiled = query::Compile(EntityType::kOpportunity, q.filter, s->lookups, ctx.phone_region);
    if (!compiled.ok()) return compiled.status();
    if (compiled->root && !KeyFieldsOnly(*compiled->root)) return std::nullopt;
    KeyedQuery out{*std::move(compiled), std::nullopt};
    if (!q.group_by.empty()) {
      auto f = query::Resolve(EntityType::kOpportunity, q.group_by);
      if (!f.ok()) return absl::InvalidArgumentError(absl::StrCat("group_by: ", f.status().message()));
      if (!KeyField(*f)) return std::nullopt;
      out.group = *std::move(f);
    }
    const bool owners = out.compiled.uses_owners || (out.group && query::NeedsOwners(*out.group));
    if (auto st = query::LoadOwners(ctx, owners, &s->lookups); !st.ok()) return st;
    return out;
  }
};

}  // namespace

absl::StatusOr<std::optional<Scope>> FromTotals(
    const Ctx& ctx, const SalesQuery& q,
    absl::FunctionRef<void(const Opportunity&, const std::string&, const Total&, Scope&)> fn) {
  if (!q.period.empty() || q.from != INT64_MIN || q.to != INT64_MAX) return std::nullopt;
  if (!q.currency.empty()) return std::nullopt;  // each deal converted at its own date
  if (ctx.schema.deal_totals == model::kAbsentTable) return std::nullopt;
  if (auto zone = Zone(q.time_zone); !zone.ok()) return zone.status();
  Scope s;
  auto keyed = KeyedQuery::Of(ctx, q, &s);
  if (!keyed.ok()) return keyed.status();
  if (!keyed->has_value()) return std::nullopt;
  const query::Compiled* compiled = &(*keyed)->compiled;
  const std::optional<query::FieldRef>& group = (*keyed)->group;
  if (!group) s.groups.try_emplace("", GroupKey{});
  Opportunity deal;
  const std::string none;
  auto walked = EachTotal(ctx, [&](const Total& t) {
    deal.pipeline = t.pipeline;
    deal.stage = t.stage;
    deal.amount.currency = t.currency;
    deal.owner = t.owner;
    if (compiled->root && !query::Matches(*compiled, deal, s.lookups)) return;
    if (!group) return fn(deal, none, t, s);
    auto [code, key] = query::FirstGroup(deal, s.lookups, *group);
    s.groups.try_emplace(code, std::move(key));
    fn(deal, code, t, s);
  });
  if (!walked.ok()) return walked.status();
  if (!*walked) return std::nullopt;
  return s;
}

absl::StatusOr<std::optional<Scope>> FromClosings(const Ctx& ctx, const SalesQuery& q,
                                                  std::initializer_list<StageOutcome> outcomes, std::vector<std::string>* codes,
                                                  absl::FunctionRef<void(const Opportunity&, std::size_t, Scope&)> fn) {
  if (!KeepsClosings(ctx)) return std::nullopt;
  Scope s;
  if (auto st = SetPeriod(q, &s); !st.ok()) return st;
  auto keyed = KeyedQuery::Of(ctx, q, &s);
  if (!keyed.ok()) return keyed.status();
  if (!keyed->has_value()) return std::nullopt;
  const query::Compiled* compiled = &(*keyed)->compiled;
  const std::optional<query::FieldRef>& group = (*keyed)->group;
  std::optional<Converter> converter;
  if (!q.currency.empty()) {
    auto loaded = Converter::Load(ctx, q.currency);
    if (!loaded.ok()) return loaded.status();
    converter = *std::move(loaded);
  }
  if (!group) {
    s.groups.try_emplace("", GroupKey{});
    codes->push_back("");
  }
  // Whether the filter keeps a deal, and its group, follow from its pipeline, stage, currency
  // and owner alone (a converted amount's currency too: the reporting one, or none as before):
  // worked out once for each combination met.
  struct Verdict {
    bool keep = false;
    std::size_t group = 0;
  };
  absl::flat_hash_map<std::string, Verdict> verdicts;
  absl::flat_hash_map<std::string, std::size_t> group_index;  // code -> its place in `codes`
  Opportunity deal;
  absl::Status failed;
  const auto each = [&](const Closing& c) {
    if (!failed.ok()) return;
    deal.id = c.id;
    deal.pipeline = c.pipeline;
    deal.stage = c.stage;
    deal.amount.minor_units = c.amount;
    deal.amount.currency.assign(c.currency);
    deal.owner.assign(c.owner);
    deal.created_at = c.created_at;
    deal.closed_at = c.closed_at;
    auto it = verdicts.find(Av(c.combination));
    if (it == verdicts.end()) {
      Verdict v;
      v.keep = !compiled->root || query::Matches(*compiled, deal, s.lookups);
      if (v.keep && group) {
        Opportunity as_grouped = deal;  // the group reads the deal as converted
        if (converter && !as_grouped.amount.currency.empty()) as_grouped.amount.currency = converter->currency();
        auto [code, key] = query::FirstGroup(as_grouped, s.lookups, *group);
        auto [at, fresh_group] = group_index.try_emplace(code, codes->size());
        if (fresh_group) codes->push_back(code);
        v.group = at->second;
        s.groups.try_emplace(std::move(code), std::move(key));
      }
      it = verdicts.emplace(std::string(c.combination), std::move(v)).first;
    }
    if (!it->second.keep) return;
    if (converter) {
      auto converted = converter->Convert(deal.amount, c.closed_at);
      if (!converted.ok()) {
        failed = absl::Status(converted.status().code(), absl::StrCat(converted.status().message(), " (opportunity ", c.id, ")"));
        return;
      }
      deal.amount = *std::move(converted);
    }
    fn(deal, it->second.group, s);
  };
  absl::Status st;
  for (StageOutcome outcome : outcomes)
    if (st.ok()) st = EachClosing(ctx, outcome, s.from, s.to, each);
  if (!st.ok()) return st;
  if (!failed.ok()) return failed;
  return s;
}

absl::StatusOr<absl::TimeZone> Zone(std::string_view time_zone) {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(std::string(time_zone), &tz))
    return absl::InvalidArgumentError(absl::StrCat("time_zone: '", Av(time_zone), "' is not in the system's tz database"));
  return tz;
}

absl::StatusOr<std::pair<Timestamp, Timestamp>> Period(std::string_view period, std::string_view time_zone) {
  auto zone = Zone(time_zone);
  if (!zone.ok()) return zone.status();
  const absl::TimeZone& tz = *zone;
  const std::size_t dots = period.find("..");
  const absl::string_view first = absl::StripAsciiWhitespace(Av(period.substr(0, dots)));
  const absl::string_view last =
      dots == std::string_view::npos ? first : absl::StripAsciiWhitespace(Av(period.substr(dots + 2)));
  const auto a = Days(std::string_view(first.data(), first.size())), b = Days(std::string_view(last.data(), last.size()));
  if (!a || !b)
    return absl::InvalidArgumentError(absl::StrCat(
        "period: '", !a ? first : last,
        "' is not a year (2017), quarter (2017-Q3), month (2017-03), ISO week (2017-W09) or day (2017-03-05); "
        "a range joins two of them with '..'"));
  const Timestamp from = absl::ToUnixMicros(absl::FromCivil(a->first, tz));
  const Timestamp to = absl::ToUnixMicros(absl::FromCivil(b->second, tz));
  if (to <= from)
    return absl::InvalidArgumentError(absl::StrCat("period: '", Av(period), "' ends before it begins"));
  return std::pair{from, to};
}

absl::StatusOr<Scope> Deals(const Ctx& ctx, const SalesQuery& q,
                            absl::FunctionRef<void(const Opportunity&, const std::string&, Scope&)> fn,
                            std::initializer_list<const char*> period_fields) {
  Scope s;
  if (auto st = SetPeriod(q, &s); !st.ok()) return st;
  auto lookups = query::LoadLookups(ctx, EntityType::kOpportunity);
  if (!lookups.ok()) return lookups.status();
  s.lookups = *std::move(lookups);
  Filter filter = q.filter;
  if (s.from != INT64_MIN || s.to != INT64_MAX) {
    std::optional<Filter> any;
    for (const char* field : period_fields) {
      Filter in = Filter::And(Filter::Compare(field, Filter::Op::kGe, DateTime{s.from}),
                              Filter::Compare(field, Filter::Op::kLt, DateTime{s.to}));
      any = any ? Filter::Or(*any, in) : in;
    }
    if (any) filter = filter.matches_all() ? *any : Filter::And(filter, *any);
  }
  auto compiled = query::Compile(EntityType::kOpportunity, filter, s.lookups, ctx.phone_region);
  if (!compiled.ok()) return compiled.status();
  std::optional<query::FieldRef> group;
  if (!q.group_by.empty()) {
    auto f = query::Resolve(EntityType::kOpportunity, q.group_by);
    if (!f.ok()) return absl::InvalidArgumentError(absl::StrCat("group_by: ", f.status().message()));
    group = *std::move(f);
  }
  const bool owners = compiled->uses_owners || (group && query::NeedsOwners(*group));
  if (auto st = query::LoadOwners(ctx, owners, &s.lookups); !st.ok()) return st;
  const bool catalog = compiled->uses_catalog || (group && query::NeedsCatalog(EntityType::kOpportunity, *group));
  if (auto st = query::LoadCatalog(ctx, catalog, &s.lookups); !st.ok()) return st;
  std::optional<Converter> converter;
  if (!q.currency.empty()) {
    auto loaded = Converter::Load(ctx, q.currency);
    if (!loaded.ok()) return loaded.status();
    converter = *std::move(loaded);
  }
  auto candidates = query::FindCandidates(ctx, *compiled, s.lookups, false);
  if (!candidates.ok()) return candidates.status();
  if (!group) s.groups.try_emplace("", GroupKey{});
  const std::string none;
  auto st = query::Walk(ctx, *compiled, s.lookups, *candidates, false, false,
                        [&](Customer*, Opportunity* o, Interaction*) -> absl::StatusOr<bool> {
                          if (converter) {
                            const Timestamp at = o->closed_at != 0 ? o->closed_at
                                                 : o->expected_close != 0 ? o->expected_close
                                                                          : ctx.now;
                            auto converted = converter->Convert(o->amount, at);
                            if (!converted.ok())
                              return absl::Status(converted.status().code(),
                                                  absl::StrCat(converted.status().message(), " (opportunity ", o->id, ")"));
                            o->amount = *std::move(converted);
                            for (LineItem& l : o->lines) {  // each line on its own, for the product report
                              auto unit = converter->Convert(l.unit_price, at);
                              auto total = unit.ok() ? converter->Convert(l.total, at) : unit;
                              if (!total.ok()) return total.status();
                              l.unit_price = *std::move(unit);
                              l.total = *std::move(total);
                            }
                          }
                          if (!group) {
                            fn(*o, none, s);
                            return true;
                          }
                          auto [code, key] = query::FirstGroup(*o, s.lookups, *group);
                          s.groups.try_emplace(code, std::move(key));
                          fn(*o, code, s);
                          return true;
                        });
  if (!st.ok()) return st;
  return s;
}

}  // namespace crm::sales
