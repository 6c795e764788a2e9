#pragma once
// relais-bench's driver: the reference workload (see docs/BENCHMARKS.md)
// against a real relais-hub process on 127.0.0.1, behind a pass-through
// fault proxy that counts the bytes. Phases print JSON lines on stdout.
// Every error is counted; Run() returns non-zero if any occurred.
// With Config::scale_sites, RunScale() instead: N sites connected at once
// to a hub (direct, no proxy), one row per N (tools/bench/scale.cc).

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/replica/replica.h"
#include "server/client/sync_client.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"
#include "tools/bench/hub_process.h"
#include "tools/bench/workers.h"
#include "tools/faultproxy/fault_proxy.h"

namespace relais::server::bench {

using nlohmann::json;

struct Config {
  int sites = 20;
  int records = 2000;
  int threads = 4;  // syncs in flight per process
  int procs = 1;    // >1: the sites' syncs run in that many child processes
  uint64_t seed = 1;
  bool poor_link = true;
  bool tls = true;  // false: --plaintext
  int64_t cut_offset_ms = 2500;  // adsl-flaky: first cut after the sync starts
  double hostile_seconds = 10;  // 0: no hostile_push phase
  // Scale mode (non-empty): the site counts to hold connected at once, and
  // the appointments each of those sites pushes when it connects.
  std::vector<int> scale_sites;
  int scale_records = 20;
  // relais-hub --max-calls-per-peer: every simulated site dials from
  // 127.0.0.1, so the hub must admit threads x procs calls from there.
  int max_calls_per_peer = 8;
  std::string hub_bin;
  std::string workdir;
};

struct House {
  std::string db;
  std::string token;
  std::string channel;  // SyncOptions::channel_key: one connection per site
  std::unique_ptr<common::Replica> rep;
};

// Seconds on the steady clock.
double Now();

class Bench {
 public:
  explicit Bench(Config cfg) : cfg_(std::move(cfg)) {}
  // The reference workload then poor links and hostile_push. Exit code: 0,
  // 1 set-up failed, 3 not converged, 4 errors counted.
  int Run();
  // Scale mode: one "scale" row per Config::scale_sites entry. 0 or 4.
  int RunScale();

 private:
  std::string NewToken(const std::string& site, const std::string& name);
  common::Result<House> NewHouse(const std::string& name, const std::string& site);
  SyncOptions Options(const House& h) const;
  // Counts an error (the run then exits non-zero) and logs it.
  void Fail(const std::string& what);
  bool Check(const Status& s, const std::string& what);
  // Syncs, retrying on UNAVAILABLE up to `attempts` times.
  // `fresh`: each attempt on a new connection (a cold link).
  common::Result<SyncReport> Sync(House& h, int attempts, int* used = nullptr,
                                  size_t batch_bytes = 0, bool fresh = false);
  void Begin();
  json End(const std::string& phase, int sites, int64_t records,
           const json& extra = json::object());
  // Syncs every house once. With `ms`, each sync's duration in ms; with
  // `noop`, a sync that pushes or pulls anything is an error.
  std::string SyncAll(std::vector<House>& hs, std::atomic<int>* rts,
                      std::vector<double>* ms = nullptr, bool noop = false);
  // SyncAll with --procs: sites split over the worker processes.
  std::string SyncAllInWorkers(std::vector<House>& hs, std::atomic<int>* rts,
                               std::vector<double>* ms, bool noop);
  bool Converged();
  // pull, pull_existing and pull_existing_nocheckpoint (bench_pull.cc).
  // False if the run cannot go on (the error is counted).
  bool PullPhases(const std::vector<std::string>& fresh_tokens);
  // One catch-up with nothing new, each of `hs` without its pull cursor:
  // the JSON row `phase` (pull_checkpoint: false, replicas: `replicas`).
  bool NoCheckpointPull(std::vector<House>& hs, const std::string& phase,
                        const std::string& replicas);
  // Highest hub_seq of `site`'s records in hub.db (read-only, beside the
  // running hub): what the hub received, independent of the sync client.
  common::Result<int64_t> HubMaxSeq(const std::string& site = "");
  void PoorLink();
  bool ScaleRow(int n);
  // The hub's command line tail: TLS files and --max-calls-per-peer.
  std::vector<std::string> HubArgs(const std::string& dir);
  void HostilePush(int port, const std::string& token);

  Config cfg_;
  std::string hub_db_;
  std::string hub_addr_;  // what the sites dial: the proxy, or the hub (scale)
  std::string ca_file_;  // empty: plain text
  std::atomic<int> errors_{0};
  std::unique_ptr<SqliteHubStore> tokens_;  // closed before the hub starts
  std::vector<std::pair<std::string, TokenInfo>> pending_tokens_;
  WorkerPool pool_;  // --procs
  HubProcess hub_;
  std::unique_ptr<FaultProxy> proxy_;
  std::vector<House> houses_;
  double t0_ = 0;
  ProcStats hub0_, self0_;
  int hub_port_ = 0;
  ProxyCounters bytes0_;
  std::atomic<int> round_trips_{0};
  int conflicts_ = 0;
  bool converged_ = true;
  json total_ = {{"seconds", 0.0}, {"bytes", 0}, {"round_trips", 0}};
};

}  // namespace relais::server::bench
