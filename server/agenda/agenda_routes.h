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
//       days ahead, RFC 5545, never a patient name.
//
// Dates: `eq`, `ge`, `gt`, `le`, `lt` or no prefix (= eq) before a Paris day;
// at most two; the period is 1..120 days (default: today and the 6 next
// days). Errors: FHIR OperationOutcome JSON (401 token, 400 parameters, 404
// unknown organisation, 413 too large, 503 storage); text for /ical. The
// hub holds no patient identity in clear: nothing served here can carry one
// (hub_agenda.h), whatever the token.

#include <cstdint>
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

// Registers the routes above on `http`. `store`, `tokens` and `clock` must
// outlive the server. `base_url` prefixes FHIR fullUrls ("" = the default
// of common/interop/fhir.h).
void InstallAgendaRoutes(httplib::Server& http, HubStore& store, SqliteAgendaTokens& tokens,
                         common::Clock& clock, std::string base_url = "");

}  // namespace relais::server
