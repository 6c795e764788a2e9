#pragma once
// relais-history-bench's hub: a real HubService over a SqliteHubStore file,
// served in this process by StartHubServer over TLS on 127.0.0.1 (an
// ephemeral port), the hub's clock being the simulation's FakeClock (so the
// acceptance rule's clock bound sees the simulated year, not today).
// Start() enrols one token per replica name; Stop() shuts the server down
// and closes the store (the file is then quiescent, ready to measure).
// Not thread-safe (the server's threads are gRPC's own).

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/util/clock.h"
#include "common/util/status.h"
#include "server/hub_server.h"
#include "server/hub_service.h"
#include "server/sqlite_hub_store.h"
#include "tools/bench/tls_setup.h"

namespace relais::histbench {

class SimHub {
 public:
  SimHub() = default;
  SimHub(const SimHub&) = delete;
  SimHub& operator=(const SimHub&) = delete;
  ~SimHub() { Stop(); }

  // Creates the store at `db_path` (must not exist yet), enrols one token
  // for site `site` per name of `replicas`, and serves it over TLS with
  // `tls`. The call log goes to `log_path`. `clock` outlives the hub.
  common::Status Start(const std::string& db_path, const std::string& log_path,
                       const server::bench::TlsFiles& tls, const std::string& site,
                       const std::vector<std::string>& replicas, common::Clock* clock,
                       bool auto_purge = false);
  // Shuts the server down and closes the store. Idempotent.
  void Stop();

  // "127.0.0.1:PORT" while started.
  const std::string& address() const { return address_; }
  // The token enrolled for `replica` ("" if none).
  std::string token(const std::string& replica) const;
  // The store while started (for RunPurge), nullptr after Stop().
  server::SqliteHubStore* store() { return store_.get(); }

 private:
  std::unique_ptr<server::SqliteHubStore> store_;
  std::unique_ptr<server::HubService> service_;
  server::RunningServer running_;
  std::ofstream log_;
  std::string address_;
  std::map<std::string, std::string> tokens_;
};

}  // namespace relais::histbench
