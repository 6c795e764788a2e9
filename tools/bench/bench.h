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
#include "common/sync/sync_client.h"
#include "server/hub_store.h"
#include "server/token.h"
#include "tests/pg/pg_cluster.h"
#include "tools/bench/hub_process.h"
#include "tools/bench/hub_reader.h"
#include "tools/bench/workers.h"
#include "tools/faultproxy/fault_proxy.h"

namespace relais::server::bench {

using relais::sync::SyncOptions;
using relais::sync::SyncReport;

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
  // relais-hub --memory-quota-mb (0: the hub's default, 32).
  int hub_memory_quota_mb = 0;
  std::string hub_bin;
  std::string workdir;
  // --store sqlite (one hub.db) or pg: a throw-away PostgreSQL cluster that
  // the bench starts and stops itself (tests/pg/pg_cluster.h), a fresh
  // database per run or scale row, shared by --hubs relais-hub processes.
  std::string store = "sqlite";
  int hubs = 1;  // 1..8; sqlite: 1 only (one process owns hub.db)
  // grpc (default) or http: the houses sync over HTTP/1.1 POST
  // (relais-hub --http-sync-listen, common/sync/http_caller.h), through the
  // same byte-counting pass-through proxies. http: --procs 1, no scale
  // mode, no poor-link or hostile phases (those are gRPC scenarios).
  std::string transport = "grpc";
};

struct House {
  std::string db;
  std::string token;
  std::string channel;  // SyncOptions::channel_key: one connection per site
  std::unique_ptr<common::Replica> rep;
  int hub = 0;  // which hub it dials (index modulo the hub count)
};

// Seconds on the steady clock.
double Now();
// SIGINT/SIGTERM: stop the hubs and the PostgreSQL server this process
// started (bench_store.cc), then die of the signal. Call once, early.
void InstallCleanupOnSignal();
// Every counter of `proxies`, summed.
ProxyCounters SumCounters(const std::vector<std::unique_ptr<FaultProxy>>& proxies);

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
  // bench_store.cc: the store and the hub processes.
  // A fresh store under `dir` (sqlite: dir/hub.db; pg: a new database of the
  // bench's cluster, started on first use) opened in tokens_.
  bool OpenStore(const std::string& dir);
  // cfg_.hubs relais-hub processes over the store (tokens_ closed first),
  // logs dir/hub-K.log; `proxied`: each behind its own pass-through proxy
  // (hub_addrs_ are then the proxies'). False on error (counted).
  bool StartHubs(const std::string& dir, bool proxied);
  void StopHubs();
  // CPU and threads/fds summed over the hubs; RSS and peak: the largest.
  ProcStats HubStats() const;
  // "store", "hubs", every hub's RSS, and with pg the server's memory.
  json StoreFields() const;
  // ESTABLISHED connections held by the hubs (every hub port).
  int HubConnections() const;
  common::Result<std::unique_ptr<HubReader>> Reader() const;
  void PoorLink();
  bool ScaleRow(int n);
  // The hub's command line tail: TLS files and --max-calls-per-peer.
  std::vector<std::string> HubArgs(const std::string& dir);
  void HostilePush(int port, const std::string& token);

  Config cfg_;
  std::string hub_db_;    // sqlite: the hub's file
  std::string pg_conninfo_;  // pg: the current database
  std::unique_ptr<pgtest::PgCluster> pg_;  // pg: started once, stopped at exit
  // What the sites dial, one per hub: the proxies, or the hubs (scale).
  std::vector<std::string> hub_addrs_;
  std::vector<std::string> http_addrs_;  // --transport http: by hub, as hub_addrs_
  std::string ca_file_;  // empty: plain text
  std::atomic<int> errors_{0};
  std::unique_ptr<HubStore> tokens_;  // closed before the hubs start
  std::vector<std::pair<std::string, TokenInfo>> pending_tokens_;
  WorkerPool pool_;  // --procs
  std::vector<std::unique_ptr<HubProcess>> hubs_;
  std::vector<int> hub_ports_;
  std::vector<std::unique_ptr<FaultProxy>> proxies_;  // one per hub, or none
  std::vector<House> houses_;
  double t0_ = 0;
  ProcStats hub0_, self0_;
  ProxyCounters bytes0_;
  std::atomic<int> round_trips_{0};
  int conflicts_ = 0;
  bool converged_ = true;
  json total_ = {{"seconds", 0.0}, {"bytes", 0}, {"round_trips", 0}};
};

}  // namespace relais::server::bench
