#pragma once
// Domain merge policies: how concurrent values of one field are ranked, and
// when such a conflict is settled without staff. Pure functions of the
// sibling set (and, for HarmonizeView, of the record), so every replica
// reaches the same answer and convergence is preserved: the siblings
// themselves are always kept until a write that has seen them replaces them.
//
// Rules (worked examples in docs/domain.md):
// - appointment.status: the real day is ranked booked < checked_in <
//   in_consultation < done. A progress value (checked_in, in_consultation,
//   done) is always displayed before booked, no_show and cancelled, the
//   furthest progress first. Concurrent progress vs booked/no_show is settled
//   (a real arrival beats a presumed absence). Progress concurrent with
//   cancelled needs attention; meanwhile the patient stays visible as
//   checked in (they are in the waiting room). Any other concurrent pair
//   (e.g. cancelled vs no_show) needs attention, latest (hlc, dot) shown.
// - appointment.checkin_at / consult_at: the earliest instant is shown (the
//   patient arrived at the first check-in) and it is settled;
//   checkin_via follows the displayed checkin_at (see HarmonizeView).
// - presence.state / replacement: latest (hlc, dot), settled. HarmonizeView
//   keeps the displayed pair consistent: "remplace" always with a name,
//   any other state with no name.
// - ledger: entries are immutable; if two siblings ever exist (forged or
//   id clash), the first write is shown and staff must look.
// - schedule (plages) and schedule_exception: each field merges on its own
//   and any concurrent values need attention. A plage deleted (_deleted
//   "1") or ended (earliest valid_to; "" = open-ended counts as latest) by
//   one side stays deleted/ended while staff look; an exception deleted by
//   one side and edited by the other stays (_deleted "0" first): never
//   offer a slot someone meant to remove. Other fields: latest write.
// - schedule_exception start_time/end_time (partial day): concurrent
//   values of either show the whole day (HarmonizeView), needing attention.
// - organisation (docs/domain.md §6d): site fields (name, kind, hours,
//   org, address, commune), pôle and room fields, practitioner pole:
//   latest write, needs attention. Practitioner sites: the union of the
//   concurrent lists is shown (HarmonizeView), needs attention. A pôle or
//   room deleted by one side and edited by the other stays ("0" first).
// - ticket (walk-in queue, model/ticket.h): status is monotonic, ranked
//   waiting < called < left < done < converted (the furthest shown, ties
//   by latest write); room, called_at, ended_at and appointment, when
//   concurrent, are shown from the replica that wrote the displayed status
//   (its latest write of the field at or before that status write;
//   HarmonizeView), else latest write. All settled (no attention), but a
//   concurrent _deleted needs attention as elsewhere.
// - everything else: latest (hlc, dot, value) shown, needs attention.

#include <string>
#include <vector>

#include "common/model/record.h"
#include "common/model/schema.h"

namespace relais::common::policy {

// True if `x` should be shown instead of `y` for this field. A strict total
// order on siblings of one field (ties end on the dot, unique per field).
bool Beats(Collection c, const std::string& field, const Sibling& x,
           const Sibling& y);

// True if the concurrent values need no human decision.
// REQUIRES: at least two distinct values among `siblings`.
bool Settles(Collection c, const std::string& field,
             const std::vector<Sibling>& siblings);

// Adjusts the per-field winners in `view` (computed from `r` by Beats) where
// several fields belong together: presence state/replacement, appointment
// checkin_at/checkin_via, exception start_time/end_time, a ticket's status
// and the fields of its write, and the union of
// a practitioner's concurrent `sites`. Deterministic function of `r`.
void HarmonizeView(const Record& r, FieldView* view);

// Rank of an appointment status in the real day: 0 for booked, no_show,
// cancelled and unknown values; 1 checked_in, 2 in_consultation, 3 done.
int StatusProgress(const std::string& status);

}  // namespace relais::common::policy
