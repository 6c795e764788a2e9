#pragma once
// The hub's read-only agenda endpoints (issue #20), served on the funding
// office's HTTP listener (server/report/report_server.h, --http-listen):
//
//   GET /fhir/Appointment?date=geAAAA-MM-JJ&date=ltAAAA-MM-JJ
//       Bearer token of kind "fhir" (agenda_tokens.h): the organisation's
//       appointments of the period as a FHIR R4 Bundle (profiles GAP / FR
//       Core, common/interop/fhir.h) with the practitioners, roles,
//       locations and pseudonymous patients they reference.
//   GET /fhir/Slot?status=free&start=geAAAA-MM-JJ&start=ltAAAA-MM-JJ
//       the same token: the free slots of the period (Schedule + Slot).
//   GET /ical/<token>.ics
//       a practitioner's subscription (token of kind "ical" in the URL:
//       calendar apps send no header): their events from 30 days ago to 90
//       days ahead, RFC 5545; a patient's name in SUMMARY only for a token
//       enrolled --with-names (its practitioner's own device).
//
// Dates: `eq`, `ge`, `gt`, `le`, `lt` or no prefix (= eq) before a Paris day;
// at most two; the period is 1..120 days (default: today and the 6 next
// days). Errors: FHIR OperationOutcome JSON (401 token, 400 parameters, 404
// unknown organisation, 413 too large, 503 storage); text for /ical. The
// hub holds no patient identity in clear (hub_agenda.h): a plain token gets
// per-response pseudonyms only. A token enrolled with patient details
// (agenda_tokens.h) carries the organisation's key sealed under itself;
// for its request only, the sealed names and birth dates are opened, the
// FHIR Patient resources carry them (FR Core Patient, name use "usual") and
// the iCal SUMMARY the name, and the disclosure is logged (AgendaAuditLog)
// before the response is sent.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/util/clock.h"
#include "common/util/status.h"
#include "server/agenda/agenda_tokens.h"
#include "server/hub_store.h"

namespace httplib {
class Server;
}

namespace relais::server {

// The period [from, to) (UTC seconds) named by FHIR date parameters
// `values` (each "ge2026-12-01" etc.), today being `today_utc_s`'s Paris
// day. INVALID_ARGUMENT (French) for anything else.
common::Result<std::pair<int64_t, int64_t>> ParseFhirPeriod(
    const std::vector<std::string>& values, int64_t now_s);

// One request served with patient details: who (the token's name), when,
// and how many distinct patients' identities left the hub.
struct AgendaDisclosure {
  std::string token_name;
  std::string kind;  // "fhir" | "ical"
  std::string org;
  std::string practitioner;  // ical: "id@site"
  int64_t at_s = 0;          // UTC seconds
  size_t patients = 0;       // distinct patients whose name or birth date was served
  size_t appointments = 0;   // appointments served
};
using AgendaAuditLog = std::function<void(const AgendaDisclosure&)>;

// The hub log's line for `d` (one line, '\n'-terminated, token name escaped):
// "agenda-details token='ars' kind=fhir org=CDS71 at=2026-12-07T08:00:00Z
// patients=2 appointments=2".
std::string AgendaDisclosureLine(const AgendaDisclosure& d);

// Registers the routes above on `http`. `store`, `tokens` and `clock` must
// outlive the server. `base_url` prefixes FHIR fullUrls ("" = the default
// of common/interop/fhir.h). `audit` receives every disclosure (null: its
// AgendaDisclosureLine on std::cerr, the hub log); it is called on the
// request's thread and must be thread-safe.
void InstallAgendaRoutes(httplib::Server& http, HubStore& store, AgendaTokens& tokens,
                         common::Clock& clock, std::string base_url = "",
                         AgendaAuditLog audit = nullptr);

}  // namespace relais::server
