#include "common/domain/presence.h"

#include <map>

namespace relais::common::domain {

bool OccupiesPremises(const std::string& state) {
  return state == "present" || state == "remplace";
}

std::vector<DayAmplitude> OpeningAmplitude(const std::vector<Presence>& presence) {
  struct Halves {
    bool am = false, pm = false;
    int count = 0;
  };
  std::map<std::string, Halves> days;
  for (const Presence& p : presence) {
    if (p.deleted || !OccupiesPremises(p.state)) continue;
    Halves& h = days[p.date];
    if (p.half == "am") h.am = true;
    if (p.half == "pm") h.pm = true;
    ++h.count;
  }
  std::vector<DayAmplitude> out;
  for (const auto& [date, h] : days) {
    if (!h.am && !h.pm) continue;
    out.push_back({date, h.am ? kAmStart : kPmStart, h.pm ? kPmEnd : kAmEnd, h.count});
  }
  return out;
}

}  // namespace relais::common::domain
