// Interactions in the query engine: filters over every field (custom fields too), searches with
// keyset pages, counts, plans and aggregates, checked against plain loops over the interactions
// the test logged.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>

#include "support/fixture.h"

namespace crm {
namespace {

constexpr InteractionKind kKinds[] = {InteractionKind::kCall, InteractionKind::kEmail, InteractionKind::kMeeting,
                                      InteractionKind::kNote, InteractionKind::kPurchase};

class InteractionQueryTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    std::mt19937 rng(5);
    for (int c = 0; c < 12; ++c) customers_.push_back(MakePerson("P" + std::to_string(c), "Lee").id);
    deal_ = MakeDeal(customers_[0], "Deal", 1000).id;
    ASSERT_TRUE(store_->Write("t", [&](WriteTxn& t) -> absl::Status {
      for (int n = 0; n < 400; ++n) {
        Interaction i;
        i.customer = customers_[rng() % customers_.size()];
        i.kind = kKinds[rng() % 5];
        i.direction = static_cast<Direction>(rng() % 3);
        i.occurred_at = now_ - static_cast<Timestamp>(rng() % 1000) * 3'600'000'000;
        i.subject = "S" + std::to_string(rng() % 7);
        i.owner = rng() % 2 ? "ann" : "bob";
        if (i.kind == InteractionKind::kPurchase) i.amount = Money{static_cast<std::int64_t>(rng() % 10000), rng() % 3 ? "EUR" : "USD"};
        if (rng() % 3 == 0) i.satisfaction = static_cast<std::uint8_t>(1 + rng() % 5);
        if (rng() % 2) i.custom["topic"] = std::string(rng() % 2 ? "renewal" : "support");
        if (i.customer == customers_[0] && rng() % 2) i.opportunity = deal_;
        auto made = t.LogInteraction(i);
        if (!made.ok()) return made.status();
        all_.push_back(*made);
      }
      return absl::OkStatus();
    }).ok());
  }

  std::vector<InteractionId> Want(const std::function<bool(const Interaction&)>& pred) {
    std::vector<InteractionId> ids;
    for (const Interaction& i : all_)
      if (pred(i)) ids.push_back(i.id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::vector<InteractionId> Got(const std::string& filter, std::size_t page_size = 1000) {
    Search s;
    s.filter = Ok(Filter::Parse(filter));
    s.limit = page_size;
    std::vector<InteractionId> ids;
    do {
      const InteractionPage page = Ok(store_->Run(&ReadTxn::SearchInteractions, s));
      for (const Interaction& i : page.interactions) ids.push_back(i.id);
      s.page_token = page.next_page_token;
    } while (!s.page_token.empty());
    return ids;
  }

  std::vector<CustomerId> customers_;
  OpportunityId deal_ = 0;
  std::vector<Interaction> all_;
};

TEST_F(InteractionQueryTest, FiltersMatchAPlainLoop) {
  const CustomerId c3 = customers_[3];
  const Timestamp cut = now_ - 500 * 3'600'000'000LL;
  const std::vector<std::pair<std::string, std::function<bool(const Interaction&)>>> cases = {
      {"kind = 'call'", [](const Interaction& i) { return i.kind == InteractionKind::kCall; }},
      {"kind in ('email', 'meeting') and direction = 'inbound'",
       [](const Interaction& i) {
         return (i.kind == InteractionKind::kEmail || i.kind == InteractionKind::kMeeting) && i.direction == Direction::kInbound;
       }},
      {"customer = " + std::to_string(c3), [&](const Interaction& i) { return i.customer == c3; }},
      {"customer = " + std::to_string(c3) + " and occurred_at >= " + std::to_string(cut),
       [&](const Interaction& i) { return i.customer == c3 && i.occurred_at >= cut; }},
      {"opportunity = " + std::to_string(deal_), [&](const Interaction& i) { return i.opportunity == deal_; }},
      {"custom.topic = 'renewal' and owner = 'ann'",
       [](const Interaction& i) {
         auto t = i.custom.find("topic");
         return t != i.custom.end() && std::get<std::string>(t->second) == "renewal" && i.owner == "ann";
       }},
      {"custom.topic is empty", [](const Interaction& i) { return !i.custom.contains("topic"); }},
      {"satisfaction >= 4 or subject prefix 's1'",
       [](const Interaction& i) { return i.satisfaction >= 4 || i.subject == "S1"; }},
      {"amount >= 50.00 and currency = 'EUR'",
       [](const Interaction& i) { return i.amount && i.amount->currency == "EUR" && i.amount->minor_units >= 5000; }},
      {"not kind = 'note'", [](const Interaction& i) { return i.kind != InteractionKind::kNote; }},
  };
  for (const auto& [filter, pred] : cases) {
    EXPECT_EQ(Got(filter), Want(pred)) << filter;
    EXPECT_EQ(Got(filter, 7), Want(pred)) << filter << " (pages of 7)";
    Search s;
    s.filter = Ok(Filter::Parse(filter));
    EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kInteraction, s)), Want(pred).size()) << filter;
  }
  auto bad = Filter::Parse("stage = 'lead'");
  Search s;
  s.filter = *bad;
  auto refused = store_->Run(&ReadTxn::CountMatching, EntityType::kInteraction, s);
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status()));
  EXPECT_NE(refused.status().message().find("not a field of interactions"), std::string::npos) << refused.status();
}

TEST_F(InteractionQueryTest, PlansUseTheTimelineAndTheDealLinks) {
  Search s;
  s.filter = Ok(Filter::Parse("customer = " + std::to_string(customers_[2]) + " and kind = 'call'"));
  SearchPlan plan = Ok(store_->Run(&ReadTxn::Explain, EntityType::kInteraction, s));
  EXPECT_FALSE(plan.full_scan) << plan.text;
  s.filter = Ok(Filter::Parse("opportunity = " + std::to_string(deal_)));
  plan = Ok(store_->Run(&ReadTxn::Explain, EntityType::kInteraction, s));
  EXPECT_FALSE(plan.full_scan) << plan.text;
  s.filter = Ok(Filter::Parse("kind = 'call'"));
  plan = Ok(store_->Run(&ReadTxn::Explain, EntityType::kInteraction, s));
  EXPECT_TRUE(plan.full_scan) << plan.text;
  EXPECT_NE(plan.text.find("interactions"), std::string::npos) << plan.text;
}

TEST_F(InteractionQueryTest, SortedByTimeNewestFirst) {
  Search s;
  s.filter = Ok(Filter::Parse("kind = 'meeting'"));
  s.order_by = "occurred_at";
  s.descending = true;
  s.limit = 9;
  std::vector<Timestamp> got;
  do {
    const InteractionPage page = Ok(store_->Run(&ReadTxn::SearchInteractions, s));
    for (const Interaction& i : page.interactions) got.push_back(i.occurred_at);
    s.page_token = page.next_page_token;
  } while (!s.page_token.empty());
  std::vector<Timestamp> want;
  for (const Interaction& i : all_)
    if (i.kind == InteractionKind::kMeeting) want.push_back(i.occurred_at);
  std::sort(want.rbegin(), want.rend());
  EXPECT_EQ(got, want);
}

TEST_F(InteractionQueryTest, PurchasesSummedPerKindAndCurrencyAndMonth) {
  Aggregation a;
  a.group_by = Ok(Aggregation::ParseGroupBy("kind, month(occurred_at)"));
  a.measures = Ok(Aggregation::ParseMeasures("count, sum(amount), avg(satisfaction)"));
  const AggregateResult r = Ok(store_->Run(&ReadTxn::Aggregate, EntityType::kInteraction, a));
  std::map<std::string, std::pair<std::uint64_t, std::int64_t>> want;  // kind/month/currency -> count, sum
  for (const Interaction& i : all_) {
    const std::string month = absl::FormatTime("%Y-%m", absl::FromUnixMicros(i.occurred_at), absl::UTCTimeZone());
    auto& w = want[std::string(InteractionKindName(i.kind)) + "/" + month + "/" + (i.amount ? i.amount->currency : "")];
    w.first += 1;
    w.second += i.amount ? i.amount->minor_units : 0;
  }
  std::map<std::string, std::pair<std::uint64_t, std::int64_t>> got;
  for (const AggregateRow& row : r.rows)
    got[row.keys[0].label + "/" + row.keys[1].label + "/" + row.currency] = {row.values[0].value, row.values[1].value};
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace crm
