// Churn rates over a period, grouped as aggregates group customers (crm/analytics.hpp).
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "analytics/analytics.h"
#include "analytics/facts.h"
#include "codec/key.h"
#include "storage/lmdb.h"
#include "query/search.h"

namespace crm::analytics {
namespace {

struct Counts {
  std::vector<GroupKey> keys;
  std::uint64_t customers = 0, churned = 0;
};

ChurnRow RowOf(Counts c) {
  ChurnRow r;
  r.keys = std::move(c.keys);
  r.customers = c.customers;
  r.churned = c.churned;
  r.rate = c.customers == 0 ? 0 : static_cast<double>(c.churned) / static_cast<double>(c.customers);
  return r;
}

}  // namespace

absl::StatusOr<absl::flat_hash_map<CustomerId, std::uint8_t>> Activity(const model::Ctx& ctx, Timestamp from,
                                                                       Timestamp to, std::int64_t window) {
  absl::flat_hash_map<CustomerId, std::uint8_t> out;
  auto s = EachPurchase(ctx, [&](const Purchase& p) {
    std::uint8_t flags = 0;
    if (p.at >= from - window && p.at < from) flags |= kActiveAtStart;
    if (p.at >= to - window && p.at < to) flags |= kActiveAtEnd;
    if (flags != 0) out[p.customer] |= flags;
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<Scope> Scope::Of(const model::Ctx& ctx, const Filter& filter, bool include_archived) {
  Scope scope;
  if (filter.matches_all()) {
    if (include_archived) return scope;
    // The archived ones, by the flags of their stage entries (every customer has one).
    auto s = storage::ScanPrefix(ctx.txn, ctx.schema.customer_stage, {}, {},
                                 [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                   codec::KeyReader r(key);
                                   r.U8();
                                   const auto id = r.U64();
                                   if (!id || value.empty()) return absl::DataLossError("customer_stage: a damaged entry");
                                   if ((value[0] & model::kFlagArchived) != 0) scope.archived_.insert(*id);
                                   return true;
                                 });
    if (!s.ok()) return s;
    return scope;
  }
  scope.all_ = false;
  auto s = query::GroupWalk(ctx, EntityType::kCustomer, filter, include_archived, {}, "UTC", {},
                            [&](const query::Record& r, const query::RecordGroups&) -> absl::Status {
                              scope.ids_.insert(r.customer->id);
                              return absl::OkStatus();
                            });
  if (!s.ok()) return s;
  return scope;
}

absl::StatusOr<ChurnReport> Churn(const model::Ctx& ctx, const ChurnQuery& q) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  if (q.from >= q.to) return absl::InvalidArgumentError("to: the period must end after it begins (from < to)");
  if (q.definition != ChurnDefinition::kLifecycle && q.definition != ChurnDefinition::kNoPurchase)
    return absl::InvalidArgumentError("definition: must be lifecycle or no_purchase");
  if (q.definition == ChurnDefinition::kNoPurchase && (q.inactive_days < 1 || q.inactive_days > 36500))
    return absl::InvalidArgumentError("inactive_days: must be 1 to 36500");
  if (q.from < INT64_MIN / 2 || q.to > INT64_MAX / 2)
    return absl::InvalidArgumentError("from: the period is out of the range of times");
  absl::flat_hash_map<CustomerId, std::uint8_t> activity;
  if (q.definition == ChurnDefinition::kNoPurchase) {
    auto a = Activity(ctx, q.from, q.to, q.inactive_days * kDay);
    if (!a.ok()) return a.status();
    activity = *std::move(a);
  }
  std::map<std::string, Counts> groups;
  Counts total;
  auto s = query::GroupWalk(
      ctx, EntityType::kCustomer, q.filter, q.include_archived, q.group_by, q.time_zone, {},
      [&](const query::Record& record, const query::RecordGroups& g) -> absl::Status {
        const Customer& c = *record.customer;
        bool counted = false, churned = false;
        if (q.definition == ChurnDefinition::kLifecycle) {
          auto facts = Load(ctx, c.id);
          if (!facts.ok()) return facts.status();
          const Timestamp at = facts->churned_at;
          counted = c.created_at < q.to && (at == 0 || at >= q.from);
          churned = counted && at != 0 && at < q.to;
        } else {
          auto it = activity.find(c.id);
          const std::uint8_t flags = it == activity.end() ? 0 : it->second;
          counted = (flags & kActiveAtStart) != 0;
          churned = counted && (flags & kActiveAtEnd) == 0;
        }
        if (!counted) return absl::OkStatus();
        ++total.customers;
        total.churned += churned ? 1 : 0;
        for (std::size_t i = 0; i < g.size(); ++i) {
          auto [it, fresh] = groups.try_emplace(g.code(i));
          if (fresh) it->second.keys = g.keys(i);
          ++it->second.customers;
          it->second.churned += churned ? 1 : 0;
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  ChurnReport report;
  report.total = RowOf(std::move(total));
  if (!q.group_by.empty())
    for (auto& [code, counts] : groups) report.rows.push_back(RowOf(std::move(counts)));
  return report;
}

}  // namespace crm::analytics
