// Purchase facts kept per customer (crm/analytics.hpp), in the write transaction of every change
// of a purchase (an interaction of kind purchase, or a won deal) and of a customer's stage:
//
//   purchases        U64(customer) I64(at) U8(source: 1 interaction, 2 won deal) U64(id)
//                    -> Str(currency) I64(minor units)   (currency "": no amount)  (since schema 14)
//   customer_facts   U64(customer) -> U64(purchases) I64(first) I64(last) I64(churned_at)
//                    U32(n) n x [Str(currency) I64(total)]                          (since schema 14)
//   customer_value   Str(currency) I64(total) U64(~customer) -> "": customers by value in each
//                    currency, read backwards for the most valuable first           (since schema 14)
//
// A customer has a facts entry while it has a purchase or is churned.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "crm/analytics.hpp"
#include "crm/customer.hpp"
#include "crm/interaction.hpp"
#include "crm/opportunity.hpp"
#include "crm/pipeline.hpp"
#include "model/schema.h"

namespace crm::analytics {

// One purchase as the purchases table holds it.
struct Purchase {
  CustomerId customer = 0;
  Timestamp at = 0;
  std::uint8_t source = 0;  // 1 interaction, 2 won deal
  std::uint64_t id = 0;
  Money amount;  // currency "": none
};

// FailedPrecondition when the file predates the tables (a read-only file of schema 13 or less).
absl::Status NeedTables(const model::Ctx& ctx);

// The facts of a customer (all zero when it has none); the customer's existence is not checked.
absl::StatusOr<PurchaseFacts> Load(const model::Ctx& ctx, CustomerId customer);

// The changes that move facts: `before` leaves them (nullptr: created), `after` enters them
// (nullptr: deleted). A failure dooms the transaction.
absl::Status MoveInteraction(model::Ctx& ctx, const Interaction* before, const Interaction* after);
absl::Status MoveDeal(model::Ctx& ctx, const Pipeline& p, const Opportunity* before, const Opportunity* after);
absl::Status MoveCustomer(model::Ctx& ctx, const Customer* before, const Customer* after);

// Calls `fn` with every purchase, by customer and time.
absl::Status EachPurchase(const model::Ctx& ctx, absl::FunctionRef<void(const Purchase&)> fn);

// Counts every customer's facts again from the interactions, deals and customers and writes them
// (the migration to schema 14).
absl::Status Rebuild(model::Ctx& ctx);
// The migration to schema 14 marks the facts to be counted at the first writable open (after an
// encrypted store is unlocked, so that sealed records can be read); Rebuild clears the mark.
absl::Status MarkRebuildPending(model::Ctx& ctx);
absl::StatusOr<bool> RebuildPending(const model::Ctx& ctx);
// The differences between the kept facts and a count from the records, in words (Verify).
absl::StatusOr<std::vector<std::string>> Check(const model::Ctx& ctx);

// Calls `fn` with the facts of every customer that has some, by customer id.
absl::Status EachFacts(const model::Ctx& ctx, absl::FunctionRef<void(const PurchaseFacts&)> fn);
// How many of the customer's purchases have an amount in `currency`.
absl::StatusOr<std::uint64_t> PurchasesIn(const model::Ctx& ctx, CustomerId customer, std::string_view currency);
// The customer ids of customer_value in `currency` from the most valuable down, with their
// totals, resuming after `resume` (a key it gave); `fn` returns false to stop, and gets each
// entry's key to resume after.
absl::Status EachByValue(const model::Ctx& ctx, std::string_view currency, std::string_view resume,
                         absl::FunctionRef<absl::StatusOr<bool>(CustomerId, std::int64_t, std::string_view key)> fn);

absl::StatusOr<CustomerValuePage> TopByValue(const model::Ctx& ctx, const ValueQuery& q);

}  // namespace crm::analytics
