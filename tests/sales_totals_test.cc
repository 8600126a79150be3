// The maintained deal totals: thousands of random creates, edits, moves, closes, reopens and
// deletes, and after each batch the pipeline summary read from the totals equals the one counted
// from every deal, by the engine's scan and by this test, and Verify finds nothing. The same for
// the closings the win rate and the sales cycle read.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <tuple>

#include "support/fixture.h"
#include "support/raw_lmdb.h"

namespace crm {
namespace {

class TotalsTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    Pipeline p;
    p.name = "Enterprise";
    p.stages = {{0, "Discovery", 20, StageOutcome::kOpen},
                {0, "Proposal", 55, StageOutcome::kOpen},
                {0, "Signed", 100, StageOutcome::kWon},
                {0, "Dropped", 0, StageOutcome::kLost}};
    pipelines_ = {Ok(store_->Run(&ReadTxn::GetDefaultPipeline)), Ok(store_->Run(&WriteTxn::CreatePipeline, p))};
    const Team east = Ok(store_->Run(&WriteTxn::CreateTeam, Team{0, 0, 0, 0, "East", "Europe", 0}));
    for (const char* login : {"ann", "bob"}) {
      User u;
      u.name = login;
      u.login = login;
      u.team = east.id;
      Ok(store_->Run(&WriteTxn::CreateUser, u));
    }
  }
  const Stage& AnyStage(const Pipeline& p, StageOutcome outcome) {
    std::vector<const Stage*> of;
    for (const Stage& s : p.stages)
      if (s.outcome == outcome) of.push_back(&s);
    return *of[rng_() % of.size()];
  }
  void RandomWrite(WriteTxn& t, std::vector<OpportunityId>& ids) {
    static const char* kOwners[] = {"ann", "bob", "", "Carla Outside"};
    static const char* kCurrencies[] = {"USD", "EUR", ""};
    const int op = static_cast<int>(rng_() % 10);
    if (ids.empty() || op < 3) {  // create
      const Pipeline& p = pipelines_[rng_() % 2];
      Opportunity o;
      o.title = "deal";
      o.pipeline = p.id;
      o.stage = AnyStage(p, StageOutcome::kOpen).id;
      o.owner = kOwners[rng_() % 4];
      const char* currency = kCurrencies[rng_() % 3];
      if (*currency != '\0') o.amount = Money{static_cast<std::int64_t>(rng_() % 1'000'000), currency};
      if (rng_() % 4 == 0) o.probability = static_cast<int>(rng_() % 101);
      ids.push_back(Ok(t.CreateOpportunity(o)).id);
      return;
    }
    const std::size_t pick = rng_() % ids.size();
    const OpportunityId id = ids[pick];
    Opportunity o = Ok(t.GetOpportunity(id));
    const Pipeline& p = o.pipeline == pipelines_[0].id ? pipelines_[0] : pipelines_[1];
    const bool open = p.FindStage(o.stage)->outcome == StageOutcome::kOpen;
    switch (op) {
      case 3:  // edit amount, currency, owner or probability
        o.owner = kOwners[rng_() % 4];
        if (rng_() % 2 == 0) o.amount = rng_() % 3 == 0 ? Money{} : Money{static_cast<std::int64_t>(rng_() % 1'000'000), "EUR"};
        o.probability = rng_() % 3 == 0 ? -1 : static_cast<int>(rng_() % 101);
        Ok(t.UpdateOpportunity(o));
        return;
      case 4:
      case 5:
        Ok(t.MoveOpportunity(id, AnyStage(p, StageOutcome::kOpen).id));
        return;
      case 6:
        Ok(t.CloseWon(id));
        return;
      case 7:
        if (open) Ok(t.CloseLost(id, "price"));
        return;
      case 8: {  // a patch of the amount alone
        Opportunity patch;
        patch.id = id;
        patch.amount = Money{static_cast<std::int64_t>(rng_() % 5000), o.amount.currency.empty() ? "USD" : o.amount.currency};
        Ok(t.PatchOpportunity(patch, *Patch::Parse("amount")));
        return;
      }
      default:
        EXPECT_TRUE(t.DeleteOpportunity(id).ok());
        ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(pick));
    }
  }
  // The summary as the test counts it from every deal: (pipeline, stage, currency) -> count, amount, weighted x100.
  std::map<std::tuple<PipelineId, StageId, std::string>, std::tuple<std::uint64_t, std::int64_t, std::int64_t>> Recount() {
    std::map<std::tuple<PipelineId, StageId, std::string>, std::tuple<std::uint64_t, std::int64_t, std::int64_t>> out;
    for (const Opportunity& o : AllOpportunities()) {
      auto& [count, amount, weighted] = out[{o.pipeline, o.stage, o.amount.currency}];
      ++count;
      amount += o.amount.minor_units;
      weighted += o.amount.minor_units * o.probability;
    }
    return out;
  }
  static std::vector<std::tuple<std::string, PipelineId, StageId, std::string, std::uint64_t, std::int64_t, std::int64_t>>
  Rows(const PipelineSummary& s) {
    std::vector<std::tuple<std::string, PipelineId, StageId, std::string, std::uint64_t, std::int64_t, std::int64_t>> out;
    for (const PipelineSummaryRow& r : s.rows)
      out.emplace_back(r.group.empty ? "-" : r.group.label, r.pipeline, r.stage, r.currency, r.count, r.amount, r.weighted);
    return out;
  }
  PipelineSummary Summary(const std::string& filter, const std::string& group_by) {
    SalesQuery q;
    q.filter = *Filter::Parse(filter);
    q.group_by = group_by;
    return Ok(store_->Run(&ReadTxn::GetPipelineSummary, q));
  }

  // The win rate and the sales cycle, each as comparable rows.
  using WinRows = std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t, double,
                                         std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t, std::int64_t, std::int64_t>>>>;
  WinRows Wins(SalesQuery q) {
    WinRows out;
    for (const WinRateRow& r : Ok(store_->Run(&ReadTxn::GetWinRate, q)).rows) {
      std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t, std::int64_t, std::int64_t>> money;
      for (const ValueRate& v : r.by_currency) money.emplace_back(v.currency, v.won, v.lost, v.won_amount, v.lost_amount);
      out.emplace_back(r.group.label, r.won, r.lost, r.rate, money);
    }
    return out;
  }
  using CycleRows = std::vector<std::tuple<std::string, std::uint64_t, double, double, double, double>>;
  CycleRows Cycles(SalesQuery q) {
    CycleRows out;
    for (const SalesCycleRow& r : Ok(store_->Run(&ReadTxn::GetSalesCycle, q)).rows)
      out.emplace_back(r.group.label, r.won, r.average_days, r.median_days, r.min_days, r.max_days);
    return out;
  }

  std::mt19937_64 rng_{20261206};
  std::vector<Pipeline> pipelines_;
};

TEST_F(TotalsTest, RandomWritesKeepTheTotalsEqualToACountOfEveryDeal) {
  std::vector<OpportunityId> ids;
  for (int batch = 0; batch < 12; ++batch) {
    {
      auto t = store_->BeginWrite();
      ASSERT_TRUE(t.ok()) << t.status();
      for (int i = 0; i < 250; ++i) RandomWrite(*t, ids);
      ASSERT_TRUE(t->Commit().ok());
    }
    SCOPED_TRACE(batch);
    // The totals (no filter, or one on key fields) against the scan ("id > 0" makes it read the deals).
    for (const auto& [filter, group] :
         {std::pair<std::string, std::string>{"", ""}, {"", "owner"}, {"", "team"}, {"currency = 'EUR'", "team.region"},
          {"pipeline = " + std::to_string(pipelines_[1].id) + " and owner in ('ann', '')", "stage"}}) {
      const std::string scan = filter.empty() ? "id > 0" : "id > 0 and (" + filter + ")";
      ASSERT_EQ(Rows(Summary(filter, group)), Rows(Summary(scan, group))) << filter << " / " << group;
    }
    // ... and against this test's own count.
    const auto counted = Recount();
    std::size_t rows = 0;
    for (const PipelineSummaryRow& r : Summary("", "").rows) {
      const auto& [count, amount, weighted] = counted.at({r.pipeline, r.stage, r.currency});
      EXPECT_EQ(r.count, count);
      EXPECT_EQ(r.amount, amount);
      EXPECT_EQ(r.weighted, (weighted + (weighted >= 0 ? 50 : -50)) / 100);  // rounded once, half away from 0
      ++rows;
    }
    EXPECT_EQ(rows, counted.size());
    ASSERT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
  }
  EXPECT_GT(ids.size(), 100u);
}

TEST_F(TotalsTest, RandomWritesKeepTheClosingsEqualToTheDeals) {
  // One rate, so that a report in EUR converts the USD deals.
  ExchangeRate rate{"USD", "EUR", now_ - 86'400'000'000, 920'000'000, 0};
  Ok(store_->Run(&WriteTxn::SetExchangeRate, rate));
  std::vector<OpportunityId> ids;
  const Timestamp start = now_;
  std::size_t closed = 0;
  for (int batch = 0; batch < 10; ++batch) {
    now_ += 86'400'000'000 + static_cast<Timestamp>(rng_() % 3'600'000'000);  // a day and some
    {
      auto t = store_->BeginWrite();
      ASSERT_TRUE(t.ok()) << t.status();
      for (int i = 0; i < 200; ++i) RandomWrite(*t, ids);
      ASSERT_TRUE(t->Commit().ok());
    }
    SCOPED_TRACE(batch);
    // From the closings against the deals ("id > 0" is no field a closing holds: the deals are read).
    for (const auto& [filter, group] :
         {std::pair<std::string, std::string>{"", ""}, {"", "owner"}, {"", "team"}, {"currency = 'EUR'", "team.region"},
          {"pipeline = " + std::to_string(pipelines_[1].id) + " and owner in ('ann', '')", "stage"}, {"status = 'won'", "currency"}}) {
      for (int period = 0; period < 3; ++period) {
        if (period == 1 && batch < 2) continue;
        SalesQuery q;
        q.filter = *Filter::Parse(filter);
        q.group_by = group;
        if (period == 1) {  // every batch's closes but the first and the last
          q.from = start + 86'400'000'000;
          q.to = now_ - 3'600'000'000;
        } else if (period == 2) {
          q.currency = "EUR";
        }
        SalesQuery scan = q;
        scan.filter = *Filter::Parse(filter.empty() ? "id > 0" : "id > 0 and (" + filter + ")");
        ASSERT_EQ(Wins(q), Wins(scan)) << filter << " / " << group << " / " << period;
        ASSERT_EQ(Cycles(q), Cycles(scan)) << filter << " / " << group << " / " << period;
      }
    }
    const WinRows all = Wins(SalesQuery{});
    closed = 0;
    for (const auto& row : all) closed += std::get<1>(row) + std::get<2>(row);
    ASSERT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
  }
  EXPECT_GT(closed, 100u);  // the reports had deals to count
}

// Enough closings, with long owners, that a report reads them in several runs of copies.
TEST_F(TotalsTest, ManyClosingsReadInRunsGiveTheDealsFigures) {
  const Timestamp start = now_;
  for (int hour = 0; hour < 10; ++hour) {
    now_ = start + hour * 3'600'000'000;
    auto t = store_->BeginWrite();
    ASSERT_TRUE(t.ok()) << t.status();
    for (int i = 0; i < 250; ++i) {
      Opportunity o;
      o.title = "deal";
      o.owner = "owner " + std::to_string(i % 7) + " " + std::string(110, 'x');
      o.amount = Money{1000 + i, i % 3 == 0 ? "USD" : "EUR"};
      const OpportunityId id = Ok(t->CreateOpportunity(o)).id;
      if (i % 5 == 4) continue;  // left open
      if (i % 2 == 0) Ok(t->CloseWon(id));
      else Ok(t->CloseLost(id, "price"));
    }
    ASSERT_TRUE(t->Commit().ok());
  }
  for (const Timestamp from : {start, start + 3 * 3'600'000'000}) {
    SalesQuery q;
    q.group_by = "owner";
    q.from = from;
    q.to = start + 8 * 3'600'000'000;
    SalesQuery scan = q;
    scan.filter = *Filter::Parse("id > 0");
    const WinRows wins = Wins(q);
    ASSERT_EQ(wins.size(), 7u);
    std::uint64_t closed = 0;
    for (const auto& row : wins) closed += std::get<1>(row) + std::get<2>(row);
    EXPECT_EQ(closed, (from == start ? 8u : 5u) * 200u);
    EXPECT_EQ(wins, Wins(scan));
    EXPECT_EQ(Cycles(q), Cycles(scan));
  }
}

// Damaged closings are reported by Verify and never read past; a file upgraded from schema 19
// writes them from its deals.
TEST_F(TotalsTest, DamagedClosingsAreReportedAndAnUpgradedFileWritesThem) {
  Opportunity o;
  o.title = "won";
  o.owner = "ann";
  o.amount = Money{1000, "USD"};
  const Opportunity won = Ok(store_->Run(&WriteTxn::CloseWon, Ok(store_->Run(&WriteTxn::CreateOpportunity, o)).id));
  o.title = "lost";
  Ok(store_->Run(&WriteTxn::CloseLost, Ok(store_->Run(&WriteTxn::CreateOpportunity, o)).id, std::string("price")));
  o.title = "open";
  Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
  const WinRows before = Wins(SalesQuery{});
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(std::get<1>(before[0]), 1u);
  EXPECT_EQ(std::get<2>(before[0]), 1u);
  const auto problems = [&] {
    std::string all;
    for (const std::string& p : Ok(store_->Run(&ReadTxn::Verify)).problems) all += p + "\n";
    return all;
  };
  store_.reset();
  std::vector<std::pair<std::string, std::string>> kept;
  {
    testing::RawTable closings(dir_.File("crm.db"), "deal_closings");
    kept = closings.Entries();
    ASSERT_EQ(kept.size(), 2u);  // the open deal has none
    closings.Del(kept[0].first);
  }
  Reopen();
  EXPECT_NE(problems().find("deal closings: opportunity " + std::to_string(won.id) + ", closed at"), std::string::npos)
      << problems();
  store_.reset();
  {
    testing::RawTable closings(dir_.File("crm.db"), "deal_closings");
    closings.Put(kept[0].first, "short");
  }
  Reopen();
  EXPECT_NE(problems().find("deal closings: the entry of opportunity " + std::to_string(won.id) + " disagrees"),
            std::string::npos) << problems();
  const absl::Status read = store_->Run(&ReadTxn::GetWinRate, SalesQuery{}).status();
  EXPECT_TRUE(absl::IsDataLoss(read)) << read;
  // As libcrm 0.22 left a file: no closings, schema 19.
  store_.reset();
  {
    testing::RawTable closings(dir_.File("crm.db"), "deal_closings");
    for (const auto& [key, value] : closings.Entries()) closings.Del(key);
  }
  {
    testing::RawTable meta(dir_.File("crm.db"), "meta");
    meta.Put("schema_version", testing::BigEndian(19));
  }
  Reopen();
  EXPECT_EQ(problems(), "");
  EXPECT_EQ(Wins(SalesQuery{}), before);
  store_.reset();
  testing::RawTable closings(dir_.File("crm.db"), "deal_closings");
  EXPECT_EQ(closings.Entries(), kept);
}

TEST_F(TotalsTest, AWriteThatFailsLeavesTheTotalsAsTheyWere) {
  Opportunity o;
  o.title = "kept";
  o.amount = Money{1000, "USD"};
  const Opportunity kept = Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
  const auto before = Rows(Summary("", "owner"));
  {
    auto t = store_->BeginWrite();
    ASSERT_TRUE(t.ok());
    Ok(t->MoveOpportunity(kept.id, AnyStage(pipelines_[0], StageOutcome::kOpen).id));
    Ok(t->CreateOpportunity(o));
    // Dropped without commit: nothing of it stays.
  }
  EXPECT_EQ(Rows(Summary("", "owner")), before);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
}

}  // namespace
}  // namespace crm
