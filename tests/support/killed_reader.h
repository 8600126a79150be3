// A process killed inside a read transaction: what LMDB's reader table keeps of it.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "crm/store.hpp"

namespace crm::testing {

// Forks a child that opens `path` and begins a read transaction, then kills it there with
// SIGKILL. True when the child had its transaction open when it was killed.
inline bool KillReaderInside(const std::string& path, const StoreOptions& options = {}) {
  int ready[2];
  if (::pipe(ready) != 0) return false;
  const pid_t child = ::fork();
  if (child < 0) return false;
  if (child == 0) {
    ::close(ready[0]);
    auto store = Store::Open(path, options);
    char ok = 2;
    if (store.ok()) {
      auto txn = (*store)->BeginRead();
      ok = txn.ok() ? 1 : 2;
      if (!txn.ok()) {
        const std::string why = txn.status().ToString() + "\n";
        (void)!::write(2, why.data(), why.size());
      }
      if (::write(ready[1], &ok, 1) != 1) ::_exit(3);
      ::pause();  // killed here, inside its read transaction
    }
    (void)!::write(ready[1], &ok, 1);
    const std::string why = store.ok() ? std::string("begin") : store.status().ToString();
    (void)!::write(2, why.data(), why.size());
    ::_exit(4);
  }
  ::close(ready[1]);
  char ok = 0;
  const bool answered = ::read(ready[0], &ok, 1) == 1;
  ::close(ready[0]);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  return answered && ok == 1;
}

}  // namespace crm::testing
