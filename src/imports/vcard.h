// vCard: writing a customer as a vCard 4.0 card (reading cards is Source::NextVCard).
#pragma once

#include <string>
#include <string_view>

#include "crm/customer.hpp"

namespace crm::imports {

// The card of customer `c` (CRLF lines folded at 75 octets); `organization` is the name of the
// organization a person belongs to ("" for none).
std::string VCardOf(const Customer& c, std::string_view organization);

}  // namespace crm::imports
