// Opening amplitude per day, derived from half-day presence.
#include "common/domain/presence.h"

#include <gtest/gtest.h>

namespace relais::common::domain {
namespace {

Presence P(const std::string& who, const std::string& date, const std::string& half,
           const std::string& state) {
  Presence p;
  p.practitioner = who;
  p.date = date;
  p.half = half;
  p.state = state;
  return p;
}

TEST(OpeningAmplitudeTest, FirstArrivalLastDeparture) {
  std::vector<Presence> v = {
      P("a", "2026-11-24", "am", "present"), P("b", "2026-11-24", "pm", "remplace"),
      P("c", "2026-11-24", "pm", "absent"),  P("a", "2026-11-25", "pm", "present"),
      P("a", "2026-11-26", "am", "en_visite"), P("b", "2026-11-23", "am", "present")};
  v.push_back(P("c", "2026-11-23", "pm", "present"));
  v.back().deleted = true;
  EXPECT_EQ(OpeningAmplitude(v),
            (std::vector<DayAmplitude>{{"2026-11-23", "08:00", "12:30", 1},
                                       {"2026-11-24", "08:00", "20:00", 2},
                                       {"2026-11-25", "13:30", "20:00", 1}}));
}

}  // namespace
}  // namespace relais::common::domain
