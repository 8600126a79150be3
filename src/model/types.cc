// Facts about the value types: currencies, names of enumerations, primary contact points.
#include <algorithm>
#include <array>

#include "crm/customer.hpp"
#include "crm/types.hpp"
#include "text/text.h"

namespace crm {
namespace {

struct CurrencyInfo {
  char code[4];
  int minor_digits;
};

// Active ISO 4217 currencies and funds with their minor unit digits, sorted by code.
constexpr CurrencyInfo kCurrencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2},
    {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0},
    {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2},
    {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4},
    {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"COU", 2}, {"CRC", 2}, {"CUC", 2}, {"CUP", 2}, {"CVE", 2},
    {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2},
    {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2},
    {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2},
    {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3}, {"JPY", 0},
    {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2},
    {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2},
    {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2},
    {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2},
    {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2},
    {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2},
    {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2}, {"SHP", 2},
    {"SLE", 2}, {"SLL", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2},
    {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2},
    {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2},
    {"UYW", 4}, {"UZS", 2}, {"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0},
    {"XCD", 2}, {"XCG", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
    {"ZWL", 2},
};

const CurrencyInfo* FindCurrency(std::string_view code) {
  if (code.size() != 3) return nullptr;
  const auto* end = std::end(kCurrencies);
  const auto* it = std::lower_bound(std::begin(kCurrencies), end, code,
                                    [](const CurrencyInfo& c, std::string_view k) {
                                      return std::string_view(c.code, 3) < k;
                                    });
  if (it == end || std::string_view(it->code, 3) != code) return nullptr;
  return it;
}

constexpr std::array<std::string_view, 9> kStageNames = {
    "", "subscriber", "lead", "prospect", "opportunity", "customer", "evangelist", "churned", "other"};

}  // namespace

bool IsValidUtf8(std::string_view s) { return text::IsValidUtf8(s); }

bool IsKnownCurrency(std::string_view code) { return FindCurrency(code) != nullptr; }

std::optional<int> CurrencyMinorDigits(std::string_view code) {
  const CurrencyInfo* c = FindCurrency(code);
  if (c == nullptr) return std::nullopt;
  return c->minor_digits;
}

std::string_view LifecycleStageName(LifecycleStage stage) {
  const auto i = static_cast<std::size_t>(stage);
  return i < kStageNames.size() ? kStageNames[i] : std::string_view("unknown");
}

std::optional<LifecycleStage> ParseLifecycleStage(std::string_view name) {
  for (std::size_t i = 1; i < kStageNames.size(); ++i)
    if (kStageNames[i] == name) return static_cast<LifecycleStage>(i);
  return std::nullopt;
}

std::string_view AccountTypeName(AccountType type) {
  switch (type) {
    case AccountType::kNone: return "";
    case AccountType::kProspect: return "prospect";
    case AccountType::kCustomer: return "customer";
    case AccountType::kPartner: return "partner";
    case AccountType::kCompetitor: return "competitor";
    case AccountType::kOther: return "other";
  }
  return "unknown";
}

std::string_view LegalBasisName(LegalBasis basis) {
  switch (basis) {
    case LegalBasis::kNone: return "none";
    case LegalBasis::kConsent: return "consent";
    case LegalBasis::kContract: return "contract";
    case LegalBasis::kLegalObligation: return "legal_obligation";
    case LegalBasis::kVitalInterests: return "vital_interests";
    case LegalBasis::kPublicTask: return "public_task";
    case LegalBasis::kLegitimateInterests: return "legitimate_interests";
  }
  return "unknown";
}

std::string_view PhoneTypeName(PhoneType type) {
  switch (type) {
    case PhoneType::kUnknown: return "unknown";
    case PhoneType::kFixedLine: return "fixed_line";
    case PhoneType::kMobile: return "mobile";
    case PhoneType::kFixedLineOrMobile: return "fixed_line_or_mobile";
    case PhoneType::kTollFree: return "toll_free";
    case PhoneType::kPremiumRate: return "premium_rate";
    case PhoneType::kSharedCost: return "shared_cost";
    case PhoneType::kVoip: return "voip";
    case PhoneType::kPersonal: return "personal";
    case PhoneType::kPager: return "pager";
    case PhoneType::kUan: return "uan";
    case PhoneType::kVoicemail: return "voicemail";
  }
  return "unknown";
}

const Email* Customer::primary_email() const {
  for (const Email& e : emails)
    if (e.primary) return &e;
  return emails.empty() ? nullptr : &emails.front();
}

const Phone* Customer::primary_phone() const {
  for (const Phone& p : phones)
    if (p.primary) return &p;
  return phones.empty() ? nullptr : &phones.front();
}

}  // namespace crm
