// The IBM Telco customers (7,043, tests/data/ibm-telco) imported with the ibm_telco preset: churn
// overall, by contract and by tenure band, and monthly charges by contract to the cent, each
// compared with the same figure computed here from the CSV by another path.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "support/fixture.h"

namespace crm {
namespace {

const std::string kTelco = std::string(CRM_TEST_DATA_DIR) + "/ibm-telco/Telco-Customer-Churn.csv";

struct Tally {
  std::uint64_t customers = 0, churned = 0;
  std::int64_t monthly_cents = 0;
};

// The CSV read by hand: per contract and per tenure band of 12 months.
struct FromCsv {
  Tally all;
  std::map<std::string, Tally> by_contract;
  std::map<std::int64_t, Tally> by_band;
  std::uint64_t blank_total_charges = 0;
};

FromCsv ReadCsv() {
  FromCsv out;
  std::ifstream in(kTelco);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = absl::StrSplit(line, ',');
  auto column = [&](std::string_view name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const std::size_t contract = column("Contract"), tenure = column("tenure"), churn = column("Churn"),
                    monthly = column("MonthlyCharges"), total = column("TotalCharges");
  while (std::getline(in, line)) {
    const std::vector<std::string> f = absl::StrSplit(line, ',');
    EXPECT_EQ(f.size(), header.size()) << line;
    std::int64_t months = 0;
    EXPECT_TRUE(absl::SimpleAtoi(f[tenure], &months)) << line;
    double charges = 0;
    EXPECT_TRUE(absl::SimpleAtod(f[monthly], &charges)) << line;
    const bool churned = f[churn] == "Yes";
    for (Tally* t : {&out.all, &out.by_contract[f[contract]], &out.by_band[months / 12 * 12]}) {
      ++t->customers;
      t->churned += churned ? 1 : 0;
      t->monthly_cents += std::llround(charges * 100);
    }
    if (f[total] == " ") ++out.blank_total_charges;
  }
  return out;
}

class TelcoTest : public testing::StoreTest {};

TEST_F(TelcoTest, ChurnByContractAndTenureBandMatchesTheCsv) {
  constexpr Timestamp kImported = 1'750'000'000'000'000;
  now_ = kImported;
  ImportOptions options;
  options.path = kTelco;
  options.preset = "ibm_telco";
  const ImportJob job = Ok(store_->Import(options));
  EXPECT_EQ(job.counts.created, 7043u);
  EXPECT_EQ(job.counts.failed, 0u);
  const FromCsv csv = ReadCsv();
  ASSERT_EQ(csv.all.customers, 7043u);
  ASSERT_EQ(csv.all.churned, 1869u);

  ChurnQuery q;
  q.from = kImported - 1;
  q.to = kImported + 1;
  auto percent = [](std::uint64_t part, std::uint64_t whole) {  // to the hundredth of a percent
    return std::round(10000.0 * static_cast<double>(part) / static_cast<double>(whole)) / 100;
  };
  ChurnReport r = Ok(store_->Run(&ReadTxn::Churn, q));
  EXPECT_EQ(r.total.customers, csv.all.customers);
  EXPECT_EQ(r.total.churned, csv.all.churned);
  EXPECT_EQ(std::round(r.total.rate * 10000) / 100, percent(csv.all.churned, csv.all.customers));
  EXPECT_EQ(std::round(r.total.rate * 10000) / 100, 26.54);

  q.group_by = Ok(Aggregation::ParseGroupBy("custom.contract"));
  r = Ok(store_->Run(&ReadTxn::Churn, q));
  ASSERT_EQ(r.rows.size(), csv.by_contract.size());
  for (const ChurnRow& row : r.rows) {
    const Tally& t = csv.by_contract.at(row.keys[0].label);
    EXPECT_EQ(row.customers, t.customers) << row.keys[0].label;
    EXPECT_EQ(row.churned, t.churned) << row.keys[0].label;
    EXPECT_EQ(std::round(row.rate * 10000) / 100, percent(t.churned, t.customers)) << row.keys[0].label;
  }
  EXPECT_EQ(std::round(r.rows[0].rate * 10000) / 100, 42.71);  // month-to-month

  q.group_by = Ok(Aggregation::ParseGroupBy("band(custom.tenure, 12)"));
  r = Ok(store_->Run(&ReadTxn::Churn, q));
  ASSERT_EQ(r.rows.size(), csv.by_band.size());
  for (const ChurnRow& row : r.rows) {
    const std::int64_t band = std::get<std::int64_t>(row.keys[0].value);
    const Tally& t = csv.by_band.at(band);
    EXPECT_EQ(row.keys[0].label, std::to_string(band) + "-" + std::to_string(band + 11));
    EXPECT_EQ(row.customers, t.customers) << band;
    EXPECT_EQ(row.churned, t.churned) << band;
  }

  // Monthly charges by contract to the cent, and the 11 blank TotalCharges kept as no value.
  Aggregation a;
  a.group_by = Ok(Aggregation::ParseGroupBy("custom.contract"));
  a.measures = Ok(Aggregation::ParseMeasures("count, sum(custom.monthly_charges)"));
  const AggregateResult sums = Ok(store_->Run(&ReadTxn::Aggregate, EntityType::kCustomer, a));
  ASSERT_EQ(sums.rows.size(), 3u);
  for (const AggregateRow& row : sums.rows) {
    EXPECT_EQ(row.currency, "USD");
    EXPECT_EQ(row.values[1].value, csv.by_contract.at(row.keys[0].label).monthly_cents) << row.keys[0].label;
  }
  Search blank;
  blank.filter = Ok(Filter::Parse("custom.total_charges is empty"));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kCustomer, blank)), csv.blank_total_charges);
  EXPECT_EQ(csv.blank_total_charges, 11u);
}

}  // namespace
}  // namespace crm
