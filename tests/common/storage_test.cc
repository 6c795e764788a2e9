#include "common/storage/replica_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "common/merge/merge.h"
#include "common/replica/replica.h"
#include "tests/common/test_util.h"

namespace relais::common {
namespace {

using testing::TempDir;

Record Appt(const std::string& id, const std::string& replica, Hlc hlc) {
  Record r;
  r.collection = Collection::kAppointment;
  r.id = id;
  r.site_id = "S1";
  ApplyLocalWrite(&r, replica, hlc, {{"status", "booked"}, {"start", "1000"}});
  return r;
}

TEST(StorageTest, CreatesVersionedSchemaInWalMode) {
  TempDir dir;
  auto s = ReplicaStore::Open(dir.File("a.db"), true);
  ASSERT_OK(s);
  EXPECT_EQ(*(*s)->db()->QueryInt("PRAGMA user_version"), kReplicaSchemaVersion);
  auto mode = (*s)->db()->Prepare("PRAGMA journal_mode");
  ASSERT_OK(mode);
  ASSERT_TRUE(*mode->Step());
  EXPECT_EQ(mode->ColumnText(0), "wal");
  EXPECT_EQ(*(*s)->db()->QueryInt("PRAGMA synchronous"), 2);  // FULL
}

TEST(StorageTest, ChangesSinceIsOrderedAndBounded) {
  TempDir dir;
  auto s = std::move(ReplicaStore::Open(dir.File("a.db"), true)).value();
  for (int i = 0; i < 10; ++i) {
    Transaction tx(s->db());
    ASSERT_OK(tx.status());
    ASSERT_OK(s->PutLocal(Appt("rdv-" + std::to_string(i), "a", 10 + i)));
    ASSERT_OK(tx.Commit());
  }
  auto batch = s->ChangesSince(3, 4, 1 << 20);
  ASSERT_OK(batch);
  ASSERT_EQ(batch->size(), 4u);
  EXPECT_EQ((*batch)[0].seq, 4u);
  EXPECT_EQ((*batch)[3].seq, 7u);
  EXPECT_EQ(*s->CountChangesSince(7), 3);
  auto tiny = s->ChangesSince(0, 100, 1);  // byte bound still yields one
  ASSERT_OK(tiny);
  EXPECT_EQ(tiny->size(), 1u);
  // The seq index is used (no full scan) for "changes since N".
  auto plan = s->db()->Prepare(
      "EXPLAIN QUERY PLAN SELECT seq, state FROM records WHERE seq > 5 ORDER BY seq");
  ASSERT_OK(plan);
  ASSERT_TRUE(*plan->Step());
  EXPECT_NE(plan->ColumnText(3).find("records_seq"), std::string::npos)
      << plan->ColumnText(3);
}

TEST(StorageTest, ApplyRemoteIsAtomicAndClearsPendingWhenEqual) {
  TempDir dir;
  auto s = std::move(ReplicaStore::Open(dir.File("a.db"), true)).value();
  Record remote = Appt("rdv-1", "hub-side", 50);
  auto st = s->ApplyRemote({remote}, {{"pull_cursor", "9"}});
  ASSERT_OK(st);
  EXPECT_EQ(st->applied, 1);
  EXPECT_EQ(*s->CountChangesSince(0), 0);  // nothing to send back
  EXPECT_EQ(*s->GetMetaInt("pull_cursor"), 9u);
  // Re-applying is a no-op.
  EXPECT_EQ(s->ApplyRemote({remote}, {})->unchanged, 1);
  // An invalid record refuses the whole batch, atomically.
  Record bad = Appt("rdv-3", "x", 60);
  bad.fields["status"][0].value = "teleporte";
  Record fresh = Appt("rdv-2", "x", 60);
  EXPECT_FALSE(s->ApplyRemote({fresh, bad}, {{"pull_cursor", "10"}}).ok());
  EXPECT_FALSE((*s->Get(Collection::kAppointment, "rdv-2")).has_value());
  EXPECT_EQ(*s->GetMetaInt("pull_cursor"), 9u);
  // A record of another site under an id held here is set aside (issue
  // #19: a multi-site replica must not be stopped by one house), the rest
  // of the batch applies, and the first record stays.
  Record other = Appt("rdv-1", "x", 60);
  other.site_id = "S2";
  auto aside = s->ApplyRemote({fresh, other}, {{"pull_cursor", "10"}});
  ASSERT_OK(aside);
  EXPECT_EQ(aside->set_aside, 1);
  EXPECT_EQ(aside->applied, 1);
  EXPECT_TRUE((*s->Get(Collection::kAppointment, "rdv-2")).has_value());
  EXPECT_EQ((*s->Get(Collection::kAppointment, "rdv-1"))->site_id, remote.site_id);
  EXPECT_EQ(*s->GetMetaInt("set_aside"), 1u);
  EXPECT_EQ(*s->GetMetaInt("pull_cursor"), 10u);
}

// Found by fuzz_pull_apply: two pulled states of one record that cannot both
// be true used to join into a record without any field. Now refused, and
// nothing of the batch is written.
TEST(StorageTest, ApplyRemoteRefusesStatesThatCannotBothBeTrue) {
  TempDir dir;
  auto s = std::move(ReplicaStore::Open(dir.File("a.db"), true)).value();
  Record name, profession;
  for (Record* r : {&name, &profession}) {
    r->collection = Collection::kPractitioner;
    r->id = "p0@S1";
    r->site_id = "S1";
  }
  // One vector {R:1}, but the write (R,1) holds other fields in each.
  ASSERT_TRUE(ApplyLocalWrite(&name, "R", 100, {{"name", "Dr Martin"}}));
  ASSERT_TRUE(ApplyLocalWrite(&profession, "R", 100, {{"profession", "infirmier"}}));
  Record fresh = Appt("rdv-9", "R", 100);
  EXPECT_EQ(s->ApplyRemote({fresh, name, profession}, {{"pull_cursor", "5"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE((*s->Get(Collection::kAppointment, "rdv-9")).has_value());
  EXPECT_FALSE((*s->Get(Collection::kPractitioner, "p0@S1")).has_value());
  // One write id with two values in one field: refused as well.
  Record a = Appt("rdv-1", "R", 100), b = a;
  b.fields["status"][0].value = "cancelled";
  ASSERT_OK(s->ApplyRemote({a}, {}));
  EXPECT_EQ(s->ApplyRemote({b}, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(View(**s->Get(Collection::kAppointment, "rdv-1"))["status"], "booked");
  // A delta is a push-only form: a pulled one is refused.
  Record partial = Appt("rdv-2", "R", 100);
  partial.partial = true;
  EXPECT_EQ(s->ApplyRemote({partial}, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE((*s->Get(Collection::kAppointment, "rdv-2")).has_value());
}

TEST(StorageTest, RefusesForeignAndCorruptFiles) {
  TempDir dir;
  // A text file.
  { std::ofstream(dir.File("notes.db")) << "ceci n'est pas une base SQLite, mais un texte assez long pour remplir un en-tête de page SQLite complet......"; }
  auto r = ReplicaStore::Open(dir.File("notes.db"), false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
  // Another application's SQLite file.
  {
    auto db = Db::Open(dir.File("other.db"), true);
    ASSERT_OK(db);
    ASSERT_OK((*db)->Exec("CREATE TABLE t(x); INSERT INTO t VALUES(1);"));
  }
  r = ReplicaStore::Open(dir.File("other.db"), false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  // The foreign file is left intact.
  auto db = Db::Open(dir.File("other.db"), false);
  ASSERT_OK(db);
  EXPECT_EQ(*(*db)->QueryInt("SELECT x FROM t"), 1);
  // A missing file is not created when create=false.
  EXPECT_FALSE(ReplicaStore::Open(dir.File("absent.db"), false).ok());
}

TEST(StorageTest, RefusesSchemaFromTheFuture) {
  TempDir dir;
  {
    auto s = ReplicaStore::Open(dir.File("a.db"), true);
    ASSERT_OK(s);
    ASSERT_OK((*s)->db()->Exec("PRAGMA user_version=99"));
  }
  auto r = ReplicaStore::Open(dir.File("a.db"), false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("99"), std::string::npos);
}

TEST(StorageTest, MigratesFromVersionZeroFile) {
  TempDir dir;
  { auto db = Db::Open(dir.File("a.db"), true); ASSERT_OK(db); }  // empty v0
  auto s = ReplicaStore::Open(dir.File("a.db"), false);
  ASSERT_OK(s);
  EXPECT_EQ(*(*s)->db()->QueryInt("PRAGMA user_version"), kReplicaSchemaVersion);
  EXPECT_EQ(*(*s)->db()->QueryInt("PRAGMA application_id"), 0x52454C53);
}

TEST(StorageTest, RolledBackTransactionLeavesNoTrace) {
  TempDir dir;
  auto s = std::move(ReplicaStore::Open(dir.File("a.db"), true)).value();
  {
    Transaction tx(s->db());
    ASSERT_OK(tx.status());
    ASSERT_OK(s->PutLocal(Appt("rdv-1", "a", 1)));
    ASSERT_OK(s->PutLocal(Appt("rdv-2", "a", 2)));
    // No Commit(): simulates a crash between the two halves of a change.
  }
  EXPECT_FALSE((*s->Get(Collection::kAppointment, "rdv-1")).has_value());
  EXPECT_EQ(*s->GetMetaInt("local_seq"), 0u);
}

TEST(StorageTest, FullDiskGivesClearErrorAndKeepsData) {
  TempDir dir;
  const std::string path = dir.File("a.db");
  ASSERT_OK(Replica::Init(path, "S1"));
  auto rep = std::move(Replica::Open(path)).value();
  ASSERT_OK(rep->AddPractitioner("p1", "Dr Martin", "medecin"));
  const std::string before = *rep->Dump();
  const int64_t pages = *rep->store()->db()->QueryInt("PRAGMA page_count");
  ASSERT_OK(rep->store()->db()->Exec("PRAGMA max_page_count=" + std::to_string(pages)));
  Status last;
  int added = 0;
  for (int i = 0; i < 200 && last.ok(); ++i) {
    NewAppointment a;
    a.practitioner = "p1";
    a.patient_name = "Patient " + std::to_string(i) + std::string(800, 'x');
    a.start = 1790000000 + i * 900;
    auto r = rep->AddAppointment(a);
    last = r.ok() ? Status::OK() : r.status();
    if (r.ok()) ++added;
  }
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.code(), StatusCode::kResourceExhausted) << last.ToString();
  EXPECT_NE(last.message().find("disque plein"), std::string::npos);
  // What was committed before is intact and the file is consistent.
  rep.reset();
  auto again = Replica::Open(path);
  ASSERT_OK(again);
  EXPECT_EQ(*(*again)->store()->db()->QueryInt(
                "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check='ok'"),
            1);
  // Every acknowledged write is there, the failed one left nothing behind.
  EXPECT_EQ(static_cast<int>((*again)->AllAppointments()->size()), added);
  EXPECT_EQ(*(*again)->PendingCount(), added + 1);
  EXPECT_NE((*again)->Dump()->find("Dr Martin"), std::string::npos);
  EXPECT_NE(before.find("Dr Martin"), std::string::npos);
}

}  // namespace
}  // namespace relais::common
