// The sales reports (crm/sales.hpp), each computed in one pass over the deals of its query.
#include "sales/reports.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "pipelines/pipelines.h"

namespace crm::sales {
namespace {

constexpr double kDay = 86'400'000'000.0;  // microseconds

bool PeriodGiven(const Scope& s) { return s.from != INT64_MIN || s.to != INT64_MAX; }

// Where a stage stands in its pipeline (its index), or SIZE_MAX when it is not in it.
std::size_t PositionOf(const Pipeline& p, StageId stage) {
  for (std::size_t i = 0; i < p.stages.size(); ++i)
    if (p.stages[i].id == stage) return i;
  return SIZE_MAX;
}

absl::StatusOr<std::int64_t> Narrow(__int128 v, std::string_view what) {
  if (v > INT64_MAX || v < INT64_MIN) return absl::OutOfRangeError(absl::StrCat(Av(what), ": the sum exceeds 64 bits"));
  return static_cast<std::int64_t>(v);
}

// x / 100, rounded half away from zero.
__int128 Hundredths(__int128 x) {
  __int128 q = x / 100;
  const __int128 r = x % 100;
  if (r >= 50) ++q;
  if (r <= -50) --q;
  return q;
}

double Ratio(double part, double whole) { return whole == 0 ? 0 : part / whole; }

// The deals closed in the query's period: from the closings when they answer the query, else
// from the deals (`outcomes`: those the report reads; the deals' walk reads all, and the report
// checks each deal's outcome itself). `fn(deal, group, scope)`: `group` indexes `codes`, the
// group codes as first met.
absl::StatusOr<Scope> ClosedDeals(const Ctx& ctx, const SalesQuery& q, std::initializer_list<StageOutcome> outcomes,
                                  std::vector<std::string>* codes,
                                  absl::FunctionRef<void(const Opportunity&, std::size_t, Scope&)> fn) {
  auto closings = FromClosings(ctx, q, outcomes, codes, fn);
  if (!closings.ok()) return closings.status();
  if (closings->has_value()) return std::move(**closings);
  absl::flat_hash_map<std::string, std::size_t> index;
  return Deals(ctx, q, [&](const Opportunity& o, const std::string& group, Scope& s) {
    auto [it, fresh] = index.try_emplace(group, codes->size());
    if (fresh) codes->push_back(group);
    fn(o, it->second, s);
  }, {"closed_at"});
}

// The indexes of `codes` in the order of the codes.
std::vector<std::size_t> InOrder(const std::vector<std::string>& codes) {
  std::vector<std::size_t> order(codes.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return codes[a] < codes[b]; });
  return order;
}

}  // namespace

absl::StatusOr<PipelineSummary> Summary(const Ctx& ctx, const SalesQuery& q) {
  struct Acc {
    std::uint64_t count = 0;
    __int128 amount = 0;
    __int128 weighted = 0;  // in hundredths of a minor unit
  };
  // group, pipeline, stage position, currency
  std::map<std::tuple<std::string, PipelineId, std::size_t, std::string>, Acc> acc;
  const Pipeline* last = nullptr;  // pipelines and stages are few: the last one found is likely next
  const auto add = [&](const Opportunity& o, const std::string& group, Scope& s, std::uint64_t count,
                       __int128 amount, __int128 weighted) {
    if (last == nullptr || last->id != o.pipeline) last = s.PipelineOf(o);
    const std::size_t at = last == nullptr ? SIZE_MAX : PositionOf(*last, o.stage);
    if (at == SIZE_MAX) return;
    Acc& a = acc[{group, o.pipeline, at, o.amount.currency}];
    a.count += count;
    a.amount += amount;
    a.weighted += weighted;
  };
  // Read from the maintained totals when they answer the query; else from the deals.
  auto totals = FromTotals(ctx, q, [&](const Opportunity& o, const std::string& group, const Total& t, Scope& s) {
    add(o, group, s, t.count, t.amount, t.weighted);
  });
  if (!totals.ok()) return totals.status();
  absl::StatusOr<Scope> scope =
      totals->has_value()
          ? absl::StatusOr<Scope>(std::move(**totals))
          : Deals(ctx, q, [&](const Opportunity& o, const std::string& group, Scope& s) {
              if (PeriodGiven(s) && !s.InPeriod(o.closed_at != 0 ? o.closed_at : o.expected_close)) return;
              add(o, group, s, 1, o.amount.minor_units, static_cast<__int128>(o.amount.minor_units) * o.probability);
            }, {"closed_at", "expected_close"});
  if (!scope.ok()) return scope.status();
  PipelineSummary out;
  for (const auto& [k, a] : acc) {
    const auto& [group, pipeline, at, currency] = k;
    const Pipeline& p = *scope->lookups.Find(pipeline);
    PipelineSummaryRow r;
    r.group = scope->groups.at(group);
    r.pipeline = pipeline;
    r.pipeline_name = p.name;
    r.stage = p.stages[at].id;
    r.stage_name = p.stages[at].name;
    r.outcome = p.stages[at].outcome;
    r.currency = currency;
    r.count = a.count;
    auto amount = Narrow(a.amount, "amount");
    if (!amount.ok()) return amount.status();
    auto weighted = Narrow(Hundredths(a.weighted), "weighted");
    if (!weighted.ok()) return weighted.status();
    r.amount = *amount;
    r.weighted = *weighted;
    out.rows.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<WinRate> Wins(const Ctx& ctx, const SalesQuery& q) {
  struct Acc {
    std::uint64_t won = 0, lost = 0;
    std::map<std::string, std::pair<ValueRate, std::pair<__int128, __int128>>> by_currency;
  };
  std::vector<std::string> codes;
  std::vector<Acc> acc;  // by group
  std::vector<bool> met;
  const auto add = [&](const Opportunity& o, std::size_t group, Scope& s) {
    const Pipeline* p = s.PipelineOf(o);
    const Stage* stage = p == nullptr ? nullptr : p->FindStage(o.stage);
    if (stage == nullptr || stage->outcome == StageOutcome::kOpen || !s.InPeriod(o.closed_at)) return;
    const bool won = stage->outcome == StageOutcome::kWon;
    if (group >= acc.size()) {
      acc.resize(group + 1);
      met.resize(group + 1);
    }
    met[group] = true;
    Acc& a = acc[group];
    auto& [rate, sums] = a.by_currency[o.amount.currency];
    if (won) {
      ++a.won;
      ++rate.won;
      sums.first += o.amount.minor_units;
    } else {
      ++a.lost;
      ++rate.lost;
      sums.second += o.amount.minor_units;
    }
  };
  auto scope = ClosedDeals(ctx, q, {StageOutcome::kWon, StageOutcome::kLost}, &codes, add);
  if (!scope.ok()) return scope.status();
  WinRate out;
  for (std::size_t g : InOrder(codes)) {
    if (g >= met.size() || !met[g]) continue;  // no closed deal of it
    const std::string& group = codes[g];
    Acc& a = acc[g];
    WinRateRow r;
    r.group = scope->groups.at(group);
    r.won = a.won;
    r.lost = a.lost;
    r.rate = Ratio(static_cast<double>(a.won), static_cast<double>(a.won + a.lost));
    for (auto& [currency, v] : a.by_currency) {
      ValueRate rate = v.first;
      rate.currency = currency;
      auto won = Narrow(v.second.first, "won_amount");
      if (!won.ok()) return won.status();
      auto lost = Narrow(v.second.second, "lost_amount");
      if (!lost.ok()) return lost.status();
      rate.won_amount = *won;
      rate.lost_amount = *lost;
      rate.rate = Ratio(static_cast<double>(v.second.first), static_cast<double>(v.second.first + v.second.second));
      r.by_currency.push_back(std::move(rate));
    }
    out.rows.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<SalesCycle> Cycle(const Ctx& ctx, const SalesQuery& q) {
  std::vector<std::string> codes;
  std::vector<std::vector<Timestamp>> spans;  // by group
  auto scope = ClosedDeals(ctx, q, {StageOutcome::kWon}, &codes, [&](const Opportunity& o, std::size_t group, Scope& s) {
    const Pipeline* p = s.PipelineOf(o);
    const Stage* stage = p == nullptr ? nullptr : p->FindStage(o.stage);
    if (stage == nullptr || stage->outcome != StageOutcome::kWon || !s.InPeriod(o.closed_at)) return;
    if (group >= spans.size()) spans.resize(group + 1);
    spans[group].push_back(o.closed_at - o.created_at);
  });
  if (!scope.ok()) return scope.status();
  SalesCycle out;
  for (std::size_t g : InOrder(codes)) {
    if (g >= spans.size() || spans[g].empty()) continue;  // no deal won
    const std::string& group = codes[g];
    std::vector<Timestamp>& v = spans[g];
    SalesCycleRow r;
    r.group = scope->groups.at(group);
    r.won = v.size();
    __int128 sum = 0;
    for (Timestamp t : v) sum += t;
    r.average_days = static_cast<double>(sum) / static_cast<double>(v.size()) / kDay;
    const auto [least, most] = std::minmax_element(v.begin(), v.end());
    r.min_days = static_cast<double>(*least) / kDay;
    r.max_days = static_cast<double>(*most) / kDay;
    // The median without sorting: the middle element in place, and for an even count the
    // greatest of those below it.
    const std::size_t n = v.size();
    const auto middle = v.begin() + static_cast<std::ptrdiff_t>(n / 2);
    std::nth_element(v.begin(), middle, v.end());
    const double upper = static_cast<double>(*middle);
    r.median_days = (n % 2 == 1 ? upper : (static_cast<double>(*std::max_element(v.begin(), middle)) + upper) / 2) / kDay;
    out.rows.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<Funnel> Funnels(const Ctx& ctx, const SalesQuery& q) {
  PipelineId pipeline = q.pipeline;
  if (pipeline == 0) {
    auto id = pipelines::DefaultId(ctx);
    if (!id.ok()) return id.status();
    pipeline = *id;
  }
  // The funnel's rows: the open stages in order, then the won ones.
  struct Acc {
    std::vector<std::uint64_t> reached, stays;
    std::vector<__int128> stayed;
    void Size(std::size_t n) {
      reached.assign(n, 0);
      stays.assign(n, 0);
      stayed.assign(n, 0);
    }
  };
  std::map<std::string, Acc> acc;
  std::vector<std::size_t> rows;  // stage positions
  std::vector<std::size_t> row_of;  // stage position -> row
  std::size_t open = 0;
  bool known = false;
  const auto layout = [&](const Pipeline& p) {
    if (known) return;
    known = true;
    row_of.assign(p.stages.size(), SIZE_MAX);
    for (int pass = 0; pass < 2; ++pass)
      for (std::size_t i = 0; i < p.stages.size(); ++i)
        if (p.stages[i].outcome == (pass == 0 ? StageOutcome::kOpen : StageOutcome::kWon)) {
          row_of[i] = rows.size();
          rows.push_back(i);
          if (pass == 0) ++open;
        }
  };
  auto scope = Deals(ctx, q, [&](const Opportunity& o, const std::string& group, Scope& s) {
    if (o.pipeline != pipeline || !s.InPeriod(o.created_at)) return;
    const Pipeline* p = s.PipelineOf(o);
    if (p == nullptr) return;
    layout(*p);
    Acc& a = acc[group];
    if (a.reached.empty()) a.Size(rows.size());
    const std::size_t now = PositionOf(*p, o.stage);
    if (now == SIZE_MAX) return;
    const bool won = p->stages[now].outcome == StageOutcome::kWon;
    std::size_t furthest = 0;  // open rows reached: [0, furthest)
    const auto enter = [&](StageId stage) {
      const std::size_t at = PositionOf(*p, stage);
      if (at != SIZE_MAX && row_of[at] < open) furthest = std::max(furthest, row_of[at] + 1);
    };
    enter(o.stage);
    for (std::size_t i = 0; i < o.history.size(); ++i) {
      enter(o.history[i].to);
      if (i + 1 == o.history.size()) break;
      const std::size_t at = PositionOf(*p, o.history[i].to);
      if (at == SIZE_MAX || row_of[at] == SIZE_MAX) continue;
      ++a.stays[row_of[at]];
      a.stayed[row_of[at]] += o.history[i + 1].at - o.history[i].at;
    }
    if (won) furthest = open;
    for (std::size_t r = 0; r < furthest; ++r) ++a.reached[r];
    if (won) ++a.reached[row_of[now]];
  }, {"created_at"});
  if (!scope.ok()) return scope.status();
  if (scope->lookups.Find(pipeline) == nullptr)
    return absl::NotFoundError(absl::StrCat("pipeline: no pipeline has id ", pipeline));
  Funnel out;
  out.pipeline = pipeline;
  const Pipeline& p = *scope->lookups.Find(pipeline);
  layout(p);
  if (acc.empty() && q.group_by.empty()) acc[""].Size(rows.size());  // the stages, with no deal
  for (auto& [group, a] : acc) {
    std::uint64_t won = 0;
    for (std::size_t r = open; r < rows.size(); ++r) won += a.reached[r];
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const Stage& stage = p.stages[rows[r]];
      FunnelRow row;
      row.group = scope->groups.at(group);
      row.stage = stage.id;
      row.stage_name = stage.name;
      row.outcome = stage.outcome;
      row.reached = a.reached[r];
      row.advanced = r + 1 < open ? a.reached[r + 1] : r + 1 == open ? won : 0;
      row.conversion = Ratio(static_cast<double>(row.advanced), static_cast<double>(row.reached));
      row.stays = a.stays[r];
      row.average_days = Ratio(static_cast<double>(a.stayed[r]), static_cast<double>(a.stays[r])) / kDay;
      out.rows.push_back(std::move(row));
    }
  }
  return out;
}

absl::StatusOr<LostReasons> Losses(const Ctx& ctx, const SalesQuery& q) {
  std::map<std::string, std::map<std::string, std::uint64_t>> acc;
  auto scope = Deals(ctx, q, [&](const Opportunity& o, const std::string& group, Scope& s) {
    const Pipeline* p = s.PipelineOf(o);
    const Stage* stage = p == nullptr ? nullptr : p->FindStage(o.stage);
    if (stage == nullptr || stage->outcome != StageOutcome::kLost || !s.InPeriod(o.closed_at)) return;
    ++acc[group][o.lost_reason];
  }, {"closed_at"});
  if (!scope.ok()) return scope.status();
  LostReasons out;
  for (auto& [group, reasons] : acc) {
    std::uint64_t total = 0;
    std::vector<std::pair<std::string, std::uint64_t>> ranked(reasons.begin(), reasons.end());
    for (const auto& r : ranked) total += r.second;
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (auto& [reason, count] : ranked)
      out.rows.push_back(LostReasonRow{scope->groups.at(group), reason, count,
                                       Ratio(static_cast<double>(count), static_cast<double>(total))});
  }
  return out;
}

absl::StatusOr<Leaderboard> Leaders(const Ctx& ctx, const SalesQuery& q) {
  struct Acc {
    std::uint64_t won = 0, lost = 0, open = 0;
    __int128 won_amount = 0, open_amount = 0, open_weighted = 0;
  };
  std::map<std::pair<std::string, std::string>, Acc> acc;  // group, currency
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> closed;  // group -> won, lost
  // Open deals count whatever the period: the period is not put into the filter.
  auto scope = Deals(ctx, q, [&](const Opportunity& o, const std::string& group, Scope& s) {
    const Pipeline* p = s.PipelineOf(o);
    const Stage* stage = p == nullptr ? nullptr : p->FindStage(o.stage);
    if (stage == nullptr) return;
    Acc& a = acc[{group, o.amount.currency}];
    if (stage->outcome == StageOutcome::kOpen) {
      ++a.open;
      a.open_amount += o.amount.minor_units;
      a.open_weighted += static_cast<__int128>(o.amount.minor_units) * o.probability;
      return;
    }
    if (!s.InPeriod(o.closed_at)) return;
    if (stage->outcome == StageOutcome::kWon) {
      ++a.won;
      a.won_amount += o.amount.minor_units;
      ++closed[group].first;
    } else {
      ++a.lost;
      ++closed[group].second;
    }
  });
  if (!scope.ok()) return scope.status();
  Leaderboard out;
  for (const auto& [k, a] : acc) {
    if (a.won == 0 && a.lost == 0 && a.open == 0) continue;
    LeaderboardRow r;
    r.group = scope->groups.at(k.first);
    r.currency = k.second;
    r.won = a.won;
    r.lost = a.lost;
    r.open = a.open;
    auto won = Narrow(a.won_amount, "won_amount");
    if (!won.ok()) return won.status();
    auto open = Narrow(a.open_amount, "open_amount");
    if (!open.ok()) return open.status();
    auto weighted = Narrow(Hundredths(a.open_weighted), "open_weighted");
    if (!weighted.ok()) return weighted.status();
    r.won_amount = *won;
    r.open_amount = *open;
    r.open_weighted = *weighted;
    const auto& [w, l] = closed[k.first];
    r.win_rate = Ratio(static_cast<double>(w), static_cast<double>(w + l));
    out.rows.push_back(std::move(r));
  }
  // Ranked by won amount within each currency; ties share a rank and keep the groups' order.
  std::stable_sort(out.rows.begin(), out.rows.end(), [](const LeaderboardRow& a, const LeaderboardRow& b) {
    if (a.currency != b.currency) return a.currency < b.currency;
    return a.won_amount > b.won_amount;
  });
  std::size_t start = 0;  // where the rows of the current currency begin
  for (std::size_t i = 0; i < out.rows.size(); ++i) {
    LeaderboardRow& r = out.rows[i];
    if (i == 0 || out.rows[i - 1].currency != r.currency) start = i;
    r.rank = i > start && out.rows[i - 1].won_amount == r.won_amount ? out.rows[i - 1].rank : i - start + 1;
  }
  return out;
}

}  // namespace crm::sales
