#pragma once
// AdminServer: the hub's administration listener (cpp-httplib), apart from
// the funding office's public port, bound to loopback by default:
//
//   GET /metrics   Prometheus text from `metrics` (the hub's sync counters,
//                  the aggregate store's, the report endpoint's)
//   GET /healthz   "ok" (the process is alive)
//   GET /readyz    200 "prêt" when `readiness` (SetReadiness) returns OK,
//                  503 "pas prêt : <message>" otherwise (the database
//                  cannot be read); 200 when no readiness check was set
//
// With a non-empty `token`, /metrics requires "Authorization: Bearer
// <token>" (401 otherwise; compared in constant time); /healthz and /readyz
// never do (they reveal nothing but up/down).
// relais-hub refuses a non-loopback admin address without a token.
// Thread safety: Start/Stop from one thread; `metrics` is called on
// httplib's worker threads.

#include <functional>
#include <memory>
#include <string>

#include "common/util/status.h"

namespace relais::server {

class AdminServer {
 public:
  using MetricsFn = std::function<std::string()>;
  using ReadyFn = std::function<common::Status()>;
  AdminServer(MetricsFn metrics, std::string token);
  ~AdminServer();  // Stops.
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds host:port (0 = ephemeral), serves on a background thread and
  // returns the bound port. UNAVAILABLE if the address cannot be bound.
  common::Result<int> Start(const std::string& host, int port);
  // Sets the check behind /readyz; called on httplib's worker threads.
  // REQUIRES: before Start.
  void SetReadiness(ReadyFn ready);
  void Stop();  // Idempotent.

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace relais::server
