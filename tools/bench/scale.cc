// relais-bench --scale-sites N[,N...]: for each N, a fresh relais-hub and N
// fresh sites, each on its own channel (its own TCP + TLS connection, dialled
// straight to the hub: no proxy, whose threads would be ours to pay). Every
// site connects and pushes --scale-records appointments ("connect"); with
// all N connections held, the hub's RSS, threads and open fds are read from
// /proc and its ESTABLISHED connections counted in /proc/net/tcp; then every
// site makes one no-op sync on its open connection (latency p50/p99), with
// threads x procs syncs in flight. One "scale" JSON line per N.
// Oracles: the kernel's connection table (>= N held, else an error) and
// hub.db (every site's records there, nothing moved by the no-op syncs).
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "tools/bench/bench.h"
#include "tools/bench/workload.h"

namespace relais::server::bench {

namespace fs = std::filesystem;
using common::Collection;

namespace {

double Pct(const std::vector<double>& ms, double p) {
  return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))];
}

}  // namespace

int Bench::RunScale() {
  if (cfg_.procs > 1 && !Check(pool_.Start(cfg_.procs), "--procs")) return 4;
  for (int n : cfg_.scale_sites)
    if (!ScaleRow(n)) break;
  if (errors_ > 0) {
    std::cerr << "bench: " << errors_.load() << " erreur(s)\n";
    return 4;
  }
  return 0;
}

bool Bench::ScaleRow(int n) {
  const std::string sub = "scale-" + std::to_string(n);
  const std::string dir = cfg_.workdir + "/" + sub;
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir);
  hub_db_ = dir + "/hub.db";
  houses_.clear();
  std::cerr << "bench: échelle " << n << " sites (création)\n";
  const double t_setup = Now();
  {
    auto store = SqliteHubStore::Open(hub_db_, true);
    if (!Check(store.status(), "hub.db")) return false;
    tokens_ = std::move(store).value();
  }
  std::vector<std::string> tokens(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    tokens[i] = NewToken("S" + std::to_string(i), "scale-site" + std::to_string(i));
  tokens_.reset();
  houses_.resize(static_cast<size_t>(n));
  std::string err = ParallelFor(n, cfg_.threads, [&](int i) {
    auto h = NewHouse(sub + "/site" + std::to_string(i), "S" + std::to_string(i));
    if (!h.ok()) return h.status().ToString();
    h->token = tokens[i];
    h->channel = sub + ":site:S" + std::to_string(i);
    if (cfg_.scale_records > 0) {
      auto w = h->rep->WriteBatch(Collection::kAppointment,
                                  MakeAppointments(i, cfg_.scale_records, cfg_.seed));
      if (!w.ok()) return w.status().ToString();
    }
    // With --procs the workers open the replica; the parent keeps no handle.
    if (pool_.size() > 0) h->rep.reset();
    houses_[i] = std::move(h).value();
    return std::string();
  });
  if (!err.empty() || errors_ > 0) {
    Fail("échelle " + std::to_string(n) + ": " + err);
    return false;
  }
  const std::vector<std::string> hub_args = HubArgs(dir);
  if (errors_ > 0) return false;
  const int port = FreePort();
  if (!Check(hub_.Start(cfg_.hub_bin, hub_db_, port, dir + "/hub.log", hub_args), "relais-hub"))
    return false;
  hub_port_ = port;
  hub_addr_ = "127.0.0.1:" + std::to_string(port);
  const double setup_secs = Now() - t_setup;

  std::cerr << "bench: échelle " << n << " sites (connexion)\n";
  std::atomic<int> rts{0};
  std::vector<double> connect_ms, noop_ms;
  double t = Now();
  err = SyncAll(houses_, &rts, &connect_ms);
  const double connect_secs = Now() - t;
  if (!err.empty()) Fail("échelle " + std::to_string(n) + ", connexion: " + err);
  // Every connection held at once: what the hub costs with N sites.
  const int conns = EstablishedConnections(port);
  const ProcStats held = hub_.Stats();
  if (conns < n)
    Fail("échelle " + std::to_string(n) + ": le hub tient " + std::to_string(conns) +
         " connexions");
  auto seq0 = HubMaxSeq();
  if (!Check(seq0.status(), "hub.db")) return false;

  std::cerr << "bench: échelle " << n << " sites (synchro à vide)\n";
  t = Now();
  err = SyncAll(houses_, &rts, &noop_ms, /*noop=*/true);
  const double noop_secs = Now() - t;
  if (!err.empty()) Fail("échelle " + std::to_string(n) + ", synchro à vide: " + err);
  const int conns_after = EstablishedConnections(port);
  const ProcStats after = hub_.Stats();

  // hub.db: every site holds its records, and the no-op syncs wrote nothing.
  bool converged = false;
  {
    auto seq1 = HubMaxSeq();
    auto db = common::Db::OpenReader(hub_db_);
    if (Check(seq1.status(), "hub.db") && Check(db.status(), "hub.db")) {
      auto st = (*db)->Prepare(
          "SELECT count(*) FROM (SELECT site_id FROM records GROUP BY site_id"
          " HAVING count(*) = ?)");
      if (Check(st.status(), "hub.db")) {
        st->Bind(1, static_cast<int64_t>(cfg_.scale_records));
        auto row = st->Step();
        const int64_t sites_ok = row.ok() && *row ? st->ColumnInt(0) : -1;
        converged = (cfg_.scale_records == 0 || sites_ok == n) && *seq1 == *seq0;
        if (!converged)
          Fail("échelle " + std::to_string(n) + ": " + std::to_string(sites_ok) +
               " sites complets au hub, hub_seq " + std::to_string(*seq0) + " -> " +
               std::to_string(*seq1));
      }
    }
  }
  std::sort(connect_ms.begin(), connect_ms.end());
  std::sort(noop_ms.begin(), noop_ms.end());
  json j = {{"phase", "scale"},
            {"sites", n},
            {"records_per_site", cfg_.scale_records},
            {"hub_connections", conns},
            {"hub_connections_after_noop", conns_after},
            {"hub_rss_mb", held.rss_mb},
            {"hub_threads", held.threads},
            {"hub_fds", held.fds},
            {"hub_rss_mb_after_noop", after.rss_mb},
            {"hub_threads_after_noop", after.threads},
            {"hub_fds_after_noop", after.fds},
            {"hub_peak_rss_mb", after.peak_mb},
            {"hub_cpu_s", after.cpu_s},
            {"setup_seconds", setup_secs},
            {"connect_seconds", connect_secs},
            {"connect_p50_ms", Pct(connect_ms, 0.50)},
            {"connect_p99_ms", Pct(connect_ms, 0.99)},
            {"noop_seconds", noop_secs},
            {"noop_p50_ms", Pct(noop_ms, 0.50)},
            {"noop_p99_ms", Pct(noop_ms, 0.99)},
            {"noop_max_ms", Pct(noop_ms, 1.0)},
            {"noop_concurrency", std::min(cfg_.threads * std::max(1, cfg_.procs), n)},
            {"threads", cfg_.threads},
            {"procs", std::max(1, cfg_.procs)},
            {"max_calls_per_peer", cfg_.max_calls_per_peer},
            {"round_trips", rts.load()},
            {"converged", converged},
            {"tls", !ca_file_.empty()},
            {"errors", errors_.load()}};
  std::cout << j.dump() << std::endl;
  hub_.Stop();
  houses_.clear();
  return errors_ == 0;
}

}  // namespace relais::server::bench
