// Random damage to a reference store: byte flips and truncations, thousands per run. After each,
// every lookup path is asked (in a child process, so that a crash or a hang is seen) and its
// answers compared with the undamaged store's. Every trial must end harmless (the same answers)
// or reported: DataLoss (CRM_ECORRUPT) or NotADatabase from some call, or, for a lookup that
// silently misses, a problem found by Verify. A crash, a hang, or a different answer that
// Verify does not explain fails the test.
//
// CRM_CORRUPTION_TRIALS (default 3000) and CRM_CORRUPTION_SEED (default: the time) set the run;
// the seed is printed so that a failure can be replayed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "crm/store.hpp"
#include "support/child.h"
#include "support/temp_dir.h"

namespace crm {
namespace {

using testing::InChild;
using testing::TempDir;

std::uint64_t EnvOr(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

// The reference store: organizations with members, tags, phones, countries, archived and
// deleted customers, deals with contacts, interactions linked to deals, and the feed of it all.
void Build(const std::string& path) {
  StoreOptions o;
  o.sync = false;
  auto store = Store::Open(path, o);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::Status s = (*store)->Write("builder", [&](WriteTxn& txn) -> absl::Status {
    std::vector<CustomerId> orgs, people;
    for (int i = 0; i < 6; ++i) {
      Customer org;
      org.kind = CustomerKind::kOrganization;
      org.display_name = "Org " + std::to_string(i);
      org.external_id = "org-" + std::to_string(i);
      org.tags = {"account", "tier" + std::to_string(i % 3)};
      auto made = txn.CreateCustomer(org);
      if (!made.ok()) return made.status();
      orgs.push_back(made->id);
    }
    for (int i = 0; i < 60; ++i) {
      Customer c;
      c.given_name = "Given" + std::to_string(i);
      c.family_name = "Family" + std::to_string(i % 17);
      c.emails.push_back(Email{"person" + std::to_string(i) + "@example.com", "work", true});
      c.phones.push_back(Phone{"+44 20 7946 " + std::to_string(1000 + i), "work"});
      c.external_id = "ext-" + std::to_string(i);
      c.tags = {"t" + std::to_string(i % 5)};
      c.owner = "owner" + std::to_string(i % 4);
      c.address.country = i % 2 ? "DE" : "FR";
      c.memberships.push_back(Membership{orgs[i % orgs.size()], "staff"});
      c.custom["notes"] = std::string(40 + i * 3, static_cast<char>('a' + i % 26));
      auto made = txn.CreateCustomer(c);
      if (!made.ok()) return made.status();
      people.push_back(made->id);
    }
    for (int i = 0; i < 12; ++i) {
      Opportunity d;
      d.customer = orgs[i % orgs.size()];
      d.title = "Deal " + std::to_string(i);
      d.amount = Money{1000 * (i + 1), "EUR"};
      d.owner = "owner" + std::to_string(i % 4);
      d.contacts.push_back(ContactRole{people[i], "buyer"});
      auto made = txn.CreateOpportunity(d);
      if (!made.ok()) return made.status();
      for (int k = 0; k < 3; ++k) {
        Interaction it;
        it.customer = d.customer;
        it.kind = k == 0 ? InteractionKind::kCall : InteractionKind::kNote;
        it.subject = "about deal " + std::to_string(i);
        it.occurred_at = 1700000000000000 + (i * 10 + k) * 1000000;
        it.opportunity = k == 0 ? made->id : 0;
        if (auto r = txn.LogInteraction(it); !r.ok()) return r.status();
      }
      if (i % 3 == 0)
        if (auto r = txn.CloseWon(made->id); !r.ok()) return r.status();
    }
    for (int i = 0; i < 60; i += 7)
      if (auto r = txn.ArchiveCustomer(people[i]); !r.ok()) return r.status();
    for (int i = 50; i < 53; ++i)
      if (auto r = txn.DeleteCustomer(people[i], DeleteOptions{}); !r.ok()) return r;
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;
}

// One line per lookup: its answer, or its error code. `store` is open on the file.
std::vector<std::string> Answers(const Store& store) {
  std::vector<std::string> out;
  const auto code = [](const absl::Status& s) { return "error " + std::string(absl::StatusCodeToString(s.code())); };
  const auto customer = [&](const absl::StatusOr<Customer>& c) {
    return c.ok() ? std::to_string(c->id) + " " + c->display_name + " r" + std::to_string(c->revision) : code(c.status());
  };
  const auto ids = [&](const absl::StatusOr<CustomerPage>& p) {
    if (!p.ok()) return code(p.status());
    std::string s;
    for (const Customer& c : p->customers) s += std::to_string(c.id) + (c.archived ? "a " : " ");
    return s;
  };
  const auto count = [&](const absl::StatusOr<std::uint64_t>& n) { return n.ok() ? std::to_string(*n) : code(n.status()); };
  CustomerQuery all = CustomerQuery::All();
  all.include_archived = true;
  all.limit = 1000;
  out.push_back("all " + ids(store.Run(&ReadTxn::ListCustomers, all)));
  out.push_back("count " + count(store.Run(&ReadTxn::CountCustomers, all)));
  for (int i = 0; i < 60; ++i) {
    const std::string n = std::to_string(i);
    out.push_back("email " + customer(store.Run(&ReadTxn::FindCustomerByEmail, "person" + n + "@example.com")));
    out.push_back("ext " + customer(store.Run(&ReadTxn::FindCustomerByExternalId, "ext-" + n)));
    out.push_back("id " + customer(store.Run(&ReadTxn::GetCustomer, CustomerId(i + 1))));
  }
  for (const char* phone : {"+44 20 7946 1003", "020 7946 1017", "+44 20 7946 1059"}) {
    auto found = store.Run(&ReadTxn::FindCustomersByPhone, phone);
    std::string s = "phone ";
    if (!found.ok()) s += code(found.status());
    else for (const Customer& c : *found) s += std::to_string(c.id) + " ";
    out.push_back(s);
  }
  std::vector<CustomerQuery> lists;
  for (int t = 0; t < 5; ++t) lists.push_back(CustomerQuery::Tag("t" + std::to_string(t)));
  for (int o = 0; o < 4; ++o) lists.push_back(CustomerQuery::Owner("owner" + std::to_string(o)));
  lists.push_back(CustomerQuery::Country("DE"));
  lists.push_back(CustomerQuery::NamePrefix("fam"));
  lists.push_back(CustomerQuery::Organization(1));
  lists.push_back(CustomerQuery::Stage(LifecycleStage::kLead));
  for (CustomerQuery q : lists) {
    q.include_archived = true;
    q.limit = 1000;
    out.push_back("list " + ids(store.Run(&ReadTxn::ListCustomers, q)));
    out.push_back("count " + count(store.Run(&ReadTxn::CountCustomers, q)));
  }
  for (CustomerId org = 1; org <= 6; ++org) {
    TimelineQuery tq;
    tq.customer = org;
    tq.limit = 1000;
    auto page = store.Run(&ReadTxn::ListTimeline, tq);
    std::string s = "timeline ";
    if (!page.ok()) s += code(page.status());
    else for (const Interaction& i : page->interactions) s += std::to_string(i.id) + " ";
    out.push_back(s);
    OpportunityQuery oq = OpportunityQuery::ForCustomer(org);
    oq.limit = 1000;
    auto deals = store.Run(&ReadTxn::ListOpportunities, oq);
    s = "deals ";
    if (!deals.ok()) s += code(deals.status());
    else for (const Opportunity& d : deals->opportunities) s += std::to_string(d.id) + ":" + std::to_string(d.stage) + " ";
    out.push_back(s);
  }
  for (OpportunityId id = 1; id <= 12; ++id) {
    auto d = store.Run(&ReadTxn::GetOpportunity, id);
    out.push_back("deal " + (d.ok() ? d->title + " " + std::to_string(d->amount.minor_units) : code(d.status())));
  }
  SalesQuery by_owner;
  by_owner.group_by = "owner";
  auto rate = store.Run(&ReadTxn::GetWinRate, by_owner);
  std::string s = "win rate ";
  if (!rate.ok()) s += code(rate.status());
  else
    for (const WinRateRow& r : rate->rows)
      s += r.group.label + ":" + std::to_string(r.won) + ":" + std::to_string(r.lost) + ":" +
           std::to_string(r.by_currency.empty() ? 0 : r.by_currency[0].won_amount) + " ";
  out.push_back(s);
  auto cycle = store.Run(&ReadTxn::GetSalesCycle, by_owner);
  s = "cycle ";
  if (!cycle.ok()) s += code(cycle.status());
  else for (const SalesCycleRow& r : cycle->rows) s += r.group.label + ":" + std::to_string(r.won) + ":" + std::to_string(r.median_days) + " ";
  out.push_back(s);
  auto changes = store.Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{1000});
  s = "feed ";
  if (!changes.ok()) s += code(changes.status());
  else for (const Change& c : *changes) s += std::to_string(c.seq) + ":" + std::to_string(c.entity_id) + " ";
  out.push_back(s);
  out.push_back("history " + [&] {
    auto h = store.Run(&ReadTxn::FieldHistory, EntityType::kCustomer, CustomerId{7}, std::string_view("owner"));
    return h.ok() ? std::to_string(h->size()) : code(h.status());
  }());
  return out;
}

// Opens `path` and answers every lookup, or says why it could not: the child's report.
std::string Examine(const std::string& path, bool read_only, const std::vector<std::string>* golden) {
  StoreOptions o;
  o.sync = false;
  o.read_only = read_only;
  auto store = Store::Open(path, o);
  if (!store.ok()) {
    const ErrorKind kind = ErrorKindOf(store.status());
    // A damaged schema version can read as a newer one: refused with a clear error all the same.
    if (absl::IsDataLoss(store.status()) || kind == ErrorKind::kNotADatabase || kind == ErrorKind::kNewerFormat)
      return "reported: open";
    return "other: open " + store.status().ToString();
  }
  const std::vector<std::string> answers = Answers(**store);
  if (golden == nullptr) {
    std::string all;
    for (const std::string& a : answers) all += a + "\n";
    return all;
  }
  bool reported = false;
  std::string differs;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (answers[i] == (*golden)[i]) continue;
    if (answers[i].find("error DATA_LOSS") != std::string::npos) {
      reported = true;
      continue;
    }
    if (differs.empty()) differs = "was \"" + (*golden)[i] + "\", now \"" + answers[i] + "\"";
  }
  if (differs.empty()) return reported ? "reported: lookup" : "harmless";
  auto report = (*store)->Run(&ReadTxn::Verify);
  if (!report.ok() && absl::IsDataLoss(report.status())) return "reported: verify failed";
  if (report.ok() && !report->ok()) return "reported: by verify";
  return "WRONG: " + differs + " (verify: " +
         (report.ok() ? std::to_string(report->records) + " records, no problems" : report.status().ToString()) + ")";
}

TEST(CorruptionTest, RandomDamageIsHarmlessOrReported) {
  TempDir dir;
  const std::string reference = dir.File("reference.db");
  Build(reference);
  std::ifstream in(reference, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> golden;
  {
    std::istringstream lines(InChild([&] { return Examine(reference, true, nullptr); }));
    for (std::string line; std::getline(lines, line);) golden.push_back(line);
  }
  ASSERT_GT(golden.size(), 200u);
  for (const std::string& g : golden) ASSERT_EQ(g.find("error DATA_LOSS"), std::string::npos) << g;

  const std::uint64_t trials = EnvOr("CRM_CORRUPTION_TRIALS", 3000);
  const std::uint64_t seed =
      EnvOr("CRM_CORRUPTION_SEED", static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()));
  const std::uint64_t only = EnvOr("CRM_CORRUPTION_ONLY", ~std::uint64_t{0});  // replays one trial
  std::mt19937_64 rng(seed);
  std::map<std::string, int> outcomes;
  std::vector<std::string> failures;
  const std::string damaged = dir.File("damaged.db");
  for (std::uint64_t trial = 0; trial < trials; ++trial) {
    std::string copy = bytes;
    std::string what;
    const int kind = static_cast<int>(rng() % 100);
    if (kind < 85) {
      const int flips = kind < 60 ? 1 : 2 + static_cast<int>(rng() % 15);
      for (int f = 0; f < flips; ++f) {
        const std::size_t at = rng() % copy.size();
        const char mask = static_cast<char>(1 + rng() % 255);
        copy[at] = static_cast<char>(copy[at] ^ mask);
        what += " flip@" + std::to_string(at);
      }
    } else {
      const std::size_t cut = rng() % copy.size();
      copy.resize(cut);
      what = " cut@" + std::to_string(cut);
    }
    std::filesystem::remove(damaged);
    std::filesystem::remove(damaged + "-lock");
    { std::ofstream(damaged, std::ios::binary) << copy; }
    if (only != ~std::uint64_t{0} && trial != only) continue;
    const bool read_only = trial % 2 == 0;
    if (const char* keep = std::getenv("CRM_CORRUPTION_KEEP"); keep != nullptr && only == trial) {
      std::filesystem::copy_file(damaged, keep, std::filesystem::copy_options::overwrite_existing);
      std::filesystem::copy_file(reference, std::string(keep) + ".reference", std::filesystem::copy_options::overwrite_existing);
    }
    const std::string outcome = InChild([&] {
      ::alarm(30);  // a hang ends the child with SIGALRM
      return Examine(damaged, read_only, &golden);
    });
    const std::string category = outcome.substr(0, outcome.find(':'));
    ++outcomes[category.rfind("killed by signal", 0) == 0 || category == "reported" ? outcome : category];
    if (category != "harmless" && category != "reported")
      failures.push_back("trial " + std::to_string(trial) + what + (read_only ? " (read-only)" : "") + ": " + outcome);
  }
  std::string summary = "seed " + std::to_string(seed) + ", " + std::to_string(trials) + " trials:";
  for (const auto& [name, n] : outcomes) summary += " " + name + " " + std::to_string(n) + ";";
  std::cout << summary << "\n";
  RecordProperty("outcomes", summary);
  EXPECT_TRUE(failures.empty()) << summary << "\n" << [&] {
    std::string all;
    for (std::size_t i = 0; i < failures.size() && i < 30; ++i) all += failures[i] + "\n";
    return all;
  }();
}

}  // namespace
}  // namespace crm
