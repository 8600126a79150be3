// Exchange rates and reports in a reporting currency: each deal converted at the rate in effect
// on its close date, rounded half away from zero, as this test converts it by hand; quotas at
// the start of their period; a missing rate named; two currencies never added unconverted.
#include <gtest/gtest.h>

#include "support/fixture.h"
#include "support/maven.h"

namespace crm {
namespace {

using testing::Midnight;

class RatesTest : public testing::StoreTest {
 protected:
  ExchangeRate Rate(const std::string& from, const std::string& to, const std::string& day, const std::string& rate) {
    return Ok(store_->Run(&WriteTxn::SetExchangeRate,
                          ExchangeRate{from, to, Midnight(day), Ok(ExchangeRate::ParseRate(rate)), 0}));
  }
  // A deal of `owner` closed (won or lost) at noon of `day`, or open and expected then.
  Opportunity Deal(const std::string& owner, Money amount, const std::string& day, const std::string& outcome) {
    now_ = Midnight(day) + 12LL * 3600 * 1'000'000;
    Opportunity o;
    o.title = "deal";
    o.owner = owner;
    o.amount = std::move(amount);
    o.expected_close = now_;
    o = Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
    if (outcome == "won") o = Ok(store_->Run(&WriteTxn::CloseWon, o.id));
    if (outcome == "lost") o = Ok(store_->Run(&WriteTxn::CloseLost, o.id, std::string_view("price")));
    return o;
  }
  SalesQuery InUsd(const std::string& group_by = "") {
    SalesQuery q;
    q.currency = "USD";
    q.group_by = group_by;
    return q;
  }
};

TEST_F(RatesTest, RatesAreParsedCheckedListedAndDeleted) {
  EXPECT_EQ(Ok(ExchangeRate::ParseRate("1.0834")), 1'083'400'000);
  EXPECT_EQ(Ok(ExchangeRate::ParseRate("150")), 150'000'000'000);
  EXPECT_EQ(Ok(ExchangeRate::ParseRate("0.000000001")), 1);
  for (const char* bad : {"", "0", "0.0", "-1", "1.", ".5", "1.0000000001", "1,08", "abc", "1e3"}) {
    const auto r = ExchangeRate::ParseRate(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("rate: '"), std::string_view::npos) << r.status();
    }
  }
  EXPECT_EQ((ExchangeRate{"EUR", "USD", 0, 1'083'400'000, 0}.RateText()), "1.0834");
  EXPECT_EQ((ExchangeRate{"EUR", "USD", 0, 2'000'000'000, 0}.RateText()), "2");
  const ExchangeRate set = Rate("eur", "usd", "2024-01-01", "1.10");
  EXPECT_EQ(set.from, "EUR");
  EXPECT_EQ(set.to, "USD");
  EXPECT_EQ(set.updated_at, now_);
  Rate("EUR", "USD", "2024-07-01", "1.05");
  Rate("GBP", "USD", "2024-01-01", "1.25");
  for (const auto& [bad, field] : {std::pair{ExchangeRate{"XXY", "USD", 0, 1, 0}, "from"},
                                   {ExchangeRate{"EUR", "", 0, 1, 0}, "to"},
                                   {ExchangeRate{"EUR", "EUR", 0, 1, 0}, "to"},
                                   {ExchangeRate{"EUR", "USD", 0, 0, 0}, "billionths"}}) {
    const auto r = store_->Run(&WriteTxn::SetExchangeRate, bad);
    EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
    EXPECT_NE(r.status().message().find(field), std::string_view::npos) << r.status();
  }
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListExchangeRates, std::string_view(), std::string_view())).size(), 3u);
  const auto eur = Ok(store_->Run(&ReadTxn::ListExchangeRates, std::string_view("EUR"), std::string_view()));
  ASSERT_EQ(eur.size(), 2u);
  EXPECT_EQ(eur[1].effective, Midnight("2024-07-01"));
  EXPECT_EQ(eur[1].RateText(), "1.05");
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteExchangeRate, std::string_view("EUR"), std::string_view("USD"),
                          Midnight("2024-07-01")).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::DeleteExchangeRate, std::string_view("EUR"),
                                           std::string_view("USD"), Midnight("2024-07-01"))));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListExchangeRates, std::string_view(), std::string_view("usd"))).size(), 2u);
}

TEST_F(RatesTest, ConversionUsesTheRateInEffectAndRoundsHalfAwayFromZero) {
  Rate("EUR", "USD", "2024-01-01", "1.1");
  Rate("EUR", "USD", "2024-07-01", "1.05");
  Rate("USD", "JPY", "2024-01-01", "150.125");
  const auto convert = [&](Money m, const std::string& to, const std::string& day) {
    return store_->Run(&ReadTxn::ConvertMoney, m, std::string_view(to), Midnight(day));
  };
  EXPECT_EQ(Ok(convert({1000, "EUR"}, "USD", "2024-03-01")), (Money{1100, "USD"}));
  EXPECT_EQ(Ok(convert({1000, "EUR"}, "USD", "2024-07-01")), (Money{1050, "USD"}));  // from that moment on
  EXPECT_EQ(Ok(convert({5, "EUR"}, "USD", "2024-07-01")), (Money{5, "USD"}));        // 5.25 -> 5
  EXPECT_EQ(Ok(convert({10, "EUR"}, "USD", "2024-07-01")), (Money{11, "USD"}));      // 10.5 -> 11
  EXPECT_EQ(Ok(convert({-10, "EUR"}, "USD", "2024-07-01")), (Money{-11, "USD"}));    // -10.5 -> -11
  EXPECT_EQ(Ok(convert({199, "USD"}, "JPY", "2024-03-01")), (Money{299, "JPY"}));    // $1.99 = 298.74875 yen
  EXPECT_EQ(Ok(convert({199, "USD"}, "USD", "2024-03-01")), (Money{199, "USD"}));
  EXPECT_EQ(Ok(convert({0, ""}, "USD", "2024-03-01")), (Money{0, ""}));
  const auto early = convert({1000, "EUR"}, "USD", "2023-12-31");
  EXPECT_TRUE(absl::IsFailedPrecondition(early.status())) << early.status();
  EXPECT_NE(early.status().message().find("no exchange rate from EUR to USD in effect on 2023-12-31 (its first rate is from 2024-01-01)"),
            std::string_view::npos) << early.status();
  const auto none = convert({1000, "GBP"}, "USD", "2024-03-01");
  EXPECT_NE(none.status().message().find("from GBP to USD"), std::string_view::npos) << none.status();
  EXPECT_TRUE(absl::IsInvalidArgument(convert({1000, "EUR"}, "ZZZ", "2024-03-01").status()));
}

TEST_F(RatesTest, ReportsInAReportingCurrencyConvertEachDealAtItsCloseDate) {
  Rate("EUR", "USD", "2024-01-01", "1.1");
  Rate("EUR", "USD", "2024-07-01", "1.05");
  Deal("ann", {100000, "EUR"}, "2024-03-10", "won");   // 1,100.00 USD
  Deal("ann", {100000, "EUR"}, "2024-08-10", "won");   // 1,050.00 USD
  Deal("ann", {50000, "USD"}, "2024-08-11", "lost");   //   500.00 USD
  Deal("bob", {33333, "EUR"}, "2024-09-01", "open");   //   349.9965 -> 350.00 USD, expected then
  Deal("bob", {}, "2024-09-02", "open");               // no amount: stays without one
  // Per currency without one; one currency with it.
  SalesQuery per_currency;
  per_currency.group_by = "owner";
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetLeaderboard, per_currency)).rows.size(), 4u);  // ann EUR, USD; bob EUR, ""
  const Leaderboard board = Ok(store_->Run(&ReadTxn::GetLeaderboard, InUsd("owner")));
  ASSERT_EQ(board.rows.size(), 3u);  // ann in USD; bob in USD and without a currency
  const auto row = [&](const std::string& owner, const std::string& currency) {
    const auto it = std::find_if(board.rows.begin(), board.rows.end(), [&](const LeaderboardRow& r) {
      return r.group.label == owner && r.currency == currency;
    });
    return it == board.rows.end() ? LeaderboardRow{} : *it;
  };
  EXPECT_EQ(row("ann", "USD").won_amount, 110000 + 105000);
  EXPECT_EQ(row("bob", "USD").open_amount, 35000);
  EXPECT_EQ(row("bob", "").open, 1u);
  const WinRate rate = Ok(store_->Run(&ReadTxn::GetWinRate, InUsd()));
  ASSERT_EQ(rate.rows.size(), 1u);
  ASSERT_EQ(rate.rows[0].by_currency.size(), 1u);
  EXPECT_EQ(rate.rows[0].by_currency[0].won_amount, 215000);
  EXPECT_EQ(rate.rows[0].by_currency[0].lost_amount, 50000);
  const PipelineSummary summary = Ok(store_->Run(&ReadTxn::GetPipelineSummary, InUsd()));
  std::int64_t total = 0;
  for (const PipelineSummaryRow& r : summary.rows) {
    EXPECT_TRUE(r.currency == "USD" || (r.currency.empty() && r.amount == 0)) << r.currency;
    total += r.amount;
  }
  EXPECT_EQ(total, 110000 + 105000 + 50000 + 35000);

  // A deal closed before the first rate: the report names the pair, the day and the deal.
  const Opportunity early = Deal("cy", {100, "EUR"}, "2023-06-01", "won");
  const auto failed = store_->Run(&ReadTxn::GetWinRate, InUsd());
  EXPECT_TRUE(absl::IsFailedPrecondition(failed.status())) << failed.status();
  EXPECT_NE(failed.status().message().find("EUR to USD in effect on 2023-06-01"), std::string_view::npos) << failed.status();
  EXPECT_NE(failed.status().message().find("opportunity " + std::to_string(early.id)), std::string_view::npos);
  SalesQuery later = InUsd();
  later.period = "2024";
  EXPECT_TRUE(store_->Run(&ReadTxn::GetWinRate, later).ok());  // the period leaves it out
  later.currency = "NOPE";
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::GetWinRate, later).status()));
}

TEST_F(RatesTest, AForecastConvertsItsQuotasAtTheStartOfTheirPeriod) {
  Rate("EUR", "USD", "2024-01-01", "1.1");
  Rate("EUR", "USD", "2024-04-01", "1.2");
  const Team east = Ok(store_->Run(&WriteTxn::CreateTeam, Team{0, 0, 0, 0, "East", "", 0}));
  User ann;
  ann.name = "ann";
  ann.login = "ann";
  ann.team = east.id;
  ann = Ok(store_->Run(&WriteTxn::CreateUser, ann));
  Ok(store_->Run(&WriteTxn::SetQuota, Quota{ann.id, 0, "2024-Q2", Money{1000000, "EUR"}, 0, {}}));
  Deal("ann", {500000, "EUR"}, "2024-05-10", "won");
  SalesQuery q = InUsd("owner");
  q.bucket = TimeBucket::kQuarter;
  q.period = "2024-Q2";
  const Forecast f = Ok(store_->Run(&ReadTxn::GetForecast, q));
  ASSERT_EQ(f.rows.size(), 1u);
  EXPECT_EQ(f.rows[0].currency, "USD");
  EXPECT_EQ(f.rows[0].closed, 600000);
  EXPECT_TRUE(f.rows[0].has_quota);
  EXPECT_EQ(f.rows[0].quota, 1200000);
  EXPECT_DOUBLE_EQ(f.rows[0].attainment, 0.5);
}

}  // namespace
}  // namespace crm
