#include "tools/bench/hub_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace relais::server::bench {

namespace {

bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

ProcStats ReadStats(const std::string& proc_dir) {
  ProcStats s;
  std::ifstream stat(proc_dir + "/stat");
  std::string line;
  std::getline(stat, line);
  const size_t close_paren = line.rfind(')');
  if (close_paren != std::string::npos) {
    std::istringstream in(line.substr(close_paren + 2));
    std::vector<std::string> f;
    for (std::string x; in >> x;) f.push_back(x);
    const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
    if (f.size() > 12) s.cpu_s = (std::stod(f[11]) + std::stod(f[12])) / hz;
  }
  std::ifstream status(proc_dir + "/status");
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0)
      s.rss_mb = std::stod(line.substr(6)) / 1024;
    if (line.rfind("VmHWM:", 0) == 0)
      s.peak_mb = std::stod(line.substr(6)) / 1024;
    if (line.rfind("Threads:", 0) == 0) s.threads = std::stoi(line.substr(8));
  }
  std::error_code ec;
  for (std::filesystem::directory_iterator it(proc_dir + "/fd", ec), end;
       !ec && it != end; it.increment(ec))
    ++s.fds;
  return s;
}

}  // namespace

common::Status HubProcess::Start(const std::string& binary,
                                 const std::vector<std::string>& store_args,
                                 int port,
                                 const std::string& log,
                                 const std::vector<std::string>& extra_args) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  std::vector<std::string> args = {binary};
  args.insert(args.end(), store_args.begin(), store_args.end());
  args.insert(args.end(), {"--listen", listen});
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc =
      posix_spawn(&pid_, binary.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0)
    return common::Status::NotFound("impossible de lancer " + binary);
  for (int i = 0; i < 200; ++i) {  // at most 10 s
    if (CanConnect(port)) return common::Status::OK();
    int st;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      return common::Status::Unavailable("relais-hub s'est arrêté (voir " +
                                         log + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return common::Status::Unavailable("relais-hub n'écoute pas sur " + listen);
}

void HubProcess::Stop() {
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

ProcStats HubProcess::Stats() const {
  return ReadStats("/proc/" + std::to_string(pid_));
}

ProcStats SelfStats() { return ReadStats("/proc/self"); }

int EstablishedConnections(int port) {
  int n = 0;
  // gRPC may accept on an IPv6 socket (v4-mapped 127.0.0.1): read both.
  for (const char* file : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream tcp(file);
    std::string line;
    std::getline(tcp, line);  // header
    while (std::getline(tcp, line)) {
      // "  0: 0100007F:C350 0100007F:D2A4 01 ..." local, remote, state (hex).
      std::istringstream in(line);
      std::string slot, local, remote, state;
      if (!(in >> slot >> local >> remote >> state)) continue;
      const size_t colon = local.find(':');
      if (colon == std::string::npos) continue;
      if (std::stoi(local.substr(colon + 1), nullptr, 16) == port &&
          state == "01")
        ++n;
    }
  }
  return n;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

}  // namespace relais::server::bench
