#include "model/validation.h"

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "text/text.h"

namespace crm::model {

void Trim(std::string& s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  if (b != 0 || e != s.size()) s = s.substr(b, e - b);
}

std::string Field::str() const {
  if (!owned.empty()) return owned;
  if (index < 0) return base;
  std::string s = absl::StrCat(base, "[", index, "]");
  if (*member != '\0') absl::StrAppend(&s, ".", member);
  return s;
}

absl::Status Invalid(const Field& field, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field.str(), ": ", Av(problem)));
}

absl::Status CheckText(const Field& field, const std::string& value, std::size_t max, bool multi_line) {
  if (value.size() > max)
    return Invalid(field, absl::StrCat("is ", value.size(), " bytes, more than the limit of ", max));
  if (!text::IsValidUtf8(value)) return Invalid(field, "is not valid UTF-8");
  if (text::HasControl(value, multi_line)) return Invalid(field, "contains a control character");
  return absl::OkStatus();
}

absl::Status CheckRequiredText(const Field& field, const std::string& value, std::size_t max) {
  if (value.empty()) return Invalid(field, "must not be empty");
  return CheckText(field, value, max);
}

bool Repeats(std::vector<std::string>& seen, std::string v) {
  for (const std::string& s : seen)
    if (s == v) return true;
  seen.push_back(std::move(v));
  return false;
}

absl::Status CheckTime(const Field& field, std::int64_t micros) {
  if (micros >= kMinTime && micros < kMaxTime) return absl::OkStatus();
  return Invalid(field, absl::StrCat(micros, " is not a time between the years 1 and 9999 (UTC microseconds)"));
}

}  // namespace crm::model
