// Value types of the libcrm data model.
//
// Thread safety: these are plain values. Distinct objects may be used from different threads
// freely; one object needs external synchronisation if one thread writes it while others read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/container/flat_map.hpp>
#include <boost/container/small_vector.hpp>

#include "absl/status/statusor.h"

namespace crm {

// Time is UTC, microseconds since the Unix epoch, everywhere.
using Timestamp = std::int64_t;

// Ids are allocated by the store, start at 1 and are never reused. 0 means "none".
using CustomerId = std::uint64_t;
using InteractionId = std::uint64_t;
using OpportunityId = std::uint64_t;
using PipelineId = std::uint64_t;
// A stage's id is stable within its pipeline (renaming or reordering stages keeps it).
using StageId = std::uint32_t;

// An amount of money: an integer count of the currency's minor units (cents for USD, yen for
// JPY) and its ISO 4217 code. Never floating point.
struct Money {
  std::int64_t minor_units = 0;
  std::string currency;  // ISO 4217 alphabetic code, e.g. "EUR"

  friend bool operator==(const Money&, const Money&) = default;
};

// A point in time stored in a custom field (distinct from a plain integer).
struct DateTime {
  Timestamp micros = 0;
  friend bool operator==(const DateTime&, const DateTime&) = default;
};

// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Whether an ISO 4217 code is a currency this library knows, and its number of minor digits.
bool IsKnownCurrency(std::string_view code);
std::optional<int> CurrencyMinorDigits(std::string_view code);

// A typed custom field value: text, integer, money, date/time or boolean.
using CustomValue = std::variant<std::string, std::int64_t, Money, DateTime, bool>;

using CustomFields = boost::container::flat_map<std::string, CustomValue>;

// Validation limits. Inputs beyond them are rejected with InvalidArgument naming the field.
struct Limits {
  static constexpr std::size_t kNameBytes = 256;
  static constexpr std::size_t kEmailBytes = 254;
  static constexpr std::size_t kPhoneBytes = 64;
  static constexpr std::size_t kLabelBytes = 64;
  static constexpr std::size_t kAddressFieldBytes = 256;
  static constexpr std::size_t kOwnerBytes = 128;
  static constexpr std::size_t kTagBytes = 64;
  static constexpr std::size_t kExternalIdBytes = 128;
  static constexpr std::size_t kRoleBytes = 128;
  static constexpr std::size_t kCustomKeyBytes = 64;
  static constexpr std::size_t kCustomTextBytes = 4096;
  static constexpr std::size_t kEmails = 16;
  static constexpr std::size_t kPhones = 16;
  static constexpr std::size_t kTags = 64;
  static constexpr std::size_t kCustomFields = 64;
  static constexpr std::size_t kMemberships = 32;
};

// The fields an update changes, leaving every other as stored (PatchCustomer, PatchOpportunity:
// each kind's headers list the names). A leading '+' on a field of several values adds the
// patch's values to the stored ones instead of replacing them.
struct Patch {
  std::vector<std::string> fields;
  // Parses "owner, +tags, address.city" (names separated by commas and spaces).
  static absl::StatusOr<Patch> Parse(std::string_view text);
};

}  // namespace crm
