#pragma once
// The kiosk's background LAN sync with its house peer (`relais-kiosk --peer
// HOST:PORT --pki DIR`, issue #17): the function a second SyncWorker calls
// every round. Client only: the peer (the secretariat) runs `relais peer
// serve`. Runs on the worker thread, with its own Replica of `db` opened on
// the first round; the TLS material (<pki_dir>/ca.crt, "<db>.pair.crt/.key",
// peer_tls.h) is loaded and checked at the first round too, so a missing or
// expired certificate shows in the status bar as the round's error.

#include <cstdint>
#include <string>

#include "common/sync/sync_worker.h"

namespace relais::kiosk {

struct PeerWorkerConfig {
  std::string db;       // the kiosk's replica file
  std::string pki_dir;  // holds ca.crt
  std::string peer;     // host:port of `relais peer serve`, or "auto"
  int64_t deadline_ms = 30000;  // per round trip
};

// One PeerSyncOnce per call: pushed = records sent, pulled = received,
// conflicts = records set aside. With peer "auto", each call browses the
// LAN (_relais._tcp, at most 3 s) and syncs with every replica of the
// organisation announced there (peer_discover.h), counts summed; the round
// fails (NOT_FOUND / UNAVAILABLE, French) when none was found or none
// synced. Errors are the peer client's (UNAVAILABLE
// when the peer is unreachable), or DATA_LOSS for a damaged replica file.
common::SyncWorker::SyncFn MakePeerSyncFn(const PeerWorkerConfig& config);

// Worker options for the LAN: every `interval_ms`, retries from 1 s to 60 s.
common::SyncWorkerOptions PeerWorkerOptions(int64_t interval_ms);

}  // namespace relais::kiosk
