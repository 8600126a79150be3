// Several processes, each with a writer and a reader thread, on one store for a bounded time,
// while readers are killed inside their transactions: every invariant is checked throughout.
// - No lost update: revision-checked increments of shared counters add up to the number of
//   increments acknowledged across all processes.
// - Counts equal lists, and a reader's total never goes backwards.
// - Timelines are ordered, newest first.
// - At the end, Verify finds nothing wrong and the stale reader slots are gone.
// CRM_STRESS_SECONDS (default 5) bounds the run.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>

#include "crm/store.hpp"
#include "support/child.h"
#include "support/killed_reader.h"
#include "support/temp_dir.h"

namespace crm {
namespace {

constexpr int kCounters = 12;
constexpr int kProcesses = 3;

std::int64_t NumberOf(const Customer& c) {
  auto it = c.custom.find("n");
  return it == c.custom.end() ? -1 : std::get<std::int64_t>(it->second);
}

// The two threads of one process; "increments <n>" or the first broken invariant.
std::string Work(const std::string& path, int seconds, unsigned seed) {
  StoreOptions o;
  o.sync = false;
  auto opened = Store::Open(path, o);
  if (!opened.ok()) return "open: " + opened.status().ToString();
  Store& store = **opened;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::atomic<bool> stop{false};
  std::atomic<bool> failed{false};
  std::string broken, reader_broken;  // each thread's own; read after the join
  std::thread reader([&] {
    std::string& broken = reader_broken;
    std::int64_t last_total = 0;
    std::mt19937 rng(seed + 1);
    while (!stop && !failed) {
      auto txn = store.BeginRead();
      if (!txn.ok()) { broken = "begin read: " + txn.status().ToString(); break; }
      CustomerQuery pool = CustomerQuery::Tag("pool");
      pool.limit = 1000;
      auto listed = txn->ListCustomers(pool);
      auto counted = txn->CountCustomers(pool);
      if (!listed.ok() || !counted.ok() || *counted != listed->customers.size() || *counted != kCounters) {
        broken = "count and list of the pool disagree";
        break;
      }
      std::int64_t total = 0;
      for (const Customer& c : listed->customers) total += NumberOf(c);
      if (total < last_total) { broken = "the total went backwards"; break; }
      last_total = total;
      TimelineQuery t;
      t.customer = listed->customers[rng() % kCounters].id;
      t.limit = 1000;
      auto timeline = txn->ListTimeline(t);
      if (!timeline.ok()) { broken = "timeline: " + timeline.status().ToString(); break; }
      for (std::size_t i = 1; i < timeline->interactions.size(); ++i)
        if (timeline->interactions[i].occurred_at > timeline->interactions[i - 1].occurred_at) {
          broken = "a timeline out of order";
          break;
        }
      if (!broken.empty()) failed = true;
    }
    failed = failed || !broken.empty();
  });
  std::mt19937 rng(seed);
  long increments = 0;
  while (std::chrono::steady_clock::now() < until && broken.empty() && !failed) {
    const CustomerId id = 1 + rng() % kCounters;
    absl::Status s = store.Write("stress", [&](WriteTxn& txn) -> absl::Status {
      auto c = txn.GetCustomer(id);
      if (!c.ok()) return c.status();
      c->custom["n"] = NumberOf(*c) + 1;
      if (auto r = txn.UpdateCustomer(*c); !r.ok()) return r.status();
      Interaction i;
      i.customer = id;
      i.kind = InteractionKind::kNote;
      i.subject = "tick";
      i.occurred_at = 1700000000000000 + static_cast<Timestamp>(rng() % 1000000);
      return txn.LogInteraction(i).status();
    });
    if (s.ok()) ++increments;
    else if (ErrorKindOf(s) != ErrorKind::kStaleRevision) broken = "write: " + s.ToString();
  }
  stop = true;
  reader.join();
  if (broken.empty()) broken = reader_broken;
  return broken.empty() ? "increments " + std::to_string(increments) : broken;
}

TEST(ConcurrencyStressTest, ProcessesAndThreadsKeepEveryInvariant) {
  const char* env = std::getenv("CRM_STRESS_SECONDS");
  const int seconds = env != nullptr && *env != '\0' ? std::atoi(env) : 5;
  testing::TempDir dir;
  const std::string path = dir.File("stress.db");
  // Set up in a child: this process forks the workers and the readers it kills, and a process
  // that has opened a store has libcrm's watchdog thread (ThreadSanitizer refuses to start
  // threads in a child of a multi-threaded process).
  const std::string set_up = testing::InChild([&]() -> std::string {
    StoreOptions o;
    o.sync = false;
    auto store = Store::Open(path, o);
    if (!store.ok()) return store.status().ToString();
    for (int i = 0; i < kCounters; ++i) {
      Customer c;
      c.display_name = "Counter " + std::to_string(i);
      c.tags = {"pool"};
      c.custom["n"] = std::int64_t{0};
      if (auto made = (*store)->Run(&WriteTxn::CreateCustomer, c); !made.ok()) return made.status().ToString();
    }
    return "ok";
  });
  ASSERT_EQ(set_up, "ok");
  std::vector<std::pair<pid_t, int>> workers;
  for (int p = 0; p < kProcesses; ++p) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      const std::string answer = Work(path, seconds, 100u + static_cast<unsigned>(p));
      (void)!::write(fds[1], answer.data(), answer.size());
      ::_exit(0);
    }
    ::close(fds[1]);
    workers.emplace_back(pid, fds[0]);
  }
  // Meanwhile, readers killed inside their transactions.
  int killed = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < until) {
    StoreOptions read_only;
    read_only.read_only = true;
    ASSERT_TRUE(testing::KillReaderInside(path, read_only));
    ++killed;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  long acknowledged = 0;
  for (auto [pid, fd] : workers) {
    std::string answer;
    char buf[512];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    ::waitpid(pid, nullptr, 0);
    ASSERT_EQ(answer.rfind("increments ", 0), 0u) << answer;
    acknowledged += std::stol(answer.substr(11));
  }
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok());
  CustomerQuery pool = CustomerQuery::Tag("pool");
  auto listed = (*store)->Run(&ReadTxn::ListCustomers, pool);
  ASSERT_TRUE(listed.ok());
  long total = 0;
  for (const Customer& c : listed->customers) total += NumberOf(c);
  EXPECT_EQ(total, acknowledged) << "increments lost or invented";
  EXPECT_GT(acknowledged, 100);
  auto report = (*store)->Run(&ReadTxn::Verify);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "" : report->problems.front());
  auto stats = (*store)->Run(&ReadTxn::Statistics);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->stale_readers, 0u) << "after " << killed << " killed readers";
  std::cout << kProcesses << " processes, " << acknowledged << " increments, " << killed << " readers killed\n";
}

}  // namespace
}  // namespace crm
