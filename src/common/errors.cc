#include "common/errors.h"

#include <iterator>
#include <string>
#include <string_view>

#include "absl/strings/cord.h"
#include "common/strings.h"

namespace crm {
namespace {

constexpr char kKindPayload[] = "crm.error_kind";

// The payload is the kind's name, so that a printed status reads well.
constexpr std::string_view kNames[] = {"unspecified",    "read_only",      "newer_format", "not_a_database",
                                       "stale_revision", "has_dependents", "txn_finished", "suppressed",
                                       "withdrawn",      "trimmed",        "wrong_key",    "duplicate"};
static_assert(std::size(kNames) == static_cast<std::size_t>(ErrorKind::kDuplicate) + 1, "a name for every kind");

absl::Status Make(absl::StatusCode code, std::string_view message, ErrorKind kind) {
  return WithKind(absl::Status(code, Av(message)), kind);
}

}  // namespace

absl::Status WithKind(absl::Status status, ErrorKind kind) {
  status.SetPayload(kKindPayload, absl::Cord(Av(kNames[static_cast<std::size_t>(kind)])));
  return status;
}

ErrorKind ErrorKindOf(const absl::Status& status) {
  if (status.ok()) return ErrorKind::kUnspecified;
  const auto payload = status.GetPayload(kKindPayload);
  if (!payload.has_value()) return ErrorKind::kUnspecified;
  const std::string name(*payload);
  for (std::size_t i = 0; i < std::size(kNames); ++i)
    if (kNames[i] == name) return static_cast<ErrorKind>(i);
  return ErrorKind::kUnspecified;
}

absl::Status ReadOnlyError(std::string_view m) {
  return Make(absl::StatusCode::kFailedPrecondition, m, ErrorKind::kReadOnly);
}
absl::Status NewerFormatError(std::string_view m) {
  return Make(absl::StatusCode::kFailedPrecondition, m, ErrorKind::kNewerFormat);
}
absl::Status NotADatabaseError(std::string_view m) {
  return Make(absl::StatusCode::kFailedPrecondition, m, ErrorKind::kNotADatabase);
}
absl::Status StaleRevisionError(std::string_view m) {
  return Make(absl::StatusCode::kAborted, m, ErrorKind::kStaleRevision);
}
absl::Status HasDependentsError(std::string_view m) {
  return Make(absl::StatusCode::kFailedPrecondition, m, ErrorKind::kHasDependents);
}
absl::Status SuppressedError(std::string_view m) {
  return Make(absl::StatusCode::kFailedPrecondition, m, ErrorKind::kSuppressed);
}
absl::Status ConsentWithdrawnError(std::string_view m) {
  return Make(absl::StatusCode::kFailedPrecondition, m, ErrorKind::kWithdrawn);
}
absl::Status DuplicateError(std::string_view m) {
  return Make(absl::StatusCode::kFailedPrecondition, m, ErrorKind::kDuplicate);
}
absl::Status TrimmedError(std::string_view m) {
  return Make(absl::StatusCode::kOutOfRange, m, ErrorKind::kTrimmed);
}

absl::Status WrongKeyError(std::string_view m) {
  return Make(absl::StatusCode::kPermissionDenied, m, ErrorKind::kWrongKey);
}
absl::Status TxnFinishedError(std::string_view m) {
  return Make(absl::StatusCode::kFailedPrecondition, m, ErrorKind::kTxnFinished);
}

}  // namespace crm
