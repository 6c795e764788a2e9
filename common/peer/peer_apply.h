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
common::Result<PeerApplyStats> ApplyPeerRecords(
    common::Replica& replica, const std::string& author,
    const std::vector<std::string>& author_sites, const std::vector<common::Record>& records,
    const std::map<std::string, std::string>& meta);

// Local records changed after `after` (local sequence) that belong to a
// site of `peer_sites`, whole states, in sequence order, at most
// `max_records` / about `max_bytes`. `*last_seq` is the sequence of the
// last record examined (the cursor to give next time: records outside the
// peer's scope are passed over, not resent), `*more` whether some remain.
common::Result<std::vector<common::Record>> ChangesForPeer(
    common::Replica& replica, uint64_t after, const std::vector<std::string>& peer_sites,
    size_t max_records, size_t max_bytes, uint64_t* last_seq, bool* more);

}  // namespace relais::peer
