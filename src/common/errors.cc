#include "common/errors.h"

#include <string>

#include "absl/strings/cord.h"
#include "common/strings.h"

namespace crm {
namespace {

constexpr char kKindPayload[] = "crm.error_kind";

absl::Status Make(absl::StatusCode code, std::string_view message, ErrorKind kind) {
  return WithKind(absl::Status(code, Av(message)), kind);
}

}  // namespace

absl::Status WithKind(absl::Status status, ErrorKind kind) {
  status.SetPayload(kKindPayload, absl::Cord(std::string(1, static_cast<char>(kind))));
  return status;
}

ErrorKind ErrorKindOf(const absl::Status& status) {
  if (status.ok()) return ErrorKind::kUnspecified;
  const auto payload = status.GetPayload(kKindPayload);
  if (!payload.has_value() || payload->size() != 1) return ErrorKind::kUnspecified;
  const auto value = static_cast<std::uint8_t>((*payload)[0]);
  if (value > static_cast<std::uint8_t>(ErrorKind::kTxnFinished)) return ErrorKind::kUnspecified;
  return static_cast<ErrorKind>(value);
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
absl::Status TxnFinishedError(std::string_view m) {
  return Make(absl::StatusCode::kFailedPrecondition, m, ErrorKind::kTxnFinished);
}

}  // namespace crm
