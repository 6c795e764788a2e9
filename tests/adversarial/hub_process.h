#pragma once
// A real relais-hub process on 127.0.0.1 for the adversarial tests: start it
// on ephemeral ports (gRPC and HTTP), read the ports from its stderr, read
// its memory from /proc/PID/status (VmHWM = peak, VmRSS = now), fetch
// /metrics, stop it with SIGTERM. Header-only; Linux only. On either hub
// store (tests/pg/hub_stores.h; link relais_pg_testing).

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/pg/hub_stores.h"

extern char** environ;

namespace relais::adversarial {

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The integer after `marker` in `text`, or -1.
inline int IntAfter(const std::string& text, const std::string& marker) {
  const size_t at = text.find(marker);
  if (at == std::string::npos) return -1;
  return std::atoi(text.c_str() + at + marker.size());
}

class HubProcess {
 public:
  ~HubProcess() { Stop(); }

  // Runs `binary STORE --listen 127.0.0.1:0 --http-listen 127.0.0.1:0
  // --report-db L-agg.db [extra...]` (the admin listener takes its default,
  // 127.0.0.1:0) with stderr to `log`; waits (<= 10 s) until the three ports
  // are printed. STORE is loc.HubArgs() (--db F | --store URI); on
  // PostgreSQL `--db L` follows, the local file of the funding office's
  // tokens (L = loc.sqlite_path).
  bool Start(const std::string& binary, const pgtest::StoreLocation& loc,
             const std::string& log, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = loc.HubArgs();
    if (loc.kind == pgtest::StoreKind::kPostgres) {
      args.push_back("--db");
      args.push_back(loc.sqlite_path);
    }
    for (const char* a : {"--listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
                          "--report-db"})
      args.push_back(a);
    args.push_back(loc.sqlite_path + "-agg.db");
    args.insert(args.end(), extra.begin(), extra.end());
    return StartWithArgs(binary, args, log);
  }

  // The same on SQLite: `--db db`.
  bool Start(const std::string& binary, const std::string& db, const std::string& log,
             const std::vector<std::string>& extra = {}) {
    return Start(binary, pgtest::StoreLocation{pgtest::StoreKind::kSqlite, db, ""}, log, extra);
  }

  // Runs `binary args...` with stderr to `log` and waits (<= 10 s) until
  // the gRPC and admin ports are printed, and the HTTP port too when `args`
  // hold --http-listen. E.g. args = {"--store", URI, "--listen",
  // "127.0.0.1:0"} for a hub over PostgreSQL. False if it exits or is late.
  bool StartWithArgs(const std::string& binary, const std::vector<std::string>& args,
                     const std::string& log) {
    log_ = log;
    port_ = http_port_ = admin_port_ = -1;
    bool want_http = false;
    for (const auto& a : args) want_http = want_http || a == "--http-listen";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> all = {binary};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, binary.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
      pid_ = -1;
      return false;
    }
    for (int i = 0; i < 200; ++i) {
      const std::string text = ReadWholeFile(log);
      port_ = IntAfter(text, "(port ");
      http_port_ = IntAfter(text, "financeur sur http://127.0.0.1:");
      admin_port_ = IntAfter(text, "(/metrics) sur http://127.0.0.1:");
      if (port_ > 0 && admin_port_ > 0 && (!want_http || http_port_ > 0)) return true;
      int st;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // SIGKILL, then reaps; true if the process died of that signal (it was
  // still running when the signal landed).
  bool Kill() {
    if (pid_ <= 0) return false;
    kill(pid_, SIGKILL);
    int st = 0;
    const bool reaped = waitpid(pid_, &st, 0) == pid_;
    pid_ = -1;
    return reaped && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
  }

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int st;
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &st, 0);
    pid_ = -1;
  }

  bool Alive() const { return pid_ > 0 && kill(pid_, 0) == 0; }
  // MB from /proc/PID/status: "VmHWM" (peak) or "VmRSS" (now); -1 if gone.
  double MemMb(const std::string& key) const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(status, line);)
      if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) / 1024;
    return -1;
  }
  double PeakMb() const { return MemMb("VmHWM"); }
  double RssMb() const { return MemMb("VmRSS"); }

  int port() const { return port_; }
  int admin_port() const { return admin_port_; }
  pid_t pid() const { return pid_; }
  int http_port() const { return http_port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string Log() const { return ReadWholeFile(log_); }

  // GET `path` on the public HTTP port (HTTP/1.0, whole answer with headers).
  std::string HttpGet(const std::string& path) const { return Get(http_port_, path); }
  // The same on the admin listener (/metrics).
  std::string AdminGet(const std::string& path) const { return Get(admin_port_, path); }

 private:
  static std::string Get(int port, const std::string& path) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string out;
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      const std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
      if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
        char buf[4096];
        for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, n);
      }
    }
    close(fd);
    return out;
  }

  pid_t pid_ = -1;
  int port_ = -1, http_port_ = -1, admin_port_ = -1;
  std::string log_;
};

}  // namespace relais::adversarial
