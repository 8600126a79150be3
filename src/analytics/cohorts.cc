// Cohort retention from the purchases table: one pass, by customer and time (crm/analytics.hpp).
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "analytics/analytics.h"
#include "analytics/facts.h"
#include "common/strings.h"

namespace crm::analytics {

absl::StatusOr<CohortTable> Cohorts(const model::Ctx& ctx, const CohortQuery& q) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (q.from >= q.to) return absl::InvalidArgumentError("to: the cohorts' period must end after it begins (from < to)");
  if (q.months < 1 || q.months > 120) return absl::InvalidArgumentError("months: must be 1 to 120");
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(q.time_zone, &tz))
    return absl::InvalidArgumentError(absl::StrCat("time_zone: '", q.time_zone, "' is not in the system's tz database"));
  auto scope = Scope::Of(ctx, q.filter, q.include_archived);
  if (!scope.ok()) return scope.status();
  const auto month_of = [&](Timestamp t) { return absl::CivilMonth(absl::ToCivilDay(absl::FromUnixMicros(t), tz)); };
  const absl::CivilMonth now = month_of(ctx.now);

  struct Cohort {
    std::uint64_t customers = 0;
    std::vector<std::uint64_t> active;
  };
  std::map<absl::CivilMonth, Cohort> cohorts;
  // The customer being read: its cohort (if counted) and the months after it in which it bought.
  CustomerId current = 0;
  bool counted = false;
  absl::CivilMonth first;
  std::vector<bool> bought(q.months + 1);
  // The month of the previous purchase, kept: purchases of one month in a row cost no time zone
  // arithmetic.
  Timestamp lo = 1, hi = 0;
  absl::CivilMonth cached;
  const auto flush = [&] {
    if (!counted) return;
    Cohort& c = cohorts[first];
    if (c.active.empty()) c.active.assign(q.months + 1, 0);
    ++c.customers;
    for (std::size_t k = 0; k <= q.months; ++k) c.active[k] += bought[k] ? 1 : 0;
  };
  auto s = EachPurchase(ctx, [&](const Purchase& p) {
    if (p.at < lo || p.at >= hi) {
      cached = month_of(p.at);
      lo = absl::ToUnixMicros(absl::FromCivil(cached, tz));
      hi = absl::ToUnixMicros(absl::FromCivil(cached + 1, tz));
    }
    if (p.customer != current) {
      flush();
      current = p.customer;
      first = cached;
      counted = lo >= q.from && lo < q.to && scope->Has(p.customer);
      std::fill(bought.begin(), bought.end(), false);
    }
    if (!counted) return;
    const auto k = cached - first;
    if (k >= 0 && static_cast<std::size_t>(k) <= q.months) bought[static_cast<std::size_t>(k)] = true;
  });
  if (!s.ok()) return s;
  flush();
  CohortTable out;
  for (auto& [month, c] : cohorts) {
    CohortRow row;
    row.cohort = absl::FormatCivilTime(month);
    row.start = absl::ToUnixMicros(absl::FromCivil(month, tz));
    row.customers = c.customers;
    const auto seen = now - month;  // months begun since the cohort's
    const std::size_t cells = seen < 0 ? 1 : std::min<std::size_t>(q.months, static_cast<std::size_t>(seen)) + 1;
    for (std::size_t k = 0; k < cells; ++k) {
      row.active.push_back(c.active[k]);
      row.share.push_back(static_cast<double>(c.active[k]) / static_cast<double>(c.customers));
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace crm::analytics
