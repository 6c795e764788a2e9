#pragma once
// A relais-hub child process on loopback, for the benchmark: start, wait
// until it accepts connections, read its CPU time and memory from /proc,
// stop with SIGTERM.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/util/status.h"

namespace relais::server::bench {

struct ProcStats {
  double cpu_s = 0;     // user + system
  double rss_mb = 0;    // current resident set
  double peak_mb = 0;   // VmHWM
  int threads = 0;      // /proc/PID/status Threads
  int fds = 0;          // entries of /proc/PID/fd
};

class HubProcess {
 public:
  ~HubProcess() { Stop(); }
  // Runs `binary STORE_ARGS --listen 127.0.0.1:port [extra_args...]` with
  // stderr to `log`; store_args = {"--db", FILE} or {"--store", URI}
  // (e.g. extra_args = --tls-cert C --tls-key K).
  common::Status Start(const std::string& binary,
                       const std::vector<std::string>& store_args,
                       int port, const std::string& log,
                       const std::vector<std::string>& extra_args = {});
  // The SQLite form: store_args = {"--db", db}.
  common::Status Start(const std::string& binary, const std::string& db,
                       int port, const std::string& log,
                       const std::vector<std::string>& extra_args = {}) {
    return Start(binary, std::vector<std::string>{"--db", db}, port, log, extra_args);
  }
  void Stop();
  ProcStats Stats() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// Stats of this process.
ProcStats SelfStats();
// TCP connections in state ESTABLISHED whose local port is `port`
// (/proc/net/tcp): the connections a server on that port holds.
int EstablishedConnections(int port);
// A free TCP port on 127.0.0.1.
int FreePort();

}  // namespace relais::server::bench
