#pragma once
// PeerCallLimiter: at most `max` calls in progress per client address, one
// budget shared by every transport of the hub (the gRPC service and the
// HTTP/1.1 sync endpoint, server/hub_http_sync.h), so a peer cannot double
// its share by opening calls on both. docs/protocol.md "Transport limits".
//
// Addresses are compared after PeerAddressKey: "ipv4:127.0.0.1" (gRPC's
// peer, port stripped by PeerHost) and "127.0.0.1" (cpp-httplib's
// remote_addr) are the same peer.
//
// Thread-safe. A Slot must not outlive its limiter.

#include <map>
#include <mutex>
#include <string>

#include "common/util/status.h"

namespace relais::server {

// The address part of a peer as both transports give it: drops a gRPC
// "ipv4:"/"ipv6:" scheme, IPv6 brackets (also percent-encoded "%5B"/"%5D")
// and the "::ffff:" prefix of an IPv4-mapped address. Pure.
std::string PeerAddressKey(const std::string& peer);

class PeerCallLimiter {
 public:
  // REQUIRES: max >= 1.
  explicit PeerCallLimiter(int max) : max_(max) {}
  PeerCallLimiter(const PeerCallLimiter&) = delete;
  PeerCallLimiter& operator=(const PeerCallLimiter&) = delete;

  // One of a peer's call slots, held until destroyed (RAII). Not copyable;
  // movable so it can be returned.
  class Slot {
   public:
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    ~Slot();
    bool held() const { return limiter_ != nullptr; }

   private:
    friend class PeerCallLimiter;
    Slot(PeerCallLimiter* limiter, std::string key) : limiter_(limiter), key_(std::move(key)) {}
    PeerCallLimiter* limiter_;  // nullptr: refused (or moved from)
    std::string key_;
  };

  // Takes a slot for `peer` if it has fewer than max() calls in progress;
  // otherwise the returned slot is not held() (the caller refuses the call
  // with TooManyCalls).
  Slot Acquire(const std::string& peer);

  // RESOURCE_EXHAUSTED, in French, naming the peer and the limit, with a
  // retry hint; the same text on every transport.
  common::Status TooManyCalls(const std::string& peer) const;

  // Calls in progress for `peer` (for tests and logs).
  int InProgress(const std::string& peer) const;
  int max() const { return max_; }

 private:
  void Release(const std::string& key);

  const int max_;
  mutable std::mutex mu_;
  std::map<std::string, int> calls_;  // GUARDED_BY(mu_); no zero entries
};

}  // namespace relais::server
