#include "text/text.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "absl/container/flat_hash_set.h"

namespace crm::text {
namespace {

bool IsAscii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Map(std::string_view s, int options) {
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                   static_cast<utf8proc_ssize_t>(s.size()), &out,
                   static_cast<utf8proc_option_t>(options));
  if (n < 0) return std::string();  // invalid input; callers validate first
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

bool IsWordCodepoint(utf8proc_int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
      return true;
    default:
      return false;
  }
}

bool IsApostrophe(utf8proc_int32_t cp) { return cp == '\'' || cp == 0x2019; }

}  // namespace

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    if (*p < 0x80) {
      ++p;
      --left;
      continue;
    }
    utf8proc_int32_t cp;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0 || cp < 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

bool HasControl(std::string_view s, bool allow_newlines) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = p[i];
    if (c < 0x20) {
      if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) continue;
      return true;
    }
    if (c == 0x7F) return true;
    // C1 controls U+0080..U+009F are encoded C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) return true;
  }
  return false;
}

std::string FoldForSearch(std::string_view s) {
  if (IsAscii(s)) {
    std::string out(s);
    for (char& c : out) c = AsciiLower(c);
    return out;
  }
  return Map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                    UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
}

std::string FoldCase(std::string_view s) {
  if (IsAscii(s)) {
    std::string out(s);
    for (char& c : out) c = AsciiLower(c);
    return out;
  }
  return Map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
}

std::vector<std::string> Words(std::string_view folded) {
  std::vector<std::string> words;
  std::string current;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(folded.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(folded.size());
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n;
    if (*p < 0x80) {
      cp = *p;
      n = 1;
    } else {
      n = utf8proc_iterate(p, left, &cp);
      if (n <= 0) break;
    }
    const bool word = cp < 0x80 ? ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
                                   (cp >= 'A' && cp <= 'Z'))
                                : IsWordCodepoint(cp);
    if (word) {
      current.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    } else if (!(IsApostrophe(cp) && !current.empty())) {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    }
    p += n;
    left -= n;
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

std::string EmailProblem(std::string_view email) {
  if (email.empty()) return "is empty";
  if (email.size() > 254) return "is longer than 254 bytes";
  const std::size_t at = email.rfind('@');
  if (at == std::string_view::npos) return "has no '@'";
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  if (local.empty()) return "has nothing before '@'";
  if (local.size() > 64) return "has a part before '@' longer than 64 bytes";
  if (domain.empty()) return "has no domain after '@'";
  for (unsigned char c : local) {
    if (c <= 0x20 || c == 0x7F) return "contains a space or control character";
    if (std::string_view("()<>[]:;@\\,\"").find(static_cast<char>(c)) != std::string_view::npos)
      return "contains a character not allowed before '@'";
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return "has a misplaced '.' before '@'";
  std::size_t labels = 0;
  std::size_t start = 0;
  std::string_view last;
  while (true) {
    const std::size_t dot = domain.find('.', start);
    const std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return "has an empty part in its domain";
    if (label.size() > 63) return "has a domain label longer than 63 bytes";
    if (label.front() == '-' || label.back() == '-') return "has a domain label starting or ending with '-'";
    for (unsigned char c : label) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c >= 0x80;
      if (!ok) return "has a character not allowed in a domain";
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return "has a domain without a '.'";
  bool all_digits = true;
  for (char c : last) all_digits = all_digits && c >= '0' && c <= '9';
  if (all_digits) return "has a numeric top-level domain";
  return std::string();
}

namespace {
// Where the extension part of a phone number starts, or npos.
std::size_t ExtensionStart(std::string_view phone) {
  for (std::size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (c == 'x' || c == 'X' || c == '#' || c == ';' || c == ',') return i;
    if ((c == 'e' || c == 'E') && i + 2 < phone.size() && (phone[i + 1] == 'x' || phone[i + 1] == 'X'))
      return i;
  }
  return std::string_view::npos;
}
}  // namespace

std::string PhoneDigits(std::string_view phone) {
  const std::string_view main = phone.substr(0, ExtensionStart(phone));
  std::string digits;
  for (char c : main)
    if (c >= '0' && c <= '9') digits.push_back(c);
  if (digits.size() > 8 && digits[0] == '0' && digits[1] == '0') digits.erase(0, 2);
  return digits;
}

std::string PhoneProblem(std::string_view phone) {
  const std::size_t ext = ExtensionStart(phone);
  const std::string_view main = phone.substr(0, ext);
  for (char c : main) {
    const bool ok = (c >= '0' && c <= '9') || c == ' ' || c == '+' || c == '-' || c == '.' ||
                    c == '(' || c == ')' || c == '/';
    if (!ok) return "contains a character that is not part of a phone number";
  }
  std::size_t n = 0;
  for (char c : main) n += (c >= '0' && c <= '9');
  if (n < 3) return "has fewer than 3 digits";
  if (n > 20) return "has more than 20 digits";
  if (ext != std::string_view::npos) {
    std::size_t ext_digits = 0;
    for (char c : phone.substr(ext)) {
      if (c >= '0' && c <= '9') {
        ++ext_digits;
        continue;
      }
      if (std::string_view("xXeEtT.#;, ").find(c) == std::string_view::npos)
        return "has an extension that is not digits";
    }
    if (ext_digits == 0) return "has an empty extension";
  }
  return std::string();
}

std::string DomainOf(std::string_view a) {
  if (const std::size_t at = a.rfind('@'); at != std::string_view::npos) a.remove_prefix(at + 1);
  if (const std::size_t scheme = a.find("://"); scheme != std::string_view::npos) a.remove_prefix(scheme + 3);
  if (const std::size_t end = a.find_first_of("/?#"); end != std::string_view::npos) a = a.substr(0, end);
  if (const std::size_t port = a.rfind(':'); port != std::string_view::npos) a = a.substr(0, port);
  std::string d(a);
  for (char& ch : d) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  while (!d.empty() && d.back() == '.') d.pop_back();
  if (d.rfind("www.", 0) == 0) d.erase(0, 4);
  if (d.empty() || d.size() > 253 || d.find('.') == std::string::npos) return {};
  std::size_t label = 0;
  for (char ch : d) {
    if (ch == '.') {
      if (label == 0) return {};
      label = 0;
      continue;
    }
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
    if (!ok || ++label > 63) return {};
  }
  return label == 0 ? std::string() : d;
}

bool FreeMailDomain(std::string_view domain) {
  static const auto* set = new absl::flat_hash_set<std::string_view>{
      "gmail.com",   "googlemail.com", "yahoo.com",   "yahoo.co.uk", "yahoo.fr",      "hotmail.com", "hotmail.co.uk",
      "hotmail.fr",  "outlook.com",    "live.com",    "msn.com",     "aol.com",       "icloud.com",  "me.com",
      "mac.com",     "gmx.de",         "gmx.net",     "gmx.com",     "web.de",        "t-online.de", "mail.ru",
      "yandex.ru",   "yandex.com",     "protonmail.com", "proton.me", "qq.com",       "163.com",     "126.com",
      "zoho.com",    "orange.fr",      "free.fr",     "libero.it",   "comcast.net",   "verizon.net", "att.net",
      "sbcglobal.net", "mail.com",     "example.com", "example.org"};
  return set->contains(domain);
}

}  // namespace crm::text

