// The organisation through a real hub on 127.0.0.1 (tests/server/
// hub_fixture.h): a remote secretariat (scope O, S1, S2) creates a pôle,
// a practitioner of two sites, S2's opening hours, a room, a plage and a
// partial-day leave; the antenna S2's replica (scope O, S2) receives them
// all (the hub accepts collections 8 and 9 and the new fields), finds the
// same slots, and never sees S1's site record. Then concurrent edits of a
// practitioner's sites and of S2's hours converge to the documented rules.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/domain/plage_input.h"
#include "common/model/org.h"
#include "common/replica/slot_inputs.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOnce;
namespace {

using common::Collection;

// The status of a write (a named copy: no reference into a temporary).
template <typename T>
common::Status St(const common::Result<T>& r) {
  return r.status();
}

int64_t Utc(int y, int mo, int d, int h, int mi) {
  return relais::common::testing::UtcSeconds(y, mo, d, h, mi);
}

class OrgSyncTest : public HubFixture {
 protected:
  std::unique_ptr<common::Replica> Scoped(const std::string& file,
                                          std::vector<std::string> sites, uint64_t seed) {
    auto id = common::Replica::Init(dir_.File(file), common::ReplicaScope{"O", std::move(sites)});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    auto r = common::Replica::Open(dir_.File(file));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return nullptr;
    (*r)->SeedForTest(seed);
    return std::move(r).value();
  }
  std::vector<int64_t> Starts(common::Replica& r, const std::string& pole) {
    common::domain::SlotQuery q;
    q.after = Utc(2026, 12, 8, 0, 0);
    q.count = 2;
    q.pole = pole;
    auto found = common::SearchReplica(r, q);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    std::vector<int64_t> out;
    if (found.ok())
      for (const auto& s : found->slots) out.push_back(s.start);
    return out;
  }
  std::string ViewOf(common::Replica& r, Collection c, const std::string& id,
                     const std::string& f) {
    auto rec = r.Get(c, id);
    EXPECT_TRUE(rec.ok() && rec->has_value()) << id;
    if (!rec.ok() || !rec->has_value()) return "<absent>";
    auto v = common::View(**rec);
    return v.count(f) ? v.at(f) : "<no field>";
  }
};

TEST_F(OrgSyncTest, OrganisationRoundTripAndConcurrentEdits) {
  const std::string sec_token = Enroll({"O", "S1", "S2"}, "secretariat");
  const std::string s2_token = Enroll({"O", "S2"}, "antenne-s2");
  auto sec = Scoped("sec.db", {"S1", "S2"}, 1);
  auto s2 = Scoped("s2.db", {"S2"}, 2);
  ASSERT_TRUE(sec && s2);

  ASSERT_OK(St(sec->WriteAt("O", Collection::kPole, "mg", {{"name", "Médecine générale"}})));
  common::Replica::PractitionerOrg org;
  org.sites = "S1,S2";
  org.pole = "mg";
  ASSERT_OK(sec->AddPractitioner("a", "Dr A", "medecin", 0, org));
  ASSERT_OK(St(sec->WriteAt("S2", Collection::kSite, "S2",
                         {{"name", "Autun"}, {"org", "O"}, {"site_kind", "antenne"},
                          {"hours", "2 14:00-18:00"}})));
  ASSERT_OK(St(sec->WriteAt("S1", Collection::kSite, "S1", {{"name", "Digoin"}, {"org", "O"}})));
  ASSERT_OK(St(sec->WriteAt("S2", Collection::kRoom, "salle1@S2",
                         {{"name", "Salle 1"}, {"pole", "mg"}})));
  common::Schedule s;
  s.practitioner = "a@O";
  s.weekday = 2;
  s.start_time = "13:00";
  s.end_time = "17:00";
  s.kind = "programmee";
  s.slot_min = 60;
  s.valid_from = "2026-12-01";
  ASSERT_EQ(common::ValidateNewSchedule(s), "");
  ASSERT_OK(St(sec->WriteAt("S2", Collection::kSchedule, "plg-a", common::ScheduleChanges(s))));
  common::ScheduleException e;
  e.kind = "conge";
  e.practitioner = "a@O";
  e.first_day = e.last_day = "2026-12-08";
  e.start_time = "14:00";
  e.end_time = "15:00";
  ASSERT_EQ(common::ValidateNewScheduleException(e), "");
  ASSERT_OK(St(sec->WriteAt("S2", Collection::kScheduleException, "exc-a",
                         common::ScheduleExceptionChanges(e))));

  ASSERT_OK(SyncOnce(*sec, Options(sec_token)));
  ASSERT_OK(SyncOnce(*s2, Options(s2_token)));

  // Tuesday 8 December 2026 (CET): S2 opens 14:00, a's leave takes 14:00:
  // 15:00 (14:00Z) and 16:00 (15:00Z), on both replicas.
  const std::vector<int64_t> want = {Utc(2026, 12, 8, 14, 0), Utc(2026, 12, 8, 15, 0)};
  EXPECT_EQ(Starts(*sec, "mg"), want);
  EXPECT_EQ(Starts(*s2, "mg"), want);
  EXPECT_TRUE(Starts(*s2, "dentaire").empty());
  EXPECT_EQ(ViewOf(*s2, Collection::kPole, "mg", "name"), "Médecine générale");
  EXPECT_EQ(ViewOf(*s2, Collection::kRoom, "salle1@S2", "pole"), "mg");
  EXPECT_EQ(ViewOf(*s2, Collection::kPractitioner, "a@O", "sites"), "S1,S2");
  EXPECT_EQ(ViewOf(*s2, Collection::kSite, "S2", "hours"), "2 14:00-18:00");
  auto s1_site = s2->Get(Collection::kSite, "S1");
  ASSERT_OK(s1_site.status());
  EXPECT_FALSE(s1_site->has_value());  // out of the antenna's scope

  // Concurrent offline edits: the secretariat adds S3 to a's sites while
  // the antenna sets S2,S4; both change S2's hours (the antenna last).
  ASSERT_OK(sec->AddPractitioner("a", "Dr A", "medecin", 0, {std::string("S1,S2,S3"), {}}));
  ASSERT_OK(s2->AddPractitioner("a", "Dr A", "medecin", 0, {std::string("S2,S4"), {}}));
  ASSERT_OK(St(sec->Write(Collection::kSite, "S2", {{"hours", "2 09:00-12:00"}})));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a later wall clock
  ASSERT_OK(St(s2->Write(Collection::kSite, "S2", {{"hours", "2 14:00-19:00"}})));
  ASSERT_OK(SyncOnce(*sec, Options(sec_token)));
  ASSERT_OK(SyncOnce(*s2, Options(s2_token)));
  ASSERT_OK(SyncOnce(*sec, Options(sec_token)));
  for (common::Replica* r : {sec.get(), s2.get()}) {
    EXPECT_EQ(ViewOf(*r, Collection::kPractitioner, "a@O", "sites"), "S1,S2,S3,S4");
    EXPECT_EQ(ViewOf(*r, Collection::kSite, "S2", "hours"), "2 14:00-19:00");
    auto conflicts = r->Conflicts();
    ASSERT_OK(conflicts.status());
    EXPECT_EQ(conflicts->size(), 2u);  // a's sites, S2's hours: staff decide
  }
}

}  // namespace
}  // namespace relais::server::testing
