#pragma once
// The simulated house of relais-history-bench: one site, its hub (SimHub,
// in process, TLS on loopback) and its replicas (the reception kiosk, the
// secretariat, a practitioners' laptop), each a real replica file opened
// with common::Replica on the simulation's clock and synced with the real
// client (sync::SyncOnce over TLS, one connection per replica: its own
// channel_key). The replicas share one directory, hence one organisation
// key file (common/replica/sealing.h), as the machines of one house do
// once the key was carried to each.
// Errors: every call returns the first failure, with the replica named.
// Not thread-safe.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/replica/replica.h"
#include "common/sync/sync_client.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "tools/bench/tls_setup.h"
#include "tools/history_bench/sim_hub.h"

namespace relais::histbench {

inline constexpr char kSite[] = "S1";

// Replica indexes in SimHouse::replicas().
enum Who : int { kKiosk = 0, kSecretariat = 1, kLaptop = 2 };
inline constexpr int kReplicaCount = 3;
const char* WhoName(int who);

struct HouseReplica {
  std::string name;  // "kiosk", "secretariat", "laptop"
  std::string path;  // its SQLite file
  std::unique_ptr<common::Replica> replica;
};

class SimHouse {
 public:
  // `dir` exists and is empty (or holds only the TLS files); `clock`
  // outlives the house. `channel_tag` keeps the gRPC channels of two houses
  // of one process apart.
  SimHouse(std::string dir, common::FakeClock* clock, std::string channel_tag)
      : dir_(std::move(dir)), clock_(clock), channel_tag_(std::move(channel_tag)) {}

  // Makes the TLS files (once per directory), starts the hub on
  // dir/<hub_file> with a token per name of `names`, creates and opens one
  // replica per name (dir/<name>.db), seeded with `seed` + index for
  // reproducible record ids and check-in codes. `auto_purge`: the hub
  // purges settled tombstones after syncs (HubServiceOptions::auto_purge).
  common::Status Start(const std::string& hub_file, const std::vector<std::string>& names,
                       uint64_t seed, bool auto_purge = false);
  // One sync session of replica `i` with the hub (SyncOnce); adds the
  // round trips and bytes to the counters; its report in `*report` if given.
  common::Status Sync(int i, sync::SyncReport* report = nullptr);
  // Every replica syncs in turn, pass after pass, until a whole pass moves
  // nothing (nothing pushed, pulled or purged, no new purge horizon heard:
  // sync::SyncReport::horizons_moved): all of them and the hub then hold
  // the same states. ABORTED if that takes more than `max_passes`.
  common::Status SyncUntilQuiet(int max_passes = 6);
  // Closes the replicas (their files are then quiescent) and stops the hub.
  void Close();

  common::Replica& replica(int i) { return *replicas_[static_cast<size_t>(i)].replica; }
  std::vector<HouseReplica>& replicas() { return replicas_; }
  SimHub& hub() { return hub_; }
  const std::string& dir() const { return dir_; }
  std::string hub_path() const { return dir_ + "/" + hub_file_; }
  common::FakeClock* clock() { return clock_; }
  int64_t syncs() const { return syncs_; }
  int64_t sync_bytes() const { return sync_bytes_; }
  int64_t round_trips() const { return round_trips_; }

 private:
  std::string dir_;
  common::FakeClock* clock_;
  std::string channel_tag_;
  std::string hub_file_;
  server::bench::TlsFiles tls_;
  SimHub hub_;
  std::vector<HouseReplica> replicas_;
  int64_t syncs_ = 0;
  int64_t sync_bytes_ = 0;
  int64_t round_trips_ = 0;
};

}  // namespace relais::histbench
