// Import jobs as stored: the job records, their failed rows and their undo entries.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/import.hpp"
#include "imports/serialize.h"
#include "model/schema.h"

namespace crm::imports {

using model::Ctx;

// The owner under which a job's failed rows are sealed in an encrypted store: a data key of the
// job's own, destroyed with the job.
inline constexpr std::uint64_t kJobKeyOwner = std::uint64_t{1} << 63;

absl::StatusOr<ImportJob> GetJob(const Ctx& ctx, ImportJobId id);
absl::StatusOr<std::vector<ImportJob>> ListJobs(const Ctx& ctx, std::size_t limit);
absl::StatusOr<std::vector<ImportRowError>> ListErrors(const Ctx& ctx, ImportJobId id, std::uint64_t after_row,
                                                       std::size_t limit);

// A new job's id.
absl::StatusOr<ImportJobId> NewJobId(Ctx& ctx);
absl::Status PutJob(Ctx& ctx, const ImportJob& job);
absl::Status PutError(Ctx& ctx, ImportJobId job, const ImportRowError& error);

// The undo entry of record `id` of that kind (a customer: `customer` itself) whose customer is
// `customer`.
absl::StatusOr<std::optional<UndoEntry>> GetUndo(const Ctx& ctx, ImportJobId job, CustomerId customer,
                                                 UndoRecord record = UndoRecord::kCustomer, std::uint64_t id = 0);
absl::Status PutUndo(Ctx& ctx, ImportJobId job, const UndoEntry& entry);
absl::Status DelUndo(Ctx& ctx, ImportJobId job, CustomerId customer, UndoRecord record, std::uint64_t id);
// Every undo entry of a job, by customer id (a customer's own entry before its deals' and
// interactions').
absl::StatusOr<std::vector<UndoEntry>> ListUndo(const Ctx& ctx, ImportJobId job);
// Removes a job's undo entries; with `everything`, its failed rows and the job record too (and
// its data key).
absl::Status Drop(Ctx& ctx, ImportJobId job, bool everything);
// Removes what any job kept of customer `id` (its erasure).
absl::Status ForgetCustomer(Ctx& ctx, CustomerId id);

}  // namespace crm::imports
