#pragma once
// The secretariat screen's replica side (issue #19): runs its effects
// (secretariat_state.h) and reloads its lists. Called by EffectRunner on the
// thread that owns the Replica; not thread-safe (as Replica).

#include <cstdint>

#include "common/model/record.h"
#include "common/replica/replica.h"
#include "common/replica/slot_cache.h"
#include "common/util/status.h"
#include "kiosk/app/state.h"

namespace relais::kiosk {

// When `rec` was created: the smallest HLC among its values. AddAppointment
// writes every field at once and patient_ref is never rewritten, so this is
// the creation stamp; it is the same on every replica holding the record.
uint64_t CreatedHlc(const common::Record& rec);

// EffBookSlot: one Replica::AddAppointment; sets state.secretariat.booked
// and the notice with the check-in code. Errors: AddAppointment's.
common::Status RunBookSlot(common::Replica& r, AppState& s, const EffBookSlot& e);

// EffMoveOverlap: searches the next free slot of the appointment's
// practitioner (same kind, SearchReplica, count 1) at or after max(now, its
// start) at its own site and writes its start and duration there (one
// write, the patient unchanged). With none at its site, the first free one
// at another site of the scope: a new appointment there for the same
// patient (name, birth, ref, kind, note), then the old one cancelled (two
// transactions; if the cancel fails the message says to cancel it by hand).
// FAILED_PRECONDITION (French, what to do) when it is gone or cancelled, or
// when no slot is free within the default horizon.
// `cache` (may be null): the runner's SlotCache, same answers as SearchReplica.
common::Status RunMoveOverlap(common::Replica& r, AppState& s, const EffMoveOverlap& e,
                              common::SlotCache* cache = nullptr);

// EffOpenSecretariat: reads the overlaps and writes one access-log entry
// (audit_log.h, what = "kiosk.secretariat") with their appointment ids, in
// one transaction; the lists are then filled by ReloadSecretariat.
common::Status RunOpenSecretariat(common::Replica& r, AppState& s,
                                  const EffOpenSecretariat& e);

// Part of EffectRunner::Reload, only while the secretariat screen is shown
// to unlocked staff: the sites of the scope and their names (the
// organisation's pseudo-site left out unless it holds plages), the
// proposals of the last search (a booked slot disappears, a selection no
// longer offered is dropped) and the double bookings from today (Paris) to
// kOverlapHorizonDays ahead, at most kMaxOverlapsShown.
common::Status ReloadSecretariat(common::Replica& r, AppState& s,
                                 common::SlotCache* cache = nullptr);

}  // namespace relais::kiosk
