// Counts of customers grouped by lifecycle stage, country or owner, read from the counters the
// store keeps as customers change (customers/groups.h) instead of from the records.
#include "query/counted.h"

#include <algorithm>

#include "codec/key.h"
#include "customers/customers.h"
#include "customers/groups.h"

namespace crm::query {

absl::StatusOr<std::optional<AggregateResult>> CountedGroups(const model::Ctx& ctx, const FieldRef& field,
                                                             bool include_archived, std::size_t measures) {
  using Result = std::optional<AggregateResult>;
  const std::string name = field.name == "address.country" ? "country" : field.name;
  auto groups = customers::ReadGroups(ctx, name, include_archived);
  if (!groups.ok()) return groups.status();
  if (!groups->has_value()) return Result();
  auto total = model::ReadCounter(ctx, "count.customer.active");
  if (!total.ok()) return total.status();
  if (include_archived) {
    auto archived = model::ReadCounter(ctx, "count.customer.archived");
    if (!archived.ok()) return archived.status();
    *total += *archived;
  }
  std::vector<std::pair<std::string, AggregateRow>> rows;
  std::uint64_t counted = 0;
  const auto row = [&](GroupKey key, std::uint64_t n) {
    AggregateRow r;
    r.keys.push_back(std::move(key));
    r.values.assign(measures, MeasureValue{n, static_cast<std::int64_t>(n), 0});
    return r;
  };
  for (const customers::GroupCount& g : **groups) {
    counted += g.count;
    GroupKey key;
    key.empty = false;
    codec::KeyReader reader(g.value_key);
    std::string code;
    if (name == "stage") {
      auto stage = reader.U8();
      if (!stage) return absl::DataLossError("a stage group counter is damaged");
      key.label = EnumLabel(field, *stage, Lookups{});
      key.value = std::int64_t{*stage};
      code = codec::KeyBuilder().U8(1).I64(*stage).Take();
    } else {
      auto text = reader.Str();
      if (!text) return absl::DataLossError("a group counter is damaged");
      code = codec::KeyBuilder().U8(1).Str(*text).Take();
      key.label = *text;
      if (name == "country") {  // the index holds it folded: label it as the first customer wrote it
        const storage::Table table = ctx.schema.customer_country;
        CustomerId first = 0;
        auto s = storage::ScanPrefix(ctx.txn, table, g.value_key, {},
                                     [&](std::string_view k, std::string_view flags) -> absl::StatusOr<bool> {
                                       if (!include_archived && customers::Archived(flags)) return true;
                                       first = customers::IdAtEnd(k);
                                       return false;
                                     });
        if (!s.ok()) return s;
        Customer c;
        auto found = customers::Load(ctx, first, &c);
        if (!found.ok()) return found.status();
        if (*found && !c.address.country.empty()) key.label = c.address.country;
      }
      key.value = key.label;
    }
    rows.emplace_back(std::move(code), row(std::move(key), g.count));
  }
  if (counted > *total) return absl::DataLossError("the group counters count more customers than there are");
  if (counted < *total) rows.emplace_back(std::string(), row(GroupKey{}, *total - counted));  // without a value
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  AggregateResult out;
  for (auto& r : rows) out.rows.push_back(std::move(r.second));
  return Result(std::move(out));
}

}  // namespace crm::query
