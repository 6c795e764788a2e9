// `relais peer serve --db F --listen HOST:PORT --pki D`: serves LAN sync to
// the other replicas of the organisation (mutual TLS with the house CA of
// D and the replica's certificate F.pair.crt) until SIGINT/SIGTERM.
// `relais peer sync --db F --peer HOST:PORT --pki D`: one exchange both ways
// with a peer. `relais peer sync --db F --discover --pki D`: the same with
// each replica of the organisation announced on the LAN (`_relais._tcp`,
// Avahi); `serve` announces itself unless --no-announce. Thin: see
// common/peer/.
#ifdef RELAIS_HAVE_SYNC
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include "common/peer/avahi_discovery.h"
#include "common/peer/peer_client.h"
#include "common/peer/peer_discover.h"
#include "common/peer/peer_service.h"
#include "common/replica/replica.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

namespace {

volatile std::sig_atomic_t g_peer_stop = 0;
void OnPeerSignal(int) { g_peer_stop = 1; }

struct PeerArgs {
  std::string db, pki, listen, peer;
  bool no_announce = false;
  bool discover = false;
};

// Announces the serving replica on the LAN. A missing Avahi daemon is said
// once; serving goes on (peers then give --peer).
std::unique_ptr<peer::PeerAnnouncer> Announce(const Replica& rep, int port) {
  std::string warning;
  auto a = peer::PeerAnnouncer::Start("Relais " + rep.replica_id(), static_cast<uint16_t>(port),
                                      peer::AnnouncementTxt(peer::OwnAnnouncement(rep)),
                                      &warning);
  if (!a.ok()) warning = a.status().message();
  if (!warning.empty()) std::cerr << "relais: " << warning << "\n";
  if (!a.ok()) return nullptr;
  if (warning.empty())
    std::cerr << "relais: annoncé sur le réseau local (" << peer::kPeerServiceType << ")\n";
  return std::move(a).value();
}

int Serve(const PeerArgs& a) {
  auto rep = Replica::Open(a.db);
  if (!rep.ok()) return Report(DamagedOnOpen(rep.status(), a.db));
  if (Status bad = CheckReplicaIntegrity(**rep, a.db); !bad.ok()) return Report(bad);
  auto tls = peer::LoadPeerTls(a.pki, a.db, **rep);
  if (!tls.ok()) return Report(tls.status());
  peer::PeerService service(rep->get(), *tls);
  auto running = peer::StartPeerServer(&service, *tls, a.listen);
  if (!running.ok()) return Report(running.status());
  std::unique_ptr<peer::PeerAnnouncer> announcer;
  if (!a.no_announce) announcer = Announce(**rep, running->port);
  std::signal(SIGINT, OnPeerSignal);
  std::signal(SIGTERM, OnPeerSignal);
  std::cout << "pair " << (*rep)->replica_id() << " à l'écoute sur port " << running->port
            << std::endl;
  while (!g_peer_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  announcer.reset();  // withdrawn before the port closes
  running->server->Shutdown();
  std::cerr << "relais: arrêt du pair (" << service.served() << " échanges, "
            << service.refused() << " refusés)\n";
  return 0;
}

void PrintSynced(const peer::PeerSyncReport& r, const std::string& where) {
  std::cout << "synchronisé avec le pair " << r.peer_id << where << ": envoyés " << r.sent
            << ", reçus " << r.received << ", appliqués " << r.applied << ", écartés "
            << r.ignored + r.set_aside << "\n";
}

// Every announced replica of the organisation; fails when none synced.
int Discover(Replica& rep, const peer::PeerTls& tls) {
  auto browser = peer::MakeAvahiBrowser();
  auto r = peer::DiscoverAndSync(rep, tls, *browser, peer::DiscoverSyncOptions{});
  if (!r.ok()) return Report(r.status());
  for (const std::string& note : r->selection.notes) std::cerr << "relais: " << note << "\n";
  for (const peer::DiscoveredSync& s : r->syncs) {
    if (s.status.ok())
      PrintSynced(s.report, " (" + s.target + ")");
    else
      std::cerr << "relais: pair annoncé " << s.replica_id << " (" << s.target
                << ") refusé: " << s.status.message() << "\n";
  }
  if (r->succeeded() == 0)
    return Report(Status::Unavailable("aucun des pairs annoncés n'a pu être synchronisé"));
  return 0;
}

int Sync(const PeerArgs& a) {
  if (a.discover == !a.peer.empty())
    return Report(Status::InvalidArgument("donnez --peer HÔTE:PORT ou --discover (un des deux)"));
  auto rep = Replica::Open(a.db);
  if (!rep.ok()) return Report(DamagedOnOpen(rep.status(), a.db));
  if (Status bad = CheckReplicaIntegrity(**rep, a.db); !bad.ok()) return Report(bad);
  auto tls = peer::LoadPeerTls(a.pki, a.db, **rep);
  if (!tls.ok()) return Report(tls.status());
  if (a.discover) return Discover(**rep, *tls);
  peer::PeerSyncOptions o;
  o.peer = a.peer;
  auto r = peer::PeerSyncOnce(**rep, *tls, o);
  if (!r.ok()) return Report(r.status());
  PrintSynced(*r, "");
  return 0;
}

}  // namespace

void RegisterPeerCommands(CLI::App& app, Context& ctx) {
  auto* peer = app.add_subcommand("peer", "Synchronisation dans la maison, entre répliques");
  peer->require_subcommand(1);
  auto a = std::make_shared<PeerArgs>();
  auto* serve = peer->add_subcommand("serve", "Sert les autres répliques de l'organisation");
  serve->add_option("--db", a->db, "Fichier de la réplique")->required();
  serve->add_option("--listen", a->listen, "Adresse d'écoute HÔTE:PORT")->required();
  serve->add_option("--pki", a->pki, "Répertoire de l'autorité (ca.crt)")->required();
  serve->add_flag("--no-announce", a->no_announce,
                  "Ne pas s'annoncer sur le réseau local (_relais._tcp, Avahi)");
  serve->callback([&ctx, a] { ctx.exit_code = Serve(*a); });
  auto b = std::make_shared<PeerArgs>();
  auto* sync = peer->add_subcommand("sync", "Un échange dans les deux sens avec un pair");
  sync->add_option("--db", b->db, "Fichier de la réplique")->required();
  sync->add_option("--peer", b->peer, "Pair HÔTE:PORT");
  sync->add_flag("--discover", b->discover,
                 "Chercher les pairs annoncés sur le réseau local (_relais._tcp, Avahi)");
  sync->add_option("--pki", b->pki, "Répertoire de l'autorité (ca.crt)")->required();
  sync->callback([&ctx, b] { ctx.exit_code = Sync(*b); });
}

}  // namespace relais::common::cli
#endif  // RELAIS_HAVE_SYNC
