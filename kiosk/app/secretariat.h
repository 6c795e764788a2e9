#pragma once
// Secretariat screen rules (issue #19), pure and deterministic: the filter
// typed by the secretary -> a slot query, plage kind -> appointment kind,
// which of two double-booked appointments moves, and the Apply handlers of
// the screen's actions (they queue effects, secretariat_effects.h runs
// them). No I/O, no ImGui.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/domain/slots.h"
#include "common/util/status.h"
#include "kiosk/app/action.h"
#include "kiosk/app/state.h"

namespace relais::kiosk {

inline constexpr int kSecretariatSlotCount = 10;  // proposals listed
inline constexpr int kOverlapHorizonDays = 62;    // overlaps listed: today + 62 days
inline constexpr size_t kMaxOverlapsShown = 100;
inline constexpr size_t kMaxFilterBytes = 64;     // each filter field

// The slot query of `f` at `now_s` (UTC seconds), for a replica offering
// `sites` and `practitioners`. INVALID_ARGUMENT with a French message (what
// to do) for: a field longer than kMaxFilterBytes, a site not in `sites`, a
// practitioner not in `practitioners` (exact id), a kind not in
// ScheduleKinds(), a date that is neither JJ/MM/AAAA nor AAAA-MM-JJ, a time
// that is not HH:MM. "à partir du" is Paris wall clock; no date = today; no
// time = 00:00; a pôle must be one of `poles` (the filter of issue #19:
// whoever works the slot belongs to it); a moment in the past is replaced by now (no slot in the
// past is offered). count = kSecretariatSlotCount, default horizon.
common::Result<common::domain::SlotQuery> QueryFromFilter(
    const SlotFilter& f, int64_t now_s, const std::vector<std::string>& sites,
    const std::vector<common::Practitioner>& practitioners, Lang lang,
    const std::vector<std::string>& poles = {});

// The appointment kind booked in a plage of `plage_kind`: programmee ->
// consultation, teleconsultation -> teleconsultation, visite_domicile and
// ehpad (a care-home round is a visit) -> visite_domicile, sans_rdv -> snp.
std::string AppointmentKindFor(const std::string& plage_kind);
// The plage kind searched to move an appointment of `kind` (the inverse of
// AppointmentKindFor; snp and unknown kinds -> "" = every kind but sans_rdv).
std::string PlageKindFor(const std::string& appointment_kind);

// Which of two double-booked appointments moves: the one booked later, i.e.
// with the larger creation stamp (the smallest HLC of its record's values,
// secretariat_effects.h CreatedHlc), then the larger id. Depends only on
// synced data, so every replica designates the same one.
std::string PickToMove(const common::Appointment& a, uint64_t a_created,
                       const common::Appointment& b, uint64_t b_created);

// "JJ/MM/AAAA", 8 digits JJMMAAAA or "AAAA-MM-JJ" -> "AAAA-MM-JJ" of a day
// that exists; "" otherwise.
std::string NormalizeDateInput(const std::string& typed);

// Apply handlers of the screen's actions. REQUIRES: staff unlocked (Apply
// checks). Errors set state.message (French or English, what to do) and
// queue nothing.
void ApplySearchSlots(AppState& s, const act::SearchSlots& a);
void ApplySelectSlot(AppState& s, const act::SelectSlot& a);
// Books state.secretariat.selected, which must still be in the list:
// NewAppointment at the slot's site, start and duration from the slot,
// kind from AppointmentKindFor, status booked, practitioner = who works
// the slot (the replacement for a « remplace » slot).
void ApplyBookSlot(AppState& s, const act::BookSlot& a);
void ApplyMoveOverlap(AppState& s, const act::MoveOverlap& a);
// Queues EffMoveOverlap for an appointment of the « À déplacer » list, or
// refuses an id that is not in it.
void ApplyMoveDisplaced(AppState& s, const act::MoveDisplaced& a);
// Days ahead (from now) whose displaced appointments are listed: the first
// window SearchReplica reads whole (kFirstSearchDays), so the list covers
// exactly these days.
inline constexpr int kDisplacedDays = 7;

}  // namespace relais::kiosk
