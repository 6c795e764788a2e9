#pragma once
// iCalendar (RFC 5545) export of an agenda: one VCALENDAR, one VEVENT per
// exported appointment (agenda.h ExportedAppointments), for a practitioner's
// phone or calendar client. Pure: standard library and model only.
//
// Format (docs/interop.md):
// - Lines end with CRLF and are folded at 75 octets (RFC 5545 §3.1): a
//   longer line continues on lines starting with one space; a UTF-8
//   sequence is never split.
// - TEXT values escape '\' ';' ',' and newlines (§3.3.11); controls are
//   dropped and invalid UTF-8 replaced (CleanText).
// - DTSTART/DTEND in UTC ("20260323T080000Z"); X-WR-TIMEZONE says the
//   house's zone (Europe/Paris) for clients that show it.
// - UID "<appointment id, FhirStyleId>@relais-sante": stable across exports.
// - DTSTAMP: the export instant (options.now).
// - STATUS: CANCELLED for a cancelled appointment, CONFIRMED otherwise; the
//   French status label ("prévu", "arrivé"...) is in DESCRIPTION.
// - SUMMARY: the kind ("Consultation"), plus " — <patient name>" only with
//   options.with_patient_names. LOCATION: "<site name>, salle <room>".
// - Never exported: patient name (unless asked), birth date, note, check-in
//   code, patient reference.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/interop/agenda.h"

namespace relais::common::interop {

struct IcalOptions {
  // Puts the patient's name in SUMMARY (the practitioner's own device only;
  // the caller logs the reveal).
  bool with_patient_names = false;
  int64_t now = 0;            // DTSTAMP, UTC seconds
  std::string calendar_name;  // X-WR-CALNAME ("" = none)
};

// The whole calendar, CRLF line ends, folded. Deterministic.
std::string ExportIcal(const Agenda& agenda, const IcalOptions& options);

// RFC 5545 TEXT escaping of CleanText(s).
std::string EscapeIcalText(std::string_view s);
// "NAME:value" folded at 75 octets, each physical line ending with CRLF.
std::string FoldIcalLine(std::string_view line);
// UTC date-time "YYYYMMDDTHHMMSSZ".
std::string IcalUtc(int64_t utc_s);

}  // namespace relais::common::interop
