// History purge on a replica bootstrapped from a signed snapshot (issue #17,
// docs/sync-model.md §8 and §11): the snapshot's records carry hub_at = the
// snapshot's cursor, so its settled tombstones are purged like everyone's.
#include <sqlite3.h>

#include "common/snapshot/bootstrap.h"
#include "common/snapshot/signing_key.h"
#include "server/hub_snapshot.h"
#include "tests/purge/purge_fixture.h"

namespace relais::server::testing {
namespace {

namespace snap = common::snapshot;

// Rows of `records` with one of `ids`, read with the SQLite API (the
// oracle: not through ReplicaStore); -1 if the file cannot be read.
int64_t CountRows(const std::string& path, const std::vector<std::string>& ids) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return -1;
  }
  int64_t n = 0;
  sqlite3_stmt* st = nullptr;
  for (const std::string& id : ids) {
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM records WHERE id=?", -1, &st, nullptr) !=
        SQLITE_OK) {
      n = -1;
      break;
    }
    sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) n += sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

class SnapshotPurgeTest : public PurgeFixture {
 protected:
  // A new replica of S1 from a snapshot of the hub, as a member.
  Member& AddFromSnapshot(const std::string& name) {
    SnapshotRequest req;
    req.sites = {"S1"};
    req.out_path = dir_.File(name + ".snap");
    req.key_path = dir_.File("hub-sign.key");
    req.page_records = 2;  // several pages
    auto written = WriteSnapshot(*store_, req, *common::SystemClock::Default());
    EXPECT_TRUE(written.ok()) << written.status().ToString();
    auto key = snap::LoadOrCreateSigningKey(req.key_path);
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    snap::BootstrapRequest boot;
    boot.db_path = dir_.File(name + ".db");
    boot.site = "S1";
    boot.snapshot_path = req.out_path;
    if (key.ok()) boot.hub_key = key->pub;
    auto loaded = snap::InitFromSnapshot(boot);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    Member m;
    m.file = name + ".db";
    m.token = Enroll({"S1"}, name);
    auto opened = common::Replica::Open(boot.db_path);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (opened.ok()) {
      m.replica = std::move(opened).value();
      m.replica->SeedForTest(7);
    }
    members_.push_back(std::move(m));
    return members_.back();
  }
};

TEST_P(SnapshotPurgeTest, SnapshotTombstonesArePurgedAfterStability) {
  Member& a = Add("a", 1);
  Member& b = Add("b", 2);
  const std::vector<std::string> ids = AddAppointments(*a.replica, 4);
  SyncAll();
  // Two settled tombstones at the hub, held there because B has not
  // applied them yet when the snapshot is taken.
  Delete(a, ids[0]);
  Delete(a, ids[1]);
  SyncOk(a);
  const std::vector<std::string> dead = {ids[0], ids[1]};
  ASSERT_TRUE(AtHub(ids[0]).has_value());
  ASSERT_TRUE(AtHub(ids[1]).has_value());
  Member& c = AddFromSnapshot("c");
  ASSERT_TRUE(c.replica);
  ASSERT_EQ(CountRows(dir_.File(c.file), dead), 2) << "the snapshot carries both tombstones";
  // hub_at is the snapshot's cursor: never 0 for what it loaded.
  auto cursor = c.replica->store()->GetMetaInt("pull_cursor");
  ASSERT_TRUE(cursor.ok());
  {
    auto st = c.replica->store()->db()->Prepare(
        "SELECT COUNT(*) FROM records WHERE hub_at <> ?");
    ASSERT_TRUE(st.ok());
    st->Bind(1, static_cast<int64_t>(*cursor));
    ASSERT_TRUE(*st->Step());
    EXPECT_EQ(st->ColumnInt(0), 0);
  }
  // Everyone syncs until stable (C's first sync acknowledges its cursor,
  // B's applies the deletions): purged at the hub and on every replica.
  SyncAll(4);
  EXPECT_FALSE(AtHub(ids[0]).has_value());
  EXPECT_FALSE(AtHub(ids[1]).has_value());
  for (Member* m : {&a, &b, &c}) {
    EXPECT_EQ(CountRows(dir_.File(m->file), dead), 0) << m->file;
    EXPECT_EQ(CountRows(dir_.File(m->file), {ids[2], ids[3]}), 2) << m->file << ": live kept";
    EXPECT_EQ(*m->replica->PendingCount(), 0) << m->file;
  }
  EXPECT_EQ(*a.replica->Dump(), *c.replica->Dump());
}

INSTANTIATE_TEST_SUITE_P(Stores, SnapshotPurgeTest, relais::pgtest::AllStores(),
                         relais::pgtest::StoreName);

}  // namespace
}  // namespace relais::server::testing
