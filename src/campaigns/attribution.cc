// Touches and attribution (crm/campaign.hpp): which campaigns a customer or a deal responded to,
// and the won value each campaign brought under a stated model.
#include <algorithm>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "campaigns/campaigns.h"
#include "campaigns/members.h"
#include "changes/changes.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "opportunities/opportunities.h"
#include "query/search.h"

namespace crm {

std::string_view AttributionModelName(AttributionModel model) {
  switch (model) {
    case AttributionModel::kFirstTouch: return "first_touch";
    case AttributionModel::kLastTouch: return "last_touch";
    case AttributionModel::kLinear: return "linear";
  }
  return "unknown";
}

ReportTable AttributionReport(const std::vector<AttributionRow>& rows, AttributionModel model) {
  using Type = ReportColumn::Type;
  ReportTable t;
  t.title = absl::StrCat("campaign attribution (", Av(AttributionModelName(model)), ")");
  t.columns = {{"campaign", Type::kInt},  {"name", Type::kText},      {"currency", Type::kText},
               {"members", Type::kInt},   {"responded", Type::kInt},  {"deals", Type::kReal},
               {"won_value", Type::kMoney}, {"cost", Type::kText},    {"cost_per_lead", Type::kText},
               {"return", Type::kReal}};
  for (const AttributionRow& r : rows) {
    std::vector<ReportCell> row;
    row.emplace_back(static_cast<std::int64_t>(r.campaign));
    row.emplace_back(r.name);
    row.emplace_back(r.currency);
    row.emplace_back(static_cast<std::int64_t>(r.members));
    row.emplace_back(static_cast<std::int64_t>(r.responded));
    row.emplace_back(r.deals);
    row.emplace_back(r.won_value);
    row.emplace_back(r.cost.currency.empty() ? ReportCell() : ReportCell(changes::MoneyText(r.cost)));
    row.emplace_back(r.cost.currency.empty() || r.responded == 0
                         ? ReportCell()
                         : ReportCell(changes::MoneyText(Money{r.cost_per_lead, r.cost.currency})));
    row.emplace_back(r.has_return ? ReportCell(r.return_on_cost) : ReportCell());
    t.rows.push_back(std::move(row));
  }
  t.chart = {ReportChart::Kind::kBars, {"name"}, {"won_value"}, {"currency"}, {}};
  return t;
}

}  // namespace crm

namespace crm::campaigns {
namespace {

// The campaigns `people` responded to at or before `until` (0: any time), each at its earliest
// response, earliest first (ties by campaign id).
absl::StatusOr<Touches> TouchesOf(const Ctx& ctx, const std::vector<CustomerId>& people, Timestamp until) {
  absl::flat_hash_map<CampaignId, Timestamp> earliest;
  for (CustomerId person : people) {
    auto of = Of(ctx, person);
    if (!of.ok()) return of.status();
    for (const CampaignMember& m : *of) {
      if (m.first_responded_at == 0 || (until != 0 && m.first_responded_at > until)) continue;
      auto [it, added] = earliest.emplace(m.campaign, m.first_responded_at);
      if (!added) it->second = std::min(it->second, m.first_responded_at);
    }
  }
  std::vector<std::pair<Timestamp, CampaignId>> order;
  for (const auto& [campaign, at] : earliest) order.emplace_back(at, campaign);
  std::sort(order.begin(), order.end());
  Touches t;
  for (const auto& [at, campaign] : order) t.campaigns.push_back(campaign);
  if (!t.campaigns.empty()) {
    t.first = t.campaigns.front();
    t.last = t.campaigns.back();
  }
  return t;
}

absl::StatusOr<Touches> TouchesOfDeal(const Ctx& ctx, const Opportunity& o) {
  std::vector<CustomerId> people;
  if (o.customer != 0) people.push_back(o.customer);
  for (const ContactRole& r : o.contacts) people.push_back(r.person);
  return TouchesOf(ctx, people, o.closed_at);
}

std::int64_t RoundedDivide(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b, r = a % b;
  return 2 * (r < 0 ? -r : r) >= b ? q + (a < 0 ? -1 : 1) : q;
}

struct Figures {
  double deals = 0;
  std::int64_t won = 0;
};

}  // namespace

absl::StatusOr<Touches> CustomerTouches(const Ctx& ctx, CustomerId customer) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto exists = customers::Exists(ctx, customer);
  if (!exists.ok()) return exists.status();
  if (!*exists) return absl::NotFoundError(absl::StrCat("customer ", customer, " does not exist"));
  return TouchesOf(ctx, {customer}, 0);
}

absl::StatusOr<Touches> DealTouches(const Ctx& ctx, OpportunityId deal) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto o = opportunities::Get(ctx, deal);
  if (!o.ok()) return o.status();
  return TouchesOfDeal(ctx, *o);
}

absl::StatusOr<std::vector<AttributionRow>> Attribution(const Ctx& ctx, const AttributionQuery& q) {
  if (q.model != AttributionModel::kFirstTouch && q.model != AttributionModel::kLastTouch &&
      q.model != AttributionModel::kLinear)
    return absl::InvalidArgumentError("model: is not first_touch, last_touch or linear");
  if (q.won_from != 0 && q.won_to != 0 && q.won_to <= q.won_from)
    return absl::InvalidArgumentError("won_to: is not after won_from");
  auto all = List(ctx);
  if (!all.ok()) return all.status();
  Filter won = Filter::Compare("status", Filter::Op::kEq, std::string("won"));
  if (q.won_from != 0) won = Filter::And(won, Filter::Compare("closed_at", Filter::Op::kGe, DateTime{q.won_from}));
  if (q.won_to != 0) won = Filter::And(won, Filter::Compare("closed_at", Filter::Op::kLt, DateTime{q.won_to}));
  std::map<std::pair<CampaignId, std::string>, Figures> figures;
  auto s = query::EachOpportunityMatching(ctx, won, [&](const Opportunity& o) -> absl::Status {
    if (o.amount.currency.empty()) return absl::OkStatus();
    auto t = TouchesOfDeal(ctx, o);
    if (!t.ok()) return t.status();
    if (t->campaigns.empty()) return absl::OkStatus();
    const std::int64_t amount = o.amount.minor_units;
    if (q.model != AttributionModel::kLinear) {
      Figures& f = figures[{q.model == AttributionModel::kFirstTouch ? t->first : t->last, o.amount.currency}];
      f.deals += 1;
      f.won += amount;
      return absl::OkStatus();
    }
    const auto n = static_cast<std::int64_t>(t->campaigns.size());
    const std::int64_t base = amount / n, left = amount % n;  // left < n: one cent each to the earliest
    for (std::int64_t i = 0; i < n; ++i) {
      Figures& f = figures[{t->campaigns[static_cast<std::size_t>(i)], o.amount.currency}];
      f.deals += 1.0 / static_cast<double>(n);
      f.won += base + (i < (left < 0 ? -left : left) ? (left < 0 ? -1 : 1) : 0);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  std::vector<AttributionRow> rows;
  for (const Campaign& c : *all) {
    auto members = All(ctx, c.id);
    if (!members.ok()) return members.status();
    std::uint64_t responded = 0;
    for (const CampaignMember& m : *members) responded += m.first_responded_at != 0;
    const Money cost = !c.actual_cost.currency.empty() ? c.actual_cost : c.budget;
    AttributionRow base;
    base.campaign = c.id;
    base.name = c.name;
    base.members = c.members;
    base.responded = responded;
    base.cost = cost;
    if (!cost.currency.empty() && responded != 0)
      base.cost_per_lead = RoundedDivide(cost.minor_units, static_cast<std::int64_t>(responded));
    std::vector<AttributionRow> mine;
    for (auto it = figures.lower_bound({c.id, std::string()}); it != figures.end() && it->first.first == c.id; ++it) {
      AttributionRow row = base;
      row.currency = it->first.second;
      row.deals = it->second.deals;
      row.won_value = it->second.won;
      mine.push_back(std::move(row));
    }
    if (mine.empty()) {
      mine.push_back(base);
      mine.back().currency = cost.currency;
    }
    for (AttributionRow& row : mine) {
      if (!cost.currency.empty() && cost.currency == row.currency && cost.minor_units != 0) {
        row.has_return = true;
        row.return_on_cost = static_cast<double>(row.won_value - cost.minor_units) / static_cast<double>(cost.minor_units);
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace crm::campaigns
