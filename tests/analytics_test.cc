// Purchase facts, customers by value and churn rates: facts kept through every write of a
// purchase (interactions of kind purchase, won deals) and of a customer's stage, compared with a
// recount through other reads of the public API after random writes; pages of the most valuable
// customers; churn by either definition, grouped, with periods and bands worked out by hand; the
// upgrade of a file that predates the facts.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "support/fixture.h"
#include "support/raw_lmdb.h"

namespace crm {
namespace {

constexpr Timestamp kDay = 86'400'000'000;
constexpr Timestamp kT0 = 1'700'000'000'000'000;  // 2023-11-14

class AnalyticsTest : public testing::StoreTest {
 protected:
  Interaction Buy(CustomerId customer, Timestamp at, std::optional<Money> amount) {
    Interaction i;
    i.customer = customer;
    i.kind = InteractionKind::kPurchase;
    i.occurred_at = at;
    i.amount = std::move(amount);
    return Ok(store_->Run(&WriteTxn::LogInteraction, i));
  }
  PurchaseFacts Facts(CustomerId c) { return Ok(store_->Run(&ReadTxn::GetPurchaseFacts, c)); }

  // The facts of a customer counted from its timeline and deals, read through other calls.
  PurchaseFacts Recount(CustomerId customer) {
    PurchaseFacts f;
    f.customer = customer;
    std::map<std::string, std::int64_t> sums;
    auto add = [&](Timestamp at, const Money& m) {
      f.first_purchase_at = f.purchases == 0 ? at : std::min(f.first_purchase_at, at);
      f.last_purchase_at = f.purchases == 0 ? at : std::max(f.last_purchase_at, at);
      ++f.purchases;
      if (!m.currency.empty()) sums[m.currency] += m.minor_units;
    };
    TimelineQuery q;
    q.customer = customer;
    q.kinds = {InteractionKind::kPurchase};
    q.limit = 1000;
    do {
      InteractionPage page = Ok(store_->Run(&ReadTxn::ListTimeline, q));
      for (const Interaction& i : page.interactions) add(i.occurred_at, i.amount.value_or(Money{}));
      q.page_token = page.next_page_token;
    } while (!q.page_token.empty());
    const Pipeline p = Ok(store_->Run(&ReadTxn::GetDefaultPipeline));
    OpportunityQuery oq = OpportunityQuery::ForCustomer(customer);
    oq.limit = 1000;
    for (const Opportunity& o : Ok(store_->Run(&ReadTxn::ListOpportunities, oq)).opportunities)
      if (p.FindStage(o.stage)->outcome == StageOutcome::kWon) add(o.closed_at, o.amount);
    for (const auto& [currency, sum] : sums) f.totals.push_back(Money{sum, currency});
    const Customer c = Ok(store_->Run(&ReadTxn::GetCustomer, customer));
    f.churned_at = Facts(customer).churned_at;  // not in the records: checked by the churn tests
    if (c.stage != LifecycleStage::kChurned) {
      EXPECT_EQ(f.churned_at, 0) << customer;
    }
    return f;
  }
  void ExpectVerified() {
    const VerifyReport report = Ok(store_->Run(&ReadTxn::Verify));
    EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems[0]);
  }
  Customer SetStage(CustomerId id, LifecycleStage stage) {
    Customer c = Ok(store_->Run(&ReadTxn::GetCustomer, id));
    c.stage = stage;
    return Ok(store_->Run(&WriteTxn::UpdateCustomer, c));
  }
};

TEST_F(AnalyticsTest, FactsFollowPurchasesAndWonDeals) {
  now_ = kT0;
  const Customer ann = MakePerson("Ann", "Lee");
  EXPECT_EQ(Facts(ann.id), PurchaseFacts{.customer = ann.id});
  Touch(ann.id, InteractionKind::kCall, kT0 - 9 * kDay);  // not a purchase
  const Interaction a = Buy(ann.id, kT0 - 5 * kDay, Money{1000, "EUR"});
  const Interaction b = Buy(ann.id, kT0 - 3 * kDay, Money{500, "USD"});
  Interaction c = Buy(ann.id, kT0 - 1 * kDay, std::nullopt);  // a purchase of no value
  PurchaseFacts f = Facts(ann.id);
  EXPECT_EQ(f.purchases, 3u);
  EXPECT_EQ(f.first_purchase_at, kT0 - 5 * kDay);
  EXPECT_EQ(f.last_purchase_at, kT0 - 1 * kDay);
  EXPECT_EQ(f.totals, (std::vector<Money>{Money{1000, "EUR"}, Money{500, "USD"}}));
  EXPECT_EQ(f.TotalIn("USD").minor_units, 500);
  EXPECT_EQ(f.TotalIn("GBP"), (Money{0, "GBP"}));

  // A won deal is a purchase at its close; an open or lost one is not.
  now_ = kT0 + kDay;
  const Opportunity won = MakeDeal(ann.id, "fleet", 100000);
  const Opportunity lost = MakeDeal(ann.id, "spares", 700);
  EXPECT_EQ(Facts(ann.id).purchases, 3u);
  Ok(store_->Run(&WriteTxn::CloseWon, won.id));
  Ok(store_->Run(&WriteTxn::CloseLost, lost.id, std::string("price")));
  f = Facts(ann.id);
  EXPECT_EQ(f.purchases, 4u);
  EXPECT_EQ(f.last_purchase_at, kT0 + kDay);
  EXPECT_EQ(f.TotalIn("USD").minor_units, 100500);

  // An edit moves the facts: a purchase turned into a note leaves them, its time moves the span.
  c.kind = InteractionKind::kNote;
  c = Ok(store_->Run(&WriteTxn::UpdateInteraction, c));
  EXPECT_EQ(Facts(ann.id).purchases, 3u);
  Interaction moved = b;
  moved.occurred_at = kT0 - 8 * kDay;
  moved.amount = Money{800, "USD"};
  Ok(store_->Run(&WriteTxn::UpdateInteraction, moved));
  f = Facts(ann.id);
  EXPECT_EQ(f.first_purchase_at, kT0 - 8 * kDay);
  EXPECT_EQ(f.TotalIn("USD").minor_units, 100800);
  // Deleting the first and the last purchases finds the span again from those left.
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteInteraction, b.id).ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteOpportunity, won.id).ok());
  f = Facts(ann.id);
  EXPECT_EQ(f.purchases, 1u);
  EXPECT_EQ(f.first_purchase_at, a.occurred_at);
  EXPECT_EQ(f.last_purchase_at, a.occurred_at);
  EXPECT_EQ(f.totals, (std::vector<Money>{Money{1000, "EUR"}}));
  EXPECT_EQ(Recount(ann.id), f);
  ExpectVerified();

  // Churned: the time of the move, cleared when the customer comes back.
  now_ = kT0 + 2 * kDay;
  SetStage(ann.id, LifecycleStage::kChurned);
  EXPECT_EQ(Facts(ann.id).churned_at, kT0 + 2 * kDay);
  now_ = kT0 + 3 * kDay;
  SetStage(ann.id, LifecycleStage::kChurned);  // still churned: the time stays
  Customer renamed = Ok(store_->Run(&ReadTxn::GetCustomer, ann.id));
  renamed.given_name = "Anne";
  Ok(store_->Run(&WriteTxn::UpdateCustomer, renamed));
  EXPECT_EQ(Facts(ann.id).churned_at, kT0 + 2 * kDay);
  SetStage(ann.id, LifecycleStage::kCustomer);
  EXPECT_EQ(Facts(ann.id).churned_at, 0);
  ExpectVerified();
  Reopen();
  EXPECT_EQ(Recount(ann.id), Facts(ann.id));

  // A deleted customer takes its facts along; an unknown one is NotFound.
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, ann.id, DeleteOptions{.cascade = true}).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetPurchaseFacts, ann.id).status()));
  ExpectVerified();
}

TEST_F(AnalyticsTest, RandomWritesKeepFactsEqualToARecount) {
  std::mt19937_64 rng(20261206);
  std::vector<CustomerId> customers;
  for (int i = 0; i < 6; ++i) customers.push_back(MakePerson("P" + std::to_string(i), "Q").id);
  std::vector<Interaction> logged;
  std::vector<Opportunity> deals;
  const char* currencies[] = {"EUR", "USD", "JPY"};
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  for (int step = 0; step < 400; ++step) {
    now_ = kT0 + step * kDay / 4;
    const CustomerId who = customers[pick(customers.size())];
    switch (pick(8)) {
      case 0:
      case 1:
      case 2: {
        std::optional<Money> amount;
        if (pick(5) != 0) amount = Money{static_cast<std::int64_t>(pick(100000)) - 1000, currencies[pick(3)]};
        logged.push_back(Buy(who, kT0 - static_cast<Timestamp>(pick(400)) * kDay / 3, amount));
        break;
      }
      case 3:
        if (!logged.empty()) {
          Interaction& i = logged[pick(logged.size())];
          Interaction changed = Ok(store_->Run(&ReadTxn::GetInteraction, i.id));
          if (pick(3) == 0) changed.kind = changed.kind == InteractionKind::kPurchase ? InteractionKind::kMeeting : InteractionKind::kPurchase;
          if (pick(2) == 0) changed.occurred_at = kT0 - static_cast<Timestamp>(pick(400)) * kDay / 3;
          if (pick(2) == 0) changed.amount = Money{static_cast<std::int64_t>(pick(5000)), currencies[pick(3)]};
          i = Ok(store_->Run(&WriteTxn::UpdateInteraction, changed));
        }
        break;
      case 4:
        if (!logged.empty()) {
          const std::size_t k = pick(logged.size());
          ASSERT_TRUE(store_->Run(&WriteTxn::DeleteInteraction, logged[k].id).ok());
          logged.erase(logged.begin() + static_cast<std::ptrdiff_t>(k));
        }
        break;
      case 5:
        deals.push_back(MakeDeal(who, "d" + std::to_string(step), static_cast<std::int64_t>(pick(90000))));
        break;
      case 6:
        if (!deals.empty()) {
          const Opportunity& d = deals[pick(deals.size())];
          if (pick(2) == 0) (void)store_->Run(&WriteTxn::CloseWon, d.id);
          else (void)store_->Run(&WriteTxn::CloseLost, d.id, std::string("no budget"));
        }
        break;
      default:
        if (!deals.empty()) {
          const std::size_t k = pick(deals.size());
          ASSERT_TRUE(store_->Run(&WriteTxn::DeleteOpportunity, deals[k].id).ok());
          deals.erase(deals.begin() + static_cast<std::ptrdiff_t>(k));
        }
        break;
    }
  }
  std::uint64_t purchases = 0;
  for (CustomerId c : customers) {
    const PurchaseFacts f = Facts(c);
    EXPECT_EQ(f, Recount(c)) << "customer " << c;
    purchases += f.purchases;
  }
  EXPECT_GT(purchases, 50u);
  ExpectVerified();

  // The ranking in each currency is the recount's, most valuable first and ties by id.
  for (const char* currency : currencies) {
    std::vector<std::pair<std::int64_t, CustomerId>> wanted;
    for (CustomerId c : customers) {
      const PurchaseFacts f = Recount(c);
      for (const Money& m : f.totals)
        if (m.currency == currency) wanted.emplace_back(-m.minor_units, c);
    }
    std::sort(wanted.begin(), wanted.end());
    ValueQuery q;
    q.currency = currency;
    q.limit = 2;
    std::vector<std::pair<std::int64_t, CustomerId>> got;
    do {
      CustomerValuePage page = Ok(store_->Run(&ReadTxn::TopCustomersByValue, q));
      for (const CustomerValue& v : page.customers) {
        EXPECT_EQ(v.facts, Facts(v.customer.id));
        EXPECT_EQ(v.value.currency, currency);
        got.emplace_back(-v.value.minor_units, v.customer.id);
      }
      q.page_token = page.next_page_token;
    } while (!q.page_token.empty());
    EXPECT_EQ(got, wanted) << currency;
  }
}

TEST_F(AnalyticsTest, TopCustomersByValueSkipsArchivedAndRefusesBadQueries) {
  const Customer a = MakePerson("A", "A"), b = MakePerson("B", "B"), c = MakePerson("C", "C");
  Buy(a.id, kT0, Money{500, "EUR"});
  Buy(b.id, kT0, Money{900, "EUR"});
  Buy(c.id, kT0, Money{500, "EUR"});
  Buy(c.id, kT0, Money{7, "USD"});
  ValueQuery q;
  q.currency = "EUR";
  auto ids = [&](const ValueQuery& query) {
    std::vector<CustomerId> out;
    for (const CustomerValue& v : Ok(store_->Run(&ReadTxn::TopCustomersByValue, query)).customers) out.push_back(v.customer.id);
    return out;
  };
  EXPECT_EQ(ids(q), (std::vector<CustomerId>{b.id, a.id, c.id}));
  Ok(store_->Run(&WriteTxn::ArchiveCustomer, b.id));
  EXPECT_EQ(ids(q), (std::vector<CustomerId>{a.id, c.id}));
  q.include_archived = true;
  EXPECT_EQ(ids(q), (std::vector<CustomerId>{b.id, a.id, c.id}));
  q.currency = "GBP";
  EXPECT_TRUE(ids(q).empty());
  for (const auto& [bad, field] : {std::pair{ValueQuery{.currency = "EURO"}, "currency"},
                                   {ValueQuery{.currency = "EUR", .limit = 0}, "limit"},
                                   {ValueQuery{.currency = "EUR", .page_token = "garbage"}, "page_token"}}) {
    auto r = store_->Run(&ReadTxn::TopCustomersByValue, bad);
    EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << field << ": " << r.status();
    EXPECT_NE(r.status().message().find(field), std::string_view::npos) << r.status();
  }
}

// Six customers churning (or not) around a quarter; the rates worked out by hand.
TEST_F(AnalyticsTest, LifecycleChurnOverAPeriodByGroupAndBand) {
  const Timestamp from = kT0, to = kT0 + 90 * kDay;
  auto make = [&](Timestamp created, const char* plan, std::int64_t tenure) {
    now_ = created;
    Customer c;
    c.given_name = plan;
    c.family_name = std::to_string(tenure);
    c.stage = LifecycleStage::kCustomer;
    c.custom["plan"] = std::string(plan);
    c.custom["tenure"] = tenure;
    return Ok(store_->Run(&WriteTxn::CreateCustomer, c)).id;
  };
  const CustomerId before_period = make(from - 10 * kDay, "monthly", 3);   // churns before: not counted
  const CustomerId in_period = make(from - 20 * kDay, "monthly", 14);      // churns within
  const CustomerId stays = make(from - 30 * kDay, "yearly", 25);           // stays
  const CustomerId new_and_gone = make(from + 10 * kDay, "monthly", 0);    // won and lost within
  const CustomerId after_period = make(from - 40 * kDay, "yearly", 13);    // churns after: kept
  make(to + kDay, "monthly", 1);                                           // created after: not counted
  now_ = from - kDay;
  SetStage(before_period, LifecycleStage::kChurned);
  now_ = from + 30 * kDay;
  SetStage(in_period, LifecycleStage::kChurned);
  SetStage(new_and_gone, LifecycleStage::kChurned);
  now_ = to;  // the period's end is not in it
  SetStage(after_period, LifecycleStage::kChurned);
  (void)stays;

  ChurnQuery q;
  q.from = from;
  q.to = to;
  ChurnReport r = Ok(store_->Run(&ReadTxn::Churn, q));
  EXPECT_EQ(r.total.customers, 4u);
  EXPECT_EQ(r.total.churned, 2u);
  EXPECT_DOUBLE_EQ(r.total.rate, 0.5);
  EXPECT_TRUE(r.rows.empty());

  q.group_by = Ok(Aggregation::ParseGroupBy("custom.plan"));
  r = Ok(store_->Run(&ReadTxn::Churn, q));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].keys[0].label, "monthly");
  EXPECT_EQ(r.rows[0].customers, 2u);
  EXPECT_EQ(r.rows[0].churned, 2u);
  EXPECT_EQ(r.rows[1].keys[0].label, "yearly");
  EXPECT_EQ(r.rows[1].customers, 2u);
  EXPECT_EQ(r.rows[1].churned, 0u);

  // Tenure in bands of 12 months, and a filter.
  q.group_by = Ok(Aggregation::ParseGroupBy("band(custom.tenure, 12)"));
  ASSERT_EQ(q.group_by[0].band, 12);
  r = Ok(store_->Run(&ReadTxn::Churn, q));
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].keys[0].label, "0-11");
  EXPECT_EQ(std::get<std::int64_t>(r.rows[0].keys[0].value), 0);
  EXPECT_EQ(r.rows[0].churned, 1u);
  EXPECT_EQ(r.rows[1].keys[0].label, "12-23");
  EXPECT_EQ(r.rows[1].customers, 2u);
  EXPECT_EQ(r.rows[1].churned, 1u);
  EXPECT_EQ(r.rows[2].keys[0].label, "24-35");
  q.filter = Ok(Filter::Parse("custom.plan = 'yearly'"));
  r = Ok(store_->Run(&ReadTxn::Churn, q));
  EXPECT_EQ(r.total.customers, 2u);
  EXPECT_EQ(r.total.churned, 0u);

  // Bad queries name what is wrong.
  for (const auto& [text, field] : {std::pair{"month(given_name)", "only times"}, {"band(stage, 5)", "only whole numbers"},
                                    {"band(custom.tenure, 0)", "band(field, width)"}, {"band(custom.tenure)", "band(field, width)"}}) {
    auto parsed = Aggregation::ParseGroupBy(text);
    absl::Status st = parsed.status();
    if (parsed.ok()) {
      ChurnQuery bad = q;
      bad.group_by = *parsed;
      st = store_->Run(&ReadTxn::Churn, bad).status();
    }
    EXPECT_TRUE(absl::IsInvalidArgument(st)) << text;
    EXPECT_NE(st.message().find(field), std::string_view::npos) << st;
  }
  ChurnQuery bad = q;
  bad.to = bad.from;
  EXPECT_NE(store_->Run(&ReadTxn::Churn, bad).status().message().find("to:"), std::string_view::npos);
  bad = q;
  bad.time_zone = "Mars/Olympus";
  EXPECT_NE(store_->Run(&ReadTxn::Churn, bad).status().message().find("time_zone"), std::string_view::npos);
  bad = q;
  bad.definition = ChurnDefinition::kNoPurchase;
  bad.inactive_days = 0;
  EXPECT_NE(store_->Run(&ReadTxn::Churn, bad).status().message().find("inactive_days"), std::string_view::npos);
}

TEST_F(AnalyticsTest, NoPurchaseChurnCountsCustomersActiveAtTheStart) {
  const Timestamp from = kT0, to = kT0 + 90 * kDay;
  const Customer lapsed = MakePerson("L", "x"), kept = MakePerson("K", "x"), back = MakePerson("B", "x"),
                 idle = MakePerson("I", "x"), fresh = MakePerson("F", "x");
  Buy(lapsed.id, from - 10 * kDay, Money{100, "EUR"});  // active at the start, nothing since
  Buy(kept.id, from - 50 * kDay, Money{100, "EUR"});
  Buy(kept.id, to - 5 * kDay, Money{100, "EUR"});       // active at both ends
  Buy(back.id, from - 59 * kDay, std::nullopt);          // lapses in the period, back before its end
  Buy(back.id, to - 1, std::nullopt);
  Buy(idle.id, from - 61 * kDay, Money{100, "EUR"});    // not active at the start (60 days)
  Buy(fresh.id, from + kDay, Money{100, "EUR"});         // new in the period: not counted
  ChurnQuery q;
  q.definition = ChurnDefinition::kNoPurchase;
  q.inactive_days = 60;
  q.from = from;
  q.to = to;
  ChurnReport r = Ok(store_->Run(&ReadTxn::Churn, q));
  EXPECT_EQ(r.total.customers, 3u);
  EXPECT_EQ(r.total.churned, 1u);
  q.group_by = Ok(Aggregation::ParseGroupBy("given_name"));
  r = Ok(store_->Run(&ReadTxn::Churn, q));
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].keys[0].label, "B");
  EXPECT_EQ(r.rows[0].churned, 0u);
  EXPECT_EQ(r.rows[2].keys[0].label, "L");
  EXPECT_EQ(r.rows[2].churned, 1u);
  EXPECT_DOUBLE_EQ(r.rows[2].rate, 1.0);
}

// Damaged facts are reported by Verify, never read past: a value entry of a customer without
// facts, a facts entry that does not decode, a purchase entry too many.
TEST_F(AnalyticsTest, VerifyReportsDamagedFacts) {
  const Customer a = MakePerson("A", "A");
  Buy(a.id, kT0, Money{500, "EUR"});
  store_.reset();
  {
    // The one entry (currency, total, ~customer) copied for customer 7, which has no facts.
    testing::RawTable value(dir_.File("crm.db"), "customer_value");
    const auto entries = value.Entries();
    ASSERT_EQ(entries.size(), 1u);
    const std::string& key = entries[0].first;
    value.Put(key.substr(0, key.size() - 8) + testing::BigEndian(~std::uint64_t{7}), "");
  }
  Reopen();
  VerifyReport report = Ok(store_->Run(&ReadTxn::Verify));
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.problems[0].find("customer_value"), std::string::npos) << report.problems[0];
  store_.reset();
  {
    testing::RawTable facts(dir_.File("crm.db"), "customer_facts");
    facts.Put(testing::BigEndian(a.id), "garbage");
  }
  Reopen();
  report = Ok(store_->Run(&ReadTxn::Verify));
  ASSERT_FALSE(report.ok());
  bool named = false;
  for (const std::string& p : report.problems) named = named || p.find("customer_facts: the entry of customer") != std::string::npos;
  EXPECT_TRUE(named) << report.problems[0];
  const absl::Status read = store_->Run(&ReadTxn::GetPurchaseFacts, a.id).status();
  EXPECT_TRUE(absl::IsDataLoss(read)) << read;
}

// A file of schema 13 (as libcrm 0.15 left it: no facts) counts its facts when opened writable.
TEST_F(AnalyticsTest, AnUpgradedFileCountsItsFacts) {
  const Customer a = MakePerson("A", "A");
  Buy(a.id, kT0, Money{500, "EUR"});
  Ok(store_->Run(&WriteTxn::CloseWon, MakeDeal(a.id, "d", 250).id));
  SetStage(a.id, LifecycleStage::kChurned);
  const PurchaseFacts before = Facts(a.id);
  ASSERT_EQ(before.purchases, 2u);
  store_.reset();
  {
    testing::RawTable facts(dir_.File("crm.db"), "customer_facts");
    for (const auto& [key, value] : facts.Entries()) facts.Del(key);
  }
  {
    testing::RawTable meta(dir_.File("crm.db"), "meta");
    meta.Put("schema_version", testing::BigEndian(13));
  }
  Reopen();
  EXPECT_EQ(Facts(a.id), before);  // the churn time, which no record holds, is the last update's
  ExpectVerified();
}

}  // namespace
}  // namespace crm
