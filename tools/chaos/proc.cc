#include "tools/chaos/proc.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

extern char** environ;

namespace relais::chaos {

namespace {
int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Reads what is available on `fd` into `s` (bounded); closes it at EOF.
void ReadSome(int* fd, std::string* s) {
  char buf[4096];
  for (;;) {
    const ssize_t n = read(*fd, buf, sizeof buf);
    if (n > 0) {
      if (s->size() < kMaxCapture)
        s->append(buf, std::min<size_t>(n, kMaxCapture - s->size()));
      continue;
    }
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      close(*fd);
      *fd = -1;
    }
    return;
  }
}
}  // namespace

Child::~Child() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

bool Child::Start(const std::vector<std::string>& argv,
                  const std::vector<std::string>& env, const std::string& log) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return false;
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return false;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (log.empty()) {
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  } else {
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
  }
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  envs.insert(envs.end(), env.begin(), env.end());
  std::vector<char*> envp, args;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> a = argv;
  for (auto& x : a) args.push_back(x.data());
  args.push_back(nullptr);
  const int rc = posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
  fcntl(out_fd_, F_SETFL, O_NONBLOCK);
  fcntl(err_fd_, F_SETFL, O_NONBLOCK);
  if (rc != 0) {
    pid_ = -1;
    result_.err = "spawn " + argv[0] + " failed";
    return false;
  }
  return true;
}

bool Child::Running() {
  if (pid_ <= 0 || reaped_) return false;
  Drain(false);
  if (waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

bool Child::HoldsFileUnder(const std::string& prefix) const {
  if (pid_ <= 0 || reaped_) return false;
  const std::string dir = "/proc/" + std::to_string(pid_) + "/fd";
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    const auto target = std::filesystem::read_symlink(it->path(), ec);
    if (!ec && target.string().rfind(prefix, 0) == 0) return true;
    ec.clear();
  }
  return false;
}

bool Child::Kill9() {
  if (!Running()) return false;
  kill(pid_, SIGKILL);
  return true;
}

void Child::Terminate() {
  if (Running()) kill(pid_, SIGTERM);
}

void Child::Drain(bool block_until_eof) {
  while (out_fd_ >= 0 || err_fd_ >= 0) {
    pollfd p[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (poll(p, 2, block_until_eof ? 1000 : 0) <= 0) return;
    if (out_fd_ >= 0 && p[0].revents) ReadSome(&out_fd_, &result_.out);
    if (err_fd_ >= 0 && p[1].revents) ReadSome(&err_fd_, &result_.err);
  }
}

ChildResult Child::Wait(int64_t timeout_ms) {
  if (pid_ <= 0) return result_;
  const int64_t end = NowMs() + timeout_ms;
  while (!reaped_) {
    Drain(false);
    if (waitpid(pid_, &status_, WNOHANG) == pid_) {
      reaped_ = true;
      break;
    }
    if (NowMs() >= end) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status_, 0);
      reaped_ = true;
      result_.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  Drain(true);  // the child is gone: pipes reach EOF unless it had children
  result_.exited = WIFEXITED(status_);
  result_.code = result_.exited ? WEXITSTATUS(status_) : -1;
  result_.killed = WIFSIGNALED(status_) && WTERMSIG(status_) == SIGKILL;
  return result_;
}

}  // namespace relais::chaos
