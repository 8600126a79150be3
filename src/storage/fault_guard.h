// A damaged file must not crash or hang the host. LMDB trusts the pages it reads: a damaged
// page number or node offset makes it read outside the file (SIGBUS past the end of the file,
// SIGSEGV past the map), a page of the wrong kind trips an assertion that aborts, and a page
// with nonsense bounds can make a search go round for ever. Every LMDB call that reads pages
// runs inside Guarded(): a SIGSEGV or SIGBUS on that thread during the call, or an LMDB
// assertion, jumps back out of LMDB and the call reports kPageFault (DataLoss: the file is
// damaged); the transaction is then aborted. A watched call (a lookup or a cursor step, which
// take microseconds) still running after the hang limit is interrupted the same way by a
// watchdog thread and reports kPageLoop.
//
// The handlers are installed once per process and chain to the ones they replace: a fault that
// happens outside a guarded call goes to the previous handler (or the default action), as if
// libcrm were not there.
#pragma once

#include <lmdb.h>
#include <setjmp.h>

#include <atomic>
#include <chrono>
#include <utility>

namespace crm::storage {

// Results no LMDB call returns: the call touched memory it could not read; the call went round
// in a damaged page until the watchdog stopped it.
inline constexpr int kPageFault = -30100;
inline constexpr int kPageLoop = -30101;

struct GuardFrame {
  sigjmp_buf jump;
  GuardFrame* outer;
};

GuardFrame*& CurrentGuard();
// Installs the SIGSEGV and SIGBUS handlers (idempotent) and starts the watchdog (again in a
// child after fork).
void InstallFaultHandlers();
// For mdb_env_set_assert: LMDB found a page inconsistent and is about to abort the process;
// inside a guarded call the call is left instead (kPageFault), as for a fault.
void OnLmdbAssert(MDB_env* env, const char* message);

// Tells the watchdog this thread's watched call starts (to be stopped after `limit_ms`, or
// after the process's hang limit when it is 0) / ended.
void StartWatch(int limit_ms);
void StopWatch();
// How long a watched call may run (2 s; tests shorten it).
void SetHangLimit(std::chrono::milliseconds limit);

// What a call is watched with: not at all, or with the limit `*limit_ms` (0: the process's
// hang limit). An environment that has seen a loop shortens its own limit, so that a damaged
// file costs a fraction of a second per lookup, not seconds.
struct Watch {
  bool watched = false;
  const std::atomic<int>* limit_ms = nullptr;
};

// Runs `call`, an LMDB call returning its result code; kPageFault when it faulted, kPageLoop
// when it was watched and did not return in time.
template <class F>
int Guarded(F&& call, Watch watch = {}) {
  GuardFrame frame;
  GuardFrame*& current = CurrentGuard();
  frame.outer = current;
  if (const int jumped = sigsetjmp(frame.jump, 0); jumped != 0) {
    CurrentGuard() = frame.outer;
    if (watch.watched) StopWatch();
    return jumped == 2 ? kPageLoop : kPageFault;
  }
  current = &frame;
  if (watch.watched) StartWatch(watch.limit_ms != nullptr ? watch.limit_ms->load(std::memory_order_relaxed) : 0);
  const int rc = std::forward<F>(call)();
  if (watch.watched) StopWatch();
  current = frame.outer;
  return rc;
}

}  // namespace crm::storage
