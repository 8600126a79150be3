// Text handling for lookups and validation.
#include <gtest/gtest.h>

#include "text/text.h"

namespace crm::text {
namespace {

TEST(TextTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("José 日本 🎉"));
  EXPECT_FALSE(IsValidUtf8("\xC3\x28"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
}

TEST(TextTest, ControlCharacters) {
  EXPECT_TRUE(HasControl(std::string("a\0b", 3), false));
  EXPECT_TRUE(HasControl("a\x7F", false));
  EXPECT_TRUE(HasControl("a\xC2\x85", false));  // NEL, a C1 control
  EXPECT_TRUE(HasControl("a\nb", false));
  EXPECT_FALSE(HasControl("a\nb", true));
  EXPECT_FALSE(HasControl("Zoë", false));
}

TEST(TextTest, FoldingIgnoresCaseAccentsAndCompatibilityForms) {
  EXPECT_EQ(FoldForSearch("José ÁLVAREZ"), "jose alvarez");
  EXPECT_EQ(FoldForSearch("Straße"), "strasse");
  EXPECT_EQ(FoldForSearch("Ｆｕｌｌ"), "full");  // full-width letters
  EXPECT_EQ(FoldForSearch("Ångström"), FoldForSearch("Ångström"));  // composed vs decomposed
  EXPECT_EQ(FoldCase("ÉCOLE@Example.FR"), "école@example.fr");
}

TEST(TextTest, Words) {
  EXPECT_EQ(Words("jean-luc o'brien  3rd"), (std::vector<std::string>{"jean", "luc", "obrien", "3rd"}));
  EXPECT_EQ(Words("  "), std::vector<std::string>{});
  EXPECT_EQ(Words("日本 語"), (std::vector<std::string>{"日本", "語"}));
}

TEST(TextTest, Emails) {
  EXPECT_EQ(EmailProblem("a.b+tag@sub.example.co.uk"), "");
  EXPECT_EQ(EmailProblem("josé@exámple.es"), "");
  for (const char* bad : {"", "plain", "@x.com", "a@", "a@b", "a@-b.com", "a@b..com", "a b@c.com",
                          ".a@b.com", "a.@b.com", "a@b.123", "a@b_c.com", "a\"b@c.com"})
    EXPECT_NE(EmailProblem(bad), "") << bad;
  EXPECT_NE(EmailProblem(std::string(65, 'a') + "@b.com"), "");
}

TEST(TextTest, PhoneDigits) {
  EXPECT_EQ(PhoneDigits("+1 (555) 123-4567"), "15551234567");
  EXPECT_EQ(PhoneDigits("001-808-617-6467x12895"), "18086176467");
  EXPECT_EQ(PhoneDigits("(283)437-3886x88321"), "2834373886");
  EXPECT_EQ(PhoneDigits("229.077.5154"), "2290775154");
  EXPECT_EQ(PhoneDigits("+44 20 7946 0000 ext. 12"), "442079460000");
  EXPECT_EQ(PhoneProblem("+1 (555) 123-4567"), "");
  EXPECT_EQ(PhoneProblem("001-808-617-6467x12895"), "");
  EXPECT_EQ(PhoneProblem("555 1234 ext 9"), "");
  EXPECT_NE(PhoneProblem("12"), "");
  EXPECT_NE(PhoneProblem("call me"), "");
  EXPECT_NE(PhoneProblem("555-1234 xabc"), "");
  EXPECT_NE(PhoneProblem(std::string(25, '1')), "");
}

}  // namespace
}  // namespace crm::text
