#pragma once
// Bounded child processes for the throw-away PostgreSQL test clusters.
// No shell is involved: argv is passed as is to posix_spawn.

#include <string>
#include <vector>

#include "common/util/status.h"

namespace relais::pgtest {

struct CommandOptions {
  // Non-empty: run the command as this user through `runuser -u USER --`.
  // REQUIRES: the process is root when set.
  std::string run_as;
  // Working directory of the child; it must be reachable by `run_as`
  // (initdb and pg_ctl complain about an unreadable cwd).
  std::string cwd;
  // The child's stdout and stderr are appended to this file (never to our
  // own stdout/stderr: a server started by pg_ctl must not keep ctest's pipe
  // open). stdin is /dev/null; every other descriptor is closed in the
  // child. REQUIRES: non-empty.
  std::string output_path;
  // Hard bound: at the deadline the child's process group gets SIGKILL.
  int timeout_ms = 30000;
};

// Runs argv (argv[0] an absolute path) and waits for it, at most
// `opt.timeout_ms`. OK iff it exited with status 0. Otherwise an error whose
// message (French) names the command and quotes the tail of the output file:
// kUnavailable for a spawn failure, kDeadlineExceeded at the deadline,
// kInternal for a non-zero exit.
common::Status RunCommand(const std::vector<std::string>& argv,
                          const CommandOptions& opt);

// The last `max_bytes` bytes of the file at `path` ("" when unreadable).
std::string TailOfFile(const std::string& path, size_t max_bytes = 2000);

}  // namespace relais::pgtest
