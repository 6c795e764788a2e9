// A LAN peer restored from an old backup (issue #17, docs/sync-model.md §11
// « Côté réplique »): its own creation, delivered to the hub before the
// backup, then deleted and purged everywhere, is not handed back to the
// other replicas of the house by peer sync (Record.hub_at); honest new
// creations, and records the receiver has not pulled from the hub yet, still
// pass. Both hub stores.
// Oracle: rows of the receivers' files counted with the SQLite API.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "common/merge/purge.h"
#include "tests/peer/peer_fixture.h"

namespace relais::peer::testing {
namespace {

using common::Collection;

// Rows of `records` with this id in the replica file `path` (-1: unreadable).
int64_t Rows(const std::string& path, const std::string& id) {
  sqlite3* db = nullptr;
  int64_t n = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM records WHERE id=?", -1, &st, nullptr) ==
        SQLITE_OK) {
      sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

class PeerRestoredTest : public PeerFixture,
                         public ::testing::WithParamInterface<pgtest::StoreKind> {
 protected:
  pgtest::StoreKind Kind() const override { return GetParam(); }

  void HubSyncAll(std::initializer_list<Node*> nodes, int rounds) {
    for (int i = 0; i < rounds; ++i)
      for (Node* n : nodes) {
        auto r = HubSync(*n);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
      }
  }
};

TEST_P(PeerRestoredTest, RestoredPeerDoesNotHandBackItsPurgedCreation) {
  const KeyAndCert ca = Ca("msp1");
  Node& k = NewNode("kiosque.db", "msp1", ca, 11);
  Node& m = NewNode("medecin.db", "msp1", ca, 12);
  Node& b = NewNode("secretariat.db", "msp1", ca, 13);
  // B creates X and delivers it (acknowledged: hub_at > 0 at B).
  const std::vector<std::string> x = server::testing::AddAppointments(*b.rep, 1);
  ASSERT_EQ(x.size(), 1u);
  HubSyncAll({&b, &k, &m}, 2);
  ASSERT_EQ(Rows(dir_.File("kiosque.db"), x[0]), 1);
  // The backup of B, after the delivery, before any peer exchange.
  const std::string backup = dir_.File("secretariat-backup.db");
  ASSERT_TRUE(b.rep->store()->db()->Exec("VACUUM INTO '" + backup + "'").ok());
  // The kiosk deletes X; everyone syncs until it is purged everywhere.
  ASSERT_TRUE(
      k.rep->Write(Collection::kAppointment, x[0], {{common::kDeletedField, "1"}}).ok());
  HubSyncAll({&k, &m, &b}, 4);
  for (const char* f : {"kiosque.db", "medecin.db", "secretariat.db"})
    ASSERT_EQ(Rows(dir_.File(f), x[0]), 0) << f << ": purged";
  auto at_hub = store_->Get("msp1", Collection::kAppointment, x[0]);
  ASSERT_TRUE(at_hub.ok());
  ASSERT_FALSE(at_hub->has_value()) << "purged at the hub";

  // The medecin creates Z and delivers it; the kiosk has not pulled it yet.
  const std::vector<std::string> z = server::testing::AddAppointments(*m.rep, 1);
  HubSyncAll({&m}, 1);
  ASSERT_EQ(Rows(dir_.File("kiosque.db"), z[0]), 0);

  // B's disk dies; B comes back from the backup (X live, delivered) and
  // creates Y. The hub is down: the house syncs on the LAN only.
  b.rep.reset();
  for (const char* ext : {"", "-wal", "-shm"})
    std::filesystem::remove(dir_.File("secretariat.db") + ext);
  std::filesystem::copy_file(backup, dir_.File("secretariat.db"));
  auto reopened = common::Replica::Open(dir_.File("secretariat.db"));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  b.rep = std::move(reopened).value();
  b.rep->SeedForTest(99);
  ASSERT_EQ(Rows(dir_.File("secretariat.db"), x[0]), 1) << "the backup predates the deletion";
  const std::vector<std::string> y = server::testing::AddAppointments(*b.rep, 1);
  StopHub();
  Serve(b);
  Serve(m);

  // The kiosk pulls from B (B serves): X is refused, Y is taken.
  auto got = PeerSync(k, b);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_GE(got->ignored, 1);
  EXPECT_EQ(Rows(dir_.File("kiosque.db"), x[0]), 0) << "purged creation handed back";
  EXPECT_EQ(Rows(dir_.File("kiosque.db"), y[0]), 1) << "honest new creation";
  // B pushes to the medecin (the medecin serves): same refusal there.
  auto pushed = PeerSync(b, m);
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_EQ(Rows(dir_.File("medecin.db"), x[0]), 0) << "purged creation handed back";
  EXPECT_EQ(Rows(dir_.File("medecin.db"), y[0]), 1);
  // Z was at the hub (hub_at > 0 at the medecin) above the kiosk's bound:
  // the kiosk takes it from the medecin while the hub is down.
  auto from_m = PeerSync(k, m);
  ASSERT_TRUE(from_m.ok()) << from_m.status().ToString();
  EXPECT_EQ(Rows(dir_.File("kiosque.db"), z[0]), 1) << "delivered, not pulled yet: taken";
  EXPECT_EQ(Rows(dir_.File("kiosque.db"), x[0]), 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, PeerRestoredTest, relais::pgtest::AllStores(),
                         relais::pgtest::StoreName);

}  // namespace
}  // namespace relais::peer::testing
