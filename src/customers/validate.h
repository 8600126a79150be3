// Boundary validation of a customer as given by a caller.
#pragma once

#include "absl/status/status.h"
#include "crm/customer.hpp"

namespace crm::customers {

// Checks every field a caller sets and normalises the record in place: trims surrounding
// spaces from single-line fields, derives a person's display name from given and family name,
// marks the first email / phone primary when none is. Returns InvalidArgument naming the first
// offending field (values are not echoed: they are personal data). Store-managed fields (id,
// revision, times, archived) are not looked at. Checks that need the database (uniqueness,
// organizations existing) are the caller's.
absl::Status Normalize(Customer& c);

}  // namespace crm::customers
