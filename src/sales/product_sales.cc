// Product sales (crm/sales.hpp): the deals' line items per product, from the deals the query
// looks at.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "products/products.h"
#include "sales/reports.h"

namespace crm::sales {

absl::StatusOr<ProductSales> ProductsSold(const Ctx& ctx, const SalesQuery& q) {
  struct Acc {
    std::uint64_t won = 0, lost = 0, open = 0;
    __int128 won_quantity = 0, won_amount = 0, lost_amount = 0, open_amount = 0;
  };
  std::map<std::tuple<std::string, ProductId, std::string>, Acc> acc;  // group, product, currency
  std::set<ProductId> counted;  // the products of the deal at hand
  auto scope = Deals(ctx, q, [&](const Opportunity& o, const std::string& group, Scope& s) {
    if (o.lines.empty()) return;
    const bool period = s.from != INT64_MIN || s.to != INT64_MAX;
    if (period && !s.InPeriod(o.closed_at != 0 ? o.closed_at : o.expected_close)) return;
    const Pipeline* p = s.PipelineOf(o);
    const Stage* stage = p == nullptr ? nullptr : p->FindStage(o.stage);
    if (stage == nullptr) return;
    counted.clear();
    for (const LineItem& l : o.lines) {
      Acc& a = acc[{group, l.product, l.total.currency}];
      const bool first = counted.insert(l.product).second;
      switch (stage->outcome) {
        case StageOutcome::kWon:
          a.won += first ? 1 : 0;
          a.won_quantity += l.quantity_milli;
          a.won_amount += l.total.minor_units;
          break;
        case StageOutcome::kLost:
          a.lost += first ? 1 : 0;
          a.lost_amount += l.total.minor_units;
          break;
        case StageOutcome::kOpen:
          a.open += first ? 1 : 0;
          a.open_amount += l.total.minor_units;
          break;
      }
    }
  }, {"closed_at", "expected_close"});
  if (!scope.ok()) return scope.status();
  auto catalog = products::Catalog::Load(ctx);
  if (!catalog.ok()) return catalog.status();
  const auto fits = [](__int128 v, std::string_view what) -> absl::StatusOr<std::int64_t> {
    if (v > INT64_MAX || v < INT64_MIN)
      return absl::OutOfRangeError(absl::StrCat(Av(what), ": the sum exceeds 64 bits"));
    return static_cast<std::int64_t>(v);
  };
  ProductSales out;
  std::vector<std::string> codes;  // the group code of each row, for the order
  for (const auto& [key, a] : acc) {
    const auto& [group, product, currency] = key;
    ProductSalesRow r;
    r.group = scope->groups.at(group);
    r.product = product;
    if (const Product* known = (*catalog)->Find(product); known != nullptr) {
      r.code = known->code;
      r.name = known->name;
      r.family = known->family;
    }
    r.currency = currency;
    r.won = a.won;
    r.lost = a.lost;
    r.open = a.open;
    for (auto [field, sum, what] : {std::tuple{&r.won_quantity_milli, a.won_quantity, "won_quantity"},
                                    std::tuple{&r.won_amount, a.won_amount, "won_amount"},
                                    std::tuple{&r.lost_amount, a.lost_amount, "lost_amount"},
                                    std::tuple{&r.open_amount, a.open_amount, "open_amount"}}) {
      auto v = fits(sum, what);
      if (!v.ok()) return v.status();
      *field = *v;
    }
    out.rows.push_back(std::move(r));
    codes.push_back(group);
  }
  std::vector<std::size_t> order(out.rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    const ProductSalesRow &a = out.rows[x], &b = out.rows[y];
    if (codes[x] != codes[y]) return codes[x] < codes[y];
    if (a.currency != b.currency) return a.currency < b.currency;
    if (a.won_amount != b.won_amount) return a.won_amount > b.won_amount;
    return a.code < b.code;
  });
  ProductSales sorted;
  for (std::size_t i : order) sorted.rows.push_back(std::move(out.rows[i]));
  return sorted;
}

}  // namespace crm::sales
