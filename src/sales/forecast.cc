// The forecast (crm/sales.hpp): deals by close month or quarter and forecast category, with the
// quotas of the users or teams grouped by.
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/container/flat_hash_set.h"
#include "query/eval.h"
#include "query/search.h"
#include "sales/quotas.h"
#include "sales/rates.h"
#include "sales/reports.h"
#include "users/users.h"

namespace crm::sales {
namespace {

struct Bucket {
  std::string label;
  Timestamp start = 0;
};

// The month or quarter of `t` in `tz`.
Bucket BucketOf(Timestamp t, TimeBucket b, const absl::TimeZone& tz) {
  const absl::CivilMonth m(absl::ToCivilSecond(absl::FromUnixMicros(t), tz));
  if (b == TimeBucket::kQuarter) {
    const absl::CivilMonth first(m.year(), (m.month() - 1) / 3 * 3 + 1);
    return {absl::StrFormat("%04d-Q%d", first.year(), (m.month() - 1) / 3 + 1), absl::ToUnixMicros(absl::FromCivil(first, tz))};
  }
  return {absl::StrFormat("%04d-%02d", m.year(), m.month()), absl::ToUnixMicros(absl::FromCivil(m, tz))};
}

// The months of a quarter label ("2017-Q2" -> 2017-04, -05, -06).
std::vector<std::string> MonthsOf(const std::string& quarter) {
  const int first = (quarter[6] - '1') * 3 + 1;
  std::vector<std::string> out;
  for (int m = first; m < first + 3; ++m) out.push_back(absl::StrFormat("%s-%02d", quarter.substr(0, 4), m));
  return out;
}

struct Acc {
  std::uint64_t deals = 0;
  __int128 by_category[6] = {};
};

}  // namespace

absl::StatusOr<Forecast> Forecasts(const Ctx& ctx, const SalesQuery& q) {
  if (q.bucket != TimeBucket::kMonth && q.bucket != TimeBucket::kQuarter)
    return absl::InvalidArgumentError("bucket: a forecast is by month or by quarter");
  auto zone = Zone(q.time_zone);
  if (!zone.ok()) return zone.status();
  const absl::TimeZone tz = *zone;
  // group code, bucket start, currency -> figures; the bucket labels by start.
  std::map<std::tuple<std::string, Timestamp, std::string>, Acc> acc;
  std::map<Timestamp, std::string> labels;
  Bucket last;
  Timestamp last_lo = 1, last_hi = 0;  // the bucket of the previous deal: [lo, hi)
  auto scope = Deals(ctx, q, [&](const Opportunity& o, const std::string& group, Scope& s) {
    const Pipeline* p = s.PipelineOf(o);
    const Stage* stage = p == nullptr ? nullptr : p->FindStage(o.stage);
    if (stage == nullptr) return;
    const Timestamp at = o.closed_at != 0 ? o.closed_at : o.expected_close;
    if (at == 0 || !s.InPeriod(at)) return;
    if (at < last_lo || at >= last_hi) {
      last = BucketOf(at, q.bucket, tz);
      last_lo = last.start;
      const absl::CivilMonth m(absl::ToCivilSecond(absl::FromUnixMicros(last.start), tz));
      last_hi = absl::ToUnixMicros(absl::FromCivil(m + (q.bucket == TimeBucket::kQuarter ? 3 : 1), tz));
      labels.try_emplace(last.start, last.label);
    }
    Acc& a = acc[{group, last.start, o.amount.currency}];
    ++a.deals;
    a.by_category[static_cast<int>(ForecastOf(o, *stage))] += o.amount.minor_units;
  }, {"closed_at", "expected_close"});
  if (!scope.ok()) return scope.status();

  // Quotas apply to groups of users (by owner) or of teams.
  const bool by_user = q.group_by == "owner";
  const bool by_team = q.group_by == "team" || q.group_by == "owner.team";
  std::map<std::pair<std::uint64_t, std::string>, Money> quotas;  // holder, period
  absl::flat_hash_map<std::string, std::uint64_t> holder_of;      // group code -> user or team id
  if (by_user || by_team) {
    auto all = ListQuotas(ctx, 0, 0);
    if (!all.ok()) return all.status();
    std::optional<Converter> converter;
    if (!q.currency.empty()) {
      auto loaded = Converter::Load(ctx, q.currency);
      if (!loaded.ok()) return loaded.status();
      converter = *std::move(loaded);
    }
    for (const Quota& x : *all) {
      if ((by_user && x.user == 0) || (by_team && x.team == 0)) continue;
      Money target = x.target;
      if (converter) {  // at the start of its period
        const int year = std::stoi(x.period.substr(0, 4));
        const int month = x.period[5] == 'Q' ? (x.period[6] - '1') * 3 + 1 : std::stoi(x.period.substr(5, 2));
        auto converted = converter->Convert(target, absl::ToUnixMicros(absl::FromCivil(absl::CivilMonth(year, month), tz)));
        if (!converted.ok())
          return absl::Status(converted.status().code(), absl::StrCat(converted.status().message(), " (a quota for ", x.period, ")"));
        target = *std::move(converted);
      }
      quotas[{by_user ? x.user : x.team, x.period}] = target;
    }
    if (by_user) {
      if (auto st = query::LoadOwners(ctx, true, &scope->lookups); !st.ok()) return st;
    }
    for (const auto& [code, key] : scope->groups) {
      if (key.empty) continue;
      if (by_user) {
        if (const users::OwnerInfo* info = scope->lookups.owners->Find(key.label)) holder_of[code] = info->user;
      } else if (auto team = users::FindTeamByName(ctx, key.label); team.ok()) {
        holder_of[code] = team->id;
      } else if (!absl::IsNotFound(team.status())) {
        return team.status();
      }
    }
    // Without a filter, every holder of a quota is a group, with deals in the period or not (a
    // user met under no owner text is named by the user's name).
    if (q.filter.matches_all()) {
      absl::flat_hash_set<std::uint64_t> met;
      for (const auto& [code, holder] : holder_of) met.insert(holder);
      auto field = query::Resolve(EntityType::kOpportunity, q.group_by);
      if (!field.ok()) return field.status();
      for (const auto& [k, target] : quotas) {
        if (!met.insert(k.first).second) continue;
        absl::StatusOr<std::string> name;
        if (by_user) {
          auto u = users::Get(ctx, k.first);
          name = u.ok() ? absl::StatusOr<std::string>(u->name) : u.status();
        } else {
          auto t = users::GetTeam(ctx, k.first);
          name = t.ok() ? absl::StatusOr<std::string>(t->name) : t.status();
        }
        if (!name.ok()) return name.status();
        query::Val v;
        v.k = query::Val::K::kText;
        v.text = *name;
        const std::string code = query::SortKey(&v, *field);
        scope->groups.try_emplace(code, GroupKey{false, *name, *name});
        holder_of[code] = k.first;
      }
    }
  }
  // The quota of a holder for a bucket: its own, or for a quarter the sum of its months'.
  const auto quota_of = [&](std::uint64_t holder, const std::string& period) -> std::optional<Money> {
    if (auto it = quotas.find({holder, period}); it != quotas.end()) return it->second;
    if (q.bucket != TimeBucket::kQuarter) return std::nullopt;
    std::optional<Money> sum;
    for (const std::string& month : MonthsOf(period))
      if (auto it = quotas.find({holder, month}); it != quotas.end() && (!sum || sum->currency == it->second.currency))
        sum = Money{(sum ? sum->minor_units : 0) + it->second.minor_units, it->second.currency};
    return sum;
  };
  // A group with a quota for a period it has no row of that currency for gets an empty one,
  // also for a period in which it has no deal at all.
  std::map<std::pair<std::string, Timestamp>, std::optional<Money>> quota_rows;
  for (const auto& [k, a] : acc) quota_rows.try_emplace({std::get<0>(k), std::get<1>(k)});
  for (const auto& [code, holder] : holder_of)
    for (auto it = quotas.lower_bound({holder, ""}); it != quotas.end() && it->first.first == holder; ++it) {
      const std::string& period = it->first.second;
      const int year = std::stoi(period.substr(0, 4));
      const bool quarter = period[5] == 'Q';
      if (quarter && q.bucket != TimeBucket::kQuarter) continue;  // a month's forecast has no share of it
      const int month = quarter ? (period[6] - '1') * 3 + 1 : std::stoi(period.substr(5, 2));
      const Bucket b = BucketOf(absl::ToUnixMicros(absl::FromCivil(absl::CivilMonth(year, month), tz)), q.bucket, tz);
      if (!scope->InPeriod(b.start)) continue;
      labels.try_emplace(b.start, b.label);
      quota_rows.try_emplace({code, b.start});
    }
  for (auto& [k, quota] : quota_rows) {
    auto holder = holder_of.find(k.first);
    if (holder == holder_of.end()) continue;
    quota = quota_of(holder->second, labels.at(k.second));
    if (quota) acc.try_emplace({k.first, k.second, quota->currency});
  }

  Forecast out;
  for (const auto& [k, a] : acc) {
    const auto& [group, start, currency] = k;
    ForecastRow r;
    r.group = scope->groups.at(group);
    r.period = labels.at(start);
    r.start = start;
    r.currency = currency;
    r.deals = a.deals;
    std::int64_t* fields[6] = {&r.pipeline, &r.pipeline, &r.best_case, &r.commit, &r.closed, &r.omitted};
    for (int c = 1; c < 6; ++c) {
      if (a.by_category[c] > INT64_MAX) return absl::OutOfRangeError("forecast: a sum exceeds 64 bits");
      *fields[c] = static_cast<std::int64_t>(a.by_category[c]);
    }
    const auto& quota = quota_rows[{group, start}];
    if (quota && quota->currency == currency) {
      r.has_quota = true;
      r.quota = quota->minor_units;
      r.attainment = static_cast<double>(r.closed) / static_cast<double>(r.quota);
    }
    out.rows.push_back(std::move(r));
  }
  return out;
}

}  // namespace crm::sales
