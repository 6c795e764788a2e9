// relais-bench: the reference workload (see docs/BENCHMARKS.md) against a
// real relais-hub process on 127.0.0.1. Bytes are counted on the hub's side
// of a pass-through proxy (both directions, what crossed the socket). JSON
// lines on stdout, progress on stderr. --scale-sites N,...: the scale mode
// instead (tools/bench/scale.cc). Bad arguments: exit code 2.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "tools/bench/bench.h"
#include "tools/bench/workload.h"

namespace relais::server::bench {

using common::Collection;
using common::Replica;
namespace fs = std::filesystem;

int Bench::Run() {
  if (cfg_.procs > 1 && !Check(pool_.Start(cfg_.procs), "--procs")) return 1;
  fs::create_directories(cfg_.workdir);
  if (!OpenStore(cfg_.workdir)) return 1;
  const int n = cfg_.sites;
  std::vector<std::string> fresh_tokens;
  for (int i = 0; i < n; ++i) {
    auto h = NewHouse("site" + std::to_string(i), "S" + std::to_string(i));
    if (!h.ok()) {
      std::cerr << "bench: " << h.status().ToString() << "\n";
      return 1;
    }
    h->token = NewToken("S" + std::to_string(i), "site" + std::to_string(i));
    h->hub = i;  // house i -> hub i % hubs
    houses_.push_back(std::move(h).value());
    fresh_tokens.push_back(NewToken("S" + std::to_string(i), "fresh" + std::to_string(i)));
  }
  const std::string second_token = NewToken("S0", "site0-b");
  const std::string edge_token = NewToken("EDGE", "edge");
  const std::string hostile_token = NewToken("HOSTILE", "hostile");
  if (errors_ > 0) return 1;
  if (!StartHubs(cfg_.workdir, /*proxied=*/true)) return 1;
  const int port = hub_ports_[0];
  std::string err;
  const int64_t total_records = static_cast<int64_t>(n) * cfg_.records;

  // Local writes (reported apart): each site imports its records.
  std::cerr << "bench: écritures locales (" << total_records << " enregistrements)\n";
  Begin();
  err = ParallelFor(n, cfg_.threads, [&](int i) {
    auto items = MakeAppointments(i, cfg_.records, cfg_.seed);
    for (size_t k = 0; k < items.size(); k += 500) {
      std::vector<Item> chunk(items.begin() + k,
                              items.begin() + std::min(items.size(), k + 500));
      auto w = houses_[i].rep->WriteBatch(Collection::kAppointment, chunk);
      if (!w.ok()) return w.status().ToString();
    }
    return std::string();
  });
  if (!err.empty()) { std::cerr << "bench: " << err << "\n"; return 1; }
  json local = End("local_write", n, total_records);
  total_["seconds"] = total_["seconds"].get<double>() - local["seconds"].get<double>();

  std::cerr << "bench: initial_push\n";
  Begin();
  err = SyncAll(houses_, &round_trips_);
  if (!err.empty()) { std::cerr << "bench: " << err << "\n"; return 1; }
  End("initial_push", n, total_records);

  std::cerr << "bench: incremental\n";
  const int per_site = std::max(1, cfg_.records / 100);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < per_site; ++k)
      Check(houses_[i].rep->Write(Collection::kAppointment,
                                  "rdv-" + std::to_string(i) + "-" + std::to_string(k * 100),
                                  {{"status", "checked_in"}}).status(),
            "écriture");
  Begin();
  err = SyncAll(houses_, &round_trips_);
  if (!err.empty()) { std::cerr << "bench: " << err << "\n"; return 1; }
  End("incremental", n, static_cast<int64_t>(n) * per_site);

  std::cerr << "bench: conflicts\n";
  auto second = NewHouse("site0-b", "S0");
  if (!Check(second.status(), "site0-b")) return 1;
  second->token = second_token;
  second->hub = 1;  // with several hubs, the sibling commits through another
  if (!Check(Sync(*second, 1).status(), "sync site0-b")) return 1;  // bootstrap, not timed
  const int edits = std::min(100, cfg_.records);
  for (int k = 0; k < edits; ++k) {
    const std::string id = "rdv-0-" + std::to_string(k * (cfg_.records / edits) + 1);
    Check(houses_[0].rep->Write(Collection::kAppointment, id, {{"status", "checked_in"}})
              .status(), "écriture");
    Check(second->rep->Write(Collection::kAppointment, id, {{"note", "modifié au secrétariat"}})
              .status(), "écriture");
  }
  Begin();
  for (House* h : {&houses_[0], &*second, &houses_[0]}) {
    auto r = Sync(*h, 1);
    if (!Check(r.status(), "sync conflits")) return 1;
    round_trips_ += r->round_trips;
  }
  const double conflict_secs = Now() - t0_;
  auto conflicts = houses_[0].rep->Conflicts();
  auto dump0 = houses_[0].rep->Dump(), dump1 = second->rep->Dump();
  if (!Check(conflicts.status(), "conflits") || !Check(dump0.status(), "dump") ||
      !Check(dump1.status(), "dump"))
    return 1;
  conflicts_ = static_cast<int>(conflicts->size());
  converged_ = *dump0 == *dump1;
  t0_ = Now() - conflict_secs;  // checks above are outside the timing
  End("conflicts", 1, edits);
  conflicts_ = 0;

  if (!PullPhases(fresh_tokens)) return 1;

  converged_ = converged_ && Converged();
  const ProcStats hs = HubStats();
  int64_t disk = 0;
  for (const auto& e : fs::directory_iterator(cfg_.workdir))
    if (e.is_regular_file()) disk += static_cast<int64_t>(e.file_size());
  json total = {{"phase", "total"}, {"sites", n}, {"records", total_records},
                {"seconds", total_["seconds"]}, {"bytes", total_["bytes"]},
                {"round_trips", total_["round_trips"]}, {"converged", converged_},
                {"hub_cpu_s", hs.cpu_s}, {"hub_rss_mb", hs.rss_mb},
                {"hub_peak_rss_mb", hs.peak_mb},
                {"disk_mb", static_cast<double>(disk) / 1e6},
                {"in_total", {"initial_push", "incremental", "conflicts", "pull",
                              "pull_existing"}}};
  total.update(StoreFields());
  std::cout << total.dump() << std::endl;
  if (cfg_.poor_link) {
    houses_.clear();
    auto h = NewHouse("edge", "EDGE");
    if (!Check(h.status(), "edge")) return 1;
    h->token = edge_token;
    houses_.push_back(std::move(h).value());
    PoorLink();
  }
  if (cfg_.hostile_seconds > 0) HostilePush(port, hostile_token);
  StopHubs();
  if (errors_ > 0) {
    std::cerr << "bench: " << errors_.load() << " erreur(s)\n";
    return 4;
  }
  return converged_ ? 0 : 3;
}

}  // namespace relais::server::bench

int main(int argc, char** argv) {
  using relais::server::bench::Bench;
  using relais::server::bench::Config;
  Config cfg;
  bool quick = false;
  CLI::App app{"relais-bench — charge de référence (PouchDB/CouchDB) contre un relais-hub local"};
  app.add_option("--sites", cfg.sites, "Nombre de sites")->check(CLI::Range(1, 5000));
  app.add_option("--records", cfg.records, "Rendez-vous par site")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--threads", cfg.threads, "Sites synchronisés en parallèle (par processus)")
      ->check(CLI::Range(1, 64));
  app.add_option("--procs", cfg.procs,
                 "Sites répartis sur autant de processus fils (connexions par site gardées)")
      ->check(CLI::Range(1, 16));
  app.add_option("--seed", cfg.seed, "Graine du générateur");
  app.add_option("--hub-bin", cfg.hub_bin, "Chemin de relais-hub");
  app.add_option("--workdir", cfg.workdir, "Répertoire de travail (vidé)");
  app.add_flag("--quick", quick, "Petite charge (CI): 4 sites x 200");
  app.add_option("--hostile-seconds", cfg.hostile_seconds,
                 "Durée de la phase hostile_push (0: sans)")
      ->check(CLI::Range(0.0, 600.0));
  bool no_poor = false;
  app.add_flag("--no-poor-link", no_poor, "Sans les scénarios de lien dégradé");
  app.add_option("--cut-offset-ms", cfg.cut_offset_ms,
                 "adsl-flaky: première coupure après ce délai (puis toutes les 5 s)")
      ->check(CLI::Range(int64_t{0}, int64_t{600000}));
  bool plaintext = false;
  app.add_flag("--plaintext", plaintext,
               "Hub en clair (sans TLS; par défaut: TLS avec une autorité jetable)");
  std::string tls = "on";
  app.add_option("--tls", tls, "on (défaut) ou off (= --plaintext)")
      ->check(CLI::IsMember({"on", "off"}));
  app.add_option("--store", cfg.store,
                 "Magasin du hub: sqlite (défaut, hub.db) ou pg (PostgreSQL jetable "
                 "démarré et arrêté par le banc)")
      ->check(CLI::IsMember({"sqlite", "pg"}));
  app.add_option("--hubs", cfg.hubs,
                 "Processus relais-hub sur le même magasin (1 à 8; plus de 1: --store pg)")
      ->check(CLI::Range(1, 8));
  app.add_option("--scale-sites", cfg.scale_sites,
                 "Mode échelle: N sites connectés en même temps, une ligne par N "
                 "(ex. 100,1000; 1 à 5000)")
      ->delimiter(',')
      ->check(CLI::Range(1, 5000));
  app.add_option("--hub-memory-quota-mb", cfg.hub_memory_quota_mb,
                 "relais-hub --memory-quota-mb (8 à 8192; défaut: celui du hub, 32)")
      ->check(CLI::Range(8, 8192));
  app.add_option("--scale-records", cfg.scale_records,
                 "Mode échelle: rendez-vous envoyés par chaque site à sa connexion")
      ->check(CLI::Range(0, 10000));
  app.add_option("--transport", cfg.transport,
                 "grpc (défaut) ou http: les maisons synchronisent en HTTP/1.1 "
                 "(relais-hub --http-sync-listen), même charge, même TLS")
      ->check(CLI::IsMember({"grpc", "http"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (cfg.scale_sites.size() > 8) {
    std::cerr << "relais-bench: --scale-sites: 8 valeurs au plus\n";
    return 2;
  }
  if (cfg.hubs > 1 && cfg.store != "pg") {
    std::cerr << "relais-bench: --hubs " << cfg.hubs
              << " demande --store pg (un seul processus écrit dans hub.db)\n";
    return 2;
  }
  if (cfg.transport == "http" && (cfg.procs > 1 || !cfg.scale_sites.empty())) {
    std::cerr << "relais-bench: --transport http: sans --procs ni --scale-sites\n";
    return 2;
  }
  if (quick) {
    cfg.sites = 4;
    cfg.records = 200;
    cfg.hostile_seconds = std::min(cfg.hostile_seconds, 3.0);
  }
  cfg.poor_link = !no_poor;
  if (cfg.transport == "http" && (cfg.poor_link || cfg.hostile_seconds > 0)) {
    std::cerr << "relais-bench: --transport http: phases lien dégradé et hostile_push "
                 "omises (scénarios gRPC)\n";
    cfg.poor_link = false;
    cfg.hostile_seconds = 0;
  }
  cfg.tls = !plaintext && tls == "on";
  // Every simulated site dials from 127.0.0.1 and the hub admits
  // --max-calls-per-peer calls at once per address (default 8): ask for
  // what this run keeps in flight (at most 64 x 16 = 1024, the flag's bound).
  cfg.max_calls_per_peer = std::max(8, cfg.threads * cfg.procs);
  namespace fs = std::filesystem;
  if (cfg.hub_bin.empty()) {
    const fs::path self = fs::read_symlink("/proc/self/exe");
    cfg.hub_bin = (self.parent_path().parent_path().parent_path() / "server" / "relais-hub").string();
  }
  relais::server::bench::InstallCleanupOnSignal();
  const bool own_dir = cfg.workdir.empty();
  if (own_dir) {
    std::string tmpl = (fs::temp_directory_path() / "relais-bench-XXXXXX").string();
    cfg.workdir = mkdtemp(tmpl.data());
  } else {
    fs::remove_all(cfg.workdir);
  }
  std::cerr << "bench: " << cfg.sites << " sites x " << cfg.records << ", magasin "
            << cfg.store << ", " << cfg.hubs << " hub(s) " << cfg.hub_bin
            << ", dossier " << cfg.workdir << "\n";
  const int rc = cfg.scale_sites.empty() ? Bench(cfg).Run() : Bench(cfg).RunScale();
  if (own_dir) fs::remove_all(cfg.workdir);
  return rc;
}
