#include "server/hub_agenda_cli.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "common/crypto/keyring.h"
#include "common/util/clock.h"
#include "common/util/time.h"
#include "server/agenda/agenda_tokens.h"
#include "server/agenda/pg_agenda_tokens.h"
#include "server/hub_store_open.h"
#include "server/report/council_tokens.h"

namespace relais::server {

struct AgendaCli {
  CLI::App* enroll = nullptr;
  CLI::App* list = nullptr;
  CLI::App* revoke = nullptr;
  std::string db, store, name, org, practitioner, expires, key_file;
  bool patient_details = false;  // --patient-details (FHIR)
  bool with_names = false;       // --with-names (iCal, one practitioner)
};

namespace {

int Report(const common::Status& s) {
  if (s.ok()) return 0;
  std::cerr << "relais-hub: " << s.message() << "\n";
  return s.code() == common::StatusCode::kInvalidArgument ? 2 : 1;
}

// The tokens of --db or --store (exactly one).
common::Result<std::unique_ptr<AgendaTokens>> Open(const AgendaCli& a) {
  RELAIS_RETURN_IF_ERROR(CheckStoreChoice(StoreChoice{a.db, a.store}, false));
  return OpenAgendaTokens(a.db, a.store);
}

std::string ParisDay(int64_t ms) { return common::FormatDate(common::ParisDate(ms / 1000)); }

int Enroll(const AgendaCli& a) {
  common::Clock& clock = *common::SystemClock::Default();
  int64_t expires_ms = 0;
  if (!a.expires.empty()) {
    auto e = ParseCouncilExpiry(a.expires, clock.NowMillis());
    if (!e.ok()) return Report(e.status());
    expires_ms = *e;
  }
  const bool ical = !a.practitioner.empty();
  if (a.patient_details && ical)
    return Report(common::Status::InvalidArgument(
        "--patient-details vaut pour un jeton FHIR ; pour un abonnement iCalendar : --with-names"));
  if (a.with_names && !ical)
    return Report(common::Status::InvalidArgument(
        "--with-names exige --practitioner : les noms vont sur l'appareil d'un seul praticien"));
  const bool details = a.patient_details || a.with_names;
  if (details != !a.key_file.empty())
    return Report(common::Status::InvalidArgument(
        details ? "--cle relais-<org>.cle est requis avec --patient-details ou --with-names"
                : "--cle ne sert qu'avec --patient-details ou --with-names"));
  std::unique_ptr<common::crypto::Keyring> ring;
  if (details) {
    auto r = common::crypto::LoadKeyFile(a.key_file, a.org);
    if (!r.ok()) {
      const auto& s = r.status();
      return Report(s.code() == common::StatusCode::kFailedPrecondition
                        ? common::Status::InvalidArgument("--cle : " + s.message())
                        : common::Status(s.code(), "--cle : " + s.message()));
    }
    ring = std::make_unique<common::crypto::Keyring>(std::move(r).value());
  }
  auto tokens = Open(a);
  if (!tokens.ok()) return Report(tokens.status());
  AgendaGrant g{ical ? "ical" : "fhir", a.org, a.practitioner, a.name, details};
  auto token = (*tokens)->Enroll(g, expires_ms, ring.get());
  if (!token.ok()) return Report(token.status());
  if (g.kind == "fhir") {
    std::cout << "Jeton FHIR (lecture de l'agenda de " << a.org
              << (details ? ", AVEC nom et date de naissance des patients, chaque accès "
                            "inscrit au journal du hub"
                          : ", patients pseudonymes")
              << ", affiché une seule fois) : en-tête « Authorization: Bearer … » sur "
                 "/fhir/Appointment et /fhir/Slot\n"
              << *token << "\n";
  } else {
    std::cout << "Abonnement iCalendar de " << a.practitioner
              << (details ? " (adresse secrète, affichée une seule fois ; AVEC le nom des "
                            "patients : pour son seul appareil, chaque accès inscrit au "
                            "journal du hub) :\n"
                          : " (adresse secrète, affichée une seule fois ; sans nom de patient) :\n")
              << "/ical/" << *token << ".ics\n";
  }
  return 0;
}

int List(const AgendaCli& a) {
  auto tokens = Open(a);
  if (!tokens.ok()) return Report(tokens.status());
  auto list = (*tokens)->List();
  if (!list.ok()) return Report(list.status());
  const int64_t now = common::SystemClock::Default()->NowMillis();
  for (const AgendaTokenInfo& t : *list) {
    std::cout << t.hash_prefix << " '" << t.grant.name << "' " << t.grant.kind
              << " org=" << t.grant.org;
    if (!t.grant.practitioner.empty()) std::cout << " praticien=" << t.grant.practitioner;
    std::cout << " patients="
              << (!t.grant.patient_details ? "pseudonymes"
                  : t.grant.kind == "ical" ? "noms"
                                           : "détails");
    std::cout << " créé=" << ParisDay(t.created_ms) << " expire=";
    if (t.expires_ms == 0) std::cout << "jamais";
    else std::cout << ParisDay(t.expires_ms - 1) << (now >= t.expires_ms ? " EXPIRÉ" : "");
    std::cout << "\n";
  }
  return 0;
}

int Revoke(const AgendaCli& a) {
  auto tokens = Open(a);
  if (!tokens.ok()) return Report(tokens.status());
  if (const common::Status s = (*tokens)->Revoke(a.name); !s.ok()) return Report(s);
  std::cout << "Jeton agenda '" << a.name << "' révoqué\n";
  return 0;
}

}  // namespace

std::shared_ptr<AgendaCli> AddAgendaCommands(CLI::App& app) {
  auto a = std::make_shared<AgendaCli>();
  a->enroll = app.add_subcommand(
      "agenda-enroll",
      "Crée un jeton de lecture d'agenda : FHIR pour une organisation, ou abonnement "
      "iCalendar d'un praticien (--practitioner)");
  const char* kDb = "Base SQLite du hub (ses jetons agenda)";
  const char* kStore = "Base PostgreSQL du hub (postgresql://…) : jetons agenda partagés par "
                       "ses hubs";
  a->enroll->add_option("--db", a->db, kDb);
  a->enroll->add_option("--store", a->store, kStore);
  a->enroll->add_option("--name", a->name, "Nom du jeton (qui le reçoit)")->required();
  a->enroll->add_option("--org", a->org, "Organisation (identifiant)")->required();
  a->enroll->add_option("--practitioner", a->practitioner,
                        "Praticien « id@site » : abonnement iCalendar à son seul agenda");
  a->enroll->add_flag("--patient-details", a->patient_details,
                      "Jeton FHIR : nom et date de naissance des patients (sinon pseudonymes ; "
                      "exige --cle ; chaque accès inscrit au journal du hub)");
  a->enroll->add_flag("--with-names", a->with_names,
                      "Abonnement iCalendar : nom du patient dans les événements du praticien, "
                      "pour son seul appareil (exige --practitioner et --cle)");
  a->enroll->add_option("--cle", a->key_file,
                        "Clé de l'organisation (relais-<org>.cle), gardée seulement scellée "
                        "sous le nouveau jeton");
  a->enroll->add_option("--expires", a->expires,
                        "Dernier jour valable AAAA-MM-JJ, ou nombre de jours");
  a->list = app.add_subcommand("agenda-list", "Liste les jetons d'agenda (empreintes)");
  a->list->add_option("--db", a->db, kDb);
  a->list->add_option("--store", a->store, kStore);
  a->revoke = app.add_subcommand("agenda-revoke", "Révoque un jeton d'agenda");
  a->revoke->add_option("--db", a->db, kDb);
  a->revoke->add_option("--store", a->store, kStore);
  a->revoke->add_option("--name", a->name, "Nom du jeton")->required();
  return a;
}

int RunAgendaCli(const AgendaCli& a) {
  if (a.enroll->parsed()) return Enroll(a);
  if (a.list->parsed()) return List(a);
  if (a.revoke->parsed()) return Revoke(a);
  return -1;
}

}  // namespace relais::server
