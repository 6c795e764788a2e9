#pragma once
// The waiting-room display (`relais-kiosk --display`, issue #16): a TV in
// the waiting room showing the last called walk-in tickets with their room
// (« A12 → Salle 3 ») and the day's next appointment times with the
// practitioner's name. Pure state, updated from the replica's records by
// UpdateDisplay; no ImGui, SQLite or gRPC.
//
// Privacy contract: DisplayState has no field that can hold a patient's
// name, initials, birth date or code. It is built from ticket numbers,
// rooms, appointment start times and practitioner names only.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/model/schema.h"
#include "common/model/ticket.h"
#include "kiosk/app/state.h"

namespace relais::kiosk {

// Most calls and appointments shown (a TV at 3 m: a few large lines).
inline constexpr size_t kDisplayMaxCalls = 6;
inline constexpr size_t kDisplayMaxNext = 8;
// Tickets remembered as announced (bounds `announced`; a day has fewer).
inline constexpr size_t kDisplayMaxAnnounced = 20000;

struct DisplayCall {
  std::string number;  // "A12"
  std::string room;    // RoomLabel: « Salle 3 »
  int64_t called_at_ms = 0;
};
struct DisplayAppointment {
  std::string hhmm;          // Paris time
  std::string practitioner;  // the practitioner's name ("" if unknown)
};

struct DisplayState {
  Lang lang = Lang::kFr;
  int64_t now_ms = 0;
  common::CivilDate today;
  std::vector<DisplayCall> calls;         // latest call first
  std::vector<DisplayAppointment> next;   // by start time
  // Speech of new calls: the text and a counter bumped for each new text
  // (the caller says it when `speech_seq` changes).
  std::string speech_text;
  uint64_t speech_seq = 0;
  // Calls already announced ("id@called_at"); the first update only fills
  // it (no announcement of the calls made before the display started).
  std::set<std::string> announced;
  bool primed = false;
};

// Rebuilds `d` from today's tickets of the site, today's appointments and
// the practitioners, at `now_ms`. A call not seen before (a new ticket
// called, or one called again) sets speech_text to « Ticket A12, salle 3 »
// (several: joined by a space) and bumps speech_seq. Appointments shown:
// status booked or checked_in, starting at or after now (to the minute).
void UpdateDisplay(DisplayState& d, const std::vector<common::Ticket>& tickets,
                   const std::vector<common::Appointment>& appointments,
                   const std::vector<common::Practitioner>& practitioners, int64_t now_ms);

// « Ticket A12, salle 3 » (fr) / "Ticket A12, room 3" (en).
std::string CallSpeech(Lang lang, const std::string& number, const std::string& room);

// Every text the display draws this frame (titles, lines, clock): what
// the headless tests search for a patient's name.
std::vector<std::string> DisplayTexts(const DisplayState& d);

}  // namespace relais::kiosk
