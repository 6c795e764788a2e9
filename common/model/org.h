#pragma once
// The organisation model (issue #19, docs/domain.md §6d): sites with their
// kind and opening hours, pôles, rooms, and the practitioner's sites and
// pôle. Field names, allowed values, typed views and per-field checks.
// Standard library only.
//
// A site record (Collection::kSite, id = the site id, stored AT that site;
// a record whose id is not its site is ignored by every reader):
//   name          free text (existing field)
//   org           organisation id ("" = none given; a site id otherwise)
//   site_kind     "" | centre | antenne
//   hours         weekly opening hours, ParseOpeningHours below; "" = none
//                 (no restriction)
//   address, commune   optional short text (≤ kMaxShortTextLen bytes, no
//                 control character)
// A pôle (Collection::kPole, stored at the organisation's pseudo-site):
//   name          required, short text
// A room (Collection::kRoom, record id "R@SITE", stored at SITE):
//   name          required, short text
//   pole          "" or a pôle id
// A practitioner (existing collection) gains:
//   sites         "" (= the record's site) or "S1,S2": distinct site ids,
//                 at most kMaxScopeSites (64)
//   pole          "" or a pôle id

#include <string>
#include <vector>

#include "common/model/schema.h"

namespace relais::common {

namespace field {
inline constexpr const char kOrg[] = "org";
inline constexpr const char kSiteKind[] = "site_kind";
inline constexpr const char kHours[] = "hours";
inline constexpr const char kAddress[] = "address";
inline constexpr const char kCommune[] = "commune";
inline constexpr const char kPole[] = "pole";
inline constexpr const char kSites[] = "sites";
}  // namespace field

inline const std::vector<std::string>& SiteKinds() {
  static const std::vector<std::string> k = {"centre", "antenne"};
  return k;
}

// Longest name, address or commune, in bytes.
inline constexpr size_t kMaxShortTextLen = 200;
// Longest opening-hours text, in bytes, and most intervals it may give.
inline constexpr size_t kMaxHoursTextLen = 400;
inline constexpr int kMaxHoursIntervals = 14;
// Most sites in a practitioner's `sites` list.
inline constexpr size_t kMaxPractitionerSites = 64;

// One opening interval: weekday 1 (Monday) .. 7, [from, to) in Paris
// wall-clock minutes, 0 <= from < to <= 1440.
struct OpeningInterval {
  int weekday = 0;
  int from = 0, to = 0;
  bool operator==(const OpeningInterval&) const = default;
};

// Parses weekly opening hours. Grammar (spaces exactly as shown):
//   hours  := ""  |  entry (";" entry)*
//   entry  := days " " range ("," range)*
//   days   := day | day "-" day       (1 = lundi .. 7 = dimanche, lo <= hi)
//   range  := HH:MM "-" HH:MM         (00:00..23:59, then 00:01..24:00,
//                                      end after start)
// e.g. "1-5 08:00-12:00,14:00-19:00;6 08:00-12:00". Each (day, range) is
// one interval; at most kMaxHoursIntervals intervals in all, at most
// kMaxHoursTextLen bytes, no two intervals of one day overlapping
// (touching is allowed: 08:00-12:00 and 12:00-14:00). On success fills
// `out` sorted by (weekday, from) and returns ""; else a French message
// and `out` is left empty.
std::string ParseOpeningHours(const std::string& text, std::vector<OpeningInterval>* out);

struct SiteInfo {
  std::string id, site_id, name, org, kind, hours, address, commune;
  bool deleted = false;
};
SiteInfo SiteFromView(const Record& r, const FieldView& v);

struct Pole {
  std::string id, site_id, name;
  bool deleted = false;
};
Pole PoleFromView(const Record& r, const FieldView& v);

struct Room {
  std::string id, site_id, name, pole;
  bool deleted = false;
};
Room RoomFromView(const Record& r, const FieldView& v);

// Record id of room `room` at `site`: "room@site" ("" if `room` is not a
// short id). Rooms of two sites may share a name and a short id.
std::string RoomRecordId(const std::string& room, const std::string& site);

// Splits a `sites` value ("S1,S2"); "" gives an empty list.
std::vector<std::string> SplitSites(const std::string& sites);

// Field names of the new collections (for validate.cc's FieldsOf).
const std::vector<std::string>& PoleFields();
const std::vector<std::string>& RoomFields();

// Level 1 (validate.h) for the fields this file adds: "" or a French
// message. ValidateOrgField(c, f, v) answers for (site: org, site_kind,
// hours, address, commune), (practitioner: sites, pole), every pôle and
// room field; "" for any other field.
std::string ValidateOrgField(Collection c, const std::string& f, const std::string& v);

}  // namespace relais::common
