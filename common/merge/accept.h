#pragma once
// The hub's acceptance rule for one pushed record state. Pure (standard
// library only): the SQLite hub, the planned PostgreSQL hub and a house-LAN
// peer all call this one function, so they all hold the same invariant.
//
// INVARIANT (docs/sync-model.md §7): a replica writes only in its own name;
// a value written by another replica disappears only when a replica that
// has seen it writes that same field itself.
//
// Accept(in, have, author) turns what `author` pushed into the part of it
// that `author` can vouch for, then merges that into the hub's state:
//
//  1. Bounds first, before any costly work (AcceptLimits): version-vector
//     entries, siblings per field, bytes of values per record, counters;
//     then ValidateRecord (known fields, values, ids, dots covered by the
//     vector, siblings sorted) and, for a record the hub has never held,
//     ValidateNewRecord (what a creation must carry).
//  2. A delta (in.partial) is completed with the hub's fields (ABORTED if
//     the hub does not hold the record: the replica then sends whole states).
//  3. The author's own counter never goes back (a replica restored from an
//     old copy would reuse write ids) and stays <= max_counter.
//  4. Projection. For every other replica X, in.vv[X] counts only up to
//     have.vv[X]: a replica cannot claim to have seen writes the hub has not
//     seen. Siblings whose dot the projected vector does not cover (writes
//     of X the hub has never seen) are dropped. So another replica's writes
//     reach the hub only from that replica itself.
//  5. A write id (dot) the hub holds may not come back with another value.
//  6. Removal. A sibling the hub holds that the projected state has seen but
//     does not hold is dropped by the merge only if the state carries a NEW
//     write by the author in that field (dot (author, n), n > have.vv[author]).
//     Otherwise the hub's sibling is put back: a forged or stale omission
//     deletes nothing.
//  7. Clock. A new write's HLC may be at most max_clock_ahead_ms ahead of the
//     hub's clock (INVALID_ARGUMENT otherwise): a stamp far in the future
//     would win every later "latest write" rule.
//  8. Merge(have, projected): the semilattice join of docs/sync-model.md §3.
//  9. A walk-in ticket (Collection::kTicket) whose shown status would go
//     back (e.g. done -> waiting; ranks in model/ticket.h) is refused
//     (INVALID_ARGUMENT): replicas only move tickets forward.
//
// Honest replicas never trip 4-6 while the hub keeps its history: every
// foreign write they hold came from the hub. After a hub restore, writes the
// restored hub lacks are taken only from their authors (see sync-model.md §7).
//
// Cost: O(size of `in` + size of `have`) after the bounds check, with
// log factors from std::map lookups; never quadratic in siblings.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/model/record.h"
#include "common/util/status.h"

namespace relais::common {

struct AcceptLimits {
  size_t max_vv_entries = 64;
  size_t max_siblings = 32;  // per field
  size_t max_record_value_bytes = 64 * 1024;
  uint64_t max_counter = uint64_t{1} << 48;
  int64_t max_clock_ahead_ms = 26LL * 3600 * 1000;
};

struct Acceptance {
  // The hub's new state of the record. REQUIRES: !skipped (a skipped push
  // leaves the hub's state as it is). When the push is
  // taken exactly as sent, this is the `in` passed to Accept (no copy):
  // REQUIRES `in` to outlive this Acceptance.
  const Record& state() const { return owned_ ? *owned_ : *state_; }
  bool changed = false;  // state differs from the hub's (or the hub had none)
  // The author holds exactly `state` (it pushed it whole or as a delta):
  // echo suppression may skip sending it back.
  bool exact = false;
  // Parts of the push that were not taken: vector entries and siblings the
  // author cannot vouch for, omissions that did not delete, a settled
  // tombstone of a record the hub does not hold (§11 of sync-model.md). 0
  // for honest replicas of a hub that kept its history, but for that last.
  int ignored = 0;
  // Nothing to store: the state had only parts the author cannot vouch for.
  bool skipped = false;

  std::optional<Record> owned_;     // a state made here
  const Record* state_ = nullptr;   // else: the caller's (`in` or `have`)
};

// Step 1's size bounds alone (no validation): INVALID_ARGUMENT naming the
// record and the bound. Replicas check what they pull with it too.
Status CheckRecordBounds(const Record& r, const AcceptLimits& limits = AcceptLimits());

// INVALID_ARGUMENT if a write id (dot) held by both `a` and `b` in one field
// carries different payloads: two states of one record that cannot both be
// true. Linear in the two records.
Status CheckSameWrites(const Record& a, const Record& b);

// Applies the acceptance rule above. `have` is the hub's current state of
// the record (same site, collection and id) or nullptr; `hub_now_ms` the
// hub's clock. Errors: INVALID_ARGUMENT (bounds, validation, counter going
// back, reused write id, clock ahead) with a French message naming the
// record; ABORTED for a delta of a record the hub does not hold.
// Nothing is changed on error.
Result<Acceptance> Accept(const Record& in, const Record* have,
                          const ReplicaId& author, int64_t hub_now_ms,
                          const AcceptLimits& limits = AcceptLimits());

}  // namespace relais::common
