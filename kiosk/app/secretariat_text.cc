#include "kiosk/app/secretariat_text.h"

#include <cstdio>
#include <iterator>

namespace relais::kiosk {

namespace {

struct Entry {
  SecMsg id;
  const char* fr;
  const char* en;
};

// Kept in enum order; SecTr() checks the id ("???" shows a missed line).
constexpr Entry kTable[] = {
    {SecMsg::kTab, "Secrétariat", "Secretariat"},
    {SecMsg::kTitle, "Prochain créneau libre", "Next free slot"},
    {SecMsg::kSite, "Site", "Site"},
    {SecMsg::kAllSites, "Tous les sites", "Every site"},
    {SecMsg::kProfession, "Profession", "Profession"},
    {SecMsg::kAnyProfession, "Toutes", "Any"},
    {SecMsg::kPractitioner, "Praticien", "Practitioner"},
    {SecMsg::kAnyPractitioner, "Tous", "Any"},
    {SecMsg::kKind, "Type", "Kind"},
    {SecMsg::kAllKinds, "Tous, sauf sans RDV", "All but walk-in"},
    {SecMsg::kAfterDate, "À partir du", "From"},
    {SecMsg::kAfterTime, "à", "at"},
    {SecMsg::kSearch, "Chercher", "Search"},
    {SecMsg::kSearchHint, "Choisissez les filtres puis « Chercher ».",
     "Pick the filters, then « Search »."},
    {SecMsg::kNoSlot, "Aucun créneau libre : élargissez les filtres ou la date.",
     "No free slot: widen the filters or the date."},
    {SecMsg::kDate, "Date", "Date"},
    {SecMsg::kTime, "Heure", "Time"},
    {SecMsg::kWhere, "Site", "Site"},
    {SecMsg::kReplaces, "remplace", "replaces"},
    {SecMsg::kChoose, "Choisir", "Pick"},
    {SecMsg::kChosen, "Créneau choisi", "Chosen slot"},
    {SecMsg::kPatientName, "Nom du patient", "Patient name"},
    {SecMsg::kBirth, "Date de naissance (JJ/MM/AAAA)", "Date of birth (DD/MM/YYYY)"},
    {SecMsg::kBook, "Réserver", "Book"},
    {SecMsg::kBooked, "Rendez-vous réservé : %s — code de passage %s",
     "Appointment booked: %s — check-in code %s"},
    {SecMsg::kOverlapsTitle, "Rendez-vous en double", "Double bookings"},
    {SecMsg::kOverlapsHelp,
     "Même praticien, heures qui se chevauchent. Le rendez-vous pris en dernier est déplacé.",
     "Same practitioner, intersecting times. The one booked last is moved."},
    {SecMsg::kNoOverlaps, "Aucun rendez-vous en double.", "No double booking."},
    {SecMsg::kMove, "Déplacer au prochain créneau libre", "Move to the next free slot"},
    {SecMsg::kToMove, "à déplacer", "to move"},
    {SecMsg::kMoved, "Rendez-vous déplacé : %s", "Appointment moved: %s"},
    {SecMsg::kOverlapsTruncated, "Liste limitée aux 100 premiers.",
     "List limited to the first 100."},
    {SecMsg::kErrUnknownSite, "Site inconnu : choisissez un site de la liste.",
     "Unknown site: pick one from the list."},
    {SecMsg::kErrUnknownPractitioner,
     "Praticien inconnu : choisissez un praticien de la liste.",
     "Unknown practitioner: pick one from the list."},
    {SecMsg::kErrBadKind, "Type de plage inconnu : choisissez un type de la liste.",
     "Unknown kind: pick one from the list."},
    {SecMsg::kErrBadDate, "Date invalide : tapez JJ/MM/AAAA, par exemple 24/11/2026.",
     "Invalid date: type DD/MM/YYYY, e.g. 24/11/2026."},
    {SecMsg::kErrBadTime, "Heure invalide : tapez HH:MM, par exemple 09:30.",
     "Invalid time: type HH:MM, e.g. 09:30."},
    {SecMsg::kErrTooLong, "Filtre trop long (64 caractères au plus) : raccourcissez-le.",
     "Filter too long (64 characters at most): shorten it."},
    {SecMsg::kErrSelectFirst, "Choisissez d'abord un créneau dans la liste.",
     "Pick a slot from the list first."},
    {SecMsg::kErrStale,
     "Ce créneau n'est plus proposé : relancez « Chercher » et choisissez-en un autre.",
     "This slot is no longer offered: search again and pick another."},
    {SecMsg::kErrBadBirth, "Date de naissance invalide : tapez JJ/MM/AAAA.",
     "Invalid date of birth: type DD/MM/YYYY."},
    {SecMsg::kErrBadPatient, "Nom du patient invalide : tapez son nom et son prénom.",
     "Invalid patient name: type the last and first name."},
    {SecMsg::kErrUnknownOverlap,
     "Ce double rendez-vous n'est plus dans la liste : elle a été actualisée.",
     "This double booking is no longer listed: the list was refreshed."},
    {SecMsg::kErrNoFreeSlot,
     "Aucun créneau libre pour ce praticien dans les 62 jours : déplacez le rendez-vous "
     "depuis le planning ou ajoutez une plage.",
     "No free slot for this practitioner within 62 days: move it from the planning or add "
     "a plage."},
    {SecMsg::kErrGone, "Rendez-vous introuvable ou annulé : la liste a été actualisée.",
     "Appointment not found or cancelled: the list was refreshed."},
    {SecMsg::kErrMovedHalf,
     "Nouveau rendez-vous créé mais l'ancien n'a pas pu être annulé : annulez-le depuis le "
     "planning.",
     "New appointment made but the old one could not be cancelled: cancel it from the "
     "planning."},
    {SecMsg::kPole, "Pôle", "Unit (pôle)"},
    {SecMsg::kAnyPole, "Tous les pôles", "Every unit"},
    {SecMsg::kErrUnknownPole, "Pôle inconnu : choisissez un pôle de la liste.",
     "Unknown unit (pôle): pick one from the list."},
    {SecMsg::kDisplacedTitle, "À déplacer", "To move"},
    {SecMsg::kDisplacedHelp,
     "Rendez-vous des 7 prochains jours qu'un congé, une fermeture ou une absence couvre : "
     "ils restent réservés tant qu'on ne les déplace pas.",
     "Appointments of the next 7 days that a leave, a closure or an absence covers: they "
     "stay booked until moved."},
    {SecMsg::kNoDisplaced, "Aucun rendez-vous à déplacer.", "Nothing to move."},
};

}  // namespace

const char* SecTr(Lang lang, SecMsg m) {
  const auto i = static_cast<size_t>(m);
  if (i >= std::size(kTable) || kTable[i].id != m) return "???";
  return lang == Lang::kFr ? kTable[i].fr : kTable[i].en;
}

std::string ShortDate(Lang lang, const common::CivilDate& d) {
  static const char* const kFr[] = {"lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."};
  static const char* const kEn[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  const int wd = common::Weekday(d);  // 0 = Monday, as LongDate uses it
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s %02d/%02d", (lang == Lang::kFr ? kFr : kEn)[wd % 7],
                d.day, d.month);
  return buf;
}

std::string PlageKindLabel(Lang lang, const std::string& k) {
  const bool fr = lang == Lang::kFr;
  if (k == "programmee") return fr ? "Consultation" : "Consultation";
  if (k == "sans_rdv") return fr ? "Sans rendez-vous" : "Walk-in";
  if (k == "visite_domicile") return fr ? "Visite à domicile" : "Home visit";
  if (k == "teleconsultation") return fr ? "Téléconsultation" : "Teleconsultation";
  if (k == "ehpad") return fr ? "Tournée EHPAD" : "Care-home round";
  return k;
}

}  // namespace relais::kiosk
