#pragma once
// LAN discovery of the replicas of one organisation (issue #17): what a
// replica announces as DNS-SD service `_relais._tcp` (TXT records), and the
// PURE choice of whom to sync with among the services a browse found.
// No Avahi, gRPC or SQLite here: the Avahi side is avahi_discovery.h, the
// sync loop peer_discover.h.
//
// TXT is only a hint: anyone on the LAN may announce anything. It lets a
// replica skip services that are obviously not for it (another
// organisation, another protocol, itself) before connecting; the mutual
// TLS handshake with the house CA stays the authentication. Nothing secret
// nor about a patient is ever announced: the protocol version, the
// organisation id, the replica id (also in its certificate, shown to any
// TLS client) and the replica's home site.
//
// TXT grammar (each string "key=value", keys unique, all present):
//   v=<protocol version, decimal>   org=<org id>   id=<replica id>
//   site=<home site id>             (ids: IsValidSiteId / IsValidReplicaId)
// Unknown keys are tolerated (a later version may add some) within the
// bounds below.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/util/status.h"

namespace relais::peer {

inline constexpr char kPeerServiceType[] = "_relais._tcp";
// TXT version of this code (the Peer protocol version, peer_service.h).
inline constexpr uint32_t kAnnouncedVersion = 1;
// Bounds on one announcement, checked before any parse of its values.
inline constexpr size_t kMaxTxtEntries = 16;
inline constexpr size_t kMaxTxtEntryBytes = 255;  // a DNS character-string
inline constexpr size_t kMaxTxtTotalBytes = 1024;
inline constexpr size_t kMaxHostNameBytes = 255;
// Bounds on one browse: services looked at (the rest are dropped unread),
// and peers kept for a sync.
inline constexpr size_t kMaxBrowsedServices = 64;
inline constexpr size_t kDefaultMaxCandidates = 8;
// Addresses kept per announced replica (IPv4 first).
inline constexpr size_t kMaxTargetsPerPeer = 4;

// What the announcement of a replica says.
struct PeerAnnouncement {
  uint32_t version = kAnnouncedVersion;
  std::string org;
  std::string replica_id;
  std::string site;  // home site
};

// One resolved service, as a browser reports it (untrusted).
struct DiscoveredService {
  std::string name;     // instance name
  std::string host;     // host name it resolved to
  std::string address;  // numeric IPv4 or IPv6 address
  bool ipv6 = false;
  uint16_t port = 0;
  std::vector<std::string> txt;  // raw TXT strings
};

// The TXT strings announcing `a`.
std::vector<std::string> AnnouncementTxt(const PeerAnnouncement& a);

// Parses TXT strings. INVALID_ARGUMENT (French, naming the fault) for too
// many or too long strings, a string without '=', a duplicated key, a
// missing key, a malformed id or version.
common::Result<PeerAnnouncement> ParseAnnouncement(const std::vector<std::string>& txt);

// gRPC target "a.b.c.d:port" or "[v6]:port". INVALID_ARGUMENT for an
// address that is not numeric, an IPv6 link-local address (it needs an
// interface scope, not supported: give --peer), port 0.
common::Result<std::string> PeerTarget(const std::string& address, bool ipv6, uint16_t port);

struct SelectionPolicy {
  std::string org;             // only this organisation's replicas
  std::string own_replica_id;  // never ourselves
  std::string home_site;       // same home site first
  size_t max_candidates = kDefaultMaxCandidates;
};

// A replica to sync with: where it says it is (several addresses when
// announced on several interfaces or protocols, best first).
struct PeerCandidate {
  std::string replica_id;
  std::string site;
  std::string name;                  // first instance name seen
  std::vector<std::string> targets;  // gRPC targets, at most kMaxTargetsPerPeer
};

struct PeerSelection {
  std::vector<PeerCandidate> candidates;
  // Services not taken, by reason.
  int malformed = 0;       // TXT or address unusable
  int other_org = 0;       // another organisation
  int other_version = 0;   // another protocol version
  int own = 0;             // this replica itself
  int over_limit = 0;      // beyond kMaxBrowsedServices or max_candidates
  // One French line per reason seen (at most one per reason), for logs.
  std::vector<std::string> notes;
};

// Chooses whom to sync with. Looks at the first kMaxBrowsedServices
// services only; keeps this organisation's replicas of the same protocol
// version other than ourselves, one candidate per replica id (its
// addresses merged, IPv4 first, duplicates dropped), those sharing
// `home_site` first, then by replica id; at most `max_candidates`.
// Deterministic: the same list gives the same selection.
PeerSelection SelectPeers(const std::vector<DiscoveredService>& services,
                          const SelectionPolicy& policy);

}  // namespace relais::peer
