// A purchase history of our own making (a generator with a fixed seed: 2,100 customers, about
// 20,000 purchases over two and a half years) checks cohorts, RFM, lifetime value and the at-risk
// list against the same figures computed here from the generated purchases, by another path
// (std::chrono calendar months, sorting, the segment grid as a table).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "support/fixture.h"

namespace crm {
namespace {

using namespace std::chrono;  // NOLINT: calendar arithmetic

constexpr Timestamp kOneDay = 86'400'000'000;

Timestamp At(int y, unsigned m, unsigned d) {
  return duration_cast<microseconds>(sys_days{year{y} / month{m} / day{d}}.time_since_epoch()).count();
}
int MonthIndex(Timestamp t) {  // months since 1970-01, UTC
  const year_month_day ymd{floor<days>(sys_time<microseconds>{microseconds{t}})};
  return (static_cast<int>(ymd.year()) - 1970) * 12 + static_cast<int>(static_cast<unsigned>(ymd.month())) - 1;
}

struct Bought {
  CustomerId customer;
  Timestamp at;
  std::int64_t cents;
};

class HistoryTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    now_ = At(2025, 6, 15);
    std::mt19937_64 rng(16);
    std::vector<Customer> made(2100);
    ASSERT_TRUE(store_->Write("gen", [&](WriteTxn& txn) -> absl::Status {
      for (std::size_t i = 0; i < made.size(); ++i) {
        Customer c;
        c.given_name = "G" + std::to_string(i);
        c.family_name = "H";
        auto r = txn.CreateCustomer(c);
        if (!r.ok()) return r.status();
        made[i] = *r;
      }
      return absl::OkStatus();
    }).ok());
    const Timestamp start = At(2023, 1, 1), end = At(2025, 6, 15);
    for (const Customer& c : made) {
      Timestamp t = start + static_cast<Timestamp>(rng() % static_cast<std::uint64_t>((end - start) / kOneDay)) * kOneDay +
                    static_cast<Timestamp>(rng() % 86'400) * 1'000'000;
      const int gap = 10 + static_cast<int>(rng() % 80);  // the customer's habit, in days
      while (t < end) {
        purchases_.push_back(Bought{c.id, t, 500 + static_cast<std::int64_t>(rng() % 20000)});
        if (rng() % 100 < 4) break;  // gone
        t += (gap / 2 + static_cast<Timestamp>(rng() % static_cast<std::uint64_t>(gap))) * kOneDay;
      }
    }
    for (std::size_t from = 0; from < purchases_.size(); from += 5000)
      ASSERT_TRUE(store_->Write("gen", [&](WriteTxn& txn) -> absl::Status {
        for (std::size_t i = from; i < std::min(purchases_.size(), from + 5000); ++i) {
          Interaction in;
          in.customer = purchases_[i].customer;
          in.kind = InteractionKind::kPurchase;
          in.occurred_at = purchases_[i].at;
          in.amount = Money{purchases_[i].cents, "EUR"};
          if (auto r = txn.LogInteraction(in); !r.ok()) return r.status();
        }
        return absl::OkStatus();
      }).ok());
    for (const Bought& b : purchases_) {
      Who& w = who_[b.customer];
      w.first = w.count == 0 ? b.at : std::min(w.first, b.at);
      w.last = w.count == 0 ? b.at : std::max(w.last, b.at);
      ++w.count;
      w.cents += b.cents;
    }
  }
  struct Who {
    Timestamp first = 0, last = 0;
    std::uint64_t count = 0;
    std::int64_t cents = 0;
  };
  std::vector<Bought> purchases_;
  std::map<CustomerId, Who> who_;
};

TEST_F(HistoryTest, CohortsMatchACountByCalendarMonth) {
  ASSERT_GT(purchases_.size(), 15000u);
  // Cohort (first month) -> customers, and per month after it the customers who bought.
  std::map<int, std::pair<std::uint64_t, std::map<int, std::uint64_t>>> want;
  std::map<CustomerId, std::set<int>> months;
  for (const Bought& b : purchases_) months[b.customer].insert(MonthIndex(b.at));
  for (const auto& [customer, set] : months) {
    const int first = *set.begin();
    auto& [count, cells] = want[first];
    ++count;
    for (int m : set)
      if (m - first <= 12) ++cells[m - first];
  }
  CohortQuery q;
  q.from = At(2023, 1, 1);
  q.to = At(2026, 1, 1);
  q.months = 12;
  const CohortTable t = Ok(store_->Run(&ReadTxn::Cohorts, q));
  ASSERT_EQ(t.rows.size(), want.size());
  const int now = MonthIndex(now_);
  for (const CohortRow& row : t.rows) {
    const int m = MonthIndex(row.start);
    const auto& [count, cells] = want.at(m);
    EXPECT_EQ(row.customers, count) << row.cohort;
    ASSERT_EQ(row.active.size(), static_cast<std::size_t>(std::min(12, now - m)) + 1) << row.cohort;
    for (std::size_t k = 0; k < row.active.size(); ++k) {
      const auto it = cells.find(static_cast<int>(k));
      EXPECT_EQ(row.active[k], it == cells.end() ? 0u : it->second) << row.cohort << " +" << k;
      EXPECT_DOUBLE_EQ(row.share[k], static_cast<double>(row.active[k]) / static_cast<double>(count));
    }
    EXPECT_EQ(row.active[0], row.customers);
  }
  EXPECT_EQ(t.rows.front().cohort, "2023-01");
  // A window of cohorts, and the table form.
  q.from = At(2024, 1, 1);
  q.to = At(2024, 4, 1);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::Cohorts, q)).rows.size(), 3u);
  CustomerReportQuery rq;
  rq.from = q.from;
  rq.to = q.to;
  rq.months = 3;
  const ReportTable table = Ok(store_->Run(&ReadTxn::GetCustomerReport, CustomerReport::kCohorts, rq));
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.columns.size(), 6u);  // cohort, customers, m0 .. m3
  EXPECT_EQ(std::get<std::string>(table.rows[0][0]), "2024-01");
  EXPECT_EQ(std::get<double>(table.rows[0][2]), 1.0);
}

// The segment grid of the documentation, as a table: rows R 5..1, columns F 1..5.
const char* const kGrid[5][5] = {
    {"new", "potential_loyalists", "potential_loyalists", "champions", "champions"},
    {"promising", "potential_loyalists", "potential_loyalists", "loyal", "loyal"},
    {"about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"},
    {"hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose"},
    {"lost", "hibernating", "at_risk", "at_risk", "cannot_lose"},
};

TEST_F(HistoryTest, RfmSegmentsMatchQuintilesByRank) {
  const Timestamp at = now_;
  struct Raw {
    CustomerId id;
    std::int64_t recency;
    std::uint64_t frequency;
    std::int64_t monetary;
  };
  std::vector<Raw> raw;
  for (const auto& [id, w] : who_) raw.push_back(Raw{id, (at - w.last) / kOneDay, w.count, w.cents});
  const double n = static_cast<double>(raw.size());
  // A score: the fifth of the ranking the customer's mid-rank falls in (ties share it).
  auto score = [&](auto worse) {
    return [&, worse](const Raw& x) {
      const auto below = std::count_if(raw.begin(), raw.end(), [&](const Raw& y) { return worse(y, x); });
      const auto equal = std::count_if(raw.begin(), raw.end(), [&](const Raw& y) { return !worse(y, x) && !worse(x, y); });
      return static_cast<int>(std::ceil(5.0 * (static_cast<double>(below) + static_cast<double>(equal + 1) / 2) / n));
    };
  };
  const auto r_of = score([](const Raw& y, const Raw& x) { return y.recency > x.recency; });
  const auto f_of = score([](const Raw& y, const Raw& x) { return y.frequency < x.frequency; });
  const auto m_of = score([](const Raw& y, const Raw& x) { return y.monetary < x.monetary; });
  std::map<std::string, std::uint64_t> counts;
  std::map<std::string, std::int64_t> sums;
  RfmQuery q;
  q.currency = "EUR";
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const Raw& x = raw[i];
    const int r = r_of(x), f = f_of(x);
    const std::string segment = kGrid[5 - r][f - 1];
    ++counts[segment];
    sums[segment] += x.monetary;
    if (i % 97 == 0) {  // some customers one at a time
      const RfmScore s = Ok(store_->Run(&ReadTxn::RfmOf, x.id, q));
      EXPECT_EQ(s.r, r);
      EXPECT_EQ(s.f, f);
      EXPECT_EQ(s.m, m_of(x));
      EXPECT_EQ(s.recency_days, x.recency);
      EXPECT_EQ(RfmSegmentName(s.segment), segment);
    }
  }
  const RfmReport report = Ok(store_->Run(&ReadTxn::RfmSegments, q));
  EXPECT_EQ(report.customers, raw.size());
  ASSERT_EQ(report.segments.size(), 11u);
  for (const RfmSegmentCount& s : report.segments) {
    EXPECT_EQ(s.customers, counts[std::string(RfmSegmentName(s.segment))]) << RfmSegmentName(s.segment);
    EXPECT_EQ(s.monetary.minor_units, sums[std::string(RfmSegmentName(s.segment))]) << RfmSegmentName(s.segment);
  }
  EXPECT_GT(counts["champions"], 0u);
  EXPECT_GT(counts["lost"], 0u);
  // A customer without purchases is not scored; an unknown one is not found; a bad currency is named.
  const Customer idle = MakePerson("Idle", "I");
  EXPECT_TRUE(absl::IsFailedPrecondition(store_->Run(&ReadTxn::RfmOf, idle.id, q).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::RfmOf, CustomerId{999999}, q).status()));
  q.currency = "XXZ";
  EXPECT_NE(store_->Run(&ReadTxn::RfmSegments, q).status().message().find("currency"), std::string_view::npos);
}

TEST_F(HistoryTest, LifetimeValueFollowsItsFormula) {
  const Timestamp at = now_;
  // The store's yearly churn, no-purchase with 90 days, counted here.
  const Timestamp year = static_cast<Timestamp>(365.25 * static_cast<double>(kOneDay));
  std::map<CustomerId, int> flags;
  for (const Bought& b : purchases_) {
    if (b.at >= at - year - 90 * kOneDay && b.at < at - year) flags[b.customer] |= 1;
    if (b.at >= at - 90 * kOneDay && b.at < at) flags[b.customer] |= 2;
  }
  double base = 0, churned = 0;
  for (const auto& [id, f] : flags)
    if (f & 1) {
      ++base;
      churned += (f & 2) ? 0 : 1;
    }
  const double rate = churned / base;
  int checked = 0;
  for (const auto& [id, w] : who_) {
    if (++checked > 40) break;
    const LifetimeValue v = Ok(store_->Run(&ReadTxn::GetLifetimeValue, LifetimeValueQuery{id, "EUR", 0, 90}));
    EXPECT_EQ(v.historic.minor_units, w.cents);
    EXPECT_EQ(v.average_order.minor_units, w.cents / static_cast<std::int64_t>(w.count));
    EXPECT_DOUBLE_EQ(v.yearly_churn_rate, rate);
    EXPECT_EQ(v.estimated, w.count >= 2) << id;
    EXPECT_DOUBLE_EQ(v.expected_years, w.count < 2 ? 0 : std::min(10.0, 1 / rate));
    const double span = std::max(30.0 * kOneDay, static_cast<double>(at - w.first));
    const double per_year = static_cast<double>(w.count) * 365.25 * kOneDay / span;
    EXPECT_NEAR(v.purchases_per_year, per_year, 1e-9);
    const double estimate = static_cast<double>(w.cents) / static_cast<double>(w.count) * per_year * v.expected_years;
    const std::int64_t want = w.count < 2 ? w.cents : std::max<std::int64_t>(w.cents, std::llround(estimate));
    EXPECT_NEAR(static_cast<double>(v.predicted.minor_units), static_cast<double>(want), 1.0) << id;
  }
  EXPECT_GT(rate, 0.0);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetLifetimeValue, LifetimeValueQuery{999999, "EUR", 0, 90}).status()));
}

TEST_F(HistoryTest, AtRiskListsTheValuableWhoWentQuiet) {
  // Every purchase counts as contact; a call moves some customers' last contact later.
  std::map<CustomerId, Timestamp> contact;
  for (const auto& [id, w] : who_) contact[id] = w.last;
  int i = 0;
  for (auto& [id, last] : contact)
    if (++i % 5 == 0) {
      Touch(id, InteractionKind::kCall, At(2025, 6, 1));
      last = std::max(last, At(2025, 6, 1));
    }
  const Timestamp since = At(2025, 3, 1);
  std::vector<std::pair<std::int64_t, CustomerId>> want;
  for (const auto& [id, w] : who_)
    if (contact[id] < since) want.emplace_back(-w.cents, id);
  std::sort(want.begin(), want.end());
  AtRiskQuery q;
  q.since = since;
  q.currency = "EUR";
  q.limit = 100;
  std::vector<std::pair<std::int64_t, CustomerId>> got;
  do {
    const AtRiskPage page = Ok(store_->Run(&ReadTxn::AtRisk, q));
    for (const AtRiskCustomer& c : page.customers) {
      got.emplace_back(-c.value.minor_units, c.customer.id);
      EXPECT_EQ(c.last_contact_at, contact[c.customer.id]);
      EXPECT_EQ(c.last_purchase_at, who_[c.customer.id].last);
      EXPECT_EQ(c.purchases, who_[c.customer.id].count);
    }
    q.page_token = page.next_page_token;
  } while (!q.page_token.empty());
  EXPECT_EQ(got, want);
  EXPECT_GT(want.size(), 100u);
  // By purchase: the calls do not count.
  q.by_purchase = true;
  q.limit = 1000;
  std::size_t quiet = 0;
  for (const auto& [id, w] : who_) quiet += w.last < since ? 1 : 0;
  std::size_t listed = 0;
  do {
    const AtRiskPage page = Ok(store_->Run(&ReadTxn::AtRisk, q));
    listed += page.customers.size();
    q.page_token = page.next_page_token;
  } while (!q.page_token.empty());
  EXPECT_EQ(listed, quiet);
}

}  // namespace
}  // namespace crm
