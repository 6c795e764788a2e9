// Multi-site organisations (issue #19) on the house LAN (issue #17): a
// kiosk holding {o1, s1} and a secretariat holding {o1, s1, s2} exchange
// only what both hold; the kiosk never receives s2's records, and both
// then converge with the hub on what they share.
#include <gtest/gtest.h>

#include "tests/peer/peer_fixture.h"

namespace relais::peer::testing {
namespace {

using common::Collection;

class PeerScopeTest : public PeerFixture {};

bool Holds(Node& n, const std::string& id) {
  auto r = n.rep->Get(Collection::kAppointment, id);
  EXPECT_TRUE(r.ok());
  return r.ok() && r->has_value();
}

TEST_F(PeerScopeTest, OnlySitesBothHoldAreExchanged) {
  const KeyAndCert ca = Ca("o1");
  Node& k = NewScopedNode("kiosque.db", common::ReplicaScope{"o1", {"s1"}}, ca, 31);
  Node& s = NewScopedNode("secretariat.db", common::ReplicaScope{"o1", {"s1", "s2"}}, ca, 32);
  ASSERT_EQ(k.rep->scope(), (std::vector<std::string>{"o1", "s1"}));
  Serve(k);
  ASSERT_TRUE(s.rep->AddPractitioner("p1", "Dr Martin", "medecin").ok());
  common::NewAppointment a;
  a.practitioner = "p1";
  a.patient_name = "Dupont";
  a.patient_birth = "1950-03-02";
  a.start = 1795000000;
  a.site = "s1";
  auto at_s1 = s.rep->AddAppointment(a);
  ASSERT_TRUE(at_s1.ok()) << at_s1.status().ToString();
  a.site = "s2";
  a.start += 900;
  auto at_s2 = s.rep->AddAppointment(a);
  ASSERT_TRUE(at_s2.ok()) << at_s2.status().ToString();

  auto r = PeerSync(s, k);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(Holds(k, at_s1->first));
  EXPECT_FALSE(Holds(k, at_s2->first));
  auto pk = k.rep->Practitioners();
  auto ps = s.rep->Practitioners();
  ASSERT_TRUE(pk.ok() && ps.ok());
  ASSERT_EQ(ps->size(), 1u);
  ASSERT_EQ(pk->size(), 1u);  // the organisation's record
  EXPECT_EQ((*pk)[0].id, (*ps)[0].id);
  EXPECT_EQ(r->ignored, 0);

  // The kiosk checks in; back at the secretariat through the peer.
  ASSERT_TRUE(k.rep->SetStatus(at_s1->first, "checked_in").ok());
  ASSERT_TRUE(PeerSync(s, k).ok());
  auto all = s.rep->AllAppointments();
  ASSERT_TRUE(all.ok());
  int checked_in = 0;
  for (const common::Appointment& x : *all) checked_in += x.status == "checked_in";
  EXPECT_EQ(checked_in, 1);

  // With the hub: the kiosk's write reaches it from the kiosk; both agree.
  ASSERT_TRUE(HubSync(s).ok());
  ASSERT_TRUE(HubSync(k).ok());
  ASSERT_TRUE(HubSync(s).ok());
  for (const std::string site : {"o1", "s1"})
    EXPECT_NE(HubDump(site), common::DumpJson({})) << site;
  auto ks = k.rep->Get(Collection::kAppointment, at_s1->first);
  auto ss = s.rep->Get(Collection::kAppointment, at_s1->first);
  auto hs = store_->Get("s1", Collection::kAppointment, at_s1->first);
  ASSERT_TRUE(ks.ok() && ss.ok() && hs.ok() && ks->has_value() && ss->has_value() &&
              hs->has_value());
  EXPECT_EQ(**ks, **ss);
  EXPECT_EQ(**ks, (*hs)->record);
  EXPECT_FALSE(Holds(k, at_s2->first));
}

}  // namespace
}  // namespace relais::peer::testing
