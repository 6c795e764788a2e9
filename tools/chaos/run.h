#pragma once
// Executes one chaos plan (plan.h) against real processes: a `relais-hub`
// child process, five replica files driven by `relais` child processes
// (each with its replica's clock skew, RELAIS_TEST_CLOCK_OFFSET_S), and an
// in-process FaultProxy between the replicas and the hub. Then a clean
// final sync (direct to the hub, rounds until nothing moves) and the checks
// of check.h plus PRAGMA integrity_check of every file.
//
// Every fault is counted only when shown to have happened: a replica kill
// counts as "live" when the process was still running when SIGKILL was sent
// and "in db" when, an instant before, it held its replica file open
// (/proc/PID/fd); a hub kill counts as live when the proxy had already
// forwarded bytes of the syncs to the hub and a sync in flight at the kill
// then failed; cuts are the proxy's own counter; a disk-full step counts
// when filling hit ENOSPC, and `enospc` counts commands that then failed
// saying so.

#include <cstdint>
#include <string>
#include <vector>

#include "tools/chaos/plan.h"

namespace relais::chaos {

struct RunConfig {
  std::string dir;         // the replicas' files; its file system is filled
  std::string hub_dir;     // the hub's files, on another file system
                           // (filled separately); empty = `dir`
  std::string log_dir;     // hub log (not on the filled file system)
  std::string relais_bin;  // path of `relais`
  std::string hub_bin;     // path of `relais-hub`
  int64_t budget_ms = 30000;  // whole run, setup and checks included
  bool verbose = false;       // one stderr line per step
};

struct RunCounters {
  int steps = 0;
  int writes = 0, acked = 0;
  int syncs = 0, syncs_failed = 0;
  int replica_kills = 0, replica_kills_live = 0;
  int replica_kills_in_db = 0;  // live and holding its replica file open
  int hub_kills = 0, hub_kills_live = 0;
  int64_t cuts = 0;
  int disk_full = 0, disk_full_reached = 0;
  int enospc = 0;     // commands that failed saying the disk was full
  int enospc_io = 0;  // ... of which only as SQLite's "disk I/O error"
  int final_rounds = 0;
  int64_t ms = 0;
};

struct RunResult {
  RunCounters c;
  std::vector<std::string> problems;  // empty = pass
};

RunResult RunPlan(const RunConfig& config, const Plan& plan);

}  // namespace relais::chaos
