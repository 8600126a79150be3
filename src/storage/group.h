// Group commit: the writes that several threads make at the same time share one LMDB write
// transaction, and so one commit (and its syncs).
//
// LMDB lets one write transaction at a time be open on a file, and a durable commit costs two
// syncs however little it carries. A thread that finds no other writer runs its write in a
// transaction of its own, as if there were no group. Threads that arrive meanwhile queue; when
// the write in progress ends, the first of them leads the next group: it begins one write
// transaction, and each queued thread in turn, on its own thread, runs its write in a
// transaction nested in it (Txn::BeginChild), which it commits into the group's (its writes
// stay) or aborts (they vanish, the others' stay). The leader then commits the group's
// transaction once and every member returns that commit's outcome: none returns before its
// writes are durable, and a failed commit fails them all. A member sees the writes of the members
// before it in the group, as it would had they committed before it began; nothing outside the
// group sees any of them before the commit.
//
// Threads that arrive while a group runs join it (up to kMaxGroup members); those that arrive
// while it commits wait for the next one. A thread that already writes on the environment (its
// own write transaction, or a member's write in progress) is refused: it would wait for itself.
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

  // A caller's write: it begins its transaction (a top-level one of `env` when `parent` is
  // null, else a child of `parent`), writes, and commits it or not. Its status is the caller's.
  using Work = absl::FunctionRef<absl::Status(Txn* parent)>;

  // Runs `work` on the calling thread, alone or as a member of a group; returns when its
  // outcome is final (committed and durable as the environment syncs, or failed).
  absl::Status Run(Env& env, Work work);

  // Commits made for groups of two or more, and the writes they carried (for statistics).
  struct Counts {
    std::uint64_t groups = 0;
    std::uint64_t members = 0;
  };
  Counts counts() const;

 private:
  struct Member;
  // The calling thread leads the queue's first members (`me` first among them) through one commit.
  void Lead(Env& env, Member& me, std::unique_lock<std::mutex>& lock);
  // Passes the lead to the first queued write, if any (under mu_).
  void HandOn();

  mutable std::mutex mu_;
  std::condition_variable ran_;  // the leader waits here for the member whose turn it is
  std::deque<Member*> queue_;    // not yet run, in order of arrival
  bool leading_ = false;         // a thread is running a write or leading a group
  Counts counts_;
};

}  // namespace crm::storage
