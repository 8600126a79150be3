// The index entries of a customer: which entries a record has, writing them, and checking that
// an entry a lookup went through belongs to the record it names.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "codec/key.h"
#include "crm/customer.hpp"
#include "model/records.h"
#include "model/schema.h"
#include "model/sealing.h"

namespace crm::customers {

using model::Ctx;

struct IdKey {
  explicit IdKey(CustomerId id) { codec::PutBigEndian64(bytes, id); }
  std::string_view view() const { return {bytes, 8}; }
  char bytes[8];
};

inline CustomerId IdAtEnd(std::string_view key) {
  return key.size() < 8 ? 0 : codec::GetBigEndian64(key.data() + key.size() - 8);
}

inline bool Archived(std::string_view flags) { return !flags.empty() && (flags[0] & model::kFlagArchived); }

inline std::string Reversed(std::string s) {
  std::reverse(s.begin(), s.end());
  return s;
}

// One index entry of a customer.
struct Entry {
  storage::Table table;
  std::string key;
  bool unique;
  std::string field;  // unique entries: the field named in a conflict

  friend bool operator<(const Entry& a, const Entry& b) {
    return a.table != b.table ? a.table < b.table : a.key < b.key;
  }
  friend bool operator==(const Entry& a, const Entry& b) {
    return a.table == b.table && a.key == b.key;
  }
};

// The words of every name of `c`, folded, sorted and unique.
std::vector<std::string> NameWords(const Customer& c);

// Personal values in index keys. In an encrypted store (ctx.sealing) each one is a keyed hash
// (crypto::kIndexHashBytes) instead of the value, so lookups work by equality only, and find
// candidates that the records then confirm:
//   email, external id, domain   the hash of the value;
//   name                         the hashes of each name word's first kShortPrefixChars and
//                                first kLongPrefixChars characters (when it has that many): a
//                                query word is looked up by the longer of the two it has, and a
//                                one-character query reads every customer;
//   phone                        the hash of the number's last kMinSuffixDigits digits, or of
//                                the whole number when it is shorter.
inline constexpr std::size_t kShortPrefixChars = 2;
inline constexpr std::size_t kLongPrefixChars = 4;
inline constexpr std::size_t kMinSuffixDigits = 7;
std::string EmailKey(const Ctx& ctx, std::string_view email);
std::string ExternalKey(const Ctx& ctx, std::string_view external_id);
// The prefix under which a domain's entries lie.
std::string DomainPrefix(const Ctx& ctx, std::string_view domain);
// The duplicate-match index (duplicates/match.h): one entry, MatchPrefix(first name key) U8(n)
// U32(tag) x n U64(id), the tags those of the customer's corroborating values, sorted.
std::string MatchPrefix(const Ctx& ctx, std::string_view key);
// The tags of corroborating values: their CRC-32C, or in an encrypted store the first 4 bytes of
// their keyed hash; sorted, unique, at most 255.
std::vector<std::uint32_t> MatchTags(const Ctx& ctx, const std::vector<std::string>& values);
// Whether the tags of an entry (`rest`: what follows the prefix) include one of `tags` (sorted);
// false for a malformed rest (Verify reports it).
bool SharesMatchTag(std::string_view rest, const std::vector<std::uint32_t>& tags);
// Encrypted stores: the prefix under which lie the entries of names with a word that starts
// with the first characters of `word` (empty for a one-character word: no entry covers it).
std::string HashedNamePrefix(const Ctx& ctx, std::string_view word);
// Encrypted stores: the prefix under which lie the entries of numbers that may match `digits`
// (those sharing its last kMinSuffixDigits digits, or equal to it when it is shorter).
std::string HashedPhonePrefix(const Ctx& ctx, std::string_view digits);
// Whether stored digits `stored` answer a lookup of `query` (both as text::PhoneKey gives
// them): the same number, a longer one ending with it (kMinSuffixDigits digits or more asked
// for), or a national number of kMinSuffixDigits or more digits that it ends with.
bool PhoneMatches(std::string_view stored, std::string_view query);

inline constexpr char kSequence[] = "seq.customer";
inline constexpr char kActiveCount[] = "count.customer.active";
inline constexpr char kArchivedCount[] = "count.customer.archived";
inline const model::RecordKind kKind{&model::Schema::customers, codec::RecordType::kCustomer, "customer"};

// The flags of a customer's entries in the declared indexes.
inline char Flags(const Customer& c) { return c.archived ? model::kFlagArchived : 0; }

// The sentinel for "every index" of Entries.
inline constexpr storage::Table kEveryIndex = ~storage::Table{0} - 1;
// The entries of `c` in every index, or only in `only`, sorted.
std::vector<Entry> Entries(const Ctx& ctx, const Customer& c, storage::Table only = kEveryIndex);

// DataLoss unless customer `c`, reached through the entry `key` (with `flags`, when not unique)
// of index `table`, has that entry: a damaged index must never hand out another record.
absl::Status CheckReached(const Ctx& ctx, storage::Table table, std::string_view key, std::string_view flags,
                          bool unique, const Customer& c);

// Fails when a unique entry of `wanted` not already held by `id` belongs to another customer.
absl::Status CheckUnique(const Ctx& ctx, CustomerId id, const std::vector<Entry>& wanted,
                         const std::vector<Entry>& held);

absl::Status PutEntry(Ctx& ctx, const Entry& e, const Customer& c);

// Removes the entries of `before` missing from `after` and writes those of `after` missing from
// `before` (all of the non-unique ones when `rewrite_flags`, because their flags changed).
absl::Status ApplyEntries(Ctx& ctx, const Customer& c, const std::vector<Entry>& before,
                          const std::vector<Entry>& after, bool rewrite_flags);

}  // namespace crm::customers
