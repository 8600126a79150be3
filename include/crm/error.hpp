// What a failed call means where its absl::StatusCode alone cannot tell cases apart.
//
// Every fallible call returns absl::Status / absl::StatusOr. Most failures are told apart by
// their code (InvalidArgument names the field, NotFound, AlreadyExists, DataLoss ...). A few
// codes cover several situations a caller reacts to differently; ErrorKindOf tells which.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace crm {

enum class ErrorKind : std::uint8_t {
  kUnspecified = 0,    // nothing more to say than the status code
  kReadOnly = 1,       // FailedPrecondition: a write to a store opened read-only
  kNewerFormat = 2,    // FailedPrecondition: the file was written by a newer libcrm
  kNotADatabase = 3,   // FailedPrecondition: the file is not a libcrm database
  kStaleRevision = 4,  // Aborted: the record changed since the revision the caller read
  kHasDependents = 5,  // FailedPrecondition: other records still depend on it
  kTxnFinished = 6,    // FailedPrecondition: the transaction has ended (committed, aborted, moved)
  kSuppressed = 7,     // FailedPrecondition: an email or phone is suppressed (crm/privacy.hpp; since 0.6)
  kWithdrawn = 8,      // FailedPrecondition: an import would grant consent again after a withdrawal (crm/consent.hpp; since 0.7)
  kTrimmed = 9,        // OutOfRange: changes asked for were removed by the retention policy (crm/change.hpp; since 0.7)
  kWrongKey = 10,      // PermissionDenied: the database is encrypted, and its key is missing or wrong (since 0.9)
  kDuplicate = 11,     // FailedPrecondition: the duplicate rule blocks the write (crm/duplicates.hpp; since 0.17)
};

// The kind a libcrm status carries (kUnspecified for OK and for other statuses).
ErrorKind ErrorKindOf(const absl::Status& status);

namespace detail {
// The status of a result, whichever of Status and StatusOr it is.
inline absl::Status StatusOf(const absl::Status& s) { return s; }
template <class T>
absl::Status StatusOf(const absl::StatusOr<T>& r) {
  return r.status();
}
}  // namespace detail

}  // namespace crm
