#pragma once
// Version-vector compaction of retired replicas (issue #17,
// docs/sync-model.md §11 « Compaction »). Pure: standard library only.
//
// A replica is *retired* when its token is revoked (and no token holds its
// id again): the hub refuses its pushes and LAN peers never forward its
// writes (§7 step 4), so no new dot of it ever reaches the hub. Its entry in
// a record's version vector only serves the merge rule "the other side has
// seen this dot" (§3) for siblings it wrote. Once a state of the record with
// NO sibling of that replica is *stable* (every live replica has merged it:
// hub sequence <= the site's purge horizon, and the site's horizon has
// passed the replica's revocation), every copy of the record, present or
// future, descends from that state: none can hold a sibling of the retired
// replica any more (a sibling the stable state has seen and dropped never
// comes back, §3), and all hold the same entry for it. The entry is then a
// constant coordinate: dropping it everywhere changes no comparison and no
// merge result (tests/common/vv_compact_property_test.cc).
//
// The guard is the caller's: compacting a state that is not stable can
// resurrect a value (a copy still holding the retired replica's sibling
// merged with a compacted copy that had replaced it would keep it, the
// compacted copy no longer "having seen" it). So:
//  * CompactRetired() is applied only to a stable state (hub: hub_seq <=
//    horizon; replica: hub_at <= horizon and nothing unsent);
//  * CompactAgainst() is applied to any other state merged into, or from,
//    a state that was compacted (a push against the hub's state, a pulled
//    state against the local one): it drops only the entries the compacted
//    state has already lost.
// Both keep an entry whose replica still names the dot of a sibling of
// the state itself (the sibling would otherwise lose its author and fail
// ValidateRecord's "every dot is covered").

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/model/record.h"

namespace relais::common {

// True if some sibling of some field of `r` has a dot of `replica`.
bool CarriesDotOf(const Record& r, const ReplicaId& replica);

// Drops from r->vv the entry of every replica of `retired` that no sibling
// of `r` names. Returns the number of entries dropped (0: `r` unchanged).
// REQUIRES (caller): `r` is a stable state, see above.
int CompactRetired(Record* r, const std::set<ReplicaId>& retired);

// Drops from r->vv the entry of every replica of `retired` that
// `compacted` (a state of the same record that was compacted, or that
// descends from one) no longer has, unless a sibling of `r` names it.
// Returns the number of entries dropped.
int CompactAgainst(Record* r, const Record& compacted,
                   const std::set<ReplicaId>& retired);

// A retired replica as a hub store knows it: the hub's last sequence when
// its token was revoked, and the sites of that token.
struct RetiredReplica {
  uint64_t revoked_seq = 0;
  std::vector<std::string> sites;
};

// The retired replicas whose entries may be compacted: those whose
// revocation sequence is <= the stored purge horizon of every site of
// their token (`horizons`: site -> horizon; a missing site counts as 0).
// Then every live replica of those sites has applied every state that
// carries the replica's final entries. One predicate for the whole hub
// (not per site), so the hub and every replica it tells agree on it.
std::set<ReplicaId> CompactableReplicas(
    const std::map<ReplicaId, RetiredReplica>& retired,
    const std::map<std::string, uint64_t>& horizons);

}  // namespace relais::common
