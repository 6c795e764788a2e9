#pragma once
// FaultProxy: a TCP proxy on loopback that makes a good link look like a
// rural one. Used by the fault tests and the benchmark, and as the
// `relais-faultproxy` tool.
//
// Per connection it can add one-way latency, cap bandwidth per direction,
// cut the connection after N bytes, with probability p per chunk, or every
// T ms, black-hole (accept, read, never forward), or refuse everything
// (offline). A schedule switches profiles over time. Counters report bytes
// in both directions (what crossed "the link") and the faults injected
// (cuts, bytes dropped, connections refused), so a test can assert that its
// fault really happened.
//
// Thread-safety: all public methods may be called from any thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/util/status.h"

namespace relais::server {

using common::Result;
using common::Status;

struct LinkProfile {
  std::string name = "direct";
  int64_t latency_ms = 0;        // one way, added to every chunk
  int64_t down_bytes_per_s = 0;  // upstream -> client; 0 = unlimited
  int64_t up_bytes_per_s = 0;    // client -> upstream; 0 = unlimited
  int64_t cut_after_bytes = 0;   // per connection, both directions; 0 = never
  double cut_probability = 0;    // per forwarded chunk
  int64_t cut_every_ms = 0;      // connection lifetime cap; 0 = never
  // With cut_every_ms: instead of a lifetime cap, a global clock resets
  // every live connection at t0 + cut_first_ms + k * cut_every_ms (k >= 0),
  // t0 = when this profile was set (as the PouchDB reference's adsl-flaky).
  bool cut_on_clock = false;
  int64_t cut_first_ms = 0;
  bool blackhole = false;        // accept and read, never answer
  bool offline = false;          // refuse connections at once
};

// Named profiles: "direct", "edge" (64 kbit/s each way, 300 ms RTT),
// "satellite" (1 Mbit/s down, 256 kbit/s up, 600 ms RTT), "adsl-flaky"
// (2 Mbit/s down, 256 kbit/s up, 60 ms RTT, connections cut after ~20 s),
// "offline", "blackhole". NOT_FOUND for an unknown name.
Result<LinkProfile> NamedProfile(const std::string& name);

struct ProxyCounters {
  int64_t bytes_up = 0;    // client -> upstream, forwarded
  int64_t bytes_down = 0;  // upstream -> client, forwarded
  int64_t connections = 0;  // accepted and forwarded (or black-holed)
  int64_t cuts = 0;         // connections cut by the profile or CutAll()
  // Bytes read from one side and never delivered to the other: swallowed by
  // a black hole, the chunk that triggered a cut, chunks still queued when
  // a connection was cut or closed.
  int64_t bytes_dropped = 0;
  int64_t refused = 0;      // connections reset at once (offline)
};

class FaultProxy {
 public:
  // `upstream` is "HOST:PORT" (loopback). `seed` drives random cuts.
  FaultProxy(std::string upstream, LinkProfile profile, uint64_t seed = 1);
  ~FaultProxy();  // Stops.
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // Listens on 127.0.0.1:`port` (0 = ephemeral). Returns the bound port.
  Result<int> Start(int port = 0);
  // Closes the listener and every connection; joins all threads.
  void Stop();

  // Switches the profile; applies to new chunks and new connections.
  void SetProfile(const LinkProfile& p);
  LinkProfile profile() const;
  // Cuts every open connection now (as a dropped link does).
  void CutAll();
  ProxyCounters counters() const;
  int port() const { return port_; }

 private:
  struct Conn;
  void AcceptLoop();
  void Serve(std::shared_ptr<Conn> c);
  bool ShouldCut(Conn& c, int64_t chunk);
  // Whether cut_every_ms ends connection `c` at `now`. mu_ held.
  bool LifetimeOverLocked(const Conn& c, int64_t now) const;

  std::string upstream_host_;
  int upstream_port_ = 0;
  mutable std::mutex mu_;
  LinkProfile profile_;                     // guarded by mu_
  int64_t profile_set_ms_ = 0;              // guarded by mu_
  uint64_t rng_state_;                      // guarded by mu_
  std::vector<std::shared_ptr<Conn>> conns_;  // guarded by mu_
  std::vector<std::thread> threads_;        // guarded by mu_
  std::atomic<int64_t> up_{0}, down_{0}, nconn_{0}, cuts_{0}, dropped_{0}, refused_{0};
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> epoch_{0};  // bumped by CutAll
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
};

}  // namespace relais::server
