// Next free slot search (common/domain/slots.h) against hand-computed
// expectations: every expected instant is written out below as a UTC wall
// time read from the calendar (CET = UTC+1, CEST = UTC+2; changes on
// 2026-03-29 and 2026-10-25 at 01:00 UTC) and converted with timegm(), not
// with the code under test.
#include <gtest/gtest.h>

#include <ctime>

#include "common/domain/plage_input.h"
#include "common/domain/slots.h"
#include "tests/common/test_util.h"

namespace relais::common::domain {
namespace {

// UTC instant of a UTC wall time (libc timegm, not the code under test).
int64_t Utc(int y, int mo, int d, int h, int mi) {
  return relais::common::testing::UtcSeconds(y, mo, d, h, mi);
}

Schedule Plage(const std::string& id, const std::string& pract, const std::string& site,
               int weekday, const std::string& from, const std::string& to, int slot,
               const std::string& kind = "programmee") {
  Schedule s;
  s.id = id;
  s.site_id = site;
  s.practitioner = pract;
  s.weekday = weekday;
  s.start_time = from;
  s.end_time = to;
  s.slot_min = slot;
  s.kind = kind;
  s.valid_from = "2026-01-01";
  return s;
}

Appointment Appt(const std::string& id, const std::string& pract, int64_t start, int dur,
                 const std::string& status = "booked", const std::string& site = "S1") {
  Appointment a;
  a.id = id;
  a.site_id = site;
  a.practitioner = pract;
  a.start = start;
  a.duration_min = dur;
  a.status = status;
  return a;
}

SlotSearch Find(const SlotInputs& in, int64_t after, int count, const std::string& kind = "") {
  SlotQuery q;
  q.after = after;
  q.count = count;
  q.kind = kind;
  auto r = FindFreeSlots(in, q);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : SlotSearch{};
}

std::vector<int64_t> Starts(const SlotSearch& s) {
  std::vector<int64_t> out;
  for (const Slot& x : s.slots) out.push_back(x.start);
  return out;
}

// Friday 27 March 2026 (CET) and Monday 30 March 2026 (CEST), 09:00-10:00
// Paris in 30-minute slots: 08:00Z/08:30Z, then 07:00Z/07:30Z.
TEST(SlotsTest, SpringChangeKeepsWallClock) {
  SlotInputs in;
  in.schedules = {Plage("pl-fri", "a", "S1", 5, "09:00", "10:00", 30),
                  Plage("pl-mon", "a", "S1", 1, "09:00", "10:00", 30)};
  auto s = Find(in, Utc(2026, 3, 27, 0, 0), 4);
  EXPECT_EQ(Starts(s), (std::vector<int64_t>{Utc(2026, 3, 27, 8, 0), Utc(2026, 3, 27, 8, 30),
                                             Utc(2026, 3, 30, 7, 0), Utc(2026, 3, 30, 7, 30)}));
  ASSERT_EQ(s.slots.size(), 4u);
  EXPECT_EQ(s.slots[0].practitioner, "a@S1");
  EXPECT_EQ(s.slots[0].duration_min, 30);
  EXPECT_EQ(s.slots[2].schedule_id, "pl-mon");
}

// Sunday 29 March 2026, plage 01:30-04:00 Paris: 01:30 (CET, 00:30Z), then
// 02:00 and 02:30 do not exist (clocks jump 02:00 -> 03:00), then 03:00
// (01:00Z) and 03:30 (01:30Z). Sunday 5 April (CEST): five slots, 01:30 =
// 23:30Z on the 4th, 02:00 = 00:00Z, 02:30, 03:00, 03:30.
TEST(SlotsTest, SpringGapHasNoSlot) {
  SlotInputs in;
  in.schedules = {Plage("pl-sun", "a", "S1", 7, "01:30", "04:00", 30)};
  auto s = Find(in, Utc(2026, 3, 28, 0, 0), 8);
  EXPECT_EQ(Starts(s), (std::vector<int64_t>{Utc(2026, 3, 29, 0, 30), Utc(2026, 3, 29, 1, 0),
                                             Utc(2026, 3, 29, 1, 30), Utc(2026, 4, 4, 23, 30),
                                             Utc(2026, 4, 5, 0, 0), Utc(2026, 4, 5, 0, 30),
                                             Utc(2026, 4, 5, 1, 0), Utc(2026, 4, 5, 1, 30)}));
}

// Friday 23 October 2026 (CEST) 09:00 = 07:00Z; Sunday 25 October, plage
// 02:00-03:00 Paris in 30 min: the repeated hour is taken at its first
// (summer) instant: 00:00Z, 00:30Z; Monday 26 October (CET) 09:00 = 08:00Z.
TEST(SlotsTest, AutumnChangeWeek) {
  SlotInputs in;
  in.schedules = {Plage("pl-fri", "a", "S1", 5, "09:00", "09:30", 30),
                  Plage("pl-sun", "a", "S1", 7, "02:00", "03:00", 30),
                  Plage("pl-mon", "a", "S1", 1, "09:00", "09:30", 30)};
  auto s = Find(in, Utc(2026, 10, 23, 0, 0), 4);
  EXPECT_EQ(Starts(s), (std::vector<int64_t>{Utc(2026, 10, 23, 7, 0), Utc(2026, 10, 25, 0, 0),
                                             Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 26, 8, 0)}));
}

// Monday 7 December 2026 (CET), plage 09:00-10:00 in 15 min. An appointment
// 09:00-09:15 (08:00Z) touches the 09:15 slot without taking it; a
// cancelled one at 09:15 frees it; a booked 30-min one at 09:30 takes 09:30
// and 09:45.
TEST(SlotsTest, TouchingAndCancelled) {
  SlotInputs in;
  in.schedules = {Plage("pl", "a", "S1", 1, "09:00", "10:00", 15)};
  in.appointments = {Appt("r1", "a", Utc(2026, 12, 7, 8, 0), 15),
                     Appt("r2", "a@S1", Utc(2026, 12, 7, 8, 15), 15, "cancelled"),
                     Appt("r3", "a", Utc(2026, 12, 7, 8, 30), 30)};
  auto s = Find(in, Utc(2026, 12, 7, 0, 0), 2);
  EXPECT_EQ(Starts(s), (std::vector<int64_t>{Utc(2026, 12, 7, 8, 15), Utc(2026, 12, 14, 8, 0)}));
  EXPECT_TRUE(s.to_move.empty());
  // An appointment at another site still makes the practitioner busy.
  in.appointments.push_back(Appt("r4", "a@S1", Utc(2026, 12, 7, 8, 10), 10, "booked", "S2"));
  s = Find(in, Utc(2026, 12, 7, 0, 0), 1);
  EXPECT_EQ(Starts(s), (std::vector<int64_t>{Utc(2026, 12, 14, 8, 0)}));
}

// Leave of a on Monday 7 December 2026: a's slots vanish that day, b's
// remain, a's booked appointment is to move (reason conge).
TEST(SlotsTest, LeaveRemovesSlotsAndFlagsBooked) {
  SlotInputs in;
  in.schedules = {Plage("pa", "a", "S1", 1, "09:00", "09:30", 30),
                  Plage("pb", "b", "S1", 1, "10:00", "10:30", 30)};
  ScheduleException e;
  e.id = "ex1";
  e.site_id = "S1";
  e.kind = "conge";
  e.practitioner = "a";
  e.first_day = e.last_day = "2026-12-07";
  in.exceptions = {e};
  in.appointments = {Appt("r1", "a", Utc(2026, 12, 7, 8, 0), 30)};
  auto s = Find(in, Utc(2026, 12, 7, 0, 0), 3);
  ASSERT_EQ(s.slots.size(), 3u);
  EXPECT_EQ(s.slots[0].practitioner, "b@S1");
  EXPECT_EQ(s.slots[0].start, Utc(2026, 12, 7, 9, 0));
  EXPECT_EQ(s.slots[1].practitioner, "a@S1");
  EXPECT_EQ(s.slots[1].start, Utc(2026, 12, 14, 8, 0));
  EXPECT_EQ(s.slots[2].practitioner, "b@S1");
  ASSERT_EQ(s.to_move.size(), 1u);
  EXPECT_EQ(s.to_move[0].appointment.id, "r1");
  EXPECT_EQ(s.to_move[0].reason, "conge");
}

// A site closed (fermeture) on 7 December: no slot there, its booked
// appointment is to move; the other site is untouched.
TEST(SlotsTest, ClosedSite) {
  SlotInputs in;
  in.schedules = {Plage("p1", "a", "S1", 1, "09:00", "09:30", 30),
                  Plage("p2", "a@S1", "S2", 1, "14:00", "14:30", 30)};
  ScheduleException e;
  e.id = "ex";
  e.site_id = "S1";
  e.kind = "fermeture";
  e.first_day = e.last_day = "2026-12-07";
  in.exceptions = {e};
  in.appointments = {Appt("r1", "c", Utc(2026, 12, 7, 10, 0), 20)};
  auto s = Find(in, Utc(2026, 12, 7, 0, 0), 1);
  ASSERT_EQ(s.slots.size(), 1u);
  EXPECT_EQ(s.slots[0].site, "S2");
  EXPECT_EQ(s.slots[0].start, Utc(2026, 12, 7, 13, 0));
  ASSERT_EQ(s.to_move.size(), 1u);
  EXPECT_EQ(s.to_move[0].reason, "fermeture");
}

// c replaces a on 7 December: a's plage is offered as c's; a booked
// appointment of a at 09:00 still takes its slot (c sees that patient) and
// is not to move.
TEST(SlotsTest, ReplacementOffersReplacingPractitioner) {
  SlotInputs in;
  in.schedules = {Plage("pa", "a", "S1", 1, "09:00", "10:00", 30)};
  ScheduleException e;
  e.id = "ex";
  e.site_id = "S1";
  e.kind = "remplacement";
  e.practitioner = "a";
  e.replacement = "c";
  e.first_day = e.last_day = "2026-12-07";
  in.exceptions = {e};
  in.appointments = {Appt("r1", "a", Utc(2026, 12, 7, 8, 0), 30)};
  auto s = Find(in, Utc(2026, 12, 7, 0, 0), 2);
  ASSERT_EQ(s.slots.size(), 2u);
  EXPECT_EQ(s.slots[0].practitioner, "c@S1");
  EXPECT_EQ(s.slots[0].replaces, "a@S1");
  EXPECT_EQ(s.slots[0].start, Utc(2026, 12, 7, 8, 30));
  EXPECT_EQ(s.slots[1].practitioner, "a@S1");
  EXPECT_EQ(s.slots[1].start, Utc(2026, 12, 14, 8, 0));
  EXPECT_TRUE(s.to_move.empty());
  // Filtering on c finds only the replacement day.
  SlotQuery q;
  q.after = Utc(2026, 12, 7, 0, 0);
  q.practitioner = "c@S1";
  q.count = 5;
  auto only_c = FindFreeSlots(in, q);
  ASSERT_TRUE(only_c.ok());
  EXPECT_EQ(Starts(*only_c), (std::vector<int64_t>{Utc(2026, 12, 7, 8, 30)}));
}

// Presence "absent" on the morning of 7 December: morning slots vanish, the
// afternoon ones stay, the booked 09:30 appointment is to move.
TEST(SlotsTest, AbsenceFlagsBookedAppointments) {
  SlotInputs in;
  in.schedules = {Plage("am", "a", "S1", 1, "09:00", "10:00", 30),
                  Plage("pm", "a", "S1", 1, "14:00", "15:00", 30)};
  Presence p;
  p.id = PresenceId("a@S1", "2026-12-07", "am");
  p.site_id = "S1";
  p.practitioner = "a@S1";
  p.date = "2026-12-07";
  p.half = "am";
  p.state = "absent";
  in.presence = {p};
  in.appointments = {Appt("r1", "a", Utc(2026, 12, 7, 8, 30), 15),
                     Appt("r2", "a", Utc(2026, 12, 7, 8, 45), 15, "cancelled")};
  auto s = Find(in, Utc(2026, 12, 7, 0, 0), 2);
  EXPECT_EQ(Starts(s), (std::vector<int64_t>{Utc(2026, 12, 7, 13, 0), Utc(2026, 12, 7, 13, 30)}));
  ASSERT_EQ(s.to_move.size(), 1u);
  EXPECT_EQ(s.to_move[0].appointment.id, "r1");
  EXPECT_EQ(s.to_move[0].reason, "absence");
}

// Equal start: practitioner order, then site; `after` is inclusive; count
// caps the list; sans_rdv only when asked for.
TEST(SlotsTest, OrderAfterAndCount) {
  SlotInputs in;
  in.schedules = {Plage("x", "b", "S1", 1, "09:00", "10:00", 30),
                  Plage("y", "a", "S2", 1, "09:00", "10:00", 30),
                  Plage("z", "a2", "S1", 1, "09:00", "10:00", 30),
                  Plage("w", "a", "S1", 1, "09:00", "12:00", 0, "sans_rdv")};
  auto s = Find(in, Utc(2026, 12, 7, 8, 30), 3);
  ASSERT_EQ(s.slots.size(), 3u);
  EXPECT_EQ(s.slots[0].practitioner, "a2@S1");  // "a2@S1" < "a@S2" < "b@S1"
  EXPECT_EQ(s.slots[1].practitioner, "a@S2");
  EXPECT_EQ(s.slots[2].practitioner, "b@S1");
  for (const Slot& x : s.slots) EXPECT_EQ(x.start, Utc(2026, 12, 7, 8, 30));
  s = Find(in, Utc(2026, 12, 7, 8, 31), 1);
  EXPECT_EQ(Starts(s), (std::vector<int64_t>{Utc(2026, 12, 14, 8, 0)}));
  s = Find(in, Utc(2026, 12, 7, 0, 0), 5, "sans_rdv");
  ASSERT_EQ(s.slots.size(), 5u);
  EXPECT_EQ(s.slots[0].duration_min, 180);
  EXPECT_EQ(s.slots[0].kind, "sans_rdv");
}

TEST(SlotsTest, QueryBoundsRefused) {
  SlotInputs in;
  for (int count : {0, -1, 101, 1 << 30}) {
    SlotQuery q;
    q.count = count;
    EXPECT_FALSE(FindFreeSlots(in, q).ok()) << count;
  }
  SlotQuery q;
  q.kind = "piscine";
  EXPECT_FALSE(FindFreeSlots(in, q).ok());
  q = {};
  q.after = -1;
  EXPECT_FALSE(FindFreeSlots(in, q).ok());
  q = {};
  q.horizon_days = 367;
  EXPECT_FALSE(FindFreeSlots(in, q).ok());
  q = {};
  q.sites = {"S 1"};
  EXPECT_FALSE(FindFreeSlots(in, q).ok());
  q = {};
  q.count = 100;
  EXPECT_TRUE(FindFreeSlots(in, q).ok());
}

// Malformed plages (end before start, programmee without slot length,
// valid_to passed) give nothing; validation refuses them as input.
TEST(SlotsTest, MalformedPlagesSkippedAndRefused) {
  SlotInputs in;
  Schedule bad = Plage("b1", "a", "S1", 1, "10:00", "09:00", 30);
  Schedule no_len = Plage("b2", "a", "S1", 1, "09:00", "10:00", 0);
  Schedule ended = Plage("b3", "a", "S1", 1, "09:00", "10:00", 30);
  ended.valid_to = "2026-06-30";
  in.schedules = {bad, no_len, ended};
  EXPECT_TRUE(Find(in, Utc(2026, 12, 7, 0, 0), 5).slots.empty());
  EXPECT_NE(ValidateNewSchedule(bad), "");
  EXPECT_NE(ValidateNewSchedule(no_len), "");
  EXPECT_EQ(ValidateNewSchedule(ended), "");
  Schedule too_long = Plage("b4", "a", "S1", 1, "09:00", "09:20", 30);
  EXPECT_NE(ValidateNewSchedule(too_long), "");
  EXPECT_EQ(ParseClockMinutes("24:00", true), 1440);
  EXPECT_EQ(ParseClockMinutes("24:00", false), -1);
  EXPECT_EQ(ParseClockMinutes("9:00", false), -1);
  EXPECT_EQ(ParseClockMinutes("09:60", false), -1);
}

}  // namespace
}  // namespace relais::common::domain
