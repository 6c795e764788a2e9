// relais-bench's store and hub processes: --store sqlite (one relais-hub
// over hub.db) or --store pg (a throw-away PostgreSQL cluster started by the
// bench, a fresh database per run or scale row, and --hubs relais-hub
// processes over it). House i dials hub i % hubs (House::hub).
#include <algorithm>
#include <iostream>

#include "server/hub_store_open.h"
#include "tools/bench/bench.h"

namespace relais::server::bench {

bool Bench::OpenStore(const std::string& dir) {
  StoreChoice choice;
  if (cfg_.store == "pg") {
    if (!pg_) {
      std::cerr << "bench: démarrage d'un PostgreSQL jetable\n";
      auto c = pgtest::PgCluster::Create();
      if (!Check(c.status(), "PostgreSQL")) return false;
      pg_ = std::move(c).value();
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
    if (!Check(hub->Start(cfg_.hub_bin, store_args, port, log, args),
               "relais-hub " + std::to_string(k)))
      return false;
    hubs_.push_back(std::move(hub));
    hub_ports_.push_back(port);
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
  for (auto& h : hubs_) h->Stop();
  hubs_.clear();
  hub_ports_.clear();
  hub_addrs_.clear();
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
  json j = {{"store", cfg_.store}, {"hubs", cfg_.hubs},
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
