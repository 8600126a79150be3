// Building blocks of boundary validation shared by every record type.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

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

// Whether `v` was already in `seen`; adds it. Lists are short: a linear scan beats a set.
bool Repeats(std::vector<std::string>& seen, std::string v);

}  // namespace crm::model
