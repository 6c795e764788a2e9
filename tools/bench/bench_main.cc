// relais-bench: the reference workload (see docs/BENCHMARKS.md) against a
// real relais-hub process on 127.0.0.1. Bytes are counted on the hub's side
// of a pass-through proxy (both directions, what crossed the socket). JSON
// lines on stdout, progress on stderr.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "common/codec/record_json.h"
#include "tools/bench/bench.h"
#include "tools/bench/tls_setup.h"
#include "tools/bench/workload.h"

namespace relais::server::bench {

using common::Collection;
using common::Replica;
namespace fs = std::filesystem;

double Now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string Bench::NewToken(const std::string& site, const std::string& name) {
  auto t = GenerateToken();
  TokenInfo info;
  info.token_hash = HashToken(*t);
  info.name = name;
  info.sites = {site};
  if (!t.ok()) {
    Fail("jeton: " + t.status().ToString());
    return "";
  }
  Check(tokens_->AddToken(info), "jeton " + name);
  return *t;
}

common::Result<House> Bench::NewHouse(const std::string& name,
                                      const std::string& site) {
  House h;
  h.db = cfg_.workdir + "/" + name + ".db";
  auto id = Replica::Init(h.db, site);
  if (!id.ok()) return id.status();
  auto r = Replica::Open(h.db);
  if (!r.ok()) return r.status();
  h.rep = std::move(r).value();
  h.channel = "site:" + site;
  return h;
}

SyncOptions Bench::Options(const House& h) const {
  SyncOptions o;
  o.hub = "127.0.0.1:" + std::to_string(proxy_->port());
  o.token = h.token;
  o.channel_key = h.channel;
  o.ca_file = ca_file_;
  return o;
}

void Bench::Fail(const std::string& what) {
  ++errors_;
  std::cerr << "bench: ERREUR " << what << "\n";
}

bool Bench::Check(const Status& s, const std::string& what) {
  if (s.ok()) return true;
  Fail(what + ": " + s.ToString());
  return false;
}

common::Result<SyncReport> Bench::Sync(House& h, int attempts, int* used,
                                       size_t batch_bytes, bool fresh) {
  SyncOptions o = Options(h);
  o.fresh_channel = fresh;
  if (batch_bytes) o.push_batch_bytes = o.pull_batch_bytes = batch_bytes;
  common::Result<SyncReport> r = Status::Unavailable("no attempt");
  SyncReport sum;
  for (int a = 1; a <= attempts; ++a) {
    if (used) *used = a;
    r = SyncOnce(*h.rep, o);
    if (r.ok()) {
      sum.round_trips += r->round_trips;
      sum.pushed += r->pushed;
      sum.pulled += r->pulled;
      sum.conflicts += r->conflicts;
      return sum;
    }
    if (r.status().code() != common::StatusCode::kUnavailable &&
        r.status().code() != common::StatusCode::kDeadlineExceeded)
      return r;
  }
  return r;
}

void Bench::Begin() {
  t0_ = Now();
  hub0_ = hub_.Stats();
  self0_ = SelfStats();
  bytes0_ = proxy_->counters();
  round_trips_ = 0;
}

json Bench::End(const std::string& phase, int sites, int64_t records,
               const json& extra) {
  const double secs = Now() - t0_;
  const ProcStats h = hub_.Stats(), s = SelfStats();
  const ProxyCounters c = proxy_->counters();
  const int64_t bytes = (c.bytes_up - bytes0_.bytes_up) + (c.bytes_down - bytes0_.bytes_down);
  json j = {{"phase", phase},
            {"sites", sites},
            {"records", records},
            {"seconds", secs},
            {"records_per_s", secs > 0 ? records / secs : 0},
            {"bytes", bytes},
            {"bytes_per_record", records ? static_cast<double>(bytes) / records : 0},
            {"round_trips", round_trips_.load()},
            {"conflicts", conflicts_},
            {"converged", converged_},
            {"hub_cpu_s", h.cpu_s - hub0_.cpu_s},
            {"client_cpu_s", s.cpu_s - self0_.cpu_s},
            {"hub_rss_mb", h.rss_mb},
            {"hub_threads", h.threads},
            {"hub_fds", h.fds},
            {"tls", !ca_file_.empty()},
            {"errors", errors_.load()}};
  j.update(extra);
  total_["seconds"] = total_["seconds"].get<double>() + secs;
  total_["bytes"] = total_["bytes"].get<int64_t>() + bytes;
  total_["round_trips"] = total_["round_trips"].get<int>() + round_trips_.load();
  std::cout << j.dump() << std::endl;
  return j;
}

std::string Bench::SyncAll(std::vector<House>& hs, std::atomic<int>* rts,
                           std::vector<double>* ms, bool noop) {
  if (ms) ms->assign(hs.size(), 0);
  if (pool_.size() > 0) return SyncAllInWorkers(hs, rts, ms, noop);
  std::string err = ParallelFor(static_cast<int>(hs.size()), cfg_.threads, [&](int i) {
    const double t = Now();
    auto r = Sync(hs[i], 1);
    if (ms) (*ms)[i] = (Now() - t) * 1000;
    if (!r.ok()) return "sync " + hs[i].db + ": " + r.status().ToString();
    *rts += r->round_trips;
    if (noop && (r->pushed || r->pulled))
      return "sync " + hs[i].db + ": pas une synchro à vide (" +
             std::to_string(r->pushed) + " envoyés, " + std::to_string(r->pulled) + " reçus)";
    return std::string();
  });
  if (!err.empty()) ++errors_;
  return err;
}

std::string Bench::SyncAllInWorkers(std::vector<House>& hs, std::atomic<int>* rts,
                                    std::vector<double>* ms, bool noop) {
  std::vector<SyncJob> jobs(static_cast<size_t>(std::min<int>(pool_.size(), hs.size())));
  for (SyncJob& j : jobs) {
    j.hub = Options(hs[0]).hub;
    j.ca_file = ca_file_;
    j.threads = cfg_.threads;
    j.noop = noop;
  }
  for (size_t i = 0; i < hs.size(); ++i)
    jobs[i % jobs.size()].houses.push_back(
        {static_cast<int>(i), hs[i].db, hs[i].token, hs[i].channel});
  auto res = pool_.Run(jobs);
  if (!res.ok()) {
    ++errors_;
    return res.status().ToString();
  }
  std::string err;
  for (const SyncJobResult& r : *res) {
    *rts += r.round_trips;
    if (ms)
      for (const auto& [i, t] : r.ms) (*ms)[static_cast<size_t>(i)] = t;
    if (!r.error.empty() && err.empty()) err = r.error;
  }
  if (!err.empty()) ++errors_;
  return err;
}

bool Bench::Converged() {
  // Every replica's records equal the hub's, and nothing is missing at the
  // replica: counted per site directly in hub.db (read-only, WAL).
  auto db = common::Db::Open(hub_db_, false);
  if (!db.ok()) return false;
  for (House& h : houses_) {
    auto all = h.rep->store()->ListAll();
    if (!all.ok()) return false;
    auto st = (*db)->Prepare("SELECT state FROM records WHERE collection=? AND id=?");
    for (const auto& r : *all) {
      if (!st->Reset().ok()) return false;
      st->Bind(1, static_cast<int64_t>(r.collection)).Bind(2, r.id);
      auto row = st->Step();
      if (!row.ok() || !*row) return false;
      auto hub_rec = common::DecodeRecordJson(st->ColumnText(0));
      if (!hub_rec.ok() || !(*hub_rec == r)) return false;
    }
    auto count = (*db)->Prepare("SELECT count(*) FROM records WHERE site_id=?");
    count->Bind(1, h.rep->site_id());
    auto row = count->Step();
    if (!row.ok() || !*row || count->ColumnInt(0) != static_cast<int64_t>(all->size()))
      return false;
  }
  return true;
}

int Bench::Run() {
  if (cfg_.procs > 1 && !Check(pool_.Start(cfg_.procs), "--procs")) return 1;
  fs::create_directories(cfg_.workdir);
  hub_db_ = cfg_.workdir + "/hub.db";
  auto store = SqliteHubStore::Open(hub_db_, true);
  if (!store.ok()) {
    std::cerr << "bench: " << store.status().ToString() << "\n";
    return 1;
  }
  tokens_ = std::move(store).value();
  const int n = cfg_.sites;
  std::vector<std::string> fresh_tokens;
  for (int i = 0; i < n; ++i) {
    auto h = NewHouse("site" + std::to_string(i), "S" + std::to_string(i));
    if (!h.ok()) {
      std::cerr << "bench: " << h.status().ToString() << "\n";
      return 1;
    }
    h->token = NewToken("S" + std::to_string(i), "site" + std::to_string(i));
    houses_.push_back(std::move(h).value());
    fresh_tokens.push_back(NewToken("S" + std::to_string(i), "fresh" + std::to_string(i)));
  }
  const std::string second_token = NewToken("S0", "site0-b");
  const std::string edge_token = NewToken("EDGE", "edge");
  const std::string hostile_token = NewToken("HOSTILE", "hostile");
  tokens_.reset();
  if (errors_ > 0) return 1;
  std::vector<std::string> hub_args;
  if (cfg_.tls) {
    auto tls = MakeTlsFiles(cfg_.workdir);
    if (!tls.ok()) {
      std::cerr << "bench: " << tls.status().ToString() << "\n";
      return 1;
    }
    ca_file_ = tls->ca_pem;
    hub_args = {"--tls-cert", tls->hub_pem, "--tls-key", tls->hub_key};
  }
  const int port = FreePort();
  Status started = hub_.Start(cfg_.hub_bin, hub_db_, port, cfg_.workdir + "/hub.log", hub_args);
  if (!started.ok()) {
    std::cerr << "bench: " << started.ToString() << "\n";
    return 1;
  }
  proxy_ = std::make_unique<FaultProxy>("127.0.0.1:" + std::to_string(port), LinkProfile{});
  if (!Check(proxy_->Start().status(), "proxy")) return 1;
  hub_port_ = port;
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

  std::cerr << "bench: pull (répliques neuves)\n";
  std::vector<House> fresh;
  for (int i = 0; i < n; ++i) {
    auto h = NewHouse("fresh" + std::to_string(i), "S" + std::to_string(i));
    if (!Check(h.status(), "fresh")) return 1;
    h->token = fresh_tokens[i];
    fresh.push_back(std::move(h).value());
  }
  Begin();
  err = SyncAll(fresh, &round_trips_);
  if (!err.empty()) { std::cerr << "bench: " << err << "\n"; return 1; }
  const double pull_secs = Now() - t0_;
  for (int i = 0; i < n && converged_; ++i) {
    auto a = fresh[i].rep->Dump(), b = houses_[i].rep->Dump();
    if (!Check(a.status(), "dump") || !Check(b.status(), "dump")) return 1;
    converged_ = *a == *b || i == 0;
  }
  t0_ = Now() - pull_secs;
  End("pull", n, total_records);

  std::cerr << "bench: pull_existing (rien de nouveau)\n";
  // Site 0's original replica still has to learn the conflict merge results
  // of its sibling; sync it once first so the phase is a true no-op.
  if (!Check(Sync(houses_[0], 1).status(), "sync site0")) return 1;
  fresh.clear();
  Begin();
  std::vector<double> ms;
  err = SyncAll(houses_, &round_trips_, &ms, /*noop=*/true);
  if (!err.empty()) { std::cerr << "bench: " << err << "\n"; return 1; }
  // Latency of one no-op sync while every site holds its connection.
  // One connection per site, seen on the hub's side (/proc/net/tcp): each
  // site's channel holds its own TCP connection (through the proxy).
  const int hub_conns = EstablishedConnections(hub_port_);
  if (hub_conns < n)
    Fail("le hub tient " + std::to_string(hub_conns) + " connexions pour " +
         std::to_string(n) + " sites: connexions partagées?");
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))];
  };
  End("pull_existing", n, 0,
      {{"noop_p50_ms", pct(0.50)}, {"noop_p99_ms", pct(0.99)}, {"noop_max_ms", pct(1.0)},
       {"noop_concurrency", std::min(cfg_.threads * std::max(1, cfg_.procs), n)},
       {"procs", std::max(1, cfg_.procs)},
       {"hub_connections", hub_conns}});

  converged_ = converged_ && Converged();
  int64_t disk = 0;
  for (const auto& e : fs::directory_iterator(cfg_.workdir))
    if (e.is_regular_file()) disk += static_cast<int64_t>(e.file_size());
  json total = {{"phase", "total"}, {"sites", n}, {"records", total_records},
                {"seconds", total_["seconds"]}, {"bytes", total_["bytes"]},
                {"round_trips", total_["round_trips"]}, {"converged", converged_},
                {"hub_cpu_s", hub_.Stats().cpu_s}, {"hub_rss_mb", hub_.Stats().rss_mb},
                {"hub_peak_rss_mb", hub_.Stats().peak_mb},
                {"disk_mb", static_cast<double>(disk) / 1e6}};
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
  hub_.Stop();
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
  app.add_option("--sites", cfg.sites, "Nombre de sites");
  app.add_option("--records", cfg.records, "Rendez-vous par site");
  app.add_option("--threads", cfg.threads, "Sites synchronisés en parallèle (par processus)");
  app.add_option("--procs", cfg.procs,
                 "Sites répartis sur autant de processus fils (connexions par site gardées)");
  app.add_option("--seed", cfg.seed, "Graine du générateur");
  app.add_option("--hub-bin", cfg.hub_bin, "Chemin de relais-hub");
  app.add_option("--workdir", cfg.workdir, "Répertoire de travail (vidé)");
  app.add_flag("--quick", quick, "Petite charge (CI): 4 sites x 200");
  app.add_option("--hostile-seconds", cfg.hostile_seconds,
                 "Durée de la phase hostile_push (0: sans)");
  bool no_poor = false;
  app.add_flag("--no-poor-link", no_poor, "Sans les scénarios de lien dégradé");
  app.add_option("--cut-offset-ms", cfg.cut_offset_ms,
                 "adsl-flaky: première coupure après ce délai (puis toutes les 5 s)");
  bool plaintext = false;
  app.add_flag("--plaintext", plaintext,
               "Hub en clair (sans TLS; par défaut: TLS avec une autorité jetable)");
  CLI11_PARSE(app, argc, argv);
  if (quick) {
    cfg.sites = 4;
    cfg.records = 200;
    cfg.hostile_seconds = std::min(cfg.hostile_seconds, 3.0);
  }
  cfg.poor_link = !no_poor;
  cfg.tls = !plaintext;
  cfg.procs = std::max(1, cfg.procs);
  // The hub admits 8 calls at once per peer address (hub_service.cc), and
  // every simulated site comes from 127.0.0.1: keep the syncs in flight
  // within that, or the hub would (rightly) refuse some.
  constexpr int kHubCallsPerPeer = 8;
  if (cfg.threads * cfg.procs > kHubCallsPerPeer) {
    cfg.threads = std::max(1, kHubCallsPerPeer / cfg.procs);
    std::cerr << "bench: --threads ramené à " << cfg.threads << " par processus (le hub admet "
              << kHubCallsPerPeer << " appels simultanés par adresse)\n";
  }
  namespace fs = std::filesystem;
  if (cfg.hub_bin.empty()) {
    const fs::path self = fs::read_symlink("/proc/self/exe");
    cfg.hub_bin = (self.parent_path().parent_path().parent_path() / "server" / "relais-hub").string();
  }
  const bool own_dir = cfg.workdir.empty();
  if (own_dir) {
    std::string tmpl = (fs::temp_directory_path() / "relais-bench-XXXXXX").string();
    cfg.workdir = mkdtemp(tmpl.data());
  } else {
    fs::remove_all(cfg.workdir);
  }
  std::cerr << "bench: " << cfg.sites << " sites x " << cfg.records << ", hub " << cfg.hub_bin
            << ", dossier " << cfg.workdir << "\n";
  const int rc = Bench(cfg).Run();
  if (own_dir) fs::remove_all(cfg.workdir);
  return rc;
}
