// The sales operations of transactions (crm/sales.hpp).
#include "core/txn.h"
#include "crm/sales.hpp"
#include "sales/quotas.h"
#include "sales/rates.h"
#include "sales/reports.h"
#include "sales/scores.h"

namespace crm {

absl::StatusOr<PipelineSummary> SalesReads::GetPipelineSummary(const SalesQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return sales::Summary(c, query); });
}
absl::StatusOr<WinRate> SalesReads::GetWinRate(const SalesQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return sales::Wins(c, query); });
}
absl::StatusOr<SalesCycle> SalesReads::GetSalesCycle(const SalesQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return sales::Cycle(c, query); });
}
absl::StatusOr<Funnel> SalesReads::GetFunnel(const SalesQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return sales::Funnels(c, query); });
}
absl::StatusOr<LostReasons> SalesReads::GetLostReasons(const SalesQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return sales::Losses(c, query); });
}

absl::StatusOr<Forecast> SalesReads::GetForecast(const SalesQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return sales::Forecasts(c, query); });
}
absl::StatusOr<Leaderboard> SalesReads::GetLeaderboard(const SalesQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return sales::Leaders(c, query); });
}
absl::StatusOr<SlippedDeals> SalesReads::GetSlippedDeals(const SalesQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return sales::Slipped(c, query); });
}
absl::StatusOr<ProductSales> SalesReads::GetProductSales(const SalesQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return sales::ProductsSold(c, query); });
}
absl::StatusOr<std::vector<Quota>> SalesReads::ListQuotas(UserId user, TeamId team) const {
  return core::Query(this, [&](const model::Ctx& c) { return sales::ListQuotas(c, user, team); });
}
absl::StatusOr<Quota> SalesWrites::SetQuota(const Quota& quota) {
  return core::Mutate(this, [&](model::Ctx& c) { return sales::SetQuota(c, quota); });
}
absl::Status SalesWrites::DeleteQuota(UserId user, TeamId team, std::string_view period) {
  return core::Mutate(this, [&](model::Ctx& c) { return sales::DeleteQuota(c, user, team, period); }, core::Growth::kRemoves);
}

absl::StatusOr<DealScore> SalesReads::ScoreDeal(OpportunityId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return sales::ScoreDeal(c, id); });
}
absl::StatusOr<ScoringOptions> SalesReads::GetScoringOptions() const {
  return core::Query(this, [&](const model::Ctx& c) { return sales::GetScoringOptions(c); });
}
absl::Status SalesWrites::SetScoringOptions(const ScoringOptions& options) {
  return core::Mutate(this, [&](model::Ctx& c) { return sales::SetScoringOptions(c, options); });
}

absl::StatusOr<std::vector<ExchangeRate>> SalesReads::ListExchangeRates(std::string_view from,
                                                                        std::string_view to) const {
  return core::Query(this, [&](const model::Ctx& c) { return sales::ListExchangeRates(c, from, to); });
}
absl::StatusOr<Money> SalesReads::ConvertMoney(const Money& amount, std::string_view to, Timestamp at) const {
  return core::Query(this, [&](const model::Ctx& c) -> absl::StatusOr<Money> {
    auto converter = sales::Converter::Load(c, to);
    if (!converter.ok()) return converter.status();
    return converter->Convert(amount, at);
  });
}
absl::StatusOr<ExchangeRate> SalesWrites::SetExchangeRate(const ExchangeRate& rate) {
  return core::Mutate(this, [&](model::Ctx& c) { return sales::SetExchangeRate(c, rate); });
}
absl::Status SalesWrites::DeleteExchangeRate(std::string_view from, std::string_view to, Timestamp effective) {
  return core::Mutate(this, [&](model::Ctx& c) { return sales::DeleteExchangeRate(c, from, to, effective); },
                      core::Growth::kRemoves);
}

std::string_view ScoreBasisName(ScoreBasis b) {
  switch (b) {
    case ScoreBasis::kModel: return "model";
    case ScoreBasis::kStageProbability: return "stage probability";
    case ScoreBasis::kClosed: return "closed";
  }
  return "unknown";
}

absl::StatusOr<ReportTable> SalesReads::GetReport(SalesReport report, const SalesQuery& query) const {
  const auto table = [](auto r) -> absl::StatusOr<ReportTable> {
    if (!r.ok()) return r.status();
    return ReportTable::Of(*r);
  };
  switch (report) {
    case SalesReport::kPipelineSummary: return table(GetPipelineSummary(query));
    case SalesReport::kWinRate: return table(GetWinRate(query));
    case SalesReport::kSalesCycle: return table(GetSalesCycle(query));
    case SalesReport::kFunnel: return table(GetFunnel(query));
    case SalesReport::kLostReasons: return table(GetLostReasons(query));
    case SalesReport::kForecast: return table(GetForecast(query));
    case SalesReport::kLeaderboard: return table(GetLeaderboard(query));
    case SalesReport::kSlippedDeals: return table(GetSlippedDeals(query));
    case SalesReport::kProductSales: return table(GetProductSales(query));
  }
  return absl::InvalidArgumentError("report: not a sales report this library knows");
}

}  // namespace crm
