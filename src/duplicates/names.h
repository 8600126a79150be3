// Names for duplicate matching: similarity of two names (typos, accents, case, word order,
// initials, nicknames, organizations' legal forms) and the phonetic keys that block a search.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crm/customer.hpp"

namespace crm::duplicates {

// Jaro-Winkler similarity of two strings of bytes, in [0, 1] (1: equal). Prefix scale 0.1, up
// to four characters of common prefix.
double JaroWinkler(std::string_view a, std::string_view b);

// American Soundex of a folded word ("robert" -> "r163"); letters other than a to z are skipped,
// and a word without any gives "".
std::string Soundex(std::string_view word);

// The formal names a given name may be short for ("bob" -> {"robert"}), sorted; empty when it
// is no known nickname. From a small list shipped with the library (names.cc).
const std::vector<std::string_view>& FormalNamesOf(std::string_view folded_given);

// A customer's name as matching reads it: folded words. A person's given words and family
// words (from given_name / family_name, or split from the display name: the last word is the
// family name); an organization's words without a legal form ("GmbH", "Inc.", "S.L." ...) or a
// leading "the".
struct NameParts {
  bool organization = false;
  std::vector<std::string> given;   // persons
  std::vector<std::string> family;  // persons
  std::vector<std::string> words;   // organizations
  bool empty() const { return organization ? words.empty() : given.empty() && family.empty(); }
};
NameParts PartsOf(const Customer& c);

// How alike two names are, in [0, 1]: a person's given and family names compared word by word
// (Jaro-Winkler; a nickname of the same formal name 0.95, an initial of the other's name 0.9),
// also with given and family swapped; an organization's names without legal forms. 0 when
// either has no name or the kinds differ.
double NameSimilarity(const NameParts& a, const NameParts& b);

// The name keys of a customer: two phonetic keys, "family soundex / given initial" first, then
// "given soundex / family initial" (given names as their formal name; organizations: their first
// two words), so a typo that keeps the Soundex, swapped names, an initial or a nickname still
// share a key. Empty without a name; one key when both are the same.
std::vector<std::string> NameKeys(const NameParts& parts);

}  // namespace crm::duplicates
