#include "duplicates/names.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "text/text.h"

namespace crm::duplicates {
namespace {

// Formal given names and the nicknames that stand for them (English first, then a few of the
// Spanish, Italian, German and French ones that CRM data commonly holds).
constexpr std::pair<std::string_view, std::string_view> kNicknames[] = {
    {"abigail", "abby"},       {"alexander", "alex"},     {"alexander", "sasha"},    {"alexandra", "alex"},
    {"alexandra", "sandra"},   {"alfred", "alf"},         {"alfred", "fred"},        {"allison", "allie"},
    {"amanda", "mandy"},       {"andrew", "andy"},        {"andrew", "drew"},        {"anthony", "tony"},
    {"barbara", "barb"},       {"barbara", "babs"},       {"benjamin", "ben"},       {"benjamin", "benny"},
    {"catherine", "cathy"},    {"catherine", "kate"},     {"catherine", "katie"},    {"charles", "charlie"},
    {"charles", "chuck"},      {"christina", "chris"},    {"christina", "tina"},     {"christine", "chris"},
    {"christopher", "chris"},  {"christopher", "kit"},    {"cynthia", "cindy"},      {"daniel", "dan"},
    {"daniel", "danny"},       {"david", "dave"},         {"david", "davy"},         {"deborah", "deb"},
    {"deborah", "debbie"},     {"donald", "don"},         {"donald", "donnie"},      {"dorothy", "dottie"},
    {"douglas", "doug"},       {"edward", "ed"},          {"edward", "eddie"},       {"edward", "ned"},
    {"edward", "ted"},         {"eleanor", "ellie"},      {"elizabeth", "beth"},     {"elizabeth", "betty"},
    {"elizabeth", "eliza"},    {"elizabeth", "libby"},    {"elizabeth", "liz"},      {"elizabeth", "lizzie"},
    {"francis", "frank"},      {"francisco", "paco"},     {"francisco", "pancho"},   {"franklin", "frank"},
    {"frederick", "fred"},     {"frederick", "freddie"},  {"gerald", "gerry"},       {"gerald", "jerry"},
    {"gregory", "greg"},       {"harold", "hal"},         {"harold", "harry"},       {"henry", "hank"},
    {"henry", "harry"},        {"jacob", "jake"},         {"james", "jamie"},        {"james", "jim"},
    {"james", "jimmy"},        {"jeffrey", "jeff"},       {"jennifer", "jen"},       {"jennifer", "jenny"},
    {"jessica", "jess"},       {"jessica", "jessie"},     {"johann", "hans"},        {"johannes", "hans"},
    {"john", "jack"},          {"john", "johnny"},        {"jonathan", "jon"},       {"jonathan", "jonny"},
    {"jose", "pepe"},          {"joseph", "joe"},         {"joseph", "joey"},        {"joshua", "josh"},
    {"judith", "judy"},        {"katherine", "kate"},     {"katherine", "kathy"},    {"katherine", "katie"},
    {"kenneth", "ken"},        {"kenneth", "kenny"},      {"kimberly", "kim"},       {"lawrence", "larry"},
    {"leonard", "len"},        {"leonard", "lenny"},      {"leonard", "leo"},        {"manuel", "manolo"},
    {"margaret", "maggie"},    {"margaret", "meg"},       {"margaret", "peggy"},     {"mary", "molly"},
    {"mary", "polly"},         {"matthew", "matt"},       {"michael", "mick"},       {"michael", "mike"},
    {"michael", "mikey"},      {"nicholas", "nick"},      {"nicholas", "nicky"},     {"pamela", "pam"},
    {"patricia", "pat"},       {"patricia", "patty"},     {"patricia", "tricia"},    {"patrick", "paddy"},
    {"patrick", "pat"},        {"peter", "pete"},         {"philip", "phil"},        {"raymond", "ray"},
    {"rebecca", "becca"},      {"rebecca", "becky"},      {"richard", "dick"},       {"richard", "rich"},
    {"richard", "rick"},       {"richard", "ricky"},      {"robert", "bert"},        {"robert", "bob"},
    {"robert", "bobby"},       {"robert", "rob"},         {"robert", "robbie"},      {"ronald", "ron"},
    {"ronald", "ronnie"},      {"samantha", "sam"},       {"samuel", "sam"},         {"samuel", "sammy"},
    {"sarah", "sally"},        {"stephanie", "steph"},    {"stephen", "steve"},      {"steven", "steve"},
    {"susan", "sue"},          {"susan", "susie"},        {"theodore", "ted"},       {"theodore", "teddy"},
    {"theresa", "tess"},       {"theresa", "terry"},      {"thomas", "tom"},         {"thomas", "tommy"},
    {"timothy", "tim"},        {"timothy", "timmy"},      {"valerie", "val"},        {"victoria", "tori"},
    {"victoria", "vicky"},     {"vincent", "vince"},      {"virginia", "ginny"},     {"walter", "walt"},
    {"william", "bill"},       {"william", "billy"},      {"william", "liam"},       {"william", "will"},
    {"william", "willy"},      {"zachary", "zach"},       {"zachary", "zack"},
};

const absl::flat_hash_map<std::string_view, std::vector<std::string_view>>& NicknameMap() {
  static const auto* map = [] {
    auto* m = new absl::flat_hash_map<std::string_view, std::vector<std::string_view>>();
    for (const auto& [formal, nick] : kNicknames) (*m)[nick].push_back(formal);
    for (auto& [nick, formals] : *m) std::sort(formals.begin(), formals.end());
    return m;
  }();
  return *map;
}

// Words of a legal form or an article, left out of organizations' names.
const absl::flat_hash_set<std::string_view>& LegalForms() {
  static const auto* set = new absl::flat_hash_set<std::string_view>{
      "inc",  "incorporated", "corp", "corporation", "co",  "company", "llc", "llp", "lp",  "ltd", "limited",
      "plc",  "gmbh",         "ag",   "kg",          "ohg", "ug",      "se",  "sa",  "sas", "sarl", "sl",
      "slu",  "srl",          "spa",  "bv",          "nv",  "oy",      "oyj", "ab",  "as",  "asa", "aps",
      "kk",   "pty",          "pte",  "pvt",         "kft", "sro",     "doo", "ad",  "cv",  "de"};
  return *set;
}

// Whether `w` holds "ue", "oe" or "ae" (Transliterated changes it).
bool HasUmlautPair(std::string_view w) {
  for (std::size_t i = 0; i + 1 < w.size(); ++i)
    if (w[i + 1] == 'e' && (w[i] == 'u' || w[i] == 'o' || w[i] == 'a')) return true;
  return false;
}

// German umlauts as written without them ("mueller" for "müller", folded to "muller"): "ue",
// "oe" and "ae" read as the vowel alone.
std::string Transliterated(std::string_view w) {
  std::string out;
  for (std::size_t i = 0; i < w.size(); ++i) {
    out += w[i];
    if (i + 1 < w.size() && w[i + 1] == 'e' && (w[i] == 'u' || w[i] == 'o' || w[i] == 'a')) ++i;
  }
  return out;
}

double TokenSimilarity(std::string_view a, std::string_view b) {
  if (a == b) return 1;
  if (a.empty() || b.empty()) return 0;
  if (a.size() == 1 || b.size() == 1) return a[0] == b[0] ? 0.9 : 0;  // an initial
  const auto& fa = FormalNamesOf(a);
  const auto& fb = FormalNamesOf(b);
  const auto formal_of = [](std::string_view name, const std::vector<std::string_view>& formals) {
    return std::find(formals.begin(), formals.end(), name) != formals.end();
  };
  if (formal_of(b, fa) || formal_of(a, fb)) return 0.95;
  for (std::string_view x : fa)
    if (formal_of(x, fb)) return 0.95;
  const double plain = JaroWinkler(a, b);
  if (!HasUmlautPair(a) && !HasUmlautPair(b)) return plain;  // transliterated alike
  return std::max(plain, JaroWinkler(Transliterated(a), Transliterated(b)));
}

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += w;
  return out;
}

// The formal name of a given name for keys: its first formal name when it is a nickname.
std::string_view KeyGiven(std::string_view given) {
  const auto& formals = FormalNamesOf(given);
  return formals.empty() ? given : formals.front();
}

}  // namespace

double JaroWinkler(std::string_view a, std::string_view b) {
  if (a == b) return 1;
  if (a.empty() || b.empty()) return 0;
  const std::size_t window = std::max<std::size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  // Names are short: their marks fit on the stack.
  std::array<char, 64> small_a{}, small_b{};
  std::vector<char> large_a, large_b;
  char* used_a = small_a.data();
  char* used_b = small_b.data();
  if (a.size() > small_a.size()) {
    large_a.assign(a.size(), 0);
    used_a = large_a.data();
  }
  if (b.size() > small_b.size()) {
    large_b.assign(b.size(), 0);
    used_b = large_b.data();
  }
  std::size_t matches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::size_t lo = i > window ? i - window : 0;
    const std::size_t hi = std::min(b.size(), i + window + 1);
    for (std::size_t j = lo; j < hi; ++j) {
      if (used_b[j] || a[i] != b[j]) continue;
      used_a[i] = used_b[j] = 1;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0;
  std::size_t transposed = 0;
  for (std::size_t i = 0, j = 0; i < a.size(); ++i) {
    if (!used_a[i]) continue;
    while (!used_b[j]) ++j;
    transposed += a[i] != b[j];
    ++j;
  }
  const double m = static_cast<double>(matches);
  const double jaro = (m / a.size() + m / b.size() + (m - transposed / 2.0) / m) / 3;
  std::size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return jaro + 0.1 * prefix * (1 - jaro);
}

std::string Soundex(std::string_view word) {
  static constexpr std::array<char, 26> kCode = {'0', '1', '2', '3', '0', '1', '2', '0', '0', '2', '2', '4', '5',
                                                 '5', '0', '1', '2', '6', '2', '3', '0', '1', '0', '2', '0', '2'};
  std::string out;
  char last = 0;
  for (char ch : word) {
    if (ch < 'a' || ch > 'z') continue;
    const char code = kCode[ch - 'a'];
    if (out.empty()) {
      out += ch;
      last = code;
      continue;
    }
    if (ch == 'h' || ch == 'w') continue;  // neither codes nor separates
    if (code != '0' && code != last) out += code;
    last = code;
    if (out.size() == 4) break;
  }
  if (!out.empty()) out.resize(4, '0');
  return out;
}

const std::vector<std::string_view>& FormalNamesOf(std::string_view folded_given) {
  static const std::vector<std::string_view> kNone;
  const auto& map = NicknameMap();
  auto it = map.find(folded_given);
  return it == map.end() ? kNone : it->second;
}

NameParts PartsOf(const Customer& c) {
  NameParts p;
  if (c.kind == CustomerKind::kOrganization) {
    p.organization = true;
    std::vector<std::string> words = text::Words(text::FoldForSearch(c.display_name));
    // "S.L." and "S. A." are words of one letter each: joined, they are checked as one.
    std::size_t singles = 0;
    while (singles < words.size() && words[words.size() - 1 - singles].size() == 1) ++singles;
    if (singles >= 2) {
      std::string joined;
      for (std::size_t i = words.size() - singles; i < words.size(); ++i) joined += words[i];
      words.resize(words.size() - singles);
      words.push_back(std::move(joined));
    }
    while (words.size() > 1 && LegalForms().contains(words.back())) words.pop_back();
    if (words.size() > 1 && words.front() == "the") words.erase(words.begin());
    for (std::string& w : words)
      if (w != "and" && w != "und" && w != "et" && w != "y") p.words.push_back(std::move(w));
    return p;
  }
  if (!c.given_name.empty() || !c.family_name.empty()) {
    p.given = text::Words(text::FoldForSearch(c.given_name));
    p.family = text::Words(text::FoldForSearch(c.family_name));
  } else {
    std::vector<std::string> words = text::Words(text::FoldForSearch(c.display_name));
    if (!words.empty()) {
      p.family.push_back(std::move(words.back()));
      words.pop_back();
    }
    p.given = std::move(words);
  }
  return p;
}

double NameSimilarity(const NameParts& a, const NameParts& b) {
  if (a.organization != b.organization || a.empty() || b.empty()) return 0;
  if (a.organization) {
    std::vector<std::string> sa = a.words, sb = b.words;
    std::sort(sa.begin(), sa.end());
    std::sort(sb.begin(), sb.end());
    if (sa == sb) return 1;
    const auto spaced = [](const std::vector<std::string>& w) {
      std::string out;
      for (const std::string& s : w) out += (out.empty() ? "" : " ") + s;
      return out;
    };
    return std::max(JaroWinkler(spaced(a.words), spaced(b.words)), JaroWinkler(Joined(a.words), Joined(b.words)));
  }
  const std::string_view ga = a.given.empty() ? std::string_view() : a.given.front();
  const std::string_view gb = b.given.empty() ? std::string_view() : b.given.front();
  const std::string fa = Joined(a.family), fb = Joined(b.family);
  // Given and family compared, the family name weighing more; a name that disagrees in either
  // part is at most 0.7 however alike the other is.
  const auto pair = [](std::string_view g1, std::string_view f1, std::string_view g2, std::string_view f2) {
    if (g1.empty() || g2.empty()) {  // one word each at most: the family names alone
      const double f = TokenSimilarity(f1.empty() ? g1 : f1, f2.empty() ? g2 : f2);
      return g1.empty() && g2.empty() ? f : std::min(f, 0.9);
    }
    const double g = TokenSimilarity(g1, g2), f = TokenSimilarity(f1, f2);
    const double both = 0.4 * g + 0.6 * f;
    return std::min(g, f) < 0.75 ? std::min(both, 0.7) : both;
  };
  const double straight = pair(ga, fa, gb, fb);
  const double swapped = 0.97 * pair(ga, fa, fb, gb.empty() ? std::string_view() : gb);
  return std::max(straight, ga.empty() || gb.empty() ? 0.0 : swapped);
}

std::vector<std::string> NameKeys(const NameParts& p) {
  std::vector<std::string> keys;
  std::string first, second;
  if (p.organization) {
    if (p.words.empty()) return keys;
    first = p.words[0];
    if (p.words.size() > 1) second = p.words[1];
  } else {
    first = Joined(p.family);
    if (!p.given.empty()) second = std::string(KeyGiven(p.given.front()));
    if (first.empty()) std::swap(first, second);
  }
  const std::string s1 = Soundex(first);
  if (s1.empty()) return keys;
  const std::string s2 = Soundex(second);
  keys.push_back(s1 + "/" + (s2.empty() ? std::string() : s2.substr(0, 1)));
  if (!s2.empty() && s2 + "/" + s1.substr(0, 1) != keys[0]) keys.push_back(s2 + "/" + s1.substr(0, 1));
  return keys;
}

}  // namespace crm::duplicates
