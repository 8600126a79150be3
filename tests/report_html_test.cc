// Reports as HTML pages (ReportsToHtml): each chart kind draws a mark per value with the value it
// stands for, amounts in two currencies get a chart each, text from the store is escaped, the page
// fetches nothing and is well nested, and odd tables (missing columns, short rows, values that are
// not finite, too many rows) give a page rather than a crash.
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <set>
#include <regex>

#include "support/fixture.h"

namespace crm {
namespace {

using Type = ReportColumn::Type;
using Kind = ReportChart::Kind;

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The marks of a class: (data-label, data-series) -> data-value.
std::map<std::pair<std::string, std::string>, std::string> Marks(const std::string& page, const std::string& cls) {
  std::map<std::pair<std::string, std::string>, std::string> out;
  const std::regex mark("class=\"" + cls + "\"[^>]* data-label=\"([^\"]*)\" data-series=\"([^\"]*)\" data-value=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), mark); it != std::sregex_iterator(); ++it)
    out[{(*it)[1].str(), (*it)[2].str()}] = (*it)[3].str();
  return out;
}

// Every element opened is closed in order (void elements and "/>" aside); an empty string if so,
// else where it is not.
std::string Nesting(const std::string& page) {
  static const std::regex tag("<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>");
  std::vector<std::string> open;
  for (auto it = std::sregex_iterator(page.begin(), page.end(), tag); it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[2].str();
    if ((*it)[3].length() > 0 || name == "meta" || name == "link" || name == "br") continue;
    if ((*it)[1].length() == 0) {
      open.push_back(name);
    } else if (open.empty() || open.back() != name) {
      return "</" + name + "> closes " + (open.empty() ? "nothing" : "<" + open.back() + ">");
    } else {
      open.pop_back();
    }
  }
  return open.empty() ? "" : "<" + open.back() + "> is never closed";
}

void ExpectSafePage(const std::string& page) {
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""), std::string::npos);
  EXPECT_EQ(Count(page, "<script"), 0u);
  EXPECT_EQ(Count(page, "http://") + Count(page, "https://"), 0u);
  EXPECT_EQ(Nesting(page), "");
}

class ReportHtmlTest : public testing::StoreTest {};

TEST_F(ReportHtmlTest, APipelineIsDrawnPerCurrencyWithEveryAmountAndItsNamesEscaped) {
  Pipeline p;
  p.name = "Direct <b>&</b>";
  p.stages = {{0, "<script>alert('x')</script>", 20, StageOutcome::kOpen},
              {0, "Proposal \"big\"", 60, StageOutcome::kOpen},
              {0, "Won", 100, StageOutcome::kWon},
              {0, "Lost", 0, StageOutcome::kLost}};
  const Pipeline pipeline = Ok(store_->Run(&WriteTxn::CreatePipeline, p));
  const auto deal = [&](std::size_t stage, std::int64_t minor, const char* currency) {
    Opportunity o;
    o.title = "deal";
    o.pipeline = pipeline.id;
    o.stage = pipeline.stages[stage].id;
    o.amount = Money{minor, currency};
    Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
  };
  deal(0, 150'000, "EUR");
  deal(0, 250'050, "EUR");
  deal(1, 999'999, "EUR");
  deal(1, 12'345, "JPY");
  const ReportTable t = Ok(store_->Run(&ReadTxn::GetReport, SalesReport::kPipelineSummary, SalesQuery{}));
  ASSERT_EQ(t.rows.size(), 3u);
  const std::string page = t.ToHtml();
  ExpectSafePage(page);
  // One chart per currency, none mixing them.
  EXPECT_EQ(Count(page, "data-chart=\"bars\""), 2u);
  EXPECT_NE(page.find("<figcaption>currency: EUR</figcaption>"), std::string::npos);
  EXPECT_NE(page.find("<figcaption>currency: JPY</figcaption>"), std::string::npos);
  // The stage names are shown, escaped, never as markup.
  EXPECT_NE(page.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("Direct &lt;b&gt;&amp;&lt;/b&gt; · Proposal &quot;big&quot;"), std::string::npos);
  // A bar per row and series, each carrying the table's value (minor units).
  std::multiset<std::string> drawn, expected;
  const std::regex bar("class=\"bar\"[^>]* data-label=\"([^\"]*)\" data-series=\"([^\"]*)\" data-value=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), bar); it != std::sregex_iterator(); ++it)
    drawn.insert((*it)[1].str() + "|" + (*it)[2].str() + "|" + (*it)[3].str());
  const std::size_t stage = t.ColumnIndex("stage"), amount = t.ColumnIndex("amount"), weighted = t.ColumnIndex("weighted");
  for (const auto& row : t.rows) {
    std::string name = std::get<std::string>(row[stage]);
    if (name == "Won" || name == "Lost") continue;
    name = name[0] == '<' ? "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" : "Proposal &quot;big&quot;";
    const std::string label = "Direct &lt;b&gt;&amp;&lt;/b&gt; · " + name;
    expected.insert(label + "|amount|" + std::to_string(std::get<std::int64_t>(row[amount])));
    expected.insert(label + "|weighted|" + std::to_string(std::get<std::int64_t>(row[weighted])));
  }
  EXPECT_EQ(drawn.size(), 6u);
  EXPECT_EQ(drawn, expected);
  // The table under it has every row, money with its decimals (JPY has none).
  EXPECT_NE(page.find("<td class=\"n\">4000.50</td>"), std::string::npos);
  EXPECT_NE(page.find("<td class=\"n\">12345</td>"), std::string::npos);
  // The same tables give the same page.
  EXPECT_EQ(page, t.ToHtml());
}

ReportTable Forecast() {
  ReportTable t{"Forecast",
                {{"period", Type::kText}, {"currency", Type::kText}, {"closed", Type::kMoney}, {"commit", Type::kMoney},
                 {"quota", Type::kMoney}},
                {{std::string("2024-01"), std::string("USD"), std::int64_t{100'00}, std::int64_t{50'00}, std::int64_t{120'00}},
                 {std::string("2024-02"), std::string("USD"), std::int64_t{0}, std::int64_t{80'00}, std::monostate{}},
                 {std::string("2024-03"), std::string("USD"), std::monostate{}, std::monostate{}, std::monostate{}}},
                {Kind::kColumns, {"period"}, {"closed", "commit"}, {"currency"}, "quota"}};
  return t;
}

TEST(ReportHtml, ColumnsStackTheirValuesAndMarkTheQuota) {
  const std::string page = Forecast().ToHtml();
  ExpectSafePage(page);
  const auto segments = Marks(page, "segment");
  // Zero and missing values draw nothing; a row with no value at all is not drawn.
  EXPECT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments.at({"2024-01", "closed"}), "10000");
  EXPECT_EQ(segments.at({"2024-01", "commit"}), "5000");
  EXPECT_EQ(segments.at({"2024-02", "commit"}), "8000");
  const auto quota = Marks(page, "marker");
  ASSERT_EQ(quota.size(), 1u);
  EXPECT_EQ(quota.at({"2024-01", "quota"}), "12000");
  EXPECT_NE(page.find(">2024-02</text>"), std::string::npos);
  EXPECT_EQ(page.find(">2024-03</text>"), std::string::npos);
}

TEST(ReportHtml, AFunnelGivesEachStageItsShareOfTheFirst) {
  ReportTable t{"Funnel",
                {{"stage", Type::kText}, {"reached", Type::kInt}},
                {{std::string("Lead"), std::int64_t{200}}, {std::string("Qualified"), std::int64_t{50}},
                 {std::string("Won"), std::int64_t{0}}},
                {Kind::kFunnel, {"stage"}, {"reached"}, {}, {}}};
  const std::string page = t.ToHtml();
  ExpectSafePage(page);
  const auto stages = Marks(page, "stage");
  ASSERT_EQ(stages.size(), 3u);
  EXPECT_EQ(stages.at({"Qualified", "reached"}), "50");
  EXPECT_NE(page.find(">50 (25 % of the first)</text>"), std::string::npos);
  EXPECT_NE(page.find(">0 (0 % of the first)</text>"), std::string::npos);
}

TEST(ReportHtml, AHeatMapShadesEachCellByItsShareAndLeavesMonthsToComeBlank) {
  ReportTable t{"Cohort retention",
                {{"cohort", Type::kText}, {"customers", Type::kInt}, {"m0", Type::kReal}, {"m1", Type::kReal}, {"m2", Type::kReal}},
                {{std::string("2024-01"), std::int64_t{10}, 1.0, 0.5, 0.25},
                 {std::string("2024-02"), std::int64_t{4}, 1.0, 0.0, std::monostate{}}},
                {Kind::kHeatMap, {"cohort"}, {"m0", "m1", "m2"}, {}, {}}};
  const std::string page = t.ToHtml();
  ExpectSafePage(page);
  const auto cells = Marks(page, "cell");
  ASSERT_EQ(cells.size(), 5u);
  EXPECT_EQ(cells.at({"2024-01", "m2"}), "0.25");
  EXPECT_EQ(cells.count({"2024-02", "m2"}), 0u);
  EXPECT_NE(page.find(">25%</text>"), std::string::npos);
  // Full retention is the deepest shade, none the palest.
  EXPECT_NE(page.find("fill=\"#08306b\" data-label=\"2024-01\" data-series=\"m0\""), std::string::npos);
  EXPECT_NE(page.find("fill=\"#eef3fb\" data-label=\"2024-02\" data-series=\"m1\""), std::string::npos);
}

TEST(ReportHtml, LongReportsAreCutAndSaySo) {
  ReportTable t{"Many", {{"name", Type::kText}, {"n", Type::kInt}}, {}, {Kind::kBars, {"name"}, {"n"}, {}, {}}};
  for (int i = 0; i < 1500; ++i) t.rows.push_back({"row " + std::to_string(i), std::int64_t{i}});
  const std::string page = t.ToHtml();
  ExpectSafePage(page);
  EXPECT_EQ(Marks(page, "bar").size(), 40u);
  EXPECT_NE(page.find("The first 40 of 1500 rows are drawn."), std::string::npos);
  EXPECT_EQ(Count(page, "<tr>"), 1001u);  // the header and 1,000 rows
  EXPECT_NE(page.find("The first 1000 of 1500 rows are shown."), std::string::npos);
}

TEST(ReportHtml, OddTablesGiveAPageNotACrash) {
  const double inf = std::numeric_limits<double>::infinity();
  ReportTable t{"Odd",
                {{"name", Type::kText}, {"x", Type::kReal}, {"y", Type::kMoney}},
                {{std::string("nan"), std::numeric_limits<double>::quiet_NaN(), std::int64_t{-500}},
                 {std::string("inf"), inf, std::int64_t{INT64_MAX}},
                 {std::string("short")},
                 {},
                 {std::string("neg"), -2.5, std::int64_t{INT64_MIN}}},
                {Kind::kBars, {"name", "missing"}, {"x", "y", "missing"}, {"missing"}, "missing"}};
  std::string page = t.ToHtml();
  ExpectSafePage(page);
  const auto bars = Marks(page, "bar");
  EXPECT_EQ(bars.count({"nan", "x"}), 0u);  // not finite: not drawn
  EXPECT_EQ(bars.count({"inf", "x"}), 0u);
  EXPECT_EQ(bars.at({"nan", "y"}), "-500");
  EXPECT_EQ(bars.at({"neg", "x"}), "-2.5");
  EXPECT_EQ(bars.at({"inf", "y"}), std::to_string(INT64_MAX));
  // Every kind on the same table, and a kind out of range.
  for (Kind kind : {Kind::kColumns, Kind::kFunnel, Kind::kHeatMap, static_cast<Kind>(77)}) {
    t.chart.kind = kind;
    ExpectSafePage(t.ToHtml());
  }
  // Nothing to draw: the table alone. No rows: says so.
  t.chart = {Kind::kBars, {"name"}, {"name"}, {}, {}};
  EXPECT_EQ(Count(t.ToHtml(), "<svg"), 0u);
  ReportTable empty{"Empty <none>", {{"n", Type::kInt}}, {}, {Kind::kBars, {}, {"n"}, {}, {}}};
  page = ReportsToHtml("Two & more", {empty, Forecast()});
  ExpectSafePage(page);
  EXPECT_NE(page.find("<p class=\"note\">No rows.</p>"), std::string::npos);
  EXPECT_NE(page.find("<title>Two &amp; more</title>"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"#report-1\">Empty &lt;none&gt;</a>"), std::string::npos);
  EXPECT_NE(page.find("<section class=\"report\" id=\"report-2\">"), std::string::npos);
}

}  // namespace
}  // namespace crm
