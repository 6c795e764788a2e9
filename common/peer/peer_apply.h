#pragma once
// What a replica does with records received from a peer of its
// organisation, and what it sends to one (issue #17). No network code.
//
// Integrity (docs/sync-model.md §7 and « Synchronisation dans la maison »):
// a received state passes the hub's own rule, common::Accept, with the
// receiving replica's state in the hub's place and the peer (identified
// by its certificate, never by the message) as author. So a peer writes
// only in its own name: writes it claims for any other replica that the
// receiver has not seen, omissions that would delete, vectors that go
// back, bounds, unknown fields and stamps far in the future are not taken
// (counted in `ignored`) or refuse the batch (INVALID_ARGUMENT). A record
// of a site outside the receiver's scope or the sender's certificate is
// refused too (PERMISSION_DENIED). A refused batch changes nothing.
//
// A merged state is stored as a local change (ReplicaStore::PutLocal: a
// fresh sequence, acked_vv kept), so the receiver pushes it to the hub
// later; the hub takes from that push only the receiver's own writes
// (Accept step 4) and counts the rest as ignored: the peer's writes reach
// the hub from the peer only, exactly once. One exception to a plain
// merge: a peer's write never supersedes this replica's value of a
// required field of a record it created and has not delivered to the hub
// yet (both values are kept, a conflict, until the hub has the creation):
// otherwise neither replica could ever give the hub a whole creation.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/model/record.h"
#include "common/replica/replica.h"
#include "common/util/status.h"

namespace relais::peer {

// Bounds of one exchange, both ways.
inline constexpr size_t kMaxExchangeRecords = 1000;
inline constexpr size_t kMaxExchangeBytes = 8 << 20;

struct PeerApplyStats {
  int applied = 0;    // records whose local state changed
  int unchanged = 0;  // nothing new
  int ignored = 0;    // parts not taken (Accept), summed over records
  int skipped = 0;    // records with nothing the peer can vouch for
  int set_aside = 0;  // (collection, id) held here for another site
};

// Applies `records` sent by `author` whose certificate names `author_sites`,
// in one transaction, then stores `meta` in the same transaction (the
// peer cursors). Errors as described above; nothing written on error.
//
// `hub_at` (empty = all 0, else one per record; Record.hub_at on the wire):
// the sender's hub_at of each state (docs/sync-model.md §11). A record not
// held here whose hub_at is > 0 and <= this replica's bound for its site --
// min(pull_cursor, meta purge_horizon:<site>) -- is not taken (skipped):
// the hub had a state containing it at or below a position every live
// replica of the site, this one included, has pulled past, so not holding
// it means it was deleted and purged (a peer restored from an old backup
// handing back its own creation). Nothing is lost by that refusal: the hub
// holds any such state that was not purged. A sender lying with hub_at = 0
// is not caught (documented limit).
common::Result<PeerApplyStats> ApplyPeerRecords(
    common::Replica& replica, const std::string& author,
    const std::vector<std::string>& author_sites, const std::vector<common::Record>& records,
    const std::map<std::string, std::string>& meta, const std::vector<uint64_t>& hub_at = {});

// Local records changed after `after` (local sequence) that belong to a
// site of `peer_sites`, whole states, in sequence order, at most
// `max_records` / about `max_bytes`. `*last_seq` is the sequence of the
// last record examined (the cursor to give next time: records outside the
// peer's scope are passed over, not resent), `*more` whether some remain.
// `hub_at`, if given, receives each returned record's hub_at (same order).
common::Result<std::vector<common::Record>> ChangesForPeer(
    common::Replica& replica, uint64_t after, const std::vector<std::string>& peer_sites,
    size_t max_records, size_t max_bytes, uint64_t* last_seq, bool* more,
    std::vector<uint64_t>* hub_at = nullptr);

}  // namespace relais::peer
