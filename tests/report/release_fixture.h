#pragma once
// A year (2026) of report facts at three sites with many small cells, for
// the release tests: "A" busy (20-60 appointments a month), "B" small
// (0-16), "C" tiny (0-7) whose only practitioner is one doctor. Seeded: the
// tests print the seed.

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>

#include "common/report/facts.h"
#include "common/util/time.h"

namespace relais::common::report::testing {

inline FactSet ReleaseFixture(uint32_t seed) {
  std::mt19937 rng(seed);
  auto uni = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  struct SiteSpec {
    const char* id;
    int lo, hi;                                // appointments per month
    std::map<std::string, std::string> staff;  // contributor -> profession
  };
  const SiteSpec specs[] = {
      {"A",
       20,
       60,
       {{"a1", "medecin_generaliste"},
        {"a2", "medecin_generaliste"},
        {"a3", "medecin_generaliste"},
        {"a4", "ide"},
        {"a5", "mk"}}},
      {"B",
       0,
       16,
       {{"b1", "medecin_generaliste"},
        {"b2", "medecin_generaliste"},
        {"b3", "ide"}}},
      {"C", 0, 7, {{"c1", "medecin_generaliste"}}},
  };
  FactSet out;
  for (const SiteSpec& s : specs) {
    SiteFacts& f = out[s.id];
    std::map<uint64_t, int32_t> first_done;
    for (int m = 1; m <= 12; ++m) {
      const int64_t d0 = DaysFromCivil({2026, m, 1});
      const int days = DaysInMonth(2026, m);
      const int n = uni(s.lo, s.hi);
      for (int i = 0; i < n; ++i) {
        AppointmentFact a;
        a.day = static_cast<int32_t>(d0 + uni(0, days - 1));
        a.due_s = a.day * int64_t{86400} + 9 * 3600 + 900;
        const int st = uni(0, 99);
        a.status = st < 65   ? FactStatus::kDone
                   : st < 78 ? FactStatus::kNoShow
                   : st < 95 ? FactStatus::kCancelled
                             : FactStatus::kPending;
        a.late_cancel = a.status == FactStatus::kCancelled && uni(0, 2) == 0;
        if (a.status == FactStatus::kDone) {
          const int k = uni(0, 19);
          a.kind = k < 2   ? FactKind::kSnp
                   : k < 3 ? FactKind::kHomeVisit
                   : k < 4 ? FactKind::kTeleconsultation
                           : FactKind::kOther;
          a.patient = static_cast<uint64_t>(uni(1, 150)) + 1000 * (s.id[0]);
          auto [it, fresh] = first_done.emplace(a.patient, a.day);
          if (!fresh) it->second = std::min(it->second, a.day);
        }
        if (a.status == FactStatus::kDone || uni(0, 3) == 0) {
          a.checkin = uni(0, 2) ? FactCheckin::kKiosk : FactCheckin::kStaff;
          a.wait_min = uni(0, 45);
        }
        f.appointments.push_back(a);
      }
      // Presence: each practitioner works some half-days of the month.
      for (const auto& [who, prof] : s.staff) {
        const int halves = uni(0, s.id[0] == 'A' ? 14 : 6);
        std::set<std::pair<int, int>> seen;
        for (int h = 0; h < halves; ++h) {
          const int d = uni(0, days - 1), half = uni(1, 2);
          if (!seen.insert({d, half}).second) continue;
          f.presence.push_back({static_cast<int32_t>(d0 + d),
                                static_cast<uint8_t>(half), prof, who});
        }
      }
      f.ledger.push_back({static_cast<int32_t>(d0), 120000, "loyer"});
      f.ledger.push_back(
          {static_cast<int32_t>(d0), uni(1000, 9000), "energie"});
    }
    // Walk-in tickets from a generator of their own, so that the other
    // facts are the same as before walk-ins existed: A 5-30 a month, B
    // 0-12, C 0-4 (many small cells); two thirds called, waits 0-90 min.
    std::mt19937 walk(seed ^ 0x5741u ^ static_cast<uint32_t>(s.id[0]));
    auto wuni = [&](int lo, int hi) {
      return std::uniform_int_distribution<int>(lo, hi)(walk);
    };
    const int walk_hi = s.id[0] == 'A' ? 30 : s.id[0] == 'B' ? 12 : 4;
    // Communes of residence, from the same generator: half from the main
    // town, a tenth not recorded, the rest from three neighbours and, for
    // A, a few from far away (tiny cells).
    for (AppointmentFact& a : f.appointments) {
      const int r = wuni(0, 99);
      a.commune = r < 50   ? "29019"
                  : r < 60 ? ""
                  : r < 72 ? "29075"
                  : r < 84 ? "29103"
                  : r < 96 || s.id[0] != 'A' ? "29232"
                             : "2A004";
    }
    for (int m = 1; m <= 12; ++m) {
      const int64_t d0 = DaysFromCivil({2026, m, 1});
      const int n = wuni(s.id[0] == 'A' ? 5 : 0, walk_hi);
      for (int i = 0; i < n; ++i)
        f.tickets.push_back(
            {static_cast<int32_t>(d0 + wuni(0, DaysInMonth(2026, m) - 1)),
             wuni(0, 2) ? wuni(0, 90) : -1});
    }
    for (const auto& [p, day] : first_done) f.first_visits.push_back(day);
    f.last_write_ms = 1'790'000'000'000;
  }
  return out;
}

// After every month of 2026 is over (Paris).
inline int64_t AfterYear() { return ParisLocalToUtc({2027, 1, 20}, 12, 0); }

}  // namespace relais::common::report::testing
