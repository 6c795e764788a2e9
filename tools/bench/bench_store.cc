// relais-bench's store and hub processes: --store sqlite (one relais-hub
// over hub.db) or --store pg (a throw-away PostgreSQL cluster started by the
// bench, a fresh database per run or scale row, and --hubs relais-hub
// processes over it). House i dials hub i % hubs (House::hub).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <iostream>

#include "server/hub_store_open.h"
#include "tools/bench/bench.h"

namespace relais::server::bench {

namespace {

// What a SIGINT/SIGTERM must not leave running: the hubs (SIGTERM) and the
// postmaster (SIGQUIT, PostgreSQL's immediate shutdown). Slots hold 0 when
// free; the handler only reads them and calls kill/write (async-signal-safe).
constexpr int kMaxChildren = 16;
std::atomic<pid_t> g_hubs[kMaxChildren];
std::atomic<pid_t> g_postmaster{0};
char g_pg_dir[256];

void OnSignal(int sig) {
  for (auto& p : g_hubs)
    if (const pid_t pid = p.load(); pid > 0) kill(pid, SIGTERM);
  if (const pid_t pm = g_postmaster.load(); pm > 0) {
    kill(pm, SIGQUIT);
    constexpr char kMsg[] = "relais-bench: interrompu; PostgreSQL arrêté, dossier à effacer: ";
    (void)!write(2, kMsg, sizeof kMsg - 1);
    (void)!write(2, g_pg_dir, strnlen(g_pg_dir, sizeof g_pg_dir));
    (void)!write(2, "\n", 1);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

void TrackHub(pid_t pid, bool add) {
  for (auto& p : g_hubs) {
    pid_t expected = add ? 0 : pid;
    if (p.compare_exchange_strong(expected, add ? pid : 0)) return;
  }
}

}  // namespace

void InstallCleanupOnSignal() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool Bench::OpenStore(const std::string& dir) {
  StoreChoice choice;
  if (cfg_.store == "pg") {
    if (!pg_) {
      std::cerr << "bench: démarrage d'un PostgreSQL jetable\n";
      auto c = pgtest::PgCluster::Create();
      if (!Check(c.status(), "PostgreSQL")) return false;
      pg_ = std::move(c).value();
      std::ifstream pid_file(pg_->dir() + "/data/postmaster.pid");
      long pm = 0;
      if (pid_file >> pm && pm > 1) g_postmaster = static_cast<pid_t>(pm);
      std::strncpy(g_pg_dir, pg_->dir().c_str(), sizeof g_pg_dir - 1);
    }
    auto db = pg_->CreateDatabase();
    if (!Check(db.status(), "PostgreSQL: base")) return false;
    pg_conninfo_ = *db;
    choice.store = pg_conninfo_;
  } else {
    hub_db_ = dir + "/hub.db";
    choice.db = hub_db_;
  }
  auto store = OpenHubStore(choice, /*create=*/true);
  if (!Check(store.status(), "magasin du hub")) return false;
  tokens_ = std::move(store).value();
  return true;
}

bool Bench::StartHubs(const std::string& dir, bool proxied) {
  tokens_.reset();
  StopHubs();
  const std::vector<std::string> args = HubArgs(dir);
  if (errors_ > 0) return false;
  const std::vector<std::string> store_args =
      cfg_.store == "pg" ? std::vector<std::string>{"--store", pg_conninfo_}
                         : std::vector<std::string>{"--db", hub_db_};
  for (int k = 0; k < cfg_.hubs; ++k) {
    const int port = FreePort();
    auto hub = std::make_unique<HubProcess>();
    const std::string log = dir + "/hub-" + std::to_string(k) + ".log";
    std::vector<std::string> hub_args = args;
    const int http_port = cfg_.transport == "http" ? FreePort() : 0;
    if (http_port)
      hub_args.insert(hub_args.end(),
                      {"--http-sync-listen", "127.0.0.1:" + std::to_string(http_port)});
    if (!Check(hub->Start(cfg_.hub_bin, store_args, port, log, hub_args),
               "relais-hub " + std::to_string(k)))
      return false;
    TrackHub(hub->pid(), true);
    hubs_.push_back(std::move(hub));
    hub_ports_.push_back(port);
    if (http_port) {
      if (!proxied) {
        http_addrs_.push_back("127.0.0.1:" + std::to_string(http_port));
      } else {
        auto hp = std::make_unique<FaultProxy>("127.0.0.1:" + std::to_string(http_port),
                                               LinkProfile{});
        if (!Check(hp->Start().status(), "proxy http")) return false;
        http_addrs_.push_back("127.0.0.1:" + std::to_string(hp->port()));
        proxies_.push_back(std::move(hp));
      }
    }
    if (!proxied) {
      hub_addrs_.push_back("127.0.0.1:" + std::to_string(port));
      continue;
    }
    auto proxy =
        std::make_unique<FaultProxy>("127.0.0.1:" + std::to_string(port), LinkProfile{});
    if (!Check(proxy->Start().status(), "proxy")) return false;
    hub_addrs_.push_back("127.0.0.1:" + std::to_string(proxy->port()));
    proxies_.push_back(std::move(proxy));
  }
  return true;
}

void Bench::StopHubs() {
  proxies_.clear();
  for (auto& h : hubs_) {
    TrackHub(h->pid(), false);
    h->Stop();
  }
  hubs_.clear();
  hub_ports_.clear();
  hub_addrs_.clear();
  http_addrs_.clear();
}

ProcStats Bench::HubStats() const {
  ProcStats sum;
  for (const auto& h : hubs_) {
    const ProcStats s = h->Stats();
    sum.cpu_s += s.cpu_s;
    sum.rss_mb = std::max(sum.rss_mb, s.rss_mb);
    sum.peak_mb = std::max(sum.peak_mb, s.peak_mb);
    sum.threads += s.threads;
    sum.fds += s.fds;
  }
  return sum;
}

json Bench::StoreFields() const {
  json rss = json::array(), peak = json::array();
  for (const auto& h : hubs_) {
    const ProcStats s = h->Stats();
    rss.push_back(s.rss_mb);
    peak.push_back(s.peak_mb);
  }
  json j = {{"store", cfg_.store}, {"hubs", cfg_.hubs}, {"transport", cfg_.transport},
            {"hubs_rss_mb", rss}, {"hubs_peak_rss_mb", peak}};
  if (pg_) {
    const ServerMemory m = PostgresMemory(pg_->dir() + "/data/postmaster.pid");
    j["pg_rss_mb"] = m.rss_mb;
    j["pg_pss_mb"] = m.pss_mb;
    j["pg_processes"] = m.processes;
  }
  return j;
}

int Bench::HubConnections() const {
  int n = 0;
  for (int port : hub_ports_) n += EstablishedConnections(port);
  return n;
}

common::Result<std::unique_ptr<HubReader>> Bench::Reader() const {
  return HubReader::Open(cfg_.store, cfg_.store == "pg" ? pg_conninfo_ : hub_db_);
}

}  // namespace relais::server::bench
