// Tickets and SLAs: business-hours clocks across a weekend, a holiday and a paused status (the
// expected deadlines worked out by hand, as civil times in the calendar's zone), policy matching
// with the earliest deadline counting, what breaches soon, the service report against figures
// counted here, and tickets through deletes, erasure, merges and Verify.
#include <gtest/gtest.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "support/fixture.h"

namespace crm {
namespace {

// Paris local time as a timestamp, converted by absl here (not by the engine's clock).
Timestamp Paris(int y, int mo, int d, int h, int mi = 0) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Paris", &zone));
  return absl::ToUnixMicros(absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), zone));
}

class TicketsTest : public testing::StoreTest {
 protected:
  TicketsTest() { now_ = Paris(2026, 6, 1, 12); }  // the tickets below are of 2025 and early 2026
  CustomerId Person(const std::string& family, std::vector<std::string> tags = {}) {
    Customer c;
    c.given_name = "Ann";
    c.family_name = family;
    c.tags.assign(tags.begin(), tags.end());
    return Ok(store_->Run(&WriteTxn::CreateCustomer, c)).id;
  }
  TeamId Team(const std::string& name) {
    crm::Team t;
    t.name = name;
    return Ok(store_->Run(&WriteTxn::CreateTeam, t)).id;
  }
  // Monday to Friday 09:00-17:00 in Paris; Christmas Day 2025 off.
  BusinessCalendar Office(TeamId team = 0, const std::string& name = "Paris office") {
    BusinessCalendar c;
    c.name = name;
    c.time_zone = "Europe/Paris";
    c.hours = OfficeHours();
    c.holidays = {Holiday{"2025-12-25", "Christmas Day"}};
    c.team = team;
    return Ok(store_->Run(&WriteTxn::CreateCalendar, c));
  }
  SlaPolicy Policy(const std::string& name, std::int64_t first, std::int64_t resolution,
                   std::vector<TicketPriority> priorities = {}) {
    SlaPolicy p;
    p.name = name;
    p.first_response_minutes = first;
    p.resolution_minutes = resolution;
    p.priorities = std::move(priorities);
    return Ok(store_->Run(&WriteTxn::CreateSlaPolicy, p));
  }
  Ticket Open(CustomerId customer, Timestamp at, TicketPriority priority = TicketPriority::kNormal, TeamId team = 0) {
    Ticket t;
    t.customer = customer;
    t.subject = "The invoice is wrong";
    t.description = "Billed twice in December.";
    t.opened_at = at;
    t.priority = priority;
    t.team = team;
    return Ok(store_->Run(&WriteTxn::OpenTicket, t));
  }
  Ticket Status(TicketId id, TicketStatus s, Timestamp at) {
    return Ok(store_->Run(&WriteTxn::SetTicketStatus, id, s, at));
  }
  void Reply(TicketId id, Timestamp at, TicketAuthor who = TicketAuthor::kAgent) {
    TicketEntry e;
    e.ticket = id;
    e.author_kind = who;
    e.at = at;
    e.body = "We are looking into it.";
    ASSERT_TRUE(store_->Run(&WriteTxn::AddTicketEntry, e).ok());
  }
  const SlaMilestone* Find(const Ticket& t, SlaMetric metric, SlaPolicyId policy = 0) {
    for (const SlaMilestone& m : t.milestones)
      if (m.metric == metric && (policy == 0 || m.policy == policy)) return &m;
    return nullptr;
  }
  void ExpectSound() {
    for (const std::string& p : Ok(store_->Run(&ReadTxn::Verify)).problems) ADD_FAILURE() << p;
  }
};

TEST_F(TicketsTest, TheClockSkipsAWeekendAndAHolidayAndPausesWhilePending) {
  Office();
  const SlaPolicy p = Policy("Standard", 60, 600);
  const CustomerId ann = Person("Martin");
  // Wednesday 24 December 2025, 16:00 in Paris.
  Ticket t = Open(ann, Paris(2025, 12, 24, 16));
  const SlaMilestone* first = Find(t, SlaMetric::kFirstResponse);
  const SlaMilestone* resolution = Find(t, SlaMetric::kResolution);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(resolution, nullptr);
  EXPECT_EQ(first->policy, p.id);
  // 60 minutes: 16:00 to 17:00 the same day.
  EXPECT_EQ(first->due_at, Paris(2025, 12, 24, 17));
  // 600 minutes: 1 h on Wednesday, Thursday 25 is a holiday, 8 h on Friday, the weekend, then
  // 1 h on Monday 29.
  EXPECT_EQ(resolution->due_at, Paris(2025, 12, 29, 10));
  EXPECT_EQ(t.due_at, first->due_at);

  // An agent answers on Friday at 09:30: 90 business minutes after opening, late.
  Reply(t.id, Paris(2025, 12, 26, 9, 30));
  // Pending from Friday 11:00 (3 business hours used) to Monday 14:00.
  t = Status(t.id, TicketStatus::kPending, Paris(2025, 12, 26, 11));
  EXPECT_EQ(t.first_response_at, Paris(2025, 12, 26, 9, 30));
  first = Find(t, SlaMetric::kFirstResponse);
  resolution = Find(t, SlaMetric::kResolution);
  EXPECT_EQ(first->completed_at, Paris(2025, 12, 26, 9, 30));
  EXPECT_TRUE(first->violated);
  EXPECT_EQ(first->elapsed_seconds, 90 * 60);
  EXPECT_EQ(resolution->due_at, 0) << "paused: the deadline moves on with the pause";
  EXPECT_EQ(t.due_at, 0);
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::TicketsBreachingSoon, TicketDueQuery{})).tickets.empty());

  t = Status(t.id, TicketStatus::kOpen, Paris(2025, 12, 29, 14));
  resolution = Find(t, SlaMetric::kResolution);
  // 7 h left: Monday 14:00-17:00, then Tuesday 09:00-13:00.
  EXPECT_EQ(resolution->due_at, Paris(2025, 12, 30, 13));
  EXPECT_EQ(resolution->elapsed_seconds, 3 * 3600);
  EXPECT_EQ(t.due_at, resolution->due_at);
  // Long past now: violated as read.
  EXPECT_TRUE(resolution->violated);

  // Solved on Tuesday at 12:00, within the target once the pause is left out.
  t = Status(t.id, TicketStatus::kSolved, Paris(2025, 12, 30, 12));
  resolution = Find(t, SlaMetric::kResolution);
  EXPECT_EQ(resolution->completed_at, Paris(2025, 12, 30, 12));
  EXPECT_FALSE(resolution->violated);
  EXPECT_EQ(resolution->elapsed_seconds, 9 * 3600);
  EXPECT_EQ(resolution->due_at, Paris(2025, 12, 30, 13));
  EXPECT_EQ(t.due_at, 0);

  // The clock arithmetic itself, as the API offers it.
  const CalendarId office = Ok(store_->Run(&ReadTxn::ListCalendars)).front().id;
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::BusinessSecondsBetween, office, Paris(2025, 12, 24, 16), Paris(2025, 12, 29, 10))),
            10 * 3600);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::AddBusinessSeconds, office, Paris(2025, 12, 24, 16), std::int64_t{3600})),
            Paris(2025, 12, 24, 17));
  ExpectSound();
}

TEST_F(TicketsTest, TheClockFollowsDaylightSavingTime) {
  Office();
  Policy("Resolution", 0, 8 * 60);
  // Friday 27 March 2026 16:00 (UTC+1); the clocks go forward on Sunday 29 March.
  const Ticket t = Open(Person("Durand"), Paris(2026, 3, 27, 16));
  // 1 h on Friday, 7 h on Monday 30 March from 09:00 local (UTC+2 by then).
  EXPECT_EQ(t.due_at, Paris(2026, 3, 30, 16));
  EXPECT_EQ(t.due_at - Paris(2026, 3, 27, 16), (3 * 24 + 0) * 3600LL * 1'000'000 - 3600LL * 1'000'000);
}

TEST_F(TicketsTest, SeveralPoliciesApplyAndTheEarliestDeadlineCounts) {
  const TeamId support = Team("Support");
  const TeamId billing = Team("Billing");
  Office(support);
  BusinessCalendar around;  // Billing works around the clock in UTC
  around.name = "Billing, all week";
  around.time_zone = "UTC";
  for (std::uint8_t d = 1; d <= 7; ++d) around.hours.push_back(WorkingHours{d, 0, 1440});
  around.team = billing;
  ASSERT_TRUE(store_->Run(&WriteTxn::CreateCalendar, around).ok());
  const SlaPolicy standard = Policy("Standard", 8 * 60, 0);
  const SlaPolicy urgent = Policy("Urgent", 30, 0, {TicketPriority::kUrgent});
  SlaPolicy vip;
  vip.name = "VIP";
  vip.customer_tag = "vip";
  vip.first_response_minutes = 240;
  vip = Ok(store_->Run(&WriteTxn::CreateSlaPolicy, vip));

  const CustomerId plain = Person("Plain");
  const CustomerId gold = Person("Gold", {"VIP"});
  const Timestamp monday9 = Paris(2025, 12, 1, 9);
  const Ticket a = Open(plain, monday9, TicketPriority::kNormal, support);
  ASSERT_EQ(a.milestones.size(), 1u);
  EXPECT_EQ(a.due_at, Paris(2025, 12, 1, 17));
  const Ticket b = Open(gold, monday9, TicketPriority::kUrgent, support);
  ASSERT_EQ(b.milestones.size(), 3u);
  EXPECT_EQ(Find(b, SlaMetric::kFirstResponse, urgent.id)->due_at, Paris(2025, 12, 1, 9, 30));
  EXPECT_EQ(Find(b, SlaMetric::kFirstResponse, vip.id)->due_at, Paris(2025, 12, 1, 13));
  EXPECT_EQ(b.due_at, Paris(2025, 12, 1, 9, 30));
  // Billing's calendar: 8 hours around the clock.
  const Ticket c = Open(plain, monday9, TicketPriority::kNormal, billing);
  EXPECT_EQ(c.due_at, monday9 + 8 * 3600LL * 1'000'000);

  // A change of priority applies the policies again.
  Ticket raised = a;
  raised.priority = TicketPriority::kUrgent;
  raised = Ok(store_->Run(&WriteTxn::UpdateTicket, raised));
  EXPECT_EQ(raised.due_at, Paris(2025, 12, 1, 9, 30));
  // An inactive policy applies to nothing once the ticket is recomputed; a completed milestone
  // of it would stay.
  SlaPolicy off = urgent;
  off.active = false;
  ASSERT_TRUE(store_->Run(&WriteTxn::UpdateSlaPolicy, off).ok());
  raised = Ok(store_->Run(&WriteTxn::RecomputeTicketSla, a.id));
  EXPECT_EQ(raised.due_at, Paris(2025, 12, 1, 17));
  ExpectSound();
}

TEST_F(TicketsTest, BreachingSoonListsRunningDeadlinesInOrder) {
  const TeamId support = Team("Support");
  Policy("Hour", 60, 0);
  const CustomerId ann = Person("Martin");
  std::vector<Ticket> made;
  for (int i = 0; i < 7; ++i)
    made.push_back(Open(ann, Paris(2025, 11, 3 + i, 10, 7 * i), TicketPriority::kHigh, i % 2 == 0 ? support : 0));
  // One answered, one pending: neither has a running deadline.
  Reply(made[2].id, Paris(2025, 11, 5, 10, 20));
  Status(made[4].id, TicketStatus::kPending, Paris(2025, 11, 7, 10, 40));
  std::vector<TicketId> expected;
  for (int i : {0, 1, 3, 5, 6}) expected.push_back(made[static_cast<std::size_t>(i)].id);

  TicketDueQuery q;
  q.limit = 2;
  std::vector<TicketId> seen;
  Timestamp last = 0;
  for (int pages = 0; pages < 10; ++pages) {
    const TicketDuePage page = Ok(store_->Run(&ReadTxn::TicketsBreachingSoon, q));
    for (const TicketDue& d : page.tickets) {
      EXPECT_GE(d.due_at, last);
      last = d.due_at;
      EXPECT_EQ(d.metric, SlaMetric::kFirstResponse);
      EXPECT_EQ(d.priority, TicketPriority::kHigh);
      seen.push_back(d.ticket);
    }
    if (page.next_page_token.empty()) break;
    q.page_token = page.next_page_token;
  }
  EXPECT_EQ(seen, expected);
  TicketDueQuery team;
  team.team = support;
  team.before = Paris(2025, 11, 8, 12);
  std::vector<TicketId> of_team;
  for (const TicketDue& d : Ok(store_->Run(&ReadTxn::TicketsBreachingSoon, team)).tickets) of_team.push_back(d.ticket);
  EXPECT_EQ(of_team, (std::vector<TicketId>{made[0].id}));
  TicketDueQuery other = q;
  other.team = support;
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::TicketsBreachingSoon, other).status()));
}

TEST_F(TicketsTest, StatusConversationAndRatingFollowTheRules) {
  const CustomerId ann = Person("Martin");
  Policy("Day", 0, 24 * 60);
  Ticket t = Open(ann, Paris(2025, 12, 1, 9));
  EXPECT_EQ(t.status, TicketStatus::kNew);
  EXPECT_EQ(t.history, (std::vector<TicketStatusChange>{{TicketStatus::kNew, Paris(2025, 12, 1, 9)}}));
  // The customer's timeline shows the ticket.
  TimelineQuery tq;
  tq.customer = ann;
  const InteractionPage timeline = Ok(store_->Run(&ReadTxn::ListTimeline, tq));
  ASSERT_EQ(timeline.interactions.size(), 1u);
  EXPECT_EQ(timeline.interactions[0].id, t.interaction);
  EXPECT_EQ(timeline.interactions[0].kind, InteractionKind::kSupportTicket);
  EXPECT_EQ(timeline.interactions[0].subject, absl::StrCat("Ticket ", t.id, ": The invoice is wrong"));

  // Rated only once solved; a status change may not go back in time.
  EXPECT_TRUE(absl::IsFailedPrecondition(store_->Run(&WriteTxn::RateTicket, t.id, std::uint8_t{5}, "").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      store_->Run(&WriteTxn::SetTicketStatus, t.id, TicketStatus::kOpen, Paris(2025, 11, 30, 9)).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      store_->Run(&WriteTxn::SetTicketStatus, t.id, TicketStatus::kOpen, now_ + 1'000'000).status()));
  Reply(t.id, Paris(2025, 12, 1, 10), TicketAuthor::kCustomer);
  Reply(t.id, Paris(2025, 12, 1, 9, 45), TicketAuthor::kNote);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetTicket, t.id)).first_response_at, 0) << "neither is a reply of an agent";
  // A reply recorded late, backdated to when it was sent.
  Reply(t.id, Paris(2025, 12, 1, 11));
  Reply(t.id, Paris(2025, 12, 1, 9, 50));
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetTicket, t.id)).first_response_at, Paris(2025, 12, 1, 9, 50));
  std::vector<Timestamp> times;
  for (const TicketEntry& e : Ok(store_->Run(&ReadTxn::TicketEntries, t.id))) times.push_back(e.at);
  EXPECT_EQ(times, (std::vector<Timestamp>{Paris(2025, 12, 1, 9, 45), Paris(2025, 12, 1, 9, 50), Paris(2025, 12, 1, 10),
                                           Paris(2025, 12, 1, 11)}));

  t = Status(t.id, TicketStatus::kSolved, Paris(2025, 12, 1, 15));
  EXPECT_EQ(t.solved_at, Paris(2025, 12, 1, 15));
  EXPECT_EQ(Find(t, SlaMetric::kResolution)->completed_at, Paris(2025, 12, 1, 15));
  // Reopened: the resolution clock runs again from where it stopped (6 h used of 24).
  t = Status(t.id, TicketStatus::kOpen, Paris(2025, 12, 2, 9));
  EXPECT_EQ(t.solved_at, 0);
  EXPECT_EQ(Find(t, SlaMetric::kResolution)->completed_at, 0);
  EXPECT_EQ(Find(t, SlaMetric::kResolution)->due_at, Paris(2025, 12, 3, 3));
  t = Status(t.id, TicketStatus::kClosed, Paris(2025, 12, 2, 10));
  EXPECT_EQ(t.closed_at, Paris(2025, 12, 2, 10));
  t = Ok(store_->Run(&WriteTxn::RateTicket, t.id, std::uint8_t{4}, "  Quick, thanks. "));
  EXPECT_EQ(t.satisfaction, 4);
  EXPECT_EQ(t.satisfaction_comment, "Quick, thanks.");
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&WriteTxn::RateTicket, t.id, std::uint8_t{6}, "").status()));
  const auto reopened = store_->Run(&WriteTxn::SetTicketStatus, t.id, TicketStatus::kOpen, Timestamp{0});
  EXPECT_TRUE(absl::IsFailedPrecondition(reopened.status())) << reopened.status();
  // Every change is in the feed, field by field.
  const auto history = Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kTicket, t.id, "status"));
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history.back().after, "closed");
  ExpectSound();
}

TEST_F(TicketsTest, BadInputIsRefusedNamingWhatIsWrong) {
  const CustomerId ann = Person("Martin");
  const auto refused = [&](const absl::Status& s, const std::string& text) {
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find(text), std::string::npos) << s;
  };
  BusinessCalendar c;
  c.name = "Nowhere";
  c.time_zone = "Mars/Olympus";
  c.hours = OfficeHours();
  refused(store_->Run(&WriteTxn::CreateCalendar, c).status(), "time_zone");
  c.time_zone = "Europe/Paris";
  c.hours.push_back(WorkingHours{1, 16 * 60, 18 * 60});
  refused(store_->Run(&WriteTxn::CreateCalendar, c).status(), "overlap");
  c.hours = OfficeHours();
  c.holidays = {Holiday{"2025-02-30", ""}};
  refused(store_->Run(&WriteTxn::CreateCalendar, c).status(), "holidays[0].date");
  c.holidays.clear();
  c.hours = {};
  refused(store_->Run(&WriteTxn::CreateCalendar, c).status(), "hours");
  c.hours = {WorkingHours{8, 0, 60}};
  refused(store_->Run(&WriteTxn::CreateCalendar, c).status(), "hours[0].weekday");
  SlaPolicy p;
  p.name = "Nothing";
  refused(store_->Run(&WriteTxn::CreateSlaPolicy, p).status(), "target");
  p.first_response_minutes = 60;
  p.pause_statuses = {TicketStatus::kSolved};
  refused(store_->Run(&WriteTxn::CreateSlaPolicy, p).status(), "pause_statuses[0]");
  p.pause_statuses = {};
  p.teams = {99};
  refused(store_->Run(&WriteTxn::CreateSlaPolicy, p).status(), "teams[0]");

  const std::size_t changes = Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{1000})).size();
  Ticket t;
  t.subject = "Hello";
  refused(store_->Run(&WriteTxn::OpenTicket, t).status(), "customer");
  t.customer = 4242;
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::OpenTicket, t).status()));
  t.customer = ann;
  t.priority = static_cast<TicketPriority>(9);
  refused(store_->Run(&WriteTxn::OpenTicket, t).status(), "priority");
  t.priority = TicketPriority::kLow;
  t.status = TicketStatus::kSolved;
  refused(store_->Run(&WriteTxn::OpenTicket, t).status(), "status");
  t.status = TicketStatus::kOpen;
  t.assignee = 77;
  refused(store_->Run(&WriteTxn::OpenTicket, t).status(), "assignee");
  t.assignee = 0;
  t.subject = "";
  refused(store_->Run(&WriteTxn::OpenTicket, t).status(), "subject");
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{1000})).size(), changes)
      << "no refused ticket wrote anything";
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::TicketsOf, ann, std::string_view{}, std::size_t{10})).tickets.empty());
  TicketEntry e;
  e.ticket = 5;
  e.body = "x";
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&WriteTxn::AddTicketEntry, e).status()));
}

TEST_F(TicketsTest, TheServiceReportCountsWhatHappened) {
  const TeamId support = Team("Support");
  const TeamId billing = Team("Billing");
  Policy("Two hours", 120, 8 * 60);  // around the clock: no calendar
  const CustomerId ann = Person("Martin");
  struct Case {
    TeamId team;
    int reply_after_min;   // 0: none
    int solve_after_min;   // 0: not solved
    std::uint8_t rating;
  };
  const std::vector<Case> cases = {{support, 30, 200, 5}, {support, 150, 600, 2}, {support, 0, 0, 0},
                                   {billing, 60, 0, 0},   {billing, 10, 90, 4},   {0, 0, 0, 0}};
  const Timestamp base = Paris(2026, 1, 5, 8);
  const std::int64_t minute = 60'000'000;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const Timestamp opened = base + static_cast<Timestamp>(i) * 24 * 60 * minute;
    const Ticket t = Open(ann, opened, TicketPriority::kNormal, c.team);
    if (c.reply_after_min != 0) Reply(t.id, opened + c.reply_after_min * minute);
    if (c.solve_after_min != 0) Status(t.id, TicketStatus::kSolved, opened + c.solve_after_min * minute);
    if (c.rating != 0) {
      ASSERT_TRUE(store_->Run(&WriteTxn::RateTicket, t.id, c.rating, "").ok());
    }
  }
  const ReportTable r = Ok(store_->Run(&ReadTxn::ServiceReport, ServiceReportQuery{}));
  ASSERT_EQ(r.rows.size(), 4u);  // no team, Support, Billing (by id), all
  const auto col = [&](const std::string& name) {
    for (std::size_t i = 0; i < r.columns.size(); ++i)
      if (r.columns[i].name == name) return i;
    ADD_FAILURE() << name;
    return std::size_t{0};
  };
  const auto cell = [&](std::size_t row, const std::string& name) { return r.rows[row][col(name)]; };
  // Support (row 1): first response met 1 (30 min), violated 2 (150 min; none for 5 months);
  // resolution met 1 (200 min), violated 2 (600 min; open past its deadline).
  EXPECT_EQ(std::get<std::string>(cell(1, "team_name")), "Support");
  EXPECT_EQ(std::get<std::int64_t>(cell(1, "tickets")), 3);
  EXPECT_EQ(std::get<std::int64_t>(cell(1, "solved")), 2);
  EXPECT_EQ(std::get<std::int64_t>(cell(1, "first_response_met")), 1);
  EXPECT_EQ(std::get<std::int64_t>(cell(1, "first_response_violated")), 2);
  EXPECT_DOUBLE_EQ(std::get<double>(cell(1, "first_response_attainment")), 1.0 / 3);
  EXPECT_EQ(std::get<std::int64_t>(cell(1, "resolution_met")), 1);
  EXPECT_EQ(std::get<std::int64_t>(cell(1, "resolution_violated")), 2);
  EXPECT_EQ(std::get<std::int64_t>(cell(1, "median_first_response_s")), (30 + 150) * 60 / 2);
  EXPECT_EQ(std::get<std::int64_t>(cell(1, "median_resolution_s")), (200 + 600) * 60 / 2);
  EXPECT_EQ(std::get<std::int64_t>(cell(1, "csat_count")), 2);
  EXPECT_DOUBLE_EQ(std::get<double>(cell(1, "csat_average")), 3.5);
  EXPECT_DOUBLE_EQ(std::get<double>(cell(1, "csat_satisfied")), 0.5);
  // All: 6 tickets; first responses at 10, 30, 60, 150 minutes: median 45.
  EXPECT_EQ(std::get<std::string>(cell(3, "team_name")), "all");
  EXPECT_EQ(std::get<std::int64_t>(cell(3, "tickets")), 6);
  EXPECT_EQ(std::get<std::int64_t>(cell(3, "median_first_response_s")), 45 * 60);
  EXPECT_EQ(std::get<std::int64_t>(cell(3, "median_resolution_s")), 200 * 60);
  // A period: the first two days only.
  ServiceReportQuery q{base, base + 2 * 24 * 60 * minute};
  const ReportTable two = Ok(store_->Run(&ReadTxn::ServiceReport, q));
  EXPECT_EQ(std::get<std::int64_t>(two.rows.back()[col("tickets")]), 2);
}

TEST_F(TicketsTest, TicketsGoWithTheirCustomerThroughDeletesErasuresAndMerges) {
  Policy("Hour", 60, 0);
  const CustomerId ann = Person("Martin");
  const CustomerId dup = Person("Martin");
  const Ticket mine = Open(ann, Paris(2025, 12, 1, 9));
  const Ticket theirs = Open(dup, Paris(2025, 12, 2, 9));
  Reply(theirs.id, Paris(2025, 12, 2, 9, 30));
  const MergeResult merged = Ok(store_->Run(&WriteTxn::MergeCustomers, ann, std::vector<CustomerId>{dup}, MergeOptions{}));
  std::vector<TicketId> held;
  for (const Ticket& t : Ok(store_->Run(&ReadTxn::TicketsOf, ann, std::string_view{}, std::size_t{100})).tickets)
    held.push_back(t.id);
  EXPECT_EQ(held, (std::vector<TicketId>{theirs.id, mine.id})) << "newest first";
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::TicketEntries, theirs.id)).size(), 1u);
  ExpectSound();
  ASSERT_TRUE(store_->Run(&WriteTxn::UnmergeCustomers, merged.merge.id).ok());
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetTicket, theirs.id)).customer, dup);
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::TicketEntries, theirs.id)).size(), 1u);
  ExpectSound();

  // A delete without cascade names the tickets; with it they go.
  const auto kept = store_->Run(&WriteTxn::DeleteCustomer, dup, DeleteOptions{});
  EXPECT_FALSE(kept.ok());
  ASSERT_TRUE(store_->Run(&WriteTxn::DeleteCustomer, dup, DeleteOptions{true}).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetTicket, theirs.id).status()));
  // An erasure takes the tickets and blanks their history.
  const Erasure e = Ok(store_->Run(&WriteTxn::EraseCustomer, ann, EraseOptions{}));
  EXPECT_GT(e.changes_redacted, 0u);
  EXPECT_TRUE(absl::IsNotFound(store_->Run(&ReadTxn::GetTicket, mine.id).status()));
  for (const auto& h : Ok(store_->Run(&ReadTxn::FieldHistory, EntityType::kTicket, mine.id, "subject")))
    EXPECT_TRUE(h.before.empty() && h.after.empty());
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::TicketsBreachingSoon, TicketDueQuery{})).tickets.empty());
  // The feed reads whole: what the given-back records had written while they were the
  // survivor's went back to the loser with them, and was not shredded with the survivor.
  EXPECT_TRUE(store_->Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{1000}).ok());
  ExpectSound();
}

}  // namespace
}  // namespace crm
