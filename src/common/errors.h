// Statuses that carry an ErrorKind (crm/error.hpp), made here and nowhere else.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "crm/error.hpp"

namespace crm {

// `status` with `kind` attached.
absl::Status WithKind(absl::Status status, ErrorKind kind);

absl::Status ReadOnlyError(std::string_view message);
absl::Status NewerFormatError(std::string_view message);
absl::Status NotADatabaseError(std::string_view message);
absl::Status StaleRevisionError(std::string_view message);
absl::Status HasDependentsError(std::string_view message);
absl::Status SuppressedError(std::string_view message);
absl::Status ConsentWithdrawnError(std::string_view message);
absl::Status TrimmedError(std::string_view message);
absl::Status WrongKeyError(std::string_view message);
absl::Status TxnFinishedError(std::string_view message);
absl::Status DuplicateError(std::string_view message);

}  // namespace crm
