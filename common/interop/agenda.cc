#include "common/interop/agenda.h"

#include <algorithm>

namespace relais::common::interop {

std::string QualifiedRef(const std::string& ref, const std::string& site) {
  if (ref.find('@') != std::string::npos) return ref;
  return ref + "@" + site;
}

std::string KindLabel(const std::string& kind) {
  if (kind == "consultation") return "Consultation";
  if (kind == "snp") return "Soins non programmés";
  if (kind == "visite_domicile") return "Visite à domicile";
  if (kind == "teleconsultation") return "Téléconsultation";
  return kind;
}

std::string StatusLabel(const std::string& status) {
  if (status == "booked") return "prévu";
  if (status == "checked_in") return "arrivé";
  if (status == "in_consultation") return "en consultation";
  if (status == "done") return "terminé";
  if (status == "no_show") return "absent";
  if (status == "cancelled") return "annulé";
  return status;
}

std::string SiteName(const Agenda& agenda, const std::string& site_id) {
  for (const AgendaSite& s : agenda.sites)
    if (s.id == site_id) return s.name.empty() ? s.id : s.name;
  return site_id;
}

std::vector<const Appointment*> ExportedAppointments(const Agenda& agenda) {
  const std::vector<std::string>& known = AppointmentStatuses();
  std::vector<const Appointment*> out;
  for (const Appointment& a : agenda.appointments) {
    if (a.deleted) continue;
    if (std::find(known.begin(), known.end(), a.status) == known.end()) continue;
    out.push_back(&a);
  }
  std::sort(out.begin(), out.end(), [](const Appointment* x, const Appointment* y) {
    return x->start != y->start ? x->start < y->start : x->id < y->id;
  });
  return out;
}

namespace {

// Length of the valid UTF-8 sequence at s[i] (no overlongs, no surrogates,
// at most U+10FFFF), 0 if invalid.
size_t Utf8Len(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  uint32_t cp = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

}  // namespace

std::string CleanText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\r') {
      out += '\n';
      i += (i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    if (c == '\n') {
      out += '\n';
      ++i;
      continue;
    }
    if (c < 0x20 || c == 0x7F) {  // other controls (tab included) dropped
      ++i;
      continue;
    }
    const size_t n = Utf8Len(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace relais::common::interop
