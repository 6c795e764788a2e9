// relais-bench --scale-sites N[,N...]: for each N, a fresh relais-hub and N
// fresh sites, each on its own channel (its own TCP + TLS connection, dialled
// straight to the hub: no proxy, whose threads would be ours to pay). Every
// site connects and pushes --scale-records appointments ("connect"); with
// all N connections held, the hub's RSS, threads and open fds are read from
// /proc and its ESTABLISHED connections counted in /proc/net/tcp; then every
// site makes one no-op sync on its open connection (latency p50/p99), with
// threads x procs syncs in flight. One "scale" JSON line per N.
// Then ("pull", when --scale-records > 0) a fresh reader replica per site,
// on its own connection to ANOTHER hub than its site's writer when there are
// several (site i writes through hub i % H, reads through hub (i+1) % H),
// pulls the site's records. cycle = connect + pull + no-op.
// Oracles: the kernel's connection table (>= N held, else an error), the
// hub's database read with SQL (every site's records there, nothing moved by
// the no-op syncs or the pulls), and each reader replica's file (exactly
// --scale-records distinct records of its site, each one of the writer's
// ids: nothing lost, no record skipped by a pull).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

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
  houses_.clear();
  const bool pull = cfg_.scale_records > 0;
  std::cerr << "bench: échelle " << n << " sites (création)\n";
  const double t_setup = Now();
  if (!OpenStore(dir)) return false;
  std::vector<std::string> tokens(static_cast<size_t>(n)), reader_tokens(tokens.size());
  for (int i = 0; i < n; ++i) {
    tokens[i] = NewToken("S" + std::to_string(i), "scale-site" + std::to_string(i));
    if (pull)
      reader_tokens[i] = NewToken("S" + std::to_string(i), "scale-reader" + std::to_string(i));
  }
  houses_.resize(static_cast<size_t>(n));
  std::vector<House> readers(pull ? static_cast<size_t>(n) : 0);
  std::string err = ParallelFor(n, cfg_.threads, [&](int i) {
    auto h = NewHouse(sub + "/site" + std::to_string(i), "S" + std::to_string(i));
    if (!h.ok()) return h.status().ToString();
    h->token = tokens[i];
    h->channel = sub + ":site:S" + std::to_string(i);
    h->hub = i;
    if (cfg_.scale_records > 0) {
      auto w = h->rep->WriteBatch(Collection::kAppointment,
                                  MakeAppointments(i, cfg_.scale_records, cfg_.seed));
      if (!w.ok()) return w.status().ToString();
    }
    // With --procs the workers open the replica; the parent keeps no handle.
    if (pool_.size() > 0) h->rep.reset();
    houses_[i] = std::move(h).value();
    if (!pull) return std::string();
    auto r = NewHouse(sub + "/reader" + std::to_string(i), "S" + std::to_string(i));
    if (!r.ok()) return r.status().ToString();
    r->token = reader_tokens[i];
    r->channel = sub + ":reader:S" + std::to_string(i);
    r->hub = i + 1;
    if (pool_.size() > 0) r->rep.reset();
    readers[i] = std::move(r).value();
    return std::string();
  });
  if (!err.empty() || errors_ > 0) {
    Fail("échelle " + std::to_string(n) + ": " + err);
    return false;
  }
  if (!StartHubs(dir, /*proxied=*/false)) return false;
  const double setup_secs = Now() - t_setup;

  std::cerr << "bench: échelle " << n << " sites (connexion)\n";
  std::atomic<int> rts{0};
  std::vector<double> connect_ms, noop_ms, pull_ms;
  double t = Now();
  err = SyncAll(houses_, &rts, &connect_ms);
  const double connect_secs = Now() - t;
  if (!err.empty()) Fail("échelle " + std::to_string(n) + ", connexion: " + err);
  // Every connection held at once: what the hubs cost with N sites.
  const int conns = HubConnections();
  const ProcStats held = HubStats();
  if (conns < n)
    Fail("échelle " + std::to_string(n) + ": les hubs tiennent " + std::to_string(conns) +
         " connexions");
  auto seq0 = HubMaxSeq();
  if (!Check(seq0.status(), "base du hub")) return false;

  double pull_secs = 0;
  if (pull) {
    std::cerr << "bench: échelle " << n << " sites (lecture par d'autres répliques)\n";
    t = Now();
    err = SyncAll(readers, &rts, &pull_ms);
    pull_secs = Now() - t;
    if (!err.empty()) Fail("échelle " + std::to_string(n) + ", lecture: " + err);
  }

  std::cerr << "bench: échelle " << n << " sites (synchro à vide)\n";
  t = Now();
  err = SyncAll(houses_, &rts, &noop_ms, /*noop=*/true);
  const double noop_secs = Now() - t;
  if (!err.empty()) Fail("échelle " + std::to_string(n) + ", synchro à vide: " + err);
  const int conns_after = HubConnections();
  const ProcStats after = HubStats();
  const json store_fields = StoreFields();

  // The hub's database: every site holds its records, and neither the pulls
  // nor the no-op syncs wrote anything.
  const int64_t pushed = static_cast<int64_t>(n) * cfg_.scale_records;
  bool converged = false;
  int64_t sites_ok = -1, at_hub = -1;
  {
    auto seq1 = HubMaxSeq();
    auto db = Reader();
    if (Check(seq1.status(), "base du hub") && Check(db.status(), "base du hub")) {
      auto k = (*db)->QueryInt(
          "SELECT count(*) FROM (SELECT site_id FROM records GROUP BY site_id"
          " HAVING count(*) = $1) AS complete",
          {static_cast<int64_t>(cfg_.scale_records)});
      auto total = (*db)->QueryInt("SELECT count(*) FROM records", {});
      if (Check(k.status(), "base du hub") && Check(total.status(), "base du hub")) {
        sites_ok = *k;
        at_hub = *total;
        converged = (cfg_.scale_records == 0 || sites_ok == n) && at_hub == pushed &&
                    *seq1 == *seq0;
        if (!converged)
          Fail("échelle " + std::to_string(n) + ": " + std::to_string(sites_ok) +
               " sites complets au hub, hub_seq " + std::to_string(*seq0) + " -> " +
               std::to_string(*seq1));
      }
    }
  }
  // The receiving side: each reader replica holds exactly its site's
  // records, every one of them an id its writer created (read from the
  // replica's file, not from the sync reports).
  int64_t received = 0;
  int readers_complete = 0;
  for (int i = 0; i < static_cast<int>(readers.size()); ++i) {
    std::unique_ptr<common::Replica> opened;
    common::Replica* rep = readers[i].rep.get();
    if (rep == nullptr) {
      auto r = common::Replica::Open(readers[i].db);
      if (!Check(r.status(), "lecteur " + std::to_string(i))) continue;
      opened = std::move(r).value();
      rep = opened.get();
    }
    auto all = rep->store()->ListAll();
    if (!Check(all.status(), "lecteur " + std::to_string(i))) continue;
    const std::string site = "S" + std::to_string(i);
    const std::string prefix = "rdv-" + std::to_string(i) + "-";
    std::set<std::string> ids;
    for (const auto& r : *all)
      if (r.site_id == site && r.collection == Collection::kAppointment &&
          r.id.rfind(prefix, 0) == 0)
        ids.insert(r.id);
    received += static_cast<int64_t>(ids.size());
    if (static_cast<int>(ids.size()) == cfg_.scale_records &&
        all->size() == ids.size())
      ++readers_complete;
    else
      Fail("échelle " + std::to_string(n) + ": le lecteur du site " + site + " a reçu " +
           std::to_string(ids.size()) + " enregistrements distincts sur " +
           std::to_string(cfg_.scale_records) + " (" + std::to_string(all->size()) +
           " en tout)");
  }
  if (pull) converged = converged && readers_complete == n;
  std::sort(connect_ms.begin(), connect_ms.end());
  std::sort(noop_ms.begin(), noop_ms.end());
  std::sort(pull_ms.begin(), pull_ms.end());
  const double cycle_secs = connect_secs + pull_secs + noop_secs;
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
            {"client_cpu_s", SelfStats().cpu_s},
            {"setup_seconds", setup_secs},
            {"connect_seconds", connect_secs},
            {"connect_p50_ms", Pct(connect_ms, 0.50)},
            {"connect_p99_ms", Pct(connect_ms, 0.99)},
            {"pull_seconds", pull_secs},
            {"pull_p50_ms", Pct(pull_ms, 0.50)},
            {"pull_p99_ms", Pct(pull_ms, 0.99)},
            {"noop_seconds", noop_secs},
            {"noop_p50_ms", Pct(noop_ms, 0.50)},
            {"noop_p99_ms", Pct(noop_ms, 0.99)},
            {"noop_max_ms", Pct(noop_ms, 1.0)},
            {"noop_concurrency", std::min(cfg_.threads * std::max(1, cfg_.procs), n)},
            {"cycle_seconds", cycle_secs},
            {"records_pushed", pushed},
            {"records_received", received},
            {"readers_complete", pull ? readers_complete : -1},
            {"sites_complete_at_hub", sites_ok},
            {"push_records_per_s", connect_secs > 0 ? pushed / connect_secs : 0},
            {"cycle_records_per_s",
             cycle_secs > 0 ? static_cast<double>(pushed + received) / cycle_secs : 0},
            {"records_at_hub", at_hub},
            // Distinct records missing at each receiving side (must be 0).
            {"missing_at_hub", pushed - at_hub},
            {"missing_at_readers", pull ? pushed - received : 0},
            {"threads", cfg_.threads},
            {"procs", std::max(1, cfg_.procs)},
            {"max_calls_per_peer", cfg_.max_calls_per_peer},
            {"hub_memory_quota_mb", cfg_.hub_memory_quota_mb > 0 ? cfg_.hub_memory_quota_mb : 32},
            {"round_trips", rts.load()},
            {"converged", converged},
            {"tls", !ca_file_.empty()},
            {"errors", errors_.load()}};
  j.update(store_fields);
  std::cout << j.dump() << std::endl;
  StopHubs();
  houses_.clear();
  return errors_ == 0;
}

}  // namespace relais::server::bench
