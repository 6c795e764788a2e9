// Compaction of retired replicas' version-vector entries (issue #17,
// docs/sync-model.md §11 « Compaction »): a real hub (SQLite and
// PostgreSQL) and real replicas in process on 127.0.0.1.
#include "common/codec/record_json.h"
#include "common/merge/vv_compact.h"
#include "common/storage/sqlite.h"
#include "common/sync/sync_client.h"
#include "proto/sync.pb.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"
#include "tests/purge/purge_fixture.h"

namespace relais::server::testing {
namespace {

using common::Collection;
using common::Record;

class VvCompactTest : public PurgeFixture {
 protected:
  std::string Bytes(const std::optional<Record>& r) {
    return r ? common::EncodeRecordJson(*r) : std::string("(absent)");
  }
  std::set<std::string> Compacted() {
    auto ids = store_->CompactedReplicas();
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    return ids.ok() ? std::set<std::string>(ids->begin(), ids->end()) : std::set<std::string>();
  }
};

TEST_P(VvCompactTest, RetiredReplicaEntriesAreCompactedAtHubAndEveryReplica) {
  Member& a = Add("a", 1);
  Member& b = Add("b", 2);
  Member& r = Add("r", 3);
  const std::string rid = r.replica->replica_id();
  const std::vector<std::string> ids = AddAppointments(*a.replica, 2);
  SyncAll();
  // r writes both records; a then replaces r's note of ids[0]; r's room of
  // ids[1] stays (its entry must stay with it).
  ASSERT_TRUE(r.replica->Write(Collection::kAppointment, ids[0], {{"note", "de r"}}).ok());
  ASSERT_TRUE(r.replica->Write(Collection::kAppointment, ids[1], {{"room", "7"}}).ok());
  SyncOk(r);
  SyncOk(a);
  ASSERT_TRUE(a.replica->Write(Collection::kAppointment, ids[0], {{"note", "de a"}}).ok());
  ASSERT_TRUE(store_->Revoke("", "r").ok());
  r.active = false;
  SyncOk(a);
  // Before stability (b has not applied a's note yet): nothing compacted.
  auto dry = store_->Purge({"S1"}, 1000, /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->compacted, 0);
  ASSERT_TRUE(AtHub(ids[0]).has_value());
  EXPECT_GT(AtHub(ids[0])->vv.Get(rid), 0u);
  SyncOk(b);  // b pulls a's note but has not acknowledged it: still unstable
  EXPECT_GT(At(b, ids[0])->vv.Get(rid), 0u);
  EXPECT_TRUE(Compacted().empty() || AtHub(ids[0])->vv.Get(rid) > 0u);

  SyncAll(4);
  EXPECT_EQ(Compacted(), std::set<std::string>{rid});
  const auto h0 = AtHub(ids[0]), h1 = AtHub(ids[1]);
  ASSERT_TRUE(h0 && h1);
  EXPECT_EQ(h0->vv.Get(rid), 0u) << Bytes(h0);
  ASSERT_EQ(h0->fields.at("note").size(), 1u);  // notes are sealed: check the author
  EXPECT_EQ(h0->fields.at("note")[0].dot.replica, a.replica->replica_id());
  EXPECT_GT(h1->vv.Get(rid), 0u) << "le frère de r garde son entrée: " << Bytes(h1);
  EXPECT_TRUE(common::CarriesDotOf(*h1, rid));
  for (Member* m : {&a, &b}) {
    EXPECT_EQ(Bytes(At(*m, ids[0])), Bytes(h0)) << m->file;
    EXPECT_EQ(Bytes(At(*m, ids[1])), Bytes(h1)) << m->file;
  }
  EXPECT_EQ(*a.replica->Dump(), *b.replica->Dump());
  EXPECT_NE(log_.str().find("compacted="), std::string::npos) << log_.str();

  // A later concurrent edit still merges right (a conflict, both kept).
  ASSERT_TRUE(a.replica->Write(Collection::kAppointment, ids[0], {{"note", "a2"}}).ok());
  ASSERT_TRUE(b.replica->Write(Collection::kAppointment, ids[0], {{"note", "b2"}}).ok());
  SyncAll(3);
  const auto after = AtHub(ids[0]);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->fields.at("note").size(), 2u) << Bytes(after);
  EXPECT_EQ(after->vv.Get(rid), 0u);
  EXPECT_EQ(Bytes(At(a, ids[0])), Bytes(after));
  EXPECT_EQ(Bytes(At(b, ids[0])), Bytes(after));
  EXPECT_EQ(*a.replica->Dump(), *b.replica->Dump());
}

TEST_P(VvCompactTest, HostilePushDoesNotResurrectACompactedEntry) {
  Member& a = Add("a", 1);
  Member& b = Add("b", 2);
  Member& r = Add("r", 3);
  const std::string rid = r.replica->replica_id();
  const std::vector<std::string> ids = AddAppointments(*a.replica, 1);
  SyncAll();
  ASSERT_TRUE(r.replica->Write(Collection::kAppointment, ids[0], {{"note", "de r"}}).ok());
  SyncOk(r);
  const uint64_t r_counter = At(r, ids[0])->vv.Get(rid);
  SyncOk(a);
  ASSERT_TRUE(a.replica->Write(Collection::kAppointment, ids[0], {{"note", "de a"}}).ok());
  ASSERT_TRUE(store_->Revoke("", "r").ok());
  r.active = false;
  SyncAll(4);
  const auto before = AtHub(ids[0]);
  ASSERT_TRUE(before.has_value());
  ASSERT_EQ(before->vv.Get(rid), 0u) << Bytes(before);
  const Scope scope{"a", a.replica->replica_id(), {"S1"}};
  // 1. The entry alone, in a's name.
  Record forged = *before;
  forged.vv.Set(rid, r_counter);
  auto pushed = store_->Push(scope, {forged});
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_EQ(pushed->ignored, 0) << "compacted before Accept, not counted";
  EXPECT_EQ(Bytes(AtHub(ids[0])), Bytes(before));
  // 2. The entry with r's replaced note brought back as a sibling.
  forged.fields["note"].insert(forged.fields["note"].begin(),
                               common::Sibling{"de r", {rid, r_counter}, 1});
  std::sort(forged.fields["note"].begin(), forged.fields["note"].end(),
            [](const common::Sibling& x, const common::Sibling& y) { return x.dot < y.dot; });
  pushed = store_->Push(scope, {forged});
  if (pushed.ok()) {
    EXPECT_GE(pushed->ignored, 1);
  }
  EXPECT_EQ(Bytes(AtHub(ids[0])), Bytes(before));
  // The replicas stay as the hub.
  SyncAll(2);
  EXPECT_EQ(Bytes(At(a, ids[0])), Bytes(before));
  EXPECT_EQ(Bytes(At(b, ids[0])), Bytes(before));
}

TEST_P(VvCompactTest, PendingEditDuringCompactionConverges) {
  // b holds an unsent edit (its state is not stable, so not compacted)
  // while the hub compacts the record: its push is compacted before
  // Accept, it gets the result back and drops the entry too.
  Member& a = Add("a", 1);
  Member& b = Add("b", 2);
  Member& r = Add("r", 3);
  const std::string rid = r.replica->replica_id();
  const std::vector<std::string> ids = AddAppointments(*a.replica, 1);
  SyncAll();
  ASSERT_TRUE(r.replica->Write(Collection::kAppointment, ids[0], {{"note", "de r"}}).ok());
  SyncOk(r);
  SyncOk(a);
  ASSERT_TRUE(a.replica->Write(Collection::kAppointment, ids[0], {{"note", "de a"}}).ok());
  ASSERT_TRUE(store_->Revoke("", "r").ok());
  r.active = false;
  SyncOk(a);
  SyncOk(b);
  SyncOk(b);  // b has applied a's note and acknowledged it
  ASSERT_TRUE(b.replica->Write(Collection::kAppointment, ids[0], {{"room", "9"}}).ok());
  b.active = false;
  for (int i = 0; i < 3; ++i) SyncOk(a);
  ASSERT_EQ(AtHub(ids[0])->vv.Get(rid), 0u) << Bytes(AtHub(ids[0]));
  ASSERT_GT(At(b, ids[0])->vv.Get(rid), 0u);
  b.active = true;
  SyncAll(3);
  const auto h = AtHub(ids[0]);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->vv.Get(rid), 0u) << Bytes(h);
  EXPECT_EQ(h->fields.at("room")[0].dot.replica, b.replica->replica_id());
  EXPECT_EQ(Bytes(At(a, ids[0])), Bytes(h));
  EXPECT_EQ(Bytes(At(b, ids[0])), Bytes(h));
  EXPECT_EQ(log_.str().find("ignored="), std::string::npos) << log_.str();
}

TEST_P(VvCompactTest, ReboundReplicaIsNotRetired) {
  // rebind moves a replica id to a new token: the id lives on (it writes
  // again with its own counters), so its entries are never compacted.
  Member& a = Add("a", 1);
  Member& c = Add("c", 2);
  const std::string cid = c.replica->replica_id();
  const std::vector<std::string> ids = AddAppointments(*a.replica, 1);
  SyncAll();
  ASSERT_TRUE(c.replica->Write(Collection::kAppointment, ids[0], {{"note", "de c"}}).ok());
  SyncAll();
  ASSERT_TRUE(a.replica->Write(Collection::kAppointment, ids[0], {{"note", "de a"}}).ok());
  c.token = Enroll({"S1"}, "c2");
  auto rebound = store_->Rebind("c2", cid);
  ASSERT_TRUE(rebound.ok()) << rebound.status().ToString();
  SyncAll(4);
  EXPECT_TRUE(Compacted().empty());
  const auto h = AtHub(ids[0]);
  ASSERT_TRUE(h.has_value());
  EXPECT_GT(h->vv.Get(cid), 0u) << Bytes(h);
  EXPECT_EQ(*a.replica->Dump(), *c.replica->Dump());
}

TEST(VvCompactRulesTest, CompactableOnceEverySiteOfTheTokenIsPastTheRevocation) {
  const std::map<std::string, common::RetiredReplica> retired = {
      {"r", {40, {"S1", "S2"}}}, {"q", {10, {"S1"}}}};
  EXPECT_EQ(common::CompactableReplicas(retired, {{"S1", 50}, {"S2", 39}}),
            std::set<std::string>{"q"});
  EXPECT_EQ(common::CompactableReplicas(retired, {{"S1", 50}, {"S2", 40}}),
            (std::set<std::string>{"q", "r"}));
  EXPECT_TRUE(common::CompactableReplicas(retired, {{"S2", 90}}).empty());  // S1 unknown: 0
}

TEST(VvCompactRulesTest, SqliteHubMigratesToVersion5InPlace) {
  // A version-4 hub (before compaction) with a revoked and a live token:
  // the migration keeps them and dates the revocation at the hub's last
  // sequence (an upper bound).
  common::testing::TempDir dir;
  const std::string path = dir.File("hub.db");
  {
    auto s = SqliteHubStore::Open(path, true, common::SystemClock::Default());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    for (const char* name : {"old", "live"}) {
      TokenInfo t;
      t.token_hash = HashToken(*GenerateToken());
      t.sites = {"S1"};
      t.name = name;
      t.replica_id = std::string("id-") + name;
      ASSERT_TRUE((*s)->AddToken(t).ok());
    }
    ASSERT_TRUE((*s)->Revoke("", "old").ok());
  }
  {
    auto db = common::Db::Open(path, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("ALTER TABLE tokens DROP COLUMN revoked_seq;"
                            " INSERT OR REPLACE INTO meta(key, value) VALUES('hub_seq', '7');"
                            " PRAGMA user_version=4;").ok());
  }
  auto s = SqliteHubStore::Open(path, false, common::SystemClock::Default());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto tokens = (*s)->ListTokens();
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(tokens->size(), 2u);
  s->reset();
  auto db = common::Db::Open(path, false);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryInt("PRAGMA user_version"), kHubSchemaVersion);
  EXPECT_EQ(*(*db)->QueryInt("SELECT revoked_seq FROM tokens WHERE name='old'"), 7);
  EXPECT_EQ(*(*db)->QueryInt("SELECT revoked_seq FROM tokens WHERE name='live'"), 0);
}

TEST_P(VvCompactTest, HubResponseNamingThisReplicaOrMalformedIsRefused) {
  Member& a = Add("a", 1);
  relais::sync::v1::SyncResponse resp;
  std::set<std::string> out;
  resp.add_compacted_replicas("r-retired");
  EXPECT_TRUE(relais::sync::ReadCompactedReplicas(*a.replica, resp, &out).ok());
  EXPECT_EQ(out, std::set<std::string>{"r-retired"});
  auto own = resp;
  own.add_compacted_replicas(a.replica->replica_id());
  auto st = relais::sync::ReadCompactedReplicas(*a.replica, own, &out);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("déclarée retirée"), std::string::npos) << st.ToString();
  auto bad = resp;
  bad.add_compacted_replicas("pas un id/");
  st = relais::sync::ReadCompactedReplicas(*a.replica, bad, &out);
  EXPECT_NE(st.ToString().find("mal formée"), std::string::npos) << st.ToString();
  auto many = resp;
  for (int i = 0; i <= relais::sync::kMaxCompactedReplicas; ++i)
    many.add_compacted_replicas("r" + std::to_string(i));
  st = relais::sync::ReadCompactedReplicas(*a.replica, many, &out);
  EXPECT_NE(st.ToString().find("trop de répliques retirées"), std::string::npos) << st.ToString();
  // Honest data still syncs.
  SyncOk(a);
}

INSTANTIATE_TEST_SUITE_P(Stores, VvCompactTest, relais::pgtest::AllStores(),
                         relais::pgtest::StoreName);

}  // namespace
}  // namespace relais::server::testing
