#include "kiosk/app/walkin_text.h"

#include <cstdio>
#include <iterator>

namespace relais::kiosk {

namespace {

struct Entry {
  WalkMsg id;
  const char* fr;
  const char* en;
};

// In WalkMsg order (checked by WalkTr).
constexpr Entry kTable[] = {
    {WalkMsg::kTicketTitle, "Votre numéro", "Your number"},
    {WalkMsg::kTicketPending, "Un instant…", "One moment…"},
    {WalkMsg::kWaitAbout, "Attente estimée : environ %d min", "Estimated wait: about %d min"},
    {WalkMsg::kKeepNumber, "Gardez ce numéro, il sera appelé à l'écran",
     "Keep this number, it will be called on the screen"},
    {WalkMsg::kPrinterDown, "Imprimante indisponible : retenez votre numéro",
     "Printer unavailable: remember your number"},
    {WalkMsg::kQueueTab, "File d'attente", "Queue"},
    {WalkMsg::kQueueTitle, "Patients sans rendez-vous", "Walk-in patients"},
    {WalkMsg::kNobodyWaiting, "Personne n'attend.", "Nobody is waiting."},
    {WalkMsg::kCallNext, "Appeler le suivant", "Call the next one"},
    {WalkMsg::kCall, "Appeler", "Call"},
    {WalkMsg::kDone, "Terminé", "Done"},
    {WalkMsg::kLeft, "Parti", "Left"},
    {WalkMsg::kConvert, "Convertir en rendez-vous", "Turn into an appointment"},
    {WalkMsg::kRoomLabel, "Salle", "Room"},
    {WalkMsg::kWaitingSince, "attend depuis %d min", "waiting for %d min"},
    {WalkMsg::kCalledTo, "appelé · %s", "called · %s"},
    {WalkMsg::kCalledTitle, "Appelés", "Called"},
    {WalkMsg::kPatientName, "Nom du patient", "Patient's name"},
    {WalkMsg::kBirthOptional, "Naissance (facultatif)", "Birth date (optional)"},
    {WalkMsg::kErrRoom, "Choisissez une salle de la maison.", "Choose one of the house's rooms."},
    {WalkMsg::kErrUnknownTicket, "Ticket inconnu (déjà traité ailleurs ?).",
     "Unknown ticket (handled elsewhere?)."},
    {WalkMsg::kErrNobody, "Personne n'attend.", "Nobody is waiting."},
    {WalkMsg::kErrStatus, "Ce ticket ne permet pas cette action.",
     "This ticket does not allow that."},
    {WalkMsg::kErrPatient, "Indiquez le nom du patient et un professionnel.",
     "Give the patient's name and a practitioner."},
    {WalkMsg::kDisplayCalls, "Appels", "Calls"},
    {WalkMsg::kDisplayNext, "Prochains rendez-vous", "Next appointments"},
    {WalkMsg::kDisplayNoCall, "Aucun appel pour l'instant", "No call yet"},
    {WalkMsg::kDisplayNoAppointment, "Plus de rendez-vous aujourd'hui",
     "No more appointments today"},
    {WalkMsg::kReceiptHeader, "Relais Santé — ticket sans rendez-vous",
     "Relais Santé — walk-in ticket"},
    {WalkMsg::kNumberSpoken, "Votre numéro : %s.", "Your number: %s."},
};

}  // namespace

const char* WalkTr(Lang lang, WalkMsg m) {
  const auto i = static_cast<size_t>(m);
  if (i >= std::size(kTable) || kTable[i].id != m) return "???";
  return lang == Lang::kFr ? kTable[i].fr : kTable[i].en;
}

int WaitRoundedMinutes(int64_t wait_ms) {
  const int64_t min = (wait_ms + 60'000 - 1) / 60'000;
  const int64_t rounded = (min + 4) / 5 * 5;
  return static_cast<int>(rounded < 5 ? 5 : (rounded > 24 * 60 ? 24 * 60 : rounded));
}

std::string WaitText(Lang lang, int64_t wait_ms) {
  char buf[96];
  std::snprintf(buf, sizeof buf, WalkTr(lang, WalkMsg::kWaitAbout), WaitRoundedMinutes(wait_ms));
  return buf;
}

std::string RoomLabel(Lang lang, const std::string& room) {
  bool has_letter_word = false;
  for (char c : room)
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80)
      has_letter_word = true;
  // "3", "12b" are codes: prefix them; anything with a word is a name.
  if (!has_letter_word || room.size() <= 3)
    return std::string(WalkTr(lang, WalkMsg::kRoomLabel)) + " " + room;
  return room;
}

}  // namespace relais::kiosk
