#pragma once
// Pure merge logic over the record model. No I/O, no gRPC, SQLite or ImGui.
//
// Each field is a multi-value register with a causal context (the record's
// version vector). Merge(a, b) keeps a sibling of a field if both states hold
// it, or if the other state has not seen its write. This is a join in a
// semilattice: commutative, associative and idempotent, so every replica
// converges to the same bytes whatever order changes arrive in. Writes that
// are concurrent survive side by side as siblings (a conflict) until a new
// write, which has seen them all, replaces them. See docs/sync-model.md.

#include <map>
#include <string>
#include <vector>

#include "common/model/record.h"
#include "common/model/schema.h"

namespace relais::common {

// Compares two versions by version vector.
inline Order Compare(const Record& a, const Record& b) {
  return a.vv.Compare(b.vv);
}

// Joins two states of the same record.
// REQUIRES: a.collection == b.collection, a.id == b.id, a.site_id == b.site_id.
Record Merge(const Record& a, const Record& b);

// Applies a local write at replica `me`: increments vv[me] and replaces the
// siblings of every field in `changes` whose value differs or that is in
// conflict (writing a field resolves its conflict). Returns false and leaves
// `r` untouched when nothing would change.
bool ApplyLocalWrite(Record* r, const ReplicaId& me, Hlc hlc,
                     const std::map<std::string, std::string>& changes);

// The sibling shown as the field's value. Deterministic: depends only on the
// set of siblings. Domain policies (see WinnerPolicy) rank some fields, e.g.
// an appointment's status; the default is the greatest (hlc, dot).
const Sibling& Winner(Collection c, const std::string& field,
                      const std::vector<Sibling>& siblings);

// True if the field's siblings form a conflict staff must look at: more than
// one distinct value, unless the domain policy settles it (e.g. a kiosk
// check-in concurrent with a "no_show" keeps the check-in silently).
bool NeedsAttention(Collection c, const std::string& field,
                    const std::vector<Sibling>& siblings);

// Winning value of every field.
FieldView View(const Record& r);

// Fields with unresolved conflicts (see NeedsAttention), sorted.
std::vector<std::string> ConflictFields(const Record& r);

// True if the record is a tombstone.
bool IsDeleted(const Record& r);

// Delta push. `acked` is the version vector of a state of `r` that the hub
// has merged (acknowledged a push of it, or sent it): the hub holds every
// write it covers, or a write that replaced it. Keeps in `r` only the fields
// with a sibling whose write `acked` does not cover, and marks `r` partial.
// Returns false, leaving `r` whole, when that would not make it smaller
// (`acked` empty, every field has a new write) or would leave no field.
bool TrimToDelta(Record* r, const VersionVector& acked);

// The hub's side: `partial` completed with the fields it left out, taken
// from `have` (the hub's state). Merge(have, result) is then what merging
// the sender's whole state would give, provided the sender trimmed with an
// `acked` vector of a state the hub merged.
// REQUIRES: partial.partial, same collection, id and site as `have`.
Record CompleteDelta(const Record& partial, const Record& have);

// Hybrid logical clock. Not thread-safe; the owner serialises calls.
// Now() never goes backwards and is at least the wall clock. Observe() folds
// in a remote stamp but never lets the clock run more than `max_drift_ms`
// ahead of the local wall clock: a remote stamp further ahead is clamped, so a
// replica whose clock is wrong by a day cannot drag everyone's clock with it.
class HlcClock {
 public:
  explicit HlcClock(int64_t max_drift_ms = 5 * 60 * 1000)
      : max_drift_ms_(max_drift_ms) {}
  Hlc Now(int64_t wall_ms);
  void Observe(Hlc remote, int64_t wall_ms);
  Hlc last() const { return last_; }
  void set_last(Hlc h) { last_ = h; }

 private:
  int64_t max_drift_ms_;
  Hlc last_ = 0;
};

}  // namespace relais::common
