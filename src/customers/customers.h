// Customers: records, their indexes, and the operations on them.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "changes/changes.h"
#include "crm/change.hpp"
#include "crm/customer.hpp"
#include "model/schema.h"

namespace crm::customers {

using model::Ctx;

// Reads customer `id` into `out`; false when there is none. DataLoss when the stored value is
// damaged.
absl::StatusOr<bool> Load(const Ctx& ctx, CustomerId id, Customer* out);
absl::StatusOr<Customer> Get(const Ctx& ctx, CustomerId id);
absl::StatusOr<Customer> FindByEmail(const Ctx& ctx, std::string_view email);
absl::StatusOr<Customer> FindByExternalId(const Ctx& ctx, std::string_view external_id);
absl::StatusOr<std::vector<Customer>> FindByPhone(const Ctx& ctx, std::string_view phone);
absl::StatusOr<CustomerPage> List(const Ctx& ctx, const CustomerQuery& query);
absl::StatusOr<std::uint64_t> Count(const Ctx& ctx, const CustomerQuery& query);

// Makes `c` what a create would store: validated and normalised, its phones read (duplicate
// matching of a customer not stored). `c` is left partly normalised when it fails.
absl::Status Prepare(const Ctx& ctx, Customer& c);

// Write operations. Each either fails having written nothing, or writes the record and every
// index entry. A failure after writing started dooms the transaction (the store aborts it: the
// storage layer counts the writes, see storage::Txn::writes).
absl::StatusOr<Customer> Create(Ctx& ctx, Customer input);
// With `changed`, an update that would leave the record as stored writes nothing, returns the
// stored record and sets *changed to false.
absl::StatusOr<Customer> Update(Ctx& ctx, Customer input, bool* changed = nullptr);
absl::StatusOr<Customer> Upsert(Ctx& ctx, Customer input);
absl::StatusOr<std::vector<Customer>> FindByDomain(const Ctx& ctx, std::string_view domain);
// PatchCustomer (patch.cc).
absl::StatusOr<Customer> Patch(Ctx& ctx, const Customer& given, const crm::Patch& patch);
// Copies into `out` the fields `patch` names from `given`, as a patch does (InvalidArgument for
// a name a patch does not take).
absl::Status ApplyPatch(const Ctx& ctx, const Customer& given, const crm::Patch& patch, Customer& out);
absl::StatusOr<Customer> SetArchived(Ctx& ctx, CustomerId id, bool archived);
// Removes the customer and its index entries. Refuses an organization that still has members;
// other dependents (interactions, opportunities) are the caller's to check (relations/).
absl::Status Delete(Ctx& ctx, CustomerId id);
// Sets the store-managed last_interaction_at (and its index entry) without a revision bump and
// without rewriting the customer record; with `only_if_newer`, only moves it forward.
absl::Status SetLastInteraction(Ctx& ctx, CustomerId id, Timestamp at, bool only_if_newer);
absl::StatusOr<Timestamp> LastInteraction(const Ctx& ctx, CustomerId id);
// Writes every customer's entries of index `table` (a migration adding that index).
absl::Status Backfill(Ctx& ctx, storage::Table table);
// Writes `image` as customer `before.id` (stored as `before`): its next revision, updated now,
// archived state and last contact as stored; normalised and its unique keys checked, but no
// other check (memberships, parent, suppression, duplicate rule) and no consent record. The
// change is recorded as `op`, with `extra` fields after. Merges and unmerges.
absl::StatusOr<Customer> Replace(Ctx& ctx, const Customer& before, Customer image, ChangeOp op,
                                 changes::Fields extra = {});
// Writes `image` as the customer of its id, which does not exist (an unmerge restoring a merged
// customer): its next revision, updated now, never contacted; recorded as a create.
absl::StatusOr<Customer> Recreate(Ctx& ctx, Customer image);
// Whether customer `id` exists (without decoding it).
absl::StatusOr<bool> Exists(const Ctx& ctx, CustomerId id);

}  // namespace crm::customers
