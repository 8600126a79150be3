// Sales reports (since 0.13): what a sales manager reads every morning, computed from the deals
// and their stage history in one snapshot.
//
//   PipelineSummary  per pipeline and stage: deals, amount and probability-weighted amount
//   WinRate          won against lost deals closed in a period, by count and by value
//   SalesCycle       days from creation to close of the deals won in a period
//   Funnel           per stage of a pipeline: deals that reached it, how many went on, time spent
//   LostReasons      the reasons deals closed lost in a period, most frequent first
//   Forecast         per close month or quarter: amounts per forecast category, quota, attainment
//   Leaderboard      per owner or team: won value and rank, win rate, open pipeline
//   SlippedDeals     deals whose expected close was moved later in a period (since 0.14)
//   ProductSales     per product: deals won, lost and open, quantities and value from their lines
//                    (since 0.15)
//
// Every report takes a SalesQuery: a filter of the query engine over opportunities (query.hpp:
// "owner = 'ann' and custom.product = 'GTX Pro'"), a field to group by (owner, team, team.region,
// custom.product, any field of opportunities; its first value) and a period in a time zone.
// Money is never added across currencies: each figure of money is per currency (minor units),
// and a deal without an amount counts under currency "" with amount 0.
//
// Each report also comes as a ReportTable: named, typed columns and rows of cells, which the C
// ABI, Python and the command-line tool use, and which stays the same shape as reports grow.
//
// Thread safety: the types are plain values; the operations are members of the transactions
// (store.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/opportunity.hpp"
#include "crm/pipeline.hpp"
#include "crm/query.hpp"
#include "crm/scoring.hpp"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"
#include "crm/user.hpp"

namespace crm {

struct SalesQuery {
  Filter filter;  // the deals looked at (every deal when empty)
  // A field of opportunities to group by: "owner", "team", "team.region", "custom.product" ...
  // Empty: one group for all (its key is empty, as is that of the deals without a value).
  std::string group_by;
  // The period, in `time_zone`: "2017" (a year), "2017-Q3", "2017-03", "2017-W09" (ISO week),
  // "2017-03-05" (a day), or "2017-01-15..2017-03-31" (both days included). Empty: from..to.
  std::string period;
  Timestamp from = INT64_MIN;  // used when `period` is empty: [from, to)
  Timestamp to = INT64_MAX;
  std::string time_zone = "UTC";  // an IANA name ("Europe/Berlin")
  // Funnel: the pipeline (0: the default one). The other reports cover every pipeline the filter
  // lets through ("pipeline = 'Enterprise'" narrows them).
  PipelineId pipeline = 0;
  // Forecast: its buckets, months (kMonth) or quarters (kQuarter) of the close date in time_zone.
  TimeBucket bucket = TimeBucket::kMonth;
  // The reporting currency (since 0.14): every amount converted into it at the exchange rate in
  // effect on the deal's close date (when it closed; for an open deal when it is expected to, or
  // now without an expected close), and a forecast's quotas at the start of their period. Empty:
  // each figure of money per currency. A report needing a rate there is none of fails with
  // FailedPrecondition naming the pair and the day.
  std::string currency;

  // The [from, to) of a period text in a time zone; InvalidArgument naming what is wrong.
  static absl::StatusOr<std::pair<Timestamp, Timestamp>> ParsePeriod(std::string_view period,
                                                                      std::string_view time_zone);
};

// Per group, pipeline, stage and currency. The period, when given, selects deals by their close
// date: when they closed, or for open deals when they are expected to close.
struct PipelineSummaryRow {
  GroupKey group;
  PipelineId pipeline = 0;
  std::string pipeline_name;
  StageId stage = 0;
  std::string stage_name;
  StageOutcome outcome = StageOutcome::kOpen;
  std::string currency;
  std::uint64_t count = 0;
  std::int64_t amount = 0;    // minor units
  // The sum of amount × probability / 100 over the deals, rounded half away from zero once, at
  // the end (not deal by deal).
  std::int64_t weighted = 0;
};
struct PipelineSummary {
  std::vector<PipelineSummaryRow> rows;  // by group, pipeline id, stage order, currency
};

// Deals closed (won or lost) in the period, by the time they entered their closing stage.
struct ValueRate {
  std::string currency;
  std::uint64_t won = 0;  // deals in this currency
  std::uint64_t lost = 0;
  std::int64_t won_amount = 0;  // minor units
  std::int64_t lost_amount = 0;
  double rate = 0;  // won_amount / (won_amount + lost_amount); 0 when both are 0
};
struct WinRateRow {
  GroupKey group;
  std::uint64_t won = 0;
  std::uint64_t lost = 0;
  double rate = 0;  // won / (won + lost)
  std::vector<ValueRate> by_currency;  // by currency code
};
struct WinRate {
  std::vector<WinRateRow> rows;  // by group
};

// Deals won in the period: days from created_at (an import's engage date) to closed_at.
struct SalesCycleRow {
  GroupKey group;
  std::uint64_t won = 0;
  double average_days = 0;
  double median_days = 0;  // the mean of the middle two for an even count
  double min_days = 0;
  double max_days = 0;
};
struct SalesCycle {
  std::vector<SalesCycleRow> rows;  // by group
};

// The deals of one pipeline created in the period, read from their stage history. A deal reached
// every open stage it entered and every open stage before the furthest one it entered (stages
// skipped count as passed); a won deal reached every open stage and the won one.
struct FunnelRow {
  GroupKey group;
  StageId stage = 0;
  std::string stage_name;
  StageOutcome outcome = StageOutcome::kOpen;  // the open stages in order, then the won one
  std::uint64_t reached = 0;
  std::uint64_t advanced = 0;  // of those, deals that reached the next row's stage (0 on the won row)
  double conversion = 0;       // advanced / reached
  // The stays in this stage that ended (the deal moved on or closed), and their mean length.
  std::uint64_t stays = 0;
  double average_days = 0;
};
struct Funnel {
  PipelineId pipeline = 0;
  std::vector<FunnelRow> rows;  // by group, then stage
};

// Deals lost in the period, per group and reason ("" for none given), most frequent first.
struct LostReasonRow {
  GroupKey group;
  std::string reason;
  std::uint64_t count = 0;
  double share = 0;  // of the group's lost deals
};
struct LostReasons {
  std::vector<LostReasonRow> rows;  // by group, then count (descending), then reason
};

// Per group (by "owner" or "team", as a sales floor ranks people and teams) and currency: the
// deals won and lost in the period, and the deals open now (whatever the period), ranked by won
// amount within each currency.
struct LeaderboardRow {
  GroupKey group;
  std::string currency;
  std::uint64_t rank = 0;  // 1: the largest won amount in this currency (ties share a rank)
  std::uint64_t won = 0;
  std::int64_t won_amount = 0;
  std::uint64_t lost = 0;
  double win_rate = 0;  // of the group, by count, every currency: won / (won + lost)
  std::uint64_t open = 0;
  std::int64_t open_amount = 0;
  std::int64_t open_weighted = 0;  // probability-weighted, rounded once as in the summary
};
struct Leaderboard {
  std::vector<LeaderboardRow> rows;  // by currency, then rank, then group
};

// Deals whose expected close was moved later in the period, read from the change feed: each
// update that set a later expected close is a slip (an earlier one, or setting or clearing one,
// is not). A row per deal, by group, then days slipped (most first), then id. Changes trimmed by
// retention, or erased, are not seen.
struct SlippedDealRow {
  GroupKey group;
  OpportunityId opportunity = 0;
  std::string title;
  std::string currency;
  std::int64_t amount = 0;  // as it is now
  std::uint64_t slips = 0;  // in the period
  Timestamp from = 0;       // the expected close before its first slip in the period
  Timestamp to = 0;         // after its last one
  double days = 0;          // (to - from) in days; the sum of the slips less any pull-in between
};
struct SlippedDeals {
  std::vector<SlippedDealRow> rows;
};

// Per group, product and currency (since 0.15), from the deals' line items: the deals won and
// lost in the period (by when they closed) and open ones expected to close in it, as the pipeline
// summary takes a period; without one, every deal. A deal with a product on two lines counts
// once in `won` (or lost, open) and adds both lines' quantity and value. With a reporting
// currency, each line's total is converted on its deal's date, then added.
struct ProductSalesRow {
  GroupKey group;
  ProductId product = 0;
  std::string code;  // the product as the catalog has it now
  std::string name;
  std::string family;
  std::string currency;
  std::uint64_t won = 0;  // deals
  std::int64_t won_quantity_milli = 0;  // thousandths of a unit
  std::int64_t won_amount = 0;          // minor units: the lines' totals
  std::uint64_t lost = 0;
  std::int64_t lost_amount = 0;
  std::uint64_t open = 0;
  std::int64_t open_amount = 0;
};
struct ProductSales {
  std::vector<ProductSalesRow> rows;  // by group, currency, won amount (largest first), code
};

// A sales target of a user or a team for a month or a quarter (since 0.13).
struct Quota {
  UserId user = 0;  // exactly one of user and team
  TeamId team = 0;
  std::string period;  // a month "2017-03" or a quarter "2017-Q2"; stored in that form
  Money target;        // more than 0, in a known currency
  // Managed by the store.
  Timestamp updated_at = 0;
  std::string actor;
  friend bool operator==(const Quota&, const Quota&) = default;
};

// Deals by close month or quarter: closed deals when they closed (won ones count as closed, lost
// ones as omitted), open ones when they are expected to (open deals without an expected close are
// left out), each amount under the deal's forecast category (ForecastOf), per currency. Grouped
// by "owner" or "team", each row carries the quota of that user or team for its period (for a
// quarter with no quota of its own, the sum of its months' quotas) on the row of the quota's
// currency, and the attainment: closed / quota.
struct ForecastRow {
  GroupKey group;
  std::string period;  // "2017-03" or "2017-Q2"
  Timestamp start = 0;  // where the period begins
  std::string currency;
  std::uint64_t deals = 0;
  std::int64_t pipeline = 0;  // minor units per category
  std::int64_t best_case = 0;
  std::int64_t commit = 0;
  std::int64_t closed = 0;
  std::int64_t omitted = 0;
  bool has_quota = false;
  std::int64_t quota = 0;
  double attainment = 0;  // closed / quota; 0 without a quota
};
struct Forecast {
  std::vector<ForecastRow> rows;  // by group, period, currency
};

// An exchange rate (since 0.14): from `effective` on, until the pair's next rate, one unit of
// `from` is worth `rate` units of `to` (1.0834: 1'083'400'000 billionths).
struct ExchangeRate {
  std::string from;  // known ISO 4217 codes, not the same
  std::string to;
  Timestamp effective = 0;
  std::int64_t billionths = 0;  // the rate x 10^9, more than 0
  // Managed by the store.
  Timestamp updated_at = 0;

  // "1.0834" (a decimal with at most 9 places, more than 0) in billionths; InvalidArgument
  // otherwise.
  static absl::StatusOr<std::int64_t> ParseRate(std::string_view text);
  std::string RateText() const;  // "1.0834"
  friend bool operator==(const ExchangeRate&, const ExchangeRate&) = default;
};

// A report as a table: the same for every report, so that other languages read any of them.
struct ReportColumn {
  enum class Type : std::uint8_t { kText, kInt, kReal, kMoney };  // kMoney: minor units (int)
  std::string name;
  Type type = Type::kText;
};
using ReportCell = std::variant<std::monostate, std::string, std::int64_t, double>;  // monostate: no value

// How a report is drawn on an HTML page (since 0.21; ReportsToHtml). Columns are named:
//   kBars     a horizontal bar per row, named by the `label` columns, one bar per `values` column;
//   kColumns  a vertical column per row (periods, in the table's order), the `values` stacked, and
//             the `marker` column (a quota) as a tick across its column;
//   kFunnel   a centred bar per row of the first `values` column, with its share of the first row;
//   kHeatMap  a row of cells per table row, a cell per `values` column shaded by its value.
// A chart is drawn per distinct value of the `split` columns, so amounts in two currencies never
// share an axis. Rows without a value are not drawn; the table under the chart has every row.
struct ReportChart {
  enum class Kind : std::uint8_t { kNone = 0, kBars = 1, kColumns = 2, kFunnel = 3, kHeatMap = 4 };
  Kind kind = Kind::kNone;
  std::vector<std::string> label = {};
  std::vector<std::string> values = {};
  std::vector<std::string> split = {};
  std::string marker = {};
};

struct ReportTable {
  std::string title;
  std::vector<ReportColumn> columns;
  std::vector<std::vector<ReportCell>> rows;  // one cell per column
  ReportChart chart = {};                     // since 0.21: set by every report of the library

  static ReportTable Of(const PipelineSummary& r);
  static ReportTable Of(const WinRate& r);  // a row per group and currency
  static ReportTable Of(const SalesCycle& r);
  static ReportTable Of(const Funnel& r);
  static ReportTable Of(const LostReasons& r);
  static ReportTable Of(const Forecast& r);
  static ReportTable Of(const Leaderboard& r);
  static ReportTable Of(const SlippedDeals& r);
  static ReportTable Of(const ProductSales& r);
  // Aligned columns, money with its decimals, as the command-line tool prints it.
  std::string ToText() const;
  // Cell (row, column) as ToText prints it ("" when it has no value or is out of range).
  std::string CellText(std::size_t row, std::size_t column) const;
  // The index of the column named `name`, or SIZE_MAX.
  std::size_t ColumnIndex(std::string_view name) const;
  // This report alone as an HTML page (ReportsToHtml).
  std::string ToHtml() const;
};

// One self-contained HTML page (since 0.21): the title, then each report with its chart (inline
// SVG, drawn as its ReportChart says) and its table. No script, no style sheet, font or image
// from elsewhere: the page's content security policy forbids every fetch, so it opens the same
// offline. Every text from the store is escaped. Each drawn mark carries its raw value (money in
// minor units) in data-value, and its label and series in data-label and data-series. A table
// shows its first 1,000 rows and a bar chart its first 40, each saying so when there are more.
std::string ReportsToHtml(std::string_view title, const std::vector<ReportTable>& reports);

enum class SalesReport : std::uint8_t {
  kPipelineSummary = 1,
  kWinRate = 2,
  kSalesCycle = 3,
  kFunnel = 4,
  kLostReasons = 5,
  kForecast = 6,
  kLeaderboard = 7,
  kSlippedDeals = 8,  // since 0.14
  kProductSales = 9,  // since 0.15
};
// "pipeline", "winrate", "cycle", "funnel", "lost", "forecast", "leaderboard", "slipped", "products"; InvalidArgument
// listing them otherwise.
absl::StatusOr<SalesReport> ParseSalesReport(std::string_view name);

class SalesReads {
 public:
  absl::StatusOr<PipelineSummary> GetPipelineSummary(const SalesQuery& query) const;
  absl::StatusOr<WinRate> GetWinRate(const SalesQuery& query) const;
  absl::StatusOr<SalesCycle> GetSalesCycle(const SalesQuery& query) const;
  absl::StatusOr<Funnel> GetFunnel(const SalesQuery& query) const;
  absl::StatusOr<LostReasons> GetLostReasons(const SalesQuery& query) const;
  absl::StatusOr<Forecast> GetForecast(const SalesQuery& query) const;
  absl::StatusOr<Leaderboard> GetLeaderboard(const SalesQuery& query) const;
  absl::StatusOr<SlippedDeals> GetSlippedDeals(const SalesQuery& query) const;
  absl::StatusOr<ProductSales> GetProductSales(const SalesQuery& query) const;
  // Any of them, as a table.
  absl::StatusOr<ReportTable> GetReport(SalesReport report, const SalesQuery& query) const;

  // The quotas of a user (team 0), of a team (user 0), or every one (both 0), by holder and
  // period.
  absl::StatusOr<std::vector<Quota>> ListQuotas(UserId user = 0, TeamId team = 0) const;

  // The win probability of a deal with its factors (crm/scoring.hpp, since 0.14). NotFound when
  // there is no such deal.
  absl::StatusOr<DealScore> ScoreDeal(OpportunityId id) const;
  absl::StatusOr<ScoringOptions> GetScoringOptions() const;

  // Exchange rates (since 0.14): every one, or those from and / or to a currency; by from, to
  // and effective time.
  absl::StatusOr<std::vector<ExchangeRate>> ListExchangeRates(std::string_view from = {},
                                                              std::string_view to = {}) const;
  // `amount` in currency `to` at the rate in effect at `at`, rounded half away from zero to its
  // minor unit, as the reports convert it.
  absl::StatusOr<Money> ConvertMoney(const Money& amount, std::string_view to, Timestamp at) const;

 protected:
  SalesReads() = default;
};

class SalesWrites {
 public:
  // Sets the quota of a user or team for a period, replacing the one it had. InvalidArgument
  // naming the field; NotFound when the user or team does not exist.
  absl::StatusOr<Quota> SetQuota(const Quota& quota);
  // NotFound when there is none.
  absl::Status DeleteQuota(UserId user, TeamId team, std::string_view period);

  // Sets what the scoring model reads and counts every closed deal again with it (a read of
  // every deal). InvalidArgument naming the field.
  absl::Status SetScoringOptions(const ScoringOptions& options);

  // Sets the rate of a pair from a time on, replacing the one set for that time. InvalidArgument
  // naming the field.
  absl::StatusOr<ExchangeRate> SetExchangeRate(const ExchangeRate& rate);
  // NotFound when there is none.
  absl::Status DeleteExchangeRate(std::string_view from, std::string_view to, Timestamp effective);

 protected:
  SalesWrites() = default;
};

}  // namespace crm
