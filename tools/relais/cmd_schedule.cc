// Plages and the next free slot: plage add | list | exception | remove,
// slot next. Thin: the rules live in model/schedule.h and domain/slots.h.
// Every argument is checked here or there; a bad one exits 2.
#include <iostream>
#include <memory>
#include <optional>

#include "common/domain/slots.h"
#include "common/domain/plage_input.h"
#include "common/model/org.h"
#include "common/model/schedule.h"
#include "common/replica/replica.h"
#include "common/replica/slot_inputs.h"
#include "common/util/time.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

namespace {

Status Bad(const std::string& m) { return Status::InvalidArgument(m); }

// A whole number in [lo, hi] typed by a person; French error naming `what`.
Result<int64_t> ParseBounded(const std::string& text, const std::string& what, int64_t lo,
                             int64_t hi) {
  int64_t n = 0;
  if (!ParseInt64(text, &n) || n < lo || n > hi)
    return Bad(what + " invalide " + QuoteForMessage(text) + " (entier de " +
               std::to_string(lo) + " à " + std::to_string(hi) + ")");
  return n;
}

// The known practitioner `ref` qualified, or NOT_FOUND.
Result<std::string> KnownPractitioner(Replica& r, const std::string& id) {
  if (!IsValidPractitionerRef(id)) return Bad("praticien invalide " + QuoteForMessage(id));
  const std::string ref = r.PractitionerRef(id);
  RELAIS_ASSIGN_OR_RETURN(std::vector<Practitioner> all, r.Practitioners());
  for (const Practitioner& p : all)
    if (domain::QualifyRef(p.id, p.site_id) == ref) return ref;
  return Status::NotFound("praticien inconnu " + QuoteForMessage(id) +
                          " (relais practitioner add)");
}

// A practitioner whose `sites` list is set (model/org.h) only gets plages
// at those sites; "" = no list (any site of the scope).
Status CheckWorksAt(Replica& r, const std::string& ref, const std::string& site) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Practitioner> all, r.Practitioners());
  for (const Practitioner& p : all) {
    if (domain::QualifyRef(p.id, p.site_id) != ref || p.sites.empty()) continue;
    for (const std::string& s : SplitSites(p.sites))
      if (s == site) return Status::OK();
    return Bad(ref + " n'exerce pas au site " + site + " (sites: " + p.sites +
               "; relais practitioner add --sites)");
  }
  return Status::OK();
}

struct PlageArgs {
  std::string db, id, practitioner, weekday, start, end, kind, slot, from, to, site;
};

Status AddPlage(const PlageArgs& a) {
  Schedule s;
  RELAIS_ASSIGN_OR_RETURN(int64_t wd, ParseBounded(a.weekday, "jour (--weekday)", 1, 7));
  s.weekday = static_cast<int>(wd);
  if (!a.slot.empty()) {
    RELAIS_ASSIGN_OR_RETURN(int64_t n, ParseBounded(a.slot, "durée de créneau (--slot)",
                                                    kMinSlotMin, kMaxSlotMin));
    s.slot_min = static_cast<int>(n);
  }
  s.start_time = a.start;
  s.end_time = a.end;
  s.kind = a.kind;
  s.valid_from = a.from;
  s.valid_to = a.to;
  s.practitioner = a.practitioner;  // checked for shape before the replica opens
  std::string err = ValidateNewSchedule(s);
  if (!err.empty()) return Bad(err);
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(a.db));
  RELAIS_ASSIGN_OR_RETURN(s.practitioner, KnownPractitioner(*r, a.practitioner));
  std::string id = a.id;
  std::optional<Record> existing;
  if (id.empty()) {
    id = r->NewId("plg");
  } else {
    if (id.size() > 64 || !IsValidSiteId(id)) return Bad("identifiant de plage invalide");
    RELAIS_ASSIGN_OR_RETURN(existing, r->Get(Collection::kSchedule, id));
    if (!existing) return Status::NotFound("plage inconnue " + QuoteForMessage(id));
  }
  // A new plage goes to --site (default: the home site); an edited one
  // stays where it is (--site, if given, must name that site: WriteAt).
  const std::string where =
      existing ? existing->site_id : (a.site.empty() ? r->site_id() : a.site);
  RELAIS_RETURN_IF_ERROR(CheckWorksAt(*r, s.practitioner, where));
  RELAIS_RETURN_IF_ERROR(r->WriteAt(a.site, Collection::kSchedule, id, ScheduleChanges(s)).status());
  std::cout << id << "\n";
  return Status::OK();
}

struct ExceptionArgs {
  std::string db, kind, practitioner, replacement, from, to, site, start, end;
};

Status AddException(const ExceptionArgs& a) {
  ScheduleException e;
  e.kind = a.kind;
  e.practitioner = a.practitioner;
  e.replacement = a.replacement;
  e.first_day = a.from;
  e.last_day = a.to;
  e.start_time = a.start;
  e.end_time = a.end;
  std::string err = ValidateNewScheduleException(e);
  if (!err.empty()) return Bad(err);
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(a.db));
  if (!e.practitioner.empty()) {
    RELAIS_ASSIGN_OR_RETURN(e.practitioner, KnownPractitioner(*r, a.practitioner));
  }
  if (!e.replacement.empty()) {
    RELAIS_ASSIGN_OR_RETURN(e.replacement, KnownPractitioner(*r, a.replacement));
  }
  err = ValidateNewScheduleException(e);  // replacement != practitioner, qualified
  if (!err.empty()) return Bad(err);
  const std::string id = r->NewId("exc");
  RELAIS_RETURN_IF_ERROR(
      r->WriteAt(a.site, Collection::kScheduleException, id, ScheduleExceptionChanges(e))
          .status());
  std::cout << id << "\n";
  return Status::OK();
}

Status ListPlages(const std::string& db) {
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(db));
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> plages, r->store()->List(Collection::kSchedule));
  for (const Record& rec : plages) {
    const Schedule s = ScheduleFromView(rec, View(rec));
    if (s.deleted) continue;
    const bool ok = ValidateNewSchedule(s).empty();
    std::cout << "plage\t" << s.id << "\t" << s.site_id << "\t" << s.practitioner << "\tj"
              << s.weekday << "\t" << s.start_time << "-" << s.end_time << "\t" << s.kind
              << "\t" << (s.slot_min ? std::to_string(s.slot_min) + " min" : "-") << "\t"
              << s.valid_from << ".." << s.valid_to << (ok ? "" : "\tincohérente") << "\n";
  }
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> exc,
                          r->store()->List(Collection::kScheduleException));
  for (const Record& rec : exc) {
    const ScheduleException e = ScheduleExceptionFromView(rec, View(rec));
    if (e.deleted) continue;
    std::cout << "exception\t" << e.id << "\t" << e.site_id << "\t" << e.kind << "\t"
              << (e.practitioner.empty() ? "-" : e.practitioner) << "\t"
              << (e.replacement.empty() ? "-" : e.replacement) << "\t" << e.first_day << ".."
              << e.last_day;
    if (!e.start_time.empty() || !e.end_time.empty())
      std::cout << "\t" << e.start_time << "-" << e.end_time;
    std::cout << "\n";
  }
  return Status::OK();
}

Status RemovePlage(const std::string& db, const std::string& id) {
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(db));
  for (Collection c : {Collection::kSchedule, Collection::kScheduleException}) {
    RELAIS_ASSIGN_OR_RETURN(auto cur, r->Get(c, id));
    if (!cur) continue;
    RELAIS_RETURN_IF_ERROR(r->Write(c, id, {{kDeletedField, "1"}}).status());
    std::cout << id << " supprimée\n";
    return Status::OK();
  }
  return Status::NotFound("plage ou exception inconnue " + QuoteForMessage(id));
}

struct SlotArgs {
  std::string db, profession, practitioner, kind, pole, after, count = "5", horizon = "62";
  std::vector<std::string> sites;
};

Status NextSlots(const SlotArgs& a) {
  domain::SlotQuery q;
  RELAIS_ASSIGN_OR_RETURN(int64_t count, ParseBounded(a.count, "nombre (--count)", 1,
                                                      domain::kMaxSlotCount));
  RELAIS_ASSIGN_OR_RETURN(int64_t horizon, ParseBounded(a.horizon, "horizon (--horizon)", 1,
                                                        domain::kMaxHorizonDays));
  q.count = static_cast<int>(count);
  q.horizon_days = static_cast<int>(horizon);
  q.sites = a.sites;
  q.profession = a.profession;
  q.kind = a.kind;
  q.practitioner = a.practitioner;
  q.pole = a.pole;
  if (!a.after.empty()) {
    auto t = ParseParisDateTime(a.after);
    if (!t.ok())
      return Bad("date-heure invalide " + QuoteForMessage(a.after) + " (AAAA-MM-JJTHH:MM)");
    q.after = *t;
  }
  std::string err = domain::ValidateSlotQuery(q);  // before touching the file
  if (!err.empty()) return Bad(err);
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(a.db));
  if (a.after.empty()) q.after = r->clock()->NowMillis() / 1000;
  if (!q.practitioner.empty()) q.practitioner = r->PractitionerRef(q.practitioner);
  RELAIS_ASSIGN_OR_RETURN(domain::SlotSearch found, SearchReplica(*r, q));
  for (const domain::Slot& s : found.slots) {
    std::cout << "créneau\t" << FormatParisDateTime(s.start) << "\t" << s.duration_min
              << " min\t" << s.practitioner << "\t" << s.site << "\t" << s.kind;
    if (!s.replaces.empty()) std::cout << "\tremplace " << s.replaces;
    std::cout << "\n";
  }
  for (const domain::SlotToMove& m : found.to_move)
    std::cout << "à déplacer\t" << m.appointment.id << "\t"
              << FormatParisDateTime(m.appointment.start) << "\t"
              << domain::QualifyRef(m.appointment.practitioner, m.appointment.site_id) << "\t"
              << m.appointment.site_id << "\t" << m.reason << "\n";
  if (found.slots.empty()) std::cerr << "relais: aucun créneau libre dans l'horizon\n";
  return Status::OK();
}

}  // namespace

void RegisterScheduleCommands(CLI::App& app, Context& ctx) {
  auto* plage = app.add_subcommand("plage", "Plages de consultation (horaires hebdomadaires)");
  plage->require_subcommand(1);
  {
    auto a = std::make_shared<PlageArgs>();
    auto* cmd = plage->add_subcommand("add", "Ajoute une plage (ou remplace la plage --id)");
    cmd->add_option("--db", a->db, "Fichier de la réplique")->required();
    cmd->add_option("--id", a->id, "Plage existante à remplacer entièrement");
    cmd->add_option("--practitioner", a->practitioner, "Praticien")->required();
    cmd->add_option("--weekday", a->weekday, "Jour: 1 = lundi ... 7 = dimanche")->required();
    cmd->add_option("--start", a->start, "Début HH:MM (heure de Paris)")->required();
    cmd->add_option("--end", a->end, "Fin HH:MM (heure de Paris, 24:00 au plus)")->required();
    cmd->add_option("--kind", a->kind,
                    "programmee | sans_rdv | visite_domicile | teleconsultation | ehpad")
        ->required();
    cmd->add_option("--slot", a->slot, "Durée d'un créneau en minutes (obligatoire si programmee)");
    cmd->add_option("--from", a->from, "Premier jour de validité AAAA-MM-JJ")->required();
    cmd->add_option("--to", a->to, "Dernier jour de validité AAAA-MM-JJ (sans fin par défaut)");
    cmd->add_option("--site", a->site, "Site de la plage (réplique multi-sites; défaut: son premier site)");
    cmd->callback([&ctx, a] { ctx.exit_code = Report(AddPlage(*a)); });
  }
  {
    auto a = std::make_shared<ExceptionArgs>();
    auto* cmd = plage->add_subcommand(
        "exception", "Congé, remplacement ou fermeture du site (jours entiers, ou --start/--end)");
    cmd->add_option("--db", a->db, "Fichier de la réplique")->required();
    cmd->add_option("--kind", a->kind, "conge | remplacement | fermeture")->required();
    cmd->add_option("--practitioner", a->practitioner, "Praticien (congé, remplacement)");
    cmd->add_option("--replacement", a->replacement, "Remplaçant (remplacement)");
    cmd->add_option("--from", a->from, "Premier jour AAAA-MM-JJ")->required();
    cmd->add_option("--to", a->to, "Dernier jour AAAA-MM-JJ")->required();
    cmd->add_option("--site", a->site, "Site (fermeture; réplique multi-sites; défaut: son premier site)");
    cmd->add_option("--start", a->start, "Début HH:MM de chaque jour (partie de journée; avec --end)");
    cmd->add_option("--end", a->end, "Fin HH:MM de chaque jour (partie de journée; avec --start)");
    cmd->callback([&ctx, a] { ctx.exit_code = Report(AddException(*a)); });
  }
  {
    auto db = std::make_shared<std::string>();
    auto* cmd = plage->add_subcommand("list", "Liste les plages et les exceptions");
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->callback([&ctx, db] { ctx.exit_code = Report(ListPlages(*db)); });
  }
  {
    auto db = std::make_shared<std::string>();
    auto id = std::make_shared<std::string>();
    auto* cmd = plage->add_subcommand("remove", "Supprime une plage ou une exception");
    cmd->add_option("--db", *db, "Fichier de la réplique")->required();
    cmd->add_option("--id", *id, "Identifiant")->required();
    cmd->callback([&ctx, db, id] { ctx.exit_code = Report(RemovePlage(*db, *id)); });
  }
  auto* slot = app.add_subcommand("slot", "Créneaux libres");
  slot->require_subcommand(1);
  {
    auto a = std::make_shared<SlotArgs>();
    auto* cmd = slot->add_subcommand("next", "Prochains créneaux libres (un par ligne)");
    cmd->add_option("--db", a->db, "Fichier de la réplique")->required();
    cmd->add_option("--site", a->sites, "Site (répétable; tous par défaut)");
    cmd->add_option("--profession", a->profession, "Profession");
    cmd->add_option("--practitioner", a->practitioner, "Praticien");
    cmd->add_option("--pole", a->pole, "Pôle du praticien (relais org pole add)");
    cmd->add_option("--kind", a->kind, "Type de plage (tous sauf sans_rdv par défaut)");
    cmd->add_option("--after", a->after, "À partir de AAAA-MM-JJTHH:MM (maintenant par défaut)");
    cmd->add_option("--count", a->count, "Nombre de créneaux, 1 à 100 (5 par défaut)");
    cmd->add_option("--horizon", a->horizon, "Jours cherchés, 1 à 366 (62 par défaut)");
    cmd->callback([&ctx, a] { ctx.exit_code = Report(NextSlots(*a)); });
  }
}

}  // namespace relais::common::cli
