// Products and line items: the catalog's rules (unique codes, one list price per currency,
// inactive products, deletion refused while deals sell it), lines priced from the catalog with
// quantities, discounts and rounding computed here by hand, the amount derived from the lines,
// the product fields of the query engine, the product sales report checked against a recount,
// the change feed and Verify.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <tuple>

#include "support/fixture.h"

namespace crm {
namespace {

class ProductsTest : public testing::StoreTest {
 protected:
  Product Make(const std::string& code, const std::string& family, std::vector<Money> prices, bool active = true) {
    Product p;
    p.code = code;
    p.name = code + " unit";
    p.family = family;
    p.prices = std::move(prices);
    p.active = active;
    return Ok(store_->Run(&WriteTxn::CreateProduct, p));
  }
  static LineItem Line(ProductId product, std::int64_t quantity_milli = 1000, Money unit = {}, std::int32_t discount = 0) {
    LineItem l;
    l.product = product;
    l.quantity_milli = quantity_milli;
    l.unit_price = std::move(unit);
    l.discount_bp = discount;
    return l;
  }
  absl::StatusOr<Opportunity> Sell(std::vector<LineItem> lines, Money amount = {}) {
    Opportunity o;
    o.title = "deal";
    o.owner = "ann";
    o.amount = std::move(amount);
    o.lines = std::move(lines);
    return store_->Run(&WriteTxn::CreateOpportunity, o);
  }
  std::uint64_t Deals() { return Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::All())); }
};

TEST_F(ProductsTest, TheCatalogKeepsUniqueCodesAndOnePricePerCurrency) {
  const Product pro = Make("GTX-PRO", "GTX", {Money{482100, "USD"}, Money{445000, "EUR"}});
  EXPECT_EQ(pro.revision, 1u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindProductByCode, std::string_view(" gtx-pro "))), pro);
  EXPECT_EQ(pro.PriceIn("EUR")->minor_units, 445000);
  EXPECT_EQ(pro.PriceIn("GBP"), nullptr);
  Product dup;
  dup.code = "gtx-PRO";
  dup.name = "another";
  auto taken = store_->Run(&WriteTxn::CreateProduct, dup);
  EXPECT_TRUE(absl::IsAlreadyExists(taken.status())) << taken.status();
  for (const auto& [bad, field] : {std::pair{Product{.code = "", .name = "x"}, "code"},
                                   {Product{.code = "A", .name = ""}, "name"},
                                   {Product{.code = "A", .name = "x", .prices = {Money{1, "XXY"}}}, "prices[0].currency"},
                                   {Product{.code = "A", .name = "x", .prices = {Money{-1, "USD"}}}, "prices[0].minor_units"},
                                   {Product{.code = "A", .name = "x", .prices = {Money{1, "USD"}, Money{2, "USD"}}},
                                    "prices[1].currency"}}) {
    auto r = store_->Run(&WriteTxn::CreateProduct, bad);
    EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << field;
    EXPECT_NE(r.status().message().find(field), std::string_view::npos) << r.status();
  }
  Make("MG-SPECIAL", "MG", {Money{5500, "USD"}}, /*active=*/false);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListProducts, false)).size(), 2u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListProducts, true)).size(), 1u);
  // A renamed code frees the old one; a stale revision is refused.
  Product renamed = pro;
  renamed.code = "GTX-PRO-2";
  renamed = Ok(store_->Run(&WriteTxn::UpdateProduct, renamed));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindProductByCode, std::string_view("GTX-PRO")).status()));
  EXPECT_EQ(ErrorKindOf(store_->Run(&WriteTxn::UpdateProduct, pro).status()), ErrorKind::kStaleRevision);
  Reopen();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetProduct, pro.id)), renamed);
}

TEST_F(ProductsTest, LinesArePricedFromTheCatalogAndMakeTheAmount) {
  const Product pro = Make("GTX-PRO", "GTX", {Money{482100, "USD"}, Money{445000, "EUR"}});
  const Product basic = Make("GTX-BASIC", "GTX", {Money{55000, "USD"}});
  const Product service = Make("SETUP", "Services", {Money{1999, "USD"}});
  // Two units of Pro at list price, one Basic at 10 % off, 1.5 hours of setup at 12.5 % off:
  // 2 x 4821.00 = 9642.00; 550.00 x 0.9 = 495.00; 19.99 x 1.5 x 0.875 = 26.236875 -> 26.24.
  Opportunity o = Ok(Sell({Line(pro.id, 2000), Line(basic.id, 1000, {}, 1000), Line(service.id, 1500, {}, 1250)},
                          Money{0, "USD"}));
  ASSERT_EQ(o.lines.size(), 3u);
  EXPECT_EQ(o.lines[0].unit_price, (Money{482100, "USD"}));
  EXPECT_EQ(o.lines[0].total, (Money{964200, "USD"}));
  EXPECT_EQ(o.lines[1].total, (Money{49500, "USD"}));
  EXPECT_EQ(o.lines[2].total, (Money{2624, "USD"}));
  EXPECT_EQ(o.amount, (Money{964200 + 49500 + 2624, "USD"}));
  // Half a cent rounds away from zero: 0.01 x 0.5 = 0.005 -> 0.01; 0.01 x 0.4 -> 0.00.
  EXPECT_EQ(Ok(Sell({Line(service.id, 500, Money{1, "USD"})})).amount, (Money{1, "USD"}));
  EXPECT_EQ(Ok(Sell({Line(service.id, 400, Money{1, "USD"})})).amount, (Money{0, "USD"}));
  // The deal's currency picks the list price; a given unit price wins over it.
  Opportunity eur = Ok(Sell({Line(pro.id), Line(pro.id, 1000, Money{400000, "EUR"})}, Money{0, "EUR"}));
  EXPECT_EQ(eur.amount, (Money{845000, "EUR"}));
  // An update that changes the lines changes the amount, whatever amount it passes.
  eur.lines.pop_back();
  eur.amount.minor_units = 1;
  eur = Ok(store_->Run(&WriteTxn::UpdateOpportunity, eur));
  EXPECT_EQ(eur.amount, (Money{445000, "EUR"}));
  // "+lines" adds a line; "lines" replaces them.
  Opportunity more;
  more.id = eur.id;
  more.lines = {Line(pro.id, 3000)};
  eur = Ok(store_->Run(&WriteTxn::PatchOpportunity, more, Ok(Patch::Parse("+lines"))));
  EXPECT_EQ(eur.lines.size(), 2u);
  EXPECT_EQ(eur.amount, (Money{445000 * 4, "EUR"}));
  Reopen();
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetOpportunity, eur.id)), eur);
}

TEST_F(ProductsTest, BadLinesAreRefusedByNameAndChangeNothing) {
  const Product pro = Make("GTX-PRO", "GTX", {Money{482100, "USD"}, Money{445000, "EUR"}});
  const Product usd = Make("USD-ONLY", "GTX", {Money{100, "USD"}});
  const Product old = Make("OLD", "GTX", {Money{100, "USD"}}, /*active=*/false);
  const std::uint64_t seq = Ok(store_->Run(&ReadTxn::LastChangeSeq));
  const std::uint64_t deals = Deals();
  const std::vector<std::tuple<std::vector<LineItem>, Money, std::string>> cases = {
      {{Line(999)}, {}, "lines[0].product: product 999 does not exist"},
      {{Line(0)}, {}, "lines[0].product"},
      {{Line(old.id)}, {}, "is inactive"},
      {{Line(usd.id, 0)}, {}, "lines[0].quantity_milli"},
      {{Line(usd.id, -5)}, {}, "lines[0].quantity_milli"},
      {{Line(usd.id, 1000, {}, 10001)}, {}, "lines[0].discount_bp"},
      {{Line(usd.id, 1000, {}, -1)}, {}, "lines[0].discount_bp"},
      {{Line(usd.id, 1000, Money{-1, "USD"})}, {}, "lines[0].unit_price"},
      {{Line(usd.id, 1000, Money{5, ""})}, {}, "lines[0].unit_price.currency"},
      {{Line(usd.id, 1000, Money{5, "XXY"})}, {}, "lines[0].unit_price.currency"},
      {{Line(pro.id)}, {}, "has 2 list prices"},
      {{Line(usd.id)}, Money{0, "EUR"}, "has no list price in EUR"},
      // The first priced line sets the currency when the amount does not.
      {{Line(usd.id), Line(pro.id, 1000, Money{5, "EUR"})}, {}, "lines[0].unit_price: product 2 (USD-ONLY) has no list price in EUR"},
      {{Line(usd.id, 1000, Money{5, "USD"}), Line(pro.id, 1000, Money{5, "EUR"})},
       {},
       "lines[1].unit_price.currency: is EUR, and the deal is in USD"},
      {{Line(usd.id, 1'000'000'000'001)}, {}, "lines[0].quantity_milli"},
      {{Line(usd.id, 1'000'000'000'000, Money{INT64_MAX, "USD"})}, {}, "lines[0].total"},
      {{Line(usd.id, 1000, Money{INT64_MAX / 2 + 1, "USD"}), Line(usd.id, 1000, Money{INT64_MAX / 2 + 1, "USD"})},
       {},
       "amount: the lines' totals"},
  };
  for (const auto& [lines, amount, want] : cases) {
    auto r = Sell(lines, amount);
    EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << want << ": " << r.status();
    EXPECT_NE(r.status().message().find(want), std::string_view::npos) << r.status();
  }
  EXPECT_EQ(Deals(), deals);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::LastChangeSeq)), seq);
  // A deal that already sells a product keeps it once the product is deactivated.
  Opportunity o = Ok(Sell({Line(usd.id)}));
  Product off = usd;
  off.active = false;
  Ok(store_->Run(&WriteTxn::UpdateProduct, off));
  o.title = "renamed";
  o = Ok(store_->Run(&WriteTxn::UpdateOpportunity, o));
  EXPECT_EQ(o.lines.size(), 1u);
  EXPECT_NE(Sell({Line(usd.id)}).status().message().find("is inactive"), std::string_view::npos);
}

TEST_F(ProductsTest, AProductOnDealsIsNotDeleted) {
  const Product p = Make("A", "F", {Money{100, "USD"}});
  const Opportunity o = Ok(Sell({Line(p.id), Line(p.id, 2000)}));  // one product on two lines
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountDealsWithProduct, p.id)), 1u);
  const absl::Status refused = store_->Run(&WriteTxn::DeleteProduct, p.id);
  EXPECT_EQ(ErrorKindOf(refused), ErrorKind::kHasDependents) << refused;
  EXPECT_NE(refused.message().find("is on 1 deal"), std::string_view::npos) << refused;
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteOpportunity, o.id).ok());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountDealsWithProduct, p.id)), 0u);
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteProduct, p.id).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetProduct, p.id).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::FindProductByCode, std::string_view("a")).status()));
  // The feed has the product's life and the deal's lines.
  const auto code = Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kProduct, p.id, std::string_view("code")));
  ASSERT_EQ(code.size(), 2u);
  EXPECT_EQ(code[0].after, "A");
  EXPECT_EQ(code[1].before, "A");
  const auto lines = Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kOpportunity, o.id, std::string_view("lines")));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].after, absl::StrCat("product ", p.id, " x 1 at 1.00 USD = 1.00 USD; product ", p.id,
                                         " x 2 at 1.00 USD = 2.00 USD"));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
}

TEST_F(ProductsTest, QueriesFilterAndGroupByProductAndFamily) {
  const Product pro = Make("GTX-PRO", "GTX", {Money{1000, "USD"}});
  const Product mg = Make("MG-ADV", "MG", {Money{300, "USD"}});
  const Opportunity a = Ok(Sell({Line(pro.id), Line(mg.id)}));
  const Opportunity b = Ok(Sell({Line(mg.id, 2000)}));
  Ok(Sell({}, Money{5, "USD"}));  // no lines
  const auto ids = [&](const std::string& filter) {
    Search s;
    s.filter = Ok(Filter::Parse(filter));
    std::vector<OpportunityId> out;
    for (const Opportunity& o : Ok(store_->Run(&ReadTxn::SearchOpportunities, s)).opportunities) out.push_back(o.id);
    return out;
  };
  EXPECT_EQ(ids("product = 'gtx-pro'"), (std::vector<OpportunityId>{a.id}));
  EXPECT_EQ(ids("product.family = 'MG'"), (std::vector<OpportunityId>{a.id, b.id}));
  EXPECT_EQ(ids(absl::StrCat("product.id = ", mg.id, " and not product.family = 'GTX'")),
            (std::vector<OpportunityId>{b.id}));
  // Sorted by family (a deal by its first value; none last): the catalog is read for the sort too.
  Search sorted;
  sorted.order_by = "product.family";
  sorted.descending = true;
  std::vector<OpportunityId> order;
  for (const Opportunity& o : Ok(store_->Run(&ReadTxn::SearchOpportunities, sorted)).opportunities) order.push_back(o.id);
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order[0], b.id);  // MG
  EXPECT_EQ(order[1], a.id);  // GTX
  // Grouped by family: a deal counts in each family it sells.
  Aggregation agg;
  agg.group_by = {GroupBy{"product.family"}};
  agg.measures = Ok(Aggregation::ParseMeasures("count, sum(amount)"));
  std::map<std::string, std::pair<std::uint64_t, std::int64_t>> got;
  for (const AggregateRow& r : Ok(store_->Run(&ReadTxn::Aggregate, EntityType::kOpportunity, agg)).rows)
    got[r.keys[0].label] = {r.values[0].value, r.values[1].value};
  EXPECT_EQ(got, (std::map<std::string, std::pair<std::uint64_t, std::int64_t>>{
                     {"", {1, 5}}, {"GTX", {1, 1300}}, {"MG", {2, 1300 + 600}}}));
  // Catalog fields are read through the catalog: they cannot be indexed.
  EXPECT_TRUE(absl::IsInvalidArgument(
      store_->Run(&WriteTxn::DeclareIndex, EntityType::kOpportunity, std::string_view("product.family"))));
}

// Random deals with random lines, won, lost or left open over a year: the report equals this
// test's own sums of the lines, per owner, product and currency.
TEST_F(ProductsTest, ProductSalesEqualTheLinesSummedHere) {
  std::mt19937_64 rng(7);
  std::vector<Product> catalog;
  for (int i = 0; i < 6; ++i)
    catalog.push_back(Make("P" + std::to_string(i), i < 3 ? "A" : "B", {Money{100 + 37 * i, "USD"}, Money{90 + i, "EUR"}}));
  struct Want {
    std::uint64_t won = 0, lost = 0, open = 0;
    std::int64_t won_quantity = 0, won_amount = 0, lost_amount = 0, open_amount = 0;
    bool operator==(const Want&) const = default;
  };
  std::map<std::tuple<std::string, std::string, std::string>, Want> want;  // owner, code, currency
  const Timestamp start = 1'700'000'000'000'000;
  const std::vector<std::string> owners = {"ann", "bob", "cy"};
  for (int d = 0; d < 300; ++d) {
    now_ = start + static_cast<Timestamp>(rng() % 300) * 86'400'000'000LL;
    Opportunity o;
    o.title = "deal";
    o.owner = owners[rng() % owners.size()];
    o.amount.currency = rng() % 4 == 0 ? "EUR" : "USD";
    o.expected_close = now_;
    const int n = 1 + static_cast<int>(rng() % 4);
    for (int l = 0; l < n; ++l)
      o.lines.push_back(Line(catalog[rng() % catalog.size()].id, 1 + static_cast<std::int64_t>(rng() % 5000),
                             rng() % 2 ? Money{} : Money{static_cast<std::int64_t>(rng() % 100000), o.amount.currency},
                             static_cast<std::int32_t>(rng() % 3000)));
    o = Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
    const int fate = static_cast<int>(rng() % 3);
    if (fate == 1) o = Ok(store_->Run(&WriteTxn::CloseWon, o.id));
    if (fate == 2) o = Ok(store_->Run(&WriteTxn::CloseLost, o.id, std::string_view("price")));
    std::map<ProductId, bool> seen;
    for (const LineItem& l : o.lines) {
      // The line's total again, by another path: long double rounding checked by exact integers.
      const __int128 exact = static_cast<__int128>(l.unit_price.minor_units) * l.quantity_milli * (10000 - l.discount_bp);
      std::int64_t total = static_cast<std::int64_t>(exact / 10'000'000);
      if (exact % 10'000'000 * 2 >= 10'000'000) ++total;
      ASSERT_EQ(l.total.minor_units, total);
      const Product& p = *std::find_if(catalog.begin(), catalog.end(), [&](const Product& c) { return c.id == l.product; });
      Want& w = want[{o.owner, p.code, o.amount.currency}];
      const bool first = !seen[l.product];
      seen[l.product] = true;
      if (fate == 1) {
        w.won += first;
        w.won_quantity += l.quantity_milli;
        w.won_amount += total;
      } else if (fate == 2) {
        w.lost += first;
        w.lost_amount += total;
      } else {
        w.open += first;
        w.open_amount += total;
      }
    }
  }
  SalesQuery q;
  q.group_by = "owner";
  std::map<std::tuple<std::string, std::string, std::string>, Want> got;
  const ProductSales report = Ok(store_->Run(&ReadTxn::GetProductSales, q));
  for (const ProductSalesRow& r : report.rows)
    got[{r.group.label, r.code, r.currency}] =
        Want{r.won, r.lost, r.open, r.won_quantity_milli, r.won_amount, r.lost_amount, r.open_amount};
  EXPECT_EQ(got, want);
  for (std::size_t i = 1; i < report.rows.size(); ++i) {  // by group, currency, won amount (largest first)
    const ProductSalesRow &a = report.rows[i - 1], &b = report.rows[i];
    if (a.group.label == b.group.label && a.currency == b.currency) {
      EXPECT_GE(a.won_amount, b.won_amount);
    }
  }
  const ReportTable table = Ok(store_->Run(&ReadTxn::GetReport, SalesReport::kProductSales, q));
  EXPECT_EQ(table.rows.size(), report.rows.size());
  EXPECT_EQ(Ok(ParseSalesReport("products")), SalesReport::kProductSales);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
}

}  // namespace
}  // namespace crm

namespace crm {
namespace {

// Deal scores that read the products: their counts follow closes, reopens, line edits and a
// product changing family, and always equal a recount (Verify); a score shows the product's code.
TEST_F(ProductsTest, ScoresCountProductsAndFamiliesAndFollowAFamilyChange) {
  ASSERT_TRUE(store_->Run(&WriteTxn::SetScoringOptions, ScoringOptions{{"product", "product.family"}, 5}).ok());
  std::vector<Product> catalog;
  for (int i = 0; i < 4; ++i)
    catalog.push_back(Make("P" + std::to_string(i), i < 2 ? "A" : "B", {Money{100, "USD"}}));
  std::mt19937_64 rng(11);
  std::vector<Opportunity> deals;
  for (int d = 0; d < 120; ++d) {
    std::vector<LineItem> lines;
    for (int l = 0, n = 1 + static_cast<int>(rng() % 3); l < n; ++l) lines.push_back(Line(catalog[rng() % 4].id));
    Opportunity o = Ok(Sell(lines));
    const int fate = static_cast<int>(rng() % 3);
    if (fate == 1) o = Ok(store_->Run(&WriteTxn::CloseWon, o.id));
    if (fate == 2) o = Ok(store_->Run(&WriteTxn::CloseLost, o.id, std::string_view("price")));
    deals.push_back(o);
  }
  const auto clean = [&] {
    const VerifyReport r = Ok(store_->Run(&ReadTxn::Verify));
    EXPECT_TRUE(r.problems.empty()) << (r.problems.empty() ? "" : r.problems.front());
  };
  clean();
  // Edits of closed deals' lines, reopens and deletes keep the counts.
  for (int k = 0; k < 30; ++k) {
    Opportunity o = Ok(store_->Run(&ReadTxn::GetOpportunity, deals[rng() % deals.size()].id));
    if (o.id == 0) continue;
    switch (rng() % 3) {
      case 0: o.lines.push_back(Line(catalog[rng() % 4].id)); o = Ok(store_->Run(&WriteTxn::UpdateOpportunity, o)); break;
      case 1: o = Ok(store_->Run(&WriteTxn::MoveOpportunity, o.id, StageId{1})); break;
      default: o = Ok(store_->Run(&WriteTxn::CloseWon, o.id)); break;
    }
  }
  clean();
  // P1 moves from family A to B: the deals selling it are counted under B now.
  Product moved = Ok(store_->Run(&ReadTxn::GetProduct, catalog[1].id));
  moved.family = "B";
  Ok(store_->Run(&WriteTxn::UpdateProduct, moved));
  clean();
  // An open deal selling P1: its factors name the code and the family, with the counts of the
  // closed deals that had them, counted here.
  Opportunity open = Ok(Sell({Line(catalog[1].id)}));
  std::uint64_t won_p1 = 0, lost_p1 = 0, won_b = 0, lost_b = 0;
  const Pipeline def = Ok(store_->Run(&ReadTxn::GetDefaultPipeline));
  for (const Opportunity& o : AllOpportunities()) {
    const StageOutcome outcome = def.FindStage(o.stage)->outcome;
    if (outcome == StageOutcome::kOpen) continue;
    bool p1 = false, b = false;
    for (const LineItem& l : o.lines) {
      p1 = p1 || l.product == catalog[1].id;
      b = b || l.product != catalog[0].id;  // P1, P2 and P3 are in B now
    }
    (outcome == StageOutcome::kWon ? won_p1 : lost_p1) += p1;
    (outcome == StageOutcome::kWon ? won_b : lost_b) += b;
  }
  const DealScore score = Ok(store_->Run(&ReadTxn::ScoreDeal, open.id));
  ASSERT_EQ(score.basis, ScoreBasis::kModel) << score.explanation;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> factors;
  for (const ScoreFactor& f : score.factors) factors[f.field + "=" + f.value] = {f.won, f.lost};
  EXPECT_EQ(factors.at("product=P1"), std::pair(won_p1, lost_p1));
  EXPECT_EQ(factors.at("product.family=B"), std::pair(won_b, lost_b));
  EXPECT_TRUE(absl::IsInvalidArgument(
      store_->Run(&WriteTxn::SetScoringOptions, ScoringOptions{{"product.code"}, 5})));
}

}  // namespace
}  // namespace crm
