// A simulated day with the hub down (issue #17): a kiosk and a secretariat
// of one house sync peer to peer over mutual TLS on 127.0.0.1 with
// concurrent edits, then the hub comes back and all three converge byte
// for byte, every write delivered once, in its author's name.
// Oracles: the values each action wrote (independent of the merge code),
// the authors of the dots at the hub, and dump equality.
#include <gtest/gtest.h>

#include "tests/peer/peer_fixture.h"

namespace relais::peer::testing {
namespace {

using common::Collection;

common::Appointment Appt(Node& n, const std::string& id) {
  auto all = n.rep->AllAppointments();
  EXPECT_TRUE(all.ok());
  if (all.ok())
    for (const common::Appointment& a : *all)
      if (a.id == id) return a;
  ADD_FAILURE() << "rendez-vous absent: " << id;
  return {};
}

std::vector<std::string> Values(Node& n, const std::string& id, const std::string& field) {
  auto r = n.rep->Get(Collection::kAppointment, id);
  std::vector<std::string> out;
  if (!r.ok() || !r->has_value()) return out;
  auto it = (*r)->fields.find(field);
  if (it == (*r)->fields.end()) return out;
  for (const common::Sibling& s : it->second) out.push_back(s.value);
  std::sort(out.begin(), out.end());
  return out;
}

class PeerDayTest : public PeerFixture {};

TEST_F(PeerDayTest, DayOffHubThenHubBackConvergesByteForByte) {
  const KeyAndCert ca = Ca("msp1");
  Node& k = NewNode("kiosque.db", "msp1", ca, 11);
  Node& s = NewNode("secretariat.db", "msp1", ca, 12);
  Serve(k);
  Serve(s);
  // Morning, hub up: the kiosk holds the day's appointments, both synced.
  std::vector<std::string> ids = server::testing::AddAppointments(*k.rep, 6);
  ASSERT_EQ(ids.size(), 6u);
  ASSERT_TRUE(HubSync(k).ok());
  ASSERT_TRUE(HubSync(s).ok());
  ASSERT_EQ(Dump(k), Dump(s));
  StopHub();  // the internet link goes down

  // 1. Check-in at the kiosk vs move at the secretariat, same appointment;
  //    each creates an appointment.
  ASSERT_TRUE(k.rep->SetStatus(ids[0], "checked_in").ok());
  const int64_t moved = 1795000000 + 3600;
  ASSERT_TRUE(s.rep->Write(Collection::kAppointment, ids[0],
                           {{"start", std::to_string(moved)}}).ok());
  common::NewAppointment a;
  a.practitioner = "p1";
  a.patient_birth = "1961-05-05";
  a.patient_name = "Martin";
  a.start = 1795100000;
  auto by_s = s.rep->AddAppointment(a);
  ASSERT_TRUE(by_s.ok()) << by_s.status().ToString();
  a.patient_name = "Durand";
  a.start = 1795200000;
  auto by_k = k.rep->AddAppointment(a);
  ASSERT_TRUE(by_k.ok()) << by_k.status().ToString();
  auto r1 = PeerSync(k, s);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ(r1->peer_id, s.rep->replica_id());
  EXPECT_EQ(Dump(k), Dump(s));
  for (Node* n : {&k, &s}) {
    EXPECT_EQ(Appt(*n, ids[0]).status, "checked_in");
    EXPECT_EQ(Appt(*n, ids[0]).start, moved);
  }

  // 2. The kiosk checks in the secretariat's new appointment; both set the
  //    status of another one concurrently (a conflict, both values kept).
  ASSERT_TRUE(k.rep->SetStatus(by_s->first, "checked_in").ok());
  ASSERT_TRUE(s.rep->SetStatus(ids[2], "cancelled").ok());
  ASSERT_TRUE(k.rep->SetStatus(ids[2], "no_show").ok());
  auto r2 = PeerSync(s, k);  // the other way round
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(Dump(k), Dump(s));
  for (Node* n : {&k, &s}) {
    EXPECT_EQ(Appt(*n, by_s->first).status, "checked_in");
    EXPECT_EQ(Values(*n, ids[2], "status"),
              (std::vector<std::string>{"cancelled", "no_show"}));
  }

  // 3. The secretariat moves the kiosk's new appointment, whose creation
  //    the hub does not have yet: the kiosk keeps its own start beside the
  //    move (so it can still deliver a whole creation), the secretariat
  //    shows the move.
  const int64_t moved_k = 1795200000 + 1800;
  ASSERT_TRUE(s.rep->Write(Collection::kAppointment, by_k->first,
                           {{"start", std::to_string(moved_k)}}).ok());
  ASSERT_TRUE(PeerSync(k, s).ok());
  EXPECT_EQ(Values(s, by_k->first, "start"),
            (std::vector<std::string>{std::to_string(moved_k)}));
  EXPECT_EQ(Values(k, by_k->first, "start"),
            (std::vector<std::string>{"1795200000", std::to_string(moved_k)}));
  // A second peer round changes nothing (no ping-pong).
  auto idle = PeerSync(s, k);
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(idle->applied, 0);

  // The hub comes back. The secretariat pushes first, carrying writes of
  // the kiosk: the hub ignores those parts (counted), the push succeeds.
  StartHub(server::ServerOptions{"127.0.0.1:0", "", "", 16 << 20});
  auto h1 = HubSync(s);
  ASSERT_TRUE(h1.ok()) << h1.status().ToString();
  EXPECT_NE(log_.str().find("ignored="), std::string::npos) << log_.str();
  ASSERT_TRUE(HubSync(k).ok());
  ASSERT_TRUE(HubSync(s).ok());
  ASSERT_TRUE(HubSync(k).ok());

  // Byte for byte, everywhere.
  const std::string hub = HubDump("msp1");
  EXPECT_EQ(Dump(k), hub);
  EXPECT_EQ(Dump(s), hub);
  // Nothing lost, nothing duplicated.
  auto all = k.rep->AllAppointments();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 8u);
  EXPECT_EQ(Appt(k, ids[0]).status, "checked_in");
  EXPECT_EQ(Appt(k, ids[0]).start, moved);
  EXPECT_EQ(Appt(k, by_s->first).status, "checked_in");
  EXPECT_EQ(Values(k, by_k->first, "start"), (std::vector<std::string>{std::to_string(moved_k)}));
  EXPECT_EQ(Values(k, ids[2], "status"), (std::vector<std::string>{"cancelled", "no_show"}));
  // In its author's name: the kiosk's creation carries the kiosk's dots,
  // the secretariat's move the secretariat's.
  auto stored = store_->Get("msp1", Collection::kAppointment, by_k->first);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  const common::Record& rk = (*stored)->record;
  EXPECT_EQ(rk.fields.at("practitioner").at(0).dot.replica, k.rep->replica_id());
  EXPECT_EQ(rk.fields.at("start").at(0).dot.replica, s.rep->replica_id());
  // Steady state: nothing left to send or to receive, no loop.
  for (Node* n : {&k, &s}) {
    auto again = HubSync(*n);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->pushed, 0);
    EXPECT_EQ(again->pulled, 0);
    auto pending = n->rep->PendingCount();
    ASSERT_TRUE(pending.ok());
    EXPECT_EQ(*pending, 0);
  }
}

}  // namespace
}  // namespace relais::peer::testing
