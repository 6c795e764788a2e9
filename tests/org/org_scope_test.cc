// A centre de santé with several sites (issue #19): a remote secretariat
// replica holds {O, S1, S2}, houses hold {O, Si}. Through a real hub on
// loopback: the secretariat books into each site, the houses see only
// their own; a token wider or narrower than the replica's scope is
// refused before anything is applied; a house re-using another site's
// record id cannot stop the secretariat's sync.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOnce;
namespace {

using common::Collection;
using common::ReplicaScope;

class OrgScopeTest : public HubFixture {
 protected:
  // Sites of every appointment `r` holds.
  static std::multiset<std::string> ApptSites(common::Replica& r) {
    std::multiset<std::string> out;
    auto all = r.AllAppointments();
    EXPECT_TRUE(all.ok());
    if (all.ok())
      for (const auto& a : *all) out.insert(a.site_id);
    return out;
  }

  static std::string Book(common::Replica& r, const std::string& site, int64_t start,
                          const std::string& who = "p1") {
    common::NewAppointment a;
    a.practitioner = who;
    a.patient_name = "Patient " + site;
    a.patient_birth = "1948-05-01";
    a.start = start;
    a.duration_min = 20;
    a.site = site;
    auto added = r.AddAppointment(a);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->first : "";
  }
};

constexpr int64_t kMonday9 = 1796716800;  // 2026-12-07 08:00Z = 09:00 Paris

TEST_F(OrgScopeTest, SecretariatBooksIntoEachSiteAndHousesSeeOnlyTheirs) {
  auto sec = NewScopedReplica("sec.db", ReplicaScope{"CDS71", {"DIGOIN", "AUTUN"}}, 1);
  auto digoin = NewScopedReplica("digoin.db", ReplicaScope{"CDS71", {"DIGOIN"}}, 2);
  auto autun = NewScopedReplica("autun.db", ReplicaScope{"CDS71", {"AUTUN"}}, 3);
  ASSERT_TRUE(sec && digoin && autun);
  EXPECT_EQ(sec->scope(), (std::vector<std::string>{"AUTUN", "CDS71", "DIGOIN"}));
  EXPECT_EQ(sec->site_id(), "DIGOIN");
  EXPECT_EQ(sec->org_id(), "CDS71");
  const std::string t_sec = Enroll({"CDS71", "DIGOIN", "AUTUN"}, "sec");
  const std::string t_dig = Enroll({"CDS71", "DIGOIN"}, "digoin");
  const std::string t_aut = Enroll({"CDS71", "AUTUN"}, "autun");

  // A doctor of the organisation, added once at Digoin: "p1@CDS71", held
  // at the organisation's pseudo-site, seen by every member.
  ASSERT_OK(digoin->AddPractitioner("p1", "Dr Lemoine", "medecin"));
  auto p = digoin->Get(Collection::kPractitioner, "p1@CDS71");
  ASSERT_OK(p);
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->site_id, "CDS71");
  ASSERT_OK(SyncOnce(*digoin, Options(t_dig)));
  ASSERT_OK(SyncOnce(*sec, Options(t_sec)));
  ASSERT_OK(SyncOnce(*autun, Options(t_aut)));

  // The secretariat books her at both sites (different days).
  const std::string at_dig = Book(*sec, "DIGOIN", kMonday9);
  const std::string at_aut = Book(*sec, "AUTUN", kMonday9 + 86400);
  ASSERT_FALSE(at_dig.empty());
  ASSERT_FALSE(at_aut.empty());
  // A site outside the scope is refused, nothing written.
  common::NewAppointment bad;
  bad.practitioner = "p1";
  bad.patient_name = "X";
  bad.patient_birth = "1950-01-01";
  bad.start = kMonday9;
  bad.site = "CHALON";
  auto refused = sec->AddAppointment(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), common::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("hors de la portée"), std::string::npos);

  ASSERT_OK(SyncOnce(*sec, Options(t_sec)));
  ASSERT_OK(SyncOnce(*digoin, Options(t_dig)));
  ASSERT_OK(SyncOnce(*autun, Options(t_aut)));
  EXPECT_EQ(ApptSites(*sec), (std::multiset<std::string>{"AUTUN", "DIGOIN"}));
  EXPECT_EQ(ApptSites(*digoin), (std::multiset<std::string>{"DIGOIN"}));
  EXPECT_EQ(ApptSites(*autun), (std::multiset<std::string>{"AUTUN"}));
  auto seen = autun->Get(Collection::kAppointment, at_aut);
  ASSERT_OK(seen);
  EXPECT_TRUE(seen->has_value());
  auto unseen = autun->Get(Collection::kAppointment, at_dig);
  ASSERT_OK(unseen);
  EXPECT_FALSE(unseen->has_value());
}

TEST_F(OrgScopeTest, SecretariatTokenForTwoSitesCannotReadOrWriteAThird) {
  auto chalon = NewScopedReplica("chalon.db", ReplicaScope{"CDS71", {"CHALON"}}, 4);
  auto sec = NewScopedReplica("sec.db", ReplicaScope{"CDS71", {"DIGOIN", "AUTUN"}}, 5);
  ASSERT_TRUE(chalon && sec);
  const std::string t_cha = Enroll({"CDS71", "CHALON"}, "chalon");
  const std::string t_sec = Enroll({"CDS71", "DIGOIN", "AUTUN"}, "sec");
  ASSERT_OK(chalon->AddPractitioner("p9", "Dr Chalon", "medecin"));
  const std::string secret = Book(*chalon, "CHALON", kMonday9, "p9");
  ASSERT_OK(SyncOnce(*chalon, Options(t_cha)));
  ASSERT_OK(SyncOnce(*sec, Options(t_sec)));
  // The practitioner (organisation) is shared; Chalon's appointment is not.
  auto pr = sec->Get(Collection::kPractitioner, "p9@CDS71");
  ASSERT_OK(pr);
  EXPECT_TRUE(pr->has_value());
  auto appt = sec->Get(Collection::kAppointment, secret);
  ASSERT_OK(appt);
  EXPECT_FALSE(appt->has_value());

  // A crafted push from the secretariat's token of a record at CHALON is
  // refused by the hub, and Chalon's record is unchanged there.
  ASSERT_OK(sec->AddPractitioner("p2", "Dr B", "medecin"));
  ASSERT_OK(SyncOnce(*sec, Options(t_sec)));
  Book(*sec, "DIGOIN", kMonday9, "p2");
  relais::sync::v1::SyncRequest req =
      PushRequest(*sec, [](common::Record* r) { r->site_id = "CHALON"; });
  relais::sync::v1::SyncResponse resp;
  const grpc::Status gs = RawSync(t_sec, req, &resp);
  EXPECT_FALSE(gs.ok());
  EXPECT_EQ(gs.error_code(), grpc::StatusCode::PERMISSION_DENIED) << gs.error_message();
  auto chalon_view = NewScopedReplica("chalon2.db", ReplicaScope{"CDS71", {"CHALON"}}, 6);
  ASSERT_TRUE(chalon_view);
  ASSERT_OK(SyncOnce(*chalon_view, Options(Enroll({"CDS71", "CHALON"}, "chalon2"))));
  EXPECT_EQ(ApptSites(*chalon_view), (std::multiset<std::string>{"CHALON"}));
}

TEST_F(OrgScopeTest, TokenScopeMustEqualReplicaScopeNothingApplied) {
  auto house = NewScopedReplica("house.db", ReplicaScope{"CDS71", {"DIGOIN"}}, 7);
  ASSERT_TRUE(house);
  ASSERT_OK(house->AddPractitioner("p1", "Dr A", "medecin"));
  Book(*house, "DIGOIN", kMonday9);
  ASSERT_OK(SyncOnce(*house, Options(Enroll({"CDS71", "DIGOIN"}, "h"))));

  // Wider token (it would bring AUTUN's records): refused.
  auto narrow = NewScopedReplica("narrow.db", ReplicaScope{"CDS71", {"DIGOIN"}}, 8);
  auto wide = SyncOnce(*narrow, Options(Enroll({"CDS71", "DIGOIN", "AUTUN"}, "w")));
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.status().code(), common::StatusCode::kFailedPrecondition);
  EXPECT_NE(wide.status().message().find("AUTUN"), std::string::npos) << wide.status().message();
  auto dump = narrow->Dump();
  ASSERT_OK(dump);
  EXPECT_EQ(dump->find("rdv-"), std::string::npos) << *dump;
  EXPECT_EQ(dump->find("p1@CDS71"), std::string::npos) << *dump;
  // Narrower token (no organisation site): refused as well.
  auto other = NewScopedReplica("other.db", ReplicaScope{"CDS71", {"DIGOIN"}}, 9);
  auto small = SyncOnce(*other, Options(Enroll({"DIGOIN"}, "n")));
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.status().code(), common::StatusCode::kFailedPrecondition);
}

TEST_F(OrgScopeTest, OrgWideReplicaLearnsItsScopeFromTheToken) {
  auto house = NewScopedReplica("house.db", ReplicaScope{"CDS71", {"AUTUN"}}, 10);
  ASSERT_TRUE(house);
  ASSERT_OK(house->AddPractitioner("p1", "Dr A", "medecin"));
  Book(*house, "AUTUN", kMonday9);
  ASSERT_OK(SyncOnce(*house, Options(Enroll({"CDS71", "AUTUN"}, "h"))));

  auto sec = NewScopedReplica("sec.db", ReplicaScope{"CDS71", {}}, 11);
  ASSERT_TRUE(sec);
  EXPECT_TRUE(sec->scope().empty());
  EXPECT_EQ(sec->site_id(), "CDS71");
  const std::string t = Enroll({"CDS71", "AUTUN", "DIGOIN", "MONTCEAU"}, "sec");
  ASSERT_OK(SyncOnce(*sec, Options(t)));
  EXPECT_EQ(sec->scope(),
            (std::vector<std::string>{"AUTUN", "CDS71", "DIGOIN", "MONTCEAU"}));
  EXPECT_EQ(ApptSites(*sec), (std::multiset<std::string>{"AUTUN"}));
  // Kept across a reopen; a token of another organisation is then refused.
  auto again = common::Replica::Open(dir_.File("sec.db"));
  ASSERT_OK(again);
  EXPECT_EQ((*again)->scope(), sec->scope());
  auto foreign = NewScopedReplica("sec2.db", ReplicaScope{"CDS71", {}}, 12);
  // (The hub refuses it first: the home site CDS71 is not in that token.)
  auto refused = SyncOnce(*foreign, Options(Enroll({"CDS58", "NEVERS"}, "x")));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), common::StatusCode::kPermissionDenied);
  EXPECT_TRUE(foreign->scope().empty());
}

TEST_F(OrgScopeTest, AnIdReusedAtAnotherSiteIsSetAsideNotBlocking) {
  auto digoin = NewScopedReplica("digoin.db", ReplicaScope{"CDS71", {"DIGOIN"}}, 13);
  auto autun = NewScopedReplica("autun.db", ReplicaScope{"CDS71", {"AUTUN"}}, 14);
  auto sec = NewScopedReplica("sec.db", ReplicaScope{"CDS71", {"DIGOIN", "AUTUN"}}, 15);
  ASSERT_TRUE(digoin && autun && sec);
  const std::string t_dig = Enroll({"CDS71", "DIGOIN"}, "d");
  const std::string t_aut = Enroll({"CDS71", "AUTUN"}, "a");
  const std::string t_sec = Enroll({"CDS71", "DIGOIN", "AUTUN"}, "s");
  ASSERT_OK(digoin->AddPractitioner("p1", "Dr A", "medecin"));
  const std::string honest = Book(*digoin, "DIGOIN", kMonday9);
  ASSERT_OK(SyncOnce(*digoin, Options(t_dig)));
  ASSERT_OK(SyncOnce(*autun, Options(t_aut)));
  // A broken (or hostile) Autun writes a record under Digoin's id, at
  // Autun, plus an honest one of its own.
  auto forged = autun->WriteAt("AUTUN", Collection::kAppointment, honest,
                               {{"practitioner", "p1@CDS71"},
                                {"start", std::to_string(kMonday9)},
                                {"duration", "15"},
                                {"status", "cancelled"}});
  ASSERT_OK(forged);
  const std::string own = Book(*autun, "AUTUN", kMonday9 + 3600);
  ASSERT_OK(SyncOnce(*autun, Options(t_aut)));

  auto report = SyncOnce(*sec, Options(t_sec));
  ASSERT_OK(report);
  EXPECT_EQ(report->set_aside, 1);
  auto kept = sec->Get(Collection::kAppointment, honest);
  ASSERT_OK(kept);
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ((*kept)->site_id, "DIGOIN");
  auto view = common::View(**kept);
  EXPECT_EQ(view["status"], "booked");
  auto theirs = sec->Get(Collection::kAppointment, own);
  ASSERT_OK(theirs);
  EXPECT_TRUE(theirs->has_value());
  auto counted = sec->store()->GetMetaInt("set_aside");
  ASSERT_OK(counted);
  EXPECT_EQ(*counted, 1u);
  // Later syncs keep working.
  Book(*digoin, "DIGOIN", kMonday9 + 7200);
  ASSERT_OK(SyncOnce(*digoin, Options(t_dig)));
  ASSERT_OK(SyncOnce(*sec, Options(t_sec)));
  EXPECT_EQ(ApptSites(*sec), (std::multiset<std::string>{"AUTUN", "DIGOIN", "DIGOIN"}));
}

TEST_F(OrgScopeTest, PresenceOfOneDoctorAtTwoSitesTheSameHalfDayIsTwoRecords) {
  auto sec = NewScopedReplica("sec.db", ReplicaScope{"CDS71", {"DIGOIN", "AUTUN"}}, 16);
  ASSERT_TRUE(sec);
  ASSERT_OK(sec->AddPractitioner("p1", "Dr A", "medecin"));
  ASSERT_OK(sec->SetPresence("p1", "2026-12-07", "am", "absent", "", "", "DIGOIN"));
  ASSERT_OK(sec->SetPresence("p1", "2026-12-07", "am", "present", "", "", "AUTUN"));
  auto pres = sec->PresenceOn("2026-12-07");
  ASSERT_OK(pres);
  ASSERT_EQ(pres->size(), 2u);
  std::set<std::string> ids, sites;
  for (const auto& p : *pres) {
    ids.insert(p.id);
    sites.insert(p.site_id + "=" + p.state);
  }
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_EQ(sites, (std::set<std::string>{"AUTUN=present", "DIGOIN=absent"}));
  // A one-site house keeps the historical id.
  EXPECT_EQ(common::PresenceId("p1@S1", "2026-12-07", "am", "S1"), "pr:p1@S1:2026-12-07:am");
  EXPECT_EQ(common::PresenceId("p1@S1", "2026-12-07", "am"), "pr:p1@S1:2026-12-07:am");
}

}  // namespace
}  // namespace relais::server::testing
