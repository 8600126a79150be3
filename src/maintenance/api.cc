// The maintenance operations of transactions (crm/maintenance.hpp).
#include "crm/maintenance.hpp"

#include "core/txn.h"
#include "maintenance/verify.h"
#include "model/schema.h"

namespace crm {

absl::StatusOr<VerifyReport> MaintenanceReads::Verify() const {
  return core::Query(this, [&](const model::Ctx& c) { return maintenance::Verify(c); });
}

absl::StatusOr<StoreStatistics> MaintenanceReads::Statistics() const {
  detail::TxnImpl* impl = detail::ImplOf(this);
  return core::Query(this, [&](const model::Ctx& c) -> absl::StatusOr<StoreStatistics> {
    StoreStatistics out;
    const model::Schema& s = c.schema;
    for (auto [table, count] : {std::pair{s.customers, &out.customers}, {s.interactions, &out.interactions},
                                {s.pipelines, &out.pipelines}, {s.opportunities, &out.opportunities},
                                {s.changes, &out.changes}}) {
      auto n = c.txn.Count(table);
      if (!n.ok()) return n.status();
      *count = *n;
    }
    auto archived = model::ReadCounter(c, "count.customer.archived");
    if (!archived.ok()) return archived.status();
    out.archived_customers = *archived;
    auto env = impl->env->Statistics(c.txn);
    if (!env.ok()) return env.status();
    out.file_bytes = env->file_bytes;
    out.map_bytes = env->map_bytes;
    out.page_bytes = env->page_bytes;
    out.pages_used = env->pages_used;
    out.pages_free = env->pages_free;
    out.size_limit_bytes = env->pages_limit * env->page_bytes;
    out.reserve_bytes = impl->env->reserve_bytes();
    out.readers = env->readers;
    out.stale_readers = env->stale_readers;
    out.last_txn = env->last_txn;
    out.oldest_reader_lag = env->oldest_reader_txn == 0 ? 0 : env->last_txn - env->oldest_reader_txn;
    return out;
  });
}

}  // namespace crm
