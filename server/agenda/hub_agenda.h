#pragma once
// An organisation's agenda as the hub holds it (issue #20): the input of the
// FHIR and iCalendar exporters (common/interop), read from any HubStore.
//
// The hub never holds patient identities in clear (sealed fields, docs/
// security.md): names, birth dates, notes, check-in codes and blind indexes
// are blanked here, whatever the store returns, so nothing served from the
// hub can carry them. Patients appear only as per-response pseudonyms.
// Exception (issue #20): with `reveal` (the organisation's key, unwrapped
// for one request by a details token, agenda_tokens.h), the sealed name and
// birth date that open under that key are kept; values that do not open
// (another organisation's, tampered, or clear legacy text) stay blank.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/crypto/keyring.h"
#include "common/interop/agenda.h"
#include "common/util/status.h"
#include "server/hub_store.h"

namespace relais::server {

struct HubAgendaQuery {
  std::string org;           // organisation id: its sites and its pseudo-site
  int64_t from = 0, to = 0;  // [from, to), UTC seconds; at most 120 days
  std::string practitioner;  // "id@site": only their appointments; "" = all
  bool free_slots = false;   // compute the free slots of the period
  // Opens patient name and birth date (see above); null = pseudonymous.
  // Not owned; must outlive the call.
  const common::crypto::Keyring* reveal = nullptr;
};

// Most records read for one request, and most appointments / slots served.
inline constexpr size_t kMaxHubAgendaRecords = 400000;
inline constexpr size_t kMaxHubAgendaItems = 20000;

// The organisation's sites are the hub's sites whose site record names it
// (`org`), the site whose id is the organisation (a one-site house), and
// its pseudo-site. NOT_FOUND (French) if it has none; INVALID_ARGUMENT for
// a bad query; FAILED_PRECONDITION if the organisation or the period is too
// large (limits above); store errors as they are.
common::Result<common::interop::Agenda> LoadHubAgenda(HubStore& store, const HubAgendaQuery& q);

}  // namespace relais::server
