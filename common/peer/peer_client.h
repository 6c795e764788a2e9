#pragma once
// One LAN sync of a replica with a peer of its organisation (`relais peer
// sync`): sends the records it changed since the last exchange with that
// peer and receives the peer's, until neither side has anything left.
// Cursors per peer (meta "peer_push:<id>", "peer_pull:<id>") are stored in
// the same transaction as the received records, so a cut loses nothing
// and running again resumes. The peer is identified by its certificate
// (checked to be another replica of this organisation before anything it
// sent is applied). Errors: UNAVAILABLE (peer unreachable or TLS refused:
// certificate of another house, expired), PERMISSION_DENIED, INVALID_ARGUMENT
// (a record refused), FAILED_PRECONDITION. Not thread-safe.

#include <cstdint>
#include <string>

#include "common/peer/peer_tls.h"
#include "common/replica/replica.h"
#include "common/util/status.h"

namespace relais::peer {

struct PeerSyncOptions {
  std::string peer;  // host:port
  int64_t deadline_ms = 30000;  // per round trip
  // First call (TLS handshake and hello) when > 0, else deadline_ms: a
  // discovered address that is not a peer costs at most this.
  int64_t hello_deadline_ms = 0;
  size_t batch_records = 500;
  size_t batch_bytes = 4 << 20;
  int max_round_trips = 10000;
};

struct PeerSyncReport {
  std::string peer_id;  // from its certificate
  int sent = 0;         // records sent
  int received = 0;     // records received
  int applied = 0;      // received records that changed this replica
  int ignored = 0;      // parts not taken, here and at the peer
  int set_aside = 0;
  int round_trips = 0;
};

common::Result<PeerSyncReport> PeerSyncOnce(common::Replica& replica, const PeerTls& tls,
                                             const PeerSyncOptions& options);

}  // namespace relais::peer
