// The fast reading of numbers written with their country code (src/text/numbering.cc) against
// libphonenumber's own Parse, GetNumberType and E.164 Format, called here directly: on variants of
// the example numbers of every region and non-geographical code, on random digits, and on numbers
// of the North American plan, written with separators.
#include <gtest/gtest.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "text/numbering.h"
#include "text/phone.h"

namespace crm::text {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const PhoneNumberUtil& Util() { return *PhoneNumberUtil::GetInstance(); }

PhoneType Expected(PhoneNumberUtil::PhoneNumberType t) {
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

// libphonenumber's reading of `text` in `region` ("ZZ": none).
ParsedPhone Reference(const std::string& text, const std::string& region) {
  ParsedPhone out;
  PhoneNumber number;
  if (Util().Parse(text, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) return out;
  const PhoneNumberUtil::PhoneNumberType type = Util().GetNumberType(number);
  if (type == PhoneNumberUtil::UNKNOWN) return out;
  out.valid = true;
  out.type = Expected(type);
  number.clear_extension();
  Util().Format(number, PhoneNumberUtil::E164, &out.e164);
  return out;
}

class Samples {
 public:
  // Digits after "+", written with random separators and sometimes leading spaces.
  void Add(const std::string& digits) {
    static constexpr const char* kSeparators[] = {"", "", " ", "-", ".", "/"};
    std::string text = rng_() % 8 == 0 ? "  +" : "+";
    const std::size_t group = 2 + rng_() % 3;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && i % group == 0) text += kSeparators[rng_() % 6];
      if (i == 1 && rng_() % 6 == 0) text += " (";
      text.push_back(digits[i]);
      if (i == 3 && text.find('(') != std::string::npos) text += ") ";
    }
    texts_.push_back(text);
  }

  // Variants of an example number: digits changed at the end, one added or taken away, a
  // national prefix written after the country code.
  void Variants(const PhoneNumber& example) {
    std::string nsn;
    Util().GetNationalSignificantNumber(example, &nsn);
    const std::string code = std::to_string(example.country_code());
    Add(code + nsn);
    for (int v = 0; v < 6; ++v) {
      std::string digits = nsn;
      for (std::size_t k = rng_() % 5, i = 0; i < k && i < digits.size(); ++i) {
        digits[digits.size() - 1 - i] = static_cast<char>('0' + rng_() % 10);
      }
      switch (rng_() % 5) {
        case 0: digits.push_back(static_cast<char>('0' + rng_() % 10)); break;
        case 1: if (digits.size() > 1) digits.pop_back(); break;
        case 2: digits.insert(0, "0"); break;
        case 3: digits.insert(0, std::to_string(rng_() % 10)); break;
        default: break;
      }
      Add(code + digits);
    }
  }

  void Random(int count) {
    for (int i = 0; i < count; ++i) {
      std::string digits(4 + rng_() % 15, '0');
      for (char& d : digits) d = static_cast<char>('0' + rng_() % 10);
      if (digits[0] == '0') digits[0] = '1';
      Add(digits);
    }
  }

  void NorthAmerican(int count) {
    for (int i = 0; i < count; ++i) {
      Add("1" + std::to_string(200 + rng_() % 800) + std::to_string(200 + rng_() % 800) +
          std::to_string(1000 + rng_() % 9000));
    }
  }

  const std::vector<std::string>& texts() const { return texts_; }

 private:
  std::mt19937_64 rng_{20261205};
  std::vector<std::string> texts_;
};

std::vector<std::string> AllSamples() {
  Samples samples;
  std::set<std::string> regions;
  Util().GetSupportedRegions(&regions);
  for (const std::string& region : regions) {
    std::set<PhoneNumberUtil::PhoneNumberType> types;
    Util().GetSupportedTypesForRegion(region, &types);
    for (PhoneNumberUtil::PhoneNumberType type : types) {
      PhoneNumber example;
      if (Util().GetExampleNumberForType(region, type, &example)) samples.Variants(example);
    }
  }
  std::set<int> codes;
  Util().GetSupportedGlobalNetworkCallingCodes(&codes);
  for (int code : codes) {
    PhoneNumber example;
    if (Util().GetExampleNumberForNonGeoEntity(code, &example)) samples.Variants(example);
  }
  samples.Random(6000);
  samples.NorthAmerican(4000);
  return samples.texts();
}

TEST(NumberingTest, ReadsNumbersAsLibphonenumberDoes) {
  const std::vector<std::string> texts = AllSamples();
  static const char* const kRegions[] = {"ZZ", "DE", "US", "GB", "FR", "JP", "BR", "IN"};
  std::size_t covered = 0, valid = 0, mismatches = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string& text = texts[i];
    const std::optional<ParsedPhone> fast = ParseInternational(text);
    if (!fast) continue;
    ++covered;
    valid += fast->valid;
    // The reading does not depend on the region a number with its country code is read in.
    for (const std::string& region : {std::string("ZZ"), std::string(kRegions[i % 8])}) {
      const ParsedPhone want = Reference(text, region);
      if (fast->valid != want.valid || fast->e164 != want.e164 || fast->type != want.type) {
        if (++mismatches <= 20) {
          ADD_FAILURE() << "\"" << text << "\" in " << region << ": read valid=" << fast->valid << " " << fast->e164
                        << " type " << static_cast<int>(fast->type) << ", libphonenumber valid=" << want.valid << " "
                        << want.e164 << " type " << static_cast<int>(want.type);
        }
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
  std::cout << covered << " of " << texts.size() << " read here, " << valid << " of them valid\n";
  // Most numbers are read this way, valid and not valid ones alike.
  EXPECT_GT(covered, texts.size() * 8 / 10) << covered << " of " << texts.size();
  EXPECT_GT(valid, covered / 5) << valid << " valid of " << covered;
  EXPECT_LT(valid, covered * 4 / 5) << valid << " valid of " << covered;
}

TEST(NumberingTest, LeavesOtherWritingsToLibphonenumber) {
  for (const char* text : {"030 1234567", "+49 30 1234567 ext. 5", "+1-800-FLOWERS", "++49301234567", "0049301234567",
                           "+49 30 1234567;ext=5", "+49 30 1234567 #5", "+0 301234567", "+999 1234567", "+12",
                           "+54 9 11 1234-5678", "tel:+49-30-1234567", "+49\xC2\xA0" "301234567", ""}) {
    EXPECT_FALSE(ParseInternational(text).has_value()) << text;
  }
}

TEST(NumberingTest, AnswersSameAsThePublicParse) {
  // ParsePhone takes this path for such numbers: spot checks of its answers.
  const ParsedPhone us = ParsePhone("+1 650-253-0000", "");
  EXPECT_TRUE(us.valid);
  EXPECT_EQ(us.e164, "+16502530000");
  const ParsedPhone gb = ParsePhone("+44 (0)20 7946 0018", "DE");
  EXPECT_TRUE(gb.valid);
  EXPECT_EQ(gb.e164, "+442079460018");
  EXPECT_EQ(gb.type, PhoneType::kFixedLine);
  const ParsedPhone de = ParsePhone("+49 151 23456789", "");
  EXPECT_EQ(de.type, PhoneType::kMobile);
  EXPECT_FALSE(ParsePhone("+49 1", "").valid);
}

}  // namespace
}  // namespace crm::text
