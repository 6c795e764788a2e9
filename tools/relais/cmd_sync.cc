// `relais sync`: one sync session of a replica with the hub, or with one of
// several hubs over one database (`--hub h1:50051,h2:50051`: thin wrapper
// over relais::sync::SyncWithFailover, see common/sync/failover.h), or with
// --watch a long-running worker (common/sync/sync_worker.h: period, soon
// after a local change, backoff with jitter when the hub is unreachable).
// `relais status`: what a house needs to know about its replica's sync.
// Both run PRAGMA quick_check first and refuse a damaged replica
// (« réplique endommagée : lancez relais repair --db … », exit 1): syncing
// a file SQLite finds unsound could push garbage or lose local changes.
#ifdef RELAIS_HAVE_SYNC  // built only with the hub targets
#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include "common/replica/replica.h"
#include "common/sync/sync_worker.h"
#include "common/sync/failover.h"
#include "common/sync/hub_list.h"
#include "common/sync/sync_client.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

}  // namespace

Status DamagedOnOpen(const Status& open_error, const std::string& db) {
  if (open_error.code() != StatusCode::kDataLoss) return open_error;
  return Status::DataLoss("réplique endommagée : lancez relais repair --db " + db + " (" +
                          open_error.message() + ")");
}

Status CheckReplicaIntegrity(Replica& rep, const std::string& db) {
  const Status s = rep.store()->db()->QuickCheck();
  if (s.ok()) return s;
  return Status::DataLoss("réplique endommagée : lancez relais repair --db " + db +
                          " (" + s.message() + ")");
}

namespace {

std::string Ago(int64_t now_ms, int64_t then_ms) {
  if (then_ms <= 0) return "jamais";
  const int64_t s = (now_ms - then_ms) / 1000;
  if (s < 60) return "il y a " + std::to_string(s) + " s";
  if (s < 3600) return "il y a " + std::to_string(s / 60) + " min";
  if (s < 86400) return "il y a " + std::to_string(s / 3600) + " h";
  return "il y a " + std::to_string(s / 86400) + " j";
}

// Runs the worker until SIGINT/SIGTERM. The worker thread owns its own
// Replica; this thread only watches the file for local changes (made by the
// kiosk or other `relais` commands) and nudges.
int Watch(const std::string& db, const sync::SyncOptions& opts, int interval_s) {
  auto sync_replica = Replica::Open(db);
  auto watch_replica = Replica::Open(db);
  if (!sync_replica.ok()) return Report(DamagedOnOpen(sync_replica.status(), db));
  if (!watch_replica.ok()) return Report(DamagedOnOpen(watch_replica.status(), db));
  std::shared_ptr<Replica> rep(std::move(sync_replica).value());
  auto fn = [rep, opts, db](SyncCounts* c) -> Status {
    if (Status bad = CheckReplicaIntegrity(*rep, db); !bad.ok()) {
      std::cerr << "relais: " << bad.message() << "\n";
      return bad;
    }
    auto f = sync::SyncWithFailover(*rep, opts);
    if (!f.ok()) {
      std::cerr << "relais: synchronisation échouée: " << f.status().message() << "\n";
      return f.status();
    }
    const sync::SyncReport& r = f->sync;
    *c = SyncCounts{r.pushed, r.pulled, r.conflicts};
    if (r.pushed || r.pulled)
      std::cout << "synchronisé via " << f->hub << ": envoyés " << r.pushed << ", reçus "
                << r.pulled << ", conflits " << r.conflicts << std::endl;
    return Status::OK();
  };
  // Between failed rounds (every hub tried): backoff with jitter, 1 s to 60 s.
  const SyncWorkerOptions wo =
      sync::FailoverWorkerOptions(static_cast<int64_t>(interval_s) * 1000);
  SyncWorker worker(fn, SystemClock::Default(), wo);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  worker.Start();
  int64_t last_seq = -1;
  while (!g_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto seq = (*watch_replica)->store()->GetMetaInt("local_seq");
    if (seq.ok() && static_cast<int64_t>(*seq) != last_seq) {
      if (last_seq >= 0) worker.Nudge();
      last_seq = static_cast<int64_t>(*seq);
    }
  }
  worker.Stop();
  const SyncSnapshot s = worker.Snapshot();
  std::cout << "arrêt: " << s.successes << " synchronisation(s) réussie(s), " << s.failures
            << " échec(s)\n";
  return 0;
}

}  // namespace

void RegisterSyncCommands(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("sync", "Synchronise la réplique avec le hub");
  auto db = std::make_shared<std::string>();
  auto opts = std::make_shared<sync::SyncOptions>();
  auto quiet = std::make_shared<bool>(false);
  auto watch = std::make_shared<bool>(false);
  auto interval = std::make_shared<int>(30);
  cmd->add_option("--db", *db, "Fichier de la réplique")->required();
  auto hub_spec = std::make_shared<std::string>();
  cmd->add_option("--hub", *hub_spec,
                  "Adresse du hub hôte:port, ou plusieurs séparées par des virgules (au plus 8)")
      ->required();
  auto http_spec = std::make_shared<std::string>();
  cmd->add_option("--http-hub", *http_spec,
                  "Adresse hôte:port de la synchronisation HTTP/1.1 du hub (relais-hub "
                  "--http-sync-listen), une par hub dans le même ordre: utilisée derrière un "
                  "proxy qui bloque HTTP/2");
  auto transport = std::make_shared<std::string>("auto");
  cmd->add_option("--transport", *transport,
                  "auto (gRPC, puis HTTP/1.1 si gRPC ne passe pas, choix retenu un jour), "
                  "grpc ou http")
      ->capture_default_str();
  auto token = std::make_shared<TokenArgs>();
  AddTokenOptions(cmd, token.get(), "jeton donné par relais-hub enroll");
  auto* ca = cmd->add_option("--ca", opts->ca_file,
                             "Certificat de l'autorité du hub (PEM): TLS");
  cmd->add_option("--tls-name", opts->tls_server_name,
                  "Nom attendu dans le certificat du hub (si différent de l'hôte)");
  cmd->add_flag("--quiet", *quiet, "N'affiche pas la progression");
  cmd->add_flag("--watch", *watch,
                "Reste actif: synchronise périodiquement et après chaque changement local");
  cmd->add_option("--interval", *interval, "Période en secondes avec --watch")
      ->check(CLI::Range(1, 86400));
  cmd->callback([&ctx, db, opts, quiet, watch, interval, ca, token, hub_spec, http_spec,
                 transport] {
    // A bad list is refused before anything else (no connection, no file).
    auto hubs = sync::ParseHubList(*hub_spec);
    if (!hubs.ok()) {
      ctx.exit_code = Report(hubs.status());
      return;
    }
    opts->hubs = *hubs;
    opts->hub = opts->hubs.front();
    auto tr = sync::ParseTransport(*transport);
    if (!tr.ok()) {
      ctx.exit_code = Report(tr.status());
      return;
    }
    opts->transport = *tr;
    if (!http_spec->empty()) {
      auto http_hubs = sync::ParseHubList(*http_spec);
      if (!http_hubs.ok()) {
        ctx.exit_code = Report(Status::InvalidArgument("--http-hub: " + http_hubs.status().message()));
        return;
      }
      if (http_hubs->size() != opts->hubs.size()) {
        ctx.exit_code = Report(Status::InvalidArgument(
            "--http-hub: une adresse HTTP par hub de --hub, dans le même ordre"));
        return;
      }
      opts->http_hubs = *http_hubs;
      opts->http_hub = opts->http_hubs.front();
    } else if (opts->transport == sync::Transport::kHttp) {
      ctx.exit_code = Report(Status::InvalidArgument(
          "--transport http demande --http-hub hôte:port (relais-hub --http-sync-listen)"));
      return;
    }
    auto t = TokenFor(*token);
    if (!t.ok()) {
      ctx.exit_code = Report(t.status());
      return;
    }
    opts->token = *t;
    // An explicit but empty --ca must not quietly mean "no TLS".
    if (ca->count() > 0 && opts->ca_file.empty()) {
      ctx.exit_code = Report(Status::InvalidArgument(
          "--ca vide: donnez le fichier PEM de l'autorité du hub"));
      return;
    }
    if (*watch) {
      ctx.exit_code = Watch(*db, *opts, *interval);
      return;
    }
    auto r = Replica::Open(*db);
    if (!r.ok()) {
      ctx.exit_code = Report(DamagedOnOpen(r.status(), *db));
      return;
    }
    if (Status bad = CheckReplicaIntegrity(**r, *db); !bad.ok()) {
      ctx.exit_code = Report(bad);
      return;
    }
    sync::SyncOptions o = *opts;
    if (!*quiet)
      o.progress = [](const sync::SyncProgress& p) {
        if (p.pending_push > 0 || p.more_to_pull)
          std::cerr << "… envoyés " << p.pushed << ", reçus " << p.pulled
                    << ", reste à envoyer " << p.pending_push << "\n";
      };
    auto report = sync::SyncWithFailover(**r, o);
    if (!report.ok()) {
      ctx.exit_code = Report(report.status());
      return;
    }
    std::cout << "envoyés: " << report->sync.pushed << "\n"
              << "reçus: " << report->sync.pulled << "\n"
              << "conflits: " << report->sync.conflicts << "\n";
    if (o.hubs.size() > 1) std::cout << "hub: " << report->hub << "\n";
    if (!o.http_hub.empty()) std::cout << "transport: " << report->sync.transport << "\n";
  });

  auto* status = app.add_subcommand("status", "État de la réplique et de sa synchronisation");
  auto sdb = std::make_shared<std::string>();
  status->add_option("--db", *sdb, "Fichier de la réplique")->required();
  status->callback([&ctx, sdb] {
    auto r = Replica::Open(*sdb);
    if (!r.ok()) {
      if (r.status().code() == StatusCode::kDataLoss) std::cout << "état: réplique endommagée\n";
      ctx.exit_code = Report(DamagedOnOpen(r.status(), *sdb));
      return;
    }
    Replica& rep = **r;
    if (Status bad = CheckReplicaIntegrity(rep, *sdb); !bad.ok()) {
      std::cout << "réplique: " << rep.replica_id() << " (site " << rep.site_id() << ")\n"
                << "état: réplique endommagée\n";
      ctx.exit_code = Report(bad);
      return;
    }
    ReplicaStore* st = rep.store();
    auto pending = rep.PendingCount();
    auto conflicts = rep.Conflicts();
    auto last_ok = st->GetMetaInt("last_sync_ms");
    auto last_try = st->GetMetaInt("last_attempt_ms");
    auto err = st->GetMeta("last_sync_error");
    auto offset = rep.CorrectedOffsetMs();
    auto last_hub = sync::ReadLastHub(*st);
    if (!pending.ok() || !conflicts.ok() || !last_ok.ok() || !last_try.ok() || !err.ok() ||
        !offset.ok() || !last_hub.ok()) {
      ctx.exit_code = Report(Status::DataLoss("méta-données de synchronisation illisibles"));
      return;
    }
    const int64_t now = rep.clock()->NowMillis();
    const bool online = *last_ok > 0 && *last_ok >= *last_try;
    std::cout << "réplique: " << rep.replica_id() << " (site " << rep.site_id() << ")\n"
              << "état: " << (online ? "en ligne" : (*last_try ? "hors ligne" : "jamais synchronisée"))
              << "\n"
              << "dernière synchronisation réussie: " << Ago(now, static_cast<int64_t>(*last_ok))
              << "\n"
              << "changements en attente d'envoi: " << *pending << "\n"
              << "conflits à résoudre: " << conflicts->size() << "\n";
    if (rep.scope().size() > 1 || rep.org_id() != rep.site_id()) {
      std::string sites;
      for (const std::string& s : rep.scope()) sites += (sites.empty() ? "" : ", ") + s;
      std::cout << "organisation: " << rep.org_id() << "\n"
                << "sites tenus: " << (sites.empty() ? "appris à la première synchronisation" : sites)
                << "\n";
    }
    if (auto aside = st->GetMetaInt("set_aside"); aside.ok() && *aside > 0)
      std::cout << "enregistrements écartés (identifiant déjà tenu pour un autre site): " << *aside
                << "\n";
    if (!err->empty()) std::cout << "dernière erreur: " << *err << "\n";
    if (auto tr = st->GetMeta(sync::kSyncTransportMeta); tr.ok() && *tr == "http") {
      auto at = st->GetMetaInt(sync::kSyncTransportMsMeta);
      std::cout << "transport: HTTP/1.1 (gRPC bloqué, constaté "
                << Ago(now, at.ok() ? static_cast<int64_t>(*at) : 0) << ")\n";
    }
    if (last_hub->hub.empty())
      std::cout << "aucun hub encore joint\n";
    else
      std::cout << "dernier hub joignable: " << last_hub->hub << " ("
                << Ago(now, last_hub->at_ms) << ")\n";
    const Replica::KeyState key = rep.key_state();
    if (key.has_key)
      std::cout << "clé d'organisation: " << key.path << " (courante " << key.current_key_id
                << ")\n";
    else
      std::cout << "clé d'organisation: ABSENTE: " << key.problem << "\n";
    if (*offset != 0)
      std::cout << "horloge locale corrigée de " << -*offset / 1000 << " s (écart avec le hub)\n";
  });
}

}  // namespace relais::common::cli
#endif  // RELAIS_HAVE_SYNC
