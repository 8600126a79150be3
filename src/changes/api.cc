// The transaction operations of this concept, as declared in its public header: each runs the
// concept's code on the transaction's context (core/txn.h).
#include "crm/change.hpp"

#include <algorithm>

#include "changes/changes.h"
#include "changes/retention.h"
#include "core/txn.h"
#include "crm/store.hpp"

namespace crm {

absl::StatusOr<std::vector<Change>> ChangeReads::ListChanges(std::uint64_t from_seq, std::size_t limit) const {
  return core::Query(this, [&](const model::Ctx& c) { return changes::List(c, from_seq, limit); });
}
absl::StatusOr<std::uint64_t> ChangeReads::LastChangeSeq() const {
  return core::Query(this, [&](const model::Ctx& c) { return changes::LastSeq(c); });
}
absl::StatusOr<std::uint64_t> ChangeReads::FirstChangeSeq() const {
  return core::Query(this, [&](const model::Ctx& c) { return changes::FirstSeq(c); });
}
absl::StatusOr<std::vector<FieldHistoryEntry>> ChangeReads::FieldHistory(EntityType entity, std::uint64_t id,
                                                                     std::string_view field) const {
  return core::Query(this, [&](const model::Ctx& c) { return changes::FieldHistory(c, entity, id, field); });
}

absl::StatusOr<RetentionReport> Store::ApplyRetention(const RetentionPolicy& policy) {
  if (absl::Status s = changes::CheckPolicy(policy); !s.ok()) return s;
  // What to trim, from one snapshot: a change the policy selects stays selected as writers go on.
  std::vector<std::uint64_t> selected;
  {
    auto read = BeginRead();
    if (!read.ok()) return read.status();
    auto found = core::Query(static_cast<const ChangeReads*>(&*read),
                             [&](const model::Ctx& c) { return changes::Selected(c, policy); });
    if (!found.ok()) return found.status();
    selected = *std::move(found);
  }
  RetentionReport report;
  // Every step below may run again (Write retries when the map grows; a later run repeats an
  // interrupted one): trimming skips what is trimmed, and removal starts where the last stopped.
  // Retention frees room, so it may use the reserve a full store keeps for deletes.
  const auto step = [&](auto&& fn) -> absl::StatusOr<std::uint64_t> {
    std::uint64_t n = 0;
    absl::Status s = Write(std::string_view(), [&](WriteTxn& t) -> absl::Status {
      auto done = core::Mutate(static_cast<ChangeReads*>(&t), fn, core::Growth::kRemoves);
      if (!done.ok()) return done.status();
      n = *done;
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    ++report.transactions;
    return n;
  };
  for (std::size_t at = 0; at < selected.size(); at += policy.batch) {
    const absl::Span<const std::uint64_t> chunk(selected.data() + at, std::min(policy.batch, selected.size() - at));
    auto n = step([&](model::Ctx& c) { return changes::Trim(c, chunk); });
    if (!n.ok()) return n.status();
    report.trimmed += *n;
  }
  while (true) {
    auto n = step([&](model::Ctx& c) { return changes::DropTrimmedFront(c, policy.batch); });
    if (!n.ok()) return n.status();
    report.removed += *n;
    if (*n < policy.batch) break;
  }
  auto first = Run(&ReadTxn::FirstChangeSeq);
  if (!first.ok()) return first.status();
  report.first_seq = *first;
  return report;
}

}  // namespace crm
