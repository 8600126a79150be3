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

absl::Status CheckCustomKey(const Field& field, std::string_view key) {
  if (key.empty()) return Invalid(field, "a custom field name must not be empty");
  if (key.size() > Limits::kCustomKeyBytes)
    return Invalid(field, absl::StrCat("custom field name is longer than ", Limits::kCustomKeyBytes, " bytes"));
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(key[0])) return Invalid(field, "custom field name must start with a letter");
  for (char c : key) {
    const bool ok = alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return Invalid(field, "custom field name may hold only letters, digits, '_', '.' and '-'");
  }
  return absl::OkStatus();
}

absl::Status CheckCustomFields(const CustomFields& custom) {
  if (custom.size() > Limits::kCustomFields)
    return Invalid("custom", absl::StrCat("more than ", Limits::kCustomFields, " custom fields"));
  for (const auto& [key, value] : custom) {
    const Field field(absl::StrCat("custom[", key.size() <= Limits::kCustomKeyBytes ? key : key.substr(0, 16) + "...", "]"));
    if (auto s = CheckCustomKey(field, key); !s.ok()) return s;
    if (const auto* text_value = std::get_if<std::string>(&value)) {
      if (auto s = CheckText(field, *text_value, Limits::kCustomTextBytes, true); !s.ok()) return s;
    } else if (const auto* money = std::get_if<Money>(&value)) {
      if (!IsKnownCurrency(money->currency)) return Invalid(field, "currency is not a known ISO 4217 code");
    }
  }
  return absl::OkStatus();
}

}  // namespace crm::model
