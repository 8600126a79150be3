// What a customer is worth: lifetime value, and the valuable customers slipping away
// (crm/analytics.hpp).
#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "analytics/analytics.h"
#include "analytics/facts.h"
#include "analytics/risk.h"
#include "codec/key.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "model/paging.h"

namespace crm::analytics {
namespace {

constexpr double kYear = 365.25 * static_cast<double>(kDay);
constexpr double kMaxYears = 10;

absl::Status NeedCurrency(std::string_view currency) {
  if (!CurrencyMinorDigits(currency).has_value())
    return absl::InvalidArgumentError(absl::StrCat("currency: '", Av(currency), "' is not a known ISO 4217 code"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LifetimeValue> Lifetime(const model::Ctx& ctx, const LifetimeValueQuery& q) {
  if (auto c = customers::Get(ctx, q.customer); !c.ok()) return c.status();
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (auto s = NeedCurrency(q.currency); !s.ok()) return s;
  if (q.inactive_days < 1 || q.inactive_days > 36500) return absl::InvalidArgumentError("inactive_days: must be 1 to 36500");
  const Timestamp at = q.at == 0 ? ctx.now : q.at;
  if (at < INT64_MIN / 2 || at > INT64_MAX / 2) return absl::InvalidArgumentError("at: out of the range of times");
  auto facts = Load(ctx, q.customer);
  if (!facts.ok()) return facts.status();
  auto in_currency = PurchasesIn(ctx, q.customer, q.currency);
  if (!in_currency.ok()) return in_currency.status();
  // The store's yearly churn: customers active a year before `at` who are not active at `at`.
  const Timestamp year = static_cast<Timestamp>(kYear);
  auto activity = Activity(ctx, at - year, at, q.inactive_days * kDay);
  if (!activity.ok()) return activity.status();
  std::uint64_t base = 0, churned = 0;
  for (const auto& [customer, flags] : *activity)
    if ((flags & kActiveAtStart) != 0) {
      ++base;
      churned += (flags & kActiveAtEnd) == 0 ? 1 : 0;
    }
  LifetimeValue v;
  v.historic = facts->TotalIn(q.currency);
  v.average_order = Money{*in_currency == 0 ? 0 : v.historic.minor_units / static_cast<std::int64_t>(*in_currency), q.currency};
  const double span = std::max<double>(30.0 * static_cast<double>(kDay), static_cast<double>(at - facts->first_purchase_at));
  v.purchases_per_year = *in_currency == 0 ? 0 : static_cast<double>(*in_currency) * kYear / span;
  v.yearly_churn_rate = base == 0 ? 0 : static_cast<double>(churned) / static_cast<double>(base);
  v.predicted = v.historic;
  v.estimated = *in_currency >= 2 && base > 0;
  if (v.estimated) {
    v.expected_years = v.yearly_churn_rate <= 1 / kMaxYears ? kMaxYears : 1 / v.yearly_churn_rate;
    const double estimate = static_cast<double>(v.historic.minor_units) / static_cast<double>(*in_currency) *
                            v.purchases_per_year * v.expected_years;
    if (estimate > static_cast<double>(v.historic.minor_units) && estimate < 9e18)
      v.predicted.minor_units = static_cast<std::int64_t>(std::llround(estimate));
  }
  return v;
}

absl::StatusOr<AtRiskPage> AtRisk(const model::Ctx& ctx, const AtRiskQuery& q) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (auto s = NeedCurrency(q.currency); !s.ok()) return s;
  if (auto s = model::CheckLimit(q.limit); !s.ok()) return s;
  if (!(q.min_risk >= 0 && q.min_risk <= 1)) return absl::InvalidArgumentError("min_risk: must be 0 to 1");
  const std::string lo = codec::KeyBuilder().Str(q.currency).Take();
  model::QueryHash h;
  h.Add(static_cast<std::uint64_t>(q.since)).Add(static_cast<std::uint64_t>(q.by_purchase));
  h.Add(static_cast<std::uint64_t>(std::llround(q.min_risk * 1e9)));
  h.Add(static_cast<std::uint64_t>(q.include_archived)).Add(lo);
  const std::uint64_t hash = h.value();
  auto after = model::ParsePageToken(q.page_token, hash, lo, codec::PrefixSuccessor(lo));
  if (!after.ok()) return after.status();
  auto model = RiskModel::Read(ctx);
  if (!model.ok()) return model.status();
  AtRiskPage page;
  std::string last_key;
  bool more = false;
  auto s = EachByValue(ctx, q.currency, *after, [&](CustomerId id, std::int64_t total, std::string_view key) -> absl::StatusOr<bool> {
    // The cheaper test first: the last contact is one small entry, the facts a decoded record.
    auto contact = customers::LastInteraction(ctx, id);
    if (!contact.ok()) return contact.status();
    if (!q.by_purchase && *contact >= q.since) return true;
    auto facts = Load(ctx, id);
    if (!facts.ok()) return facts.status();
    const Timestamp last_purchase = facts->last_purchase_at;
    if (q.by_purchase && last_purchase >= q.since) return true;
    auto c = customers::Get(ctx, id);
    if (!c.ok()) return c.status();
    if ((c->archived && !q.include_archived) || c->stage == LifecycleStage::kChurned) return true;
    auto risk = model->Of(ctx, *c);
    if (!risk.ok()) return risk.status();
    if (q.min_risk > 0) {
      if (!risk->model)
        return absl::FailedPreconditionError(absl::StrCat("min_risk: there is no churn-risk model yet (", risk->explanation, ")"));
      if (risk->risk < q.min_risk) return true;
    }
    if (page.customers.size() == q.limit) {
      more = true;
      return false;
    }
    page.customers.push_back(
        AtRiskCustomer{*std::move(c), Money{total, q.currency}, *contact, last_purchase, facts->purchases, *std::move(risk)});
    last_key.assign(key);
    return true;
  });
  if (!s.ok()) return s;
  if (more) page.next_page_token = model::MakePageToken(hash, last_key);
  return page;
}

}  // namespace crm::analytics
