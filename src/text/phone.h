// Phone numbers through libphonenumber (the library the large CRMs use): E.164 form, type and
// validity of a number as entered, given the region a number without a country code is in.
#pragma once

#include <string>
#include <string_view>

#include "crm/customer.hpp"

namespace crm::text {

struct ParsedPhone {
  std::string e164;  // "+493012345678"; empty unless the number is valid
  PhoneType type = PhoneType::kUnknown;
  bool valid = false;
};

// `region`: ISO 3166 alpha-2 ("DE") for numbers written without a country code; empty: such
// numbers do not parse. "+49 ..." and "0049 ..." parse anywhere. An extension is left out.
ParsedPhone ParsePhone(std::string_view number, std::string_view region);

// Whether libphonenumber knows `region` (upper case, "DE").
bool KnownPhoneRegion(std::string_view region);

// The digits a number asked for (a lookup, a filter) is matched by, read as a stored number is:
// PhoneKey of the number as the store would keep it, parsing only where that changes the digits.
std::string PhoneQueryKey(std::string_view number, std::string_view region);

// The digits a phone number is indexed and matched by: its E.164 digits when it has them, the
// digits as entered (PhoneDigits) otherwise.
std::string PhoneKey(const Phone& p);

}  // namespace crm::text
