#include "privacy/privacy.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "changes/changes.h"
#include "codec/envelope.h"
#include "codec/key.h"
#include "customers/customers.h"
#include "imports/jobs.h"
#include "model/records.h"
#include "model/sealing.h"
#include "model/serialize.h"
#include "opportunities/opportunities.h"
#include "tickets/tickets.h"
#include "privacy/suppression.h"
#include "relations/relations.h"

namespace crm::privacy {
namespace {

// The length of the UTF-8 sequence starting with `lead` (1 for a stray continuation byte).
std::size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// The first character of `s` (whole, if it takes several bytes).
std::string_view FirstChar(std::string_view s) {
  if (s.empty()) return s;
  return s.substr(0, std::min(s.size(), SequenceLength(static_cast<unsigned char>(s[0]))));
}

// The number of characters of `s`.
std::size_t Chars(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); i += SequenceLength(static_cast<unsigned char>(s[i]))) ++n;
  return n;
}

void AddMasked(std::vector<std::string>& out, std::string masked) {
  if (masked.empty() || std::find(out.begin(), out.end(), masked) != out.end()) return;
  out.push_back(std::move(masked));
}

std::vector<std::string> MaskedIdentifiers(const Customer& c) {
  std::vector<std::string> out;
  std::string words;
  for (std::string_view name : {std::string_view(c.display_name), std::string_view(c.given_name),
                                std::string_view(c.family_name)}) {
    std::size_t at = 0;
    while (at < name.size()) {
      const std::size_t end = std::min(name.find(' ', at), name.size());
      if (end > at) {
        const std::string w = MaskWord(name.substr(at, end - at));
        if (words.find(w) == std::string::npos) absl::StrAppend(&words, words.empty() ? "" : " ", w);
      }
      at = end + 1;
    }
  }
  AddMasked(out, words);
  for (const Email& e : c.emails) AddMasked(out, MaskEmail(e.address));
  for (const Phone& p : c.phones) AddMasked(out, MaskPhone(p.e164.empty() ? p.number : p.e164));
  return out;
}

absl::StatusOr<Erasure> LoadErasure(std::uint64_t seq, std::string_view value) {
  Erasure e;
  if (auto s = codec::Decode(value, codec::RecordType::kErasure, {"erasure", seq}, e); !s.ok()) return s;
  if (e.seq != seq) return absl::DataLossError(absl::StrCat("erasure ", seq, ": the stored entry holds another number"));
  return e;
}

absl::Status NeedLog(const model::Ctx& ctx) {
  if (ctx.schema.erasures == model::kAbsentTable)
    return absl::FailedPreconditionError("erasures: this database predates the erasure log (open it writable once to upgrade it)");
  return absl::OkStatus();
}

}  // namespace

std::string MaskWord(std::string_view word) {
  if (word.empty()) return {};
  return std::string(FirstChar(word)) + "***";
}

std::string MaskEmail(std::string_view email) {
  const std::size_t at = email.rfind('@');
  if (at == std::string_view::npos) return MaskWord(email);
  std::string out = std::string(FirstChar(email.substr(0, at))) + "***@";
  const std::string_view domain = email.substr(at + 1);
  const std::size_t tld = domain.rfind('.');
  const std::string_view labels = tld == std::string_view::npos ? domain : domain.substr(0, tld);
  std::size_t from = 0;
  while (from <= labels.size()) {
    const std::size_t end = std::min(labels.find('.', from), labels.size());
    const std::string_view label = labels.substr(from, end - from);
    if (!label.empty()) out.append(FirstChar(label)).append(Chars(label) - 1, '*');
    if (end < labels.size()) out.push_back('.');
    from = end + 1;
  }
  if (tld != std::string_view::npos) out.append(domain.substr(tld));
  return out;
}

std::string MaskPhone(std::string_view phone) {
  std::string digits;
  for (char ch : phone)
    if (ch >= '0' && ch <= '9') digits.push_back(ch);
  if (digits.empty()) return {};
  const std::size_t keep = std::min<std::size_t>(2, digits.size());
  return std::string(digits.size() - keep, '*') + digits.substr(digits.size() - keep);
}

absl::StatusOr<Erasure> EraseCustomer(model::Ctx& ctx, std::uint64_t id, const EraseOptions& options) {
  if (auto s = NeedLog(ctx); !s.ok()) return s;
  auto customer = customers::Get(ctx, id);
  if (!customer.ok()) return customer.status();
  auto interactions = model::IdsWithPrefix(ctx, ctx.schema.interactions, codec::EncodeU64(id));
  if (!interactions.ok()) return interactions.status();
  auto deals = opportunities::OfCustomer(ctx, id);
  if (!deals.ok()) return deals.status();
  auto tickets = tickets::IdsOf(ctx, id);
  if (!tickets.ok()) return tickets.status();

  Erasure e;
  e.customer = id;
  e.actor = std::string(ctx.actor);
  e.at = ctx.now;
  e.masked = MaskedIdentifiers(*customer);
  e.interactions = interactions->size();
  // From here on records are being changed: a failure dooms the transaction.
  if (options.keep_deals) {
    for (std::uint64_t deal : *deals)
      if (auto s = opportunities::Anonymize(ctx, deal, id); !s.ok()) return s;
    e.deals_kept = deals->size();
  } else {
    e.deals_erased = deals->size();
  }
  if (auto s = relations::DeleteCustomer(ctx, id, /*cascade=*/true); !s.ok()) return s;
  // Every change of the erased records loses its values: the customer, its interactions and its
  // deals (kept ones too: their earlier values named the customer).
  const auto redact = [&](EntityType entity, std::uint64_t record) -> absl::Status {
    auto n = changes::Redact(ctx, entity, record);
    if (!n.ok()) return n.status();
    e.changes_redacted += *n;
    return absl::OkStatus();
  };
  if (auto s = redact(EntityType::kCustomer, id); !s.ok()) return s;
  for (std::uint64_t i : *interactions)
    if (auto s = redact(EntityType::kInteraction, i); !s.ok()) return s;
  for (std::uint64_t deal : *deals)
    if (auto s = redact(EntityType::kOpportunity, deal); !s.ok()) return s;
  for (std::uint64_t t : *tickets)
    if (auto s = redact(EntityType::kTicket, t); !s.ok()) return s;
  if (auto s = changes::Record(ctx, EntityType::kCustomer, id, ChangeOp::kErase, {}, {}); !s.ok()) return s;
  auto seq = changes::LastSeq(ctx);
  if (!seq.ok()) return seq.status();
  e.seq = *seq;
  if (options.suppress)
    if (auto s = SuppressAll(ctx, *customer, e.seq); !s.ok()) return s;
  // What import jobs kept to revert their changes of the customer (its values before them).
  if (auto s = imports::ForgetCustomer(ctx, id); !s.ok()) return s;
  // Crypto-shredding: every sealed copy of the customer's values (free pages, backups) becomes
  // unreadable with its data key.
  if (ctx.sealing != nullptr)
    if (auto s = ctx.sealing->Destroy(id); !s.ok()) return s;
  std::string value;
  codec::Encode(codec::RecordType::kErasure, e, value);
  if (auto s = ctx.txn.Put(ctx.schema.erasures, codec::EncodeU64(e.seq), value); !s.ok()) return s;
  return e;
}

absl::StatusOr<std::vector<Erasure>> ListErasures(const model::Ctx& ctx, std::uint64_t from_seq, std::size_t limit) {
  if (limit < 1 || limit > 1000) return absl::InvalidArgumentError("limit: must be 1 to 1000");
  if (auto s = NeedLog(ctx); !s.ok()) return s;
  std::vector<Erasure> out;
  auto s = storage::ScanRange(ctx.txn, ctx.schema.erasures, codec::EncodeU64(from_seq), {}, {}, false,
                              [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                if (key.size() != 8) return absl::DataLossError("erasure log: a key is damaged");
                                auto e = LoadErasure(codec::GetBigEndian64(key.data()), value);
                                if (!e.ok()) return e.status();
                                out.push_back(*std::move(e));
                                return out.size() < limit;
                              });
  if (!s.ok()) return s;
  return out;
}

}  // namespace crm::privacy
