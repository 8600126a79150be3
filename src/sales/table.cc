// Sales reports as tables (crm/sales.hpp): the one shape the C ABI, Python and the tool read.
#include <algorithm>
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/strings.h"
#include "crm/sales.hpp"
#include "sales/deals.h"

namespace crm {
namespace {

using Type = ReportColumn::Type;

ReportCell Group(const GroupKey& k) {
  if (k.empty) return std::monostate{};
  return k.label;
}
ReportCell Int(std::uint64_t v) { return static_cast<std::int64_t>(v); }

using Kind = ReportChart::Kind;
using Names = std::vector<std::string>;
ReportChart Chart(Kind kind, Names label, Names values, Names split, std::string marker = {}) {
  return {kind, std::move(label), std::move(values), std::move(split), std::move(marker)};
}

std::string Real(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string MoneyText(std::int64_t minor, std::string_view currency) {
  const int digits = CurrencyMinorDigits(currency).value_or(0);
  if (digits == 0) return std::to_string(minor);
  const bool negative = minor < 0;
  const std::uint64_t u = negative ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  std::uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  std::string frac = std::to_string(u % scale);
  frac.insert(0, static_cast<std::size_t>(digits) - frac.size(), '0');
  return absl::StrCat(negative ? "-" : "", u / scale, ".", frac);
}

}  // namespace

absl::StatusOr<std::pair<Timestamp, Timestamp>> SalesQuery::ParsePeriod(std::string_view period,
                                                                        std::string_view time_zone) {
  return sales::Period(period, time_zone);
}

absl::StatusOr<SalesReport> ParseSalesReport(std::string_view name) {
  static constexpr std::pair<std::string_view, SalesReport> kNames[] = {
      {"pipeline", SalesReport::kPipelineSummary}, {"winrate", SalesReport::kWinRate},
      {"cycle", SalesReport::kSalesCycle},         {"funnel", SalesReport::kFunnel},
      {"lost", SalesReport::kLostReasons},        {"forecast", SalesReport::kForecast},
      {"leaderboard", SalesReport::kLeaderboard}, {"slipped", SalesReport::kSlippedDeals},
      {"products", SalesReport::kProductSales}};
  const std::string folded = absl::AsciiStrToLower(Av(name));
  for (const auto& [n, r] : kNames)
    if (n == folded) return r;
  return absl::InvalidArgumentError(
      absl::StrCat("report: '", Av(name), "' is not one of pipeline, winrate, cycle, funnel, lost, forecast, leaderboard, slipped, products"));
}

ReportTable ReportTable::Of(const PipelineSummary& r) {
  ReportTable t{"Pipeline summary",
                {{"group", Type::kText},
                 {"pipeline", Type::kText},
                 {"stage", Type::kText},
                 {"outcome", Type::kText},
                 {"currency", Type::kText},
                 {"count", Type::kInt},
                 {"amount", Type::kMoney},
                 {"weighted", Type::kMoney}},
                {}};
  for (const PipelineSummaryRow& x : r.rows)
    t.rows.push_back({Group(x.group), x.pipeline_name, x.stage_name, std::string(StageOutcomeName(x.outcome)),
                      x.currency, Int(x.count), x.amount, x.weighted});
  t.chart = Chart(Kind::kBars, {"group", "pipeline", "stage"}, {"amount", "weighted"}, {"currency"});
  return t;
}

ReportTable ReportTable::Of(const WinRate& r) {
  ReportTable t{"Win rate",
                {{"group", Type::kText},
                 {"won", Type::kInt},
                 {"lost", Type::kInt},
                 {"win_rate", Type::kReal},
                 {"currency", Type::kText},
                 {"currency_won", Type::kInt},
                 {"currency_lost", Type::kInt},
                 {"won_amount", Type::kMoney},
                 {"lost_amount", Type::kMoney},
                 {"value_win_rate", Type::kReal}},
                {}};
  for (const WinRateRow& x : r.rows)
    for (const ValueRate& v : x.by_currency)
      t.rows.push_back({Group(x.group), Int(x.won), Int(x.lost), x.rate, v.currency, Int(v.won), Int(v.lost),
                        v.won_amount, v.lost_amount, v.rate});
  t.chart = Chart(Kind::kBars, {"group"}, {"win_rate", "value_win_rate"}, {"currency"});
  return t;
}

ReportTable ReportTable::Of(const SalesCycle& r) {
  ReportTable t{"Sales cycle of won deals",
                {{"group", Type::kText},
                 {"won", Type::kInt},
                 {"average_days", Type::kReal},
                 {"median_days", Type::kReal},
                 {"min_days", Type::kReal},
                 {"max_days", Type::kReal}},
                {}};
  for (const SalesCycleRow& x : r.rows)
    t.rows.push_back({Group(x.group), Int(x.won), x.average_days, x.median_days, x.min_days, x.max_days});
  t.chart = Chart(Kind::kBars, {"group"}, {"average_days", "median_days"}, {});
  return t;
}

ReportTable ReportTable::Of(const Funnel& r) {
  ReportTable t{"Funnel",
                {{"group", Type::kText},
                 {"stage", Type::kText},
                 {"outcome", Type::kText},
                 {"reached", Type::kInt},
                 {"advanced", Type::kInt},
                 {"conversion", Type::kReal},
                 {"stays", Type::kInt},
                 {"average_days", Type::kReal}},
                {}};
  for (const FunnelRow& x : r.rows)
    t.rows.push_back({Group(x.group), x.stage_name, std::string(StageOutcomeName(x.outcome)), Int(x.reached),
                      Int(x.advanced), x.conversion, Int(x.stays), x.average_days});
  t.chart = Chart(Kind::kFunnel, {"stage"}, {"reached"}, {"group"});
  return t;
}

ReportTable ReportTable::Of(const LostReasons& r) {
  ReportTable t{"Lost reasons",
                {{"group", Type::kText}, {"reason", Type::kText}, {"count", Type::kInt}, {"share", Type::kReal}},
                {}};
  for (const LostReasonRow& x : r.rows) t.rows.push_back({Group(x.group), x.reason, Int(x.count), x.share});
  t.chart = Chart(Kind::kBars, {"reason"}, {"count"}, {"group"});
  return t;
}

ReportTable ReportTable::Of(const SlippedDeals& r) {
  ReportTable t{"Slipped deals",
                {{"group", Type::kText},
                 {"opportunity", Type::kInt},
                 {"title", Type::kText},
                 {"currency", Type::kText},
                 {"amount", Type::kMoney},
                 {"slips", Type::kInt},
                 {"from", Type::kText},
                 {"to", Type::kText},
                 {"days", Type::kReal}},
                {}};
  const auto day = [](Timestamp at) {
    return absl::FormatTime("%Y-%m-%d", absl::FromUnixMicros(at), absl::UTCTimeZone());
  };
  for (const SlippedDealRow& x : r.rows)
    t.rows.push_back({Group(x.group), Int(x.opportunity), x.title, x.currency, ReportCell(x.amount), Int(x.slips),
                      day(x.from), day(x.to), x.days});
  t.chart = Chart(Kind::kBars, {"title"}, {"days"}, {"group"});
  return t;
}

ReportTable ReportTable::Of(const ProductSales& r) {
  ReportTable t{"Product sales",
                {{"group", Type::kText},
                 {"code", Type::kText},
                 {"name", Type::kText},
                 {"family", Type::kText},
                 {"currency", Type::kText},
                 {"won", Type::kInt},
                 {"won_quantity", Type::kReal},
                 {"won_amount", Type::kMoney},
                 {"lost", Type::kInt},
                 {"lost_amount", Type::kMoney},
                 {"open", Type::kInt},
                 {"open_amount", Type::kMoney}},
                {}};
  for (const ProductSalesRow& x : r.rows)
    t.rows.push_back({Group(x.group), x.code, x.name, x.family, x.currency, Int(x.won),
                      static_cast<double>(x.won_quantity_milli) / 1000.0, ReportCell(x.won_amount), Int(x.lost),
                      ReportCell(x.lost_amount), Int(x.open), ReportCell(x.open_amount)});
  t.chart = Chart(Kind::kBars, {"name"}, {"won_amount", "open_amount"}, {"group", "currency"});
  return t;
}

ReportTable ReportTable::Of(const Forecast& r) {
  ReportTable t{"Forecast",
                {{"group", Type::kText},
                 {"period", Type::kText},
                 {"currency", Type::kText},
                 {"deals", Type::kInt},
                 {"pipeline", Type::kMoney},
                 {"best_case", Type::kMoney},
                 {"commit", Type::kMoney},
                 {"closed", Type::kMoney},
                 {"omitted", Type::kMoney},
                 {"quota", Type::kMoney},
                 {"attainment", Type::kReal}},
                {}};
  for (const ForecastRow& x : r.rows)
    t.rows.push_back({Group(x.group), x.period, x.currency, Int(x.deals), x.pipeline, x.best_case, x.commit, x.closed,
                      x.omitted, x.has_quota ? ReportCell(x.quota) : ReportCell(), x.has_quota ? ReportCell(x.attainment) : ReportCell()});
  t.chart = Chart(Kind::kColumns, {"period"}, {"closed", "commit", "best_case", "pipeline"}, {"group", "currency"}, "quota");
  return t;
}

ReportTable ReportTable::Of(const Leaderboard& r) {
  ReportTable t{"Leaderboard",
                {{"group", Type::kText},
                 {"currency", Type::kText},
                 {"rank", Type::kInt},
                 {"won", Type::kInt},
                 {"won_amount", Type::kMoney},
                 {"lost", Type::kInt},
                 {"win_rate", Type::kReal},
                 {"open", Type::kInt},
                 {"open_amount", Type::kMoney},
                 {"open_weighted", Type::kMoney}},
                {}};
  for (const LeaderboardRow& x : r.rows)
    t.rows.push_back({Group(x.group), x.currency, Int(x.rank), Int(x.won), x.won_amount, Int(x.lost), x.win_rate,
                      Int(x.open), x.open_amount, x.open_weighted});
  t.chart = Chart(Kind::kBars, {"group"}, {"won_amount", "open_weighted"}, {"currency"});
  return t;
}

std::size_t ReportTable::ColumnIndex(std::string_view name) const {
  for (std::size_t c = 0; c < columns.size(); ++c)
    if (columns[c].name == name) return c;
  return SIZE_MAX;
}

std::string ReportTable::CellText(std::size_t row, std::size_t column) const {
  if (row >= rows.size() || column >= columns.size() || column >= rows[row].size()) return {};
  const std::vector<ReportCell>& r = rows[row];
  const ReportCell& v = r[column];
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    // Money is in the currency of the row's "currency" column.
    const std::size_t currency = ColumnIndex("currency");
    const std::string* code = currency < r.size() ? std::get_if<std::string>(&r[currency]) : nullptr;
    return columns[column].type == Type::kMoney && code != nullptr ? MoneyText(*i, *code) : std::to_string(*i);
  }
  if (const auto* d = std::get_if<double>(&v)) return Real(*d, absl::EndsWith(columns[column].name, "_days") ? 1 : 4);
  return {};
}

std::string ReportTable::ToText() const {
  std::vector<std::vector<std::string>> cells;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::vector<std::string>& out = cells.emplace_back();
    for (std::size_t c = 0; c < columns.size(); ++c) out.push_back(CellText(r, c));
  }
  // Columns with no value in any row (the group of a report not grouped) are left out.
  std::vector<std::size_t> shown, width;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    std::size_t w = columns[c].name.size();
    bool any = false;
    for (const auto& row : cells) {
      w = std::max(w, row[c].size());
      any = any || !row[c].empty();
    }
    if (!any && columns[c].type == Type::kText) continue;
    shown.push_back(c);
    width.push_back(w);
  }
  std::string text = absl::StrCat(title, "\n");
  const auto line = [&](auto cell) {
    std::string l;
    for (std::size_t k = 0; k < shown.size(); ++k) {
      const std::size_t c = shown[k];
      std::string s = cell(c);
      const std::string pad(width[k] - s.size(), ' ');
      const bool right = columns[c].type != Type::kText;
      absl::StrAppend(&l, k == 0 ? "" : "  ", right ? pad : "", s, right || k + 1 == shown.size() ? "" : pad);
    }
    l.erase(l.find_last_not_of(' ') + 1);  // an empty last cell leaves no trailing blanks
    absl::StrAppend(&text, l, "\n");
  };
  line([&](std::size_t c) { return columns[c].name; });
  for (const auto& row : cells) line([&](std::size_t c) { return row[c]; });
  return text;
}

}  // namespace crm
