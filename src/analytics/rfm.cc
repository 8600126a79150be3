// RFM scores and segments from the purchase facts: one pass over the customers with purchases,
// quintiles by rank (crm/analytics.hpp).
#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analytics/analytics.h"
#include "analytics/facts.h"
#include "customers/customers.h"

namespace crm {

std::string_view RfmSegmentName(RfmSegment segment) {
  switch (segment) {
    case RfmSegment::kChampions: return "champions";
    case RfmSegment::kLoyal: return "loyal";
    case RfmSegment::kPotentialLoyalists: return "potential_loyalists";
    case RfmSegment::kNew: return "new";
    case RfmSegment::kPromising: return "promising";
    case RfmSegment::kNeedAttention: return "need_attention";
    case RfmSegment::kAboutToSleep: return "about_to_sleep";
    case RfmSegment::kAtRisk: return "at_risk";
    case RfmSegment::kCannotLose: return "cannot_lose";
    case RfmSegment::kHibernating: return "hibernating";
    case RfmSegment::kLost: return "lost";
  }
  return "";
}

RfmSegment RfmSegmentOf(int r, int f) {
  if (r >= 5) return f >= 4 ? RfmSegment::kChampions : f >= 2 ? RfmSegment::kPotentialLoyalists : RfmSegment::kNew;
  if (r == 4) return f >= 4 ? RfmSegment::kLoyal : f >= 2 ? RfmSegment::kPotentialLoyalists : RfmSegment::kPromising;
  if (r == 3) return f >= 4 ? RfmSegment::kLoyal : f == 3 ? RfmSegment::kNeedAttention : RfmSegment::kAboutToSleep;
  if (f >= 5) return RfmSegment::kCannotLose;
  if (f >= 3) return RfmSegment::kAtRisk;
  return r <= 1 && f <= 1 ? RfmSegment::kLost : RfmSegment::kHibernating;
}

namespace analytics {
namespace {

constexpr int kSegments = 11;

// Every scored customer's raw figures, and the sorted figures that rank them.
struct Population {
  std::vector<RfmScore> scores;
  std::vector<std::int64_t> recency, monetary;
  std::vector<std::uint64_t> frequency;

  // 1 to 5: the fifth of the ranking a customer's mid-rank falls in, ceil(5 x (worse + (equal +
  // 1) / 2) / n), with `worse` the customers with a worse value (below; above for recency) and
  // `equal` those with the same value (itself included): equal values share a score, ties at the
  // top score high and ties at the bottom low, and a lone customer scores 5.
  template <class T>
  static int Quintile(const std::vector<T>& sorted, T v, bool lower_is_better) {
    const std::size_t n = sorted.size();
    const auto lo = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
    const auto hi = static_cast<std::size_t>(std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
    const std::size_t worse = lower_is_better ? n - hi : lo;
    const std::size_t twice = 2 * worse + (hi - lo) + 1;  // twice the mid-rank
    return static_cast<int>(std::max<std::size_t>(1, (5 * twice + 2 * n - 1) / (2 * n)));
  }
  void Score(RfmScore& s) const {
    s.r = Quintile(recency, s.recency_days, true);
    s.f = Quintile(frequency, s.frequency, false);
    s.m = Quintile(monetary, s.monetary.minor_units, false);
    s.segment = RfmSegmentOf(s.r, s.f);
  }
};

absl::StatusOr<Population> Gather(const model::Ctx& ctx, const RfmQuery& q) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (!CurrencyMinorDigits(q.currency).has_value())
    return absl::InvalidArgumentError(absl::StrCat("currency: '", q.currency, "' is not a known ISO 4217 code"));
  const Timestamp at = q.at == 0 ? ctx.now : q.at;
  if (at < INT64_MIN / 2 || at > INT64_MAX / 2) return absl::InvalidArgumentError("at: out of the range of times");
  auto scope = Scope::Of(ctx, q.filter, q.include_archived);
  if (!scope.ok()) return scope.status();
  Population p;
  auto s = EachFacts(ctx, [&](const PurchaseFacts& f) {
    if (f.purchases == 0 || !scope->Has(f.customer)) return;
    RfmScore score;
    score.customer = f.customer;
    score.recency_days = std::max<std::int64_t>(0, (at - f.last_purchase_at) / kDay);
    score.frequency = f.purchases;
    score.monetary = f.TotalIn(q.currency);
    p.scores.push_back(std::move(score));
  });
  if (!s.ok()) return s;
  for (const RfmScore& x : p.scores) {
    p.recency.push_back(x.recency_days);
    p.frequency.push_back(x.frequency);
    p.monetary.push_back(x.monetary.minor_units);
  }
  std::sort(p.recency.begin(), p.recency.end());
  std::sort(p.frequency.begin(), p.frequency.end());
  std::sort(p.monetary.begin(), p.monetary.end());
  return p;
}

}  // namespace

absl::StatusOr<RfmReport> Rfm(const model::Ctx& ctx, const RfmQuery& q) {
  auto p = Gather(ctx, q);
  if (!p.ok()) return p.status();
  RfmReport out;
  for (int i = 1; i <= kSegments; ++i)
    out.segments.push_back(RfmSegmentCount{static_cast<RfmSegment>(i), 0, Money{0, q.currency}});
  for (RfmScore& s : p->scores) {
    p->Score(s);
    RfmSegmentCount& c = out.segments[static_cast<std::size_t>(s.segment) - 1];
    ++c.customers;
    if (__builtin_add_overflow(c.monetary.minor_units, s.monetary.minor_units, &c.monetary.minor_units))
      return absl::OutOfRangeError("monetary: a segment's total exceeds 64 bits");
  }
  out.customers = p->scores.size();
  return out;
}

absl::StatusOr<RfmScore> RfmOf(const model::Ctx& ctx, CustomerId customer, const RfmQuery& q) {
  if (auto c = customers::Get(ctx, customer); !c.ok()) return c.status();
  auto p = Gather(ctx, q);
  if (!p.ok()) return p.status();
  for (RfmScore& s : p->scores)
    if (s.customer == customer) {
      p->Score(s);
      return s;
    }
  return absl::FailedPreconditionError(
      absl::StrCat("customer ", customer, " is not scored: it has no purchase, or the query's filter leaves it out"));
}

}  // namespace analytics
}  // namespace crm
