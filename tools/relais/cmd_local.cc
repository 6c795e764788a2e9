// Verbs over the local replica: init, practitioner, appt, presence, dump,
// conflicts, status.
#include <iostream>
#include <memory>
#include <optional>

#include "common/replica/audit_log.h"
#include "common/replica/replica.h"
#include "tools/relais/cli_util.h"
#include "tools/relais/cmd_key.h"

namespace relais::common::cli {

namespace {

// Opens the replica or reports why not; nullptr on failure (ctx set).
std::unique_ptr<Replica> OpenOrReport(const std::string& db, Context& ctx) {
  auto r = Replica::Open(db);
  if (!r.ok()) {
    ctx.exit_code = Report(r.status());
    return nullptr;
  }
  return std::move(r).value();
}

#ifdef RELAIS_HAVE_SYNC
using SnapshotInitArgsOrNone = SnapshotInitArgs;
#else
struct SnapshotInitArgsOrNone {
  std::string snapshot, hub_key, hub_key_file;
  std::vector<std::string> scope;
};
#endif

const std::vector<std::string>& Halves() {
  static const std::vector<std::string> k = {"am", "pm"};
  return k;
}

}  // namespace

void RegisterLocalCommands(CLI::App& app, Context& ctx) {
  // relais init
  {
    auto* cmd = app.add_subcommand("init", "Crée une réplique et affiche son identifiant");
    auto db = std::make_shared<std::string>();
    auto scope = std::make_shared<ReplicaScope>();
    cmd->add_option("--db", *db, "Fichier SQLite de la réplique")->required();
    cmd->add_option("--site", scope->sites,
                    "Site tenu (maison ou antenne); répétable: le premier est le site "
                    "d'écriture par défaut");
    cmd->add_option("--org", scope->org,
                    "Organisation (centre de santé multi-sites); seule: tous les sites du "
                    "jeton, appris à la première synchronisation");
    auto key_file = std::make_shared<std::string>();
    auto pass = std::make_shared<std::string>();
    cmd->add_option("--key-file", *key_file,
                    "Clé exportée par une autre réplique du site (sinon créée au besoin)");
    cmd->add_option("--passphrase-file", *pass,
                    "Phrase de passe de --key-file (1re ligne); sinon lue sur l'entrée");
    auto snap = std::make_shared<SnapshotInitArgsOrNone>();
    cmd->add_option("--from-snapshot", snap->snapshot,
                    "Instantané signé du hub (relais-hub snapshot): charge le site puis "
                    "relais sync rattrape la suite");
    cmd->add_option("--hub-key", snap->hub_key,
                    "Clé publique du hub (relais-hub snapshot-key --print-public)");
    cmd->add_option("--hub-key-file", snap->hub_key_file, "Fichier contenant cette clé publique");
    cmd->add_option("--scope-site", snap->scope,
                    "Autre site du jeton de cette réplique, couvert par l'instantané (répétable)");
#ifdef RELAIS_HAVE_SYNC
    cmd->add_option("--hub", snap->hub,
                    "Avec --from-snapshot: hub hôte:port dont vérifier l'époque avant de charger");
    cmd->add_option("--ca", snap->ca, "Certificat de l'autorité du hub (PEM), avec --hub");
    AddTokenOptions(cmd, &snap->token, "de cette réplique, avec --hub");
    cmd->add_option("--http-hub", snap->http_hub,
                    "Avec --hub: adresse hôte:port de la synchronisation HTTP/1.1 du hub "
                    "(relais-hub --http-sync-listen), comme pour relais sync");
    cmd->add_option("--transport", snap->transport,
                    "Avec --hub: auto (défaut; gRPC, puis HTTP/1.1), grpc ou http, comme pour "
                    "relais sync");
#endif
    cmd->callback([&ctx, db, scope, key_file, pass, snap] {
      std::optional<crypto::Keyring> ring;
      if (!key_file->empty()) {
        auto k = ReadExportedKey(*key_file, *pass);
        if (!k.ok()) {
          ctx.exit_code = Report(k.status());
          return;
        }
        ring = std::move(k).value();
      }
      if (scope->sites.size() > kMaxScopeSites) {
        ctx.exit_code = Report(Status::InvalidArgument("trop de --site (maximum " +
                                                       std::to_string(kMaxScopeSites) + ")"));
        return;
      }
      bool from_snapshot = !snap->snapshot.empty() || !snap->hub_key.empty() ||
                           !snap->hub_key_file.empty() || !snap->scope.empty();
#ifdef RELAIS_HAVE_SYNC
      from_snapshot = from_snapshot || !snap->hub.empty() || !snap->http_hub.empty() ||
                      snap->transport != "auto";
#endif
      if (from_snapshot) {
#ifdef RELAIS_HAVE_SYNC
        if (scope->sites.empty()) {
          ctx.exit_code = Report(Status::InvalidArgument(
              "--from-snapshot demande les sites de la réplique (--site)"));
          return;
        }
        snap->db = *db;
        snap->site = scope->sites.front();
        snap->org = scope->org;
        snap->scope.insert(snap->scope.end(), scope->sites.begin() + 1, scope->sites.end());
        ctx.exit_code = InitFromSnapshotCommand(*snap, ring ? &*ring : nullptr);
#else
        ctx.exit_code = Report(Status::FailedPrecondition(
            "--from-snapshot: relais construit sans la synchronisation"));
#endif
        return;
      }
      auto id = Replica::Init(*db, *scope, ring ? &*ring : nullptr);
      if (!id.ok()) {
        ctx.exit_code = Report(id.status());
        return;
      }
      std::cout << *id << "\n";
    });
  }
  // relais practitioner add
  {
    auto* group = app.add_subcommand("practitioner", "Annuaire des praticiens");
    group->require_subcommand(1);
    auto* cmd = group->add_subcommand("add", "Ajoute ou met à jour un praticien");
    auto db = std::make_shared<std::string>();
    auto id = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    auto prof = std::make_shared<std::string>();
    auto share = std::make_shared<double>(0);
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--id", *id, "Identifiant du praticien")->required();
    cmd->add_option("--name", *name, "Nom affiché")->required();
    cmd->add_option("--profession", *prof, "Profession (medecin, infirmier, ...)")->required();
    cmd->add_option("--share", *share, "Part de la clé 'share', en %")->check(CLI::Range(0.0, 100.0));
    auto sites = std::make_shared<std::string>();
    auto pole = std::make_shared<std::string>();
    auto* sites_opt = cmd->add_option(
        "--sites", *sites, "Sites où il exerce, séparés par des virgules (ex. S1,S2; \"\" = son site)");
    auto* pole_opt = cmd->add_option("--pole", *pole, "Pôle (relais org pole add; \"\" = aucun)");
    cmd->callback([&ctx, db, id, name, prof, share, sites, pole, sites_opt, pole_opt] {
      Replica::PractitionerOrg org;
      if (sites_opt->count() > 0) org.sites = *sites;
      if (pole_opt->count() > 0) org.pole = *pole;
      if (org.sites) {  // checked before the file is opened
        const std::string err = ValidateField(Collection::kPractitioner, "sites", *sites);
        if (!err.empty()) {
          ctx.exit_code = Report(Status::InvalidArgument(err));
          return;
        }
      }
      auto r = OpenOrReport(*db, ctx);
      if (!r) return;
      const int64_t bp = static_cast<int64_t>(*share * 100 + 0.5);
      ctx.exit_code = Report(r->AddPractitioner(*id, *name, *prof, bp, org));
      if (ctx.exit_code == 0) std::cout << *id << "\n";
    });
    auto* list = group->add_subcommand("list", "Liste les praticiens");
    auto ldb = std::make_shared<std::string>();
    list->add_option("--db", *ldb, "Fichier de la réplique")->required();
    list->callback([&ctx, ldb] {
      auto r = OpenOrReport(*ldb, ctx);
      if (!r) return;
      auto ps = r->Practitioners();
      if (!ps.ok()) {
        ctx.exit_code = Report(ps.status());
        return;
      }
      for (const auto& p : *ps)
        std::cout << p.id << "\t" << p.name << "\t" << p.profession << "\n";
    });
  }
  // relais appt ...
  {
    auto* group = app.add_subcommand("appt", "Rendez-vous");
    group->require_subcommand(1);
    {
      auto* cmd = group->add_subcommand("add", "Ajoute un rendez-vous; affiche 'ID CODE'");
      auto db = std::make_shared<std::string>();
      auto a = std::make_shared<NewAppointment>();
      auto start = std::make_shared<std::string>();
      cmd->add_option("--db", *db, "Fichier de la réplique")->required();
      cmd->add_option("--practitioner", a->practitioner, "Identifiant du praticien")->required();
      cmd->add_option("--start", *start, "Début, heure de Paris: AAAA-MM-JJTHH:MM")->required();
      cmd->add_option("--duration", a->duration_min, "Durée en minutes")->required();
      cmd->add_option("--patient", a->patient_name, "Nom du patient")->required();
      cmd->add_option("--birth", a->patient_birth, "Date de naissance AAAA-MM-JJ")->required();
      cmd->add_option("--kind", a->kind, "consultation | snp | visite_domicile | teleconsultation")
          ->check(CLI::IsMember(AppointmentKinds()));
      cmd->add_option("--room", a->room, "Salle");
      cmd->add_option("--note", a->note, "Note (pas de motif médical)");
      cmd->add_option("--site", a->site,
                      "Site du rendez-vous (réplique multi-sites; défaut: son premier site)");
      auto cp = std::make_shared<std::string>();
      auto commune = std::make_shared<std::string>();
      cmd->add_option("--cp", *cp, "Code postal du domicile du patient (5 chiffres)");
      cmd->add_option("--commune", *commune,
                      "Commune du domicile: nom ou code INSEE (avec --cp; facultatif si le "
                      "code postal n'a qu'une commune)");
      cmd->callback([&ctx, db, a, start, cp, commune] {
        auto t = ParseParisDateTime(*start);
        if (!t.ok()) {
          ctx.exit_code = Report(t.status());
          return;
        }
        auto insee = ResolvePatientCommune(*cp, *commune);
        if (!insee.ok()) {
          ctx.exit_code = Report(insee.status());
          return;
        }
        a->patient_commune = *insee;
        auto r = OpenOrReport(*db, ctx);
        if (!r) return;
        a->start = *t;
        if (a->kind == "snp") a->status = "checked_in";  // walk-in: already here
        auto res = r->AddAppointment(*a);
        if (!res.ok()) {
          ctx.exit_code = Report(res.status());
          return;
        }
        std::cout << res->first << " " << res->second << "\n";
      });
    }
    {
      auto* cmd = group->add_subcommand("checkin", "Enregistre l'arrivée d'un patient");
      auto db = std::make_shared<std::string>();
      auto id = std::make_shared<std::string>();
      auto code = std::make_shared<std::string>();
      cmd->add_option("--db", *db, "Fichier de la réplique")->required();
      auto* oid = cmd->add_option("--id", *id, "Identifiant du rendez-vous");
      auto* ocode = cmd->add_option("--code", *code, "Code de passage (6 caractères)");
      oid->excludes(ocode);
      cmd->callback([&ctx, db, id, code] {
        if (id->empty() == code->empty()) {
          ctx.exit_code = Report(Status::InvalidArgument("donnez --id ou --code"));
          return;
        }
        auto r = OpenOrReport(*db, ctx);
        if (!r) return;
        std::string c = *code;
        for (char& ch : c) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
        auto a = r->CheckIn(*id, c, "staff");
        if (!a.ok()) {
          ctx.exit_code = Report(a.status());
          return;
        }
        std::cout << a->id << " " << a->status << "\n";
      });
    }
    {
      auto* cmd = group->add_subcommand("set-status", "Change le statut d'un rendez-vous");
      auto db = std::make_shared<std::string>();
      auto id = std::make_shared<std::string>();
      auto status = std::make_shared<std::string>();
      cmd->add_option("--db", *db, "Fichier de la réplique")->required();
      cmd->add_option("--id", *id, "Identifiant du rendez-vous")->required();
      cmd->add_option("--status", *status, "booked | checked_in | in_consultation | done | no_show | cancelled")
          ->required()
          ->check(CLI::IsMember(AppointmentStatuses()));
      cmd->callback([&ctx, db, id, status] {
        auto r = OpenOrReport(*db, ctx);
        if (!r) return;
        ctx.exit_code = Report(r->SetStatus(*id, *status));
      });
    }
    {
      auto* cmd = group->add_subcommand("cancel", "Annule un rendez-vous");
      auto db = std::make_shared<std::string>();
      auto id = std::make_shared<std::string>();
      cmd->add_option("--db", *db, "Fichier de la réplique")->required();
      cmd->add_option("--id", *id, "Identifiant du rendez-vous")->required();
      cmd->callback([&ctx, db, id] {
        auto r = OpenOrReport(*db, ctx);
        if (!r) return;
        ctx.exit_code = Report(r->SetStatus(*id, "cancelled"));
      });
    }
    {
      auto* cmd = group->add_subcommand("list", "Rendez-vous d'un jour");
      auto db = std::make_shared<std::string>();
      auto date = std::make_shared<std::string>();
      cmd->add_option("--db", *db, "Fichier de la réplique")->required();
      cmd->add_option("--date", *date, "Jour AAAA-MM-JJ (aujourd'hui par défaut)");
      cmd->callback([&ctx, db, date] {
        auto r = OpenOrReport(*db, ctx);
        if (!r) return;
        CivilDate day = ParisDate(r->clock()->NowMillis() / 1000);
        if (!date->empty()) {
          auto d = ParseDate(*date);
          if (!d.ok()) {
            ctx.exit_code = Report(d.status());
            return;
          }
          day = *d;
        }
        // Names are shown: the read and its access-log entry are one
        // transaction (audit_log.h).
        auto list = AuditLog(r.get()).RevealDay(CliAuditUser(), "cli.appt-list", day);
        if (!list.ok()) {
          ctx.exit_code = Report(list.status());
          return;
        }
        for (const auto& a : *list)
          std::cout << FormatParisTime(a.start) << "\t" << a.id << "\t"
                    << a.practitioner << "\t" << a.status << "\t" << a.code
                    << "\t" << a.patient_name << "\n";
      });
    }
  }
  // relais presence set
  {
    auto* group = app.add_subcommand("presence", "Présences des praticiens");
    group->require_subcommand(1);
    auto* cmd = group->add_subcommand("set", "Marque la présence d'une demi-journée");
    auto db = std::make_shared<std::string>();
    auto p = std::make_shared<std::string>();
    auto date = std::make_shared<std::string>();
    auto half = std::make_shared<std::string>();
    auto state = std::make_shared<std::string>();
    auto repl = std::make_shared<std::string>();
    auto room = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--practitioner", *p, "Identifiant du praticien")->required();
    cmd->add_option("--date", *date, "Jour AAAA-MM-JJ")->required();
    cmd->add_option("--half", *half, "am | pm")->required()->check(CLI::IsMember(Halves()));
    cmd->add_option("--state", *state, "present | absent | en_visite | remplace")
        ->required()
        ->check(CLI::IsMember(PresenceStates()));
    cmd->add_option("--replacement", *repl, "Nom du remplaçant (état 'remplace')");
    cmd->add_option("--room", *room, "Salle");
    auto site = std::make_shared<std::string>();
    cmd->add_option("--site", *site, "Site (réplique multi-sites; défaut: son premier site)");
    cmd->callback([&ctx, db, p, date, half, state, repl, room, site] {
      auto r = OpenOrReport(*db, ctx);
      if (!r) return;
      ctx.exit_code = Report(r->SetPresence(*p, *date, *half, *state, *repl, *room, *site));
    });
  }
  // relais dump --json
  {
    auto* cmd = app.add_subcommand("dump", "Affiche tous les enregistrements (JSON canonique)");
    auto db = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto clair = std::make_shared<bool>(false);
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_flag("--json", *json, "Sortie JSON canonique (seul format)");
    cmd->add_flag("--clair", *clair,
                  "Valeurs des champs protégés en clair (inscrit au journal d'accès)");
    cmd->callback([&ctx, db, json, clair] {
      auto r = OpenOrReport(*db, ctx);
      if (!r) return;
      // Plain dump writes nothing (byte-stable); --clair is logged.
      auto out = *clair ? AuditLog(r.get()).RevealDump(CliAuditUser(), "cli.dump-clair")
                        : r->Dump();
      if (!out.ok()) {
        ctx.exit_code = Report(out.status());
        return;
      }
      std::cout << *out;
    });
  }
  // relais conflicts
  {
    auto* cmd = app.add_subcommand("conflicts", "Liste les conflits à résoudre");
    auto db = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->callback([&ctx, db] {
      auto r = OpenOrReport(*db, ctx);
      if (!r) return;
      auto list = r->Conflicts();
      if (!list.ok()) {
        ctx.exit_code = Report(list.status());
        return;
      }
      std::cout << DumpJson(*list);
    });
  }
  RegisterKeyCommands(app, ctx);
}

}  // namespace relais::common::cli
