// The transaction operations of customer analytics, as declared in crm/analytics.hpp (core/txn.h).
#include "crm/analytics.hpp"

#include "analytics/analytics.h"
#include "analytics/facts.h"
#include "core/txn.h"
#include "customers/customers.h"

namespace crm {

absl::StatusOr<PurchaseFacts> AnalyticsReads::GetPurchaseFacts(CustomerId customer) const {
  return core::Query(this, [&](const model::Ctx& c) -> absl::StatusOr<PurchaseFacts> {
    if (auto found = customers::Get(c, customer); !found.ok()) return found.status();
    if (auto s = analytics::NeedTables(c); !s.ok()) return s;
    return analytics::Load(c, customer);
  });
}
absl::StatusOr<CustomerValuePage> AnalyticsReads::TopCustomersByValue(const ValueQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return analytics::TopByValue(c, query); });
}
absl::StatusOr<ChurnReport> AnalyticsReads::Churn(const ChurnQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return analytics::Churn(c, query); });
}

}  // namespace crm
