// Verify: every record, index entry, total and change checked against the others.
#pragma once

#include "absl/status/statusor.h"
#include "crm/maintenance.hpp"
#include "model/schema.h"

namespace crm::maintenance {

absl::StatusOr<VerifyReport> Verify(const model::Ctx& ctx);

}  // namespace crm::maintenance
