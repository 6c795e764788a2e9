#include "tests/pg/pg_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

extern char** environ;

namespace relais::pgtest {

namespace {

constexpr char kRunuser[] = "/usr/sbin/runuser";

std::string Describe(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

// Waits for `pid` until `deadline`; returns true with *status set once it
// exited, false at the deadline (the child is still running).
bool WaitUntil(pid_t pid, std::chrono::steady_clock::time_point deadline,
               int* status) {
  auto pause = std::chrono::milliseconds(5);
  for (;;) {
    const pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) {  // Not our child any more: treat as gone.
      *status = -1;
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

}  // namespace

std::string TailOfFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff start =
      size > static_cast<std::streamoff>(max_bytes) ? size - max_bytes : 0;
  in.seekg(start);
  std::string out(static_cast<size_t>(size - start), '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

common::Status RunCommand(const std::vector<std::string>& argv,
                          const CommandOptions& opt) {
  if (argv.empty() || opt.output_path.empty())
    return common::Status::InvalidArgument("RunCommand: argv ou sortie vide");
  std::vector<std::string> full;
  if (!opt.run_as.empty()) full = {kRunuser, "-u", opt.run_as, "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  const std::string what = Describe(full);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, opt.output_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  // Nothing else of ours leaks into the child, nor into the postgres server
  // that pg_ctl leaves running (a test's sockets or pipes held open by the
  // server would outlive the test).
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  if (!opt.cwd.empty())
    posix_spawn_file_actions_addchdir_np(&fa, opt.cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group, so a timeout kills runuser and its child together.
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);

  std::vector<char*> args;
  for (auto& a : full) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc =
      posix_spawn(&pid, args[0], &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return common::Status::Unavailable("impossible de lancer « " + what +
                                       " »: " + std::strerror(rc));

  int status = 0;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(opt.timeout_ms);
  if (!WaitUntil(pid, deadline, &status)) {
    kill(-pid, SIGKILL);
    waitpid(pid, &status, 0);
    return {common::StatusCode::kDeadlineExceeded,
            "« " + what + " » n'a pas fini en " +
                std::to_string(opt.timeout_ms / 1000) + " s (tué); sortie:\n" +
                TailOfFile(opt.output_path)};
  }
  if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return common::Status::OK();
  const std::string how =
      status == -1          ? "état de sortie perdu"
      : WIFEXITED(status)   ? "code " + std::to_string(WEXITSTATUS(status))
      : WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                            : "état " + std::to_string(status);
  return common::Status::Internal("« " + what + " » a échoué (" + how +
                                  "); sortie:\n" + TailOfFile(opt.output_path));
}

}  // namespace relais::pgtest
