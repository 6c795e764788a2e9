// The agenda in the formats others read: export ical | fhir. Thin: the
// formats live in common/interop (ical.h, fhir.h), the free slots in
// domain/slots.h. Every argument is checked before the replica is read; a
// bad one exits 2 and nothing is written. Files are written 0600,
// atomically (WriteFileAtomic). See docs/interop.md.
#include "common/crypto/pseudonyms.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <set>
#include <tuple>

#include "common/domain/slot_range.h"
#include "common/domain/slots.h"
#include "common/interop/fhir.h"
#include "common/interop/ical.h"
#include "common/merge/merge.h"
#include "common/replica/audit_log.h"
#include "common/replica/replica.h"
#include "common/replica/slot_inputs.h"
#include "common/storage/sqlite.h"
#include "common/util/time.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {

namespace {

// Longest exported period, in days (both ends included).
constexpr int kMaxExportDays = 366;
// Bounds of one export; beyond them the user narrows the period or site.
constexpr size_t kMaxExportedAppointments = 100000;
constexpr size_t kMaxExportedSlots = 100000;
constexpr size_t kMaxOutPathLen = 4096;
constexpr size_t kMaxOrganisationNameLen = 200;

Status Bad(const std::string& m) { return Status::InvalidArgument(m); }

struct ExportArgs {
  std::string db, practitioner, site, from, to, out, organisation;
  bool with_names = false;  // --avec-noms (ical) / --avec-patients (fhir)
};

// The exported period [from, to) in UTC seconds, from Paris days.
struct Period {
  CivilDate first, last;
  int64_t from = 0, to = 0;
};

Result<CivilDate> ParseDay(const std::string& text, const std::string& option) {
  auto d = ParseDate(text);
  if (!d.ok() || !IsValidDate(text))
    return Bad(option + " invalide " + QuoteForMessage(text) + " (date AAAA-MM-JJ)");
  return *d;
}

// --from/--to checked and bounded; `today` fills a missing end (ical only).
Result<Period> ParsePeriod(const ExportArgs& a, const CivilDate& today) {
  Period p;
  const int64_t t = DaysFromCivil(today);
  if (a.from.empty()) {
    p.first = CivilFromDays(t - 30);
  } else {
    RELAIS_ASSIGN_OR_RETURN(p.first, ParseDay(a.from, "--from"));
  }
  if (a.to.empty()) {
    p.last = CivilFromDays(std::max(t, DaysFromCivil(p.first)) + 90);
  } else {
    RELAIS_ASSIGN_OR_RETURN(p.last, ParseDay(a.to, "--to"));
  }
  const int64_t days = DaysFromCivil(p.last) - DaysFromCivil(p.first) + 1;
  if (days < 1) return Bad("--to (" + FormatDate(p.last) + ") avant --from (" +
                           FormatDate(p.first) + ") : inversez les dates");
  if (days > kMaxExportDays)
    return Bad("période trop longue (" + std::to_string(days) + " jours, au plus " +
               std::to_string(kMaxExportDays) + ") : exportez en plusieurs fois");
  p.from = ParisLocalToUtc(p.first, 0, 0);
  p.to = ParisLocalToUtc(CivilFromDays(DaysFromCivil(p.last) + 1), 0, 0);
  return p;
}

Status CheckOut(const std::string& out) {
  if (out.empty() || out.size() > kMaxOutPathLen || out.find('\0') != std::string::npos)
    return Bad("--out invalide : chemin de fichier attendu");
  if (out.back() == '/') return Bad("--out : nom de fichier attendu, reçu un dossier");
  return Status::OK();
}

// Sites named in the replica (site records' names), plus every site that a
// practitioner or an appointment of `agenda` belongs to.
Status LoadSites(Replica& r, interop::Agenda* agenda) {
  RELAIS_ASSIGN_OR_RETURN(std::vector<Record> recs, r.store()->List(Collection::kSite));
  std::set<std::string> have;
  for (const Record& rec : recs) {
    const FieldView v = View(rec);
    auto it = v.find(field::kName);
    agenda->sites.push_back({rec.site_id, it == v.end() ? "" : it->second});
    have.insert(rec.site_id);
  }
  auto add = [&](const std::string& s) {
    if (have.insert(s).second) agenda->sites.push_back({s, ""});
  };
  add(r.site_id());
  for (const Practitioner& p : agenda->practitioners) add(p.site_id);
  for (const Appointment& a : agenda->appointments) add(a.site_id);
  return Status::OK();
}

// The appointments of `p` kept by `keep`; with `reveal`, read and logged in
// the access log in one transaction (audit_log.h) as `what`.
template <typename Keep>
Result<std::vector<Appointment>> LoadAppointments(Replica& r, const Period& p, bool reveal,
                                                  const std::string& what, Keep keep) {
  Transaction tx(r.store()->db());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(std::vector<Appointment> all, r.AllAppointments());
  std::vector<Appointment> kept;
  std::vector<std::string> ids;
  for (Appointment& a : all) {
    if (a.deleted || a.start < p.from || a.start >= p.to || !keep(a)) continue;
    if (kept.size() == kMaxExportedAppointments)
      return Status::FailedPrecondition(
          "trop de rendez-vous dans la période (plus de " +
          std::to_string(kMaxExportedAppointments) +
          ") : réduisez la période (--from/--to) ou choisissez un site (--site)");
    ids.push_back(a.id);
    kept.push_back(std::move(a));
  }
  if (reveal) {
    AuditLog log(&r);
    RELAIS_RETURN_IF_ERROR(log.AppendLocked(CliAuditUser(), what, ids));
  }
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return kept;
}

Result<std::string> KnownPractitionerRef(Replica& r, const std::string& id,
                                         const std::vector<Practitioner>& all) {
  const std::string ref = r.PractitionerRef(id);
  for (const Practitioner& p : all)
    if (!p.deleted && domain::QualifyRef(p.id, p.site_id) == ref) return ref;
  return Status::NotFound("praticien inconnu " + QuoteForMessage(id) +
                          " (relais practitioner list)");
}

Status ExportIcal(const ExportArgs& a) {
  if (!IsValidPractitionerRef(a.practitioner))
    return Bad("--practitioner invalide " + QuoteForMessage(a.practitioner));
  RELAIS_RETURN_IF_ERROR(CheckOut(a.out));
  // Dates are checked before the replica opens; a missing end is filled
  // from today's date (the replica's clock) below.
  if (!a.from.empty()) RELAIS_RETURN_IF_ERROR(ParseDay(a.from, "--from").status());
  if (!a.to.empty()) RELAIS_RETURN_IF_ERROR(ParseDay(a.to, "--to").status());
  if (!a.from.empty() && !a.to.empty())
    RELAIS_RETURN_IF_ERROR(ParsePeriod(a, CivilDate{2000, 1, 1}).status());
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(a.db));
  const int64_t now = r->clock()->NowMillis() / 1000;
  RELAIS_ASSIGN_OR_RETURN(Period p, ParsePeriod(a, ParisDate(now)));
  interop::Agenda agenda;
  RELAIS_ASSIGN_OR_RETURN(agenda.practitioners, r->Practitioners());
  RELAIS_ASSIGN_OR_RETURN(std::string ref,
                          KnownPractitionerRef(*r, a.practitioner, agenda.practitioners));
  RELAIS_ASSIGN_OR_RETURN(
      agenda.appointments,
      LoadAppointments(*r, p, a.with_names, "cli.export-ical", [&](const Appointment& x) {
        return domain::QualifyRef(x.practitioner, x.site_id) == ref;
      }));
  RELAIS_RETURN_IF_ERROR(LoadSites(*r, &agenda));
  agenda.from = p.from;
  agenda.to = p.to;
  interop::IcalOptions opt;
  opt.now = now;
  opt.with_patient_names = a.with_names;
  std::string name = ref;
  for (const Practitioner& x : agenda.practitioners)
    if (domain::QualifyRef(x.id, x.site_id) == ref && !x.name.empty()) name = x.name;
  opt.calendar_name = "Relais Santé — " + name;
  const std::string body = interop::ExportIcal(agenda, opt);
  RELAIS_RETURN_IF_ERROR(WriteFileAtomic(a.out, body, ".relais-agenda-"));
  std::cerr << "relais: " << interop::ExportedAppointments(agenda).size()
            << " rendez-vous exportés dans " << a.out << "\n";
  return Status::OK();
}

// Free slots of the period (domain::FreeSlotsInRange over the replica's
// plages, exceptions, appointments and presence).
Result<std::vector<interop::AgendaFreeSlot>> FreeSlots(Replica& r, const Period& p,
                                                       const std::string& site) {
  domain::SlotQuery q;
  if (!site.empty()) q.sites = {site};
  q.count = domain::kMaxSlotCount;
  q.after = p.from;
  q.horizon_days = static_cast<int>(DaysFromCivil(p.last) - DaysFromCivil(p.first) + 1);
  RELAIS_ASSIGN_OR_RETURN(domain::SlotInputs in, LoadSlotInputs(r, q));
  const domain::SlotIndex index(std::move(in));
  RELAIS_ASSIGN_OR_RETURN(std::vector<domain::Slot> slots,
                          domain::FreeSlotsInRange(index, q, p.from, p.to, kMaxExportedSlots));
  std::vector<interop::AgendaFreeSlot> out;
  out.reserve(slots.size());
  for (const domain::Slot& s : slots)
    out.push_back({s.practitioner, s.site, s.kind, s.start, s.duration_min});
  return out;
}

Status ExportFhir(const ExportArgs& a) {
  if (!a.site.empty() && !IsValidSiteId(a.site))
    return Bad("--site invalide " + QuoteForMessage(a.site) +
               " (1 à 64 caractères parmi A-Z a-z 0-9 . _ -)");
  const bool control = std::any_of(a.organisation.begin(), a.organisation.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (a.organisation.size() > kMaxOrganisationNameLen || control ||
      (!a.organisation.empty() &&
       !ValidateField(Collection::kSite, field::kName, a.organisation).empty()))
    return Bad("--organisation invalide (texte d'au plus " +
               std::to_string(kMaxOrganisationNameLen) + " octets, sans caractère de contrôle)");
  RELAIS_RETURN_IF_ERROR(CheckOut(a.out));
  if (a.from.empty() || a.to.empty()) return Bad("--from et --to sont obligatoires");
  RELAIS_ASSIGN_OR_RETURN(Period p, ParsePeriod(a, CivilDate{2000, 1, 1}));
  RELAIS_ASSIGN_OR_RETURN(auto r, Replica::Open(a.db));
  const int64_t now = r->clock()->NowMillis() / 1000;
  interop::Agenda agenda;
  RELAIS_ASSIGN_OR_RETURN(std::vector<Practitioner> all, r->Practitioners());
  for (Practitioner& x : all)
    if (a.site.empty() || x.site_id == a.site) agenda.practitioners.push_back(std::move(x));
  RELAIS_ASSIGN_OR_RETURN(agenda.appointments,
                          LoadAppointments(*r, p, a.with_names, "cli.export-fhir",
                                           [&](const Appointment& x) {
                                             return a.site.empty() || x.site_id == a.site;
                                           }));
  RELAIS_RETURN_IF_ERROR(LoadSites(*r, &agenda));
  if (!a.site.empty()) {
    bool known = false;
    for (const interop::AgendaSite& s : agenda.sites) known = known || s.id == a.site;
    if (!known) return Status::NotFound("site inconnu " + QuoteForMessage(a.site));
    std::erase_if(agenda.sites, [&](const interop::AgendaSite& s) { return s.id != a.site; });
  }
  RELAIS_ASSIGN_OR_RETURN(agenda.free_slots, FreeSlots(*r, p, a.site));
  agenda.from = p.from;
  agenda.to = p.to;
  agenda.organisation_id = r->site_id();
  agenda.organisation_name = a.organisation;
  if (agenda.organisation_name.empty()) agenda.organisation_name = interop::SiteName(agenda, r->site_id());
  interop::FhirOptions opt;
  opt.now = now;
  opt.with_patient_details = a.with_names;
  // Pseudonyms stable inside the bundle, unlinkable across exports and to
  // the patient reference.
  const ResponsePseudonyms pseudonyms;
  opt.patient_pseudonym = [&pseudonyms](const std::string& ref) { return pseudonyms(ref); };
  const std::string body = interop::ExportFhirBundle(agenda, opt);
  RELAIS_RETURN_IF_ERROR(WriteFileAtomic(a.out, body, ".relais-fhir-"));
  std::cerr << "relais: " << interop::ExportedAppointments(agenda).size() << " rendez-vous et "
            << agenda.free_slots.size() << " créneaux libres exportés dans " << a.out << "\n";
  return Status::OK();
}

}  // namespace

void RegisterExportCommands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("export", "Agenda aux formats iCalendar et FHIR");
  group->require_subcommand(1);
  {
    auto a = std::make_shared<ExportArgs>();
    auto* cmd = group->add_subcommand(
        "ical", "Agenda d'un praticien en iCalendar (.ics), sans nom de patient par défaut");
    cmd->add_option("--db", a->db, "Fichier de la réplique")->required();
    cmd->add_option("--practitioner", a->practitioner, "Praticien")->required();
    cmd->add_option("--from", a->from, "Premier jour AAAA-MM-JJ (30 jours avant aujourd'hui)");
    cmd->add_option("--to", a->to, "Dernier jour AAAA-MM-JJ (90 jours après; 366 jours au plus)");
    cmd->add_flag("--avec-noms", a->with_names,
                  "Met le nom du patient dans chaque événement (appareil du praticien "
                  "seulement; inscrit au journal d'accès)");
    cmd->add_option("--out", a->out, "Fichier .ics écrit (0600)")->required();
    cmd->callback([&ctx, a] { ctx.exit_code = Report(ExportIcal(*a)); });
  }
  {
    auto a = std::make_shared<ExportArgs>();
    auto* cmd = group->add_subcommand(
        "fhir", "Agenda en FHIR R4 (profils français GAP / FR Core), Bundle JSON");
    cmd->add_option("--db", a->db, "Fichier de la réplique")->required();
    cmd->add_option("--site", a->site, "Site (tous les sites de la réplique par défaut)");
    cmd->add_option("--from", a->from, "Premier jour AAAA-MM-JJ")->required();
    cmd->add_option("--to", a->to, "Dernier jour AAAA-MM-JJ (366 jours au plus)")->required();
    cmd->add_option("--organisation", a->organisation, "Nom de l'organisation (Organization)");
    cmd->add_flag("--avec-patients", a->with_names,
                  "Nom et date de naissance des patients (sinon pseudonymes; inscrit au "
                  "journal d'accès)");
    cmd->add_option("--out", a->out, "Fichier JSON écrit (0600)")->required();
    cmd->callback([&ctx, a] { ctx.exit_code = Report(ExportFhir(*a)); });
  }
}

}  // namespace relais::common::cli
