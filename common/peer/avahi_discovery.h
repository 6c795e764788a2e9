#pragma once
// DNS-SD through the Avahi daemon of the machine (avahi-client over the
// D-Bus system bus; DBUS_SYSTEM_BUS_ADDRESS is honoured): announcing a
// `relais peer serve` as `_relais._tcp`, and browsing for the others.
// The choice among what a browse finds is pure (discovery.h).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/peer/discovery.h"
#include "common/util/status.h"

namespace relais::peer {

// Something that lists the `_relais._tcp` services of the LAN (the Avahi
// browser, or a fake in tests).
class PeerBrowser {
 public:
  virtual ~PeerBrowser() = default;
  // The services resolved within the browser's time bound, at most
  // kMaxBrowsedServices + 1 (one more tells the caller there were more).
  // UNAVAILABLE (French) when browsing is impossible (no Avahi daemon).
  virtual common::Result<std::vector<DiscoveredService>> Browse() = 0;
};

struct AvahiBrowseOptions {
  // Whole browse, resolutions included: stops earlier once the daemon said
  // "all for now" and every resolution ended.
  int64_t browse_ms = 3000;
  size_t max_services = kMaxBrowsedServices;
};

// Browses through the Avahi daemon; each Browse() is one bounded session
// (its own client connection). Not thread-safe (one Browse at a time).
std::unique_ptr<PeerBrowser> MakeAvahiBrowser(const AvahiBrowseOptions& options = {});

// Announces one service while it lives. Thread-safe to destroy from the
// thread that started it; the Avahi callbacks run on its own thread.
class PeerAnnouncer {
 public:
  ~PeerAnnouncer();
  PeerAnnouncer(const PeerAnnouncer&) = delete;
  PeerAnnouncer& operator=(const PeerAnnouncer&) = delete;

  // Starts announcing `txt` on `port` as instance `name` (renamed by Avahi
  // rules on a name collision). Returns the announcer, and in `*warning` a
  // French sentence when the daemon is not there now (the announcer keeps
  // waiting for it and announces once it comes), "" otherwise. UNAVAILABLE
  // when no client can be made at all (no D-Bus system bus).
  static common::Result<std::unique_ptr<PeerAnnouncer>> Start(const std::string& name,
                                                              uint16_t port,
                                                              const std::vector<std::string>& txt,
                                                              std::string* warning);
  // Whether the service is currently registered with the daemon (tests).
  bool established() const;

  struct Impl;

 private:
  explicit PeerAnnouncer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace relais::peer
