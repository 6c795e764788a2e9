// Acknowledgements the hub must not believe (issue #17, docs/sync-model.md
// §11): a push-free request whose cursor is past anything the hub handed
// out (ProbeHub's INT64_MAX, or a crafted client) proves nothing about what
// the replica holds, so it must not release a tombstone.
#include <cstdint>

#include "common/sync/sync_client.h"
#include "tests/purge/purge_fixture.h"

namespace relais::server::testing {
namespace {

class PurgeAckTest : public PurgeFixture {};

TEST_P(PurgeAckTest, CursorPastTheHubIsNotAnAcknowledgement) {
  Member& a = Add("a", 1);
  Member& c = Add("c", 3);
  const std::vector<std::string> ids = AddAppointments(*a.replica, 2);
  SyncAll();
  c.active = false;  // C goes away before the deletion
  Delete(a, ids[0]);
  SyncAll(3);
  ASSERT_TRUE(AtHub(ids[0]).has_value()) << "C has not seen the deletion";
  // C's token probes the hub (what `relais init --from-snapshot` does), then
  // a crafted client of C claims a cursor past the hub: neither is an
  // acknowledgement.
  auto probed = relais::sync::ProbeHub(c.replica->replica_id(), "S1", Options(c.token));
  ASSERT_TRUE(probed.ok()) << probed.status().ToString();
  PurgeRunOptions dry;
  dry.dry_run = true;
  std::ostringstream log;
  auto counted = RunHubPurge(*store_, dry, &log);
  ASSERT_TRUE(counted.ok()) << counted.status().ToString();
  EXPECT_EQ(counted->purged, 0) << "a probe released the tombstone";
  SyncAll(2);  // A syncs again: its acknowledgement moves the automatic purge
  EXPECT_TRUE(AtHub(ids[0]).has_value()) << "purged although C never saw it";
  // C comes back and syncs honestly: now the tombstone is stable.
  c.active = true;
  SyncAll(3);
  EXPECT_FALSE(AtHub(ids[0]).has_value());
  EXPECT_FALSE(At(c, ids[0]).has_value());
  EXPECT_TRUE(At(c, ids[1]).has_value());
}

INSTANTIATE_TEST_SUITE_P(Stores, PurgeAckTest, relais::pgtest::AllStores(),
                         relais::pgtest::StoreName);

}  // namespace
}  // namespace relais::server::testing
