#pragma once
// ReportServer: the council funding office's HTTP endpoint (cpp-httplib),
// served by the hub on its own port next to gRPC. See docs/reporting.md.
//
//   GET /                 French dashboard (HTML, no external asset)
//   GET /api/v1/usage     ?from=YYYY-MM&to=YYYY-MM[&site=S]
//                         [&granularity=auto|month|quarter|week]
//                         [&format=json|csv]
//   GET /healthz          "ok" (no token)
//   GET /metrics          Prometheus text: the backend's counters + ours
//                         (no token; bind to a private address)
//
// Auth for / and /api: "Authorization: Bearer <council token>" or
// ?token=<council token>. 401 if missing or not a council token, 403 for a
// site outside the token's list, 400 for bad parameters (among them a site
// that fails common::IsValidSiteId, refused before the facts are read and
// never echoed), 503 if the backend fails. Only suppressed aggregates ever
// leave (common/report).
//
// Thread safety: Start/Stop from one thread; requests are served on
// httplib's worker threads and call the backend concurrently.

#include <memory>
#include <string>

#include "common/util/clock.h"
#include "common/util/status.h"
#include "server/report/report_backend.h"

namespace relais::server {

class ReportServer {
 public:
  // `backend` and `clock` must outlive the server.
  ReportServer(ReportBackend& backend, common::Clock& clock);
  ~ReportServer();  // Stops.
  ReportServer(const ReportServer&) = delete;
  ReportServer& operator=(const ReportServer&) = delete;

  // Binds host:port (port 0 = ephemeral) and serves on a background thread.
  // Returns the bound port. UNAVAILABLE if the address cannot be bound,
  // FAILED_PRECONDITION if already started.
  common::Result<int> Start(const std::string& host, int port);
  // Stops serving and joins the thread. Idempotent.
  void Stop();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace relais::server
