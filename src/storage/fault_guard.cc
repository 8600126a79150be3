#include "storage/fault_guard.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace crm::storage {
namespace {

struct sigaction g_previous_segv;
struct sigaction g_previous_bus;

// One per thread that made a watched call; the watchdog reads it.
struct WatchSlot {
  std::atomic<std::uint64_t> call{0};  // the number of the watched call running, 0 for none
  std::uint64_t calls = 0;             // the thread's own count of its watched calls
  std::atomic<int> limit_ms{0};        // the running call's limit (0: the process's)
  std::atomic<bool> alive{true};
  std::atomic<bool> interrupt{false};  // set by the watchdog just before it signals the thread
  pthread_t thread;
  std::uint64_t seen = 0;  // the watchdog's own: the call it saw last, and for how long
  std::chrono::steady_clock::time_point since;
};

std::mutex g_slots_mu;
std::vector<WatchSlot*>* g_slots = new std::vector<WatchSlot*>;  // never destroyed
std::atomic<long long> g_limit_ms{2000};
std::atomic<pid_t> g_watchdog_pid{0};

// Reached from a signal handler: initial-exec TLS needs no allocation on access.
__attribute__((tls_model("initial-exec"))) thread_local GuardFrame* t_guard = nullptr;
__attribute__((tls_model("initial-exec"))) thread_local WatchSlot* t_slot = nullptr;

// Marks the thread's slot dead when the thread ends.
struct SlotOwner {
  ~SlotOwner() {
    if (t_slot != nullptr) t_slot->alive.store(false);
  }
};
thread_local SlotOwner t_owner;

void OnFault(int sig, siginfo_t* info, void* context) {
  WatchSlot* slot = t_slot;
  const bool interrupted = sig == SIGSEGV && slot != nullptr && info->si_code == SI_TKILL &&
                           slot->interrupt.exchange(false);
  if (GuardFrame* frame = t_guard; frame != nullptr) siglongjmp(frame->jump, interrupted ? 2 : 1);
  if (interrupted) return;  // the watched call ended before the watchdog's signal came
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

// Ten times a second: a watched call that has run longer than its limit is interrupted.
void WatchLoop() {
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(g_slots_mu);
    for (auto it = g_slots->begin(); it != g_slots->end();) {
      WatchSlot* slot = *it;
      if (!slot->alive.load()) {
        it = g_slots->erase(it);
        delete slot;
        continue;
      }
      const std::uint64_t call = slot->call.load(std::memory_order_acquire);
      if (call == 0 || call != slot->seen) {
        slot->seen = call;
        slot->since = now;
      } else if (const int own = slot->limit_ms.load();
                 now - slot->since >= std::chrono::milliseconds(own > 0 ? own : g_limit_ms.load())) {
        slot->interrupt.store(true);
        pthread_kill(slot->thread, SIGSEGV);
        slot->since = now;
      }
      ++it;
    }
  }
}

void StartWatchdog() {
  if (g_watchdog_pid.exchange(::getpid()) == ::getpid()) return;
  std::thread(WatchLoop).detach();
}

}  // namespace

GuardFrame*& CurrentGuard() { return t_guard; }

void StartWatch(int limit_ms) {
  WatchSlot* slot = t_slot;
  if (slot == nullptr) {
    slot = new WatchSlot;
    slot->thread = pthread_self();
    (void)&t_owner;  // constructs the owner, whose destructor marks the slot dead
    std::lock_guard<std::mutex> lock(g_slots_mu);
    g_slots->push_back(slot);
    t_slot = slot;
  }
  slot->limit_ms.store(limit_ms, std::memory_order_relaxed);
  slot->call.store(++slot->calls, std::memory_order_release);
}

void StopWatch() { t_slot->call.store(0, std::memory_order_release); }

void SetHangLimit(std::chrono::milliseconds limit) { g_limit_ms.store(limit.count()); }

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
    // A child of fork has none of its parent's threads: it forgets their slots (the mutex is
    // held across the fork so the list is whole) and starts a watchdog of its own.
    pthread_atfork([] { g_slots_mu.lock(); }, [] { g_slots_mu.unlock(); },
                   [] {
                     g_slots = new std::vector<WatchSlot*>;  // the old one leaks: its threads are gone
                     t_slot = nullptr;
                     g_slots_mu.unlock();
                   });
  });
  StartWatchdog();
}

}  // namespace crm::storage
