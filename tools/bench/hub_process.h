#pragma once
// A relais-hub child process on loopback, for the benchmark: start, wait
// until it accepts connections, read its CPU time and memory from /proc,
// stop with SIGTERM.

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "common/util/status.h"

namespace relais::server::bench {

struct ProcStats {
  double cpu_s = 0;     // user + system
  double rss_mb = 0;    // current resident set
  double peak_mb = 0;   // VmHWM
};

class HubProcess {
 public:
  ~HubProcess() { Stop(); }
  // Runs `binary --db db --listen 127.0.0.1:port` with stderr to `log`.
  common::Status Start(const std::string& binary, const std::string& db,
                       int port, const std::string& log);
  void Stop();
  ProcStats Stats() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// Stats of this process.
ProcStats SelfStats();
// A free TCP port on 127.0.0.1.
int FreePort();

}  // namespace relais::server::bench
