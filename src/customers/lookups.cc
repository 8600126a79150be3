// Looking customers up by what identifies them: email, external id, domain, phone number.
#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "codec/key.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "customers/entries.h"
#include "text/phone.h"
#include "text/text.h"

namespace crm::customers {

namespace {
absl::StatusOr<Customer> FindUnique(const Ctx& ctx, storage::Table table, std::string_view key,
                                    std::string_view what) {
  std::string_view value;
  auto found = ctx.txn.Get(table, key, &value);
  if (!found.ok()) return found.status();
  if (!*found) return absl::NotFoundError(absl::StrCat("no customer has this ", Av(what)));
  if (value.size() != 8) return absl::DataLossError(absl::StrCat(Av(what), " index entry is damaged"));
  const CustomerId id = codec::GetBigEndian64(value.data());
  Customer c;
  auto loaded = Load(ctx, id, &c);
  if (!loaded.ok()) return loaded.status();
  if (!*loaded)
    return absl::DataLossError(absl::StrCat(Av(what), " index names customer ", id, ", which does not exist"));
  if (auto s = CheckReached(ctx, table, key, {}, true, c); !s.ok()) return s;
  return c;
}
}  // namespace

absl::StatusOr<Customer> FindByEmail(const Ctx& ctx, std::string_view email) {
  if (!text::IsValidUtf8(email)) return absl::InvalidArgumentError("email: is not valid UTF-8");
  return FindUnique(ctx, ctx.schema.customer_email, EmailKey(ctx, email), "email");
}

absl::StatusOr<Customer> FindByExternalId(const Ctx& ctx, std::string_view external_id) {
  if (external_id.empty()) return absl::InvalidArgumentError("external_id: must not be empty");
  return FindUnique(ctx, ctx.schema.customer_external, ExternalKey(ctx, external_id), "external id");
}

absl::StatusOr<std::vector<Customer>> FindByDomain(const Ctx& ctx, std::string_view domain) {
  if (!text::IsValidUtf8(domain)) return absl::InvalidArgumentError("domain: is not valid UTF-8");
  const std::string d = text::DomainOf(domain);
  if (d.empty()) return absl::InvalidArgumentError("domain: has no domain (such as acme.com)");
  if (ctx.schema.customer_domain == model::kAbsentTable)
    return absl::FailedPreconditionError("this file predates domains (opened read-only): open it writable once");
  std::vector<Customer> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.customer_domain, DomainPrefix(ctx, d), {},
                               [&](std::string_view key, std::string_view flags) -> absl::StatusOr<bool> {
                                 auto c = Get(ctx, IdAtEnd(key));
                                 if (!c.ok()) return c.status();
                                 if (auto st = CheckReached(ctx, ctx.schema.customer_domain, key, flags, false, *c); !st.ok())
                                   return st;
                                 out.push_back(*std::move(c));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<Customer>> FindByPhone(const Ctx& ctx, std::string_view phone) {
  const std::string digits = text::PhoneQueryKey(phone, ctx.phone_region);
  if (digits.empty()) return absl::InvalidArgumentError("phone: has no digits");
  const std::string reversed = Reversed(digits);
  std::map<CustomerId, std::pair<std::string, std::string>> ids;  // id -> the entry that found it
  auto cursor = storage::Cursor::Open(ctx.txn, ctx.schema.customer_phone);
  if (!cursor.ok()) return cursor.status();
  const auto collect = [&](std::string_view prefix) {
    return storage::ScanPrefix(*cursor, prefix, {},
                               [&](std::string_view key, std::string_view flags) -> absl::StatusOr<bool> {
                                 ids.try_emplace(IdAtEnd(key), std::string(key), std::string(flags));
                                 return true;
                               });
  };
  const bool sealed = ctx.sealing != nullptr;
  if (sealed) {
    // Candidates sharing the last digits; their records say which match.
    if (auto s = collect(HashedPhonePrefix(ctx, digits)); !s.ok()) return s;
  } else if (digits.size() < kMinSuffixDigits) {
    // A short number matches only itself.
    if (auto s = collect(codec::KeyBuilder().Str(reversed).Take()); !s.ok()) return s;
  } else {
    // One pass over the numbers ending with the same last kMinSuffixDigits digits (keys hold the
    // digits reversed): the same number, the same number with a country code (it ends with
    // `phone`), and stored national numbers that `phone`, given with its country code, ends with.
    const std::string_view wanted(reversed);
    if (auto s = storage::ScanPrefix(
            *cursor, codec::KeyBuilder().StrPrefix(wanted.substr(0, kMinSuffixDigits)).Take(), {},
            [&](std::string_view key, std::string_view flags) -> absl::StatusOr<bool> {
              const std::optional<std::string> stored = codec::KeyReader(key).Str();
              if (stored.has_value() && (stored->starts_with(wanted) || wanted.starts_with(*stored)))
                ids.try_emplace(IdAtEnd(key), std::string(key), std::string(flags));
              return true;
            });
        !s.ok())
      return s;
  }
  std::vector<Customer> out;
  out.reserve(ids.size());
  for (const auto& [id, entry] : ids) {
    auto c = Get(ctx, id);
    if (!c.ok()) return c.status();
    if (auto s = CheckReached(ctx, ctx.schema.customer_phone, entry.first, entry.second, false, *c); !s.ok()) return s;
    if (sealed && std::none_of(c->phones.begin(), c->phones.end(),
                               [&](const Phone& p) { return PhoneMatches(text::PhoneKey(p), digits); }))
      continue;
    out.push_back(*std::move(c));
  }
  return out;
}

}  // namespace crm::customers
