// The sales reports of crm/sales.hpp over a transaction's context.
#pragma once

#include "crm/sales.hpp"
#include "sales/deals.h"

namespace crm::sales {

absl::StatusOr<PipelineSummary> Summary(const Ctx& ctx, const SalesQuery& q);
absl::StatusOr<WinRate> Wins(const Ctx& ctx, const SalesQuery& q);
absl::StatusOr<SalesCycle> Cycle(const Ctx& ctx, const SalesQuery& q);
absl::StatusOr<Funnel> Funnels(const Ctx& ctx, const SalesQuery& q);
absl::StatusOr<LostReasons> Losses(const Ctx& ctx, const SalesQuery& q);
absl::StatusOr<Forecast> Forecasts(const Ctx& ctx, const SalesQuery& q);
absl::StatusOr<Leaderboard> Leaders(const Ctx& ctx, const SalesQuery& q);
absl::StatusOr<SlippedDeals> Slipped(const Ctx& ctx, const SalesQuery& q);
absl::StatusOr<ProductSales> ProductsSold(const Ctx& ctx, const SalesQuery& q);

}  // namespace crm::sales
