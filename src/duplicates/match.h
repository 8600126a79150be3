// Duplicate matching: comparing two customers (score and reasons) and finding the candidates of
// one through the lookups and the match index (customer_match, kept by customers/entries.cc).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/duplicates.hpp"
#include "duplicates/names.h"
#include "model/schema.h"

namespace crm::duplicates {

// What the match index holds of `c`: its name keys (names.h, with "p|" or "o|" for its kind) and
// its corroborating values ("c:" city, "o:" organization id, "d:" email or web domain), sorted.
// The index has one entry, under the first name key (the family name's), which carries a 32-bit
// tag of each corroborating value (customers/entries.cc); none for a customer with no name or
// nothing to corroborate it: a name alone is never a reason. A search reads the entries under
// both of a customer's name keys.
std::vector<std::string> NameKeysOf(const Customer& c);
std::vector<std::string> NameKeysOf(const NameParts& parts);
std::vector<std::string> Corroborators(const Customer& c);

// What Compare reads of the customer compared with many, worked out once.
struct Probe {
  explicit Probe(const Customer& c);
  const Customer& customer;
  NameParts parts;
  std::vector<std::string> corroborators;  // as Corroborators()
  std::vector<std::string> emails;         // folded
  std::vector<std::string> phone_keys;     // text::PhoneKey, the empty ones left out
};

// InvalidArgument naming the option out of range, or an id field without a declared index.
absl::Status CheckOptions(const model::Ctx& ctx, const MatchOptions& o, bool need_limit = true);

// How likely `b` is a duplicate of `a`: the score and the reasons under `o` (no threshold).
DuplicateCandidate Compare(const Customer& a, const Customer& b, const MatchOptions& o);
DuplicateCandidate Compare(const Probe& a, const Customer& b, const MatchOptions& o);

// The candidates of `c` (as stored, or prepared as a create would store it) under `o`, best
// first; `c.id`, when set, is left out, and so are pairs dismissed unless o.include_dismissed.
absl::StatusOr<std::vector<DuplicateCandidate>> Candidates(const model::Ctx& ctx, const Customer& c, const MatchOptions& o);

// "customer 12 (0.97: email ann@acme.com), customer 40 (0.85: name ...)": for messages.
std::string Describe(const std::vector<DuplicateCandidate>& candidates);

}  // namespace crm::duplicates
