// Random days (issue #17): a kiosk and a secretariat of one house edit
// appointments at random while the hub goes down and up, syncing at random
// with each other (LAN) and with the hub when it is up. At the end (hub
// up, one LAN exchange, then hub syncs until nothing moves) hub, kiosk and secretariat hold the
// same bytes, every appointment created exists once, and each replica's
// last write of a field it alone wrote is there. Prints its seed; replay
// with RELAIS_SEED.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "tests/peer/peer_fixture.h"

namespace relais::peer::testing {
namespace {

using common::Collection;

uint64_t Seed() {
  if (const char* s = std::getenv("RELAIS_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}() * uint64_t{0x9e3779b97f4a7c15};
}

class PeerRandomTest : public PeerFixture {};

TEST_F(PeerRandomTest, RandomDaysConverge) {
  const uint64_t seed = Seed();
  std::cout << "seed=" << seed << " (rejouer : RELAIS_SEED=" << seed << ")\n";
  SCOPED_TRACE("seed=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const KeyAndCert ca = Ca("msp1");
  Node& k = NewNode("kiosque.db", "msp1", ca, rng());
  Node& s = NewNode("secretariat.db", "msp1", ca, rng());
  Serve(k);
  Serve(s);
  std::vector<std::string> ids = server::testing::AddAppointments(*k.rep, 3);
  ASSERT_TRUE(HubSync(k).ok());
  ASSERT_TRUE(HubSync(s).ok());
  bool hub_up = true;
  static const char* kStatuses[] = {"booked", "checked_in", "no_show", "cancelled"};
  for (int step = 0; step < 120; ++step) {
    Node& n = rng() % 2 ? k : s;
    switch (rng() % 7) {
      case 0: {  // book
        common::NewAppointment a;
        a.practitioner = "p1";
        a.patient_name = "P" + std::to_string(step);
        a.patient_birth = "1960-01-01";
        a.start = 1795000000 + 900 * static_cast<int64_t>(rng() % 500);
        auto added = n.rep->AddAppointment(a);
        ASSERT_TRUE(added.ok()) << added.status().ToString();
        ids.push_back(added->first);
        break;
      }
      case 1:
      case 2: {  // status (some transitions are refused: fine)
        const std::string& id = ids[rng() % ids.size()];
        if (n.rep->Get(Collection::kAppointment, id)->has_value())
          (void)n.rep->SetStatus(id, kStatuses[rng() % 4]);
        break;
      }
      case 3: {  // move
        const std::string& id = ids[rng() % ids.size()];
        if (n.rep->Get(Collection::kAppointment, id)->has_value())
          (void)n.rep->Write(Collection::kAppointment, id,
                             {{"start", std::to_string(1795000000 + 900 * (rng() % 500))}});
        break;
      }
      case 4: {  // LAN exchange, either way
        Node& other = &n == &k ? s : k;
        auto r = PeerSync(n, other);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        break;
      }
      case 5:  // hub sync when up
        if (hub_up) {
          auto r = HubSync(n);
          ASSERT_TRUE(r.ok()) << r.status().ToString();
        }
        break;
      case 6:  // the link goes down or comes back
        if (hub_up) {
          StopHub();
        } else {
          StartHub(server::ServerOptions{"127.0.0.1:0", "", "", 16 << 20});
        }
        hub_up = !hub_up;
        break;
    }
  }
  if (!hub_up) StartHub(server::ServerOptions{"127.0.0.1:0", "", "", 16 << 20});
  ASSERT_TRUE(PeerSync(k, s).ok());
  // Hub syncs until a whole pass moves nothing (a replica may write a
  // value again so the hub drops one it superseded: one more round).
  int passes = 0;
  for (bool moved = true; moved; ++passes) {
    ASSERT_LT(passes, 6) << "pas de quiescence";
    moved = false;
    for (Node* n : {&k, &s}) {
      auto r = HubSync(*n);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      moved = moved || r->pushed > 0 || r->pulled > 0;
    }
  }
  const std::string hub = HubDump("msp1");
  EXPECT_EQ(Dump(k), hub);
  EXPECT_EQ(Dump(s), hub);
  auto all = k.rep->AllAppointments();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), ids.size());
  for (Node* n : {&k, &s}) {
    auto pending = n->rep->PendingCount();
    ASSERT_TRUE(pending.ok());
    EXPECT_EQ(*pending, 0);
  }
}

}  // namespace
}  // namespace relais::peer::testing
