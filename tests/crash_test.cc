// Crash safety: a child process runs a fixed sequence of write transactions of every kind and
// acknowledges each commit on a pipe; the parent kills it with SIGKILL at a random moment,
// reopens the store and checks that every acknowledged transaction is there, whole, by every
// lookup path; that the one in flight is there whole or not at all; and that Verify finds
// nothing wrong (the change feed gap-free, every index matching its records). Then a new child
// carries on from where the store is.
//
// CRM_CRASH_KILLS (default 200) sets the number of kills.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "crm/store.hpp"
#include "support/child.h"
#include "support/temp_dir.h"

namespace crm {
namespace {

using testing::RunAndKill;
using testing::TempDir;

std::string N(std::uint64_t j) { return std::to_string(j); }

// Operation j, in a write transaction of its own made by actor "op-j":
//   j % 5 == 0: create customer a<j> (email, external id, tag, phone) and log a note on it
//   j % 5 == 1: update a<j-1>: owner and a tag "upd" (revision-checked)
//   j % 5 == 2: create b<j>-0..2 and a deal on a<j-2>, all in the one transaction
//   j % 5 == 3: archive a<j-3>
//   j % 5 == 4: delete b<j-2>-0
absl::Status RunOp(Store& store, std::uint64_t j) {
  return store.Write("op-" + N(j), [&](WriteTxn& txn) -> absl::Status {
    switch (j % 5) {
      case 0: {
        Customer c;
        c.given_name = "A" + N(j);
        c.family_name = "Crash";
        c.external_id = "a" + N(j);
        c.emails.push_back(Email{"a" + N(j) + "@crash.example", "", true});
        c.phones.push_back(Phone{"+1 555 01" + std::to_string(100000 + j).substr(1), ""});
        c.tags.push_back("t" + N(j % 7));
        auto made = txn.CreateCustomer(c);
        if (!made.ok()) return made.status();
        Interaction i;
        i.customer = made->id;
        i.kind = InteractionKind::kCall;
        i.subject = "call " + N(j);
        i.occurred_at = 1700000000000000 + static_cast<Timestamp>(j);
        return txn.LogInteraction(i).status();
      }
      case 1: {
        auto a = txn.FindCustomerByExternalId("a" + N(j - 1));
        if (!a.ok()) return a.status();
        a->owner = "o" + N(j % 3);
        a->tags.push_back("upd");
        return txn.UpdateCustomer(*a).status();
      }
      case 2: {
        for (int k = 0; k < 3; ++k) {
          Customer b;
          b.display_name = "B" + N(j) + "-" + N(k);
          b.external_id = "b" + N(j) + "-" + N(k);
          b.tags.push_back("batch");
          if (auto r = txn.CreateCustomer(b); !r.ok()) return r.status();
        }
        auto a = txn.FindCustomerByExternalId("a" + N(j - 2));
        if (!a.ok()) return a.status();
        Opportunity d;
        d.customer = a->id;
        d.title = "deal " + N(j);
        d.amount = Money{static_cast<std::int64_t>(j) * 100, "EUR"};
        return txn.CreateOpportunity(d).status();
      }
      case 3: {
        auto a = txn.FindCustomerByExternalId("a" + N(j - 3));
        if (!a.ok()) return a.status();
        return txn.ArchiveCustomer(a->id).status();
      }
      default: {
        auto b = txn.FindCustomerByExternalId("b" + N(j - 2) + "-0");
        if (!b.ok()) return b.status();
        return txn.DeleteCustomer(b->id, DeleteOptions{true});
      }
    }
  });
}

// How many operations the store holds: the last change's actor names the last one.
absl::StatusOr<std::uint64_t> Applied(const Store& store) {
  auto last = store.Run(&ReadTxn::LastChangeSeq);
  if (!last.ok()) return last.status();
  for (std::uint64_t seq = *last; seq > 0; --seq) {
    auto changes = store.Run(&ReadTxn::ListChanges, seq, std::size_t{1});
    if (!changes.ok()) return changes.status();
    if (changes->empty()) continue;
    const std::string& actor = changes->front().actor;
    if (actor.rfind("op-", 0) == 0) return std::stoull(actor.substr(3)) + 1;
  }
  return 0;
}

// The child: opens the store, says so, then runs operations from where the store is, writing
// each acknowledged one's number to `acks`, until it is killed.
[[noreturn]] void Child(const std::string& path, Durability durability, int acks) {
  StoreOptions o;
  o.durability = durability;
  auto store = Store::Open(path, o);
  if (!store.ok()) ::_exit(10);
  auto from = Applied(**store);
  if (!from.ok()) ::_exit(11);
  const std::string ready = "ready\n";
  if (::write(acks, ready.data(), ready.size()) < 0) ::_exit(12);
  for (std::uint64_t j = *from;; ++j) {
    if (absl::Status s = RunOp(**store, j); !s.ok()) {
      const std::string failed = "failed " + N(j) + " " + s.ToString() + "\n";
      (void)!::write(acks, failed.data(), failed.size());
      ::_exit(13);
    }
    const std::string line = N(j) + "\n";
    if (::write(acks, line.data(), line.size()) < 0) ::_exit(14);
  }
}

// What operations 0..applied-1 leave behind.
struct Model {
  std::uint64_t applied = 0;
  std::map<std::string, std::string> owner;       // a<j> -> owner
  std::set<std::string> updated, archived, b_alive;
  std::map<std::string, int> deals;               // a<j> -> deals on it

  void Apply(std::uint64_t j) {
    switch (j % 5) {
      case 0: owner["a" + N(j)] = ""; break;
      case 1: owner["a" + N(j - 1)] = "o" + N(j % 3), updated.insert("a" + N(j - 1)); break;
      case 2:
        for (int k = 0; k < 3; ++k) b_alive.insert("b" + N(j) + "-" + N(k));
        ++deals["a" + N(j - 2)];
        break;
      case 3: archived.insert("a" + N(j - 3)); break;
      default: b_alive.erase("b" + N(j - 2) + "-0");
    }
    applied = j + 1;
  }
};

// Checks the store against the model by every lookup path; the first difference, or "".
std::string Check(const Store& store, const Model& m) {
  CustomerQuery all = CustomerQuery::All();
  all.include_archived = true;
  auto count = store.Run(&ReadTxn::CountCustomers, all);
  if (!count.ok() || *count != m.owner.size() + m.b_alive.size())
    return "count " + (count.ok() ? N(*count) : count.status().ToString()) + ", expected " + N(m.owner.size() + m.b_alive.size());
  for (const auto& [a, owner] : m.owner) {
    auto c = store.Run(&ReadTxn::FindCustomerByEmail, a + "@crash.example");
    if (!c.ok()) return a + ": by email: " + c.status().ToString();
    auto same = store.Run(&ReadTxn::FindCustomerByExternalId, a);
    if (!same.ok() || same->id != c->id) return a + ": by external id";
    if (c->owner != owner) return a + ": owner '" + c->owner + "', expected '" + owner + "'";
    if (c->archived != (m.archived.count(a) > 0)) return a + ": archived flag";
    const bool upd = std::find(c->tags.begin(), c->tags.end(), "upd") != c->tags.end();
    if (upd != (m.updated.count(a) > 0)) return a + ": tag upd";
    TimelineQuery t;
    t.customer = c->id;
    auto timeline = store.Run(&ReadTxn::ListTimeline, t);
    if (!timeline.ok() || timeline->interactions.size() != 1) return a + ": timeline";
    auto deals = store.Run(&ReadTxn::CountOpportunities, OpportunityQuery::ForCustomer(c->id));
    const auto it = m.deals.find(a);
    if (!deals.ok() || *deals != static_cast<std::uint64_t>(it == m.deals.end() ? 0 : it->second)) return a + ": deals";
  }
  for (const std::string& b : m.b_alive)
    if (!store.Run(&ReadTxn::FindCustomerByExternalId, b).ok()) return b + ": missing";
  CustomerQuery batch = CustomerQuery::Tag("batch");
  batch.include_archived = true;
  auto batched = store.Run(&ReadTxn::CountCustomers, batch);
  if (!batched.ok() || *batched != m.b_alive.size()) return "tag batch count";
  CustomerQuery upd = CustomerQuery::Tag("upd");
  upd.include_archived = true;
  auto updated = store.Run(&ReadTxn::CountCustomers, upd);
  if (!updated.ok() || *updated != m.updated.size()) return "tag upd count";
  auto report = store.Run(&ReadTxn::Verify);
  if (!report.ok()) return "verify: " + report.status().ToString();
  if (!report->ok()) return "verify: " + report->problems.front();
  return "";
}

TEST(CrashTest, KilledWritersLoseNoAcknowledgedCommit) {
  const char* env = std::getenv("CRM_CRASH_KILLS");
  const int kills = env != nullptr && *env != '\0' ? std::atoi(env) : 200;
  TempDir dir;
  const std::string path = dir.File("crash.db");
  std::mt19937 rng(12345);
  Model model;
  int in_flight_applied = 0;
  for (int kill = 0; kill < kills; ++kill) {
    // Every durability level: a killed process loses no acknowledged commit at any of them.
    const Durability durability = static_cast<Durability>(kill % 3);
    std::string got;
    ASSERT_NO_FATAL_FAILURE(RunAndKill([&](int acks) { Child(path, durability, acks); },
                                       std::chrono::microseconds(rng() % (durability == Durability::kFull ? 30000 : 8000)),
                                       &got));
    // The acknowledged operations: every line after "ready".
    std::uint64_t acked = model.applied;
    std::size_t at = got.find("ready\n") + 6;
    for (std::size_t nl; (nl = got.find('\n', at)) != std::string::npos; at = nl + 1) {
      const std::uint64_t j = std::stoull(got.substr(at, nl - at));
      ASSERT_EQ(j, acked) << "acknowledgements out of order";
      ++acked;
    }
    StoreOptions o;
    o.sync = false;
    auto store = Store::Open(path, o);
    ASSERT_TRUE(store.ok()) << "after kill " << kill << ": " << store.status();
    auto applied = Applied(**store);
    ASSERT_TRUE(applied.ok()) << applied.status();
    ASSERT_GE(*applied, acked) << "kill " << kill << ": an acknowledged commit was lost";
    ASSERT_LE(*applied, acked + 1) << "kill " << kill << ": more operations than were run";
    if (*applied == acked + 1) ++in_flight_applied;
    while (model.applied < *applied) model.Apply(model.applied);
    const std::string problem = Check(**store, model);
    ASSERT_EQ(problem, "") << "after kill " << kill << " (" << model.applied << " operations)";
  }
  std::cout << kills << " kills, " << model.applied << " operations; the commit in flight at the kill was "
            << "found whole " << in_flight_applied << " times and absent the others\n";
}

// Group commit under kills: a child runs kGroupThreads threads, each creating customers
// "t<t>-<k>" (k = 0, 1, ...; tag "t<t>", with a note) one durable write at a time and
// acknowledging each on the pipe ("t k"); their writes share commits. After a kill every
// acknowledged write is there, each thread's writes form a gap-free prefix (at most one more
// than acknowledged: its write in flight), and Verify finds nothing wrong.
constexpr int kGroupThreads = 8;

std::string GroupKey(int t, std::uint64_t k) { return "t" + N(t) + "-" + N(k); }

absl::StatusOr<std::uint64_t> GroupDone(const Store& store, int t) {
  return store.Run(&ReadTxn::CountCustomers, CustomerQuery::Tag("t" + N(t)));
}

[[noreturn]] void GroupChild(const std::string& path, Durability durability, int acks) {
  StoreOptions o;
  o.durability = durability;
  auto store = Store::Open(path, o);
  if (!store.ok()) ::_exit(10);
  const std::string ready = "ready\n";
  if (::write(acks, ready.data(), ready.size()) < 0) ::_exit(12);
  std::vector<std::thread> threads;
  for (int t = 0; t < kGroupThreads; ++t)
    threads.emplace_back([&, t] {
      auto from = GroupDone(**store, t);
      if (!from.ok()) ::_exit(11);
      for (std::uint64_t k = *from;; ++k) {
        absl::Status s = (*store)->Write("t" + N(t), [&](WriteTxn& txn) -> absl::Status {
          Customer c;
          c.display_name = GroupKey(t, k);
          c.external_id = GroupKey(t, k);
          c.tags.push_back("t" + N(t));
          auto made = txn.CreateCustomer(c);
          if (!made.ok()) return made.status();
          Interaction i;
          i.customer = made->id;
          i.kind = InteractionKind::kNote;
          i.subject = GroupKey(t, k);
          return txn.LogInteraction(i).status();
        });
        const std::string line = s.ok() ? N(t) + " " + N(k) + "\n" : "failed " + s.ToString() + "\n";
        if (::write(acks, line.data(), line.size()) < 0 || !s.ok()) ::_exit(13);  // one write(): atomic
      }
    });
  for (auto& t : threads) t.join();
  ::_exit(14);
}

TEST(CrashTest, KilledGroupCommitsLoseNoAcknowledgedWrite) {
  const char* env = std::getenv("CRM_CRASH_KILLS");
  const int kills = std::max(8, (env != nullptr && *env != '\0' ? std::atoi(env) : 200) / 5);
  TempDir dir;
  const std::string path = dir.File("group.db");
  std::mt19937 rng(54321);
  std::vector<std::uint64_t> acked(kGroupThreads, 0);  // acknowledged writes per thread
  std::uint64_t in_flight_found = 0, commits_seen = 0;
  for (int kill = 0; kill < kills; ++kill) {
    const Durability durability = kill % 2 == 0 ? Durability::kFull : Durability::kNormal;
    std::string got;
    ASSERT_NO_FATAL_FAILURE(RunAndKill([&](int acks) { GroupChild(path, durability, acks); },
                                       std::chrono::microseconds(5000 + rng() % 30000), &got));
    std::size_t at = got.find("ready\n") + 6;
    for (std::size_t nl; (nl = got.find('\n', at)) != std::string::npos; at = nl + 1) {
      const std::size_t space = got.find(' ', at);
      const int t = std::stoi(got.substr(at, space - at));
      const std::uint64_t k = std::stoull(got.substr(space + 1, nl - space - 1));
      ASSERT_EQ(k, acked[t]) << "thread " << t << ": acknowledgements out of order";
      ++acked[t];
    }
    StoreOptions o;
    o.sync = false;
    auto store = Store::Open(path, o);
    ASSERT_TRUE(store.ok()) << "after kill " << kill << ": " << store.status();
    for (int t = 0; t < kGroupThreads; ++t) {
      auto done = GroupDone(**store, t);
      ASSERT_TRUE(done.ok()) << done.status();
      ASSERT_GE(*done, acked[t]) << "kill " << kill << ", thread " << t << ": an acknowledged write was lost";
      ASSERT_LE(*done, acked[t] + 1) << "kill " << kill << ", thread " << t << ": more writes than were run";
      in_flight_found += *done - acked[t];
      acked[t] = *done;
      for (std::uint64_t k = 0; k < *done; ++k) {
        auto c = (*store)->Run(&ReadTxn::FindCustomerByExternalId, GroupKey(t, k));
        ASSERT_TRUE(c.ok()) << GroupKey(t, k) << " missing after kill " << kill;
        TimelineQuery q;
        q.customer = c->id;
        auto timeline = (*store)->Run(&ReadTxn::ListTimeline, q);
        ASSERT_TRUE(timeline.ok() && timeline->interactions.size() == 1) << GroupKey(t, k) << ": its note";
      }
    }
    auto report = (*store)->Run(&ReadTxn::Verify);
    ASSERT_TRUE(report.ok()) << report.status();
    ASSERT_TRUE(report->ok()) << "after kill " << kill << ": " << report->problems.front();
    commits_seen = (*store)->Run(&ReadTxn::Statistics)->last_txn;
  }
  std::uint64_t writes = 0;
  for (std::uint64_t a : acked) writes += a;
  std::cout << kills << " kills of " << kGroupThreads << " writer threads: " << writes << " writes in "
            << commits_seen << " commits; a write in flight at the kill was found whole " << in_flight_found
            << " times\n";
}

}  // namespace
}  // namespace crm
