// A sync that changes nothing writes nothing on PostgreSQL (issue #17,
// docs/sync-model.md §11): a real hub in process on 127.0.0.1 over a
// PostgreSQL store, real replicas. Oracles read the hub's tables with SQL
// (values and the rows' xmin/xmax, which any insert, update, delete or row
// lock changes) and the replica's file with the sqlite3 API (a trigger the
// test installs counts every write of the pull_cursor meta row), never
// through the stores under test.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <string>

#include "server/pg_conn.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {
namespace {

constexpr int kNoOpSyncs = 5;

class PgNoOpSyncTest : public HubFixture {
 protected:
  pgtest::StoreKind Kind() const override { return pgtest::StoreKind::kPostgres; }

  // One SQL value (first row, first column; "" for NULL or no row).
  std::string Sql(const std::string& sql, const pg::Params& params = {}) {
    if (!pg_) {
      auto c = pg::PgConn::Connect(Location().conninfo);
      EXPECT_TRUE(c.ok()) << c.status().ToString();
      if (!c.ok()) return "";
      pg_ = std::move(c).value();
    }
    auto r = pg_->Exec(sql, params);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    if (!r.ok() || r->rows() == 0 || r->is_null(0, 0)) return "";
    return r->text(0, 0);
  }

  // Every row of every hub table with its physical version: changes on
  // any write to the hub's database, even one that rewrites equal values.
  std::string HubFingerprint() {
    std::string all;
    for (const char* t : {"meta", "records", "tokens", "ticket_letters", "replica_acks",
                          "purge_horizons"}) {
      all += std::string(t) + ":" +
             Sql(std::string("SELECT coalesce(string_agg(ctid::text || '/' || xmin::text"
                             " || '/' || xmax::text, ',' ORDER BY ctid), '') FROM relais.") +
                 t) +
             "\n";
    }
    return all;
  }

  // The replica's acknowledgement row at the hub (value, time, version).
  std::string AckRow(const common::Replica& r) {
    return Sql("SELECT pull_cursor || '@' || at_ms || '/' || xmin::text || '/' || xmax::text"
               " FROM relais.replica_acks WHERE replica_id = $1",
               {r.replica_id()});
  }

  // Largest hub_seq of a site, read with SQL.
  std::string TopOf(const std::string& site) {
    return Sql("SELECT max(hub_seq) FROM relais.records WHERE site_id = $1", {site});
  }

  // Installs, in the replica file `file`, a trigger counting every insert
  // or update of meta 'pull_cursor' (in table test_cursor_writes).
  void WatchCursorWrites(const std::string& file) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.File(file).c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(
        db,
        "CREATE TABLE test_cursor_writes(value TEXT);"
        "CREATE TRIGGER test_cursor_upd AFTER UPDATE ON meta WHEN new.key = 'pull_cursor'"
        " BEGIN INSERT INTO test_cursor_writes VALUES(new.value); END;"
        "CREATE TRIGGER test_cursor_ins AFTER INSERT ON meta WHEN new.key = 'pull_cursor'"
        " BEGIN INSERT INTO test_cursor_writes VALUES(new.value); END;",
        nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }

  // The replica file's pull_cursor and the count of its writes.
  std::pair<std::string, int> CursorOf(const std::string& file) {
    sqlite3* db = nullptr;
    std::pair<std::string, int> out{"", -1};
    EXPECT_EQ(sqlite3_open_v2(dir_.File(file).c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
              SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db,
                           "SELECT (SELECT value FROM meta WHERE key = 'pull_cursor'),"
                           " (SELECT count(*) FROM test_cursor_writes)",
                           -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* v = sqlite3_column_text(st, 0);
      out = {v ? reinterpret_cast<const char*>(v) : "", sqlite3_column_int(st, 1)};
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    EXPECT_NE(out.second, -1) << "lecture de " << file;
    return out;
  }

  relais::sync::SyncReport SyncOk(common::Replica& r, const std::string& token) {
    auto rep = relais::sync::SyncOnce(r, Options(token));
    EXPECT_TRUE(rep.ok()) << r.replica_id() << ": " << rep.status().ToString();
    return rep.ok() ? *rep : relais::sync::SyncReport{};
  }

  void TearDown() override {
    pg_.reset();
    HubFixture::TearDown();
  }

  std::unique_ptr<pg::PgConn> pg_;
};

TEST_F(PgNoOpSyncTest, NoOpSyncsMoveNoCursorAndWriteNothingUntilTheScopeChanges) {
  const std::string ta = Enroll({"S1"}, "a"), tb = Enroll({"S1"}, "b"),
                    tc = Enroll({"S2"}, "c");
  auto a = NewReplica("a.db", "S1", 1);
  auto b = NewReplica("b.db", "S1", 2);
  auto c = NewReplica("c.db", "S2", 3);
  ASSERT_TRUE(a && b && c);
  AddAppointments(*a, 2);
  AddAppointments(*c, 1);
  for (int round = 0; round < 2; ++round) {  // pushed, pulled, acknowledged
    SyncOk(*a, ta);
    SyncOk(*b, tb);
    SyncOk(*c, tc);
  }
  WatchCursorWrites("a.db");
  WatchCursorWrites("b.db");
  const auto [cursor0, writes0] = CursorOf("a.db");
  ASSERT_EQ(writes0, 0);
  // The cursor is S1's largest position (a's own echoes included), not a
  // transaction-id horizon.
  EXPECT_EQ(cursor0, TopOf("S1"));
  EXPECT_EQ(CursorOf("b.db"), std::make_pair(TopOf("S1"), 0));
  const std::string hub0 = HubFingerprint();
  const std::string ack_a0 = AckRow(*a);
  ASSERT_NE(ack_a0, "") << "a acknowledged its cursor";
  EXPECT_EQ(ack_a0.substr(0, ack_a0.find('@')), cursor0);

  for (int i = 0; i < kNoOpSyncs; ++i) {
    auto ra = SyncOk(*a, ta);
    auto rb = SyncOk(*b, tb);
    EXPECT_EQ(ra.pushed + ra.pulled + rb.pushed + rb.pulled, 0) << "sync " << i;
  }
  EXPECT_EQ(CursorOf("a.db"), std::make_pair(cursor0, 0)) << "no write of pull_cursor";
  EXPECT_EQ(CursorOf("b.db"), std::make_pair(cursor0, 0));
  EXPECT_EQ(HubFingerprint(), hub0) << "a no-op sync wrote to the hub's database";

  // Another site changes: out of a's scope, a's cursor and ack stay.
  AddAppointments(*c, 1);
  SyncOk(*c, tc);
  for (int i = 0; i < 2; ++i) SyncOk(*a, ta);
  EXPECT_EQ(CursorOf("a.db"), std::make_pair(cursor0, 0));
  EXPECT_EQ(AckRow(*a), ack_a0);

  // b writes in a's scope: a's cursor moves once, to the new top of S1,
  // and its acknowledgement follows once at its next sync.
  AddAppointments(*b, 1);
  SyncOk(*b, tb);
  const std::string top1 = TopOf("S1");
  ASSERT_GT(std::stoull(top1), std::stoull(cursor0));
  EXPECT_EQ(SyncOk(*a, ta).pulled, 1);
  EXPECT_EQ(CursorOf("a.db"), std::make_pair(top1, 1));
  SyncOk(*a, ta);
  const std::string ack_a1 = AckRow(*a);
  EXPECT_EQ(ack_a1.substr(0, ack_a1.find('@')), top1);
  SyncOk(*b, tb);  // b acknowledges its own write's echo position
  const std::string hub1 = HubFingerprint();
  for (int i = 0; i < kNoOpSyncs; ++i) {
    SyncOk(*a, ta);
    SyncOk(*b, tb);
  }
  EXPECT_EQ(CursorOf("a.db"), std::make_pair(top1, 1));
  EXPECT_EQ(AckRow(*a), ack_a1);
  EXPECT_EQ(HubFingerprint(), hub1);
}

// The replica's own deletion, once every replica of the site has it, is
// purged at the hub and on both replicas, and the syncs that follow write
// nothing (the cursor ends at the tombstone's own position, its echo).
TEST_F(PgNoOpSyncTest, OwnTombstoneIsPurgedEverywhereThenSyncsWriteNothing) {
  const std::string ta = Enroll({"S1"}, "a"), tb = Enroll({"S1"}, "b");
  auto a = NewReplica("a.db", "S1", 1);
  auto b = NewReplica("b.db", "S1", 2);
  ASSERT_TRUE(a && b);
  const std::vector<std::string> ids = AddAppointments(*a, 2);
  for (int round = 0; round < 2; ++round) {
    SyncOk(*a, ta);
    SyncOk(*b, tb);
  }
  auto w = a->Write(common::Collection::kAppointment, ids[0], {{common::kDeletedField, "1"}});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  SyncOk(*a, ta);
  const std::string tomb = Sql(
      "SELECT hub_seq FROM relais.records WHERE site_id = 'S1' AND id = $1", {ids[0]});
  ASSERT_EQ(tomb, TopOf("S1"));
  int purged = 0;
  for (int round = 0; round < 3; ++round) {
    purged += SyncOk(*a, ta).purged;
    purged += SyncOk(*b, tb).purged;
  }
  EXPECT_EQ(Sql("SELECT count(*) FROM relais.records WHERE id = $1", {ids[0]}), "0");
  EXPECT_EQ(purged, 2) << "a's own tombstone and b's copy";
  EXPECT_FALSE(a->Get(common::Collection::kAppointment, ids[0])->has_value());
  EXPECT_FALSE(b->Get(common::Collection::kAppointment, ids[0])->has_value());
  EXPECT_EQ(Sql("SELECT horizon FROM relais.purge_horizons WHERE site_id = 'S1'"), tomb);
  WatchCursorWrites("a.db");
  const std::string hub0 = HubFingerprint();
  for (int i = 0; i < kNoOpSyncs; ++i) {
    SyncOk(*a, ta);
    SyncOk(*b, tb);
  }
  EXPECT_EQ(CursorOf("a.db"), std::make_pair(tomb, 0));
  EXPECT_EQ(HubFingerprint(), hub0);

  // A new kiosk of S1 after the purge: the tombstone was S1's top, so its
  // complete first pull ends at the purge horizon, not below it (a cursor
  // below it would read as a restored backup, re-bootstrapped forever).
  const std::string tc = Enroll({"S1"}, "c");
  auto c = NewReplica("c.db", "S1", 3);
  ASSERT_TRUE(c);
  EXPECT_EQ(SyncOk(*c, tc).rebootstraps, 0);
  WatchCursorWrites("c.db");
  for (int i = 0; i < kNoOpSyncs; ++i) EXPECT_EQ(SyncOk(*c, tc).rebootstraps, 0);
  EXPECT_EQ(CursorOf("c.db"), std::make_pair(tomb, 0));
  EXPECT_EQ(*c->Dump(), *a->Dump());
}

}  // namespace
}  // namespace relais::server::testing
