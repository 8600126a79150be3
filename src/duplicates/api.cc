// The transaction operations of duplicate matching, as declared in crm/duplicates.hpp (core/txn.h).
#include "crm/duplicates.hpp"

#include "core/txn.h"
#include "customers/customers.h"
#include "duplicates/journal.h"
#include "duplicates/match.h"
#include "duplicates/pairs.h"

namespace crm {

std::string_view MatchReasonName(MatchReason reason) {
  switch (reason) {
    case MatchReason::kEmail: return "email";
    case MatchReason::kPhone: return "phone";
    case MatchReason::kDomain: return "domain";
    case MatchReason::kExternalId: return "external_id";
    case MatchReason::kName: return "name";
  }
  return "";
}

std::string_view DuplicateActionName(DuplicateAction action) {
  switch (action) {
    case DuplicateAction::kAllow: return "allow";
    case DuplicateAction::kAlert: return "alert";
    case DuplicateAction::kBlock: return "block";
  }
  return "";
}

absl::StatusOr<std::vector<DuplicateCandidate>> DuplicateReads::FindDuplicates(CustomerId id,
                                                                               const MatchOptions& options) const {
  return core::Query(this, [&](const model::Ctx& c) -> absl::StatusOr<std::vector<DuplicateCandidate>> {
    if (auto s = duplicates::CheckOptions(c, options); !s.ok()) return s;
    auto customer = customers::Get(c, id);
    if (!customer.ok()) return customer.status();
    return duplicates::Candidates(c, *customer, options);
  });
}

absl::StatusOr<std::vector<DuplicateCandidate>> DuplicateReads::FindDuplicatesOf(const Customer& draft,
                                                                                 const MatchOptions& options) const {
  return core::Query(this, [&](const model::Ctx& c) -> absl::StatusOr<std::vector<DuplicateCandidate>> {
    if (auto s = duplicates::CheckOptions(c, options); !s.ok()) return s;
    Customer prepared = draft;
    if (auto s = customers::Prepare(c, prepared); !s.ok()) return s;
    prepared.id = draft.id;
    return duplicates::Candidates(c, prepared, options);
  });
}

absl::StatusOr<DuplicateRule> DuplicateReads::GetDuplicateRule() const {
  return core::Query(this, [&](const model::Ctx& c) { return duplicates::GetRule(c); });
}

absl::StatusOr<DuplicateSetPage> DuplicateReads::ListDuplicateSets(const DuplicateSetQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return duplicates::Sets(c, query); });
}

absl::StatusOr<DuplicatePair> DuplicateReads::GetDuplicatePair(CustomerId a, CustomerId b) const {
  return core::Query(this, [&](const model::Ctx& c) -> absl::StatusOr<DuplicatePair> {
    auto p = duplicates::GetPair(c, a, b);
    if (!p.ok()) return p.status();
    if (!p->has_value()) return absl::NotFoundError(absl::StrCat("no duplicate pair of customers ", a, " and ", b, " is kept"));
    return **p;
  });
}

absl::StatusOr<DuplicateScanProgress> DuplicateReads::GetDuplicateScan() const {
  return core::Query(this, [&](const model::Ctx& c) { return duplicates::ScanProgress(c); });
}

absl::StatusOr<CustomerId> DuplicateReads::MergedInto(CustomerId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return duplicates::Resolve(c, id); });
}

absl::StatusOr<MergeRecord> DuplicateReads::GetMerge(MergeId id) const {
  return core::Query(this, [&](const model::Ctx& c) -> absl::StatusOr<MergeRecord> {
    auto j = duplicates::GetJournal(c, id);
    if (!j.ok()) return j.status();
    return j->record;
  });
}

absl::StatusOr<std::vector<MergeRecord>> DuplicateReads::ListMerges(CustomerId survivor) const {
  return core::Query(this, [&](const model::Ctx& c) -> absl::StatusOr<std::vector<MergeRecord>> {
    auto journals = duplicates::JournalsOf(c, survivor);
    if (!journals.ok()) return journals.status();
    std::vector<MergeRecord> out;
    for (auto it = journals->rbegin(); it != journals->rend(); ++it) out.push_back(std::move(it->record));
    return out;
  });
}

absl::StatusOr<MergeResult> DuplicateWrites::MergeCustomers(CustomerId survivor, const std::vector<CustomerId>& losers,
                                                            const MergeOptions& options) {
  return core::Mutate(this, [&](model::Ctx& c) { return duplicates::Merge(c, survivor, losers, options); });
}

absl::StatusOr<MergeRecord> DuplicateWrites::UnmergeCustomers(MergeId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return duplicates::Unmerge(c, id); });
}

absl::StatusOr<MergeRecord> DuplicateWrites::FinalizeMerge(MergeId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return duplicates::Finalize(c, id); }, core::Growth::kRemoves);
}

absl::StatusOr<std::uint64_t> DuplicateWrites::FinalizeMerges(Timestamp merged_before, std::size_t limit) {
  return core::Mutate(this, [&](model::Ctx& c) { return duplicates::FinalizeBefore(c, merged_before, limit); },
                      core::Growth::kRemoves);
}

absl::Status DuplicateWrites::SetDuplicateRule(const DuplicateRule& rule) {
  return core::Mutate(this, [&](model::Ctx& c) { return duplicates::SetRule(c, rule); });
}

std::vector<DuplicateAlert> DuplicateWrites::DuplicateAlerts() const {
  const detail::TxnImpl* impl = detail::ImplOf(this);
  return impl == nullptr ? std::vector<DuplicateAlert>() : impl->alerts;
}

absl::Status DuplicateWrites::DismissDuplicatePair(CustomerId a, CustomerId b) {
  return core::Mutate(this, [&](model::Ctx& c) { return duplicates::Dismiss(c, a, b); });
}

absl::Status DuplicateWrites::ForgetDuplicatePair(CustomerId a, CustomerId b) {
  return core::Mutate(this, [&](model::Ctx& c) { return duplicates::Forget(c, a, b); });
}

absl::StatusOr<DuplicateScanProgress> DuplicateWrites::ScanDuplicatesStep(const DuplicateScanOptions& options) {
  return core::Mutate(this, [&](model::Ctx& c) { return duplicates::ScanStep(c, options); });
}

}  // namespace crm
