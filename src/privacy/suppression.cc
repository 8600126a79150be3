#include "privacy/suppression.h"

#include <sodium.h>

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "codec/key.h"
#include "common/errors.h"
#include "model/sealing.h"
#include "model/validation.h"
#include "text/phone.h"
#include "text/text.h"

namespace crm::privacy {
namespace {

// The meta entry holding the key of the suppression hashes (32 random bytes, made on the first
// suppression).
constexpr char kKeyName[] = "suppression_key";
constexpr std::size_t kKeyBytes = crypto_generichash_KEYBYTES;

absl::Status NeedTable(const model::Ctx& ctx) {
  if (ctx.schema.suppressions == model::kAbsentTable)
    return absl::FailedPreconditionError("suppressions: this database predates them (open it writable once to upgrade it)");
  return absl::OkStatus();
}

// The stored key; empty when none was made yet (and `make` is false). An encrypted store keeps
// none: its key is derived from the store key, so the file alone cannot test a guessed address.
absl::StatusOr<std::string> Key(const model::Ctx& ctx, bool make) {
  if (ctx.sealing != nullptr) {
    std::string derived;
    ctx.sealing->IndexHash("suppression key", "1", derived);
    ctx.sealing->IndexHash("suppression key", "2", derived);
    return derived;
  }
  std::string_view stored;
  auto found = ctx.txn.Get(ctx.schema.meta, kKeyName, &stored);
  if (!found.ok()) return found.status();
  if (*found) {
    if (stored.size() != kKeyBytes) return absl::DataLossError("database is damaged: the suppression key has the wrong size");
    return std::string(stored);
  }
  if (!make) return std::string();
  if (sodium_init() < 0) return absl::InternalError("libsodium could not be initialised");
  std::string key(kKeyBytes, '\0');
  randombytes_buf(key.data(), key.size());
  if (auto s = ctx.txn.Put(ctx.schema.meta, kKeyName, key); !s.ok()) return s;
  return key;
}

// What is hashed: "e" and the folded address, "d" and a domain ("@acme.com": every address
// there), or "p" and the number's digits as the store indexes them.
absl::StatusOr<std::string> Subject(const model::Ctx& ctx, std::string_view text) {
  std::string t(text);
  model::Trim(t);
  if (t.empty()) return absl::InvalidArgumentError("email_or_phone: must not be empty");
  if (!IsValidUtf8(t)) return absl::InvalidArgumentError("email_or_phone: is not valid UTF-8");
  if (t.front() == '@') {
    std::string domain = text::DomainOf(std::string_view(t).substr(1));
    if (domain.empty() || t.find('@', 1) != std::string::npos)
      return absl::InvalidArgumentError(absl::StrCat("email_or_phone: '", t, "' is not '@' and a domain (\"@acme.com\")"));
    return "d" + domain;
  }
  if (t.find('@') != std::string::npos) return "e" + text::FoldCase(t);
  std::string digits = text::PhoneQueryKey(t, ctx.phone_region);
  if (digits.empty()) return absl::InvalidArgumentError("email_or_phone: neither an email address (no '@') nor a phone number (no digit)");
  return "p" + digits;
}

// The subjects of a stored customer's email and phone ("p" alone: a number without digits), and
// of the email's domain ("d" alone: none).
std::string SubjectOf(const Email& e) { return "e" + text::FoldCase(e.address); }
std::string DomainSubjectOf(std::string_view address) { return "d" + text::DomainOf(address); }
std::string SubjectOf(const Phone& p) { return "p" + text::PhoneKey(p); }

std::string Hash(const std::string& key, const std::string& subject) {
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(subject.data()), subject.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return out;
}

absl::StatusOr<bool> Held(const model::Ctx& ctx, const std::string& key, const std::string& subject) {
  std::string_view value;
  return ctx.txn.Get(ctx.schema.suppressions, Hash(key, subject), &value);
}

absl::Status Put(model::Ctx& ctx, const std::string& key, const std::string& subject, std::uint64_t erasure) {
  const std::string hash = Hash(key, subject);
  std::string_view existing;
  auto found = ctx.txn.Get(ctx.schema.suppressions, hash, &existing);
  if (!found.ok()) return found.status();
  if (*found) return absl::OkStatus();
  return ctx.txn.Put(ctx.schema.suppressions, hash, codec::KeyBuilder().I64(ctx.now).U64(erasure).Take());
}

}  // namespace

absl::Status Suppress(model::Ctx& ctx, std::string_view email_or_phone, std::uint64_t erasure) {
  if (auto s = NeedTable(ctx); !s.ok()) return s;
  auto subject = Subject(ctx, email_or_phone);
  if (!subject.ok()) return subject.status();
  auto key = Key(ctx, true);
  if (!key.ok()) return key.status();
  return Put(ctx, *key, *subject, erasure);
}

namespace {
// The entry `email_or_phone` would have: its hash, or "" when nothing was ever suppressed.
absl::StatusOr<std::string> EntryOf(const model::Ctx& ctx, std::string_view email_or_phone) {
  if (auto s = NeedTable(ctx); !s.ok()) return s;
  auto subject = Subject(ctx, email_or_phone);
  if (!subject.ok()) return subject.status();
  auto key = Key(ctx, false);
  if (!key.ok()) return key.status();
  return key->empty() ? std::string() : Hash(*key, *subject);
}
}  // namespace

absl::StatusOr<bool> Unsuppress(model::Ctx& ctx, std::string_view email_or_phone) {
  auto entry = EntryOf(ctx, email_or_phone);
  if (!entry.ok()) return entry.status();
  if (entry->empty()) return false;
  return ctx.txn.Del(ctx.schema.suppressions, *entry);
}

namespace {
absl::StatusOr<bool> SubjectHeld(const model::Ctx& ctx, const std::string& subject) {
  if (ctx.schema.suppressions == model::kAbsentTable || subject.size() < 2) return false;
  auto key = Key(ctx, false);
  if (!key.ok()) return key.status();
  if (key->empty()) return false;
  return Held(ctx, *key, subject);
}
}  // namespace

absl::StatusOr<bool> IsSuppressed(const model::Ctx& ctx, std::string_view email_or_phone) {
  auto entry = EntryOf(ctx, email_or_phone);
  if (!entry.ok()) return entry.status();
  if (entry->empty()) return false;
  std::string_view value;
  auto held = ctx.txn.Get(ctx.schema.suppressions, *entry, &value);
  if (!held.ok() || *held) return held;
  // An address whose domain is suppressed is too.
  std::string t(email_or_phone);
  model::Trim(t);
  if (t.front() == '@' || t.find('@') == std::string::npos) return false;
  return SubjectHeld(ctx, DomainSubjectOf(t));
}

absl::StatusOr<bool> IsSuppressed(const model::Ctx& ctx, const Email& email) {
  auto held = SubjectHeld(ctx, SubjectOf(email));
  if (!held.ok() || *held) return held;
  return SubjectHeld(ctx, DomainSubjectOf(email.address));
}
absl::StatusOr<bool> IsSuppressed(const model::Ctx& ctx, const Phone& phone) {
  return SubjectHeld(ctx, SubjectOf(phone));
}

absl::Status SuppressAll(model::Ctx& ctx, const Customer& c, std::uint64_t erasure) {
  if (auto s = NeedTable(ctx); !s.ok()) return s;
  auto key = Key(ctx, true);
  if (!key.ok()) return key.status();
  for (const Email& e : c.emails)
    if (auto s = Put(ctx, *key, SubjectOf(e), erasure); !s.ok()) return s;
  for (const Phone& p : c.phones)
    if (const std::string subject = SubjectOf(p); subject.size() > 1)
      if (auto s = Put(ctx, *key, subject, erasure); !s.ok()) return s;
  return absl::OkStatus();
}

absl::Status CheckNotSuppressed(const model::Ctx& ctx, const Customer& c, const Customer* before) {
  if (ctx.schema.suppressions == model::kAbsentTable) return absl::OkStatus();
  if (c.emails.empty() && c.phones.empty()) return absl::OkStatus();
  auto key = Key(ctx, false);
  if (!key.ok()) return key.status();
  if (key->empty()) return absl::OkStatus();  // nothing was ever suppressed
  // Each value of a list ("emails", "phones") not already held by `before`, by its subject.
  const auto check = [&](const char* list, const auto& values, const auto& held_before, auto subject,
                         auto shown) -> absl::Status {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::string s = subject(values[i]);
      if (s.size() < 2) continue;  // no digits to match
      if (std::any_of(held_before.begin(), held_before.end(), [&](const auto& b) { return subject(b) == s; })) continue;
      auto held = Held(ctx, *key, s);
      if (!held.ok()) return held.status();
      if (*held)
        return SuppressedError(absl::StrCat(list, "[", i, "]: ", shown(values[i]),
                                            " is suppressed (its owner was erased or asked not to be contacted); "
                                            "Unsuppress it to capture it again"));
      if (s.front() != 'e') continue;
      const std::string domain = DomainSubjectOf(shown(values[i]));
      if (domain.size() < 2) continue;
      held = Held(ctx, *key, domain);
      if (!held.ok()) return held.status();
      if (*held)
        return SuppressedError(absl::StrCat(list, "[", i, "]: ", shown(values[i]), " is at a suppressed domain (@",
                                            domain.substr(1), "); Unsuppress the domain to capture it"));
    }
    return absl::OkStatus();
  };
  const Customer none;
  const Customer& was = before != nullptr ? *before : none;
  if (auto s = check(
          "emails", c.emails, was.emails, [](const Email& e) { return SubjectOf(e); },
          [](const Email& e) { return e.address; });
      !s.ok())
    return s;
  return check(
      "phones", c.phones, was.phones, [](const Phone& p) { return SubjectOf(p); },
      [](const Phone& p) { return p.number; });
}

}  // namespace crm::privacy
