// The deals whose expected close slipped in a period (crm/sales.hpp), from the change feed.
#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"

#include "absl/time/time.h"
#include "changes/changes.h"
#include "sales/reports.h"

namespace crm::sales {

absl::StatusOr<SlippedDeals> Slipped(const Ctx& ctx, const SalesQuery& q) {
  constexpr double kMicrosPerDay = 86'400'000'000.0;
  std::map<std::string, std::vector<SlippedDealRow>> acc;  // by group code
  absl::Status failed;
  // A time as the feed wrote it (changes::TimeText); 0 for none.
  const auto time_of = [](const std::string& text) -> std::optional<Timestamp> {
    if (text.empty()) return Timestamp{0};
    absl::Time t;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return std::nullopt;
    return absl::ToUnixMicros(t);
  };
  auto scope = Deals(ctx, q, [&](const Opportunity& o, const std::string& group, Scope& s) {
    if (!failed.ok()) return;
    auto history = changes::FieldHistory(ctx, EntityType::kOpportunity, o.id, "expected_close");
    if (!history.ok()) {
      failed = history.status();
      return;
    }
    SlippedDealRow row;
    for (const FieldHistoryEntry& e : *history) {
      if (e.field != "expected_close" || !s.InPeriod(e.at)) continue;
      const auto before = time_of(e.before), after = time_of(e.after);
      if (!before || !after) {
        failed = absl::DataLossError(absl::StrCat("change ", e.seq, ": expected_close is not a time"));
        return;
      }
      if (*before == 0 || *after <= *before) {
        if (row.slips > 0 && *after != 0) row.to = *after;  // a later pull-in counts against the slip
        continue;
      }
      if (row.slips == 0) row.from = *before;
      row.to = *after;
      ++row.slips;
    }
    if (row.slips == 0) return;
    row.opportunity = o.id;
    row.title = o.title;
    row.currency = o.amount.currency;
    row.amount = o.amount.minor_units;
    row.days = static_cast<double>(row.to - row.from) / kMicrosPerDay;
    acc[group].push_back(std::move(row));
  });
  if (!scope.ok()) return scope.status();
  if (!failed.ok()) return failed;
  SlippedDeals out;
  for (auto& [code, rows] : acc) {
    std::stable_sort(rows.begin(), rows.end(), [](const SlippedDealRow& a, const SlippedDealRow& b) {
      return a.days != b.days ? a.days > b.days : a.opportunity < b.opportunity;
    });
    for (SlippedDealRow& r : rows) {
      r.group = scope->groups.at(code);
      out.rows.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace crm::sales
