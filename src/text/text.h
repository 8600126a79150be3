// Unicode text handling for lookups: validation, folding for case- and accent-insensitive
// matching (utf8proc), name words, email syntax and phone number normalisation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace crm::text {

bool IsValidUtf8(std::string_view s);
// True when `s` holds a control character (C0, DEL or C1); `allow_newlines` permits \n \r \t.
bool HasControl(std::string_view s, bool allow_newlines);

// Case-folded, compatibility-normalised and stripped of combining marks: "José ÁLVAREZ" ->
// "jose alvarez". For matching only; `s` must be valid UTF-8.
std::string FoldForSearch(std::string_view s);
// Case-folded only (accents kept): for emails and tags.
std::string FoldCase(std::string_view s);

// The words of an already folded text: runs of letters and digits; apostrophes inside a word
// are dropped ("o'brien" -> "obrien"), every other character separates words.
std::vector<std::string> Words(std::string_view folded);

// Empty when `email` is acceptable, otherwise why not.
std::string EmailProblem(std::string_view email);

// The digits that identify a phone number: formatting and any extension ("x123", "ext. 12")
// dropped, and the international call prefix "00" replaced by nothing, so that
// "+1 (555) 123-4567", "001 555 123 4567" and "15551234567" are all "15551234567".
std::string PhoneDigits(std::string_view phone);
// The domain of a web address, an email address or a domain, normalised for lookups: lower case,
// without scheme, user, path, port, trailing dot or a leading "www." ("https://www.Acme.com/x" ->
// "acme.com", "ann@acme.com" -> "acme.com"). Empty when there is no plausible domain (letters,
// digits, '-' and '.', at least one dot, labels of 1 to 63 characters).
std::string DomainOf(std::string_view address);
// Whether `domain` (as DomainOf gives it) is a free-mail domain shared by unrelated people
// ("gmail.com"): a person's address there says nothing of the organization they work for.
bool FreeMailDomain(std::string_view domain);
// Empty when `phone` is acceptable, otherwise why not.
std::string PhoneProblem(std::string_view phone);

}  // namespace crm::text
