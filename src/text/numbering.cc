#include "text/numbering.h"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace i18n::phonenumbers {
// The numbering plans compiled into libphonenumber, as a serialized PhoneMetadataCollection
// (declared in its metadata.h, which the library does not install).
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace crm::text {
namespace {

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumberDesc;
using i18n::phonenumbers::PhoneNumberUtil;

// A pattern of the metadata on RE2; `ok` turns false when RE2 cannot compile it (the country is
// then left to libphonenumber).
std::unique_ptr<RE2> Compile(const std::string& pattern, bool* ok) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) {
    *ok = false;
    return nullptr;
  }
  return re;
}

// One description of a plan (a type of number, or the plan's general one).
struct Desc {
  std::vector<int> lengths;
  std::unique_ptr<RE2> pattern;  // null: the description has none and matches nothing

  void Load(const PhoneNumberDesc& d, bool* ok) {
    lengths.assign(d.possible_length().begin(), d.possible_length().end());
    if (!d.national_number_pattern().empty()) pattern = Compile(d.national_number_pattern(), ok);
  }
  // The whole number against the pattern (libphonenumber's IsMatch).
  bool Pattern(std::string_view nsn) const { return pattern != nullptr && RE2::FullMatch(nsn, *pattern); }
  // The length, when the description lists lengths, then the pattern (IsNumberMatchingDesc).
  bool Matches(std::string_view nsn) const { return LengthFits(nsn) && Pattern(nsn); }
  bool LengthFits(std::string_view nsn) const {
    return lengths.empty() || std::find(lengths.begin(), lengths.end(), static_cast<int>(nsn.size())) != lengths.end();
  }
};

// One region's plan (or a non-geographical calling code's).
struct Plan {
  bool usable = true;
  Desc general, premium, toll_free, shared_cost, voip, personal, pager, uan, voicemail, fixed, mobile;
  std::vector<int> local_only_lengths;
  bool same_mobile_and_fixed = false;
  std::unique_ptr<RE2> leading_digits;   // null: the plan has none
  std::unique_ptr<RE2> national_prefix;  // national_prefix_for_parsing; null: none
  bool transform = false;                // a national prefix transform rule (not covered here)

  explicit Plan(const PhoneMetadata& m) {
    general.Load(m.general_desc(), &usable);
    premium.Load(m.premium_rate(), &usable);
    toll_free.Load(m.toll_free(), &usable);
    shared_cost.Load(m.shared_cost(), &usable);
    voip.Load(m.voip(), &usable);
    personal.Load(m.personal_number(), &usable);
    pager.Load(m.pager(), &usable);
    uan.Load(m.uan(), &usable);
    voicemail.Load(m.voicemail(), &usable);
    fixed.Load(m.fixed_line(), &usable);
    mobile.Load(m.mobile(), &usable);
    local_only_lengths.assign(m.general_desc().possible_length_local_only().begin(),
                              m.general_desc().possible_length_local_only().end());
    same_mobile_and_fixed = m.same_mobile_and_fixed_line_pattern();
    if (m.has_leading_digits()) leading_digits = Compile(m.leading_digits(), &usable);
    if (!m.national_prefix_for_parsing().empty()) national_prefix = Compile(m.national_prefix_for_parsing(), &usable);
    transform = !m.national_prefix_transform_rule().empty();
    if (general.lengths.empty()) usable = false;  // every plan lists them; the length test needs them
    if (usable) BuildTypes();
  }

  // The type of a national significant number in this plan (GetNumberTypeHelper).
  PhoneType TypeOf(std::string_view nsn) const {
    if (!general.Matches(nsn)) return PhoneType::kUnknown;
    // Which type patterns match, in one pass of the plan's set when it has one.
    std::array<bool, kTypes> hit{};
    if (!TypesBySet(nsn, hit))
      for (std::size_t i = 0; i < kTypes; ++i) hit[i] = Typed(i).Pattern(nsn);
    const auto is = [&](std::size_t i) { return hit[i] && Typed(i).LengthFits(nsn); };
    for (std::size_t i = 0; i < kFixed; ++i)
      if (is(i)) return kTypeOrder[i];
    if (is(kFixed)) {
      if (same_mobile_and_fixed || is(kMobile)) return PhoneType::kFixedLineOrMobile;
      return PhoneType::kFixedLine;
    }
    if (!same_mobile_and_fixed && is(kMobile)) return PhoneType::kMobile;
    return PhoneType::kUnknown;
  }

  // The descriptions TypeOf tries, in its order: the special types first, then fixed and mobile.
  static constexpr std::size_t kTypes = 10, kFixed = 8, kMobile = 9;
  static constexpr PhoneType kTypeOrder[kFixed] = {PhoneType::kPremiumRate, PhoneType::kTollFree,
                                                   PhoneType::kSharedCost,  PhoneType::kVoip,
                                                   PhoneType::kPersonal,    PhoneType::kPager,
                                                   PhoneType::kUan,         PhoneType::kVoicemail};
  static constexpr Desc Plan::*kTyped[kTypes] = {&Plan::premium,  &Plan::toll_free, &Plan::shared_cost, &Plan::voip,
                                                  &Plan::personal, &Plan::pager,     &Plan::uan,         &Plan::voicemail,
                                                  &Plan::fixed,    &Plan::mobile};
  const Desc& Typed(std::size_t i) const { return this->*kTyped[i]; }
  // The type patterns as one set (index i: Typed(i)); null when one does not go into a set.
  std::unique_ptr<RE2::Set> types;
  void BuildTypes();
  bool TypesBySet(std::string_view nsn, std::array<bool, kTypes>& hit) const;

  // Whether a number with its national prefix taken off keeps that form: its length is possible
  // in the plan, or too long (TestNumberLength's answer other than too short, local only or
  // invalid).
  bool KeepsStripped(std::string_view nsn) const {
    const int length = static_cast<int>(nsn.size());
    const std::vector<int>& lengths = general.lengths;
    if (lengths.front() == -1) return false;
    if (std::find(local_only_lengths.begin(), local_only_lengths.end(), length) != local_only_lengths.end()) return false;
    if (lengths.front() == length) return true;
    if (lengths.front() > length) return false;
    if (lengths.back() < length) return true;
    return std::find(lengths.begin() + 1, lengths.end(), length) != lengths.end();
  }

  // Takes a national prefix written after the country code off (MaybeStripNationalPrefixAndCarrierCode
  // for a plan without a transform rule), unless that would make a number of the plan one that is not.
  void StripNationalPrefix(std::string* number) const {
    if (number->empty() || national_prefix == nullptr) return;
    const bool viable = general.Pattern(*number);
    re2::StringPiece rest(*number);
    std::string carrier;
    if (!RE2::Consume(&rest, *national_prefix, &carrier) && !RE2::Consume(&rest, *national_prefix)) return;
    if (viable && !general.Pattern(rest)) return;
    *number = std::string(rest);
  }
};

// A pattern that matches nothing: it holds the place of a description without one in a set
// (a set numbers its patterns from 0 as they are added).
constexpr char kNever[] = "[^\\s\\S]";

RE2::Options SetOptions() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

void Plan::BuildTypes() {
  auto set = std::make_unique<RE2::Set>(SetOptions(), RE2::ANCHOR_BOTH);
  std::string error;
  for (std::size_t i = 0; i < kTypes; ++i) {
    const Desc& d = Typed(i);
    if (set->Add(d.pattern != nullptr ? d.pattern->pattern() : kNever, &error) != static_cast<int>(i)) return;
  }
  if (set->Compile()) types = std::move(set);
}

// The indices of the patterns of `set` that match `text`, into `hits`; false when the set could
// not tell (its automaton ran out of memory): the caller then tries the patterns one by one.
bool Candidates(const RE2::Set& set, std::string_view text, std::vector<int>& hits) {
  hits.clear();
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  return set.Match(re2::StringPiece(text.data(), text.size()), &hits, &error) || error.kind == RE2::Set::kNoError;
}

bool Plan::TypesBySet(std::string_view nsn, std::array<bool, kTypes>& hit) const {
  std::vector<int> hits;
  if (types == nullptr || !Candidates(*types, nsn, hits)) return false;
  for (int i : hits) hit[static_cast<std::size_t>(i)] = true;
  return true;
}

// The regions of one calling code, in libphonenumber's order (its main region first), compiled on
// first use.
struct Country {
  std::vector<std::string> regions;
  std::once_flag compiled;
  std::vector<std::unique_ptr<Plan>> plans;  // as `regions`
  bool usable = false;
  // With several plans, which of them a number can belong to, in one pass each: the plans whose
  // leading digits start it, and those (without leading digits) whose general pattern is all of
  // it. Set indices are plan indices. Null when a pattern does not go into a set: then every
  // plan is tried in turn.
  std::unique_ptr<RE2::Set> leading, general;
};

// Builds `c`'s sets (Country::leading and general) from its plans' patterns.
void BuildSets(Country& c) {
  auto leading = std::make_unique<RE2::Set>(SetOptions(), RE2::ANCHOR_START);
  auto general = std::make_unique<RE2::Set>(SetOptions(), RE2::ANCHOR_BOTH);
  for (std::size_t i = 0; i < c.plans.size(); ++i) {
    const Plan& p = *c.plans[i];
    const RE2* lead = p.leading_digits.get();
    const RE2* whole = lead == nullptr ? p.general.pattern.get() : nullptr;
    std::string error;
    if (leading->Add(lead != nullptr ? lead->pattern() : kNever, &error) != static_cast<int>(i)) return;
    if (general->Add(whole != nullptr ? whole->pattern() : kNever, &error) != static_cast<int>(i)) return;
  }
  if (!leading->Compile() || !general->Compile()) return;
  c.leading = std::move(leading);
  c.general = std::move(general);
}

class Numbering {
 public:
  Numbering() {
    collection_.ParseFromArray(i18n::phonenumbers::metadata_get(), i18n::phonenumbers::metadata_size());
    for (const PhoneMetadata& m : collection_.metadata()) {
      if (m.id() == "001") {
        non_geographical_[m.country_code()] = &m;
      } else {
        regions_[m.id()] = &m;
      }
    }
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    std::set<int> codes;
    util.GetSupportedCallingCodes(&codes);
    for (int code : codes) {
      if (code <= 0 || code >= static_cast<int>(countries_.size())) continue;
      std::list<std::string> regions;
      util.GetRegionCodesForCountryCallingCode(code, &regions);
      if (regions.empty()) continue;
      countries_[code] = std::make_unique<Country>();
      countries_[code]->regions.assign(regions.begin(), regions.end());
    }
  }

  // The calling code's country, compiled; null for a code no region has.
  const Country* Of(int code) {
    Country* country = countries_[code].get();
    if (country == nullptr) return nullptr;
    std::call_once(country->compiled, [&] {
      bool usable = true;
      for (const std::string& region : country->regions) {
        const PhoneMetadata* m = Find(region, code);
        if (m == nullptr) {
          usable = false;
          break;
        }
        country->plans.push_back(std::make_unique<Plan>(*m));
        usable = usable && country->plans.back()->usable;
      }
      country->usable = usable;
      if (usable && country->plans.size() > 1) BuildSets(*country);
    });
    return country;
  }

 private:
  const PhoneMetadata* Find(const std::string& region, int code) const {
    if (region == "001") {
      auto it = non_geographical_.find(code);
      return it == non_geographical_.end() ? nullptr : it->second;
    }
    auto it = regions_.find(region);
    return it == regions_.end() ? nullptr : it->second;
  }

  PhoneMetadataCollection collection_;
  absl::flat_hash_map<std::string, const PhoneMetadata*> regions_;
  absl::flat_hash_map<int, const PhoneMetadata*> non_geographical_;
  std::array<std::unique_ptr<Country>, 1000> countries_;
};

Numbering& Plans() {
  static Numbering* numbering = new Numbering();  // never destroyed: used until the process ends
  return *numbering;
}

// The first plan of `c` (with sets) whose leading digits start `national`, or (without leading
// digits) that knows its type (then in `*type`); false when the sets could not tell.
bool PlanBySets(const Country& c, std::string_view national, const Plan** plan, PhoneType* type) {
  std::vector<int> by_leading, by_general;  // not thread_local: the library's static TLS is small
  if (!Candidates(*c.leading, national, by_leading) || !Candidates(*c.general, national, by_general)) return false;
  std::vector<bool> leads(c.plans.size(), false), fits(c.plans.size(), false);
  for (int i : by_leading) leads[static_cast<std::size_t>(i)] = true;
  for (int i : by_general) fits[static_cast<std::size_t>(i)] = true;
  for (std::size_t i = 0; i < c.plans.size(); ++i) {
    const Plan& p = *c.plans[i];
    if (p.leading_digits != nullptr ? leads[i] : fits[i] && (*type = p.TypeOf(national)) != PhoneType::kUnknown) {
      *plan = &p;
      return true;
    }
  }
  return true;
}

bool Separator(char ch) {
  return ch == ' ' || ch == '-' || ch == '.' || ch == '/' || ch == '(' || ch == ')';
}

}  // namespace

std::optional<ParsedPhone> ParseInternational(std::string_view text) {
  constexpr std::size_t kMaxText = 40;
  if (text.size() > kMaxText) return std::nullopt;
  std::size_t at = 0;
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  if (at == text.size() || text[at] != '+') return std::nullopt;
  std::string digits;
  for (++at; at < text.size(); ++at) {
    const char ch = text[at];
    if (ch >= '0' && ch <= '9') {
      digits.push_back(ch);
    } else if (!Separator(ch)) {
      return std::nullopt;
    }
  }
  if (digits.size() < 3) return std::nullopt;  // libphonenumber's rules for so few digits are its own
  ParsedPhone invalid;
  // The calling code: the shortest leading digits that are one. Without one (a leading 0, an
  // unassigned code), libphonenumber reads the digits again in the region asked for.
  if (digits[0] == '0') return std::nullopt;
  Numbering& plans = Plans();
  const Country* country = nullptr;
  int code = 0;
  std::size_t code_digits = 0;
  for (std::size_t n = 1; n <= 3 && country == nullptr; ++n) {
    code = code * 10 + (digits[n - 1] - '0');
    country = plans.Of(code);
    code_digits = n;
  }
  if (country == nullptr) return std::nullopt;
  if (!country->usable) return std::nullopt;
  std::string national = digits.substr(code_digits);
  if (national.size() < 2) return invalid;
  const Plan& main = *country->plans.front();
  if (main.transform) return std::nullopt;
  std::string stripped = national;
  main.StripNationalPrefix(&stripped);
  if (main.KeepsStripped(stripped)) national = std::move(stripped);
  constexpr std::size_t kMinNational = 2, kMaxNational = 17;
  if (national.size() < kMinNational || national.size() > kMaxNational) return invalid;

  // The region the number belongs to: the only one of its code, or the first whose leading digits
  // start it or whose plan knows it (GetRegionCodeForNumber).
  const Plan* plan = nullptr;
  PhoneType type = PhoneType::kUnknown;  // known once a plan was chosen by it
  if (country->plans.size() == 1) {
    plan = country->plans.front().get();
  } else if (country->leading != nullptr && PlanBySets(*country, national, &plan, &type)) {
    // The sets told: `plan` is the one, or none is.
  } else {
    for (const std::unique_ptr<Plan>& p : country->plans) {
      if (p->leading_digits != nullptr) {
        re2::StringPiece rest(national);
        if (RE2::Consume(&rest, *p->leading_digits)) {
          plan = p.get();
          break;
        }
      } else if ((type = p->TypeOf(national)) != PhoneType::kUnknown) {
        plan = p.get();
        break;
      }
    }
  }
  if (plan == nullptr) return invalid;
  if (type == PhoneType::kUnknown) type = plan->TypeOf(national);
  if (type == PhoneType::kUnknown) return invalid;
  ParsedPhone out;
  out.valid = true;
  out.type = type;
  out.e164 = "+" + std::to_string(code) + national;
  return out;
}

}  // namespace crm::text
