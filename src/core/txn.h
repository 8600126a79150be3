// What every concept's operations run on: a transaction's state and the two ways an operation
// runs on a transaction (Query for reads, Mutate for writes). It knows nothing of the store
// (store.hpp), which concepts never include.
//
// A concept implements the members of its transaction parts (crm/customer.hpp ...) in its own
// api.cc with these, e.g.
//   absl::StatusOr<Customer> CustomerReads::GetCustomer(CustomerId id) const {
//     return core::Query(this, [&](const model::Ctx& c) { return customers::Get(c, id); });
//   }
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "crm/duplicates.hpp"
#include "crm/error.hpp"
#include "crm/txn_part.hpp"
#include "model/schema.h"
#include "model/sealing.h"
#include "query/declared.h"
#include "storage/lmdb.h"

namespace crm {
namespace detail {

struct TxnImpl {
  const model::Schema* schema = nullptr;  // the store's, which outlives its transactions
  storage::Env* env = nullptr;            // the store's environment
  storage::Txn txn;
  std::string actor;
  bool importing = false;  // import mode: creates keep the times their records carry
  Timestamp now = 0;
  model::Counters counters;
  query::IndexCatalog indexes;  // the declared indexes, read once
  std::string_view phone_region;  // the store's, which outlives its transactions
  std::unique_ptr<model::Sealing> sealing;  // encrypted stores: the customers' data keys
  std::shared_ptr<const users::Directory> owners;  // read transactions: loaded once, when first needed
  users::DirectoryCache* directories = nullptr;    // the store's, for read transactions
  // Set when an operation failed after it had written: the transaction was aborted then.
  absl::Status failure;

  std::vector<DuplicateAlert> alerts;  // write transactions: the duplicate rule's alerts

  model::Ctx ctx() {
    model::Ctx c{txn,     *schema,  now,          txn.writable() ? &counters : nullptr,
                 actor,   importing, &indexes,    phone_region,
                 sealing.get(), txn.writable() ? nullptr : &owners,
                 txn.writable() ? nullptr : directories};
    if (txn.writable()) c.alerts = &alerts;
    return c;
  }

  absl::Status CheckOpen() const {
    if (!failure.ok())
      return TxnFinishedError(absl::StrCat(
          "transaction was aborted after a write failed half-way (a storage failure or a refusal after "
          "writing began): ",
          failure.message()));
    if (!txn.active()) return TxnFinishedError("transaction is already finished");
    return absl::OkStatus();
  }

  // The writes made so far: storage writes and pending counter changes.
  std::uint64_t Writes() const { return txn.writes() + counters.changes(); }

  // Ends the transaction after a write operation failed having written something: nothing of it
  // may be committed, and every later call says why.
  void Doom(const absl::Status& cause) {
    failure = cause;
    txn.Abort();
  }
};

}  // namespace detail

namespace core {

// Runs a read `fn(ctx)` on the transaction `part` belongs to.
template <class Part, class Fn>
auto Query(const Part* part, Fn fn) -> decltype(fn(std::declval<const model::Ctx&>())) {
  using R = decltype(fn(std::declval<const model::Ctx&>()));
  detail::TxnImpl* impl = detail::ImplOf(part);
  if (impl == nullptr) return R(TxnFinishedError("transaction was moved from"));
  if (absl::Status open = impl->CheckOpen(); !open.ok()) return R(open);
  const model::Ctx ctx = impl->ctx();
  return fn(ctx);
}

// What a write does to the size of the data: most add to it and are refused once the store is
// at its size limit; deletes may use the reserve kept under the limit, so that a full store can
// always be cleaned up.
enum class Growth { kAdds, kRemoves };

// Runs a write `fn(ctx)`. A failure after the operation wrote anything dooms the transaction,
// by construction: the storage layer counts writes, so no operation can forget to say so.
template <class Part, class Fn>
auto Mutate(Part* part, Fn fn, Growth growth = Growth::kAdds) -> decltype(fn(std::declval<model::Ctx&>())) {
  using R = decltype(fn(std::declval<model::Ctx&>()));
  detail::TxnImpl* impl = detail::ImplOf(part);
  if (impl == nullptr) return R(TxnFinishedError("transaction was moved from"));
  if (absl::Status open = impl->CheckOpen(); !open.ok()) return R(open);
  if (growth == Growth::kAdds && impl->env != nullptr)
    if (absl::Status room = impl->env->CheckRoom(impl->txn); !room.ok()) return R(room);
  const std::uint64_t before = impl->Writes();
  model::Ctx ctx = impl->ctx();
  R result = fn(ctx);
  if (!result.ok() && impl->Writes() != before) impl->Doom(detail::StatusOf(result));
  return result;
}

}  // namespace core
}  // namespace crm
