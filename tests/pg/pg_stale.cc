// Sweeping clusters left behind by test processes that died without running
// PgCluster's destructor (crash, SIGKILL, ctest timeout): their postmaster
// would otherwise run forever and their directory stay in TMPDIR.

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/pg/pg_cluster.h"

namespace relais::pgtest {

namespace fs = std::filesystem;

namespace {

// The first integer in `path`, 0 when absent or not positive.
pid_t ReadPid(const fs::path& path) {
  std::ifstream in(path);
  long pid = 0;
  if (!(in >> pid) || pid <= 1 || pid > 1 << 22) return 0;
  return static_cast<pid_t>(pid);
}

bool Alive(pid_t pid) { return kill(pid, 0) == 0 || errno == EPERM; }

// True iff `pid` is a postgres process whose command line names `data`
// (guards against a recycled pid).
bool IsPostmasterOf(pid_t pid, const std::string& data) {
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  if (!std::getline(comm, name) || name != "postgres") return false;
  std::ifstream cmd("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string line((std::istreambuf_iterator<char>(cmd)), {});
  return line.find(data) != std::string::npos;
}

}  // namespace

int SweepStaleClusters(const std::string& base) {
  int swept = 0;
  std::error_code ec;
  for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("relais-pg-", 0) != 0 || name.size() != 16) continue;
    std::error_code ec2;
    if (!it->is_directory(ec2) || it->is_symlink(ec2)) continue;
    const pid_t owner = ReadPid(it->path() / "owner");
    if (owner == 0 || Alive(owner)) continue;  // unknown or still in use
    const std::string data = (it->path() / "data").string();
    const pid_t pm = ReadPid(it->path() / "data" / "postmaster.pid");
    if (pm != 0 && Alive(pm) && IsPostmasterOf(pm, data)) {
      kill(pm, SIGQUIT);  // immediate shutdown
      for (int i = 0; i < 100 && Alive(pm); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (Alive(pm)) kill(pm, SIGKILL);
    }
    fs::remove_all(it->path(), ec2);
    ++swept;
  }
  return swept;
}

}  // namespace relais::pgtest
