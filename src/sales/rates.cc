// Exchange rates and conversion into a reporting currency (sales/rates.h).
#include "sales/rates.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "codec/key.h"
#include "common/strings.h"
#include "model/validation.h"
#include "storage/lmdb.h"

namespace crm {

absl::StatusOr<std::int64_t> ExchangeRate::ParseRate(std::string_view text) {
  const auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "rate: '", Av(text), "' is not a rate (a decimal more than 0 with at most 9 places, as 1.0834)"));
  };
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view places = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || places.size() > 9 || (dot != std::string_view::npos && places.empty()))
    return bad();
  std::int64_t v = 0;
  for (char c : whole) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return bad();
    v = v * 10 + (c - '0');
  }
  for (std::size_t i = 0; i < 9; ++i) {
    const char c = i < places.size() ? places[i] : '0';
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return bad();
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return bad();
  return v;
}

std::string ExchangeRate::RateText() const {
  std::string places = std::to_string(billionths % 1'000'000'000);
  places.insert(0, 9 - places.size(), '0');
  while (!places.empty() && places.back() == '0') places.pop_back();
  return absl::StrCat(billionths / 1'000'000'000, places.empty() ? "" : ".", places);
}

namespace sales {
namespace {

std::string RateKey(std::string_view from, std::string_view to, Timestamp effective) {
  return codec::KeyBuilder().Str(from).Str(to).I64(effective).Take();
}

absl::Status NeedTable(const model::Ctx& ctx) {
  if (ctx.schema.exchange_rates == model::kAbsentTable)
    return absl::FailedPreconditionError("exchange rates: this file predates them (schema 12); open it writable to upgrade it");
  return absl::OkStatus();
}

absl::Status CheckCurrency(const char* field, std::string_view code) {
  if (!CurrencyMinorDigits(code))
    return model::Invalid(field, absl::StrCat("'", Av(code), "' is not an ISO 4217 currency code this library knows"));
  return absl::OkStatus();
}

std::string Day(Timestamp at) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixMicros(at), absl::UTCTimeZone());
}

// Calls fn(rate) for each entry under `prefix`.
absl::Status EachRate(const model::Ctx& ctx, std::string_view prefix,
                      absl::FunctionRef<void(const ExchangeRate&)> fn) {
  return storage::ScanPrefix(ctx.txn, ctx.schema.exchange_rates, prefix, {},
                             [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                               codec::KeyReader r(key);
                               auto from = r.Str();
                               auto to = r.Str();
                               auto effective = r.I64();
                               if (!from || !to || !effective || !r.done() || value.size() != 16)
                                 return absl::DataLossError("exchange rates: a damaged entry");
                               const auto billionths = static_cast<std::int64_t>(codec::GetBigEndian64(value.data()));
                               if (billionths <= 0) return absl::DataLossError("exchange rates: a damaged rate");
                               fn(ExchangeRate{*std::move(from), *std::move(to), *effective, billionths,
                                               static_cast<Timestamp>(codec::GetBigEndian64(value.data() + 8))});
                               return true;
                             });
}

}  // namespace

absl::StatusOr<ExchangeRate> SetExchangeRate(model::Ctx& ctx, ExchangeRate r) {
  if (auto s = NeedTable(ctx); !s.ok()) return s;
  r.from = absl::AsciiStrToUpper(Av(r.from));
  r.to = absl::AsciiStrToUpper(Av(r.to));
  if (auto s = CheckCurrency("from", r.from); !s.ok()) return s;
  if (auto s = CheckCurrency("to", r.to); !s.ok()) return s;
  if (r.from == r.to) return model::Invalid("to", "must differ from from");
  if (auto s = model::CheckTime("effective", r.effective); !s.ok()) return s;
  if (r.billionths <= 0) return model::Invalid("billionths", "a rate must be more than 0");
  r.updated_at = ctx.now;
  std::string value(16, '\0');
  codec::PutBigEndian64(value.data(), static_cast<std::uint64_t>(r.billionths));
  codec::PutBigEndian64(value.data() + 8, static_cast<std::uint64_t>(r.updated_at));
  if (auto s = ctx.txn.Put(ctx.schema.exchange_rates, RateKey(r.from, r.to, r.effective), value); !s.ok()) return s;
  return r;
}

absl::Status DeleteExchangeRate(model::Ctx& ctx, std::string_view from, std::string_view to, Timestamp effective) {
  if (auto s = NeedTable(ctx); !s.ok()) return s;
  const std::string f = absl::AsciiStrToUpper(Av(from)), t = absl::AsciiStrToUpper(Av(to));
  const std::string key = RateKey(f, t, effective);
  std::string_view stored;
  auto found = ctx.txn.Get(ctx.schema.exchange_rates, key, &stored);  // before writing: a failed
  if (!found.ok()) return found.status();                               // delete leaves the
  if (!*found)                                                          // transaction usable
    return absl::NotFoundError(absl::StrCat("no exchange rate from ", f, " to ", t, " effective at ", effective));
  return ctx.txn.Del(ctx.schema.exchange_rates, key).status();
}

absl::StatusOr<std::vector<ExchangeRate>> ListExchangeRates(const model::Ctx& ctx, std::string_view from,
                                                            std::string_view to) {
  if (auto s = NeedTable(ctx); !s.ok()) return s;
  const std::string f = absl::AsciiStrToUpper(Av(from)), t = absl::AsciiStrToUpper(Av(to));
  std::vector<ExchangeRate> out;
  const std::string prefix = f.empty() ? std::string() : codec::KeyBuilder().Str(f).Take();
  auto s = EachRate(ctx, prefix, [&](const ExchangeRate& r) {
    if (t.empty() || r.to == t) out.push_back(r);
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<Converter> Converter::Load(const model::Ctx& ctx, std::string_view to) {
  Converter c;
  c.to_ = absl::AsciiStrToUpper(Av(to));
  if (auto s = CheckCurrency("currency", c.to_); !s.ok()) return s;
  if (auto s = NeedTable(ctx); !s.ok()) return s;
  auto s = EachRate(ctx, {}, [&](const ExchangeRate& r) {
    if (r.to == c.to_) c.rates_[r.from][r.effective] = r.billionths;
  });
  if (!s.ok()) return s;
  return c;
}

absl::StatusOr<Money> Converter::Convert(const Money& m, Timestamp at) const {
  if (m.currency.empty() || m.currency == to_) return m;
  const auto pair = rates_.find(m.currency);
  const auto in_effect = [&]() -> std::optional<std::int64_t> {
    if (pair == rates_.end()) return std::nullopt;
    auto it = pair->second.upper_bound(at);
    if (it == pair->second.begin()) return std::nullopt;
    return std::prev(it)->second;
  }();
  if (!in_effect) {
    std::string first;
    if (pair != rates_.end()) first = absl::StrCat(" (its first rate is from ", Day(pair->second.begin()->first), ")");
    return absl::FailedPreconditionError(absl::StrCat("currency: no exchange rate from ", m.currency, " to ", to_,
                                                      " in effect on ", Day(at), first));
  }
  // minor_from x rate x 10^(digits_to - digits_from) / 10^9, rounded half away from zero.
  const int shift = CurrencyMinorDigits(to_).value_or(0) - CurrencyMinorDigits(m.currency).value_or(0) - 9;
  __int128 v = static_cast<__int128>(m.minor_units) * *in_effect;
  for (int i = 0; i < shift; ++i) v *= 10;
  if (shift < 0) {
    __int128 d = 1;
    for (int i = 0; i < -shift; ++i) d *= 10;
    const __int128 q = v / d, r = v % d;
    v = q + (2 * (r < 0 ? -r : r) >= d ? (v < 0 ? -1 : 1) : 0);
  }
  if (v > INT64_MAX || v < INT64_MIN)
    return absl::OutOfRangeError(absl::StrCat("amount: ", m.minor_units, " ", m.currency, " in ", to_, " is past 64 bits"));
  return Money{static_cast<std::int64_t>(v), to_};
}

}  // namespace sales
}  // namespace crm
