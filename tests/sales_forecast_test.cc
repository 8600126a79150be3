// Forecast categories of stages and deals, quotas of users and teams, and the forecast by close
// month or quarter with quota attainment, each figure worked out in the test.
#include <gtest/gtest.h>

#include "support/fixture.h"
#include "support/raw_lmdb.h"

namespace crm {
namespace {

constexpr Timestamp kDayMicros = 86'400'000'000;
constexpr Timestamp kJan1 = 1'704'067'200'000'000;  // 2024-01-01T00:00:00Z
constexpr Timestamp kFeb1 = kJan1 + 31 * kDayMicros;
constexpr Timestamp kApr1 = kJan1 + 91 * kDayMicros;

class ForecastTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    now_ = kJan1;
    Pipeline p;
    p.name = "Direct";
    p.stages = {{0, "Lead", 10, StageOutcome::kOpen},
                {0, "Proposal", 50, StageOutcome::kOpen, ForecastCategory::kBestCase},
                {0, "Negotiation", 80, StageOutcome::kOpen, ForecastCategory::kCommit},
                {0, "Won", 100, StageOutcome::kWon},
                {0, "Lost", 0, StageOutcome::kLost}};
    pipeline_ = Ok(store_->Run(&WriteTxn::CreatePipeline, p));
    east_ = Ok(store_->Run(&WriteTxn::CreateTeam, Team{0, 0, 0, 0, "East", "", 0}));
    User ann;
    ann.name = "Ann Smith";
    ann.login = "ann";
    ann.team = east_.id;
    ann_ = Ok(store_->Run(&WriteTxn::CreateUser, ann));
    User bob = ann;
    bob.name = "Bob Jones";
    bob.login = "bob";
    bob_ = Ok(store_->Run(&WriteTxn::CreateUser, bob));
  }
  Opportunity Deal(const std::string& owner, std::int64_t cents, const std::string& stage, Timestamp close,
                   ForecastCategory category = ForecastCategory::kAuto) {
    Opportunity o;
    o.title = owner;
    o.owner = owner;
    o.pipeline = pipeline_.id;
    o.stage = pipeline_.FindStage(stage)->id;
    o.amount = Money{cents, "USD"};
    o.expected_close = close;
    o.forecast_category = category;
    return Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
  }
  Quota SetQuota(UserId user, TeamId team, const std::string& period, std::int64_t cents, const std::string& currency = "USD") {
    return Ok(store_->Run(&WriteTxn::SetQuota, Quota{user, team, period, Money{cents, currency}, 0, {}}));
  }
  Forecast Run(const SalesQuery& q) { return Ok(store_->Run(&ReadTxn::GetForecast, q)); }
  Pipeline pipeline_;
  Team east_;
  User ann_, bob_;
};

TEST_F(ForecastTest, StagesMapToCategoriesThatFitTheirOutcome) {
  EXPECT_EQ(pipeline_.stages[0].forecast(), ForecastCategory::kPipeline);  // auto, open
  EXPECT_EQ(pipeline_.stages[1].forecast(), ForecastCategory::kBestCase);
  EXPECT_EQ(pipeline_.stages[3].forecast(), ForecastCategory::kClosed);
  EXPECT_EQ(pipeline_.stages[4].forecast(), ForecastCategory::kOmitted);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetPipeline, pipeline_.id)), pipeline_);  // kept as given
  for (auto [stage, category, problem] :
       {std::tuple{3, ForecastCategory::kCommit, "a won stage counts as closed"},
        {4, ForecastCategory::kPipeline, "a lost stage counts as omitted"},
        {0, ForecastCategory::kClosed, "an open stage cannot count as closed"},
        {0, static_cast<ForecastCategory>(9), "must be auto, pipeline"}}) {
    Pipeline bad = pipeline_;
    bad.stages[static_cast<std::size_t>(stage)].forecast_category = category;
    const absl::Status s = store_->Run(&WriteTxn::UpdatePipeline, bad).status();
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
    EXPECT_NE(s.message().find(problem), std::string_view::npos) << s;
    EXPECT_NE(s.message().find("forecast_category"), std::string_view::npos) << s;
  }
}

TEST_F(ForecastTest, ADealOverridesItsStageWhileOpen) {
  const Opportunity a = Deal("ann", 100, "Lead", kJan1, ForecastCategory::kCommit);
  Deal("ann", 100, "Negotiation", kJan1);
  const auto count = [&](const char* filter) {
    Search search;
    search.filter = *Filter::Parse(filter);
    return Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kOpportunity, search));
  };
  EXPECT_EQ(count("forecast_category = 'commit'"), 2u);
  EXPECT_EQ(count("forecast_category = 'pipeline'"), 0u);
  Opportunity patch;
  patch.id = a.id;
  patch.forecast_category = ForecastCategory::kOmitted;
  const Opportunity omitted = Ok(store_->Run(&WriteTxn::PatchOpportunity, patch, *Patch::Parse("forecast_category")));
  EXPECT_EQ(omitted.forecast_category, ForecastCategory::kOmitted);
  EXPECT_EQ(count("forecast_category = 'omitted'"), 1u);
  // Won, it counts as closed whatever its own category; reopened, its own again.
  Ok(store_->Run(&WriteTxn::CloseWon, a.id));
  EXPECT_EQ(count("forecast_category = 'closed'"), 1u);
  Ok(store_->Run(&WriteTxn::MoveOpportunity, a.id, pipeline_.stages[0].id));
  EXPECT_EQ(count("forecast_category = 'omitted'"), 1u);
  // Never closed by hand, and the field's change is in the deal's history of changes.
  patch.forecast_category = ForecastCategory::kClosed;
  const absl::Status s = store_->Run(&WriteTxn::PatchOpportunity, patch, *Patch::Parse("forecast_category")).status();
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(s.message().find("forecast_category"), std::string_view::npos);
}

TEST_F(ForecastTest, QuotasAreCheckedStoredReplacedListedAndDeleted) {
  EXPECT_EQ(SetQuota(ann_.id, 0, "2024-q1", 500000).period, "2024-Q1");  // stored in one form
  SetQuota(ann_.id, 0, "2024-Q1", 600000);                                // replaces
  SetQuota(0, east_.id, "2024-01", 900000, "EUR");
  const auto mine = Ok(store_->Run(&ReadTxn::ListQuotas, ann_.id, TeamId{0}));
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].target, (Money{600000, "USD"}));
  EXPECT_EQ(mine[0].updated_at, kJan1);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListQuotas, UserId{0}, TeamId{0})).size(), 2u);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListQuotas, UserId{0}, east_.id)).size(), 1u);
  const auto refused = [&](Quota q, absl::StatusCode code, const char* text) {
    const absl::Status s = store_->Run(&WriteTxn::SetQuota, q).status();
    EXPECT_EQ(s.code(), code) << s;
    EXPECT_NE(s.message().find(text), std::string_view::npos) << s;
  };
  refused({0, 0, "2024-01", {1, "USD"}, 0, {}}, absl::StatusCode::kInvalidArgument, "exactly one of user and team");
  refused({ann_.id, east_.id, "2024-01", {1, "USD"}, 0, {}}, absl::StatusCode::kInvalidArgument, "exactly one");
  refused({999, 0, "2024-01", {1, "USD"}, 0, {}}, absl::StatusCode::kNotFound, "999");
  for (const char* bad : {"2024", "2024-13", "2024-Q5", "2024-W01", "24-01", "2024-00"})
    refused({ann_.id, 0, bad, {1, "USD"}, 0, {}}, absl::StatusCode::kInvalidArgument, "period");
  refused({ann_.id, 0, "2024-01", {1, "XXX"}, 0, {}}, absl::StatusCode::kInvalidArgument, "target.currency");
  refused({ann_.id, 0, "2024-01", {0, "USD"}, 0, {}}, absl::StatusCode::kInvalidArgument, "more than 0");
  EXPECT_TRUE(store_->Run(&WriteTxn::DeleteQuota, ann_.id, TeamId{0}, std::string_view("2024-Q1")).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::DeleteQuota, ann_.id, TeamId{0}, std::string_view("2024-Q1"))));
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::ListQuotas, ann_.id, TeamId{0})).empty());
}

TEST_F(ForecastTest, QuotasGoWithTheirHolderAndVerifyReadsThem) {
  SetQuota(ann_.id, 0, "2024-01", 100);
  SetQuota(bob_.id, 0, "2024-01", 200);
  SetQuota(0, east_.id, "2024-Q1", 300);
  EXPECT_TRUE(store_->Run(&WriteTxn::DeleteUser, ann_.id).ok());
  const auto left = Ok(store_->Run(&ReadTxn::ListQuotas, UserId{0}, TeamId{0}));
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].user, bob_.id);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).problems.empty());
  store_.reset();
  {
    testing::RawTable raw(dir_.File("crm.db"), "quotas");
    const auto entries = raw.Entries();
    ASSERT_EQ(entries.size(), 2u);
    std::string damaged = entries[0].second;
    damaged[damaged.size() / 2] ^= 0x20;
    raw.Put(entries[0].first, damaged);
    raw.Put(entries[1].first.substr(0, 1) + testing::BigEndian(4242) + entries[1].first.substr(9), entries[1].second);
  }
  Reopen();
  std::string all;
  for (const std::string& p : Ok(store_->Run(&ReadTxn::Verify)).problems) all += p + "\n";
  EXPECT_NE(all.find("quota"), std::string::npos) << all;
  EXPECT_NE(all.find("does not match its key"), std::string::npos) << all;  // moved under another holder
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 2) << all;
  EXPECT_TRUE(absl::IsDataLoss(store_->Run(&ReadTxn::ListQuotas, UserId{0}, TeamId{0}).status()));
}

TEST_F(ForecastTest, ByOwnerAndMonthWithQuotaAndAttainment) {
  Deal("ann", 10000, "Lead", kJan1 + 5 * kDayMicros);         // pipeline, January
  Deal("ann", 20000, "Proposal", kJan1 + 6 * kDayMicros);     // best case
  Deal("ann", 40000, "Negotiation", kJan1 + 7 * kDayMicros);  // commit
  Deal("ann", 80000, "Negotiation", kJan1 + 8 * kDayMicros, ForecastCategory::kOmitted);
  const Opportunity won = Deal("ann", 160000, "Lead", kFeb1 + kDayMicros);
  now_ = kJan1 + 9 * kDayMicros;  // won in January though expected in February
  Ok(store_->Run(&WriteTxn::CloseWon, won.id));
  const Opportunity lost = Deal("ann", 320000, "Lead", kFeb1);
  Ok(store_->Run(&WriteTxn::CloseLost, lost.id, std::string_view("price")));  // lost in January
  Deal("ann", 640000, "Lead", 0);  // no expected close: not in any month
  Deal("bob", 5000, "Lead", kFeb1 + 2 * kDayMicros);
  SetQuota(ann_.id, 0, "2024-01", 200000);
  SetQuota(bob_.id, 0, "2024-01", 100000);  // no deal of bob's in January: a row of its own

  SalesQuery q;
  q.group_by = "owner";
  const Forecast f = Run(q);
  ASSERT_EQ(f.rows.size(), 3u);
  const ForecastRow& jan = f.rows[0];
  EXPECT_EQ(jan.group.label, "ann");
  EXPECT_EQ(jan.period, "2024-01");
  EXPECT_EQ(jan.start, kJan1);
  EXPECT_EQ(jan.currency, "USD");
  EXPECT_EQ(jan.deals, 6u);
  EXPECT_EQ(jan.pipeline, 10000);
  EXPECT_EQ(jan.best_case, 20000);
  EXPECT_EQ(jan.commit, 40000);
  EXPECT_EQ(jan.closed, 160000);
  EXPECT_EQ(jan.omitted, 80000 + 320000);
  EXPECT_TRUE(jan.has_quota);
  EXPECT_EQ(jan.quota, 200000);
  EXPECT_DOUBLE_EQ(jan.attainment, 0.8);
  EXPECT_EQ(f.rows[1].group.label, "bob");
  EXPECT_EQ(f.rows[1].period, "2024-01");
  EXPECT_EQ(f.rows[1].deals, 0u);
  EXPECT_EQ(f.rows[1].quota, 100000);
  EXPECT_EQ(f.rows[2].period, "2024-02");
  EXPECT_EQ(f.rows[2].pipeline, 5000);
  EXPECT_FALSE(f.rows[2].has_quota);

  const ReportTable t = ReportTable::Of(f);
  EXPECT_EQ(t.columns.back().name, "attainment");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(t.rows[2].back()));  // no quota: no attainment
  EXPECT_NE(t.ToText().find("2000.00"), std::string::npos) << t.ToText();
}

TEST_F(ForecastTest, ByTeamAndQuarterInATimeZone) {
  // 02:00 UTC on 1 February is still January in New York.
  Deal("ann", 1000, "Negotiation", kFeb1 + 2 * 3'600'000'000LL);
  Deal("bob", 2000, "Proposal", kApr1 + kDayMicros);  // the second quarter
  SetQuota(0, east_.id, "2024-01", 10000);
  SetQuota(0, east_.id, "2024-03", 30000);  // Q1 has no quota of its own: its months' sum

  SalesQuery q;
  q.group_by = "team";
  q.bucket = TimeBucket::kQuarter;
  const Forecast f = Run(q);
  ASSERT_EQ(f.rows.size(), 2u);
  EXPECT_EQ(f.rows[0].group.label, "East");
  EXPECT_EQ(f.rows[0].period, "2024-Q1");
  EXPECT_EQ(f.rows[0].quota, 40000);
  EXPECT_EQ(f.rows[0].commit, 1000);
  EXPECT_EQ(f.rows[1].period, "2024-Q2");
  EXPECT_FALSE(f.rows[1].has_quota);
  SetQuota(0, east_.id, "2024-Q1", 50000);  // its own now
  EXPECT_EQ(Run(q).rows[0].quota, 50000);

  q.bucket = TimeBucket::kMonth;
  q.time_zone = "America/New_York";
  q.period = "2024-01";
  const Forecast ny = Run(q);
  ASSERT_EQ(ny.rows.size(), 1u);
  EXPECT_EQ(ny.rows[0].period, "2024-01");
  EXPECT_EQ(ny.rows[0].commit, 1000);
  EXPECT_EQ(ny.rows[0].quota, 10000);
  q.time_zone = "UTC";  // in UTC it closes in February: January has the quota alone
  const Forecast utc = Run(q);
  ASSERT_EQ(utc.rows.size(), 1u);
  EXPECT_EQ(utc.rows[0].deals, 0u);
  EXPECT_EQ(utc.rows[0].commit, 0);
  EXPECT_EQ(utc.rows[0].quota, 10000);

  q.bucket = TimeBucket::kWeek;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::GetForecast, q).status()));
}

}  // namespace
}  // namespace crm
