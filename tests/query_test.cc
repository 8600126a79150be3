// The query engine through the public API: filters, searches with keyset pages, counts, plans
// and grouped aggregates. Results are checked against the same question answered in the test by
// plain loops over the records it made.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "absl/strings/ascii.h"
#include "support/fixture.h"

namespace crm {
namespace {

constexpr const char* kCountries[] = {"DE", "FR", "US", "de", ""};
constexpr const char* kOwners[] = {"ann", "bob", "Ann", ""};
constexpr const char* kTags[] = {"vip", "VIP", "newsletter", "partner"};
constexpr LifecycleStage kStages[] = {LifecycleStage::kLead, LifecycleStage::kProspect, LifecycleStage::kCustomer,
                                      LifecycleStage::kChurned};

class QueryTest : public testing::StoreTest {
 protected:
  // Customers with every combination of the fields filters look at, chosen at random.
  void MakeCustomers(int n) {
    std::mt19937 rng(7);
    ASSERT_TRUE(store_->Write("t", [&](WriteTxn& t) -> absl::Status {
      for (int i = 0; i < n; ++i) {
        Customer c;
        c.given_name = "P" + std::to_string(rng() % 1000);
        c.family_name = std::string(1, static_cast<char>('a' + rng() % 26)) + "name";
        c.address.country = kCountries[rng() % 5];
        c.owner = kOwners[rng() % 4];
        c.stage = kStages[rng() % 4];
        if (rng() % 2) c.tags.push_back(kTags[rng() % 2]);
        if (rng() % 3 == 0) c.tags.push_back(kTags[2 + rng() % 2]);
        if (rng() % 2) c.custom["score"] = static_cast<std::int64_t>(rng() % 10);
        if (rng() % 4 == 0) c.custom["budget"] = Money{static_cast<std::int64_t>(rng() % 100000), "EUR"};
        auto made = t.CreateCustomer(c);
        if (!made.ok()) return made.status();
        if (rng() % 10 == 0) {
          auto archived = t.ArchiveCustomer(made->id);
          if (!archived.ok()) return archived.status();
        }
      }
      return absl::OkStatus();
    }).ok());
  }

  std::vector<Customer> All() {
    Search s;
    s.include_archived = true;
    s.limit = 1000;
    std::vector<Customer> out;
    while (true) {
      CustomerPage page = Ok(store_->Run(&ReadTxn::SearchCustomers, s));
      out.insert(out.end(), page.customers.begin(), page.customers.end());
      if (page.next_page_token.empty()) return out;
      s.page_token = page.next_page_token;
    }
  }

  std::vector<CustomerId> Matching(const std::string& filter, bool archived = false) {
    Search s;
    s.filter = Ok(Filter::Parse(filter));
    s.include_archived = archived;
    s.limit = 1000;
    std::vector<CustomerId> ids;
    for (const Customer& c : Ok(store_->Run(&ReadTxn::SearchCustomers, s)).customers) ids.push_back(c.id);
    EXPECT_EQ(Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kCustomer, s)), ids.size()) << filter;
    return ids;
  }

  template <class Pred>
  std::vector<CustomerId> Expected(Pred pred, bool archived = false) {
    std::vector<CustomerId> ids;
    for (const Customer& c : All())
      if ((archived || !c.archived) && pred(c)) ids.push_back(c.id);
    return ids;
  }

  static bool Lower(const std::string& a, const std::string& b) {
    return absl::AsciiStrToLower(a) == absl::AsciiStrToLower(b);
  }
  static bool HasTag(const Customer& c, const std::string& tag) {
    for (const std::string& t : c.tags)
      if (Lower(t, tag)) return true;
    return false;
  }
  static std::int64_t Score(const Customer& c) {
    auto it = c.custom.find("score");
    return it == c.custom.end() ? -1 : std::get<std::int64_t>(it->second);
  }
};

TEST_F(QueryTest, ParseErrorsNameThePosition) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {Case{"stage =", "filter: at 8: expected a value"},
                        Case{"stage = 'customer' and", "filter: at 23: expected a field name"},
                        Case{"(tag = 'a'", "filter: at 11: expected ')'"},
                        Case{"tag = 'a", "filter: at 7: text is not closed"},
                        Case{"tag ~ 'a'", "filter: at 5: expected a comparison"},
                        Case{"tag in ('a' 'b')", "filter: at 13: expected ',' or ')'"},
                        Case{"tag is full", "filter: at 8: expected 'empty' after 'is'"},
                        Case{"x = 1 y = 2", "filter: at 7: expected 'and', 'or' or the end"}}) {
    auto f = Filter::Parse(c.text);
    ASSERT_FALSE(f.ok()) << c.text;
    EXPECT_TRUE(absl::IsInvalidArgument(f.status()));
    EXPECT_EQ(f.status().message().substr(0, std::string_view(c.message).size()), c.message) << f.status();
  }
  std::string deep(200, '(');
  EXPECT_TRUE(absl::IsInvalidArgument(Filter::Parse(deep + "id = 1").status()));
}

TEST_F(QueryTest, TextFormRoundTrips) {
  for (const char* text :
       {"stage = 'customer' and (country = 'DE' or country = 'FR') and not (tag = 'vip')",
        "custom.score >= 5 and owner is not empty", "amount >= 1000.50 and amount < 20 EUR",
        "name prefix 'o''brien' or id in (1, 2, 3)", "tag is empty", "created_at >= '2024-01-01'",
        "consent.do_not_call = false"}) {
    Filter f = Ok(Filter::Parse(text));
    EXPECT_EQ(Ok(Filter::Parse(f.ToString())).ToString(), f.ToString()) << text;
  }
  Filter built = Filter::And(Filter::Compare("tag", Filter::Op::kEq, std::string("it's")),
                             Filter::Not(Filter::In("owner", {std::string("a"), std::string("b")})));
  EXPECT_EQ(built.ToString(), "tag = 'it''s' and not (owner in ('a', 'b'))");
  EXPECT_TRUE(Filter().matches_all());
  EXPECT_TRUE(Ok(Filter::Parse("  ")).matches_all());
}

TEST_F(QueryTest, CombinedFiltersMatchAPlainLoop) {
  MakeCustomers(700);
  struct Case {
    const char* filter;
    std::function<bool(const Customer&)> pred;
  };
  const std::vector<Case> cases = {
      {"stage = 'customer' and country = 'DE' and tag = 'vip'",
       [](const Customer& c) { return c.stage == LifecycleStage::kCustomer && Lower(c.address.country, "de") && HasTag(c, "vip"); }},
      {"tag in ('newsletter', 'partner') or owner = 'bob'",
       [](const Customer& c) { return HasTag(c, "newsletter") || HasTag(c, "partner") || c.owner == "bob"; }},
      {"owner = 'Ann'", [](const Customer& c) { return c.owner == "Ann"; }},
      {"not (country = 'de') and stage >= 'customer'",
       [](const Customer& c) { return !Lower(c.address.country, "de") && c.stage >= LifecycleStage::kCustomer; }},
      {"custom.score >= 5 and custom.score < 8", [](const Customer& c) { return Score(c) >= 5 && Score(c) < 8; }},
      {"custom.score is empty", [](const Customer& c) { return Score(c) < 0; }},
      {"country is empty or owner is empty", [](const Customer& c) { return c.address.country.empty() || c.owner.empty(); }},
      {"custom.budget > 500 and custom.budget <= 700.00 EUR",
       [](const Customer& c) {
         auto it = c.custom.find("budget");
         if (it == c.custom.end()) return false;
         const std::int64_t cents = std::get<Money>(it->second).minor_units;
         return cents > 50000 && cents <= 70000;
       }},
      {"tag != 'vip' and family_name prefix 'B'",
       [](const Customer& c) { return !HasTag(c, "vip") && (c.family_name[0] == 'b'); }},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Matching(c.filter), Expected(c.pred)) << c.filter;
    EXPECT_EQ(Matching(c.filter, true), Expected(c.pred, true)) << c.filter;
  }
}

TEST_F(QueryTest, SortedPagesAreStableWhileOthersWrite) {
  MakeCustomers(120);
  Search s;
  s.filter = Ok(Filter::Parse("stage in ('lead', 'customer')"));
  s.order_by = "family_name";
  s.descending = true;
  s.limit = 7;
  std::vector<Customer> expected;
  for (const Customer& c : All())
    if (!c.archived && (c.stage == LifecycleStage::kLead || c.stage == LifecycleStage::kCustomer)) expected.push_back(c);
  std::stable_sort(expected.begin(), expected.end(), [](const Customer& a, const Customer& b) {
    return a.family_name != b.family_name ? a.family_name > b.family_name : a.id > b.id;
  });
  std::vector<CustomerId> got;
  int pages = 0;
  while (true) {
    CustomerPage page = Ok(store_->Run(&ReadTxn::SearchCustomers, s));
    for (const Customer& c : page.customers) got.push_back(c.id);
    if (++pages == 2) {  // a newcomer sorting before this point is not seen; one after it is
      Customer early;
      early.display_name = "Early";
      early.family_name = "zzz";
      early.stage = LifecycleStage::kLead;
      Ok(store_->Run(&WriteTxn::CreateCustomer, early));
    }
    if (page.next_page_token.empty()) break;
    s.page_token = page.next_page_token;
  }
  std::vector<CustomerId> want;
  for (const Customer& c : expected) want.push_back(c.id);
  EXPECT_EQ(got, want);

  s.page_token = "garbage";
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::SearchCustomers, s).status()));
  s.page_token.clear();
  s.order_by = "nmae";
  auto bad = store_->Run(&ReadTxn::SearchCustomers, s);
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status()));
  EXPECT_NE(bad.status().message().find("order_by: field 'nmae': not a field of customers"), std::string::npos)
      << bad.status();
}

TEST_F(QueryTest, ExplainNamesTheIndexes) {
  MakeCustomers(50);
  Search s;
  s.filter = Ok(Filter::Parse("stage = 'customer' and country = 'DE' and tag = 'vip' and custom.score > 1"));
  s.order_by = "name";
  SearchPlan plan = Ok(store_->Run(&ReadTxn::Explain, EntityType::kCustomer, s));
  EXPECT_FALSE(plan.full_scan);
  EXPECT_TRUE(plan.sorted_in_memory);
  ASSERT_EQ(plan.indexes.size(), 3u) << plan.text;
  EXPECT_EQ(plan.indexes[0], "stage = 'customer'");
  EXPECT_EQ(plan.indexes[2], "tag = 'vip'");
  s.filter = Ok(Filter::Parse("not (tag = 'vip')"));
  plan = Ok(store_->Run(&ReadTxn::Explain, EntityType::kCustomer, s));
  EXPECT_TRUE(plan.full_scan) << plan.text;
  s.filter = Ok(Filter::Parse("contry = 'DE'"));
  auto bad = store_->Run(&ReadTxn::Explain, EntityType::kCustomer, s);
  EXPECT_NE(bad.status().message().find("filter: field 'contry': not a field of customers"), std::string::npos)
      << bad.status();
  s.filter = Ok(Filter::Parse("stage = 'custmer'"));
  bad = store_->Run(&ReadTxn::Explain, EntityType::kCustomer, s);
  EXPECT_NE(bad.status().message().find("'custmer' is not one of subscriber, lead"), std::string::npos) << bad.status();
}

TEST_F(QueryTest, OpportunitiesByStageNameStatusAndAmount) {
  const Customer acme = MakeOrg("Acme");
  std::vector<Opportunity> deals;
  for (int i = 0; i < 30; ++i) {
    Opportunity o;
    o.customer = i % 3 == 0 ? acme.id : 0;
    if (o.customer == 0) o.customer = MakeOrg("Org " + std::to_string(i)).id;
    o.title = "Deal " + std::to_string(i);
    o.amount = Money{(i + 1) * 10050, i % 4 == 0 ? "USD" : "EUR"};
    o.owner = i % 2 ? "ann" : "bob";
    deals.push_back(Ok(store_->Run(&WriteTxn::CreateOpportunity, o)));
  }
  for (int i = 0; i < 30; i += 5) Ok(store_->Run(&WriteTxn::CloseWon, deals[i].id));
  for (int i = 1; i < 30; i += 7)
    if (i % 5 != 0) Ok(store_->Run(&WriteTxn::CloseLost, deals[i].id, std::string_view("price")));
  const auto count = [&](const std::string& filter) {
    Search s;
    s.filter = Ok(Filter::Parse(filter));
    return Ok(store_->Run(&ReadTxn::CountMatching, EntityType::kOpportunity, s));
  };
  // The same questions answered by a loop over the stored deals.
  std::vector<Opportunity> stored;
  for (const Opportunity& d : deals) stored.push_back(Ok(store_->Run(&ReadTxn::GetOpportunity, d.id)));
  const StageId won = StageNamed("Closed Won"), lost = StageNamed("Closed Lost"), first = StageNamed("Prospecting");
  const auto expect = [&](auto pred) {
    return static_cast<std::uint64_t>(std::count_if(stored.begin(), stored.end(), pred));
  };
  EXPECT_EQ(count("status = 'won'"), expect([&](const Opportunity& o) { return o.stage == won; }));
  EXPECT_EQ(count("stage = 'closed won'"), expect([&](const Opportunity& o) { return o.stage == won; }));
  EXPECT_EQ(count("status = 'lost' and owner = 'ann'"),
            expect([&](const Opportunity& o) { return o.stage == lost && o.owner == "ann"; }));
  EXPECT_EQ(count("stage = 'Prospecting'"), expect([&](const Opportunity& o) { return o.stage == first; }));
  EXPECT_EQ(count("status = 'open'"), 20u);
  EXPECT_EQ(count("customer = " + std::to_string(acme.id)), 10u);
  EXPECT_EQ(count("amount >= 1000 and amount < 2000 and currency = 'eur'"),
            expect([&](const Opportunity& o) {
              return o.amount.currency == "EUR" && o.amount.minor_units >= 100000 && o.amount.minor_units < 200000;
            }));
  EXPECT_EQ(count("amount >= 1000 and amount < 2000 and currency = 'eur'"), 8u);
  EXPECT_EQ(count("amount >= 100.50 EUR"), 22u);  // every EUR deal; the USD ones do not compare
  Search s;
  s.filter = Ok(Filter::Parse("stage = 'Nope'"));
  auto bad = store_->Run(&ReadTxn::CountMatching, EntityType::kOpportunity, s);
  EXPECT_NE(bad.status().message().find("no pipeline has a stage named 'Nope'"), std::string::npos) << bad.status();
  // A pipeline by its name (any case) or its id.
  const PipelineId sales = Ok(store_->Run(&ReadTxn::GetDefaultPipeline)).id;
  EXPECT_EQ(count("pipeline = 'sales'"), 30u);
  EXPECT_EQ(count("pipeline = " + std::to_string(sales) + " and status = 'won'"), count("pipeline in ('Sales') and status = 'won'"));
  s.filter = Ok(Filter::Parse("pipeline = 'Partners'"));
  bad = store_->Run(&ReadTxn::CountMatching, EntityType::kOpportunity, s);
  EXPECT_NE(bad.status().message().find("no pipeline named 'Partners'"), std::string::npos) << bad.status();
  s.filter = Ok(Filter::Parse("stage > 'Won'"));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::CountMatching, EntityType::kOpportunity, s).status()));
  s.filter = Ok(Filter::Parse("status = 'won' and owner = 'bob'"));
  s.order_by = "amount";
  s.descending = true;
  OpportunityPage page = Ok(store_->Run(&ReadTxn::SearchOpportunities, s));
  ASSERT_EQ(page.opportunities.size(), 3u);  // deals 0, 10, 20: USD 10.05, EUR 110.55, USD 211.05
  EXPECT_EQ(page.opportunities[0].id, deals[20].id);
  EXPECT_EQ(page.opportunities[1].id, deals[0].id);
  EXPECT_EQ(page.opportunities[2].id, deals[10].id);
}

TEST_F(QueryTest, AggregatesGroupAndNeverMixCurrencies) {
  const Customer acme = MakeOrg("Acme");
  // Deals closed at known times: 2024-03-31 23:30 UTC is in April in Berlin.
  const Timestamp march_31_2330 = 1711927800'000000;
  const Timestamp april_15 = 1713182400'000000;
  struct Made {
    const char* owner;
    std::int64_t cents;
    const char* currency;
    Timestamp closed;
  };
  const Made made[] = {{"ann", 1000, "EUR", march_31_2330}, {"ann", 2500, "EUR", april_15},
                       {"ann", 700, "USD", april_15},       {"bob", 999, "EUR", march_31_2330},
                       {"", 100, "EUR", april_15}};
  for (const Made& m : made) {
    Opportunity o;
    o.customer = acme.id;
    o.title = "d";
    o.owner = m.owner;
    o.amount = Money{m.cents, m.currency};
    o = Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
    now_ = m.closed;
    Ok(store_->Run(&WriteTxn::CloseWon, o.id));
  }
  Opportunity open;
  open.customer = acme.id;
  open.title = "open";
  open.owner = "ann";
  open.amount = Money{5, "EUR"};
  Ok(store_->Run(&WriteTxn::CreateOpportunity, open));

  Aggregation a;
  a.filter = Ok(Filter::Parse("status = 'won'"));
  a.group_by = Ok(Aggregation::ParseGroupBy("owner, month(closed_at)"));
  a.measures = Ok(Aggregation::ParseMeasures("sum(amount), count, avg(amount), min(amount), max(amount)"));
  a.time_zone = "Europe/Berlin";
  AggregateResult r = Ok(store_->Run(&ReadTxn::Aggregate, EntityType::kOpportunity, a));
  std::vector<std::string> rows;
  for (const AggregateRow& row : r.rows) {
    std::string line = (row.keys[0].empty ? "-" : row.keys[0].label) + " " + row.keys[1].label + " " + row.currency;
    for (const MeasureValue& v : row.values) line += " " + std::to_string(v.value);
    rows.push_back(line);
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"- 2024-04 EUR 100 1 100 100 100", "ann 2024-04 EUR 3500 2 3500 1000 2500",
                                            "ann 2024-04 USD 700 1 700 700 700", "bob 2024-04 EUR 999 1 999 999 999"}));
  EXPECT_DOUBLE_EQ(r.rows[1].values[2].average, 1750.0);
  EXPECT_TRUE(std::holds_alternative<DateTime>(r.rows[1].keys[1].value));

  a.time_zone = "UTC";
  a.group_by = Ok(Aggregation::ParseGroupBy("quarter(closed_at), week(closed_at)"));
  a.measures = Ok(Aggregation::ParseMeasures("count_distinct(owner)"));
  r = Ok(store_->Run(&ReadTxn::Aggregate, EntityType::kOpportunity, a));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].keys[0].label, "2024-Q1");
  EXPECT_EQ(r.rows[0].keys[1].label, "2024-W13");
  EXPECT_EQ(r.rows[0].values[0].value, 2);  // ann and bob
  EXPECT_EQ(r.rows[1].keys[1].label, "2024-W16");
  EXPECT_EQ(r.rows[1].values[0].value, 1);  // ann (the deal without owner has no value)

  a.time_zone = "Mars/Olympus";
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::Aggregate, EntityType::kOpportunity, a).status()));
  a.time_zone = "UTC";
  a.measures = Ok(Aggregation::ParseMeasures("sum(title)"));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Run(&ReadTxn::Aggregate, EntityType::kOpportunity, a).status()));
  EXPECT_FALSE(Aggregation::ParseMeasures("total(amount)").ok());
  EXPECT_FALSE(Aggregation::ParseGroupBy("fortnight(closed_at)").ok());
}

TEST_F(QueryTest, CustomerGroupsMatchAPlainLoop) {
  MakeCustomers(300);
  Aggregation a;
  a.group_by = Ok(Aggregation::ParseGroupBy("country, tag"));
  a.measures = Ok(Aggregation::ParseMeasures("count, sum(custom.score)"));
  AggregateResult r = Ok(store_->Run(&ReadTxn::Aggregate, EntityType::kCustomer, a));
  std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::int64_t>> want;
  for (const Customer& c : All()) {
    if (c.archived) continue;
    std::vector<std::string> tags;
    for (const std::string& t : c.tags) tags.push_back(absl::AsciiStrToLower(t));
    if (tags.empty()) tags.push_back("");
    for (const std::string& t : tags) {
      auto& w = want[{absl::AsciiStrToLower(c.address.country), t}];
      ++w.first;
      if (Score(c) >= 0) w.second += Score(c);
    }
  }
  std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::int64_t>> got;
  for (const AggregateRow& row : r.rows)
    got[{absl::AsciiStrToLower(row.keys[0].label), absl::AsciiStrToLower(row.keys[1].label)}] = {row.values[0].value,
                                                                                               row.values[1].value};
  EXPECT_EQ(got, want);
}

TEST_F(QueryTest, CountsPerStageCountryAndOwnerComeFromCountersThatStayRight) {
  MakeCustomers(400);
  // Change things under the counters: updates that move customers between groups, archives,
  // restores and deletes.
  std::vector<Customer> all = All();
  ASSERT_TRUE(store_->Write("t", [&](WriteTxn& t) -> absl::Status {
    for (std::size_t i = 0; i < all.size(); i += 7) {
      Customer c = all[i];
      c.address.country = i % 2 ? "NL" : "";
      c.owner = i % 3 ? "zed" : c.owner;
      c.stage = LifecycleStage::kEvangelist;
      if (auto r = t.UpdateCustomer(c); !r.ok()) return r.status();
    }
    for (std::size_t i = 3; i < all.size(); i += 11)
      if (auto s = t.DeleteCustomer(all[i].id); !s.ok()) return s;
    for (std::size_t i = 5; i < all.size(); i += 13) {
      if (i % 11 == 3) continue;  // deleted above
      if (all[i].archived) {
        if (auto r = t.RestoreCustomer(all[i].id); !r.ok()) return r.status();
      } else if (auto r = t.ArchiveCustomer(all[i].id); !r.ok()) {
        return r.status();
      }
    }
    return absl::OkStatus();
  }).ok());
  const auto rows = [&](const std::string& field, bool archived, bool through_records) {
    Aggregation a;
    a.group_by = {GroupBy{field}};
    a.include_archived = archived;
    if (through_records) a.filter = Ok(Filter::Parse("id >= 1"));  // the same records, read one by one
    std::vector<std::string> out;
    for (const AggregateRow& r : Ok(store_->Run(&ReadTxn::Aggregate, EntityType::kCustomer, a)).rows)
      out.push_back((r.keys[0].empty ? "-" : r.keys[0].label) + "=" + std::to_string(r.values[0].value));
    return out;
  };
  for (const char* field : {"stage", "country", "owner"})
    for (bool archived : {false, true}) {
      const auto counted = rows(field, archived, false);
      EXPECT_EQ(counted, rows(field, archived, true)) << field << " archived=" << archived;
      EXPECT_GE(counted.size(), 3u) << field;
    }
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).ok());
  // And a plain loop agrees on the country counts.
  std::map<std::string, int> want;
  for (const Customer& c : All())
    if (!c.archived) ++want[c.address.country.empty() ? "-" : absl::AsciiStrToLower(c.address.country)];
  std::map<std::string, int> got;
  for (const std::string& r : rows("country", false, false)) {
    const auto eq = r.find('=');
    got[absl::AsciiStrToLower(r.substr(0, eq))] += std::stoi(r.substr(eq + 1));
  }
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace crm
