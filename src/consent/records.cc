#include "consent/records.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "changes/changes.h"
#include "codec/envelope.h"
#include "codec/key.h"
#include "common/errors.h"
#include "common/strings.h"
#include "model/sealing.h"
#include "model/serialize.h"
#include "model/validation.h"

namespace crm::consent {
namespace {

constexpr char kSequence[] = "consent";
constexpr std::size_t kMaxPurpose = 64;
constexpr std::size_t kMaxEvidence = 1000;

absl::Status NeedTable(const model::Ctx& ctx) {
  if (ctx.schema.consents == model::kAbsentTable)
    return absl::FailedPreconditionError("consents: this database predates them (open it writable once to upgrade it)");
  return absl::OkStatus();
}

std::string PairPrefix(CustomerId customer, std::string_view purpose, ContactChannel channel) {
  return codec::KeyBuilder().U64(customer).Str(purpose).U8(static_cast<std::uint8_t>(channel)).Take();
}

std::string KeyOf(const ConsentRecord& r) {
  return codec::KeyBuilder()
      .U64(r.customer)
      .Str(r.purpose)
      .U8(static_cast<std::uint8_t>(r.channel))
      .I64(r.captured_at)
      .U64(r.id)
      .Take();
}

absl::StatusOr<ConsentRecord> Load(const model::Ctx& ctx, std::string_view key, std::string_view value) {
  codec::KeyReader reader(key);
  const auto customer = reader.U64();
  ConsentRecord r;
  if (auto s = codec::Decode(value, codec::RecordType::kConsent, {"consent of customer", customer.value_or(0)}, r,
                                ctx.sealing);
      !s.ok())
    return s;
  if (KeyOf(r) != key)
    return absl::DataLossError(absl::StrCat("consent ", r.id, " of customer ", r.customer,
                                            ": the stored record does not match its key"));
  return r;
}

}  // namespace

std::string FoldPurpose(std::string_view purpose) {
  std::string out(purpose);
  model::Trim(out);
  for (char& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

absl::Status Normalize(const model::Ctx& ctx, ConsentRecord& r) {
  using model::Invalid;
  if (r.customer == 0) return Invalid("customer", "a consent record needs the id of its customer");
  r.purpose = FoldPurpose(r.purpose);
  if (r.purpose.empty()) return Invalid("purpose", "must not be empty");
  if (r.purpose.size() > kMaxPurpose) return Invalid("purpose", absl::StrCat("is longer than ", kMaxPurpose, " characters"));
  for (char ch : r.purpose) {
    const bool fits = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.';
    if (!fits) return Invalid("purpose", "may hold only letters a-z, digits, '_', '-' and '.'");
  }
  const auto channel = static_cast<int>(r.channel);
  if (channel < 1 || channel > 5) return Invalid("channel", "is not a known channel (email, phone, sms, post, any)");
  const auto basis = static_cast<int>(r.legal_basis);
  if (basis < 0 || basis > 6) return Invalid("legal_basis", "is not a known legal basis");
  const auto source = static_cast<int>(r.source);
  if (source < 1 || source > 4) return Invalid("source", "is not a known source (form, import, call, api)");
  if (r.captured_at == 0) r.captured_at = ctx.now;
  if (auto s = model::CheckTime("captured_at", r.captured_at); !s.ok()) return s;
  if (r.captured_at > ctx.now) return Invalid("captured_at", "is in the future");
  if (auto s = model::CheckText("evidence", r.evidence, kMaxEvidence); !s.ok()) return s;
  if (!r.granted) {
    if (r.legal_basis != LegalBasis::kNone) return Invalid("legal_basis", "a withdrawal has no legal basis");
    if (r.valid_from != 0 || r.valid_to != 0) return Invalid("valid_from", "a withdrawal has no period of validity");
    if (r.confirmed_at != 0) return Invalid("confirmed_at", "a withdrawal is not confirmed");
    return absl::OkStatus();
  }
  if (r.legal_basis == LegalBasis::kNone) return Invalid("legal_basis", "a grant needs a legal basis");
  if (auto s = model::CheckTime("valid_from", r.valid_from); !s.ok()) return s;
  if (auto s = model::CheckTime("valid_to", r.valid_to); !s.ok()) return s;
  const Timestamp from = r.valid_from != 0 ? r.valid_from : r.captured_at;
  if (r.valid_to != 0 && r.valid_to <= from)
    return Invalid("valid_to", r.valid_from != 0 ? "is not after valid_from" : "is not after captured_at");
  if (auto s = model::CheckTime("confirmed_at", r.confirmed_at); !s.ok()) return s;
  if (r.confirmed_at != 0 && r.confirmed_at > ctx.now) return Invalid("confirmed_at", "is in the future");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ConsentRecord>> OfCustomer(const model::Ctx& ctx, CustomerId customer) {
  std::vector<ConsentRecord> out;
  if (ctx.schema.consents == model::kAbsentTable) return out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.consents, codec::EncodeU64(customer), {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 auto r = Load(ctx, key, value);
                                 if (!r.ok()) return r.status();
                                 out.push_back(*std::move(r));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::optional<ConsentRecord>> Latest(const model::Ctx& ctx, CustomerId customer,
                                                    std::string_view purpose, ContactChannel channel, Timestamp at) {
  std::optional<ConsentRecord> out;
  if (ctx.schema.consents == model::kAbsentTable) return out;
  // Keys order a pair's records by captured_at, then id: the last one captured by `at` wins.
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.consents, PairPrefix(customer, purpose, channel), {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 auto r = Load(ctx, key, value);
                                 if (!r.ok()) return r.status();
                                 if (r->captured_at > at) return false;
                                 out = *std::move(r);
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<ConsentRecord> Append(model::Ctx& ctx, ConsentRecord r) {
  if (auto s = NeedTable(ctx); !s.ok()) return s;
  if (r.granted && r.source == ConsentSource::kImport) {
    auto latest = Latest(ctx, r.customer, r.purpose, r.channel, r.captured_at);
    if (!latest.ok()) return latest.status();
    if (latest->has_value() && !(*latest)->granted)
      return ConsentWithdrawnError(absl::StrCat(
          "customer ", r.customer, " withdrew consent to ", r.purpose, " by ", Av(ContactChannelName(r.channel)),
          " at ", changes::TimeText((*latest)->captured_at), " (consent record ", (*latest)->id,
          "); an import cannot grant it again: record an explicit grant (source form, call or api)"));
  }
  auto id = model::NextId(ctx, kSequence);
  if (!id.ok()) return id.status();
  r.id = *id;
  r.recorded_at = ctx.now;
  r.actor = std::string(ctx.actor);
  std::string value;
  if (auto s = codec::Encode(codec::RecordType::kConsent, r, r.customer, r.customer, ctx.sealing, value); !s.ok())
    return s;
  if (auto s = ctx.txn.Put(ctx.schema.consents, KeyOf(r), value); !s.ok()) return s;
  return r;
}

absl::Status MirrorOptIn(model::Ctx& ctx, const Customer* before, const Customer& after) {
  const Consent none;
  const Consent& was = before != nullptr ? before->consent : none;
  const Consent& now = after.consent;
  const bool changed = was.email_opt_in != now.email_opt_in ||
                       (now.email_opt_in && was.email_legal_basis != now.email_legal_basis);
  if (!changed || ctx.schema.consents == model::kAbsentTable) return absl::OkStatus();
  auto latest = Latest(ctx, after.id, kEmailMarketing, ContactChannel::kEmail, ctx.now);
  if (!latest.ok()) return latest.status();
  // Already the current record (a consent record set the flag): nothing more to record.
  if (latest->has_value() && (*latest)->granted == now.email_opt_in &&
      (!now.email_opt_in || (*latest)->legal_basis == now.email_legal_basis))
    return absl::OkStatus();
  ConsentRecord r;
  r.customer = after.id;
  r.purpose = std::string(kEmailMarketing);
  r.channel = ContactChannel::kEmail;
  r.granted = now.email_opt_in;
  r.legal_basis = now.email_opt_in ? now.email_legal_basis : LegalBasis::kNone;
  r.source = ctx.importing ? ConsentSource::kImport : ConsentSource::kApi;
  // An import keeps the time the other system recorded; otherwise the grant is made now, so it
  // follows (and overrides) whatever was recorded before.
  r.captured_at = now.email_opt_in && ctx.importing && now.email_opt_in_at != 0 ? std::min(now.email_opt_in_at, ctx.now)
                                                                                 : ctx.now;
  r.evidence = now.email_opt_in ? "the customer's consent.email_opt_in was set" : "the customer's consent.email_opt_in was cleared";
  // The flag is the current state: an import may not turn it on over a withdrawal, whenever the
  // grant it brings was given.
  if (r.granted && ctx.importing && latest->has_value() && !(*latest)->granted)
    return ConsentWithdrawnError(absl::StrCat(
        "consent.email_opt_in: customer ", r.customer, " withdrew consent to marketing by email at ",
        changes::TimeText((*latest)->captured_at), " (consent record ", (*latest)->id,
        "); an import cannot opt them in again: record an explicit grant (source form, call or api)"));
  return Append(ctx, std::move(r)).status();
}

absl::Status DeleteAllOf(model::Ctx& ctx, CustomerId customer) {
  if (ctx.schema.consents == model::kAbsentTable) return absl::OkStatus();
  std::vector<std::string> keys;  // read first: no writes during a scan
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.consents, codec::EncodeU64(customer), {},
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 keys.emplace_back(key);
                                 return true;
                               });
  if (!s.ok()) return s;
  for (const std::string& key : keys)
    if (auto d = ctx.txn.Del(ctx.schema.consents, key); !d.ok()) return d.status();
  return absl::OkStatus();
}

absl::StatusOr<bool> Has(const model::Ctx& ctx, const ConsentRecord& r) {
  if (ctx.schema.consents == model::kAbsentTable) return false;
  std::string_view v;
  return ctx.txn.Get(ctx.schema.consents, KeyOf(r), &v);
}

absl::StatusOr<ConsentRecord> Move(model::Ctx& ctx, const ConsentRecord& r, CustomerId to) {
  ConsentRecord moved = r;
  moved.customer = to;
  std::string value;
  if (auto s = codec::Encode(codec::RecordType::kConsent, moved, moved.customer, moved.customer, ctx.sealing, value);
      !s.ok())
    return s;
  if (auto d = ctx.txn.Del(ctx.schema.consents, KeyOf(r)); !d.ok()) return d.status();
  if (auto s = ctx.txn.Put(ctx.schema.consents, KeyOf(moved), value); !s.ok()) return s;
  return moved;
}

}  // namespace crm::consent
