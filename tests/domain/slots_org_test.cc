// The organisation in the next-free-slot search (domain/slots.h): opening
// hours clip plages, the pôle filter, partial-day exceptions. Every
// expected instant is a UTC wall time read from the calendar (CET = UTC+1,
// CEST = UTC+2; change on 2026-03-29 at 01:00 UTC) through timegm(), not
// through the code under test.
#include <gtest/gtest.h>

#include "common/domain/slots.h"
#include "tests/common/test_util.h"

namespace relais::common::domain {
namespace {

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

SiteInfo Site(const std::string& id, const std::string& hours, const std::string& at = "") {
  SiteInfo s;
  s.id = id;
  s.site_id = at.empty() ? id : at;
  s.hours = hours;
  return s;
}

ScheduleException Exc(const std::string& id, const std::string& kind, const std::string& pract,
                      const std::string& day, const std::string& from, const std::string& to,
                      const std::string& replacement = "") {
  ScheduleException e;
  e.id = id;
  e.site_id = "S1";
  e.kind = kind;
  e.practitioner = pract;
  e.replacement = replacement;
  e.first_day = e.last_day = day;
  e.start_time = from;
  e.end_time = to;
  return e;
}

Appointment Appt(const std::string& id, const std::string& pract, int64_t start, int dur) {
  Appointment a;
  a.id = id;
  a.site_id = "S1";
  a.practitioner = pract;
  a.start = start;
  a.duration_min = dur;
  return a;
}

SlotSearch Find(const SlotInputs& in, int64_t after, int count, const std::string& pole = "") {
  SlotQuery q;
  q.after = after;
  q.count = count;
  q.pole = pole;
  auto r = FindFreeSlots(in, q);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : SlotSearch{};
}

std::vector<int64_t> Starts(const SlotSearch& s) {
  std::vector<int64_t> out;
  for (const Slot& x : s.slots) out.push_back(x.start);
  return out;
}

// S1 opens Monday-Friday 08:00-12:00. Plages 07:00-09:00 in 30 min on
// Friday 27 March (CET: 08:00 = 07:00Z) and Monday 30 March (CEST: 08:00 =
// 06:00Z), and Saturday 28 March 09:00-10:00 (closed all day): only the
// 08:00 and 08:30 slots, in wall-clock time on both sides of the change.
TEST(SlotsOrgTest, OpeningHoursClipAcrossTheSpringChange) {
  SlotInputs in;
  in.sites = {Site("S1", "1-5 08:00-12:00")};
  in.schedules = {Plage("fri", "a", "S1", 5, "07:00", "09:00", 30),
                  Plage("sat", "a", "S1", 6, "09:00", "10:00", 30),
                  Plage("mon", "a", "S1", 1, "07:00", "09:00", 30)};
  auto s = Find(in, Utc(2026, 3, 27, 0, 0), 4);
  EXPECT_EQ(Starts(s), (std::vector<int64_t>{Utc(2026, 3, 27, 7, 0), Utc(2026, 3, 27, 7, 30),
                                             Utc(2026, 3, 30, 6, 0), Utc(2026, 3, 30, 6, 30)}));
  // Without hours, the same plages start at 07:00 (06:00Z on the 27th).
  in.sites.clear();
  EXPECT_EQ(Starts(Find(in, Utc(2026, 3, 27, 0, 0), 1)),
            std::vector<int64_t>{Utc(2026, 3, 27, 6, 0)});
}

// Tuesday 8 December 2026 (CET). S1 opens 08:00-12:00 and 14:00-18:00.
// A plage 07:45-10:00 in 30 min is cut from 08:00 (the clipped start):
// 08:00, 08:30, 09:00, 09:30, not 08:15... A plage 11:00-15:00 in 60 min
// gives 11:00 and 14:00 (closed at lunch). A one-slot teleconsultation
// 07:00-09:00 becomes 08:00-09:00, 60 minutes.
TEST(SlotsOrgTest, ClippedPlageRestartsAtEachOpening) {
  SlotInputs in;
  in.sites = {Site("S1", "2 08:00-12:00,14:00-18:00")};
  in.schedules = {Plage("early", "a", "S1", 2, "07:45", "10:00", 30)};
  auto s = Find(in, Utc(2026, 12, 8, 0, 0), 4);
  EXPECT_EQ(Starts(s), (std::vector<int64_t>{Utc(2026, 12, 8, 7, 0), Utc(2026, 12, 8, 7, 30),
                                             Utc(2026, 12, 8, 8, 0), Utc(2026, 12, 8, 8, 30)}));
  in.schedules = {Plage("lunch", "b", "S1", 2, "11:00", "15:00", 60)};
  s = Find(in, Utc(2026, 12, 8, 0, 0), 3);
  EXPECT_EQ(Starts(s), (std::vector<int64_t>{Utc(2026, 12, 8, 10, 0), Utc(2026, 12, 8, 13, 0),
                                             Utc(2026, 12, 15, 10, 0)}));
  in.schedules = {Plage("tele", "c", "S1", 2, "07:00", "09:00", 0, "teleconsultation")};
  s = Find(in, Utc(2026, 12, 8, 0, 0), 1);
  ASSERT_EQ(s.slots.size(), 1u);
  EXPECT_EQ(s.slots[0].start, Utc(2026, 12, 8, 7, 0));
  EXPECT_EQ(s.slots[0].duration_min, 60);
}

// Only a site's own record counts: a record "S2" stored at S1 (a house
// writing for another site) neither opens nor closes S2. A site record
// without hours restricts nothing; unreadable hours close the site.
TEST(SlotsOrgTest, OnlyTheSitesOwnRecordGivesHours) {
  SlotInputs in;
  in.schedules = {Plage("p2", "a", "S2", 2, "07:00", "08:00", 60)};
  in.sites = {Site("S2", "2 10:00-11:00", "S1"), Site("S1", "")};
  EXPECT_EQ(Starts(Find(in, Utc(2026, 12, 8, 0, 0), 1)),
            std::vector<int64_t>{Utc(2026, 12, 8, 6, 0)});
  in.sites = {Site("S2", "")};
  EXPECT_EQ(Starts(Find(in, Utc(2026, 12, 8, 0, 0), 1)),
            std::vector<int64_t>{Utc(2026, 12, 8, 6, 0)});
  in.sites = {Site("S2", "2 25:00-26:00")};
  EXPECT_TRUE(Find(in, Utc(2026, 12, 8, 0, 0), 1).slots.empty());
}

// a in pôle mg, b in dentaire, c in none; Monday 7 December 2026 09:00
// (08:00Z) for each. The filter keeps the practitioner who works the slot:
// a replaced by c the next Monday is not offered under mg.
TEST(SlotsOrgTest, PoleFilter) {
  SlotInputs in;
  for (const char* p : {"a", "b", "c"}) {
    Practitioner x;
    x.id = std::string(p) + "@S1";
    x.site_id = "S1";
    x.pole = std::string(p) == "a" ? "mg" : std::string(p) == "b" ? "dentaire" : "";
    in.practitioners.push_back(x);
    in.schedules.push_back(Plage(std::string("pl-") + p, p, "S1", 1, "09:00", "09:30", 30));
  }
  in.exceptions = {Exc("rep", "remplacement", "a", "2026-12-14", "", "", "c")};
  auto s = Find(in, Utc(2026, 12, 7, 0, 0), 2, "mg");
  EXPECT_EQ(Starts(s), (std::vector<int64_t>{Utc(2026, 12, 7, 8, 0), Utc(2026, 12, 21, 8, 0)}));
  for (const Slot& x : s.slots) EXPECT_EQ(x.practitioner, "a@S1");
  s = Find(in, Utc(2026, 12, 7, 0, 0), 1, "dentaire");
  ASSERT_EQ(s.slots.size(), 1u);
  EXPECT_EQ(s.slots[0].practitioner, "b@S1");
  EXPECT_TRUE(Find(in, Utc(2026, 12, 7, 0, 0), 1, "inconnu").slots.empty());
  // Without the filter, three slots at 08:00Z on the 7th.
  EXPECT_EQ(Find(in, Utc(2026, 12, 7, 0, 0), 3).slots.size(), 3u);
  SlotQuery bad;
  bad.pole = "mère enfant";
  EXPECT_FALSE(FindFreeSlots(in, bad).ok());
}

// Monday 7 December 2026 (CET), plage 13:30-15:30 in 15 min; a leave
// 14:00-15:00 removes 14:00..14:45 only: 13:45 (ends at 14:00) and 15:00
// (starts at 15:00) touch it and stay. Booked: 13:45 (touching, stays),
// 14:30 (inside: to move), 15:00 (touching, stays). Free: 13:30 (12:30Z),
// 15:15 (14:15Z).
TEST(SlotsOrgTest, PartialDayLeaveRemovesOnlyWhatItIntersects) {
  SlotInputs in;
  in.schedules = {Plage("pa", "a", "S1", 1, "13:30", "15:30", 15)};
  in.exceptions = {Exc("leave", "conge", "a", "2026-12-07", "14:00", "15:00")};
  in.appointments = {Appt("r1", "a", Utc(2026, 12, 7, 12, 45), 15),
                     Appt("r2", "a", Utc(2026, 12, 7, 13, 30), 15),
                     Appt("r3", "a", Utc(2026, 12, 7, 14, 0), 15)};
  SlotQuery q;
  q.after = Utc(2026, 12, 7, 0, 0);
  q.count = 3;
  q.horizon_days = 1;
  auto s = FindFreeSlots(in, q);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Starts(*s), (std::vector<int64_t>{Utc(2026, 12, 7, 12, 30), Utc(2026, 12, 7, 14, 15)}));
  ASSERT_EQ(s->to_move.size(), 1u);
  EXPECT_EQ(s->to_move[0].appointment.id, "r2");
  EXPECT_EQ(s->to_move[0].reason, "conge");
  // The whole-day form of the same leave removes every slot and flags all
  // three appointments.
  in.exceptions[0].start_time = in.exceptions[0].end_time = "";
  s = FindFreeSlots(in, q);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->slots.empty());
  EXPECT_EQ(s->to_move.size(), 3u);
}

// Tuesday 8 December 2026: the antenna S1 closes from 16:00; plage
// 15:00-17:00 in 60 min keeps 15:00 (14:00Z) only; an appointment at 16:30
// is to move (fermeture).
TEST(SlotsOrgTest, PartialClosureOfASite) {
  SlotInputs in;
  in.schedules = {Plage("pb", "b", "S1", 2, "15:00", "17:00", 60)};
  in.exceptions = {Exc("close", "fermeture", "", "2026-12-08", "16:00", "24:00")};
  in.appointments = {Appt("late", "c", Utc(2026, 12, 8, 15, 30), 20)};
  SlotQuery q;
  q.after = Utc(2026, 12, 8, 0, 0);
  q.count = 5;
  q.horizon_days = 1;
  auto s = FindFreeSlots(in, q);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Starts(*s), std::vector<int64_t>{Utc(2026, 12, 8, 14, 0)});
  ASSERT_EQ(s->to_move.size(), 1u);
  EXPECT_EQ(s->to_move[0].reason, "fermeture");
}

// Monday 7 December 2026, plage a 09:00-11:00 in 30 min; c replaces a from
// 09:00 to 10:00: 09:00 and 09:30 are c's (replacing a), 10:00 and 10:30
// a's. With the replacement ending at 09:45, the 09:30 slot is only partly
// covered and not offered.
TEST(SlotsOrgTest, PartialDayReplacement) {
  SlotInputs in;
  in.schedules = {Plage("pa", "a", "S1", 1, "09:00", "11:00", 30)};
  in.exceptions = {Exc("rep", "remplacement", "a", "2026-12-07", "09:00", "10:00", "c")};
  auto s = Find(in, Utc(2026, 12, 7, 0, 0), 4);
  ASSERT_EQ(s.slots.size(), 4u);
  EXPECT_EQ(Starts(s), (std::vector<int64_t>{Utc(2026, 12, 7, 8, 0), Utc(2026, 12, 7, 8, 30),
                                             Utc(2026, 12, 7, 9, 0), Utc(2026, 12, 7, 9, 30)}));
  EXPECT_EQ(s.slots[0].practitioner, "c@S1");
  EXPECT_EQ(s.slots[0].replaces, "a@S1");
  EXPECT_EQ(s.slots[1].practitioner, "c@S1");
  EXPECT_EQ(s.slots[2].practitioner, "a@S1");
  EXPECT_EQ(s.slots[2].replaces, "");
  in.exceptions[0].end_time = "09:45";
  s = Find(in, Utc(2026, 12, 7, 0, 0), 3);
  EXPECT_EQ(Starts(s), (std::vector<int64_t>{Utc(2026, 12, 7, 8, 0), Utc(2026, 12, 7, 9, 0),
                                             Utc(2026, 12, 7, 9, 30)}));
}

}  // namespace
}  // namespace relais::common::domain
