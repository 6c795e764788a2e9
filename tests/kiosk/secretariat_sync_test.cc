// Two replicas of one site (the house's desk and the remote secretariat),
// each through the kiosk's secretariat screen (Apply + EffectRunner), book
// the same free slot offline; after syncing through a real hub on loopback
// both list the double booking and designate the same appointment (the one
// booked later); the move made on one replica ends the overlap there and,
// after sync, on the other, and both converge byte for byte.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/domain/plage_input.h"
#include "common/model/schedule.h"
#include "kiosk/app/apply.h"
#include "kiosk/app/effects.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOnce;
namespace {

using common::testing::UtcSeconds;
namespace k = relais::kiosk;

// One kiosk over one replica: its state and effect runner.
struct Kiosk {
  explicit Kiosk(common::Replica* r, int64_t now_ms) : runner(r, nullptr) {
    state = k::InitialState(now_ms, k::Lang::kFr);
    state.staff_unlocked = true;
    state.staff_user = k::kSecretariat;
    Run();
    Do(k::act::Navigate{k::Screen::kSecretariat});
  }
  void Run() {
    common::Status st = runner.RunPending(state);
    EXPECT_TRUE(st.ok()) << st.ToString() << " / " << state.message;
  }
  void Do(const k::Action& a) {
    k::Apply(state, a);
    Run();
  }
  void Reload() {
    state.effects.push_back(k::EffReload{});
    Run();
  }
  k::EffectRunner runner;
  k::AppState state;
};

class SecretariatSyncTest : public HubFixture {};

TEST_F(SecretariatSyncTest, OfflineDoubleBookingIsMovedOnOneReplicaAndGoneOnBoth) {
  const std::string desk_token = Enroll({"S1"}, "accueil");
  const std::string sec_token = Enroll({"S1"}, "secretariat");
  auto desk = NewReplica("desk.db", "S1", 1);
  auto sec = NewReplica("sec.db", "S1", 2);
  ASSERT_TRUE(desk && sec);
  ASSERT_OK(desk->AddPractitioner("a", "Dr A", "medecin"));
  // Monday plage 09:00-10:00 Paris in 15 min, from Monday 7 December 2026.
  common::Schedule s;
  s.practitioner = "a@S1";
  s.weekday = 1;
  s.start_time = "09:00";
  s.end_time = "10:00";
  s.kind = "programmee";
  s.slot_min = 15;
  s.valid_from = "2026-12-07";
  auto written = desk->Write(common::Collection::kSchedule, "plg-1", common::ScheduleChanges(s));
  ASSERT_OK(written);
  ASSERT_OK(SyncOnce(*desk, Options(desk_token)));
  ASSERT_OK(SyncOnce(*sec, Options(sec_token)));

  // Both screens at 07:00 Paris on Monday 7 December (CET: 06:00Z).
  const int64_t now_ms = UtcSeconds(2026, 12, 7, 6, 0) * 1000;
  const int64_t nine = UtcSeconds(2026, 12, 7, 8, 0);
  Kiosk kd(desk.get(), now_ms), ks(sec.get(), now_ms);
  std::string booked[2];
  int i = 0;
  for (Kiosk* kk : {&kd, &ks}) {
    kk->Do(k::act::SearchSlots{k::SlotFilter{}});
    ASSERT_FALSE(kk->state.secretariat.slots.empty()) << kk->state.message;
    ASSERT_EQ(kk->state.secretariat.slots[0].start, nine);
    kk->Do(k::act::SelectSlot{0});
    kk->Do(k::act::BookSlot{i == 0 ? "ACCUEIL Anne" : "PLATEFORME Paul", "02/03/1950"});
    ASSERT_TRUE(kk->state.secretariat.booked.has_value()) << kk->state.message;
    booked[i++] = kk->state.secretariat.booked->appointment_id;
    // Locally 09:00 is gone from the proposals, no overlap yet.
    EXPECT_EQ(kk->state.secretariat.slots[0].start, nine + 15 * 60);
    EXPECT_TRUE(kk->state.secretariat.overlaps.empty());
    // The secretariat books strictly later (creation stamps differ).
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  ASSERT_OK(SyncOnce(*desk, Options(desk_token)));
  ASSERT_OK(SyncOnce(*sec, Options(sec_token)));
  ASSERT_OK(SyncOnce(*desk, Options(desk_token)));
  for (Kiosk* kk : {&kd, &ks}) {
    kk->Reload();
    ASSERT_EQ(kk->state.secretariat.overlaps.size(), 1u);
    const k::SecOverlap& o = kk->state.secretariat.overlaps[0];
    EXPECT_EQ(o.first.start, nine);
    EXPECT_EQ(o.second.start, nine);
    EXPECT_EQ(o.move_id, booked[1]);  // the secretariat's, booked later: on both
  }

  // The move, on the desk: 09:15 is the next free slot.
  const k::SecOverlap o = kd.state.secretariat.overlaps[0];
  kd.Do(k::act::MoveOverlap{o.first.id, o.second.id});
  EXPECT_FALSE(kd.state.message_is_error) << kd.state.message;
  EXPECT_TRUE(kd.state.secretariat.overlaps.empty());
  ASSERT_OK(SyncOnce(*desk, Options(desk_token)));
  ASSERT_OK(SyncOnce(*sec, Options(sec_token)));
  ks.Reload();
  EXPECT_TRUE(ks.state.secretariat.overlaps.empty());
  for (common::Replica* r : {desk.get(), sec.get()}) {
    auto day = r->AppointmentsOn(common::CivilDate{2026, 12, 7});
    ASSERT_OK(day);
    ASSERT_EQ(day->size(), 2u);
    for (const common::Appointment& a : *day) {
      EXPECT_EQ(a.start, a.id == booked[1] ? nine + 15 * 60 : nine) << a.id;
      EXPECT_EQ(a.patient_name, a.id == booked[1] ? "PLATEFORME Paul" : "ACCUEIL Anne");
    }
  }
  auto d = desk->Dump();
  auto c = sec->Dump();
  ASSERT_OK(d);
  ASSERT_OK(c);
  EXPECT_EQ(*d, *c);
}

}  // namespace
}  // namespace relais::server::testing
