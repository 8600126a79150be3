#include "consent/consent.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "changes/changes.h"
#include "common/strings.h"
#include "consent/records.h"
#include "customers/customers.h"
#include "model/validation.h"
#include "privacy/suppression.h"

namespace crm {

std::string_view ContactChannelName(ContactChannel channel) {
  switch (channel) {
    case ContactChannel::kEmail: return "email";
    case ContactChannel::kPhone: return "phone";
    case ContactChannel::kSms: return "sms";
    case ContactChannel::kPost: return "post";
    case ContactChannel::kAny: return "any";
  }
  return "unknown";
}

std::optional<ContactChannel> ParseContactChannel(std::string_view name) {
  for (auto c : {ContactChannel::kEmail, ContactChannel::kPhone, ContactChannel::kSms, ContactChannel::kPost,
                 ContactChannel::kAny})
    if (ContactChannelName(c) == name) return c;
  return std::nullopt;
}

std::string_view ConsentSourceName(ConsentSource source) {
  switch (source) {
    case ConsentSource::kForm: return "form";
    case ConsentSource::kImport: return "import";
    case ConsentSource::kCall: return "call";
    case ConsentSource::kApi: return "api";
  }
  return "unknown";
}

std::optional<ConsentSource> ParseConsentSource(std::string_view name) {
  for (auto s : {ConsentSource::kForm, ConsentSource::kImport, ConsentSource::kCall, ConsentSource::kApi})
    if (ConsentSourceName(s) == name) return s;
  return std::nullopt;
}

std::string_view ContactVerdictName(ContactVerdict verdict) {
  switch (verdict) {
    case ContactVerdict::kAllowed: return "allowed";
    case ContactVerdict::kNoConsent: return "no_consent";
    case ContactVerdict::kWithdrawn: return "withdrawn";
    case ContactVerdict::kNotYetValid: return "not_yet_valid";
    case ContactVerdict::kExpired: return "expired";
    case ContactVerdict::kDoNotCall: return "do_not_call";
    case ContactVerdict::kSuppressed: return "suppressed";
    case ContactVerdict::kNoAddress: return "no_address";
  }
  return "unknown";
}

}  // namespace crm

namespace crm::consent {
namespace {

absl::Status CheckChannel(ContactChannel channel) {
  const auto c = static_cast<int>(channel);
  if (c < 1 || c > 5) return model::Invalid("channel", "is not a known channel (email, phone, sms, post, any)");
  return absl::OkStatus();
}

// `at`, or the transaction's time when 0.
absl::StatusOr<Timestamp> TimeAsked(const model::Ctx& ctx, Timestamp at) {
  if (at == 0) return ctx.now;
  if (auto s = model::CheckTime("at", at); !s.ok()) return s;
  return at;
}

// Sets the customer's email opt-in from the current ("marketing", email) record.
absl::Status SetOptIn(model::Ctx& ctx, const ConsentRecord& r) {
  auto c = customers::Get(ctx, r.customer);
  if (!c.ok()) return c.status();
  Consent want = c->consent;
  want.email_opt_in = r.granted;
  want.email_legal_basis = r.granted ? r.legal_basis : LegalBasis::kNone;
  want.email_opt_in_at = r.granted ? r.captured_at : 0;
  if (want == c->consent) return absl::OkStatus();
  c->consent = want;
  return customers::Update(ctx, *std::move(c)).status();
}

ContactDecision Decide(ContactVerdict verdict, std::string reason, std::uint64_t record = 0) {
  return ContactDecision{verdict == ContactVerdict::kAllowed, verdict, std::move(reason), record};
}

}  // namespace

absl::StatusOr<ConsentRecord> Record(model::Ctx& ctx, ConsentRecord r) {
  if (auto s = Normalize(ctx, r); !s.ok()) return s;
  auto customer = customers::Get(ctx, r.customer);
  if (!customer.ok()) return customer.status();
  auto stored = Append(ctx, std::move(r));
  if (!stored.ok()) return stored;
  if (stored->purpose == kEmailMarketing && stored->channel == ContactChannel::kEmail) {
    auto latest = Latest(ctx, stored->customer, kEmailMarketing, ContactChannel::kEmail, ctx.now);
    if (!latest.ok()) return latest.status();
    if (latest->has_value() && (*latest)->id == stored->id)
      if (auto s = SetOptIn(ctx, *stored); !s.ok()) return s;
  }
  return stored;
}

absl::StatusOr<ConsentRecord> Confirm(model::Ctx& ctx, CustomerId customer, ContactChannel channel,
                                      std::string_view purpose, Timestamp at) {
  if (auto s = CheckChannel(channel); !s.ok()) return s;
  auto when = TimeAsked(ctx, at);
  if (!when.ok()) return when.status();
  if (*when > ctx.now) return model::Invalid("at", "is in the future");
  auto c = customers::Get(ctx, customer);
  if (!c.ok()) return c.status();
  const std::string folded = FoldPurpose(purpose);
  auto latest = Latest(ctx, customer, folded, channel, ctx.now);
  if (!latest.ok()) return latest.status();
  const std::string what =
      absl::StrCat("customer ", customer, "'s consent to ", folded, " by ", Av(ContactChannelName(channel)));
  if (!latest->has_value()) return absl::FailedPreconditionError(absl::StrCat(what, ": none is recorded to confirm"));
  ConsentRecord r = **latest;
  if (!r.granted) return absl::FailedPreconditionError(absl::StrCat(what, ": it was withdrawn (consent record ", r.id, ")"));
  if (r.confirmed_at != 0)
    return absl::FailedPreconditionError(
        absl::StrCat(what, ": already confirmed at ", changes::TimeText(r.confirmed_at), " (consent record ", r.id, ")"));
  if (*when < r.captured_at) return model::Invalid("at", "is before the grant it confirms was captured");
  if (r.valid_from == 0) r.valid_from = r.captured_at;
  r.captured_at = *when;
  r.confirmed_at = *when;
  r.evidence = absl::StrCat("double opt-in: confirms consent record ", r.id);
  return Record(ctx, std::move(r));
}

absl::StatusOr<std::vector<ConsentRecord>> History(const model::Ctx& ctx, CustomerId customer) {
  if (auto c = customers::Get(ctx, customer); !c.ok()) return c.status();
  auto all = OfCustomer(ctx, customer);
  if (!all.ok()) return all;
  std::stable_sort(all->begin(), all->end(), [](const ConsentRecord& a, const ConsentRecord& b) {
    return std::pair(a.captured_at, a.id) < std::pair(b.captured_at, b.id);
  });
  return all;
}

absl::StatusOr<std::vector<ConsentRecord>> Current(const model::Ctx& ctx, CustomerId customer, Timestamp at) {
  auto when = TimeAsked(ctx, at);
  if (!when.ok()) return when.status();
  if (auto c = customers::Get(ctx, customer); !c.ok()) return c.status();
  auto all = OfCustomer(ctx, customer);  // by purpose, channel, then time: the last of a run wins
  if (!all.ok()) return all;
  std::vector<ConsentRecord> out;
  for (ConsentRecord& r : *all) {
    if (r.captured_at > *when) continue;
    if (!out.empty() && out.back().purpose == r.purpose && out.back().channel == r.channel)
      out.back() = std::move(r);
    else
      out.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<ContactDecision> CanContact(const model::Ctx& ctx, CustomerId customer, ContactChannel channel,
                                           std::string_view purpose, Timestamp at) {
  if (auto s = CheckChannel(channel); !s.ok()) return s;
  auto when = TimeAsked(ctx, at);
  if (!when.ok()) return when.status();
  const std::string folded = FoldPurpose(purpose);
  if (folded.empty()) return model::Invalid("purpose", "must not be empty");
  auto c = customers::Get(ctx, customer);
  if (!c.ok()) return c.status();
  const std::string_view by = ContactChannelName(channel);

  // An address on the channel, and one that is not suppressed.
  const auto reachable = [&](const auto& list, const char* noun) -> absl::StatusOr<std::optional<ContactDecision>> {
    if (list.empty())
      return Decide(ContactVerdict::kNoAddress, absl::StrCat("customer ", customer, " has no ", noun));
    for (const auto& item : list) {
      auto held = privacy::IsSuppressed(ctx, item);
      if (!held.ok()) return held.status();
      if (!*held) return std::optional<ContactDecision>();
    }
    return Decide(ContactVerdict::kSuppressed,
                  absl::StrCat("every ", noun, " of customer ", customer, " is suppressed"));
  };
  std::optional<ContactDecision> refused;
  if (channel == ContactChannel::kEmail || channel == ContactChannel::kPhone || channel == ContactChannel::kSms) {
    auto r = channel == ContactChannel::kEmail ? reachable(c->emails, "email address")
                                               : reachable(c->phones, "phone number");
    if (!r.ok()) return r.status();
    refused = *r;
  } else if (channel == ContactChannel::kPost) {
    const PostalAddress& a = c->address;
    if (a.street.empty() && a.city.empty() && a.postal_code.empty())
      refused = Decide(ContactVerdict::kNoAddress, absl::StrCat("customer ", customer, " has no postal address"));
  }
  if (refused) return *refused;
  if ((channel == ContactChannel::kPhone || channel == ContactChannel::kSms) && c->consent.do_not_call)
    return Decide(ContactVerdict::kDoNotCall, absl::StrCat("customer ", customer, " is marked do_not_call"));

  auto latest = Latest(ctx, customer, folded, channel, *when);
  if (!latest.ok()) return latest.status();
  if (!latest->has_value() && channel != ContactChannel::kAny) {
    latest = Latest(ctx, customer, folded, ContactChannel::kAny, *when);
    if (!latest.ok()) return latest.status();
  }
  if (!latest->has_value())
    return Decide(ContactVerdict::kNoConsent,
                  absl::StrCat("no consent of customer ", customer, " to ", folded, " by ", Av(by), " is recorded"));
  const ConsentRecord& r = **latest;
  const std::string which = absl::StrCat(" (consent record ", r.id, ")");
  if (!r.granted)
    return Decide(ContactVerdict::kWithdrawn,
                  absl::StrCat("consent to ", folded, " was withdrawn at ", changes::TimeText(r.captured_at), which), r.id);
  const Timestamp from = r.valid_from != 0 ? r.valid_from : r.captured_at;
  if (*when < from)
    return Decide(ContactVerdict::kNotYetValid,
                  absl::StrCat("consent to ", folded, " holds from ", changes::TimeText(from), which), r.id);
  if (r.valid_to != 0 && *when >= r.valid_to)
    return Decide(ContactVerdict::kExpired,
                  absl::StrCat("consent to ", folded, " ended at ", changes::TimeText(r.valid_to), which), r.id);
  return Decide(ContactVerdict::kAllowed,
                absl::StrCat("consent to ", folded, " by ", Av(ContactChannelName(r.channel)), " was granted at ",
                             changes::TimeText(r.captured_at), " (", Av(LegalBasisName(r.legal_basis)), ", ",
                             Av(ConsentSourceName(r.source)), ")",
                             r.confirmed_at != 0 ? absl::StrCat(", confirmed at ", changes::TimeText(r.confirmed_at)) : "",
                             which),
                r.id);
}

}  // namespace crm::consent
