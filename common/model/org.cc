#include "common/model/org.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "common/model/schedule.h"

namespace relais::common {

namespace {

std::string Get(const FieldView& v, const char* f) {
  auto it = v.find(f);
  return it == v.end() ? std::string() : it->second;
}

bool Deleted(const FieldView& v) { return Get(v, kDeletedField) == "1"; }

bool HasControl(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    const unsigned char c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7f;
  });
}

std::string Bad(const std::string& f, const std::string& what, const std::string& v) {
  return "champ '" + f + "': " + what + " " + QuoteForMessage(v);
}

std::string ShortText(const std::string& f, const std::string& v, bool required) {
  if (required && v.empty()) return "champ '" + f + "': nom vide";
  if (v.size() > kMaxShortTextLen)
    return "champ '" + f + "': texte trop long (" + std::to_string(kMaxShortTextLen) +
           " octets au plus)";
  if (HasControl(v)) return "champ '" + f + "': caractères de contrôle interdits";
  return "";
}

std::string PoleRef(const std::string& f, const std::string& v) {
  if (v.empty() || IsValidSiteId(v)) return "";
  return Bad(f, "identifiant de pôle invalide", v);
}

std::string SitesList(const std::string& f, const std::string& v) {
  if (v.empty()) return "";
  if (v.size() > kMaxPractitionerSites * 65) return "champ '" + f + "': liste trop longue";
  const std::vector<std::string> sites = SplitSites(v);
  if (sites.size() > kMaxPractitionerSites)
    return "champ '" + f + "': plus de " + std::to_string(kMaxPractitionerSites) + " sites";
  std::set<std::string> seen;
  for (const std::string& s : sites) {
    if (!IsValidSiteId(s)) return Bad(f, "site invalide dans la liste", v);
    if (!seen.insert(s).second) return Bad(f, "site en double dans la liste", s);
  }
  return "";
}

// "d" or "d-d" -> [lo, hi]; false on anything else.
bool ParseDays(const std::string& s, int* lo, int* hi) {
  auto day = [](char c) { return c >= '1' && c <= '7' ? c - '0' : -1; };
  if (s.size() == 1) {
    *lo = *hi = day(s[0]);
  } else if (s.size() == 3 && s[1] == '-') {
    *lo = day(s[0]);
    *hi = day(s[2]);
  } else {
    return false;
  }
  return *lo > 0 && *hi >= *lo;
}

// "HH:MM-HH:MM" -> [from, to); false unless from < to.
bool ParseRange(const std::string& s, int* from, int* to) {
  if (s.size() != 11 || s[5] != '-') return false;
  *from = ParseClockMinutes(s.substr(0, 5), false);
  *to = ParseClockMinutes(s.substr(6), true);
  return *from >= 0 && *to > *from;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  for (;;) {
    const size_t k = s.find(sep, pos);
    out.push_back(s.substr(pos, k == std::string::npos ? std::string::npos : k - pos));
    if (k == std::string::npos) return out;
    pos = k + 1;
  }
}

std::string ParseEntry(const std::string& entry, std::vector<OpeningInterval>* out) {
  const size_t space = entry.find(' ');
  int lo = 0, hi = 0;
  if (space == std::string::npos || !ParseDays(entry.substr(0, space), &lo, &hi))
    return "jours invalides dans " + QuoteForMessage(entry) +
           " (1 = lundi à 7 = dimanche, ex. '1-5 08:00-12:00')";
  for (const std::string& range : Split(entry.substr(space + 1), ',')) {
    int from = 0, to = 0;
    if (!ParseRange(range, &from, &to))
      return "plage horaire invalide " + QuoteForMessage(range) +
             " (HH:MM-HH:MM, fin après début, 24:00 au plus)";
    for (int d = lo; d <= hi; ++d) {
      if (out->size() >= static_cast<size_t>(kMaxHoursIntervals))
        return "trop d'intervalles d'ouverture (" + std::to_string(kMaxHoursIntervals) +
               " au plus)";
      out->push_back({d, from, to});
    }
  }
  return "";
}

}  // namespace

std::string ParseOpeningHours(const std::string& text, std::vector<OpeningInterval>* out) {
  out->clear();
  if (text.empty()) return "";
  if (text.size() > kMaxHoursTextLen)
    return "horaires trop longs (" + std::to_string(kMaxHoursTextLen) + " octets au plus)";
  std::vector<OpeningInterval> v;
  for (const std::string& entry : Split(text, ';')) {
    if (std::string err = ParseEntry(entry, &v); !err.empty()) return err;
  }
  std::sort(v.begin(), v.end(), [](const OpeningInterval& a, const OpeningInterval& b) {
    return std::tie(a.weekday, a.from, a.to) < std::tie(b.weekday, b.from, b.to);
  });
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i].weekday == v[i - 1].weekday && v[i].from < v[i - 1].to)
      return "horaires qui se chevauchent le jour " + std::to_string(v[i].weekday) +
             " (un intervalle commence avant la fin du précédent)";
  *out = std::move(v);
  return "";
}

SiteInfo SiteFromView(const Record& r, const FieldView& v) {
  using namespace field;
  SiteInfo s;
  s.id = r.id;
  s.site_id = r.site_id;
  s.name = Get(v, kName);
  s.org = Get(v, kOrg);
  s.kind = Get(v, kSiteKind);
  s.hours = Get(v, kHours);
  s.address = Get(v, kAddress);
  s.commune = Get(v, kCommune);
  s.deleted = Deleted(v);
  return s;
}

Pole PoleFromView(const Record& r, const FieldView& v) {
  return Pole{r.id, r.site_id, Get(v, field::kName), Deleted(v)};
}

Room RoomFromView(const Record& r, const FieldView& v) {
  return Room{r.id, r.site_id, Get(v, field::kName), Get(v, field::kPole), Deleted(v)};
}

std::string RoomRecordId(const std::string& room, const std::string& site) {
  if (!IsValidSiteId(room) || !IsValidSiteId(site)) return "";
  return room + "@" + site;
}

std::vector<std::string> SplitSites(const std::string& sites) {
  if (sites.empty()) return {};
  return Split(sites, ',');
}

const std::vector<std::string>& PoleFields() {
  static const std::vector<std::string> k = {field::kName, kDeletedField};
  return k;
}

const std::vector<std::string>& RoomFields() {
  static const std::vector<std::string> k = {field::kName, field::kPole, kDeletedField};
  return k;
}

std::string ValidateOrgField(Collection c, const std::string& f, const std::string& v) {
  using namespace field;
  switch (c) {
    case Collection::kSite:
      if (f == kOrg) return v.empty() || IsValidSiteId(v) ? "" : Bad(f, "organisation invalide", v);
      if (f == kSiteKind)
        return v.empty() || v == "centre" || v == "antenne"
                   ? ""
                   : Bad(f, "type de site inconnu (centre ou antenne)", v);
      if (f == kHours) {
        std::vector<OpeningInterval> tmp;
        std::string err = ParseOpeningHours(v, &tmp);
        return err.empty() ? "" : "champ 'hours': " + err;
      }
      if (f == kAddress || f == kCommune) return ShortText(f, v, false);
      return "";
    case Collection::kPractitioner:
      if (f == kSites) return SitesList(f, v);
      if (f == kPole) return PoleRef(f, v);
      return "";
    case Collection::kPole:
      if (f == kName) return ShortText(f, v, true);
      return "";
    case Collection::kRoom:
      if (f == kName) return ShortText(f, v, true);
      if (f == kPole) return PoleRef(f, v);
      return "";
    default:
      return "";
  }
}

}  // namespace relais::common
