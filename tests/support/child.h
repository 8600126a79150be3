// Runs a function in a child process and reports how the child ended, so that a test can tell a
// crash (a signal) from an answer.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>

namespace crm::testing {

// `fn`'s answer, or "killed by signal N" when the child died of a signal, or "exited N" when it
// exited without answering.
inline std::string InChild(const std::function<std::string()>& fn) {
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    ::close(fds[0]);
    const std::string answer = fn();
    std::size_t done = 0;
    while (done < answer.size()) {
      const ssize_t n = ::write(fds[1], answer.data() + done, answer.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) return "exited " + std::to_string(WEXITSTATUS(status));
  return answer;
}

// Forks a child running `child(acks)` (which never returns: it writes "ready", then its
// acknowledgements, to `acks`), lets it run for `run` after it is ready, kills it with SIGKILL
// and puts everything it wrote in `got`. Fails when the child reported a failure or ended by itself.
inline void RunAndKill(const std::function<void(int)>& child, std::chrono::microseconds run, std::string* got) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    child(fds[1]);
    ::_exit(15);
  }
  ::close(fds[1]);
  char buf[4096];
  while (got->find("ready\n") == std::string::npos) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    ASSERT_GT(n, 0) << "child ended before it was ready";
    got->append(buf, static_cast<std::size_t>(n));
  }
  std::this_thread::sleep_for(run);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) got->append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  ASSERT_EQ(got->find("failed"), std::string::npos) << got->substr(got->find("failed"));
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child exited by itself: " << status;
}

}  // namespace crm::testing
