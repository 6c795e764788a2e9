// Two replicas of one site (the remote secretariat and the house's desk)
// book the same free slot offline; after syncing through a real hub both
// see the double booking (domain/overlaps.h) and the same next free slot.
#include <gtest/gtest.h>

#include <ctime>

#include "common/domain/overlaps.h"
#include "common/domain/slots.h"
#include "common/domain/plage_input.h"
#include "common/model/schedule.h"
#include "common/replica/slot_inputs.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOnce;
namespace {

// UTC instant of a UTC wall time (libc timegm, not the code under test).
int64_t Utc(int y, int mo, int d, int h, int mi) {
  return relais::common::testing::UtcSeconds(y, mo, d, h, mi);
}

std::vector<int64_t> NextStarts(common::Replica& r, int64_t after, int count) {
  common::domain::SlotQuery q;
  q.after = after;
  q.count = count;
  auto in = common::LoadSlotInputs(r, q);
  EXPECT_TRUE(in.ok()) << in.status().ToString();
  if (!in.ok()) return {};
  auto found = common::domain::FindFreeSlots(*in, q);
  EXPECT_TRUE(found.ok());
  std::vector<int64_t> out;
  if (found.ok())
    for (const auto& s : found->slots) out.push_back(s.start);
  return out;
}

class SlotsSyncTest : public HubFixture {};

TEST_F(SlotsSyncTest, SameSlotBookedOfflineOnTwoReplicasIsAnOverlapEverywhere) {
  // One token per replica (a token binds to the first replica using it).
  const std::string desk_token = Enroll({"S1"}, "accueil");
  const std::string sec_token = Enroll({"S1"}, "secretariat");
  auto desk = NewReplica("desk.db", "S1", 1);
  auto sec = NewReplica("sec.db", "S1", 2);
  ASSERT_TRUE(desk && sec);
  // Monday plage 09:00-10:00 Paris in 15 min, from Monday 7 December 2026.
  ASSERT_OK(desk->AddPractitioner("a", "Dr A", "medecin"));
  common::Schedule s;
  s.practitioner = "a@S1";
  s.weekday = 1;
  s.start_time = "09:00";
  s.end_time = "10:00";
  s.kind = "programmee";
  s.slot_min = 15;
  s.valid_from = "2026-12-07";
  ASSERT_EQ(common::ValidateNewSchedule(s), "");
  auto written =
      desk->Write(common::Collection::kSchedule, "plg-1", common::ScheduleChanges(s));
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  ASSERT_OK(SyncOnce(*desk, Options(desk_token)));
  ASSERT_OK(SyncOnce(*sec, Options(sec_token)));

  // 09:00 Paris on 7 December (CET) = 08:00Z. Both replicas, offline, see
  // it as the first free slot and book it.
  const int64_t after = Utc(2026, 12, 7, 0, 0);
  const int64_t nine = Utc(2026, 12, 7, 8, 0);
  for (common::Replica* r : {desk.get(), sec.get()}) {
    ASSERT_EQ(NextStarts(*r, after, 1), std::vector<int64_t>{nine});
    common::NewAppointment a;
    a.practitioner = "a";
    a.patient_name = r == desk.get() ? "Patient Accueil" : "Patient Plateforme";
    a.start = nine;
    a.duration_min = 15;
    auto added = r->AddAppointment(a);
    ASSERT_OK(added);
    // Locally, 09:00 is taken and no overlap is visible yet.
    EXPECT_EQ(NextStarts(*r, after, 1), std::vector<int64_t>{Utc(2026, 12, 7, 8, 15)});
    auto appts = r->AllAppointments();
    ASSERT_OK(appts);
    EXPECT_TRUE(common::domain::FindOverlaps(*appts).empty());
  }

  ASSERT_OK(SyncOnce(*desk, Options(desk_token)));
  ASSERT_OK(SyncOnce(*sec, Options(sec_token)));
  ASSERT_OK(SyncOnce(*desk, Options(desk_token)));
  for (common::Replica* r : {desk.get(), sec.get()}) {
    auto appts = r->AllAppointments();
    ASSERT_OK(appts);
    ASSERT_EQ(appts->size(), 2u);
    const auto overlaps = common::domain::FindOverlaps(*appts);
    ASSERT_EQ(overlaps.size(), 1u);
    EXPECT_EQ(overlaps[0].first.start, nine);
    EXPECT_EQ(overlaps[0].second.start, nine);
    EXPECT_NE(overlaps[0].first.id, overlaps[0].second.id);
    // Both still propose 09:15 as the next slot: the move target.
    EXPECT_EQ(NextStarts(*r, after, 1), std::vector<int64_t>{Utc(2026, 12, 7, 8, 15)});
  }
  auto d = desk->Dump();
  auto c = sec->Dump();
  ASSERT_OK(d.status());
  ASSERT_OK(c.status());
  EXPECT_EQ(*d, *c);
}

}  // namespace
}  // namespace relais::server::testing
