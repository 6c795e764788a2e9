#pragma once
// History purge by causal stability (issue #17, docs/sync-model.md §11):
// the pure part shared by the hub stores and the replica store.
//
// A record is *purgeable* when it is a settled tombstone: its `_deleted`
// field holds exactly one sibling, whose value is "1". A conflicted
// deletion (a concurrent "0" sibling) is not purgeable: staff must settle
// it first. Whether a purgeable record may actually be removed is decided
// by its store from causal stability (every live replica of its site has
// durably applied a state at least as new), never from the record alone.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/model/record.h"

namespace relais::common {

// True if `r` is a settled tombstone (see above).
bool IsPurgeableTombstone(const Record& r);

// A settled tombstone is final (docs/sync-model.md §11 « Une suppression
// réglée est définitive »): true if `changes` (field -> new value of a local
// write) would bring the settled tombstone `before` back to life, i.e. write
// `_deleted` with a value other than "1". Such a write must be refused: once
// every live replica applied the deletion, the hub may purge the record at
// any sync (this replica hears of it one sync later), and a revival reaching
// a hub that no longer holds the record cannot be taken there (the other
// replicas' writes reach the hub only from their authors, accept.h step 4):
// the reviving replica would keep a record nobody else ever gets. Other
// writes to a settled tombstone are allowed (it stays a settled tombstone).
bool RevivesSettledTombstone(const Record& before,
                             const std::map<std::string, std::string>& changes);

// Cheap pre-filter on a canonical JSON state (codec/record_json.h): false
// means the state is certainly not a tombstone, so it need not be decoded.
bool MayBeTombstoneJson(const std::string& state_json);

// Stability horizon of a site: the minimum of the acknowledged pull
// cursors of the live replicas holding it (`acks`: one entry per live
// replica of the site; a replica with no acknowledgement yet counts as 0).
// No live replica: `last_seq` (nobody could need a tombstone). Never below
// `previous` (a stored horizon does not move back: what was purged is gone).
uint64_t StabilityHorizon(const std::map<std::string, uint64_t>& acks,
                          uint64_t last_seq, uint64_t previous);

// StabilityHorizon of `site` from a hub's whole tables, as both hub stores
// hold them: `live` maps each live (bound, not revoked) replica to the
// sites of its token, sorted; `acks` holds the stored acknowledgements (a
// live replica without one counts as 0); `previous` the stored horizons.
uint64_t SiteHorizon(const std::map<std::string, std::vector<std::string>>& live,
                     const std::map<std::string, uint64_t>& acks,
                     const std::map<std::string, uint64_t>& previous,
                     const std::string& site, uint64_t last_seq);

}  // namespace relais::common
