#include "text/phone.h"

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <set>

#include "absl/container/flat_hash_map.h"

#include "text/numbering.h"
#include "text/text.h"

namespace crm::text {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// The library's singleton, its logging (to stderr by default) silenced once.
const PhoneNumberUtil& Util() {
  static const PhoneNumberUtil* util = [] {
    PhoneNumberUtil* u = PhoneNumberUtil::GetInstance();
    u->SetLogger(new i18n::phonenumbers::NullLogger());  // owned by the library
    return u;
  }();
  return *util;
}

PhoneType TypeOf(PhoneNumberUtil::PhoneNumberType t) {
  switch (t) {
    case PhoneNumberUtil::FIXED_LINE: return PhoneType::kFixedLine;
    case PhoneNumberUtil::MOBILE: return PhoneType::kMobile;
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE: return PhoneType::kFixedLineOrMobile;
    case PhoneNumberUtil::TOLL_FREE: return PhoneType::kTollFree;
    case PhoneNumberUtil::PREMIUM_RATE: return PhoneType::kPremiumRate;
    case PhoneNumberUtil::SHARED_COST: return PhoneType::kSharedCost;
    case PhoneNumberUtil::VOIP: return PhoneType::kVoip;
    case PhoneNumberUtil::PERSONAL_NUMBER: return PhoneType::kPersonal;
    case PhoneNumberUtil::PAGER: return PhoneType::kPager;
    case PhoneNumberUtil::UAN: return PhoneType::kUan;
    case PhoneNumberUtil::VOICEMAIL: return PhoneType::kVoicemail;
    default: return PhoneType::kUnknown;
  }
}

}  // namespace

namespace {
ParsedPhone Parse(std::string_view number, std::string_view region);
}  // namespace

// libphonenumber takes 15-40 us a number (its patterns run on ICU regular expressions; numbers
// with their country code take the faster path of numbering.h): the answers of recent calls are
// kept per thread, so a number written again (an update, a re-run
// import, a switchboard number many people share) is read once.
ParsedPhone ParsePhone(std::string_view number, std::string_view region) {
  constexpr std::size_t kMemo = 4096;
  thread_local absl::flat_hash_map<std::string, ParsedPhone> memo;
  std::string key;
  key.reserve(region.size() + 1 + number.size());
  key.append(region.data(), region.size()).push_back('\n');
  key.append(number.data(), number.size());
  if (auto it = memo.find(key); it != memo.end()) return it->second;
  ParsedPhone parsed = Parse(number, region);
  if (memo.size() >= kMemo) memo.clear();
  if (memo.empty()) memo.reserve(kMemo);  // no rehashing as it fills
  memo.emplace(std::move(key), parsed);
  return parsed;
}

namespace {
ParsedPhone Parse(std::string_view number, std::string_view region) {
  ParsedPhone out;
  std::string text(number);
  // "00" is the international call prefix of most regions: without a region, read it as "+".
  const std::size_t first = text.find_first_not_of(" \t(");
  if (region.empty() && first != std::string::npos && text.compare(first, 2, "00") == 0) {
    std::string plus(1, '+');
    plus.append(text, first + 2, std::string::npos);
    text = std::move(plus);
  }
  const PhoneNumberUtil& util = Util();
  if (std::optional<ParsedPhone> read = ParseInternational(text)) return *std::move(read);
  PhoneNumber parsed;
  const std::string in_region = region.empty() ? std::string("ZZ") : std::string(region);
  if (util.Parse(text, in_region, &parsed) != PhoneNumberUtil::NO_PARSING_ERROR) return out;
  // A number is valid exactly when its type is known (IsValidNumber classifies it the same way:
  // asking once halves the cost).
  const PhoneNumberUtil::PhoneNumberType type = util.GetNumberType(parsed);
  if (type == PhoneNumberUtil::UNKNOWN) return out;
  out.valid = true;
  out.type = TypeOf(type);
  parsed.clear_extension();
  util.Format(parsed, PhoneNumberUtil::E164, &out.e164);
  return out;
}
}  // namespace

bool KnownPhoneRegion(std::string_view region) {
  std::set<std::string> regions;
  Util().GetSupportedRegions(&regions);
  return regions.count(std::string(region)) != 0;
}

std::string PhoneQueryKey(std::string_view number, std::string_view region) {
  std::string digits;
  const std::size_t first = number.find_first_not_of(" \t(");
  const bool international = first != std::string_view::npos &&
                             (number[first] == '+' || number.substr(first, 2) == "00");
  if (international || region.empty()) {
    // Written with its country code, a number's digits are its E.164 digits, the "(0)" some
    // write for the trunk prefix aside: no parsing needed. Without a region, parsing a national
    // number could only fail.
    std::string text(number);
    for (std::size_t at; (at = text.find("(0)")) != std::string::npos;) text.erase(at, 3);
    return PhoneDigits(text);
  }
  Phone p;
  p.number = std::string(number);
  p.e164 = ParsePhone(number, region).e164;
  return PhoneKey(p);
}

std::string PhoneKey(const Phone& p) {
  if (p.e164.size() > 1 && p.e164[0] == '+') return p.e164.substr(1);
  return PhoneDigits(p.number);
}

}  // namespace crm::text
