#include "storage/fault_guard.h"

#include <lmdb.h>
#include <signal.h>

#include <cstring>
#include <mutex>

namespace crm::storage {
namespace {

struct sigaction g_previous_segv;
struct sigaction g_previous_bus;

// Reached from a signal handler: initial-exec TLS needs no allocation on access.
__attribute__((tls_model("initial-exec"))) thread_local GuardFrame* t_guard = nullptr;

void OnFault(int sig, siginfo_t* info, void* context) {
  if (GuardFrame* frame = t_guard; frame != nullptr) siglongjmp(frame->jump, 1);
  // Not inside a guarded call: whatever handled this signal before libcrm handles it now.
  const struct sigaction& previous = sig == SIGBUS ? g_previous_bus : g_previous_segv;
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(sig, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN && previous.sa_handler != nullptr) {
    previous.sa_handler(sig);
    return;
  }
  // The default action: restore it and return; the faulting instruction runs again and the
  // process ends as it would have without libcrm.
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
}

}  // namespace

GuardFrame*& CurrentGuard() { return t_guard; }

void OnLmdbAssert(MDB_env*, const char*) {
  if (GuardFrame* frame = t_guard; frame != nullptr) siglongjmp(frame->jump, 1);
}

void InstallFaultHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_sigaction = OnFault;
    // SA_NODEFER: the jump out of the handler leaves the signal unblocked for the next fault.
    action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &g_previous_segv);
    sigaction(SIGBUS, &action, &g_previous_bus);
  });
}

}  // namespace crm::storage
