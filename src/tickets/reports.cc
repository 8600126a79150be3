// Reads over many tickets (crm/ticket.hpp): a customer's tickets, what breaches soon, the
// service report.
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "codec/key.h"
#include "customers/customers.h"
#include "model/paging.h"
#include "tickets/store.h"
#include "tickets/tickets.h"
#include "users/users.h"

namespace crm::tickets {
namespace {

struct TeamFigures {
  std::int64_t tickets = 0, solved = 0;
  std::int64_t first_met = 0, first_violated = 0, resolution_met = 0, resolution_violated = 0;
  std::vector<std::int64_t> first_response_s, resolution_s;
  std::int64_t csat_count = 0, csat_sum = 0, csat_satisfied = 0;

  void Add(const Ticket& t, Timestamp now) {
    ++tickets;
    const bool done = t.status == TicketStatus::kSolved || t.status == TicketStatus::kClosed;
    if (done) {
      ++solved;
      resolution_s.push_back((t.solved_at - t.opened_at) / 1'000'000);
    }
    if (t.first_response_at != 0) first_response_s.push_back((t.first_response_at - t.opened_at) / 1'000'000);
    for (const SlaMilestone& m : t.milestones) {
      const bool violated = m.violated || (m.completed_at == 0 && m.due_at != 0 && m.due_at <= now);
      const bool met = m.completed_at != 0 && !violated;
      std::int64_t& into_met = m.metric == SlaMetric::kFirstResponse ? first_met : resolution_met;
      std::int64_t& into_violated = m.metric == SlaMetric::kFirstResponse ? first_violated : resolution_violated;
      if (met) ++into_met;
      if (violated) ++into_violated;
    }
    if (t.satisfaction != 0) {
      ++csat_count;
      csat_sum += t.satisfaction;
      if (t.satisfaction >= 4) ++csat_satisfied;
    }
  }
  void Add(const TeamFigures& o) {
    tickets += o.tickets;
    solved += o.solved;
    first_met += o.first_met;
    first_violated += o.first_violated;
    resolution_met += o.resolution_met;
    resolution_violated += o.resolution_violated;
    first_response_s.insert(first_response_s.end(), o.first_response_s.begin(), o.first_response_s.end());
    resolution_s.insert(resolution_s.end(), o.resolution_s.begin(), o.resolution_s.end());
    csat_count += o.csat_count;
    csat_sum += o.csat_sum;
    csat_satisfied += o.csat_satisfied;
  }
};

ReportCell Ratio(std::int64_t part, std::int64_t whole) {
  return whole == 0 ? ReportCell() : ReportCell(static_cast<double>(part) / static_cast<double>(whole));
}

// The median of whole seconds (the mean of the middle two, rounded down, for an even count).
ReportCell Median(std::vector<std::int64_t> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<ReportCell> RowOf(ReportCell team, std::string name, const TeamFigures& f) {
  std::vector<ReportCell> row;
  row.push_back(std::move(team));
  row.emplace_back(std::move(name));
  row.emplace_back(f.tickets);
  row.emplace_back(f.solved);
  row.emplace_back(f.first_met);
  row.emplace_back(f.first_violated);
  row.push_back(Ratio(f.first_met, f.first_met + f.first_violated));
  row.emplace_back(f.resolution_met);
  row.emplace_back(f.resolution_violated);
  row.push_back(Ratio(f.resolution_met, f.resolution_met + f.resolution_violated));
  row.push_back(Median(f.first_response_s));
  row.push_back(Median(f.resolution_s));
  row.emplace_back(f.csat_count);
  row.push_back(Ratio(f.csat_sum, f.csat_count));
  row.push_back(Ratio(f.csat_satisfied, f.csat_count));
  return row;
}

}  // namespace

absl::StatusOr<TicketPage> Of(const Ctx& ctx, CustomerId customer, std::string_view page_token, std::size_t limit) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (auto s = model::CheckLimit(limit); !s.ok()) return s;
  if (auto c = customers::Get(ctx, customer); !c.ok()) return c.status();
  const std::string lo = codec::EncodeU64(customer);
  const std::string hi = customer == UINT64_MAX ? std::string() : codec::EncodeU64(customer + 1);
  const std::uint64_t hash = model::QueryHash().Add("tickets of").Add(customer).value();
  auto after = model::ParsePageToken(page_token, hash, lo, hi);
  if (!after.ok()) return after.status();
  TicketPage page;
  auto s = model::CollectPage<Ticket>(limit, hash, page.tickets, page.next_page_token, [&](auto emit) {
    return storage::ScanRange(ctx.txn, ctx.schema.customer_ticket, lo, hi, *after, /*reverse=*/true,
                              [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                if (key.size() != 16) return absl::DataLossError("customer_ticket: a key is damaged");
                                auto t = Get(ctx, codec::GetBigEndian64(key.data() + 8));
                                if (!t.ok()) return t.status();
                                return emit(key, *t);
                              });
  });
  if (!s.ok()) return s;
  return page;
}

absl::StatusOr<TicketDuePage> BreachingSoon(const Ctx& ctx, const TicketDueQuery& q) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (auto s = model::CheckLimit(q.limit); !s.ok()) return s;
  if (q.before != 0)
    if (auto s = model::CheckTime("before", q.before); !s.ok()) return s;
  const std::string hi = q.before == 0 ? std::string() : codec::KeyBuilder().I64(q.before).Take();
  const std::uint64_t hash =
      model::QueryHash().Add("breaching").Add(static_cast<std::uint64_t>(q.before)).Add(q.team).Add(q.assignee).value();
  auto after = model::ParsePageToken(q.page_token, hash, {}, hi);
  if (!after.ok()) return after.status();
  TicketDuePage page;
  auto s = model::CollectPage<TicketDue>(q.limit, hash, page.tickets, page.next_page_token, [&](auto emit) {
    return storage::ScanRange(
        ctx.txn, ctx.schema.ticket_due, {}, hi, *after, /*reverse=*/false,
        [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
          codec::KeyReader k(key), v(value);
          TicketDue d;
          const auto due = k.I64();
          const auto id = k.U64();
          const auto metric = v.U8();
          const auto status = v.U8();
          const auto priority = v.U8();
          const auto team = v.U64();
          const auto assignee = v.U64();
          if (!due || !id || !k.done() || !metric || !status || !priority || !team || !assignee || !v.done())
            return absl::DataLossError("ticket_due: an entry is damaged");
          if ((q.team != 0 && *team != q.team) || (q.assignee != 0 && *assignee != q.assignee)) return true;
          d.ticket = *id;
          d.due_at = *due;
          d.metric = static_cast<SlaMetric>(*metric);
          d.status = static_cast<TicketStatus>(*status);
          d.priority = static_cast<TicketPriority>(*priority);
          d.team = *team;
          d.assignee = *assignee;
          return emit(key, d);
        });
  });
  if (!s.ok()) return s;
  return page;
}

absl::StatusOr<ReportTable> Report(const Ctx& ctx, const ServiceReportQuery& q) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (q.from != 0)
    if (auto s = model::CheckTime("from", q.from); !s.ok()) return s;
  if (q.to != 0)
    if (auto s = model::CheckTime("to", q.to); !s.ok()) return s;
  if (q.from != 0 && q.to != 0 && q.to <= q.from) return model::Invalid("to", "is not after from");
  const std::string lo = q.from == 0 ? std::string() : codec::KeyBuilder().I64(q.from).Take();
  const std::string hi = q.to == 0 ? std::string() : codec::KeyBuilder().I64(q.to).Take();
  std::map<TeamId, TeamFigures> teams;
  auto s = storage::ScanRange(ctx.txn, ctx.schema.ticket_opened, lo, hi, {}, false,
                              [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                if (key.size() != 16) return absl::DataLossError("ticket_opened: a key is damaged");
                                auto t = Load(ctx, codec::GetBigEndian64(key.data() + 8));
                                if (!t.ok()) return t.status();
                                teams[t->team].Add(*t, ctx.now);
                                return true;
                              });
  if (!s.ok()) return s;
  using Type = ReportColumn::Type;
  ReportTable table;
  table.title = "service";
  table.columns = {{"team", Type::kInt},
                   {"team_name", Type::kText},
                   {"tickets", Type::kInt},
                   {"solved", Type::kInt},
                   {"first_response_met", Type::kInt},
                   {"first_response_violated", Type::kInt},
                   {"first_response_attainment", Type::kReal},
                   {"resolution_met", Type::kInt},
                   {"resolution_violated", Type::kInt},
                   {"resolution_attainment", Type::kReal},
                   {"median_first_response_s", Type::kInt},
                   {"median_resolution_s", Type::kInt},
                   {"csat_count", Type::kInt},
                   {"csat_average", Type::kReal},
                   {"csat_satisfied", Type::kReal}};
  TeamFigures all;
  for (const auto& [team, figures] : teams) {
    std::string name = "(no team)";
    if (team != 0) {
      auto t = users::GetTeam(ctx, team);
      if (t.ok()) name = t->name;
      else if (absl::IsNotFound(t.status())) name = absl::StrCat("team ", team, " (deleted)");
      else return t.status();
    }
    table.rows.push_back(RowOf(static_cast<std::int64_t>(team), std::move(name), figures));
    all.Add(figures);
  }
  table.rows.push_back(RowOf(ReportCell(), "all", all));
  table.chart = {ReportChart::Kind::kBars, {"team_name"}, {"first_response_attainment", "resolution_attainment"}, {}, {}};
  return table;
}

}  // namespace crm::tickets
