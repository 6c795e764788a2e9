#pragma once
// ReportServer: the council funding office's HTTP endpoint (cpp-httplib),
// served by the hub on its own port next to gRPC. See docs/reporting.md.
//
//   GET /                 French dashboard (HTML, no external asset)
//   GET /api/v1/usage     ?from=YYYY-MM&to=YYYY-MM[&site=S]
//                         [&granularity=auto|month|quarter|week]
//                         [&format=json|csv]
//   GET /healthz          "ok" (no token)
//   POST /login           form field token=… : checks it, sets the session
//                         cookie, 303 to / (401 + the form again if refused)
//   GET /login?code=C     a one-time code (IssueLoginCode) for the cookie
//   POST /logout          ends the session
// /metrics is NOT served here: it is on the admin listener (admin_server.h),
// which reads MetricsText().
//
// Auth for / and /api: "Authorization: Bearer <council token>" or the
// session cookie (sessions.h). A token in the URL (?token=) is refused (401,
// saying to use the form): URLs end up in history and logs. 401 if missing,
// unknown, expired or not a council token (/ then shows the login form), 403 for a
// site outside the token's list, 400 for bad parameters (among them a site
// that fails common::IsValidSiteId, refused before the facts are read and
// never echoed), 503 if the backend fails. Only suppressed aggregates ever
// leave (common/report).
//
// Thread safety: Start/Stop from one thread; requests are served on
// httplib's worker threads and call the backend concurrently.

#include <functional>
#include <memory>
#include <string>

#include "common/util/clock.h"
#include "common/util/status.h"
#include "server/report/report_backend.h"

namespace httplib {
class Server;
}

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
  // Registers more read-only routes on this listener (the hub's agenda,
  // server/agenda/agenda_routes.h): `install` runs once, now. Call before
  // Start. The security headers, the exception and 404 handlers apply.
  void AddRoutes(const std::function<void(httplib::Server&)>& install);
  // Stops serving and joins the thread. Idempotent.
  void Stop();
  int port() const;

  // A one-time code for `token` (valid 10 minutes, single use): the URL
  // http://host:port/login?code=C opens the dashboard without the token in
  // any URL. The token is checked when the code is redeemed.
  common::Result<std::string> IssueLoginCode(const std::string& token);
  // Prometheus text: the backend's counters, then this endpoint's
  // (relais_report_http_requests_total, relais_report_build_seconds).
  std::string MetricsText();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace relais::server
