// AppState::maintenance through the pure Apply (kiosk/app): the screen
// changes, input is ignored meanwhile and works again after.
#include <gtest/gtest.h>

#include "kiosk/app/apply.h"
#include "kiosk/app/i18n.h"

namespace relais::kiosk {
namespace {

constexpr int64_t kNow = 1796261400000;  // 2026-12-03 02:30 Paris

TEST(MaintenanceApplyTest, InputIsIgnoredDuringTheNightlyCompaction) {
  AppState s = InitialState(kNow, Lang::kFr);
  s.effects.clear();
  const uint64_t v0 = s.version;
  Apply(s, act::Maintenance{true});
  EXPECT_TRUE(s.maintenance);
  EXPECT_GT(s.version, v0);  // redrawn as « Maintenance de nuit… »
  Apply(s, act::Tick{kNow + 60'000});
  const int64_t last_input = s.last_input_ms;
  const uint64_t v1 = s.version;
  Apply(s, act::Navigate{Screen::kCheckInCode});
  Apply(s, act::Keypad{"1"});
  Apply(s, act::UnlockStaff{"1234", "secretariat"});
  EXPECT_EQ(s.screen, Screen::kWelcome);
  EXPECT_FALSE(s.staff_unlocked);
  EXPECT_TRUE(s.effects.empty()) << "une saisie a produit un effet pendant la maintenance";
  EXPECT_EQ(s.last_input_ms, last_input) << "une saisie ignorée compte comme activité";
  EXPECT_EQ(s.version, v1);
  // The same running flag again changes nothing.
  Apply(s, act::Maintenance{true});
  EXPECT_EQ(s.version, v1);
  Apply(s, act::Maintenance{false});
  EXPECT_FALSE(s.maintenance);
  Apply(s, act::Navigate{Screen::kCheckInCode});
  EXPECT_EQ(s.screen, Screen::kCheckInCode);
}

TEST(MaintenanceApplyTest, TextInBothLanguages) {
  EXPECT_STREQ(Tr(Lang::kFr, Msg::kNightMaintenance), "Maintenance de nuit…");
  EXPECT_STREQ(Tr(Lang::kEn, Msg::kNightMaintenance), "Night maintenance…");
}

}  // namespace
}  // namespace relais::kiosk
