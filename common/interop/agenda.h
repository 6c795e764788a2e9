#pragma once
// What the agenda exporters (ical.h, fhir.h) read: plain model values the
// caller has already loaded, opened and filtered to the exported period.
// Standard library and model only: no SQLite, no network, no clock (the
// export instant is an argument, so equal inputs give equal bytes).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/model/schema.h"

namespace relais::common::interop {

// A site as exported: its id and display name ("" = the id).
struct AgendaSite {
  std::string id;
  std::string name;
};

// A free slot (domain::Slot reduced to what is exported).
struct AgendaFreeSlot {
  std::string practitioner;  // qualified "id@site"
  std::string site;
  std::string kind;  // plage kind (programmee, ...)
  int64_t start = 0;  // UTC seconds
  int duration_min = 0;
};

struct Agenda {
  std::string organisation_id;    // short id (IsValidSiteId)
  std::string organisation_name;  // display name
  std::vector<AgendaSite> sites;
  std::vector<Practitioner> practitioners;  // deleted ones are skipped
  // Opened values (sealed fields readable or kUnreadable); deleted ones are
  // skipped. Only the appointments of the exported period.
  std::vector<Appointment> appointments;
  std::vector<AgendaFreeSlot> free_slots;
  int64_t from = 0;  // exported period [from, to), UTC seconds
  int64_t to = 0;
};

// "id" qualified as "id@site"; a reference with '@' is kept (the same rule
// as domain::QualifyRef, restated so that interop depends on model only).
std::string QualifiedRef(const std::string& ref, const std::string& site);

// French labels shown to people: kind of appointment ("Consultation"...),
// status ("prévu", "arrivé"...). Unknown values are returned as they are.
std::string KindLabel(const std::string& kind);
std::string StatusLabel(const std::string& status);

// Display name of `site_id` in `agenda` (its id when unnamed or unknown).
std::string SiteName(const Agenda& agenda, const std::string& site_id);

// Appointments that are exported, in export order: not deleted, status
// among AppointmentStatuses(); sorted by start, then id.
std::vector<const Appointment*> ExportedAppointments(const Agenda& agenda);

// Drops bytes that are not valid UTF-8 (each replaced by U+FFFD) and
// control characters other than '\n' (CR LF and lone CR become '\n'), so
// hostile stored text cannot break either format.
std::string CleanText(std::string_view s);

}  // namespace relais::common::interop
