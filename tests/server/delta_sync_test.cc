// Delta pushes over real gRPC on 127.0.0.1: a change sends only the fields
// with new writes, the hub completes them and every replica converges; a hub
// that lacks the record answers ABORTED and the replica recovers by sending
// whole states; an older replica file is migrated and sends whole states
// once. (The equivalence with whole-state pushes over random histories is
// tests/common/delta_property_test.cc.)
#include <gtest/gtest.h>

#include <sqlite3.h>

#include "common/convert/convert.h"
#include "common/merge/merge.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOnce;
namespace {

namespace pb = relais::sync::v1;
using common::Collection;

std::string Dump(common::Replica& r) {
  auto d = r.Dump();
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? *d : "";
}

void Exec(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(h);
}

class DeltaSyncTest : public HubFixture {
 protected:
  // The hub holds exactly the replica's state of appointment `id`.
  void ExpectHubHolds(common::Replica& r, const std::string& id) {
    auto stored = store_->Get(r.site_id(), Collection::kAppointment, id);
    ASSERT_OK(stored);
    ASSERT_TRUE(stored->has_value()) << id;
    auto mine = r.Get(Collection::kAppointment, id);
    ASSERT_OK(mine);
    ASSERT_TRUE(mine->has_value()) << id;
    EXPECT_EQ((*stored)->record, **mine) << id;
  }
};

TEST_F(DeltaSyncTest, AChangeSendsOnlyItsFieldsAndEveryoneConverges) {
  auto a = NewReplica("a.db", "S1", 1), b = NewReplica("b.db", "S1", 2);
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"});
  const std::vector<std::string> ids = AddAppointments(*a, 20);
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  for (const std::string& id : ids) ASSERT_OK(a->SetStatus(id, "no_show"));
  // What is pending: whole states, but each trims to its status write.
  auto pending = a->store()->ChangesSince(*a->store()->GetMetaInt("push_cursor"),
                                          100, 1 << 20);
  ASSERT_OK(pending);
  ASSERT_EQ(pending->size(), 20u);
  size_t whole = 0, delta = 0;
  for (common::PendingChange c : *pending) {
    pb::Record p;
    common::ToProto(c.record, &p);
    whole += p.ByteSizeLong();
    ASSERT_TRUE(common::TrimToDelta(&c.record, c.acked)) << c.record.id;
    EXPECT_TRUE(c.record.fields.count("status"));
    EXPECT_FALSE(c.record.fields.count("patient_name"));
    common::ToProto(c.record, &p);
    delta += p.ByteSizeLong();
    // It survives the wire as a delta.
    auto back = common::FromProto(p);
    ASSERT_OK(back);
    EXPECT_TRUE(back->partial);
  }
  EXPECT_LT(delta * 2, whole) << "a status change should not resend the record";
  auto r = SyncOnce(*a, Options(ta));
  ASSERT_OK(r);
  EXPECT_EQ(r->pushed, 20);
  EXPECT_EQ(r->resyncs, 0);
  // The hub holds whole, equal states; b gets them.
  for (const std::string& id : ids) ExpectHubHolds(*a, id);
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  EXPECT_EQ(Dump(*a), Dump(*b));
}

TEST_F(DeltaSyncTest, ConcurrentDeltasMergeLikeWholeStates) {
  auto a = NewReplica("a.db", "S1", 1), b = NewReplica("b.db", "S1", 2);
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"});
  const std::vector<std::string> ids = AddAppointments(*a, 3);
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  // Offline at both: different fields of one record, the same field of
  // another.
  ASSERT_OK(a->SetStatus(ids[0], "checked_in"));
  ASSERT_OK(b->Write(Collection::kAppointment, ids[0], {{"room", "Salle 2"}}));
  ASSERT_OK(a->Write(Collection::kAppointment, ids[1], {{"room", "Salle 1"}}));
  ASSERT_OK(b->Write(Collection::kAppointment, ids[1], {{"room", "Salle 3"}}));
  for (int round = 0; round < 2; ++round) {
    ASSERT_OK(SyncOnce(*a, Options(ta)));
    ASSERT_OK(SyncOnce(*b, Options(tb)));
  }
  EXPECT_EQ(Dump(*a), Dump(*b));
  auto r0 = a->Get(Collection::kAppointment, ids[0]);
  ASSERT_OK(r0);
  const common::FieldView v0 = common::View(**r0);
  EXPECT_EQ(v0.at("status"), "checked_in");
  EXPECT_EQ(v0.at("room"), "Salle 2");
  auto r1 = a->Get(Collection::kAppointment, ids[1]);
  ASSERT_OK(r1);
  EXPECT_EQ((*r1)->fields.at("room").size(), 2u) << "both concurrent values kept";
}

TEST_F(DeltaSyncTest, AHubWithoutTheRecordAbortsAndWholeStatesRecover) {
  auto a = NewReplica("a.db", "S1", 1);
  const std::string ta = Enroll({"S1"});
  const std::vector<std::string> ids = AddAppointments(*a, 3);
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  // The hub lost one record without a new epoch (an administrator's
  // mistake): a delta for it cannot be completed.
  Exec(dir_.File("hub.db"), "DELETE FROM records WHERE id='" + ids[1] + "'");
  ASSERT_OK(a->SetStatus(ids[1], "done"));
  auto r = SyncOnce(*a, Options(ta));
  ASSERT_OK(r);
  EXPECT_EQ(r->resyncs, 1);
  ExpectHubHolds(*a, ids[1]);  // the whole state, sent again
  EXPECT_EQ(*a->PendingCount(), 0);
}

TEST_F(DeltaSyncTest, AHandMadeDeltaForAnUnknownRecordIsAbortedAndWritesNothing) {
  auto a = NewReplica("a.db", "S1", 1);
  const std::string ta = Enroll({"S1"});
  AddAppointments(*a, 1);
  pb::SyncRequest req = PushRequest(*a, [](common::Record* r) { r->partial = true; });
  pb::SyncResponse resp;
  const grpc::Status s = RawSync(ta, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED) << s.error_message();
  EXPECT_EQ(*store_->LastSeq(), 0u);
}

TEST_F(DeltaSyncTest, AReplicaFromBeforeDeltasMigratesAndStaysCorrect) {
  auto a = NewReplica("a.db", "S1", 1);
  const std::string ta = Enroll({"S1"});
  const std::vector<std::string> ids = AddAppointments(*a, 2);
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(a->SetStatus(ids[1], "checked_in"));  // not sent yet
  a.reset();
  // Back to schema 1 (no acked_vv column), as written by the previous build.
  Exec(dir_.File("a.db"),
       "ALTER TABLE records DROP COLUMN acked_vv; ALTER TABLE records DROP COLUMN hub_at;"
       " DROP TABLE rebootstrap_pending; PRAGMA user_version=1;");
  auto reopened = common::Replica::Open(dir_.File("a.db"));
  ASSERT_OK(reopened);
  a = std::move(reopened).value();
  // ids[0] was acknowledged (seq <= push_cursor): its next change is a
  // delta. ids[1] has an unsent change and no history: sent whole.
  ASSERT_OK(a->SetStatus(ids[0], "done"));
  ASSERT_OK(a->SetStatus(ids[1], "in_consultation"));
  auto pending = a->store()->ChangesSince(*a->store()->GetMetaInt("push_cursor"),
                                          100, 1 << 20);
  ASSERT_OK(pending);
  ASSERT_EQ(pending->size(), 2u);
  for (const common::PendingChange& c : *pending)
    EXPECT_EQ(c.acked.empty(), c.record.id == ids[1]) << c.record.id;
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  for (const std::string& id : ids) ExpectHubHolds(*a, id);
}

}  // namespace
}  // namespace relais::server::testing
