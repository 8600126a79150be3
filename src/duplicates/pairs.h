// Duplicate pairs kept for review, the duplicate rule, and the store-wide scan.
//
// duplicate_pairs    U64(a) U64(b) -> U8(version 1) U8(dismissed) U32(reasons) U64(score x 10^9)
//                    I64(found_at), a < b
// duplicate_pair_of  U64(b) U64(a) -> "": the same pairs by their larger id
// meta "duplicate_rule", "duplicate_scan": the rule and the scan's progress.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/duplicates.hpp"
#include "model/schema.h"

namespace crm::duplicates {

// FailedPrecondition while the match index of an older file has not been built yet (it is, at
// the first writable open).
absl::Status NeedMatchIndex(const model::Ctx& ctx);
// Marks the match index to be built (a migration: hashed keys need the store's key, which the
// migration does not have), and builds it (Store::Open, once the store is unlocked).
absl::Status MarkIndexPending(model::Ctx& ctx);
absl::StatusOr<bool> IndexPending(const model::Ctx& ctx);
absl::Status BuildIndex(model::Ctx& ctx);

absl::StatusOr<bool> Dismissed(const model::Ctx& ctx, CustomerId a, CustomerId b);
absl::StatusOr<std::optional<DuplicatePair>> GetPair(const model::Ctx& ctx, CustomerId a, CustomerId b);
// Keeps the pair with its score and reasons (a dismissed one stays dismissed); true when new.
absl::StatusOr<bool> KeepPair(model::Ctx& ctx, CustomerId a, CustomerId b, const DuplicateCandidate& found);
absl::Status Dismiss(model::Ctx& ctx, CustomerId a, CustomerId b);
absl::Status Forget(model::Ctx& ctx, CustomerId a, CustomerId b);
// Forgets every pair of a customer (it is deleted).
absl::Status ForgetCustomer(model::Ctx& ctx, CustomerId id);
absl::StatusOr<DuplicateSetPage> Sets(const model::Ctx& ctx, const DuplicateSetQuery& q);
// Pairs that name a missing customer, or a reverse entry without its pair (Verify).
absl::Status Check(const model::Ctx& ctx, std::vector<std::string>* problems);

absl::StatusOr<DuplicateRule> GetRule(const model::Ctx& ctx);
absl::Status SetRule(model::Ctx& ctx, const DuplicateRule& rule);
// Applies the rule to customer `c` about to be written (prepared; c.id 0 for a create, the
// customer's id otherwise), `update` for an update and `import` for an import job's row:
// FailedPrecondition (kDuplicate) when it blocks. `candidates` receives those found when the
// rule alerts (empty otherwise).
absl::Status Gate(const model::Ctx& ctx, const Customer& c, bool update, std::vector<DuplicateCandidate>* candidates);
// After the write: keeps the alerted pairs and lists the alert in the transaction.
absl::Status Alert(model::Ctx& ctx, CustomerId id, std::vector<DuplicateCandidate> candidates);

absl::StatusOr<DuplicateScanProgress> ScanProgress(const model::Ctx& ctx);
absl::StatusOr<DuplicateScanProgress> ScanStep(model::Ctx& ctx, const DuplicateScanOptions& o);

}  // namespace crm::duplicates
