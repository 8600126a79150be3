#include "customers/entries.h"

#include "absl/strings/str_cat.h"
#include "codec/crc32c.h"
#include "customers/groups.h"
#include "duplicates/match.h"
#include "common/strings.h"
#include "text/phone.h"
#include "text/text.h"

namespace crm::customers {
namespace {

// The name of an index table, for messages.
std::string_view IndexName(const model::Schema& s, storage::Table t) {
  if (t == s.customer_email) return "email";
  if (t == s.customer_external) return "external id";
  if (t == s.customer_phone) return "phone";
  if (t == s.customer_name) return "name";
  if (t == s.customer_tag) return "tag";
  if (t == s.customer_owner) return "owner";
  if (t == s.customer_stage) return "lifecycle stage";
  if (t == s.customer_country) return "country";
  if (t == s.customer_org) return "organization";
  if (t == s.customer_domain) return "domain";
  if (t == s.customer_parent) return "parent";
  if (t == s.customer_contacted) return "last contact";
  if (t == s.customer_match) return "duplicate match";
  return "customer";
}

}  // namespace

// The words of every name of `c`, folded, sorted and unique.
std::vector<std::string> NameWords(const Customer& c) {
  std::string all = c.display_name;
  for (const std::string* n : {&c.given_name, &c.family_name}) {
    if (n->empty()) continue;
    all += ' ';
    all += *n;
  }
  std::vector<std::string> words = text::Words(text::FoldForSearch(all));
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

namespace {

std::string Hashed(const Ctx& ctx, std::string_view domain, std::string_view value) {
  std::string out;
  ctx.sealing->IndexHash(domain, value, out);
  return out;
}

// The first `n` characters of UTF-8 `word` (all of it when shorter).
std::string_view FirstChars(std::string_view word, std::size_t n) {
  std::size_t at = 0;
  for (std::size_t chars = 0; at < word.size() && chars < n; ++chars) {
    ++at;
    while (at < word.size() && (static_cast<unsigned char>(word[at]) & 0xC0) == 0x80) ++at;
  }
  return word.substr(0, at);
}

}  // namespace

std::string EmailKey(const Ctx& ctx, std::string_view email) {
  std::string folded = text::FoldCase(email);
  return ctx.sealing == nullptr ? folded : Hashed(ctx, "email", folded);
}

std::string ExternalKey(const Ctx& ctx, std::string_view external_id) {
  return ctx.sealing == nullptr ? std::string(external_id) : Hashed(ctx, "external", external_id);
}

std::string DomainPrefix(const Ctx& ctx, std::string_view domain) {
  return ctx.sealing == nullptr ? codec::KeyBuilder().Str(domain).Take() : Hashed(ctx, "domain", domain);
}

namespace {
// The number of characters of UTF-8 `word`.
std::size_t Chars(std::string_view word) {
  std::size_t n = 0;
  for (char ch : word) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}
}  // namespace

std::string MatchPrefix(const Ctx& ctx, std::string_view key) {
  return ctx.sealing == nullptr ? codec::KeyBuilder().Str(key).Take() : Hashed(ctx, "match", key);
}

std::vector<std::uint32_t> MatchTags(const Ctx& ctx, const std::vector<std::string>& values) {
  std::vector<std::uint32_t> tags;
  for (const std::string& v : values) {
    if (ctx.sealing == nullptr) {
      tags.push_back(codec::Crc32c(v.data(), v.size()));
      continue;
    }
    const std::string h = Hashed(ctx, "match with", v);
    tags.push_back(static_cast<std::uint32_t>(codec::GetBigEndian64(h.data()) >> 32));
  }
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  if (tags.size() > 255) tags.resize(255);
  return tags;
}

bool SharesMatchTag(std::string_view rest, const std::vector<std::uint32_t>& tags) {
  if (rest.empty()) return false;
  const std::size_t n = static_cast<unsigned char>(rest[0]);
  if (rest.size() != 1 + 4 * n + 8) return false;
  // Both lists are sorted (MatchTags): one merge pass. An entry whose tags are out of order
  // (a damaged file) may be missed, never misread.
  const char* p = rest.data() + 1;
  auto t = tags.begin();
  for (std::size_t i = 0; i < n && t != tags.end(); ++i, p += 4) {
    const std::uint32_t tag = codec::GetBigEndian32(p);
    while (t != tags.end() && *t < tag) ++t;
    if (t != tags.end() && *t == tag) return true;
  }
  return false;
}

std::string HashedNamePrefix(const Ctx& ctx, std::string_view word) {
  const std::size_t n = Chars(word);
  if (n >= kLongPrefixChars) return Hashed(ctx, "name 4", FirstChars(word, kLongPrefixChars));
  if (n >= kShortPrefixChars) return Hashed(ctx, "name 2", FirstChars(word, kShortPrefixChars));
  return {};
}

std::string HashedPhonePrefix(const Ctx& ctx, std::string_view digits) {
  if (digits.size() < kMinSuffixDigits) return Hashed(ctx, "phone", digits);
  return Hashed(ctx, "phone ending", digits.substr(digits.size() - kMinSuffixDigits));
}

bool PhoneMatches(std::string_view stored, std::string_view query) {
  const auto ends_with = [](std::string_view s, std::string_view end) {
    return s.size() >= end.size() && s.substr(s.size() - end.size()) == end;
  };
  if (stored == query) return true;
  if (query.size() >= kMinSuffixDigits && ends_with(stored, query)) return true;
  return stored.size() >= kMinSuffixDigits && ends_with(query, stored);
}

std::vector<Entry> Entries(const Ctx& ctx, const Customer& c, storage::Table only) {
  const model::Schema& s = ctx.schema;
  const bool sealed = ctx.sealing != nullptr;
  std::vector<Entry> out;
  const auto want = [&](storage::Table t) { return only == kEveryIndex || only == t; };
  const auto composite = [&](storage::Table t, codec::KeyBuilder kb) {
    out.push_back(Entry{t, kb.U64(c.id).Take(), false, {}});
  };
  const auto hashed = [&](storage::Table t, std::string prefix) {
    prefix.append(IdKey(c.id).view());
    out.push_back(Entry{t, std::move(prefix), false, {}});
  };
  if (want(s.customer_email))
    for (std::size_t i = 0; i < c.emails.size(); ++i)
      out.push_back(Entry{s.customer_email, EmailKey(ctx, c.emails[i].address), true,
                          absl::StrCat("emails[", i, "].address")});
  if (want(s.customer_external) && !c.external_id.empty())
    out.push_back(Entry{s.customer_external, ExternalKey(ctx, c.external_id), true, "external_id"});
  if (want(s.customer_phone))
    for (const Phone& p : c.phones) {
      const std::string digits = text::PhoneKey(p);
      if (!sealed) {
        composite(s.customer_phone, std::move(codec::KeyBuilder().Str(Reversed(digits))));
        continue;
      }
      hashed(s.customer_phone, HashedPhonePrefix(ctx, digits));
    }
  if (want(s.customer_name))
    for (const std::string& w : NameWords(c)) {
      if (!sealed) {
        composite(s.customer_name, std::move(codec::KeyBuilder().Str(w)));
        continue;
      }
      const std::size_t n = Chars(w);
      if (n >= kShortPrefixChars) hashed(s.customer_name, Hashed(ctx, "name 2", FirstChars(w, kShortPrefixChars)));
      if (n >= kLongPrefixChars) hashed(s.customer_name, Hashed(ctx, "name 4", FirstChars(w, kLongPrefixChars)));
    }
  if (want(s.customer_tag))
    for (const std::string& t : c.tags) composite(s.customer_tag, std::move(codec::KeyBuilder().Str(text::FoldCase(t))));
  if (want(s.customer_owner) && !c.owner.empty()) composite(s.customer_owner, std::move(codec::KeyBuilder().Str(c.owner)));
  if (want(s.customer_stage))
    composite(s.customer_stage, std::move(codec::KeyBuilder().U8(static_cast<std::uint8_t>(c.stage))));
  if (want(s.customer_country) && !c.address.country.empty())
    composite(s.customer_country, std::move(codec::KeyBuilder().Str(text::FoldCase(c.address.country))));
  if (want(s.customer_org))
    for (const Membership& m : c.memberships) composite(s.customer_org, std::move(codec::KeyBuilder().U64(m.organization)));
  if (want(s.customer_domain) && s.customer_domain != model::kAbsentTable)
    for (const std::string& d : c.domains) hashed(s.customer_domain, DomainPrefix(ctx, d));
  if (want(s.customer_parent) && s.customer_parent != model::kAbsentTable && c.parent != 0)
    composite(s.customer_parent, std::move(codec::KeyBuilder().U64(c.parent)));
  if (want(s.customer_match) && s.customer_match != model::kAbsentTable) {
    const std::vector<std::uint32_t> tags = MatchTags(ctx, duplicates::Corroborators(c));
    if (!tags.empty()) {
      codec::KeyBuilder with;
      with.U8(static_cast<std::uint8_t>(tags.size()));
      for (std::uint32_t t : tags) with.U32(t);
      const std::vector<std::string> names = duplicates::NameKeysOf(c);
      if (!names.empty()) hashed(s.customer_match, MatchPrefix(ctx, names.front()) + with.bytes());
    }
  }
  if (want(s.customer_contacted))
    composite(s.customer_contacted, std::move(codec::KeyBuilder().I64(c.last_interaction_at)));
  std::sort(out.begin(), out.end());
  // Hashed prefixes repeat when name words share a beginning, or a number is on file twice.
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// DataLoss unless customer `c`, reached through the entry `key` (with `flags`, when not unique)
// of index `table`, has that entry: a damaged index must never hand out another record.
absl::Status CheckReached(const Ctx& ctx, storage::Table table, std::string_view key, std::string_view flags,
                          bool unique, const Customer& c) {
  std::vector<Entry> entries = Entries(ctx, c, table);
  const bool has = std::binary_search(entries.begin(), entries.end(), Entry{table, std::string(key), false, {}});
  if (has && (unique || Archived(flags) == c.archived)) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(
      "database is damaged: the ", Av(IndexName(ctx.schema, table)), " index has an entry for customer ", c.id,
      has ? " whose archived flag disagrees with the record" : " that the record does not have",
      " (verify the database, and restore it from a backup)"));
}

// Fails when a unique entry of `wanted` not already held by `id` belongs to another customer.
absl::Status CheckUnique(const Ctx& ctx, CustomerId id, const std::vector<Entry>& wanted,
                         const std::vector<Entry>& held) {
  for (const Entry& e : wanted) {
    if (!e.unique || std::binary_search(held.begin(), held.end(), e)) continue;
    std::string_view owner;
    auto found = ctx.txn.Get(e.table, e.key, &owner);
    if (!found.ok()) return found.status();
    if (*found && (owner.size() != 8 || codec::GetBigEndian64(owner.data()) != id))
      return absl::AlreadyExistsError(absl::StrCat(
          e.field, ": already belongs to customer ",
          owner.size() == 8 ? codec::GetBigEndian64(owner.data()) : 0));
  }
  return absl::OkStatus();
}

absl::Status PutEntry(Ctx& ctx, const Entry& e, const Customer& c) {
  if (e.unique) return ctx.txn.Put(e.table, e.key, IdKey(c.id).view());
  return ctx.txn.Put(e.table, e.key, codec::IndexValue(e.key, c.archived ? model::kFlagArchived : 0));
}

// Removes the entries of `before` missing from `after` and writes those of `after` missing from
// `before` (all of the non-unique ones when `rewrite_flags`, because their flags changed).
absl::Status ApplyEntries(Ctx& ctx, const Customer& c, const std::vector<Entry>& before,
                          const std::vector<Entry>& after, bool rewrite_flags) {
  // rewrite_flags: archiving or restoring, so the entries had the other flag before.
  if (auto s = CountEntries(ctx, before, after, rewrite_flags ? !c.archived : c.archived, c.archived); !s.ok())
    return s;
  for (const Entry& e : before) {
    if (std::binary_search(after.begin(), after.end(), e)) continue;
    if (auto s = ctx.txn.Del(e.table, e.key); !s.ok()) return s.status();
  }
  for (const Entry& e : after) {
    const bool present = std::binary_search(before.begin(), before.end(), e);
    if (present && !(rewrite_flags && !e.unique)) continue;
    if (auto s = PutEntry(ctx, e, c); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace crm::customers
