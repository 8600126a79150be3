// Customer analytics (since 0.16): purchase facts kept per customer, customers ranked by the
// value they bought, and churn rates grouped by any field the query engine groups by.
//
// Purchases are the interactions of kind purchase and the won deals of a customer. An
// interaction counts at its occurred_at with its amount (a purchase without an amount counts as a
// purchase of no value); a won deal counts at its closed_at with its amount. A purchase that is
// logged as an interaction and also won as a deal counts twice: record a sale one way.
//
// The facts of every customer are kept in the write transaction of each change of a purchase or
// of the customer's stage, so reading them costs one lookup and "top customers by value" is a
// range read; Verify checks them against a count from the records.
//
// Thread safety: records, queries and reports are plain values (see types.hpp); the operations are
// members of the transactions (store.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/customer.hpp"
#include "crm/query.hpp"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

struct PurchaseFacts {
  CustomerId customer = 0;
  std::uint64_t purchases = 0;    // interactions of kind purchase and won deals
  Timestamp first_purchase_at = 0;  // 0 when none
  Timestamp last_purchase_at = 0;   // 0 when none
  // What the purchases add up to, one sum per currency in order of currency code (amounts of
  // different currencies are never added together); purchases without an amount add nothing.
  std::vector<Money> totals = {};
  // When the customer's stage last became churned (0 while it is not churned). A customer
  // created churned counts from its creation; one that leaves the churned stage loses the time.
  Timestamp churned_at = 0;

  // The total in `currency`, or 0 of it when none.
  Money TotalIn(std::string_view currency) const;

  friend bool operator==(const PurchaseFacts&, const PurchaseFacts&) = default;
};

// The customers who bought most in one currency, most valuable first (ties by id).
struct ValueQuery {
  std::string currency = {};  // required: ISO 4217 ("EUR")
  bool include_archived = false;
  std::size_t limit = 50;   // page size, 1 to 1000
  std::string page_token = {};  // keyset pages, as CustomerQuery's
};

struct CustomerValue {
  Customer customer;
  Money value;          // the customer's total in the query's currency
  PurchaseFacts facts;  // all of its facts
};

struct CustomerValuePage {
  std::vector<CustomerValue> customers;
  std::string next_page_token;  // empty on the last page
};

// How a customer counts as churned over a period [from, to).
enum class ChurnDefinition : std::uint8_t {
  // The customer's stage became churned within the period. The customers counted are those that
  // existed before `to` and had not churned before `from` (customers won during the period
  // included).
  kLifecycle = 1,
  // The customer lapsed: it bought within `inactive_days` before `from` (so it was active when
  // the period began) and did not buy within `inactive_days` before `to` (so it is not active
  // when the period ends). Only customers active at `from` are counted. A customer who lapsed and
  // bought again within the period counts as kept.
  kNoPurchase = 2,
};
std::string_view ChurnDefinitionName(ChurnDefinition definition);  // "lifecycle", "no_purchase"

struct ChurnQuery {
  ChurnDefinition definition = ChurnDefinition::kLifecycle;
  Timestamp from = 0;  // required: the period [from, to)
  Timestamp to = 0;
  std::int64_t inactive_days = 90;  // kNoPurchase: 1 to 36500
  Filter filter;                    // which customers (every one by default)
  bool include_archived = false;
  // None (one row), one or two groupings as Aggregation takes them: any customer field
  // ("custom.contract", "owner", "tag", "address.country"), a time field in buckets
  // ("quarter(created_at)"), or a whole-number field in bands ("band(custom.tenure, 12)").
  std::vector<GroupBy> group_by;
  std::string time_zone = "UTC";  // where time buckets begin
};

struct ChurnRow {
  std::vector<GroupKey> keys;  // one per group_by
  std::uint64_t customers = 0;  // counted: at risk of churning in the period
  std::uint64_t churned = 0;    // of those, churned within it
  double rate = 0;              // churned / customers (0 when no customers)
};

struct ChurnReport {
  ChurnRow total;              // every customer counted, without groups
  std::vector<ChurnRow> rows;  // one per group, in order of the group keys (empty groups first)
};

// Reads of customer analytics: members of every transaction.
class AnalyticsReads {
 public:
  // NotFound when no customer has that id; a customer without purchases has zero facts.
  absl::StatusOr<PurchaseFacts> GetPurchaseFacts(CustomerId customer) const;
  absl::StatusOr<CustomerValuePage> TopCustomersByValue(const ValueQuery& query) const;
  absl::StatusOr<ChurnReport> Churn(const ChurnQuery& query) const;

 protected:
  AnalyticsReads() = default;
};

}  // namespace crm
