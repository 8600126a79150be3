// Business calendars (crm/ticket.hpp): records, and the clock that counts working time on them.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "text/text.h"
#include "tickets/tickets.h"
#include "users/users.h"

namespace crm {

std::vector<WorkingHours> OfficeHours(std::int32_t start_minute, std::int32_t end_minute) {
  std::vector<WorkingHours> out;
  for (std::uint8_t day = 1; day <= 5; ++day) out.push_back(WorkingHours{day, start_minute, end_minute});
  return out;
}

}  // namespace crm

namespace crm::tickets {
namespace {

constexpr std::size_t kNameBytes = 256;
constexpr std::size_t kMaxHours = 64;
constexpr std::size_t kMaxHolidays = 1000;
constexpr std::size_t kMaxCalendars = 256;
constexpr char kCalendarSequence[] = "seq.calendar";
// How far Add looks for working time.
constexpr std::int64_t kHorizonDays = 20 * 366;

const absl::CivilDay kEpochDay(1970, 1, 1);

// "YYYY-MM-DD" as local days since 1970-01-01.
std::optional<std::int64_t> ParseDay(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  absl::CivilDay day;
  if (!absl::ParseCivilTime(absl::string_view(text.data(), text.size()), &day)) return std::nullopt;
  if (absl::FormatCivilTime(day) != absl::string_view(text.data(), text.size())) return std::nullopt;  // 2026-02-30
  return day - kEpochDay;
}

absl::Status Normalize(const Ctx& ctx, BusinessCalendar& c) {
  model::Trim(c.name);
  model::Trim(c.time_zone);
  if (auto s = model::CheckRequiredText("name", c.name, kNameBytes); !s.ok()) return s;
  if (c.time_zone.empty()) c.time_zone = "UTC";
  absl::TimeZone zone;
  if (c.time_zone.size() > 64 || !absl::LoadTimeZone(c.time_zone, &zone))
    return model::Invalid("time_zone", absl::StrCat("'", c.time_zone, "' is not a known time zone (an IANA name, as Europe/Paris)"));
  if (c.hours.empty()) return model::Invalid("hours", "a calendar needs working hours on at least one day");
  if (c.hours.size() > kMaxHours) return model::Invalid("hours", absl::StrCat("more than ", kMaxHours, " intervals"));
  for (std::size_t i = 0; i < c.hours.size(); ++i) {
    const WorkingHours& h = c.hours[i];
    if (h.weekday < 1 || h.weekday > 7) return model::Invalid(model::Field("hours", i, "weekday"), "is not 1 (Monday) to 7 (Sunday)");
    if (h.start_minute < 0 || h.start_minute >= 1440)
      return model::Invalid(model::Field("hours", i, "start_minute"), "is not 0 to 1439");
    if (h.end_minute <= h.start_minute || h.end_minute > 1440)
      return model::Invalid(model::Field("hours", i, "end_minute"), "is not after start_minute and at most 1440");
  }
  std::sort(c.hours.begin(), c.hours.end(), [](const WorkingHours& a, const WorkingHours& b) {
    return a.weekday != b.weekday ? a.weekday < b.weekday : a.start_minute < b.start_minute;
  });
  for (std::size_t i = 1; i < c.hours.size(); ++i)
    if (c.hours[i].weekday == c.hours[i - 1].weekday && c.hours[i].start_minute < c.hours[i - 1].end_minute)
      return model::Invalid("hours", absl::StrCat("two intervals of day ", c.hours[i].weekday, " overlap"));
  if (c.holidays.size() > kMaxHolidays) return model::Invalid("holidays", absl::StrCat("more than ", kMaxHolidays));
  for (std::size_t i = 0; i < c.holidays.size(); ++i) {
    model::Trim(c.holidays[i].date);
    model::Trim(c.holidays[i].name);
    if (!ParseDay(c.holidays[i].date))
      return model::Invalid(model::Field("holidays", i, "date"), absl::StrCat("'", c.holidays[i].date, "' is not a day as YYYY-MM-DD"));
    if (auto s = model::CheckText(model::Field("holidays", i, "name"), c.holidays[i].name, kNameBytes); !s.ok()) return s;
  }
  std::sort(c.holidays.begin(), c.holidays.end(), [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  for (std::size_t i = 1; i < c.holidays.size(); ++i)
    if (c.holidays[i].date == c.holidays[i - 1].date)
      return model::Invalid("holidays", absl::StrCat("the day ", c.holidays[i].date, " is given twice"));
  if (c.team != 0) {
    auto team = users::GetTeam(ctx, c.team);
    if (absl::IsNotFound(team.status())) return model::Invalid("team", absl::StrCat("team ", c.team, " does not exist"));
    if (!team.ok()) return team.status();
  }
  auto all = Calendars(ctx);
  if (!all.ok()) return all.status();
  const std::string folded = text::FoldCase(c.name);
  for (const BusinessCalendar& other : *all) {
    if (other.id == c.id) continue;
    if (text::FoldCase(other.name) == folded)
      return absl::AlreadyExistsError(absl::StrCat("name: calendar ", other.id, " is named '", other.name, "'"));
    if (other.team == c.team)
      return absl::AlreadyExistsError(c.team == 0 ? absl::StrCat("team: calendar ", other.id, " is the default calendar already")
                                            : absl::StrCat("team: calendar ", other.id, " times team ", c.team, " already"));
  }
  if (c.id == 0 && all->size() >= kMaxCalendars)
    return model::Invalid("calendar", absl::StrCat("a store keeps at most ", kMaxCalendars, " calendars"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Clock> Clock::Of(const BusinessCalendar& calendar) {
  Clock c;
  c.always_ = false;
  c.id_ = calendar.id;
  if (!absl::LoadTimeZone(calendar.time_zone, &c.zone_))
    return absl::FailedPreconditionError(absl::StrCat("calendar ", calendar.id, ": the time zone '", calendar.time_zone,
                                                      "' is not known on this system"));
  c.hours_ = calendar.hours;
  std::sort(c.hours_.begin(), c.hours_.end(), [](const WorkingHours& a, const WorkingHours& b) {
    return a.weekday != b.weekday ? a.weekday < b.weekday : a.start_minute < b.start_minute;
  });
  for (const Holiday& h : calendar.holidays)
    if (auto day = ParseDay(h.date)) c.holidays_.push_back(*day);
  std::sort(c.holidays_.begin(), c.holidays_.end());
  return c;
}

std::int64_t Clock::DayOf(Timestamp t) const {
  return absl::ToCivilDay(absl::FromUnixMicros(t), zone_) - kEpochDay;
}

void Clock::SpansOf(std::int64_t day, std::vector<Span>& out) const {
  out.clear();
  if (std::binary_search(holidays_.begin(), holidays_.end(), day)) return;
  const absl::CivilDay civil = kEpochDay + day;
  const int weekday = static_cast<int>(absl::GetWeekday(civil)) + 1;  // absl: Monday is 0
  const absl::CivilSecond midnight(civil);
  for (const WorkingHours& h : hours_) {
    if (h.weekday != weekday) continue;
    const Timestamp from = absl::ToUnixMicros(absl::FromCivil(midnight + h.start_minute * 60, zone_));
    const Timestamp to = absl::ToUnixMicros(absl::FromCivil(midnight + h.end_minute * 60, zone_));
    if (to > from) out.push_back(Span{from, to});
  }
}

std::int64_t Clock::Between(Timestamp from, Timestamp to) const {
  if (to <= from) return 0;
  if (always_) return to - from;
  std::int64_t total = 0;
  std::vector<Span> spans;
  // A day before and after: a local day's hours may reach past its UTC bounds.
  for (std::int64_t day = DayOf(from) - 1, last = DayOf(to) + 1; day <= last; ++day) {
    SpansOf(day, spans);
    for (const Span& s : spans) {
      const Timestamp a = std::max(s.from, from), b = std::min(s.to, to);
      if (b > a) total += b - a;
    }
  }
  return total;
}

absl::StatusOr<Timestamp> Clock::Add(Timestamp from, std::int64_t micros) const {
  if (micros <= 0) return from;
  if (always_) return from + micros;
  std::int64_t left = micros;
  std::vector<Span> spans;
  const std::int64_t first = DayOf(from) - 1;
  for (std::int64_t day = first; day <= first + kHorizonDays; ++day) {
    SpansOf(day, spans);
    for (const Span& s : spans) {
      const Timestamp a = std::max(s.from, from);
      if (s.to <= a) continue;
      if (s.to - a >= left) return a + left;
      left -= s.to - a;
    }
  }
  return absl::FailedPreconditionError(absl::StrCat("calendar ", id_, ": ", micros / kMicrosPerMinute,
                                                    " business minutes are not reached within 20 years"));
}

absl::StatusOr<BusinessCalendar> GetCalendar(const Ctx& ctx, CalendarId id) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  return model::Get<BusinessCalendar>(ctx, kCalendarKind, id);
}

absl::StatusOr<std::vector<BusinessCalendar>> Calendars(const Ctx& ctx) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  std::vector<BusinessCalendar> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.calendars, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 BusinessCalendar c;
                                 const std::uint64_t id = key.size() == 8 ? codec::GetBigEndian64(key.data()) : 0;
                                 if (auto st = codec::Decode(value, kCalendarKind.type, {"calendar", id}, c); !st.ok()) return st;
                                 if (c.id != id)
                                   return absl::DataLossError(absl::StrCat("calendar ", id, ": stored record holds id ", c.id));
                                 out.push_back(std::move(c));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<BusinessCalendar> CreateCalendar(Ctx& ctx, BusinessCalendar c) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  c.id = 0;
  if (auto s = Normalize(ctx, c); !s.ok()) return s;
  auto id = model::NextId(ctx, kCalendarSequence);
  if (!id.ok()) return id.status();
  c.id = *id;
  model::StampCreated(c, ctx.now);
  if (auto s = model::Put(ctx, kCalendarKind, c, /*fresh=*/true); !s.ok()) return s;
  return c;
}

absl::StatusOr<BusinessCalendar> UpdateCalendar(Ctx& ctx, BusinessCalendar c) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto before = model::LoadForUpdate(ctx, kCalendarKind, c);
  if (!before.ok()) return before.status();
  if (auto s = Normalize(ctx, c); !s.ok()) return s;
  model::StampChanged(c, *before, ctx.now);
  if (auto s = model::Put(ctx, kCalendarKind, c); !s.ok()) return s;
  return c;
}

absl::Status DeleteCalendar(Ctx& ctx, CalendarId id) {
  if (auto c = GetCalendar(ctx, id); !c.ok()) return c.status();
  return ctx.txn.Del(ctx.schema.calendars, codec::EncodeU64(id)).status();
}

absl::StatusOr<Clock> ClockOfTeam(const Ctx& ctx, TeamId team) {
  auto all = Calendars(ctx);
  if (!all.ok()) return all.status();
  const BusinessCalendar* fallback = nullptr;
  for (const BusinessCalendar& c : *all) {
    if (team != 0 && c.team == team) return Clock::Of(c);
    if (c.team == 0) fallback = &c;
  }
  if (fallback != nullptr) return Clock::Of(*fallback);
  return Clock::AroundTheClock();
}

absl::StatusOr<std::int64_t> BusinessSeconds(const Ctx& ctx, CalendarId id, Timestamp from, Timestamp to) {
  if (auto s = model::CheckTime("from", from); !s.ok()) return s;
  if (auto s = model::CheckTime("to", to); !s.ok()) return s;
  if (to < from) return model::Invalid("to", "is before from");
  if (to - from > kHorizonDays * 86'400'000'000LL) return model::Invalid("to", "is more than 20 years after from");
  auto c = GetCalendar(ctx, id);
  if (!c.ok()) return c.status();
  auto clock = Clock::Of(*c);
  if (!clock.ok()) return clock.status();
  return clock->Between(from, to) / 1'000'000;
}

absl::StatusOr<Timestamp> AddBusiness(const Ctx& ctx, CalendarId id, Timestamp from, std::int64_t seconds) {
  if (auto s = model::CheckTime("from", from); !s.ok()) return s;
  if (seconds < 0 || seconds > 1'000'000LL * 60) return model::Invalid("seconds", "is not 0 to 60,000,000");
  auto c = GetCalendar(ctx, id);
  if (!c.ok()) return c.status();
  auto clock = Clock::Of(*c);
  if (!clock.ok()) return clock.status();
  auto at = clock->Add(from, seconds * 1'000'000);
  if (!at.ok()) return at.status();
  if (auto s = model::CheckTime("the result", *at); !s.ok()) return s;
  return at;
}

}  // namespace crm::tickets
