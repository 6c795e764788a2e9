#pragma once
// The secretariat screen (« Prochain créneau libre » and « Rendez-vous en
// double », issue #19) as plain data: its part of AppState, its actions and
// its effects. Included by state.h and action.h; the rules are in
// secretariat.h, the replica side in secretariat_effects.h. No ImGui,
// SQLite or gRPC.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/domain/slots.h"
#include "common/model/inputs.h"
#include "common/model/schema.h"

namespace relais::kiosk {

// What the secretary typed or picked above the results. Every field is
// untrusted input (secretariat.h QueryFromFilter checks it).
struct SlotFilter {
  std::string site;          // a site of the replica's scope, "" = all
  std::string profession;    // "" = any
  std::string practitioner;  // a practitioner id as stored, "" = any
  std::string pole;          // a pôle id of the organisation, "" = any
  std::string kind;          // a plage kind (ScheduleKinds), "" = all but sans_rdv
  std::string after_date;    // "YYYY-MM-DD" or "JJ/MM/AAAA" (Paris), "" = today
  std::string after_time;    // "HH:MM" (Paris), "" = 00:00 (now if today)
  bool operator==(const SlotFilter&) const = default;
};

// One double booking of the replica (domain::FindOverlaps) with the one the
// « Déplacer » button moves: the one booked later (secretariat.h PickToMove).
struct SecOverlap {
  common::Appointment first, second;   // first = earlier start (then id)
  uint64_t first_created = 0, second_created = 0;  // creation HLC stamps
  std::string move_id;                 // first.id or second.id
};

// The last booking made from a proposal, shown until the next one.
struct SecBooking {
  std::string appointment_id, code, summary;
};

struct SecretariatState {
  // Sites of the replica's scope offered in the site filter (the
  // organisation's pseudo-site left out) and their names (site record).
  std::vector<std::string> sites;
  std::vector<std::string> site_names;  // parallel to sites ("" = unnamed)
  bool searched = false;        // a search ran: the list is refreshed on reload
  common::domain::SlotQuery query;      // the last search
  std::vector<common::domain::Slot> slots;
  std::optional<common::domain::Slot> selected;  // the proposal to book
  std::optional<SecBooking> booked;
  std::vector<SecOverlap> overlaps;
  bool overlaps_truncated = false;  // more than kMaxOverlapsShown
  // Booked appointments of the next kDisplacedDays days that a leave, a
  // closure or an absence covers (domain::SlotSearch::to_move): never
  // removed, listed to move. Only the slot fields are filled (no patient).
  std::vector<common::domain::SlotToMove> displaced;
};

namespace act {
// « Chercher »: searches with `filter` (refused with a message if invalid).
struct SearchSlots {
  SlotFilter filter;
};
// Picks the index-th proposal of the list shown.
struct SelectSlot {
  size_t index = 0;
};
// « Réserver »: books the selected proposal for this patient (birth date
// "JJ/MM/AAAA", 8 digits or "AAAA-MM-JJ").
struct BookSlot {
  std::string patient_name, patient_birth;
};
// « Déplacer au prochain créneau libre » on an appointment of the
// « À déplacer » list (SecretariatState::displaced).
struct MoveDisplaced {
  std::string appointment_id;
};
// « Déplacer au prochain créneau libre » on the overlap of these two
// appointments (ids of SecOverlap::first and ::second).
struct MoveOverlap {
  std::string first_id, second_id;
};
}  // namespace act

// Effects (performed by secretariat_effects.h).
// Re-reads the proposals (and the overlaps) now: the query is in state.
struct EffSearchSlots {};
// Books a proposal: one AddAppointment (site, start, duration from it).
struct EffBookSlot {
  common::NewAppointment appointment;
};
// Moves `appointment_id` to the next free slot of its practitioner at or
// after max(now, its start): its own site first, else another site held.
struct EffMoveOverlap {
  std::string appointment_id;
};
// Opening the screen: reads the overlaps and logs their ids in the access
// log (audit_log.h) for `who`, in one transaction.
struct EffOpenSecretariat {
  std::string who;
};

}  // namespace relais::kiosk
