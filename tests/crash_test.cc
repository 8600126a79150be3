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

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "crm/store.hpp"
#include "support/temp_dir.h"

namespace crm {
namespace {

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
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    // Every durability level: a killed process loses no acknowledged commit at any of them.
    const Durability durability = static_cast<Durability>(kill % 3);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      Child(path, durability, fds[1]);
    }
    ::close(fds[1]);
    // Wait for "ready", then let it write for a random while and kill it.
    std::string got;
    char buf[4096];
    while (got.find("ready\n") == std::string::npos) {
      const ssize_t n = ::read(fds[0], buf, sizeof buf);
      ASSERT_GT(n, 0) << "child ended before it was ready";
      got.append(buf, static_cast<std::size_t>(n));
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % (durability == Durability::kFull ? 30000 : 8000)));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    ASSERT_EQ(got.find("failed"), std::string::npos) << got.substr(got.find("failed"));
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child exited by itself: " << status;
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

}  // namespace
}  // namespace crm
