// Bridges between std::string_view (used throughout libcrm) and absl::string_view (which
// Debian's Abseil keeps as a type of its own).
#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace crm {

inline absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace crm
