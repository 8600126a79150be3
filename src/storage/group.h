// Group commit: the writes that several threads make at the same time share one LMDB write
// transaction, and so one commit (and its syncs).
//
// LMDB lets one write transaction at a time be open on a file, and a durable commit costs two
// syncs however little it carries. A write that finds no group running leads one: it begins a
// write transaction and runs its own work in a transaction nested in it (Txn::BeginChild).
// Threads that arrive meanwhile queue and join: each in turn, on its own thread, runs its work in
// a nested transaction, which it commits into the group's (its writes stay) or aborts (they
// vanish, the others' stay). When nobody is left queued the leader commits the group's
// transaction once, and every member returns that commit's outcome: none returns before its
// writes are durable, and a failed commit fails them all. A member sees the writes of the members
// before it in the group, as it would had they committed before it began; nothing outside the
// group sees any of them before the commit. Alone, a write is a group of one.
//
// Threads that arrive while a group commits wait for the next one, which begins as soon as LMDB
// has released its writer lock (the meta page's sync, at Sync::kFull, runs meanwhile). A group
// takes at most kMaxGroup writes. A thread that already writes on the environment (its own write
// transaction, or a member's work in progress) is refused: it would wait for itself. Work that
// throws fails as work that returns an error does (its nested transaction unwinds, the group
// goes on), and the exception is rethrown to its caller once the group is done.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "storage/lmdb.h"

namespace crm::storage {

class WriteGroup {
 public:
  // The most writes one group commit carries.
  static constexpr std::size_t kMaxGroup = 128;

  // A caller's write: it begins a transaction nested in `group` (Txn::BeginChild), writes, and
  // commits it or not. Its status is the caller's.
  using Work = absl::FunctionRef<absl::Status(Txn& group)>;

  // Runs `work` on the calling thread, alone or as a member of a group; returns when its
  // outcome is final (committed and durable as the environment syncs, or failed).
  absl::Status Run(Env& env, Work work);

 private:
  struct Member;
  // The calling thread leads the queue's writes (`me` first among them) through one commit.
  void Lead(Env& env, Member& me, std::unique_lock<std::mutex>& lock);
  // Passes the lead to the first queued write, if any (under mu_).
  void HandOn();

  std::mutex mu_;
  std::condition_variable ran_;  // the leader waits here for the member whose turn it is
  std::deque<Member*> queue_;    // not yet run, in order of arrival
  bool leading_ = false;         // a thread is running a write or leading a group
};

}  // namespace crm::storage
