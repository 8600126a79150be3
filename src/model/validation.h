// Building blocks of boundary validation shared by every record type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "crm/types.hpp"

namespace crm::model {

// Removes surrounding spaces, tabs and line breaks.
void Trim(std::string& s);

// A field's name as errors give it ("emails[1].address"), built only when an error is reported.
struct Field {
  Field(const char* base) : base(base) {}  // NOLINT: plain names convert implicitly
  Field(const char* base, std::size_t index, const char* member = "")
      : base(base), index(static_cast<long>(index)), member(member) {}
  Field(std::string built) : base(""), owned(std::move(built)) {}  // NOLINT

  std::string str() const;

  const char* base;
  long index = -1;
  const char* member = "";
  std::string owned;
};

absl::Status Invalid(const Field& field, std::string_view problem);

// Valid UTF-8, no control characters (unless multi-line), at most `max` bytes.
absl::Status CheckText(const Field& field, const std::string& value, std::size_t max,
                       bool multi_line = false);
// CheckText, and not empty.
absl::Status CheckRequiredText(const Field& field, const std::string& value, std::size_t max);
// A custom field's name: a letter, then letters, digits, '_', '.' and '-'; at most
// Limits::kCustomKeyBytes bytes.
absl::Status CheckCustomKey(const Field& field, std::string_view key);

// Times a record may hold: 0001-01-01T00:00:00Z (inclusive) to 10000-01-01T00:00:00Z (exclusive),
// in microseconds. Beyond them a time is refused (INT64_MAX, say, would be stored but never listed
// by a range that ends before it, and no language's date type holds it).
inline constexpr std::int64_t kMinTime = -62'135'596'800'000'000;
inline constexpr std::int64_t kMaxTime = 253'402'300'800'000'000;
absl::Status CheckTime(const Field& field, std::int64_t micros);
// Custom fields: at most Limits::kCustomFields, names of letters, digits, '_', '.' and '-'
// starting with a letter, text within its limit, money in a known currency.
absl::Status CheckCustomFields(const CustomFields& custom);

// Whether `v` was already in `seen`; adds it. Lists are short: a linear scan beats a set.
bool Repeats(std::vector<std::string>& seen, std::string v);

}  // namespace crm::model
