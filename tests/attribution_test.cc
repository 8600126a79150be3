// Campaign attribution on a fixed data set: 40 customers, 4 campaigns with responses at known
// times, 60 deals (some with contacts, two currencies, amounts with odd cents) won over a year.
// The test computes every figure itself, from the data it wrote (another code path), and
// compares them with the engine's to the cent, under each model.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "support/fixture.h"

namespace crm {
namespace {

constexpr Timestamp kDay = 86'400'000'000;
constexpr Timestamp kStart = 1'704'067'200'000'000;  // 2024-01-01

class AttributionTest : public testing::StoreTest {};

struct Deal {
  OpportunityId id;
  std::vector<CustomerId> people;
  Money amount;
  Timestamp won_at;
};

TEST_F(AttributionTest, WonValueIsSharedAsEachModelSays) {
  std::mt19937_64 rng(20261207);
  now_ = kStart;
  std::vector<CustomerId> people;
  for (int i = 0; i < 40; ++i) people.push_back(MakePerson("P" + std::to_string(i), "X").id);
  std::vector<Campaign> campaigns;
  for (int k = 0; k < 4; ++k) {
    Campaign c;
    c.name = "campaign " + std::to_string(k);
    if (k < 3) c.actual_cost = Money{100'000 + k * 33'333, "EUR"};
    if (k == 3) c.budget = Money{50'000, "USD"};
    campaigns.push_back(Ok(store_->Run(&WriteTxn::CreateCampaign, c)));
  }
  // Responses: each person joins some campaigns; some respond, at a day of the year.
  std::map<std::pair<CustomerId, CampaignId>, Timestamp> responded;
  std::map<CampaignId, std::uint64_t> leads;
  for (CustomerId p : people)
    for (const Campaign& c : campaigns) {
      if (rng() % 3 == 0) continue;
      ASSERT_TRUE(store_->Run(&WriteTxn::AddCampaignMembers, c.id, std::span<const CustomerId>(&p, 1), std::string_view()).ok());
      if (rng() % 2 == 0) continue;
      now_ = kStart + static_cast<Timestamp>(rng() % 300) * kDay;
      ASSERT_TRUE(store_->Run(&WriteTxn::SetCampaignMemberStatus, c.id, p, std::string_view("responded")).ok());
      responded[{p, c.id}] = now_;
      ++leads[c.id];
      if (rng() % 4 == 0) {  // a later status change keeps the first response
        now_ += kDay;
        ASSERT_TRUE(store_->Run(&WriteTxn::SetCampaignMemberStatus, c.id, p, std::string_view("sent")).ok());
        now_ += kDay;
        ASSERT_TRUE(store_->Run(&WriteTxn::SetCampaignMemberStatus, c.id, p, std::string_view("responded")).ok());
      }
    }
  // Deals won over the year, each at its own time.
  const std::vector<Stage> stages = Ok(store_->Run(&ReadTxn::GetDefaultPipeline)).stages;
  std::vector<Deal> deals;
  for (int d = 0; d < 60; ++d) {
    Opportunity o;
    o.customer = people[rng() % people.size()];
    o.title = "deal " + std::to_string(d);
    o.amount = Money{static_cast<std::int64_t>(rng() % 5'000'000) + 1, d % 5 == 0 ? "USD" : "EUR"};
    std::set<CustomerId> who = {o.customer};
    if (d % 3 == 0) {
      const CustomerId contact = people[rng() % people.size()];
      if (contact != o.customer) {
        o.contacts.push_back(ContactRole{contact, "buyer"});
        who.insert(contact);
      }
    }
    now_ = kStart + static_cast<Timestamp>(rng() % 360) * kDay + 1;
    o = Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
    if (d % 7 == 6) continue;  // still open: never attributed
    o = Ok(store_->Run(&WriteTxn::CloseWon, o.id));
    deals.push_back(Deal{o.id, std::vector<CustomerId>(who.begin(), who.end()), o.amount, o.closed_at});
  }

  // The touches of each deal, computed here: each campaign at its earliest response of the
  // deal's people, at or before the deal was won; earliest first, ties by campaign id.
  const auto touches = [&](const Deal& d) {
    std::map<CampaignId, Timestamp> first;
    for (CustomerId p : d.people)
      for (const Campaign& c : campaigns) {
        auto it = responded.find({p, c.id});
        if (it == responded.end() || it->second > d.won_at) continue;
        auto [f, added] = first.emplace(c.id, it->second);
        if (!added) f->second = std::min(f->second, it->second);
      }
    std::vector<std::pair<Timestamp, CampaignId>> order;
    for (const auto& [c, at] : first) order.emplace_back(at, c);
    std::sort(order.begin(), order.end());
    std::vector<CampaignId> out;
    for (const auto& [at, c] : order) out.push_back(c);
    return out;
  };
  for (const Deal& d : deals) {
    const Touches t = Ok(store_->Run(&ReadTxn::DealTouches, d.id));
    EXPECT_EQ(t.campaigns, touches(d)) << "deal " << d.id;
  }

  for (AttributionModel model : {AttributionModel::kFirstTouch, AttributionModel::kLastTouch, AttributionModel::kLinear}) {
    std::map<std::pair<CampaignId, std::string>, std::int64_t> want;
    std::map<std::pair<CampaignId, std::string>, double> want_deals;
    for (const Deal& d : deals) {
      const std::vector<CampaignId> t = touches(d);
      if (t.empty()) continue;
      if (model != AttributionModel::kLinear) {
        const CampaignId c = model == AttributionModel::kFirstTouch ? t.front() : t.back();
        want[{c, d.amount.currency}] += d.amount.minor_units;
        want_deals[{c, d.amount.currency}] += 1;
        continue;
      }
      std::int64_t left = d.amount.minor_units;  // shares of equal cents, the rest to the earliest
      for (std::size_t i = 0; i < t.size(); ++i) {
        std::int64_t share = d.amount.minor_units / static_cast<std::int64_t>(t.size());
        if (static_cast<std::int64_t>(i) < d.amount.minor_units % static_cast<std::int64_t>(t.size())) ++share;
        want[{t[i], d.amount.currency}] += share;
        want_deals[{t[i], d.amount.currency}] += 1.0 / static_cast<double>(t.size());
        left -= share;
      }
      ASSERT_EQ(left, 0);
    }
    AttributionQuery q;
    q.model = model;
    const std::vector<AttributionRow> rows = Ok(store_->Run(&ReadTxn::CampaignAttribution, q));
    std::map<std::pair<CampaignId, std::string>, std::int64_t> got;
    for (const AttributionRow& r : rows) {
      if (r.won_value != 0) {
        got[{r.campaign, r.currency}] = r.won_value;
        const double share = want_deals[std::make_pair(r.campaign, r.currency)];
        EXPECT_NEAR(r.deals, share, 1e-9);
      }
      EXPECT_EQ(r.responded, leads[r.campaign]);
      if (!r.cost.currency.empty() && r.responded != 0) {
        EXPECT_EQ(r.cost_per_lead, (r.cost.minor_units + static_cast<std::int64_t>(r.responded) / 2) /
                                       static_cast<std::int64_t>(r.responded));
      }
      if (r.has_return) {
        EXPECT_DOUBLE_EQ(r.return_on_cost, static_cast<double>(r.won_value - r.cost.minor_units) /
                                               static_cast<double>(r.cost.minor_units));
      }
    }
    EXPECT_EQ(got, want) << AttributionModelName(model);
    EXPECT_GE(want.size(), 4u) << "the data set should give several campaigns value";
    EXPECT_TRUE(std::any_of(rows.begin(), rows.end(), [](const AttributionRow& r) { return r.has_return; }));
  }

  // A window of the year: the first half's deals only.
  AttributionQuery half;
  half.model = AttributionModel::kFirstTouch;
  half.won_to = kStart + 182 * kDay;
  std::int64_t want_half = 0, got_half = 0;
  for (const Deal& d : deals)
    if (d.won_at < half.won_to && d.amount.currency == "EUR" && !touches(d).empty()) want_half += d.amount.minor_units;
  for (const AttributionRow& r : Ok(store_->Run(&ReadTxn::CampaignAttribution, half)))
    if (r.currency == "EUR") got_half += r.won_value;
  EXPECT_EQ(got_half, want_half);
  EXPECT_TRUE(absl::IsInvalidArgument(
      store_->Run(&ReadTxn::CampaignAttribution, AttributionQuery{AttributionModel::kLinear, 10, 5}).status()));
}

}  // namespace
}  // namespace crm
