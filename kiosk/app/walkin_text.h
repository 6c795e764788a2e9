#pragma once
// Strings of the walk-in queue (ticket screen, « File d'attente », waiting
// room display), French first, English second; kept apart from i18n.cc so
// the feature's text lives with it. No ImGui.

#include <cstdint>
#include <string>

#include "kiosk/app/state.h"

namespace relais::kiosk {

enum class WalkMsg {
  kTicketTitle,
  kTicketPending,
  kWaitAbout,      // %d: minutes
  kKeepNumber,
  kPrinterDown,
  kQueueTab,
  kQueueTitle,
  kNobodyWaiting,
  kCallNext,
  kCall,
  kDone,
  kLeft,
  kConvert,
  kRoomLabel,
  kWaitingSince,   // %d: minutes
  kCalledTo,       // %s: room
  kCalledTitle,
  kPatientName,
  kBirthOptional,
  kErrRoom,
  kErrUnknownTicket,
  kErrNobody,
  kErrStatus,
  kErrPatient,
  kDisplayCalls,
  kDisplayNext,
  kDisplayNoCall,
  kDisplayNoAppointment,
  kReceiptHeader,
  kNumberSpoken,   // %s: number
};

const char* WalkTr(Lang lang, WalkMsg m);

// "Attente estimée : environ N min": `wait_ms` rounded UP to 5 minutes,
// at least 5.
std::string WaitText(Lang lang, int64_t wait_ms);
int WaitRoundedMinutes(int64_t wait_ms);

// How a room is shown: a bare number or short code ("3") becomes
// « Salle 3 »; a name ("Salle 3", "Cabinet B") is kept.
std::string RoomLabel(Lang lang, const std::string& room);

}  // namespace relais::kiosk
