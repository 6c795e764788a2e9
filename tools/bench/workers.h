#pragma once
// relais-bench --procs P: the simulated sites split over P child processes,
// so that the hub sees clients from several OS processes (each with its own
// gRPC stack and its own connection per site). The children are forked
// before this process uses gRPC or opens a replica, then live for the whole
// run: a site's channel (its TCP + TLS connection) stays open across phases.
// Each job is one JSON line on a pipe, each result one JSON line back.

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "common/util/status.h"

namespace relais::server::bench {

struct WorkerHouse {
  int index = 0;   // the caller's index, echoed in the result
  std::string db;  // replica file (opened by the worker on first use)
  std::string token;
  std::string channel;  // SyncOptions::channel_key
  std::string hub;      // host:port of this house's hub ("" = the job's)
};

// One SyncOnce per house (one attempt), `threads` at a time.
struct SyncJob {
  std::string hub;      // host:port
  std::string ca_file;  // empty: plain text
  int threads = 1;
  bool noop = false;  // a sync that pushes or pulls anything is an error
  std::vector<WorkerHouse> houses;
};

struct SyncJobResult {
  std::vector<std::pair<int, double>> ms;  // (index, duration of its sync)
  int round_trips = 0;
  std::string error;  // first error, "" if none
};

class WorkerPool {
 public:
  WorkerPool() = default;
  ~WorkerPool();  // closes the pipes (the workers exit) and reaps them
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Forks `procs` workers. Call before any gRPC use in this process.
  common::Status Start(int procs);
  int size() const { return static_cast<int>(workers_.size()); }
  // Runs jobs[k] on worker k (jobs.size() <= size()), all at once.
  common::Result<std::vector<SyncJobResult>> Run(
      const std::vector<SyncJob>& jobs);

 private:
  struct Worker {
    pid_t pid = -1;
    int to = -1;    // job lines
    int from = -1;  // result lines
  };
  std::vector<Worker> workers_;
};

}  // namespace relais::server::bench
