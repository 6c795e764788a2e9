#pragma once
// The French dashboard page of the funder endpoint: a self-contained HTML
// document (inline CSS and SVG, no script, no external asset) so it works
// offline and under a strict Content-Security-Policy. Pure.

#include <string>
#include <vector>

#include "common/report/report.h"

namespace relais::server {

// The token is never part of the page, its form or its links: the browser
// holds a session cookie (server/report/sessions.h).
struct DashboardParams {
  std::vector<std::string> allowed_sites;  // for the site selector
  std::string site;                        // selected site, "" = all
  // Order of the table of consultations by commune: "" (site, then commune
  // name), "commune" (name), "insee" (code), or a quarter "YYYY-Tq" (most
  // consultations first). Checked by IsValidCommuneSort().
  std::string sort;
};

// True for the values DashboardParams::sort accepts.
bool IsValidCommuneSort(const std::string& sort);

// REQUIRES: r.suppressed. Every cell carries data-site/data-row/data-col
// attributes (tests and scrapers read them).
std::string RenderDashboard(const common::report::Report& r,
                            const DashboardParams& p);

// A minimal French error page (401/403/400...), `message` is escaped.
std::string RenderErrorPage(int http_status, const std::string& message);

// The login page: a form posting the council token to /login (in the body,
// never in the URL). `message` (escaped) says why, "" for none.
std::string RenderLoginPage(const std::string& message);

// HTML-escapes & < > " '.
std::string HtmlEscape(const std::string& s);

}  // namespace relais::server
