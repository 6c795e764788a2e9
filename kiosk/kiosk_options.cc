#include "kiosk/kiosk_options.h"

#include <cstdio>

#include "CLI/CLI.hpp"
#include "common/util/secret.h"
#include "common/util/status.h"
#include "kiosk/app/sync_text.h"
#include "kiosk/app/ticket_printer.h"
#ifdef RELAIS_HAVE_SYNC_CLIENT
#include "common/sync/hub_list.h"
#endif

namespace relais::kiosk {

int ParseOptions(int argc, char** argv, Options* op) {
  Options& o = *op;
  CLI::App app{"Relais Santé — borne d'accueil et poste de l'équipe"};
  app.set_version_flag("--version", std::string("relais-kiosk ") + RELAIS_VERSION,
                       "Affiche la version et quitte");
  app.add_option("--db", o.db, "Fichier SQLite de la réplique de la maison")->required();
  app.add_option("--hub", o.hub,
                 "Serveur de synchronisation HOTE:PORT, ou plusieurs séparés par des virgules");
  app.add_option("--http-hub", o.http_hub,
                 "Synchronisation HTTP/1.1 du hub HOTE:PORT (relais-hub --http-sync-listen), une par "
                 "hub : utilisée si gRPC ne passe pas (proxy)");
  app.add_option("--token-file", o.token_file,
                 "Fichier du jeton de la réplique (relais-hub enroll ; sinon RELAIS_TOKEN)");
  app.add_option("--token", o.token,
                 "Jeton en clair (déconseillé : visible dans ps ; préférez --token-file)");
  auto* ca = app.add_option("--ca", o.ca, "Certificat de l'autorité du hub (PEM): TLS");
  app.add_option("--lang", o.lang, "Langue: fr | en")->check(CLI::IsMember({"fr", "en"}));
  app.add_flag("--fullscreen", o.fullscreen, "Plein écran sur l'écran principal");
  app.add_flag("--reach-low", o.reach_low,
               "Boutons publics dans la moitié basse de l'écran (personne assise)");
  app.add_flag("--no-speech", o.no_speech, "Sans synthèse vocale (bouton « Écouter » muet)");
  app.add_option("--speech-wav-dir", o.speech_wav_dir,
                 "« Écouter » écrit DIR/parole-N.wav au lieu de parler (essai sans casque)");
  app.add_option("--now", o.now, "Heure fixe AAAA-MM-JJTHH:MM (démo, captures)");
  app.add_option("--sync-interval", o.sync_interval_s, "Secondes entre deux synchronisations")
      ->check(CLI::Range(1, 3600));
  app.add_option("--set-pin", o.set_pin,
                 "PRATICIEN:CODE ou secretariat:CODE enregistre un code personnel haché");
  app.add_option("--screenshot-dir", o.screenshot_dir, "Écrit une capture PNG par écran puis quitte");
  app.add_option("--convocation-dir", o.convocation_dir,
                 "Dossier des convocations (PNG 0600) de « Imprimer la convocation »");
  app.add_option("--printer", o.printer,
                 "Imprimante CUPS des convocations (lp -d NOM) ; sinon elles sont seulement enregistrées");
  app.add_option("--frames", o.frames, "Images rendues par écran en mode capture")
      ->check(CLI::Range(2, 100));
  app.add_option("--wait-sync", o.wait_sync_s,
                 "Mode capture : attend au plus S secondes une première synchronisation réussie "
                 "(--hub, --peer) puis affiche l'état de la synchronisation")
      ->check(CLI::Range(1, 300));
  app.add_flag("--display", o.display,
               "Écran de salle d'attente : appels des tickets et prochains rendez-vous");
  app.add_option("--ticket-printer", o.ticket_printer,
                 "File CUPS (lp -d NOM) pour imprimer les tickets sans rendez-vous");
  app.add_option("--peer", o.peer,
                 "Poste de la maison à synchroniser en tâche de fond HOTE:PORT (relais peer serve), "
                 "ou auto : les postes annoncés sur le réseau local (_relais._tcp, Avahi)");
  app.add_option("--pki", o.pki, "Dossier de l'autorité de la maison (ca.crt ; relais pki)");
  app.add_option("--peer-name", o.peer_name,
                 "Nom du poste dans la barre d'état (défaut : « le secrétariat »)");
  app.add_option("--compactage", o.compact_window,
                 "Fenêtre du compactage de nuit de la réplique, heures locales HH-HH (défaut "
                 "02-05) ; la borne doit être inactive depuis 10 min");
  app.add_flag("--sans-compactage", o.no_compact,
               "Pas de compactage de nuit automatique (relais compact --db reste possible)");
  CLI11_PARSE(app, argc, argv);
  {
    auto w = common::ParseCompactWindow(o.compact_window, "--compactage");
    if (!w.ok()) return std::fprintf(stderr, "%s\n", w.status().message().c_str()), 2;
    o.compact = *w;
  }
  if (!o.peer.empty()) {
    if (common::Status v = CheckPeerOptions(o.peer, o.pki, o.peer_name); !v.ok())
      return std::fprintf(stderr, "%s\n", v.message().c_str()), 2;
  }
  if (o.wait_sync_s > 0 && o.screenshot_dir.empty())
    return std::fprintf(stderr, "--wait-sync demande --screenshot-dir (mode capture)\n"), 2;
  if (o.wait_sync_s > 0 && o.hub.empty() && o.peer.empty())
    return std::fprintf(stderr, "--wait-sync demande --hub ou --peer (rien à attendre)\n"), 2;
  if (!o.ticket_printer.empty() && !IsValidPrinterName(o.ticket_printer))
    return std::fprintf(stderr, "--ticket-printer : nom d'imprimante invalide (lettres, chiffres, _ . -)\n"), 2;
  // An explicit but empty --ca must not quietly mean "no TLS".
  if (ca->count() > 0 && o.ca.empty())
    return std::fprintf(stderr, "--ca vide: donnez le fichier PEM de l'autorité du hub\n"), 2;
  return kContinue;
}

int ResolveHubAndToken(Options* op) {
  Options& o = *op;
  if (o.hub.empty()) return kContinue;
#ifdef RELAIS_HAVE_SYNC_CLIENT
  // A bad list is refused before any connection (hub_list.h).
  auto hubs = sync::ParseHubList(o.hub);
  if (!hubs.ok()) return std::fprintf(stderr, "%s\n", hubs.status().message().c_str()), 2;
  o.hubs = *hubs;
  if (!o.http_hub.empty()) {
    auto http_hubs = sync::ParseHubList(o.http_hub);
    if (!http_hubs.ok())
      return std::fprintf(stderr, "--http-hub : %s\n", http_hubs.status().message().c_str()), 2;
    if (http_hubs->size() != o.hubs.size())
      return std::fprintf(stderr, "--http-hub : une adresse par hub de --hub, dans le même ordre\n"), 2;
    o.http_hubs = *http_hubs;
  }
#endif
  common::TokenSource source;
  std::string warning;
  auto token = common::ResolveToken(o.token_file, o.token, &source, &warning);
  if (!token.ok()) return std::fprintf(stderr, "%s\n", token.status().message().c_str()), 2;
  if (!warning.empty()) std::fprintf(stderr, "%s\n", warning.c_str());
  if (source == common::TokenSource::kNone)
    return std::fprintf(stderr, "--hub sans jeton : --token-file FICHIER ou RELAIS_TOKEN\n"), 2;
  o.token = *token;
  return kContinue;
}

}  // namespace relais::kiosk
