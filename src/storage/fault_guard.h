// A damaged file must not crash the host. LMDB trusts the pages it reads: a damaged page
// number or node offset makes it read outside the file (SIGBUS past the end of the file,
// SIGSEGV past the map), and a page of the wrong kind trips an assertion that aborts. Every LMDB call that reads pages runs inside Guarded(): a SIGSEGV or
// SIGBUS on that thread during the call jumps back out of LMDB and the call reports
// kPageFault (DataLoss: the file is damaged). The transaction is then aborted.
//
// The handlers are installed once per process and chain to the ones they replace: a fault that
// happens outside a guarded call goes to the previous handler (or the default action), as if
// libcrm were not there.
#pragma once

#include <lmdb.h>
#include <setjmp.h>

#include <utility>

namespace crm::storage {

// A result no LMDB call returns: the call touched memory it could not read.
inline constexpr int kPageFault = -30100;

struct GuardFrame {
  sigjmp_buf jump;
  GuardFrame* outer;
};

GuardFrame*& CurrentGuard();
// Installs the SIGSEGV and SIGBUS handlers (idempotent).
void InstallFaultHandlers();
// For mdb_env_set_assert: LMDB found a page inconsistent and is about to abort the process;
// inside a guarded call the call is left instead (kPageFault), as for a fault.
void OnLmdbAssert(MDB_env* env, const char* message);

// Runs `call`, an LMDB call returning its result code; kPageFault when it faulted.
template <class F>
int Guarded(F&& call) {
  GuardFrame frame;
  GuardFrame*& current = CurrentGuard();
  frame.outer = current;
  if (sigsetjmp(frame.jump, 0) != 0) {
    CurrentGuard() = frame.outer;
    return kPageFault;
  }
  current = &frame;
  const int rc = std::forward<F>(call)();
  current = frame.outer;
  return rc;
}

}  // namespace crm::storage
