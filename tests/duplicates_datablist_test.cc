// The matcher on real data: duplicates planted among the 10,000 Datablist customers with a fixed
// seed (typos, case, accents, phone formatting, swapped names, nicknames, initials; the company,
// city, phone and email domain each kept or not at random, the email never: emails are unique
// in a store), then found
// through the public API. Precision and recall at the default threshold are printed and held to
// at least 0.95 and 0.90.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/fixture.h"

namespace crm {
namespace {

const std::string kDatablist = std::string(CRM_TEST_DATA_DIR) + "/datablist-customers/customers-10000.csv";

// Nicknames the planted records use (written here, not read from the library's list).
const std::map<std::string, std::string> kNick = {
    {"Robert", "Bob"},      {"William", "Bill"},  {"Elizabeth", "Liz"}, {"Michael", "Mike"},  {"James", "Jim"},
    {"Jennifer", "Jenny"},  {"Christopher", "Chris"}, {"Katherine", "Kathy"}, {"Margaret", "Peggy"},
    {"Richard", "Rick"},    {"Thomas", "Tom"},    {"Joseph", "Joe"},    {"Daniel", "Dan"},    {"David", "Dave"},
    {"Matthew", "Matt"},    {"Anthony", "Tony"},  {"Steven", "Steve"},  {"Andrew", "Andy"},   {"Patricia", "Pat"},
    {"Samuel", "Sam"},      {"Nicholas", "Nick"}, {"Jonathan", "Jon"},  {"Timothy", "Tim"},   {"Kenneth", "Ken"},
    {"Gregory", "Greg"},    {"Jeffrey", "Jeff"},  {"Ronald", "Ron"},    {"Donald", "Don"},    {"Rebecca", "Becky"},
    {"Susan", "Sue"},       {"Deborah", "Debbie"}, {"Kimberly", "Kim"}, {"Pamela", "Pam"},    {"Victoria", "Vicky"},
    {"Zachary", "Zach"},    {"Edward", "Ted"},    {"Charles", "Chuck"}, {"Benjamin", "Ben"},  {"Alexander", "Alex"}};

class DatablistDuplicatesTest : public testing::StoreTest {
 protected:
  std::mt19937_64 rng_{20261206};
  std::size_t Pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  std::string Typo(std::string w) {
    if (w.size() < 4) return w + w.back();
    const std::size_t i = 1 + Pick(w.size() - 2);
    switch (Pick(4)) {
      case 0: std::swap(w[i], w[i + 1]); break;   // transposed
      case 1: w.erase(i, 1); break;               // dropped
      case 2: w.insert(i, 1, w[i]); break;        // doubled
      default: w[i] = w[i] == 'e' ? 'a' : 'e';    // mistyped vowel
    }
    return w;
  }
  static std::string Accented(std::string w) {
    for (const auto& [plain, accented] : std::vector<std::pair<char, const char*>>{{'e', "é"}, {'a', "á"}, {'o', "ö"}, {'u', "ü"}}) {
      const std::size_t at = w.find(plain);
      if (at != std::string::npos) return w.replace(at, 1, accented);
    }
    return w;
  }
  static std::string Upper(std::string w) {
    for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return w;
  }
  // The phone's digits (before an extension) grouped otherwise.
  static std::string Reformatted(const std::string& number) {
    std::string digits;
    for (char c : number) {
      if (c == 'x') break;
      if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
    }
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && i % 3 == 0 && digits.size() - i >= 2) out += ' ';
      out += digits[i];
    }
    return out;
  }

  // A second record of `o`, as typed again elsewhere.
  Customer Variant(const Customer& o, std::size_t n) {
    Customer v;
    v.given_name = o.given_name;
    v.family_name = o.family_name;
    if (Chance(0.8)) v.memberships = o.memberships;  // the company
    const auto nick = kNick.find(o.given_name);
    switch (n % 7) {
      case 0: v.family_name = Typo(v.family_name); break;
      case 1: v.given_name = Typo(v.given_name); break;
      case 2: v.family_name = Upper(v.family_name), v.given_name = Upper(v.given_name); break;
      case 3: v.family_name = Accented(v.family_name); break;
      case 4: std::swap(v.given_name, v.family_name); break;
      case 5: v.given_name = nick != kNick.end() ? nick->second : Typo(v.given_name); break;
      default: v.given_name = v.given_name.substr(0, 1) + "."; break;
    }
    if (Chance(0.7)) v.address.city = o.address.city;
    v.address.country = o.address.country;
    if (!o.phones.empty() && Chance(0.6)) v.phones.push_back(Phone{Reformatted(o.phones[0].number), "", false});
    if (Chance(0.5)) {
      // Another address, at the same domain half of the time.
      const std::string& e = o.emails.empty() ? std::string("x@example.net") : o.emails[0].address;
      const std::string domain = Chance(0.5) ? e.substr(e.find('@') + 1) : "gmail.com";
      v.emails.push_back(Email{"planted" + std::to_string(n) + "@" + domain, "", false});
    }
    return v;
  }
};

TEST_F(DatablistDuplicatesTest, PlantedDuplicatesAreFoundWithHighPrecisionAndRecall) {
  ASSERT_EQ(Ok(store_->Import({.path = kDatablist, .preset = "datablist"})).counts.failed, 0u);
  std::vector<Customer> people;
  CustomerQuery q = CustomerQuery::All();
  q.limit = 1000;
  for (;;) {
    const CustomerPage page = Ok(store_->Run(&ReadTxn::ListCustomers, q));
    for (const Customer& c : page.customers)
      if (c.kind == CustomerKind::kPerson) people.push_back(c);
    if (page.next_page_token.empty()) break;
    q.page_token = page.next_page_token;
  }
  ASSERT_EQ(people.size(), 10000u);

  constexpr std::size_t kPlanted = 700;
  std::set<std::pair<CustomerId, CustomerId>> truth;
  std::vector<std::pair<CustomerId, CustomerId>> planted;  // original, variant
  std::set<std::size_t> used;
  ASSERT_TRUE(store_->Write("", [&](WriteTxn& t) -> absl::Status {
    for (std::size_t n = 0; n < kPlanted; ++n) {
      std::size_t i = Pick(people.size());
      while (!used.insert(i).second) i = Pick(people.size());
      auto v = t.CreateCustomer(Variant(people[i], n));
      if (!v.ok()) return v.status();
      planted.emplace_back(people[i].id, v->id);
      truth.emplace(std::min(people[i].id, v->id), std::max(people[i].id, v->id));
    }
    return absl::OkStatus();
  }).ok());

  // Recall: each planted record's candidates name its original.
  std::size_t found = 0;
  for (const auto& [original, variant] : planted) {
    const auto candidates = Ok(store_->Run(&ReadTxn::FindDuplicates, variant, MatchOptions{}));
    found += std::any_of(candidates.begin(), candidates.end(), [&](const DuplicateCandidate& d) { return d.id == original; });
  }
  // Precision: every pair the store-wide scan keeps, planted or not.
  const DuplicateScanProgress scan = Ok(store_->ScanDuplicates({}));
  ASSERT_TRUE(scan.finished);
  std::size_t pairs = 0, right = 0;
  DuplicateSetQuery sq;
  sq.limit = 1000;
  for (;;) {
    const DuplicateSetPage page = Ok(store_->Run(&ReadTxn::ListDuplicateSets, sq));
    for (const DuplicateSet& s : page.sets)
      for (const DuplicatePair& p : s.pairs) {
        ++pairs;
        right += truth.count({p.a, p.b});
      }
    if (page.next_page_token.empty()) break;
    sq.page_token = page.next_page_token;
  }
  const double recall = static_cast<double>(found) / kPlanted;
  const double scan_recall = static_cast<double>(right) / kPlanted;
  const double precision = pairs == 0 ? 0 : static_cast<double>(right) / pairs;
  std::printf("planted %zu duplicates among %zu customers: recall %.4f (scan %.4f), precision %.4f (%zu of %zu pairs)\n",
              kPlanted, people.size(), recall, scan_recall, precision, right, pairs);
  RecordProperty("recall", std::to_string(recall));
  RecordProperty("precision", std::to_string(precision));
  EXPECT_GE(recall, 0.90);
  EXPECT_GE(scan_recall, 0.90);
  EXPECT_GE(precision, 0.95);
  EXPECT_EQ(scan.pairs, pairs);
}

}  // namespace
}  // namespace crm
