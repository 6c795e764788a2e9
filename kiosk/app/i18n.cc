#include "kiosk/app/i18n.h"

#include <cstdio>
#include <cstdlib>

namespace relais::kiosk {

namespace {

struct Entry {
  Msg id;
  const char* fr;
  const char* en;
};

// Kept in enum order; Tr() checks the id so a missed line shows up at once.
constexpr Entry kTable[] = {
    {Msg::kAppTitle, "Maison de santé", "Health centre"},
    {Msg::kWelcomeTitle, "Bonjour, bienvenue", "Hello, welcome"},
    {Msg::kWelcomeSub, "Touchez le bouton pour signaler votre arrivée",
     "Touch the button to let us know you have arrived"},
    {Msg::kArrived, "Je suis arrivé(e)", "I have arrived"},
    {Msg::kWithCode, "J'ai un code de rendez-vous", "I have a booking code"},
    {Msg::kWithBirth, "Avec ma date de naissance", "With my date of birth"},
    {Msg::kNoAppointment, "Je n'ai pas de rendez-vous", "I have no appointment"},
    {Msg::kNoAppointmentHelp,
     "Présentez-vous au secrétariat : nous allons vous orienter.",
     "Please go to the reception desk: we will help you."},
    {Msg::kEnterCode, "Tapez le code reçu par SMS ou courrier",
     "Type the code from your text message or letter"},
    {Msg::kCodeHint, "6 caractères, par exemple K7M2QX",
     "6 characters, for example K7M2QX"},
    {Msg::kBirthDate, "Date de naissance (JJ/MM/AAAA)", "Date of birth (DD/MM/YYYY)"},
    {Msg::kFirstLetters, "3 premières lettres du nom de naissance",
     "First 3 letters of your birth surname"},
    {Msg::kValidate, "Valider", "Confirm"},
    {Msg::kBack, "Retour", "Back"},
    {Msg::kClear, "Effacer", "Clear"},
    {Msg::kHelp, "Aide : appeler l'accueil", "Help: call reception"},
    {Msg::kCheckedIn, "Vous êtes enregistré(e)", "You are checked in"},
    {Msg::kWithPractitioner, "Rendez-vous avec", "Appointment with"},
    {Msg::kRoom, "Salle", "Room"},
    {Msg::kAppointmentAt, "à", "at"},
    {Msg::kPatientsBefore0, "Vous êtes le prochain patient", "You are next"},
    {Msg::kPatientsBefore1, "1 patient avant vous", "1 patient before you"},
    {Msg::kPatientsBeforeN, "%d patients avant vous", "%d patients before you"},
    {Msg::kPleaseSit, "Merci de patienter en salle d'attente.",
     "Please take a seat in the waiting room."},
    {Msg::kSeeDesk, "Merci de vous adresser au secrétariat",
     "Please go to the reception desk"},
    {Msg::kSeeDeskSub, "Nous n'avons pas pu retrouver votre rendez-vous ici.",
     "We could not find your appointment here."},
    {Msg::kWhichPractitioner, "Avec quel professionnel ?", "With which practitioner?"},
    {Msg::kNoneOfThese, "Aucun de ceux-ci : le secrétariat", "None of these: reception"},
    {Msg::kStaff, "Espace équipe", "Staff"},
    {Msg::kEnterPin, "Code personnel de l'équipe", "Staff PIN"},
    {Msg::kWrongPin, "Code incorrect", "Wrong PIN"},
    {Msg::kLock, "Verrouiller", "Lock"},
    {Msg::kPlanning, "Planning du jour", "Day schedule"},
    {Msg::kPresence, "Présences", "Presence"},
    {Msg::kLedger, "Charges communes", "Shared costs"},
    {Msg::kConflicts, "Conflits", "Conflicts"},
    {Msg::kToday, "Aujourd'hui", "Today"},
    {Msg::kPrevDay, "< Veille", "< Previous"},
    {Msg::kNextDay, "Lendemain >", "Next >"},
    {Msg::kAddAppointment, "+ Rendez-vous", "+ Appointment"},
    {Msg::kWalkIn, "+ Soins non programmés", "+ Walk-in"},
    {Msg::kOverlap, "Chevauchement", "Overlap"},
    {Msg::kConflictFlag, "Conflit", "Conflict"},
    {Msg::kNoAppointments, "Aucun rendez-vous", "No appointments"},
    {Msg::kStatusBooked, "Prévu", "Booked"},
    {Msg::kStatusCheckedIn, "Arrivé", "Arrived"},
    {Msg::kStatusInConsultation, "En consultation", "In consultation"},
    {Msg::kStatusDone, "Terminé", "Done"},
    {Msg::kStatusNoShow, "Absent", "No-show"},
    {Msg::kStatusCancelled, "Annulé", "Cancelled"},
    {Msg::kActConsult, "En consult.", "Start"},
    {Msg::kActDone, "Terminé", "Done"},
    {Msg::kActNoShow, "Absent", "No-show"},
    {Msg::kActCancel, "Annuler", "Cancel"},
    {Msg::kMorning, "Matin", "Morning"},
    {Msg::kAfternoon, "Après-midi", "Afternoon"},
    {Msg::kStatePresent, "Présent", "Present"},
    {Msg::kStateAbsent, "Absent", "Absent"},
    {Msg::kStateVisit, "En visite", "On a home visit"},
    {Msg::kStateReplaced, "Remplacé", "Replaced"},
    {Msg::kReplacedBy, "Remplacé par", "Replaced by"},
    {Msg::kNotSet, "Non renseigné", "Not set"},
    {Msg::kPractitioner, "Praticien", "Practitioner"},
    {Msg::kPatient, "Patient", "Patient"},
    {Msg::kTime, "Heure", "Time"},
    {Msg::kDuration, "Durée (min)", "Duration (min)"},
    {Msg::kKind, "Type", "Kind"},
    {Msg::kSave, "Enregistrer", "Save"},
    {Msg::kCancel, "Annuler", "Cancel"},
    {Msg::kAmount, "Montant (€)", "Amount (€)"},
    {Msg::kCategory, "Catégorie", "Category"},
    {Msg::kPayer, "Payé par", "Paid by"},
    {Msg::kKey, "Clé", "Key"},
    {Msg::kLabel, "Libellé", "Label"},
    {Msg::kAddEntry, "+ Écriture", "+ Entry"},
    {Msg::kReverse, "Contre-passer", "Reverse"},
    {Msg::kReversed, "contre-passée", "reversed"},
    {Msg::kReversal, "Contre-passation", "Reversal"},
    {Msg::kMonthTotal, "Total du mois", "Month total"},
    {Msg::kPaid, "A payé", "Paid"},
    {Msg::kShare, "Sa part", "Share"},
    {Msg::kBalance, "Solde", "Balance"},
    {Msg::kSettlement, "Règlements pour solder le mois", "Transfers to settle the month"},
    {Msg::kPays, "verse", "pays"},
    {Msg::kNothingToSettle, "Rien à régler", "Nothing to settle"},
    {Msg::kEqualSplitNote, "Répartition selon la clé de chaque écriture (parts égales, quote-parts ou présence)",
     "Split by each entry's key (equal, shares or presence)"},
    {Msg::kNoConflicts, "Aucun conflit à résoudre", "No conflicts to resolve"},
    {Msg::kKeepThis, "Garder cette valeur", "Keep this value"},
    {Msg::kConflictHelp,
     "Deux postes ont modifié la même donnée hors ligne. Choisissez la bonne valeur.",
     "Two kiosks changed the same data offline. Choose the right value."},
    {Msg::kOnline, "En ligne", "Online"},
    {Msg::kOffline, "Hors ligne", "Offline"},
    {Msg::kLocalOnly, "Mode local (sans serveur)", "Local mode (no hub)"},
    {Msg::kSyncedAgo, "Synchronisé %s", "Synced %s"},
    {Msg::kNeverSynced, "Jamais synchronisé", "Never synced"},
    {Msg::kViaHub, "dernier hub joignable : %s", "last hub reached: %s"},
    {Msg::kPendingChanges, "%lld modification(s) en attente", "%lld change(s) waiting"},
    {Msg::kConflictsToResolve, "%lld conflit(s) à résoudre", "%lld conflict(s) to resolve"},
    {Msg::kLanguage, "English", "Français"},
    {Msg::kSaved, "Enregistré", "Saved"},
    {Msg::kInvalidInput, "Saisie incomplète ou invalide", "Missing or invalid input"},
    {Msg::kNewPin, "Nouveau code personnel", "New PIN"},
    {Msg::kPinChanged, "Code personnel modifié", "PIN changed"},
    {Msg::kSecretariat, "Secrétariat", "Reception"},
    {Msg::kCombine, "Ou saisir une autre valeur :", "Or type another value:"},
    {Msg::kPinLocked, "Code bloqué jusqu'à %s", "PIN locked until %s"},
    {Msg::kLockedLine, "%s : code bloqué jusqu'à %s (%d essais)",
     "%s: PIN locked until %s (%d attempts)"},
    {Msg::kWhoAreYou, "Qui êtes-vous ?", "Who are you?"},
    {Msg::kOldPin, "Code actuel", "Current PIN"},
    {Msg::kConfirmPin, "Nouveau code, une seconde fois", "New PIN again"},
    {Msg::kPinMismatch, "Code actuel faux, ou nouveaux codes différents",
     "Wrong current PIN, or the new PINs differ"},
    {Msg::kChangePin, "Changer mon code", "Change my PIN"},
    {Msg::kKioskPad, "Borne (code sans nom)", "Kiosk (PIN without a name)"},
    {Msg::kWrittenBy, "Poste", "Kiosk"},
    {Msg::kNightMaintenance, "Maintenance de nuit…", "Night maintenance…"},
    {Msg::kNightMaintenanceSub, "La borne range ses fichiers. Elle revient dans un instant.",
     "The kiosk is tidying its files. It will be back in a moment."},
};

const char* const kFrMonths[] = {"janvier", "février", "mars",     "avril",
                                 "mai",     "juin",    "juillet",  "août",
                                 "septembre", "octobre", "novembre", "décembre"};
const char* const kEnMonths[] = {"January", "February", "March",     "April",
                                 "May",     "June",     "July",      "August",
                                 "September", "October", "November", "December"};
const char* const kFrDays[] = {"lundi", "mardi",  "mercredi", "jeudi",
                               "vendredi", "samedi", "dimanche"};
const char* const kEnDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                               "Friday", "Saturday", "Sunday"};

}  // namespace

const char* Tr(Lang lang, Msg m) {
  const auto i = static_cast<size_t>(m);
  if (i >= std::size(kTable) || kTable[i].id != m) return "???";
  return lang == Lang::kFr ? kTable[i].fr : kTable[i].en;
}

std::string RelativeTime(Lang lang, int64_t elapsed_ms) {
  const int64_t s = elapsed_ms < 0 ? 0 : elapsed_ms / 1000;
  const bool fr = lang == Lang::kFr;
  if (s < 60) return fr ? "à l'instant" : "just now";
  char buf[64];
  if (s < 3600) {
    std::snprintf(buf, sizeof buf, fr ? "il y a %lld min" : "%lld min ago",
                  static_cast<long long>(s / 60));
  } else if (s < 86400) {
    std::snprintf(buf, sizeof buf, fr ? "il y a %lld h" : "%lld h ago",
                  static_cast<long long>(s / 3600));
  } else {
    std::snprintf(buf, sizeof buf, fr ? "il y a %lld j" : "%lld days ago",
                  static_cast<long long>(s / 86400));
  }
  return buf;
}

std::string StatusLabel(Lang lang, const std::string& s) {
  if (s == "booked") return Tr(lang, Msg::kStatusBooked);
  if (s == "checked_in") return Tr(lang, Msg::kStatusCheckedIn);
  if (s == "in_consultation") return Tr(lang, Msg::kStatusInConsultation);
  if (s == "done") return Tr(lang, Msg::kStatusDone);
  if (s == "no_show") return Tr(lang, Msg::kStatusNoShow);
  if (s == "cancelled") return Tr(lang, Msg::kStatusCancelled);
  return s;
}

std::string PresenceLabel(Lang lang, const std::string& s) {
  if (s == "present") return Tr(lang, Msg::kStatePresent);
  if (s == "absent") return Tr(lang, Msg::kStateAbsent);
  if (s == "en_visite") return Tr(lang, Msg::kStateVisit);
  if (s == "remplace") return Tr(lang, Msg::kStateReplaced);
  return Tr(lang, Msg::kNotSet);
}

std::string KindLabel(Lang lang, const std::string& k) {
  const bool fr = lang == Lang::kFr;
  if (k == "consultation") return fr ? "Consultation" : "Consultation";
  if (k == "snp") return fr ? "Soins non programmés" : "Walk-in";
  if (k == "visite_domicile") return fr ? "Visite à domicile" : "Home visit";
  if (k == "teleconsultation") return fr ? "Téléconsultation" : "Teleconsultation";
  return k;
}

std::string KeyLabel(Lang lang, const std::string& k) {
  const bool fr = lang == Lang::kFr;
  if (k == "equal") return fr ? "Parts égales" : "Equal shares";
  if (k == "share") return fr ? "Quote-parts" : "Agreed shares";
  if (k == "presence") return fr ? "Présence" : "Presence";
  return k;
}

std::string FieldLabel(Lang lang, const std::string& f) {
  const bool fr = lang == Lang::kFr;
  if (f == "room") return fr ? "Salle" : "Room";
  if (f == "status") return fr ? "Statut" : "Status";
  if (f == "start") return fr ? "Heure" : "Time";
  if (f == "duration") return fr ? "Durée" : "Duration";
  if (f == "practitioner") return fr ? "Praticien" : "Practitioner";
  if (f == "patient_name") return fr ? "Nom du patient" : "Patient name";
  if (f == "note") return fr ? "Note" : "Note";
  if (f == "state") return fr ? "État" : "State";
  if (f == "replacement") return fr ? "Remplaçant" : "Replacement";
  if (f == "name") return fr ? "Nom" : "Name";
  if (f == "label") return fr ? "Libellé" : "Label";
  return f;
}

std::string FormatEuros(Lang lang, int64_t cents) {
  const bool neg = cents < 0;
  const long long a = std::llabs(static_cast<long long>(cents));
  const long long units = a / 100, rest = a % 100;
  // Thousands separator: a narrow space in French, a comma in English.
  std::string digits = std::to_string(units), grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += lang == Lang::kFr ? " " : ",";
    grouped += digits[i];
  }
  char buf[64];
  if (lang == Lang::kFr) {
    std::snprintf(buf, sizeof buf, "%s%s,%02lld €", neg ? "-" : "",
                  grouped.c_str(), rest);
  } else {
    std::snprintf(buf, sizeof buf, "%s€%s.%02lld", neg ? "-" : "",
                  grouped.c_str(), rest);
  }
  return buf;
}

std::string LongDate(Lang lang, const common::CivilDate& d) {
  const int wd = common::Weekday(d);
  const int m = (d.month - 1) % 12;
  char buf[96];
  if (lang == Lang::kFr) {
    std::snprintf(buf, sizeof buf, "%s %d %s %d", kFrDays[wd], d.day,
                  kFrMonths[m], d.year);
  } else {
    std::snprintf(buf, sizeof buf, "%s %d %s %d", kEnDays[wd], d.day,
                  kEnMonths[m], d.year);
  }
  return buf;
}

}  // namespace relais::kiosk
