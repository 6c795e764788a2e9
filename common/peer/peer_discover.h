#pragma once
// `relais peer sync --discover` and the kiosk's `--peer auto`: browse the
// LAN for `_relais._tcp`, choose among the answers (discovery.h, pure),
// then one PeerSyncOnce with each chosen peer through the usual mutual TLS
// (peer_client.h). A hostile or stale announcement costs at most a
// refused or timed-out handshake (hello_deadline_ms), counted in the
// report; nothing it says is trusted past the TLS handshake. Not
// thread-safe.

#include <string>
#include <vector>

#include "common/peer/avahi_discovery.h"
#include "common/peer/discovery.h"
#include "common/peer/peer_client.h"
#include "common/peer/peer_tls.h"
#include "common/replica/replica.h"
#include "common/util/status.h"

namespace relais::peer {

struct DiscoverSyncOptions {
  PeerSyncOptions sync;  // `peer` is ignored (each candidate's target)
  size_t max_candidates = kDefaultMaxCandidates;
  DiscoverSyncOptions() { sync.hello_deadline_ms = 3000; }
};

// The outcome with one candidate: its last target tried, and either the
// report or why every target failed.
struct DiscoveredSync {
  std::string replica_id;  // as announced
  std::string target;
  common::Status status;
  PeerSyncReport report;
};

struct DiscoverReport {
  PeerSelection selection;
  std::vector<DiscoveredSync> syncs;
  int succeeded() const;
};

// This replica's announcement (org, id, home site = first of its scope).
PeerAnnouncement OwnAnnouncement(const common::Replica& replica);

// Browses once, selects (same organisation as `replica`, not itself), and
// syncs with each candidate, trying its targets in order until one works.
// Errors: the browser's (UNAVAILABLE without Avahi), NOT_FOUND (French)
// when no candidate is left. Individual sync failures are in the report;
// the caller decides (the CLI fails when none succeeded).
common::Result<DiscoverReport> DiscoverAndSync(common::Replica& replica, const PeerTls& tls,
                                               PeerBrowser& browser,
                                               const DiscoverSyncOptions& options);

}  // namespace relais::peer
