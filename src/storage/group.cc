#include "storage/group.h"

#include <exception>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace crm::storage {
namespace {

// The environment whose write transaction the calling thread has a nested transaction in.
thread_local const Env* t_child_of = nullptr;

}  // namespace

absl::StatusOr<Txn> Txn::BeginChild() const {
  if (txn_ == nullptr || !writable_)
    return absl::FailedPreconditionError("a nested transaction needs an open write transaction");
  ++children_;  // what the nested one writes is this one's once it commits: forget the misses
  MDB_txn* child = nullptr;
  const int rc = mdb_txn_begin(mdb_txn_env(txn_), txn_, 0, &child);
  if (rc != 0) return MdbError(rc, "begin nested transaction");
  Txn nested(child, env_, std::shared_lock<std::shared_timed_mutex>());  // the parent holds the map
  nested.child_ = true;
  nested.bounds_ = bounds_;
  t_child_of = env_;
  return nested;
}

void Txn::ChildEnded(const Env* env) {
  if (t_child_of == env) t_child_of = nullptr;
}

bool Env::WritingHere() const {
  return writer_.load() == std::this_thread::get_id() || (t_child_of != nullptr && t_child_of == this);
}

WriteGroup& Env::group() { return *group_; }

struct WriteGroup::Member {
  explicit Member(Work w) : work(w) {}
  Work work;
  // Queued; then told to lead, or to run in `parent` (then it has run); done once the outcome
  // is final.
  enum class State { kQueued, kLead, kRun, kRan, kDone } state = State::kQueued;
  Txn* parent = nullptr;
  absl::Status result;
  std::exception_ptr thrown;  // what the work threw, rethrown on its own thread at the end
  std::condition_variable cv;

  // Runs the work in `group`; an exception it throws (its writes are gone by then: its nested
  // transaction is aborted as it unwinds) is kept for the caller, not let loose on the group.
  void Attempt(Txn& group) {
    try {
      result = work(group);
    } catch (...) {
      thrown = std::current_exception();
      result = absl::AbortedError("the write function threw");
    }
  }
  absl::Status Outcome() const {
    if (thrown) std::rethrow_exception(thrown);
    return result;
  }
};

absl::Status WriteGroup::Run(Env& env, Work work) {
  if (env.WritingHere())
    return absl::UnavailableError(absl::StrCat("this thread already has a write transaction open on ", env.path(),
                                               ": a second one would wait for itself"));
  Member me(work);
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&me);
  if (!leading_) {
    leading_ = true;
    me.state = Member::State::kLead;
  }
  me.cv.wait(lock, [&] { return me.state != Member::State::kQueued; });
  if (me.state == Member::State::kLead) {
    Lead(env, me, lock);
  } else {
    // The leader handed its transaction over: this thread's turn.
    lock.unlock();
    me.Attempt(*me.parent);
    lock.lock();
    me.state = Member::State::kRan;
    ran_.notify_one();
    me.cv.wait(lock, [&] { return me.state == Member::State::kDone; });
  }
  lock.unlock();
  return me.Outcome();
}

void WriteGroup::Lead(Env& env, Member& me, std::unique_lock<std::mutex>& lock) {
  // `me` is first in the queue; whoever queues while the group runs joins it.
  lock.unlock();
  absl::StatusOr<Txn> parent = env.BeginWrite();
  lock.lock();
  std::vector<Member*> group;
  while (!queue_.empty() && group.size() < kMaxGroup) {
    Member* m = queue_.front();
    queue_.pop_front();
    group.push_back(m);
    if (!parent.ok()) {
      m->result = parent.status();
    } else if (m == &me) {
      lock.unlock();
      me.Attempt(*parent);
      lock.lock();
    } else {
      m->parent = &*parent;
      m->state = Member::State::kRun;
      m->cv.notify_one();
      ran_.wait(lock, [&] { return m->state == Member::State::kRan; });
    }
  }
  absl::Status committed = parent.status();
  if (parent.ok()) {
    lock.unlock();
    committed = parent->Commit(/*sync_later=*/true);
    lock.lock();
  }
  // The next group may begin while this one's commit reaches the disk.
  HandOn();
  if (parent.ok() && committed.ok()) {
    lock.unlock();
    committed = env.SyncCommitted();
    lock.lock();
  }
  for (Member* m : group) {
    if (m->result.ok()) m->result = committed;
    if (m == &me) continue;
    m->state = Member::State::kDone;
    m->cv.notify_one();
  }
}

void WriteGroup::HandOn() {
  // The next write in the queue leads the next group.
  if (queue_.empty()) {
    leading_ = false;
  } else {
    queue_.front()->state = Member::State::kLead;
    queue_.front()->cv.notify_one();
  }
}

}  // namespace crm::storage
