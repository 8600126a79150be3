// SLA policies (crm/ticket.hpp): records, which tickets they apply to, and their milestones.
#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "customers/customers.h"
#include "text/text.h"
#include "tickets/tickets.h"
#include "users/users.h"

namespace crm {

std::string_view SlaMetricName(SlaMetric metric) {
  switch (metric) {
    case SlaMetric::kFirstResponse: return "first_response";
    case SlaMetric::kResolution: return "resolution";
  }
  return "unknown";
}

}  // namespace crm

namespace crm::tickets {
namespace {

constexpr std::size_t kPolicyNameBytes = 256;
constexpr std::size_t kMaxPolicies = 256;
constexpr std::size_t kMaxCriteria = 64;
constexpr std::int64_t kMaxMinutes = 1'000'000;
constexpr char kPolicySequence[] = "seq.sla_policy";
constexpr Timestamp kNever = std::numeric_limits<Timestamp>::max();

template <class T>
void SortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

absl::Status Normalize(const Ctx& ctx, SlaPolicy& p) {
  model::Trim(p.name);
  model::Trim(p.customer_tag);
  if (auto s = model::CheckRequiredText("name", p.name, kPolicyNameBytes); !s.ok()) return s;
  if (auto s = model::CheckText("customer_tag", p.customer_tag, kPolicyNameBytes); !s.ok()) return s;
  if (p.priorities.size() > kMaxCriteria || p.teams.size() > kMaxCriteria || p.channels.size() > kMaxCriteria)
    return model::Invalid("policy", absl::StrCat("a criterion lists at most ", kMaxCriteria, " values"));
  for (std::size_t i = 0; i < p.priorities.size(); ++i)
    if (p.priorities[i] < TicketPriority::kLow || p.priorities[i] > TicketPriority::kUrgent)
      return model::Invalid(model::Field("priorities", i), "is not low, normal, high or urgent");
  for (std::size_t i = 0; i < p.channels.size(); ++i)
    if (p.channels[i] < TicketChannel::kEmail || p.channels[i] > TicketChannel::kOther)
      return model::Invalid(model::Field("channels", i), "is not email, phone, web, chat or other");
  for (std::size_t i = 0; i < p.teams.size(); ++i) {
    auto team = users::GetTeam(ctx, p.teams[i]);
    if (absl::IsNotFound(team.status()))
      return model::Invalid(model::Field("teams", i), absl::StrCat("team ", p.teams[i], " does not exist"));
    if (!team.ok()) return team.status();
  }
  for (std::size_t i = 0; i < p.pause_statuses.size(); ++i)
    if (p.pause_statuses[i] != TicketStatus::kPending && p.pause_statuses[i] != TicketStatus::kOnHold)
      return model::Invalid(model::Field("pause_statuses", i), "a clock pauses in pending or on_hold only");
  SortUnique(p.priorities);
  SortUnique(p.teams);
  SortUnique(p.channels);
  SortUnique(p.pause_statuses);
  if (p.first_response_minutes < 0 || p.first_response_minutes > kMaxMinutes)
    return model::Invalid("first_response_minutes", absl::StrCat("is not 0 to ", kMaxMinutes));
  if (p.resolution_minutes < 0 || p.resolution_minutes > kMaxMinutes)
    return model::Invalid("resolution_minutes", absl::StrCat("is not 0 to ", kMaxMinutes));
  if (p.first_response_minutes == 0 && p.resolution_minutes == 0)
    return model::Invalid("resolution_minutes", "a policy sets a first-response or a resolution target");
  if (p.id == 0) {
    auto all = Policies(ctx);
    if (!all.ok()) return all.status();
    if (all->size() >= kMaxPolicies)
      return model::Invalid("policy", absl::StrCat("a store keeps at most ", kMaxPolicies, " SLA policies"));
  }
  return absl::OkStatus();
}

template <class T>
bool Admits(const std::vector<T>& allowed, T value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// One milestone of `t` under `p`: its clock runs through the ticket's history while the status
// runs, up to its completion.
absl::StatusOr<SlaMilestone> Measure(const Clock& clock, const Ticket& t, const SlaPolicy& p, SlaMetric metric,
                                     std::int64_t minutes) {
  SlaMilestone m;
  m.metric = metric;
  m.policy = p.id;
  m.target_minutes = minutes;
  if (metric == SlaMetric::kFirstResponse) {
    m.completed_at = t.first_response_at;
  } else if (t.status == TicketStatus::kSolved || t.status == TicketStatus::kClosed) {
    m.completed_at = t.solved_at;
  }
  const std::int64_t target = minutes * kMicrosPerMinute;
  const Timestamp stop = m.completed_at != 0 ? m.completed_at : kNever;
  std::int64_t consumed = 0;
  Timestamp due = 0;
  bool running_at_end = false;
  for (std::size_t i = 0; i < t.history.size(); ++i) {
    const Timestamp from = t.history[i].at;
    if (from >= stop) break;
    const Timestamp to = std::min(i + 1 < t.history.size() ? t.history[i + 1].at : kNever, stop);
    const bool runs = Runs(p, t.history[i].status);
    running_at_end = runs && to == kNever;
    if (!runs) continue;
    if (to == kNever) {
      if (due == 0) {
        auto at = clock.Add(from, target - consumed);
        if (!at.ok()) return at.status();
        due = *at;
      }
      break;
    }
    const std::int64_t span = clock.Between(from, to);
    if (due == 0 && consumed + span >= target) {
      auto at = clock.Add(from, target - consumed);
      if (!at.ok()) return at.status();
      due = *at;
    }
    consumed += span;
  }
  m.elapsed_seconds = consumed / 1'000'000;
  if (m.completed_at != 0) {
    m.violated = consumed > target;
    if (due == 0) {  // not reached: the deadline as it stood when it completed
      auto at = clock.Add(m.completed_at, target - consumed);
      if (!at.ok()) return at.status();
      due = *at;
    }
  } else if (!running_at_end && consumed < target) {
    due = 0;  // paused before its deadline: the deadline moves on with the pause
  }
  m.due_at = due;
  return m;
}

}  // namespace

bool Runs(const SlaPolicy& policy, TicketStatus status) {
  if (status == TicketStatus::kSolved || status == TicketStatus::kClosed) return false;
  return std::find(policy.pause_statuses.begin(), policy.pause_statuses.end(), status) == policy.pause_statuses.end();
}

absl::StatusOr<SlaPolicy> GetPolicy(const Ctx& ctx, SlaPolicyId id) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  return model::Get<SlaPolicy>(ctx, kPolicyKind, id);
}

absl::StatusOr<std::vector<SlaPolicy>> Policies(const Ctx& ctx) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  std::vector<SlaPolicy> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.sla_policies, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 SlaPolicy p;
                                 const std::uint64_t id = key.size() == 8 ? codec::GetBigEndian64(key.data()) : 0;
                                 if (auto st = codec::Decode(value, kPolicyKind.type, {"SLA policy", id}, p); !st.ok()) return st;
                                 if (p.id != id)
                                   return absl::DataLossError(absl::StrCat("SLA policy ", id, ": stored record holds id ", p.id));
                                 out.push_back(std::move(p));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<SlaPolicy> CreatePolicy(Ctx& ctx, SlaPolicy p) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  p.id = 0;
  if (auto s = Normalize(ctx, p); !s.ok()) return s;
  auto id = model::NextId(ctx, kPolicySequence);
  if (!id.ok()) return id.status();
  p.id = *id;
  model::StampCreated(p, ctx.now);
  if (auto s = model::Put(ctx, kPolicyKind, p, /*fresh=*/true); !s.ok()) return s;
  return p;
}

absl::StatusOr<SlaPolicy> UpdatePolicy(Ctx& ctx, SlaPolicy p) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto before = model::LoadForUpdate(ctx, kPolicyKind, p);
  if (!before.ok()) return before.status();
  if (auto s = Normalize(ctx, p); !s.ok()) return s;
  model::StampChanged(p, *before, ctx.now);
  if (auto s = model::Put(ctx, kPolicyKind, p); !s.ok()) return s;
  return p;
}

absl::Status DeletePolicy(Ctx& ctx, SlaPolicyId id) {
  if (auto p = GetPolicy(ctx, id); !p.ok()) return p.status();
  return ctx.txn.Del(ctx.schema.sla_policies, codec::EncodeU64(id)).status();
}

absl::Status ApplyPolicies(const Ctx& ctx, Ticket& t) {
  auto policies = Policies(ctx);
  if (!policies.ok()) return policies.status();
  std::vector<SlaMilestone> out;
  std::optional<Clock> clock;
  std::optional<std::vector<std::string>> tags;
  for (const SlaPolicy& p : *policies) {
    if (!p.active || !Admits(p.priorities, t.priority) || !Admits(p.teams, t.team) || !Admits(p.channels, t.channel))
      continue;
    if (!p.customer_tag.empty()) {
      if (!tags) {
        auto c = customers::Get(ctx, t.customer);
        if (!c.ok()) return c.status();
        tags.emplace();
        for (const std::string& tag : c->tags) tags->push_back(text::FoldCase(tag));
      }
      if (std::find(tags->begin(), tags->end(), text::FoldCase(p.customer_tag)) == tags->end()) continue;
    }
    if (!clock) {
      auto c = ClockOfTeam(ctx, t.team);
      if (!c.ok()) return c.status();
      clock.emplace(*std::move(c));
    }
    for (SlaMetric metric : {SlaMetric::kFirstResponse, SlaMetric::kResolution}) {
      const std::int64_t minutes = metric == SlaMetric::kFirstResponse ? p.first_response_minutes : p.resolution_minutes;
      if (minutes == 0) continue;
      auto m = Measure(*clock, t, p, metric, minutes);
      if (!m.ok()) return m.status();
      out.push_back(*m);
    }
  }
  // A completed milestone of a policy that no longer applies stays as it was.
  for (const SlaMilestone& old : t.milestones) {
    if (old.completed_at == 0) continue;
    const bool kept = std::any_of(out.begin(), out.end(), [&](const SlaMilestone& m) {
      return m.policy == old.policy && m.metric == old.metric;
    });
    if (!kept) out.push_back(old);
  }
  std::sort(out.begin(), out.end(), [](const SlaMilestone& a, const SlaMilestone& b) {
    return a.policy != b.policy ? a.policy < b.policy : a.metric < b.metric;
  });
  t.milestones = std::move(out);
  // The earliest deadline of an open milestone whose clock runs now.
  t.due_at = 0;
  const TicketStatus now = t.history.empty() ? t.status : t.history.back().status;
  for (const SlaMilestone& m : t.milestones) {
    if (m.completed_at != 0 || m.due_at == 0) continue;
    auto p = std::find_if(policies->begin(), policies->end(), [&](const SlaPolicy& q) { return q.id == m.policy; });
    if (p == policies->end() || !Runs(*p, now)) continue;
    if (t.due_at == 0 || m.due_at < t.due_at) t.due_at = m.due_at;
  }
  return absl::OkStatus();
}

void MarkViolations(Ticket& t, Timestamp now) {
  for (SlaMilestone& m : t.milestones)
    if (m.completed_at == 0 && m.due_at != 0 && m.due_at <= now) m.violated = true;
}

SlaMetric DueMetric(const Ticket& t) {
  for (const SlaMilestone& m : t.milestones)
    if (m.completed_at == 0 && m.due_at == t.due_at && m.metric == SlaMetric::kFirstResponse) return m.metric;
  return SlaMetric::kResolution;
}

}  // namespace crm::tickets
