#pragma once
// The `hostile_push` phase of relais-bench (issue #14): one replica pushes
// the worst-case LEGAL batch again and again — as many records as the hub
// takes per push, each at the per-record caps (64 version-vector entries,
// 32 siblings per field, 4096-byte values, 64 KiB of values), the batch
// within the hub's gRPC message limit, every push carrying new writes so
// the hub merges and stores each time — while another site runs honest
// no-op syncs on its own channel. Reports push durations and the honest
// syncs' latency during the attack.

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/util/status.h"

namespace relais::server::bench {

struct HostileConfig {
  std::string hub;      // host:port of the hub itself (no proxy)
  std::string token;    // enrolled for `site`, unused so far
  std::string replica;  // the attacker's replica id
  std::string site;
  double seconds = 10;  // how long the attacker keeps pushing
  uint64_t seed = 1;
  std::string ca_file;  // non-empty: TLS, the hub's CA (PEM file)
};

// Runs the phase. `honest_noop` is one no-op sync of another site (it must
// be a true no-op: nothing to push, nothing to pull), called in a loop
// meanwhile. Returns the phase's JSON line (not printed).
nlohmann::json RunHostilePush(const HostileConfig& cfg,
                              const std::function<common::Status()>& honest_noop);

}  // namespace relais::server::bench
