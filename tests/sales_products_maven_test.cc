// Products on the Maven pipeline: the catalog imported from products.csv, each deal's product as a line
// (sales_pipeline.csv writes "GTXPro" for the catalog's "GTX Pro": the import matches names but
// for case and spaces), and the product sales report's won value per product and per series
// checked against the same sums computed here from the raw CSV, to the cent.
#include <gtest/gtest.h>

#include <map>

#include "support/files.h"
#include "support/fixture.h"
#include "support/maven.h"

namespace crm {
namespace {

using testing::Cents;
using testing::SplitCsv;

const std::string kMavenDir = std::string(CRM_TEST_DATA_DIR) + "/maven/";

class ProductsMavenTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    Ok(store_->Run(&WriteTxn::CreatePipeline, testing::MavenStages()));
    for (const auto& row : SplitCsv(kMavenDir + "products.csv")) {  // product,series,sales_price
      if (row[0] == "product") continue;
      family_of_[row[0]] = row[1];
      list_price_[row[0]] = Cents(row[2]);
    }
    catalog_job_ = Ok(store_->Import({.path = kMavenDir + "products.csv", .preset = "maven_products"}));
    ASSERT_EQ(catalog_job_.counts, (ImportCounts{7, 0, 0, 0, 0}));
    ASSERT_EQ(family_of_.size(), 7u);
    job_ = Ok(store_->Import({.path = kMavenDir + "sales_pipeline.csv",
                              .pipeline = "MavenTech",
                              .preset = "maven_pipeline",
                              .columns = {{"product", "product"}}}));
  }
  // The catalog's name of a product as sales_pipeline.csv writes it.
  static std::string Catalogued(const std::string& name) { return name == "GTXPro" ? "GTX Pro" : name; }

  std::map<std::string, std::string> family_of_;
  std::map<std::string, std::int64_t> list_price_;
  ImportJob catalog_job_, job_;
};

TEST_F(ProductsMavenTest, WonValuePerProductAndSeriesEqualTheFile) {
  ASSERT_EQ(job_.counts.failed, 0u);
  ASSERT_EQ(Ok(store_->Run(&ReadTxn::CountOpportunities, OpportunityQuery::All())), 8800u);
  struct Sums {
    std::uint64_t won = 0, lost = 0, open = 0;
    std::int64_t won_amount = 0, open_amount = 0;
    bool operator==(const Sums&) const = default;
  };
  std::map<std::string, Sums> want, want_series;
  for (const auto& r : SplitCsv(kMavenDir + "sales_pipeline.csv")) {
    if (r[0] == "opportunity_id") continue;
    const std::string product = Catalogued(r[2]);
    for (Sums* s : {&want[product], &want_series[family_of_.at(product)]}) {
      if (r[4] == "Won") {
        ++s->won;
        s->won_amount += Cents(r[7]);
      } else if (r[4] == "Lost") {
        ++s->lost;
      } else {  // an open deal without a value is priced at the list price
        ++s->open;
        s->open_amount += list_price_.at(product);
      }
    }
  }
  std::map<std::string, Sums> got;
  const ProductSales all = Ok(store_->Run(&ReadTxn::GetProductSales, SalesQuery{}));
  for (const ProductSalesRow& r : all.rows) {
    EXPECT_EQ(r.currency, "USD");
    EXPECT_EQ(r.lost_amount, 0);  // Maven's lost deals have close_value 0
    got[r.name] = Sums{r.won, r.lost, r.open, r.won_amount, r.open_amount};
  }
  EXPECT_EQ(got, want);
  // Per series: the report grouped by the products' family.
  SalesQuery by_family;
  by_family.group_by = "product.family";
  std::map<std::string, Sums> series;
  const ProductSales per_family = Ok(store_->Run(&ReadTxn::GetProductSales, by_family));
  for (const ProductSalesRow& r : per_family.rows) {
    EXPECT_EQ(r.family, r.group.label);
    Sums& s = series[r.family];
    s.won += r.won;
    s.lost += r.lost;
    s.open += r.open;
    s.won_amount += r.won_amount;
    s.open_amount += r.open_amount;
  }
  EXPECT_EQ(series, want_series);
  // The query engine counts the same deals per product.
  for (const auto& [product, sums] : want) {
    Search s;
    s.filter = Ok(Filter::Parse("product = '" + product + "' and status = 'won'"));
    EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kOpportunity, s)), sums.won) << product;
  }
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
}

TEST_F(ProductsMavenTest, TheCatalogImportsAgainUnchangedAndAPriceListUpdatesIt) {
  const std::vector<Product> catalog = Ok(store_->Run(&ReadTxn::ListProducts, false));
  ASSERT_EQ(catalog.size(), 7u);
  for (const Product& p : catalog) {
    EXPECT_EQ(p.code, p.name);
    EXPECT_EQ(p.family, family_of_.at(p.name));
    EXPECT_EQ(p.prices, (std::vector<Money>{Money{list_price_.at(p.name), "USD"}}));
  }
  const ImportJob again = Ok(store_->Import({.path = kMavenDir + "products.csv", .preset = "maven_products"}));
  EXPECT_EQ(again.counts, (ImportCounts{0, 0, 7, 0, 0}));
  // A euro price list adds a price in EUR and keeps the dollar one; a new code makes a product.
  const std::string eur = dir_.File("eur.csv");
  testing::WriteFile(eur, "sku,list price\nGTX Basic,EUR 500.00\nNEW-1,EUR 10\n");
  const ImportJob prices = Ok(store_->Import({.path = eur, .records = ImportRecords::kProducts}));
  EXPECT_EQ(prices.counts.updated, 1u);
  EXPECT_EQ(prices.counts.failed, 1u);  // a new product needs a name
  const Product basic = Ok(store_->Run(&ReadTxn::FindProductByCode, std::string_view("gtx basic")));
  EXPECT_EQ(basic.prices, (std::vector<Money>{Money{55000, "USD"}, Money{50000, "EUR"}}));
  Ok(store_->RevertImport(prices.id, {}));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::FindProductByCode, std::string_view("GTX Basic"))).prices.size(), 1u);
  // The catalog's own import: refused while GTX Basic has changed since; forced, its products stay
  // on the deals that sell them, deactivated.
  const auto refused = store_->RevertImport(catalog_job_.id, {});
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find("product 1 was changed since"), std::string_view::npos) << refused.status();
  const ImportJob forced = Ok(store_->RevertImport(catalog_job_.id, {.force = true}));
  EXPECT_EQ(forced.reverted_deleted, 0u);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ListProducts, true)).empty());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListProducts, false)).size(), 7u);
}

// The catalog exported (a row per list price) and imported into another store comes back whole.
TEST_F(ProductsMavenTest, TheCatalogExportsAndImportsBackWhole) {
  Product pro = Ok(store_->Run(&ReadTxn::FindProductByCode, std::string_view("GTX Pro")));
  pro.prices.push_back(Money{445000, "EUR"});
  pro.description = "Workstation, \"pro\" line";
  pro.active = false;
  Ok(store_->Run(&WriteTxn::UpdateProduct, pro));
  for (const char* name : {"catalog.csv", "catalog.jsonl"}) {
    SCOPED_TRACE(name);
    const std::string path = dir_.File(name);
    const ExportReport out = Ok(store_->Export({.path = path, .records = ImportRecords::kProducts}));
    EXPECT_EQ(out.rows, 7u);
    auto other = Store::Open(dir_.File(std::string(name) + ".crm"), StoreOptions{});
    ASSERT_TRUE(other.ok()) << other.status();
    const ImportJob back = Ok((*other)->Import({.path = path, .records = ImportRecords::kProducts}));
    EXPECT_EQ(back.counts.failed, 0u);
    EXPECT_EQ(back.counts.created, 7u);
    const auto there = Ok((*other)->Run(&ReadTxn::ListProducts, false));
    const auto here = Ok(store_->Run(&ReadTxn::ListProducts, false));
    ASSERT_EQ(there.size(), here.size());
    for (std::size_t i = 0; i < here.size(); ++i) {
      EXPECT_EQ(there[i].code, here[i].code);
      EXPECT_EQ(there[i].name, here[i].name);
      EXPECT_EQ(there[i].family, here[i].family);
      EXPECT_EQ(there[i].description, here[i].description);
      EXPECT_EQ(there[i].active, here[i].active);
      EXPECT_EQ(there[i].prices, here[i].prices);
      EXPECT_EQ(there[i].created_at, here[i].created_at);
    }
  }
  const auto filtered = store_->Export({.path = dir_.File("x.csv"), .records = ImportRecords::kProducts, .where = "id = 1"});
  EXPECT_TRUE(absl::IsInvalidArgument(filtered.status())) << filtered.status();
}

}  // namespace
}  // namespace crm
