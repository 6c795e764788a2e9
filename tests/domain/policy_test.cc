// Domain merge policies: appointment status, check-in timestamps, presence
// state/replacement pairs, immutable ledger entries.
#include "common/merge/policy.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/merge/merge.h"
#include "common/replica/replica.h"

namespace relais::common {
namespace {

Sibling S(const std::string& value, const std::string& replica, uint64_t counter,
          Hlc hlc) {
  return Sibling{value, Dot{replica, counter}, hlc};
}

std::vector<Sibling> Sorted(std::vector<Sibling> v) {
  std::sort(v.begin(), v.end(),
            [](const Sibling& a, const Sibling& b) { return a.dot < b.dot; });
  return v;
}

// Winner and attention of appointment.status, checking that the winner does
// not depend on the order siblings are visited in.
std::pair<std::string, bool> StatusMerge(std::vector<Sibling> sibs) {
  sibs = Sorted(sibs);
  const std::string w = Winner(Collection::kAppointment, "status", sibs).value;
  std::vector<Sibling> rev(sibs.rbegin(), sibs.rend());
  EXPECT_EQ(Winner(Collection::kAppointment, "status", rev).value, w);
  return {w, NeedsAttention(Collection::kAppointment, "status", sibs)};
}

TEST(StatusPolicyTest, CheckInBeatsConcurrentNoShowSilently) {
  // The secretary marks no_show at 10:25, the kiosk checked the patient in
  // at 10:20 while offline: the patient is here.
  auto m = StatusMerge({S("checked_in", "kiosk", 3, 100), S("no_show", "desk", 7, 200)});
  EXPECT_EQ(m.first, "checked_in");
  EXPECT_FALSE(m.second);
}

TEST(StatusPolicyTest, LaterProgressWinsSilently) {
  auto m = StatusMerge({S("booked", "a", 2, 500), S("in_consultation", "b", 1, 100),
                        S("checked_in", "c", 4, 300), S("no_show", "d", 1, 900)});
  EXPECT_EQ(m.first, "in_consultation");
  EXPECT_FALSE(m.second);
  m = StatusMerge({S("done", "a", 2, 100), S("checked_in", "b", 1, 900)});
  EXPECT_EQ(m.first, "done");
  EXPECT_FALSE(m.second);
}

TEST(StatusPolicyTest, CancelVersusCheckInNeedsStaffButShowsThePatient) {
  for (Hlc cancel_hlc : {Hlc{50}, Hlc{500}}) {
    auto m = StatusMerge({S("cancelled", "desk", 2, cancel_hlc),
                          S("checked_in", "kiosk", 1, 100)});
    EXPECT_EQ(m.first, "checked_in") << cancel_hlc;
    EXPECT_TRUE(m.second) << cancel_hlc;
  }
  auto m = StatusMerge({S("cancelled", "desk", 2, 500), S("done", "b", 1, 100),
                        S("no_show", "c", 1, 900)});
  EXPECT_EQ(m.first, "done");
  EXPECT_TRUE(m.second);
}

TEST(StatusPolicyTest, OtherConcurrentEditsLatestHlcThenDotAndAttention) {
  auto m = StatusMerge({S("cancelled", "a", 1, 100), S("no_show", "b", 1, 200)});
  EXPECT_EQ(m.first, "no_show");
  EXPECT_TRUE(m.second);
  m = StatusMerge({S("cancelled", "b", 1, 200), S("no_show", "a", 1, 200)});
  EXPECT_EQ(m.first, "cancelled");  // same hlc: greater dot ("b")
  EXPECT_TRUE(m.second);
  m = StatusMerge({S("booked", "a", 1, 300), S("no_show", "b", 1, 200)});
  EXPECT_EQ(m.first, "booked");
  EXPECT_TRUE(m.second);
  // Same value twice is no conflict at all.
  m = StatusMerge({S("no_show", "a", 1, 300), S("no_show", "b", 1, 200)});
  EXPECT_FALSE(m.second);
}

TEST(StatusPolicyTest, OtherFieldsLatestWinsAndNeedAttention) {
  auto sibs = Sorted({S("salle 2", "a", 1, 100), S("salle 3", "b", 1, 200)});
  EXPECT_EQ(Winner(Collection::kAppointment, "room", sibs).value, "salle 3");
  EXPECT_TRUE(NeedsAttention(Collection::kAppointment, "room", sibs));
}

Record Appt() {
  Record r;
  r.collection = Collection::kAppointment;
  r.id = "rdv-1";
  r.site_id = "msp";
  r.vv.Set("kiosk", 1);
  r.vv.Set("desk", 1);
  return r;
}

TEST(CheckinPolicyTest, EarliestArrivalAndItsChannelSettled) {
  Record r = Appt();
  r.fields["status"] = Sorted({S("checked_in", "kiosk", 1, 100),
                               S("checked_in", "desk", 1, 900)});
  r.fields["checkin_at"] = Sorted({S("1795000200", "kiosk", 1, 100),
                                   S("1795000500", "desk", 1, 900)});
  r.fields["checkin_via"] = Sorted({S("kiosk", "kiosk", 1, 100),
                                    S("staff", "desk", 1, 900)});
  FieldView v = View(r);
  EXPECT_EQ(v["checkin_at"], "1795000200");
  EXPECT_EQ(v["checkin_via"], "kiosk");  // follows checkin_at, not the hlc
  EXPECT_TRUE(ConflictFields(r).empty());
  // The dump shows the same harmonised values and no attention needed.
  const std::string dump = DumpJson({r});
  EXPECT_NE(dump.find("\"checkin_via\":\"kiosk\""), std::string::npos) << dump;
  EXPECT_EQ(dump.find("\"needs_attention\":true"), std::string::npos) << dump;
}

Record Pres(std::vector<Sibling> state, std::vector<Sibling> repl) {
  Record r;
  r.collection = Collection::kPresence;
  r.id = "pr:p1:2026-11-24:am";
  r.site_id = "msp";
  for (auto* v : {&state, &repl})
    for (const Sibling& s : *v)
      r.vv.Set(s.dot.replica, std::max(r.vv.Get(s.dot.replica), s.dot.counter));
  r.fields["state"] = Sorted(state);
  if (!repl.empty()) r.fields["replacement"] = Sorted(repl);
  return r;
}

TEST(PresencePolicyTest, LatestHlcWinsSettledWithItsName) {
  Record r = Pres({S("remplace", "a", 1, 100), S("present", "b", 1, 200)},
                  {S("Dr Roux", "a", 1, 100), S("", "b", 1, 200)});
  FieldView v = View(r);
  EXPECT_EQ(v["state"], "present");
  EXPECT_EQ(v["replacement"], "");
  EXPECT_TRUE(ConflictFields(r).empty());
  r = Pres({S("remplace", "a", 1, 300), S("present", "b", 1, 200)},
           {S("Dr Roux", "a", 1, 300), S("", "b", 1, 200)});
  v = View(r);
  EXPECT_EQ(v["state"], "remplace");
  EXPECT_EQ(v["replacement"], "Dr Roux");
}

TEST(PresencePolicyTest, NameWrittenWithTheWinningStateIsShown) {
  // a:2 wrote (remplace, Dr Roux); c:1 changed only the name to Dr Blanc,
  // later by hlc: the pair shown stays the one a:2 wrote.
  Record r = Pres({S("remplace", "a", 2, 500), S("remplace", "b", 1, 400)},
                  {S("Dr Roux", "a", 2, 500), S("Dr Blanc", "c", 1, 600),
                   S("Dr Petit", "b", 1, 400)});
  EXPECT_EQ(View(r)["replacement"], "Dr Roux");
}

TEST(PresencePolicyTest, NeverRemplaceWithoutName) {
  // The "remplace" write did not rewrite the (unchanged) name, and a
  // concurrent write cleared it: no name is left for "remplace".
  Record r = Pres({S("remplace", "a", 2, 500), S("absent", "c", 1, 400)},
                  {S("", "c", 1, 400)});
  FieldView v = View(r);
  EXPECT_EQ(v["state"], "absent");
  EXPECT_EQ(v["replacement"], "");
  // A name that belongs to no state shown is hidden.
  r = Pres({S("present", "a", 2, 500)}, {S("Dr Roux", "c", 1, 400)});
  EXPECT_EQ(View(r)["replacement"], "");
}

TEST(LedgerPolicyTest, FirstWriteStandsAndNeedsAttention) {
  auto sibs = Sorted({S("1000", "a", 1, 100), S("9999", "b", 1, 200)});
  EXPECT_EQ(Winner(Collection::kLedger, "amount_cents", sibs).value, "1000");
  EXPECT_TRUE(NeedsAttention(Collection::kLedger, "amount_cents", sibs));
}

}  // namespace
}  // namespace relais::common
