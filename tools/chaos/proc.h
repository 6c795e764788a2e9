#pragma once
// Child processes for the chaos run: spawn a real program with extra
// environment variables, its stdout/stderr captured through pipes, wait with
// a time bound, or kill -9 it while it runs. Not thread-safe (one driver
// thread owns its children).

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace relais::chaos {

struct ChildResult {
  bool exited = false;     // exited normally (then `code` is its status)
  int code = -1;
  bool killed = false;     // ended by SIGKILL
  bool timed_out = false;  // still running at the bound; killed by us
  std::string out, err;    // at most kMaxCapture bytes each
};

inline constexpr size_t kMaxCapture = 64 << 10;

class Child {
 public:
  Child() = default;
  ~Child();  // kill -9 and reap if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Starts argv[0] (a path) with `env` ("K=V") added to this environment.
  // Output goes to pipes, or appended to `log` if not empty (long-lived
  // children such as the hub, whose output nobody drains). False if it
  // could not be spawned (then `err` of Wait says why).
  bool Start(const std::vector<std::string>& argv,
             const std::vector<std::string>& env = {}, const std::string& log = "");
  // True while the process has not exited (reaps it if it has).
  bool Running();
  // Whether the (running) process has a file open whose path starts with
  // `prefix` (read from /proc/PID/fd): e.g. it is inside its replica.
  bool HoldsFileUnder(const std::string& prefix) const;
  // Sends SIGKILL. Returns whether the process was still running at that
  // moment (a kill that hit a live process).
  bool Kill9();
  // Sends SIGTERM if still running (never to a reaped, maybe reused, pid).
  void Terminate();
  // Waits at most `timeout_ms` (then kills it, timed_out = true).
  ChildResult Wait(int64_t timeout_ms);
  pid_t pid() const { return pid_; }

 private:
  void Drain(bool block_until_eof);
  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  ChildResult result_;
};

}  // namespace relais::chaos
