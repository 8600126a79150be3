// Several processes on one database file: writers wait for each other and no committed write
// is lost, also when one process opened the file more than once.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "crm/store.hpp"
#include "support/killed_reader.h"
#include "support/temp_dir.h"

namespace crm {
namespace {

std::int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

Customer Person(const std::string& email) {
  Customer c;
  c.given_name = "P";
  c.family_name = email;
  c.emails.push_back(Email{email, "", true});
  return c;
}

// Opening a file this process already has open shares the one environment: closing the second
// handle must not drop the process's locks, so a writer in another process still waits.
TEST(ProcessTest, SecondOpenInOneProcessKeepsOtherWritersWaiting) {
  testing::TempDir dir;
  const std::string path = dir.File("two.crm");
  StoreOptions options;
  options.sync = false;
  auto a = Store::Open(path, options);
  ASSERT_TRUE(a.ok()) << a.status();
  {
    auto second = Store::Open(path, options);
    ASSERT_TRUE(second.ok()) << second.status();
  }  // closing the second handle

  auto txn = (*a)->BeginWrite("parent");
  ASSERT_TRUE(txn.ok()) << txn.status();
  ASSERT_TRUE(txn->CreateCustomer(Person("parent@example.com")).ok());

  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipefd[0]);
    std::int64_t done = -1;
    auto b = Store::Open(path, options);
    if (b.ok() && (*b)->RunAs("child", &WriteTxn::CreateCustomer, Person("child@example.com")).ok()) done = NowMicros();
    if (::write(pipefd[1], &done, sizeof done) != sizeof done) _exit(2);
    _exit(done > 0 ? 0 : 1);
  }
  ::close(pipefd[1]);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  const std::int64_t committed_at = NowMicros();
  ASSERT_TRUE(txn->Commit().ok());

  std::int64_t child_done = 0;
  ASSERT_EQ(::read(pipefd[0], &child_done, sizeof child_done), static_cast<ssize_t>(sizeof child_done));
  ::close(pipefd[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child's write failed";
  EXPECT_GE(child_done, committed_at) << "the child's write did not wait for the parent's transaction";

  a->reset();
  auto check = Store::Open(path, options);
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_TRUE((*check)->Run(&ReadTxn::FindCustomerByEmail, "parent@example.com").ok());
  EXPECT_TRUE((*check)->Run(&ReadTxn::FindCustomerByEmail, "child@example.com").ok()) << "the child's committed write was lost";
  auto n = (*check)->Run(&ReadTxn::CountCustomers, CustomerQuery::All());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2u);
}

// A process killed inside a read transaction leaves its reader slot taken. LMDB has 126 slots:
// stale ones are cleared when slots run short (and at open), so readers never run out.
TEST(ProcessTest, ReaderSlotsOfKilledProcessesAreReclaimed) {
  testing::TempDir dir;
  const std::string path = dir.File("readers.crm");
  StoreOptions options;
  options.sync = false;
  // Held open throughout: with no other process on the file, each child would be its only opener
  // and LMDB would reset the reader table itself.
  auto held = Store::Open(path, options);
  ASSERT_TRUE(held.ok());
  ASSERT_TRUE((*held)->Run(&WriteTxn::CreateCustomer, Person("r@example.com")).ok());
  for (int i = 0; i < 130; ++i)
    ASSERT_TRUE(testing::KillReaderInside(path, options)) << "reader " << i << " could not begin a read transaction";
  auto n = (*held)->Run(&ReadTxn::CountCustomers, CustomerQuery::All());
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1u);
  EXPECT_TRUE((*held)->Run(&WriteTxn::CreateCustomer, Person("after@example.com")).ok());
}

// Two handles on one file in one process see each other's commits and may be closed in any order.
TEST(ProcessTest, HandlesOnOneFileShareState) {
  testing::TempDir dir;
  const std::string path = dir.File("shared.crm");
  StoreOptions options;
  options.sync = false;
  auto a = Store::Open(path, options);
  ASSERT_TRUE(a.ok());
  auto b = Store::Open(path, options);
  ASSERT_TRUE(b.ok());
  auto made = (*a)->Run(&WriteTxn::CreateCustomer, Person("one@example.com"));
  ASSERT_TRUE(made.ok());
  auto seen = (*b)->Run(&ReadTxn::GetCustomer, made->id);
  ASSERT_TRUE(seen.ok()) << seen.status();
  a->reset();
  ASSERT_TRUE((*b)->Run(&WriteTxn::CreateCustomer, Person("two@example.com")).ok());
  auto ro_options = options;
  ro_options.read_only = true;
  auto ro = Store::Open(path, ro_options);
  ASSERT_TRUE(ro.ok()) << ro.status();
  EXPECT_EQ((*ro)->Run(&WriteTxn::CreateCustomer, Person("three@example.com")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  b->reset();
  auto n = (*ro)->Run(&ReadTxn::CountCustomers, CustomerQuery::All());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2u);
}

}  // namespace
}  // namespace crm
