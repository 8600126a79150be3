// Duplicate matching, each run two ways in one process:
//   DuplicateCandidates/crm     FindDuplicatesOf (crm/duplicates.hpp): the candidates of a new
//                               customer against CRM_BENCH_SCALE (default 200,000) stored ones
//   DuplicateCandidates/sqlite  SQLite with the best indexes for the same blocking (email, phone,
//                               and the two phonetic name keys with the city, organization or email
//                               domain, each a composite index), prepared once; the rows it finds
//                               scored by the same similarity function (duplicates::Compare, with
//                               the probe worked out once, as the engine does)
// and the store-wide scan on its own (DuplicateScan/crm: every customer compared with its
// candidates, the pairs kept), whose target is an absolute time. Before timing, both sides must
// find the same candidates for every probe. The people: 75 given names, 2,500 family names,
// 1,000 towns, half of them members of one of 10,000 organizations with its own email domain (the
// others on a free-mail domain); the probes: half a stored person typed again (a typo in the
// family name, another email, the same town and organization), half someone new.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "bench_data.h"
#include "crm/store.hpp"
#include "duplicates/match.h"
#include "duplicates/names.h"
#include "sqlite_util.h"
#include "text/text.h"

namespace crm::bench {
namespace {

const char* const kFirst[] = {"Ab", "Bar", "Cal", "Dun", "Eck", "Fal", "Gar", "Hol", "Ing", "Jor", "Kes", "Lam", "Mor",
                              "Nor", "Ost", "Pen", "Quin", "Ros", "Sal", "Tor", "Ul", "Ven", "Wal", "Yar", "Zel"};
const char* const kSecond[] = {"berg", "by", "croft", "dale", "er", "ford", "gate", "ham", "ing", "kin",
                               "land", "ley", "man", "more", "ner", "ney", "ridge", "sen", "son", "ston",
                               "ter", "ton", "vik", "well", "worth", "wood", "ard", "el", "ick", "ow",
                               "ez", "ini", "ova", "ski", "ez", "ian", "ides", "ou", "ic", "as",
                               "ens", "is", "ot", "ux", "an", "on", "in", "et", "ai", "ur",
                               "ack", "ess", "ith", "ock", "ull", "amp", "inn", "orr", "ees", "oyd",
                               "ale", "ope", "ive", "uke", "ame", "ore", "ute", "ine", "eth", "yl",
                               "ance", "ence", "ings", "ands", "ords", "erts", "olds", "ills", "ows", "ays",
                               "isch", "ardt", "mann", "rich", "wald", "feld", "horn", "hurst", "lund", "strom",
                               "quist", "gren", "dahl", "holm", "rud"};
constexpr std::size_t kOrgs = 10'000;
constexpr std::size_t kProbes = 1'000;

struct Person {
  std::string given, family, city, email, phone;
  std::size_t org = 0;  // 0: none
};

Person MakePerson(std::size_t i, std::mt19937_64& rng) {
  Person p;
  p.given = GivenNames()[rng() % GivenNames().size()];
  p.family = std::string(kFirst[rng() % std::size(kFirst)]) + kSecond[rng() % std::size(kSecond)];
  p.city = "Town " + std::to_string(rng() % 1000);
  p.org = rng() % 2 == 0 ? 1 + rng() % kOrgs : 0;
  p.email = "p" + std::to_string(i) + "@" + (p.org != 0 ? "org" + std::to_string(p.org) + ".example" : "gmail.com");
  p.phone = FormattedPhone(i, "+1 %03llu %03llu %04llu");
  return p;
}

struct Loaded {
  std::unique_ptr<Store> crm;
  sqlite3* sql = nullptr;
  std::vector<CustomerId> org_ids;  // crm's id of organization k at [k]
  std::vector<Customer> probes;
};

Customer ToCustomer(const Person& p, const Loaded& l) {
  Customer c;
  c.given_name = p.given;
  c.family_name = p.family;
  c.address.city = p.city;
  c.emails.push_back(Email{p.email, "", false});
  c.phones.push_back(Phone{p.phone, "", false});
  if (p.org != 0) c.memberships.push_back(Membership{l.org_ids[p.org], ""});
  return c;
}

// The name keys of a person as the match index makes them.
std::vector<std::string> KeysOf(const Customer& c) { return duplicates::NameKeys(duplicates::PartsOf(c)); }

Loaded& Load() {
  static Loaded out = [] {
    Loaded l;
    const std::size_t n = Scale();
    StoreOptions options;
    options.sync = false;
    auto store = Store::Open(TempPath("duplicates.crm"), options);
    if (!store.ok()) Die(store.status().ToString());
    l.crm = *std::move(store);
    if (sqlite3_open(TempPath("duplicates.sqlite").c_str(), &l.sql) != SQLITE_OK) Die("sqlite open");
    Exec(l.sql, "PRAGMA journal_mode=WAL");
    Exec(l.sql, "PRAGMA synchronous=OFF");
    Exec(l.sql, "PRAGMA cache_size=-262144");
    Exec(l.sql, "CREATE TABLE customers(id INTEGER PRIMARY KEY, given TEXT, family TEXT, city TEXT, org INTEGER, "
                "phone TEXT, email TEXT, domain TEXT, k1 TEXT, k2 TEXT)");
    l.org_ids.assign(kOrgs + 1, 0);
    auto s = l.crm->Write("load", [&](WriteTxn& t) -> absl::Status {
      for (std::size_t k = 1; k <= kOrgs; ++k) {
        Customer org;
        org.kind = CustomerKind::kOrganization;
        org.display_name = "Organization " + std::to_string(k);
        auto made = t.CreateCustomer(org);
        if (!made.ok()) return made.status();
        l.org_ids[k] = made->id;
      }
      return absl::OkStatus();
    });
    if (!s.ok()) Die(s.ToString());
    sqlite3_stmt* put = Prepare(l.sql, "INSERT INTO customers VALUES(?,?,?,?,?,?,?,?,?,?)");
    std::mt19937_64 rng(17);
    std::vector<Person> people;
    people.reserve(n);
    for (std::size_t i = 0; i < n; ++i) people.push_back(MakePerson(i, rng));
    Exec(l.sql, "BEGIN");
    for (std::size_t next = 0; next < n; next += 2000) {
      s = l.crm->Write("load", [&](WriteTxn& t) -> absl::Status {
        for (std::size_t i = next; i < std::min(n, next + 2000); ++i) {
          auto made = t.CreateCustomer(ToCustomer(people[i], l));
          if (!made.ok()) return made.status();
          const std::vector<std::string> keys = KeysOf(*made);
          const std::string phone = made->phones[0].e164.empty() ? made->phones[0].number : made->phones[0].e164;
          const std::string domain = people[i].org != 0 ? "org" + std::to_string(people[i].org) + ".example" : "";
          sqlite3_bind_int64(put, 1, static_cast<sqlite3_int64>(made->id));
          int col = 2;
          for (const std::string* v : {&made->given_name, &made->family_name, &made->address.city})
            sqlite3_bind_text(put, col++, v->c_str(), -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64(put, 5, static_cast<sqlite3_int64>(people[i].org != 0 ? l.org_ids[people[i].org] : 0));
          sqlite3_bind_text(put, 6, phone.c_str(), -1, SQLITE_TRANSIENT);
          sqlite3_bind_text(put, 7, made->emails[0].address.c_str(), -1, SQLITE_TRANSIENT);
          sqlite3_bind_text(put, 8, domain.c_str(), -1, SQLITE_TRANSIENT);
          sqlite3_bind_text(put, 9, keys.at(0).c_str(), -1, SQLITE_TRANSIENT);
          sqlite3_bind_text(put, 10, keys.size() > 1 ? keys[1].c_str() : "", -1, SQLITE_TRANSIENT);
          if (sqlite3_step(put) != SQLITE_DONE) Die("sqlite insert");
          sqlite3_reset(put);
        }
        return absl::OkStatus();
      });
      if (!s.ok()) Die(s.ToString());
    }
    Exec(l.sql, "COMMIT");
    sqlite3_finalize(put);
    for (const char* index : {"email", "phone", "k1, city", "k2, city", "k1, org", "k2, org", "k1, domain", "k2, domain"}) {
      std::string name = index;
      for (char& ch : name) ch = (ch == ',' || ch == ' ') ? '_' : ch;
      Exec(l.sql, "CREATE INDEX by_" + name + " ON customers(" + index + ")");
    }
    Exec(l.sql, "ANALYZE");
    // The probes: half a stored person typed again, half someone new.
    for (std::size_t k = 0; k < kProbes; ++k) {
      Person p;
      if (k % 2 == 0) {
        p = people[rng() % n];
        p.family.insert(2, 1, p.family[2]);  // a doubled letter
        p.email = "again" + std::to_string(k) + "@gmail.com";
        p.phone = FormattedPhone(n + k, "+1 %03llu %03llu %04llu");
      } else {
        p = MakePerson(n + k, rng);
      }
      l.probes.push_back(ToCustomer(p, l));
    }
    return l;
  }();
  return out;
}

// The SQLite side: the candidates a probe's lookups find, scored as the engine scores them.
std::vector<DuplicateCandidate> SqliteCandidates(sqlite3_stmt* q, const Customer& probe) {
  const std::vector<std::string> keys = KeysOf(probe);  // worked out for each search, as the engine does
  const std::string k1 = keys.at(0), k2 = keys.size() > 1 ? keys[1] : keys[0];
  const std::string at = text::DomainOf(probe.emails[0].address);
  sqlite3_bind_text(q, 1, probe.emails[0].address.c_str(), -1, SQLITE_TRANSIENT);
  std::string e164 = "+";  // the probe's number as the store keeps it (every number here has its country code)
  for (char ch : probe.phones[0].number)
    if (ch >= '0' && ch <= '9') e164 += ch;
  sqlite3_bind_text(q, 2, e164.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 3, k1.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 4, k2.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 5, probe.address.city.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(q, 6, probe.memberships.empty() ? -1 : static_cast<sqlite3_int64>(probe.memberships[0].organization));
  sqlite3_bind_text(q, 7, at == "gmail.com" ? "-" : at.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<DuplicateCandidate> out;
  const MatchOptions o;
  const duplicates::Probe prepared(probe);  // worked out once a probe, as the engine does
  while (sqlite3_step(q) == SQLITE_ROW) {
    Customer c;
    c.id = static_cast<CustomerId>(sqlite3_column_int64(q, 0));
    c.given_name = reinterpret_cast<const char*>(sqlite3_column_text(q, 1));
    c.family_name = reinterpret_cast<const char*>(sqlite3_column_text(q, 2));
    c.address.city = reinterpret_cast<const char*>(sqlite3_column_text(q, 3));
    if (const auto org = sqlite3_column_int64(q, 4); org != 0) c.memberships.push_back(Membership{static_cast<CustomerId>(org), ""});
    Phone phone{reinterpret_cast<const char*>(sqlite3_column_text(q, 5)), "", false};
    phone.e164 = phone.number;
    c.phones.push_back(phone);
    c.emails.push_back(Email{reinterpret_cast<const char*>(sqlite3_column_text(q, 6)), "", false});
    DuplicateCandidate d = duplicates::Compare(prepared, c, o);
    if (d.score >= o.threshold && !d.reasons.empty()) out.push_back(std::move(d));
  }
  sqlite3_reset(q);
  std::sort(out.begin(), out.end(), [](const DuplicateCandidate& a, const DuplicateCandidate& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  if (out.size() > o.limit) out.resize(o.limit);
  return out;
}

constexpr char kQuery[] =
    "SELECT id, given, family, city, org, phone, email FROM customers WHERE id IN ("
    "SELECT id FROM customers WHERE email = ?1 UNION SELECT id FROM customers WHERE phone = ?2 "
    "UNION SELECT id FROM customers WHERE k1 IN (?3, ?4) AND city = ?5 UNION SELECT id FROM customers WHERE k2 IN (?3, ?4) AND city = ?5 "
    "UNION SELECT id FROM customers WHERE k1 IN (?3, ?4) AND org = ?6 UNION SELECT id FROM customers WHERE k2 IN (?3, ?4) AND org = ?6 "
    "UNION SELECT id FROM customers WHERE k1 IN (?3, ?4) AND domain = ?7 UNION SELECT id FROM customers WHERE k2 IN (?3, ?4) AND domain = ?7)";

std::vector<CustomerId> Ids(const std::vector<DuplicateCandidate>& d) {
  std::vector<CustomerId> out;
  for (const DuplicateCandidate& c : d) out.push_back(c.id);
  return out;
}

void DuplicateCandidatesCrm(benchmark::State& state) {
  Loaded& l = Load();
  auto txn = l.crm->BeginRead();
  if (!txn.ok()) Die(txn.status().ToString());
  std::size_t k = 0, found = 0;
  for (auto _ : state) {
    auto d = txn->FindDuplicatesOf(l.probes[k++ % kProbes], MatchOptions{});
    if (!d.ok()) Die(d.status().ToString());
    found += d->size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["found"] = static_cast<double>(found) / static_cast<double>(state.iterations());
}

void DuplicateCandidatesSqlite(benchmark::State& state) {
  Loaded& l = Load();
  sqlite3_stmt* q = Prepare(l.sql, kQuery);
  {  // both sides must find the same candidates
    auto txn = l.crm->BeginRead();
    if (!txn.ok()) Die(txn.status().ToString());
    for (std::size_t k = 0; k < kProbes; ++k) {
      auto mine = txn->FindDuplicatesOf(l.probes[k], MatchOptions{});
      if (!mine.ok()) Die(mine.status().ToString());
      if (Ids(*mine) != Ids(SqliteCandidates(q, l.probes[k]))) Die("the two sides disagree on probe " + std::to_string(k));
    }
  }
  std::size_t k = 0, found = 0;
  for (auto _ : state) {
    found += SqliteCandidates(q, l.probes[k % kProbes]).size();
    ++k;
  }
  sqlite3_finalize(q);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["found"] = static_cast<double>(found) / static_cast<double>(state.iterations());
}

void DuplicateScanCrm(benchmark::State& state) {
  Loaded& l = Load();
  DuplicateScanProgress p;
  for (auto _ : state) {
    DuplicateScanOptions o;
    o.restart = true;
    auto done = l.crm->ScanDuplicates(o);
    if (!done.ok()) Die(done.status().ToString());
    p = *done;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.examined));
  state.counters["customers"] = static_cast<double>(p.examined);
  state.counters["pairs"] = static_cast<double>(p.pairs);
}

BENCHMARK(DuplicateCandidatesCrm)->Name("DuplicateCandidates/crm")->Unit(benchmark::kMicrosecond);
BENCHMARK(DuplicateCandidatesSqlite)->Name("DuplicateCandidates/sqlite")->Unit(benchmark::kMicrosecond);
BENCHMARK(DuplicateScanCrm)->Name("DuplicateScan/crm")->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) { return crm::bench::RunBenchmarks(argc, argv); }
