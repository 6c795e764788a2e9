// History purge by causal stability (issue #17, docs/sync-model.md §11).
#include <filesystem>

#include "common/codec/record_json.h"
#include "common/peer/peer_apply.h"
#include "tests/purge/purge_fixture.h"

namespace relais::server::testing {
namespace {

using common::Collection;
using common::Record;

class PurgeTest : public PurgeFixture {};

TEST(PurgeRulesTest, SettledTombstoneOnly) {
  Record r;
  r.vv.Set("a", 2);
  r.fields[common::kDeletedField] = {{"1", {"a", 2}, 5}};
  EXPECT_TRUE(common::IsPurgeableTombstone(r));
  // A deletion concurrent with an undeletion: staff must settle it first.
  r.vv.Set("b", 1);
  r.fields[common::kDeletedField].push_back({"0", {"b", 1}, 6});
  EXPECT_FALSE(common::IsPurgeableTombstone(r));
  r.fields[common::kDeletedField] = {{"0", {"a", 2}, 5}};
  EXPECT_FALSE(common::IsPurgeableTombstone(r));
  r.fields.erase(common::kDeletedField);
  EXPECT_FALSE(common::IsPurgeableTombstone(r));
}

TEST(PurgeRulesTest, HorizonIsTheSlowestLiveReplicaAndNeverMovesBack) {
  EXPECT_EQ(common::StabilityHorizon({{"a", 40}, {"b", 25}}, 50, 0), 25u);
  EXPECT_EQ(common::StabilityHorizon({{"a", 40}, {"b", 0}}, 50, 0), 0u);  // never synced
  EXPECT_EQ(common::StabilityHorizon({}, 50, 0), 50u);  // nobody holds the site
  EXPECT_EQ(common::StabilityHorizon({{"a", 10}}, 50, 30), 30u);  // restored replica
}

TEST(PurgeRulesTest, SiteHorizonCountsOnlyTheSitesLiveReplicas) {
  const std::map<std::string, std::vector<std::string>> live = {
      {"a", {"S1", "S2"}}, {"b", {"S2"}}, {"c", {"S1"}}};
  const std::map<std::string, uint64_t> acks = {{"a", 40}, {"b", 25}, {"z", 3}};
  // S1: a (40) and c (no acknowledgement yet: 0); z is not live.
  EXPECT_EQ(common::SiteHorizon(live, acks, {}, "S1", 50), 0u);
  EXPECT_EQ(common::SiteHorizon(live, acks, {}, "S2", 50), 25u);
  EXPECT_EQ(common::SiteHorizon(live, acks, {{"S2", 30}}, "S2", 50), 30u);  // never back
  EXPECT_EQ(common::SiteHorizon(live, acks, {}, "S3", 50), 50u);  // nobody holds S3
}

TEST_P(PurgeTest, StableTombstoneIsPurgedAtHubAndEveryReplica) {
  Member& a = Add("a", 1);
  Member& b = Add("b", 2);
  const std::vector<std::string> ids = AddAppointments(*a.replica, 2);
  SyncAll();
  ASSERT_TRUE(At(b, ids[0]).has_value());
  Delete(a, ids[0]);
  SyncOk(a);
  // B has not applied the deletion yet: the hub keeps the tombstone.
  auto tomb = AtHub(ids[0]);
  ASSERT_TRUE(tomb.has_value());
  EXPECT_TRUE(common::IsPurgeableTombstone(*tomb));
  SyncAll(3);
  EXPECT_FALSE(AtHub(ids[0]).has_value());
  EXPECT_FALSE(At(a, ids[0]).has_value());
  EXPECT_FALSE(At(b, ids[0]).has_value());
  // The live record is untouched, and both replicas hold the same bytes.
  EXPECT_TRUE(AtHub(ids[1]).has_value());
  EXPECT_TRUE(At(a, ids[1]).has_value());
  EXPECT_EQ(*a.replica->Dump(), *b.replica->Dump());
  auto h = store_->PurgeHorizons({"S1"});
  ASSERT_TRUE(h.ok());
  EXPECT_GE(h->at("S1"), tomb.has_value() ? 1u : 0u);
  EXPECT_NE(log_.str().find("purged=1"), std::string::npos) << log_.str();
  // On both stores the horizon stops once every replica has acknowledged
  // the tombstone (PostgreSQL: cursors end at the scope's top, not at the
  // transaction-id horizon, issue #17): the replica holds the hub's.
  const std::string held = *a.replica->store()->GetMeta("purge_horizon:S1");
  EXPECT_EQ(held, std::to_string(h->at("S1")));
  // Nothing left to send anywhere, and further syncs change nothing.
  EXPECT_EQ(*a.replica->PendingCount(), 0);
  EXPECT_EQ(*b.replica->PendingCount(), 0);
}

TEST_P(PurgeTest, ReplicaThatNeverCaughtUpHoldsTheHorizonUntilRevoked) {
  Member& a = Add("a", 1);
  Member& b = Add("b", 2);
  Member& c = Add("c", 3);
  const std::vector<std::string> ids = AddAppointments(*a.replica, 2);
  SyncAll();
  // C goes away (a kiosk switched off): it never acknowledges what follows.
  c.active = false;
  Delete(a, ids[0]);
  SyncAll(3);
  ASSERT_TRUE(AtHub(ids[0]).has_value()) << "C has not seen the deletion";
  std::ostringstream log;
  PurgeRunOptions dry;
  dry.dry_run = true;
  auto counted = RunHubPurge(*store_, dry, &log);
  ASSERT_TRUE(counted.ok()) << counted.status().ToString();
  EXPECT_EQ(counted->purged, 0);
  // C is revoked (a replaced kiosk): it no longer holds the horizon back.
  ASSERT_TRUE(store_->Revoke("", "c").ok());
  counted = RunHubPurge(*store_, dry, &log);
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(counted->purged, 1);
  EXPECT_TRUE(AtHub(ids[0]).has_value()) << "a dry run changes nothing";
  auto done = RunHubPurge(*store_, PurgeRunOptions{}, &log);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->purged, 1);
  EXPECT_FALSE(AtHub(ids[0]).has_value());
  EXPECT_NE(log.str().find("purge dry_run=0 sites=1 purged=1 more=0 horizons=S1:"),
            std::string::npos)
      << log.str();
  SyncAll();
  EXPECT_FALSE(At(a, ids[0]).has_value());
  EXPECT_FALSE(At(b, ids[0]).has_value());
  EXPECT_TRUE(At(c, ids[0]).has_value()) << "C never synced again";
}

TEST_P(PurgeTest, BatchBoundsEachRun) {
  Member& a = Add("a", 1);
  Add("b", 2);
  const std::vector<std::string> ids = AddAppointments(*a.replica, 5);
  SyncAll();
  RestartHubWithoutAutoPurge();
  for (const std::string& id : ids) Delete(a, id);
  SyncAll(3);
  for (const std::string& id : ids) ASSERT_TRUE(AtHub(id).has_value()) << "no automatic purge";
  PurgeRunOptions opts;
  opts.batch = 2;
  opts.max_runs = 1;
  auto r = RunHubPurge(*store_, opts, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->purged, 2);
  EXPECT_TRUE(r->more);
  opts.max_runs = 100;
  r = RunHubPurge(*store_, opts, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->more);
  for (const std::string& id : ids) {
    auto left = AtHub(id);
    EXPECT_FALSE(left.has_value()) << id << " " << (left ? common::EncodeRecordJson(*left) : "")
                                   << " horizon=" << r->sites.at(0).horizon;
  }
}

TEST_P(PurgeTest, RestoredBackupBelowHorizonDoesNotResurrect) {
  Member& a = Add("a", 1);
  Member& b = Add("b", 2);
  const std::vector<std::string> ids = AddAppointments(*a.replica, 2);
  SyncAll();
  // The backup of B, taken before the deletion.
  const std::string backup = dir_.File("b-backup.db");
  ASSERT_TRUE(b.replica->store()->db()->Exec("VACUUM INTO '" + backup + "'").ok());
  // After the backup B still works: a new appointment, delivered.
  const std::vector<std::string> delivered = AddAppointments(*b.replica, 1);
  SyncAll();
  Delete(a, ids[0]);
  SyncAll(3);
  ASSERT_FALSE(AtHub(ids[0]).has_value()) << "purged";
  // B's disk dies; B is restored from the backup under its own id.
  b.replica.reset();
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(dir_.File("b.db") + ext);
  std::filesystem::copy_file(backup, dir_.File("b.db"));
  auto reopened = common::Replica::Open(dir_.File("b.db"));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  b.replica = std::move(reopened).value();
  b.replica->SeedForTest(99);
  ASSERT_TRUE(At(b, ids[0]).has_value()) << "the backup predates the deletion";
  // Before its first sync, B writes: a new appointment and an edit.
  const std::vector<std::string> fresh = AddAppointments(*b.replica, 1);
  ASSERT_TRUE(b.replica
                  ->Write(Collection::kAppointment, ids[1],
                          {{common::field::kNote, "apporter l'ordonnance"}})
                  .ok());
  auto rep = SyncOk(b);
  EXPECT_EQ(rep.rebootstraps, 1);
  EXPECT_FALSE(At(b, ids[0]).has_value());
  EXPECT_FALSE(AtHub(ids[0]).has_value());
  SyncAll(3);
  for (Member* m : {&a, &b}) {
    EXPECT_FALSE(At(*m, ids[0]).has_value()) << m->file;
    EXPECT_TRUE(At(*m, delivered[0]).has_value()) << m->file;
    EXPECT_TRUE(At(*m, fresh[0]).has_value()) << m->file;
    auto appts = m->replica->AllAppointments();
    ASSERT_TRUE(appts.ok());
    EXPECT_EQ(appts->size(), 3u) << m->file << ": each appointment exactly once";
    auto edited = At(*m, ids[1]);
    ASSERT_TRUE(edited.has_value());
    // The note is sealed (per-value encryption): B's write, once.
    ASSERT_EQ(edited->fields.at(common::field::kNote).size(), 1u);
    EXPECT_EQ(edited->fields.at(common::field::kNote)[0].dot.replica,
              b.replica->replica_id());
    EXPECT_EQ(*m->replica->PendingCount(), 0);
  }
  EXPECT_FALSE(AtHub(ids[0]).has_value());
  EXPECT_TRUE(AtHub(fresh[0]).has_value());
  EXPECT_EQ(*a.replica->Dump(), *b.replica->Dump());
}

TEST_P(PurgeTest, LateTombstoneFromPeerOrPushIsNotKept) {
  Member& a = Add("a", 1);
  Member& b = Add("b", 2);
  const std::vector<std::string> ids = AddAppointments(*a.replica, 2);
  SyncAll();
  Delete(a, ids[0]);
  const Record tomb = *At(a, ids[0]);
  SyncAll(3);
  ASSERT_FALSE(At(b, ids[0]).has_value());
  ASSERT_FALSE(AtHub(ids[0]).has_value());
  // A LAN peer that has not purged yet sends its tombstone, with an honest
  // new record: the tombstone is not taken, the new record is.
  const std::vector<std::string> fresh = AddAppointments(*a.replica, 1);
  const Record honest = *At(a, fresh[0]);
  auto applied = peer::ApplyPeerRecords(*b.replica, a.replica->replica_id(), {"S1"},
                                        {tomb, honest}, {});
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->skipped, 1);
  EXPECT_EQ(applied->applied, 1);
  EXPECT_FALSE(At(b, ids[0]).has_value());
  EXPECT_TRUE(At(b, fresh[0]).has_value());
  // The same tombstone pushed to the hub after the purge is not stored.
  Scope scope{"a", a.replica->replica_id(), {"S1"}};
  auto pushed = store_->Push(scope, {tomb});
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_EQ(pushed->ignored, 1);
  EXPECT_EQ(pushed->changed, 0);
  EXPECT_FALSE(AtHub(ids[0]).has_value());
}

TEST_P(PurgeTest, HorizonOfASiteOutOfScopeIsIgnored) {
  Member& a = Add("a", 1);
  AddAppointments(*a.replica, 1);
  SyncAll();
  // A hand-made hub answer naming a site this replica does not hold, with
  // a horizon far above its cursor: neither purge nor re-bootstrap.
  relais::sync::v1::SyncResponse resp;
  auto epoch = store_->Epoch();
  ASSERT_TRUE(epoch.ok());
  resp.set_hub_epoch(*epoch);
  resp.add_sites("S1");
  // (PostgreSQL positions are large: "far above" is relative to the cursor.)
  const int64_t cursor = *a.replica->store()->GetMetaInt("pull_cursor");
  resp.set_hub_last_seq(cursor + 1000);
  resp.set_pull_cursor(cursor);
  auto* h = resp.add_purge_horizons();
  h->set_site_id("S9");
  h->set_horizon(cursor + 1000);
  auto applied = relais::sync::ApplyResponse(
      *a.replica, *a.replica->store()->GetMetaInt("pull_cursor"), 0, resp);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_FALSE(applied->rebootstrap);
  EXPECT_EQ(*a.replica->store()->GetMeta("purge_horizon:S9"), "");
  // The same horizon for its own site, above its cursor: re-bootstrap.
  h->set_site_id("S1");
  applied = relais::sync::ApplyResponse(
      *a.replica, *a.replica->store()->GetMetaInt("pull_cursor"), 0, resp);
  ASSERT_TRUE(applied.ok());
  EXPECT_TRUE(applied->rebootstrap);
}

INSTANTIATE_TEST_SUITE_P(Stores, PurgeTest, relais::pgtest::AllStores(),
                         relais::pgtest::StoreName);

}  // namespace
}  // namespace relais::server::testing
