// relais-hub: the sync hub of a group of houses. Thin: parses arguments and
// wires a HubStore (SQLite file, or PostgreSQL for a region) + HubService +
// a gRPC server.
//   relais-hub --db hub.db --listen 127.0.0.1:50051 [--tls-cert F --tls-key F]
//   relais-hub --store postgresql://relais@db/relais [--db local.db] ...
//   (every subcommand below taking --db also takes --store)
//   relais-hub migrate --from hub.db --to postgresql://...
//   relais-hub renew-epoch (--db hub.db | --store postgresql://...)
//              [--max-calls-per-peer N]   (1..1024, default 8)
//              [--memory-quota-mb N]      (8..8192, default 32)
//   relais-hub enroll --db hub.db --site S [--site S2 ...] [--name N]
//   relais-hub revoke --db hub.db (--token T | --name N)
//   relais-hub tokens --db hub.db
//   relais-hub rebind --db hub.db --name NEW_TOKEN_NAME --replica REPLICA_ID
//   relais-hub council-enroll --db hub.db --name N --site S [--site S2 ...]
//              [--expires AAAA-MM-JJ|JOURS]
//   relais-hub council-list --db hub.db;  relais-hub council-revoke --db hub.db --name N
//   relais-hub backup --db hub.db --out F;  relais-hub restore --db hub.db --from F
//   relais-hub snapshot --db hub.db --site S --out F [--key hub-sign.key]
//   relais-hub snapshot-key [--key hub-sign.key] --print-public
//   relais-hub import-changes --db hub.db --in CHANGES --out RESPONSE
//   relais-hub purge --db hub.db [--dry-run] [--batch N] [--site S ...]
//   relais-hub compact --db hub.db
// With --http-sync-listen HOST:PORT the hub also serves the sync protocol
// over HTTP/1.1 POST (server/hub_http_sync.h; same TLS cert/key as gRPC,
// plain text only on loopback) for replicas behind HTTP/1.1-only proxies.
// With --http-listen HOST:PORT the hub also serves the funding office's
// dashboard, usage API and /healthz (docs/reporting.md), from its aggregate
// store (--report-db, default <db>-agregats.db). /metrics is served only on
// the admin listener (--admin-listen, default 127.0.0.1:0 = loopback,
// ephemeral port, printed at start; "off" to disable); a non-loopback admin
// address needs --admin-token-file (then /metrics wants that Bearer token).
// Serving a SQLite hub.db, it compacts the file once a night (03:00-04:00
// Paris, --compact-window HH-HH, --no-compact; server/hub_maintenance.h).
// Files it creates (hub db, -wal, -shm, aggregate store, backups) are 0600.
// Exit codes: 0 ok, 2 bad arguments, 1 other failures.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "common/net/address.h"
#include "server/hub_admin.h"
#include "server/hub_changes_cli.h"
#include "server/hub_council_cli.h"
#include "server/hub_agenda_cli.h"
#include "server/report/release_store.h"
#include "server/agenda/agenda_routes.h"
#include "server/agenda/pg_agenda_tokens.h"
#include "server/hub_snapshot_cli.h"
#include "server/hub_purge_cli.h"
#include "server/hub_store_cli.h"
#include "common/util/secret.h"
#include "common/util/time.h"
#include "server/report/admin_server.h"
#include "server/report/council_tokens.h"
#include "server/report/fact_store.h"
#include "server/report/report_server.h"
#include "server/hub_server.h"
#include "server/hub_maintenance.h"
#include "server/hub_http_sync.h"
#include "server/pg_conn.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"
#include "server/wire_limits.h"

namespace relais::server {
namespace {

int Report(const Status& s) { return ReportStatus(s); }

struct AdminOptions {
  std::string listen = "127.0.0.1:0";
  std::string token_file;
};

// The aggregate store's file beside the hub's: hub.db -> hub-agregats.db.
std::string FactStorePath(const std::string& db) {
  const std::string ext = ".db";
  if (db.size() > ext.size() && db.compare(db.size() - ext.size(), ext.size(), ext) == 0)
    return db.substr(0, db.size() - ext.size()) + "-agregats.db";
  return db + "-agregats.db";
}

int Serve(const StoreChoice& choice, const ServerOptions& options,
          const HubServiceOptions& service_options,
          const std::string& http_listen, const std::string& report_db,
          const AdminOptions& admin_opts, const std::string& http_sync_listen,
          const HubCompactOptions& compact) {
  // The admin listener's settings are checked before anything starts.
  std::string admin_host, admin_token;
  int admin_port = -1;
  const bool admin_on = admin_opts.listen != "off";
  if (admin_on) {
    if (!net::SplitListenAddress(admin_opts.listen, &admin_host, &admin_port))
      return Report(Status::InvalidArgument("--admin-listen: hôte:port ou off attendu, reçu '" +
                                            admin_opts.listen + "'"));
    if (!admin_opts.token_file.empty()) {
      std::string warning;
      auto t = common::ReadTokenFile(admin_opts.token_file, &warning);
      if (!t.ok()) return Report(Status::InvalidArgument(t.status().message()));
      if (!warning.empty()) std::cerr << "relais-hub: " << warning << "\n";
      admin_token = *t;
    }
    if (!net::IsLoopbackAddress(admin_opts.listen) && admin_token.empty())
      return Report(Status::InvalidArgument(
          "--admin-listen hors boucle locale : donnez --admin-token-file (les "
          "métriques ne sont pas publiques)"));
  }
  // Block the signals in every thread (gRPC's included); one thread waits.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // With --store, --db (optional) only names the local file of the funding
  // office's tokens and aggregates (the dashboard needs it).
  const std::string& db = choice.db;
  if (const Status st = CheckStoreChoice(choice, true); !st.ok()) return Report(st);
  if (!choice.store.empty() && !http_listen.empty() && db.empty())
    return Report(Status::InvalidArgument(
        "--http-listen avec --store demande aussi --db FICHIER: les jetons des"
        " financeurs et leurs agrégats restent dans ce fichier local"));
  std::string identity_note;
  auto store = OpenHubStore(choice, true, common::SystemClock::Default(), &identity_note);
  if (!store.ok()) return Report(store.status());
  if (!identity_note.empty())
    std::cerr << "relais-hub: ATTENTION: " << identity_note << "\n";
  HubService service(**store, *common::SystemClock::Default(), service_options);
  auto running = StartHubServer(&service, options);
  if (!running.ok()) return Report(running.status());
  if (running->plaintext)
    std::cerr << "relais-hub: ATTENTION: connexions en clair (sans TLS), "
                 "acceptées seulement en boucle locale\n";
  std::cerr << "relais-hub: à l'écoute sur " << options.listen << " (port "
            << running->port << "), base "
            << (choice.store.empty() ? db : "PostgreSQL " + pg::RedactConnInfo(choice.store))
            << "\n";
  // The sync protocol over HTTP/1.1 (proxies without HTTP/2), own port.
  std::unique_ptr<HttpSyncServer> http_sync;
  if (!http_sync_listen.empty()) {
    http_sync = std::make_unique<HttpSyncServer>(&service);
    HttpSyncOptions ho;
    ho.listen = http_sync_listen;
    ho.tls_cert_file = options.tls_cert_file;
    ho.tls_key_file = options.tls_key_file;
    auto port = http_sync->Start(ho);
    if (!port.ok()) return Report(port.status());
    std::cerr << "relais-hub: synchronisation HTTP/1.1 sur " << http_sync_listen << " (port "
              << *port << (http_sync->plaintext() ? ", en clair" : ", TLS") << ")\n";
  }
  // The funding office's HTTP endpoint, on its own port.
  std::unique_ptr<SqliteCouncilTokens> council;
  std::unique_ptr<LiveFacts> facts;
  std::unique_ptr<HubReportBackend> backend;
  std::unique_ptr<ReportServer> report;
  std::unique_ptr<AgendaTokens> agenda_tokens;
  std::unique_ptr<SqliteReleaseStore> releases;
  if (!http_listen.empty()) {
    std::string host;
    int http_port = -1;
    if (!net::SplitListenAddress(http_listen, &host, &http_port))
      return Report(Status::InvalidArgument("--http-listen: hôte:port attendu, reçu '" +
                                            http_listen + "'"));
    auto tokens = SqliteCouncilTokens::Open(db);
    if (!tokens.ok()) return Report(tokens.status());
    council = std::move(tokens).value();
    // The dashboard reads its own aggregate store (domain notes §4.3), kept
    // current from the hub's change feed.
    // Derived data: a damaged file is moved aside and rebuilt; if the store
    // cannot be opened at all, sync goes on and the dashboard says why.
    const std::string facts_path = report_db.empty() ? FactStorePath(db) : report_db;
    std::string note;
    auto fact_store = FactStore::OpenOrRebuild(facts_path, &note);
    if (!note.empty()) std::cerr << "relais-hub: ATTENTION: " << note << "\n";
    Status facts_error;
    if (fact_store.ok()) {
      facts = std::make_unique<LiveFacts>(
          store->get(), std::move(fact_store).value(), std::chrono::seconds(2),
          [](const std::string& line) { std::cerr << "relais-hub: " << line << "\n"; });
    } else {
      facts_error = Status::Unavailable("magasin d'agrégats indisponible (" +
                                        facts_path + "): " +
                                        fact_store.status().ToString());
      std::cerr << "relais-hub: ATTENTION: " << facts_error.message()
                << "; la synchronisation continue, le tableau de bord répondra 503\n";
    }
    LiveFacts* live = facts.get();
    backend = std::make_unique<HubReportBackend>(
        council.get(),
        [live, facts_error](const std::vector<std::string>& sites, int64_t first_day,
                            int64_t last_day) -> common::Result<common::report::FactSet> {
          if (!live) return facts_error;
          return live->Facts(sites, first_day, last_day);
        },
        [&service, live] {
          return service.MetricsText() + (live ? live->MetricsText() : std::string());
        });
    // Frozen releases (docs/reporting.md « Publications »): not derived data,
    // so a file that cannot be opened stops the hub instead of being rebuilt.
    auto release_store = SqliteReleaseStore::Open(ReleaseStorePath(db));
    if (!release_store.ok()) return Report(release_store.status());
    releases = std::move(release_store).value();
    backend->set_releases(releases.get());
    report = std::make_unique<ReportServer>(*backend, *common::SystemClock::Default());
    // The agenda (FHIR, iCalendar) for the agenda tokens, on the same port.
    auto agenda = OpenAgendaTokens(db, choice.store);  // PostgreSQL with --store
    if (!agenda.ok()) return Report(agenda.status());
    agenda_tokens = std::move(agenda).value();
    report->AddRoutes([&store, &agenda_tokens](httplib::Server& http) {
      InstallAgendaRoutes(http, **store, *agenda_tokens, *common::SystemClock::Default());
    });
    auto port = report->Start(host, http_port);
    if (!port.ok()) return Report(port.status());
    if (!net::IsLoopbackAddress(http_listen))
      std::cerr << "relais-hub: ATTENTION: le tableau de bord est en HTTP sans TLS sur "
                << http_listen << "; placez-le derrière un proxy HTTPS (jetons en clair)\n";
    std::cerr << "relais-hub: tableau de bord du financeur sur http://" << host
              << ":" << *port << "/\n";
  }
  std::unique_ptr<AdminServer> admin;
  if (admin_on) {
    ReportServer* rs = report.get();
    LiveFacts* live = facts.get();
    admin = std::make_unique<AdminServer>(
        [&service, rs, live] {
          if (rs) return rs->MetricsText();
          return service.MetricsText() + (live ? live->MetricsText() : std::string());
        },
        admin_token);
    // Ready when the database answers a read (its epoch) through the
    // store's reader connections.
    HubStore* hub_store = store->get();
    admin->SetReadiness([hub_store] { return hub_store->Epoch().status(); });
    auto port = admin->Start(admin_host, admin_port);
    if (!port.ok()) return Report(port.status());
    std::cerr << "relais-hub: administration (/metrics) sur http://" << admin_host << ":"
              << *port << "/metrics" << (admin_token.empty() ? "" : " (jeton requis)") << "\n";
  }
  // Nightly VACUUM of a SQLite hub.db (hub_maintenance.h); stopped first.
  auto compactor = StartHubCompaction(store->get(), common::SystemClock::Default(), compact,
                                      [](const std::string& line) {
                                        std::cerr << "relais-hub: " << line << "\n";
                                      });
  grpc::Server* server = running->server.get();
  std::thread waiter([server, &signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    std::cerr << "relais-hub: signal " << sig
              << " reçu, fin des synchronisations en cours...\n";
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  });
  server->Wait();
  waiter.join();
  if (compactor) compactor->Stop();
  if (http_sync) http_sync->Stop();
  std::cerr << "relais-hub: arrêté\n";
  return 0;
}

}  // namespace
}  // namespace relais::server

int main(int argc, char** argv) {
  using namespace relais::server;
  CLI::App app{"relais-hub: hub de synchronisation Relais Santé"};
  StoreChoice served;
  ServerOptions options;
  constexpr const char* kStoreHelp =
      "Base PostgreSQL du hub (postgresql://utilisateur@hôte:port/base): plusieurs hubs "
      "sur une base; mot de passe par PGPASSFILE ou ~/.pgpass, jamais dans l'adresse";
  app.add_option("--db", served.db,
                 "Base SQLite du hub (avec --store: fichier local des jetons financeurs et "
                 "des agrégats)");
  app.add_option("--store", served.store, kStoreHelp);
  app.add_option("--listen", options.listen, "Adresse d'écoute hôte:port")
      ->capture_default_str();
  app.add_option("--tls-cert", options.tls_cert_file, "Certificat du serveur (PEM)");
  app.add_option("--tls-key", options.tls_key_file, "Clé privée du serveur (PEM)");
  std::string http_listen;
  app.add_option("--http-listen", http_listen,
                 "Adresse hôte:port du tableau de bord financeur (désactivé si vide)");
  std::string http_sync_listen;
  app.add_option("--http-sync-listen", http_sync_listen,
                 "Adresse hôte:port de la synchronisation en HTTP/1.1 (POST "
                 "/relais.sync.v1/Sync) pour les maisons derrière un proxy sans HTTP/2; "
                 "même certificat TLS que gRPC, en clair seulement en boucle locale "
                 "(désactivé si vide)");
  std::string report_db;
  app.add_option("--report-db", report_db,
                 "Magasin d'agrégats du financeur (défaut: <db>-agregats.db à côté "
                 "de la base; données dérivées, reconstruites si absentes)");
  app.set_version_flag("--version", std::string("relais-hub ") + RELAIS_VERSION,
                       "Affiche la version et quitte");
  int64_t max_calls_per_peer = HubServiceOptions{}.max_calls_per_peer;
  app.add_option("--max-calls-per-peer", max_calls_per_peer,
                 "Appels simultanés admis par adresse cliente (1 à 1024, défaut 8); "
                 "gRPC et HTTP/1.1 ensemble; au-delà: refus RESOURCE_EXHAUSTED (HTTP 429)")
      ->capture_default_str();
  int64_t memory_quota_mb = kDefaultMemoryQuotaMb;
  app.add_option("--memory-quota-mb", memory_quota_mb,
                 "Mémoire des tampons de transport gRPC, en Mo (8 à 8192, défaut 32); "
                 "au-delà, les connexions inactives sont fermées: ~0,25 Mo par maison "
                 "connectée (1 000 maisons: 256)")
      ->capture_default_str();
  AdminOptions admin_opts;
  app.add_option("--admin-listen", admin_opts.listen,
                 "Adresse hôte:port de /metrics (défaut 127.0.0.1:0 : boucle locale, port "
                 "affiché au démarrage ; off pour désactiver)");
  app.add_option("--admin-token-file", admin_opts.token_file,
                 "Fichier d'un jeton exigé pour /metrics (obligatoire hors boucle locale)");
  std::string compact_window = "03-04";
  app.add_option("--compact-window", compact_window,
                 "Fenêtre du compactage de nuit (VACUUM) d'une base SQLite, heures locales "
                 "HH-HH (défaut 03-04)");
  bool no_compact = false;
  app.add_flag("--no-compact", no_compact,
               "Pas de compactage de nuit automatique (relais-hub compact --db reste possible)");
  app.require_subcommand(0, 1);

  auto* enroll = app.add_subcommand("enroll", "Inscrit une réplique et affiche son jeton");
  StoreChoice edb;
  std::string name;
  std::vector<std::string> sites;
  enroll->add_option("--db", edb.db, "Base SQLite du hub");
  enroll->add_option("--store", edb.store, kStoreHelp);
  enroll->add_option("--site", sites, "Site autorisé (répétable)")->required();
  std::string eorg;
  enroll->add_option("--org", eorg,
                     "Organisation multi-sites: ajoute son site commun (praticiens, pôles) "
                     "aux sites du jeton");
  enroll->add_option("--name", name, "Nom de la réplique (pour révoquer)");

  auto* revoke = app.add_subcommand("revoke", "Révoque un jeton");
  StoreChoice rdb;
  std::string rtoken, rname;
  revoke->add_option("--db", rdb.db, "Base SQLite du hub");
  revoke->add_option("--store", rdb.store, kStoreHelp);
  std::string rtoken_file;
  revoke->add_option("--token-file", rtoken_file, "Fichier du jeton à révoquer");
  revoke->add_option("--token", rtoken, "Jeton à révoquer (déconseillé : visible dans ps)");
  revoke->add_option("--name", rname, "Nom donné à l'inscription");

  auto* tokens = app.add_subcommand("tokens", "Liste les jetons (empreintes)");
  StoreChoice tdb;
  tokens->add_option("--db", tdb.db, "Base SQLite du hub");
  tokens->add_option("--store", tdb.store, kStoreHelp);

  auto* letters = app.add_subcommand(
      "ticket-letters", "Liste les lettres de tickets attribuées (site, lettre, réplique)");
  StoreChoice ldb;
  letters->add_option("--db", ldb.db, "Base SQLite du hub");
  letters->add_option("--store", ldb.store, kStoreHelp);

  auto* rebind = app.add_subcommand(
      "rebind", "Lie une réplique (borne remplacée) à un nouveau jeton et révoque l'ancien");
  StoreChoice bndb;
  std::string bnname, bnreplica;
  rebind->add_option("--db", bndb.db, "Base SQLite du hub");
  rebind->add_option("--store", bndb.store, kStoreHelp);
  rebind->add_option("--name", bnname, "Nom du nouveau jeton (inscrit, jamais utilisé)")
      ->required();
  rebind->add_option("--replica", bnreplica, "Identifiant de la réplique")->required();

  const auto agenda_cli = AddAgendaCommands(app);
  auto* council = app.add_subcommand(
      "council-enroll", "Crée un jeton de lecture pour un financeur (agrégats seulement)");
  std::string cdb, cname;
  std::vector<std::string> csites;
  council->add_option("--db", cdb, "Base SQLite du hub")->required();
  council->add_option("--name", cname, "Nom du financeur")->required();
  council->add_option("--site", csites, "Site visible (répétable)")->required();
  std::string cexpires;
  council->add_option("--expires", cexpires,
                      "Dernier jour de validité AAAA-MM-JJ, ou un nombre de jours");

  auto* clist = app.add_subcommand("council-list", "Liste les jetons conseil (empreintes)");
  std::string cldb;
  clist->add_option("--db", cldb, "Base SQLite du hub")->required();
  auto* crevoke = app.add_subcommand("council-revoke", "Révoque un jeton conseil");
  std::string crdb, crname;
  crevoke->add_option("--db", crdb, "Base SQLite du hub")->required();
  crevoke->add_option("--name", crname, "Nom du financeur")->required();

  auto* backup = app.add_subcommand(
      "backup", "Sauvegarde à chaud la base du hub (cohérente pendant le service)");
  std::string bdb, bout;
  backup->add_option("--db", bdb, "Base SQLite du hub")->required();
  backup->add_option("--out", bout, "Fichier de sauvegarde")->required();

  auto* restore = app.add_subcommand(
      "restore", "Restaure une sauvegarde (hub arrêté); les maisons renvoient ce qui manque");
  std::string sdb, sfrom;
  restore->add_option("--db", sdb, "Base SQLite du hub")->required();
  restore->add_option("--from", sfrom, "Fichier de sauvegarde")->required();

  auto* migrate = app.add_subcommand(
      "migrate", "Déplace un hub SQLite (arrêté) vers une base PostgreSQL neuve, sans que "
                 "les répliques renvoient quoi que ce soit");
  std::string mfrom, mto;
  migrate->add_option("--from", mfrom, "Base SQLite du hub")->required();
  migrate->add_option("--to", mto, "Base PostgreSQL neuve (postgresql://...)")->required();

  auto* renew = app.add_subcommand(
      "renew-epoch", "Nouvelle époque après une restauration (pg_restore, bascule "
                     "asynchrone): les maisons renvoient ce qu'elles détiennent");
  StoreChoice nedb;
  renew->add_option("--db", nedb.db, "Base SQLite du hub");
  renew->add_option("--store", nedb.store, kStoreHelp);

  SnapshotCli snapshot_cli;
  RegisterSnapshotCommands(app, &snapshot_cli);
  ChangesCli changes_cli;
  RegisterChangesCommand(app, &changes_cli);
  PurgeCli purge_cli;
  RegisterPurgeCommand(app, &purge_cli);
  CompactCli compact_cli;
  RegisterCompactCommand(app, &compact_cli);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (int rc = RunSnapshotCommands(snapshot_cli); rc >= 0) return rc;
  if (int rc = RunChangesCommand(changes_cli); rc >= 0) return rc;
  if (int rc = RunPurgeCommand(purge_cli); rc >= 0) return rc;
  if (int rc = RunCompactCommand(compact_cli); rc >= 0) return rc;
  if (enroll->parsed()) {
    if (!eorg.empty()) sites.push_back(eorg);  // checked with the sites by Enroll
    return Enroll(edb, sites, name);
  }
  if (revoke->parsed()) {
    if (!rtoken_file.empty() || !rtoken.empty()) {
      relais::common::TokenSource source;
      std::string warning;
      auto t = relais::common::ResolveToken(rtoken_file, rtoken, &source, &warning);
      if (!t.ok()) return Report(relais::common::Status::InvalidArgument(t.status().message()));
      if (!warning.empty()) std::cerr << "relais-hub: " << warning << "\n";
      rtoken = *t;
    }
    return Revoke(rdb, rtoken, rname);
  }
  if (tokens->parsed()) return ListTokens(tdb);
  if (letters->parsed()) return ListTicketLetters(ldb);
  if (rebind->parsed()) return Rebind(bndb, bnname, bnreplica);
  if (const int rc = RunAgendaCli(*agenda_cli); rc >= 0) return rc;
  if (council->parsed()) return CouncilEnroll(cdb, cname, csites, cexpires);
  if (clist->parsed()) return CouncilList(cldb);
  if (crevoke->parsed()) return CouncilRevoke(crdb, crname);
  if (backup->parsed() || restore->parsed()) {
    const Status st = backup->parsed() ? BackupHub(bdb, bout) : RestoreHub(sdb, sfrom);
    if (!st.ok()) {
      std::cerr << "relais-hub: " << st.ToString() << "\n";
      return st.code() == relais::common::StatusCode::kInvalidArgument ? 2 : 1;
    }
    std::cout << (backup->parsed() ? "sauvegarde écrite: " + bout
                                   : "base restaurée, nouvelle époque: les maisons "
                                     "renverront leurs données à la prochaine synchronisation")
              << "\n";
    return 0;
  }
  if (migrate->parsed()) return Migrate(mfrom, mto);
  if (renew->parsed()) return RenewEpoch(nedb);
  if (served.db.empty() && served.store.empty()) {
    std::cerr << "relais-hub: --db (SQLite) ou --store (PostgreSQL) requis\n";
    return 2;
  }
  if (const Status st = CheckMaxCallsPerPeer(max_calls_per_peer); !st.ok())
    return Report(st);
  if (const Status st = CheckMemoryQuotaMb(memory_quota_mb); !st.ok()) return Report(st);
  options.memory_quota_bytes = memory_quota_mb << 20;
  HubServiceOptions service_options;
  service_options.max_calls_per_peer = static_cast<int>(max_calls_per_peer);
  service_options.store_kind = StoreKind(served);
  HubCompactOptions compact;
  compact.enabled = !no_compact;
  auto window = relais::common::ParseCompactWindow(compact_window, "--compact-window");
  if (!window.ok()) return Report(window.status());
  compact.window = *window;
  return Serve(served, options, service_options, http_listen, report_db, admin_opts,
               http_sync_listen, compact);
}
