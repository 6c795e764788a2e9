#include "common/interop/ical.h"

#include <cstdio>

#include "common/interop/fhir.h"
#include "common/util/time.h"

namespace relais::common::interop {

std::string EscapeIcalText(std::string_view s) {
  const std::string clean = CleanText(s);
  std::string out;
  out.reserve(clean.size() + 8);
  for (char c : clean) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string FoldIcalLine(std::string_view line) {
  constexpr size_t kMaxOctets = 75;
  std::string out;
  size_t room = kMaxOctets;  // octets left on the current physical line
  for (size_t i = 0; i < line.size();) {
    // Length of the UTF-8 sequence starting here (continuation bytes follow
    // their lead byte; the input is valid UTF-8 after CleanText).
    size_t n = 1;
    while (i + n < line.size() && (static_cast<unsigned char>(line[i + n]) & 0xC0) == 0x80) ++n;
    if (n > room) {
      out += "\r\n ";
      room = kMaxOctets - 1;
    }
    out.append(line.substr(i, n));
    room -= n;
    i += n;
  }
  out += "\r\n";
  return out;
}

std::string IcalUtc(int64_t utc_s) {
  const int64_t days = utc_s >= 0 ? utc_s / 86400 : (utc_s - 86399) / 86400;
  const int64_t secs = utc_s - days * 86400;
  const CivilDate d = CivilFromDays(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", d.year, d.month, d.day,
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

namespace {

void Line(std::string* out, std::string_view name, std::string_view value) {
  std::string l(name);
  l += ':';
  l += value;
  *out += FoldIcalLine(l);
}

}  // namespace

std::string ExportIcal(const Agenda& agenda, const IcalOptions& options) {
  std::string out;
  Line(&out, "BEGIN", "VCALENDAR");
  Line(&out, "VERSION", "2.0");
  Line(&out, "PRODID", "-//Relais Santé//relais export ical//FR");
  Line(&out, "CALSCALE", "GREGORIAN");
  Line(&out, "METHOD", "PUBLISH");
  if (!options.calendar_name.empty())
    Line(&out, "X-WR-CALNAME", EscapeIcalText(options.calendar_name));
  Line(&out, "X-WR-TIMEZONE", "Europe/Paris");
  const std::string stamp = IcalUtc(options.now);
  for (const Appointment* a : ExportedAppointments(agenda)) {
    Line(&out, "BEGIN", "VEVENT");
    Line(&out, "UID", EscapeIcalText(FhirId(a->id) + "@relais-sante"));
    Line(&out, "DTSTAMP", stamp);
    Line(&out, "DTSTART", IcalUtc(a->start));
    Line(&out, "DTEND", IcalUtc(a->start + a->duration_min * 60));
    std::string summary = KindLabel(a->kind);
    if (options.with_patient_names && !a->patient_name.empty())
      summary += " — " + a->patient_name;
    Line(&out, "SUMMARY", EscapeIcalText(summary));
    std::string where = SiteName(agenda, a->site_id);
    if (!a->room.empty()) where += ", salle " + a->room;
    Line(&out, "LOCATION", EscapeIcalText(where));
    Line(&out, "DESCRIPTION", EscapeIcalText("Statut : " + StatusLabel(a->status)));
    Line(&out, "STATUS", a->status == "cancelled" ? "CANCELLED" : "CONFIRMED");
    Line(&out, "TRANSP", a->status == "cancelled" ? "TRANSPARENT" : "OPAQUE");
    Line(&out, "END", "VEVENT");
  }
  Line(&out, "END", "VCALENDAR");
  return out;
}

}  // namespace relais::common::interop
