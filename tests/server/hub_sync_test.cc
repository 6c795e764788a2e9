// The hub over real gRPC on 127.0.0.1: tokens, protocol version, refusals,
// resume after a cut, idempotent re-push, no-op cost.
#include <gtest/gtest.h>

#include "common/convert/convert.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncProgress;
using relais::sync::SyncOptions;
using relais::sync::SyncOnce;
namespace {

namespace pb = relais::sync::v1;
using common::Collection;
using common::StatusCode;

std::string MustDump(common::Replica& r) {
  auto d = r.Dump();
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? *d : "";
}

using HubSyncTest = HubFixture;

TEST_F(HubSyncTest, TwoReplicasOfASiteConvergeAndOtherSiteSeesNothing) {
  auto a = NewReplica("a.db", "S1", 1), b = NewReplica("b.db", "S1", 2),
       c = NewReplica("c.db", "S2", 3);
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"}), tc = Enroll({"S2"});
  AddAppointments(*a, 5);
  auto ra = SyncOnce(*a, Options(ta));
  ASSERT_OK(ra);
  EXPECT_EQ(ra->pushed, 6);
  EXPECT_EQ(ra->round_trips, 1) << "a small push needs one round trip";
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  ASSERT_OK(SyncOnce(*c, Options(tc)));
  EXPECT_EQ(MustDump(*a), MustDump(*b));
  EXPECT_TRUE(c->store()->ListAll()->empty());
  EXPECT_EQ(*a->PendingCount(), 0);
  // One log line per sync.
  const std::string log = log_.str();
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 3) << log;
  EXPECT_NE(log.find("pushed=6/6"), std::string::npos) << log;
}

TEST_F(HubSyncTest, NoOpSyncIsOneSmallRoundTrip) {
  auto a = NewReplica("a.db", "S1");
  const std::string ta = Enroll({"S1"});
  AddAppointments(*a, 3);
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  auto noop = SyncOnce(*a, Options(ta));
  ASSERT_OK(noop);
  EXPECT_EQ(noop->round_trips, 1);
  EXPECT_EQ(noop->pushed + noop->pulled, 0);
  EXPECT_LT(noop->bytes, 300) << "protobuf bytes of a no-op sync";
}

TEST_F(HubSyncTest, BadRevokedAndMissingTokensAreUnauthenticated) {
  auto a = NewReplica("a.db", "S1");
  AddAppointments(*a, 1);
  const std::string before = MustDump(*a);
  EXPECT_EQ(SyncOnce(*a, Options("bogus")).status().code(), StatusCode::kUnauthenticated);
  const std::string ta = Enroll({"S1"}, "maison-a");
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(store_->Revoke("", "maison-a"));
  auto r = SyncOnce(*a, Options(ta));
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(r.status().message().find("jeton"), std::string::npos);
  pb::SyncRequest req;
  req.set_protocol_version(common::kProtocolVersion);
  req.set_replica_id(a->replica_id());
  req.set_site_id("S1");
  pb::SyncResponse resp;
  EXPECT_EQ(RawSync("", req, &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(MustDump(*a), before);
}

TEST_F(HubSyncTest, TokenOfAnotherReplicaOrSiteIsRefused) {
  auto a = NewReplica("a.db", "S1"), b = NewReplica("b.db", "S1"),
       c = NewReplica("c.db", "S2");
  const std::string ta = Enroll({"S1"}), tc = Enroll({"S2"});
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  EXPECT_EQ(SyncOnce(*b, Options(ta)).status().code(), StatusCode::kPermissionDenied);
  // An unused S2 token cannot serve an S1 replica either.
  EXPECT_EQ(SyncOnce(*a, Options(tc)).status().code(), StatusCode::kPermissionDenied);
  ASSERT_OK(SyncOnce(*c, Options(tc)));  // and was not bound by that attempt
}

TEST_F(HubSyncTest, ProtocolMismatchIsFailedPreconditionAndTouchesNothing) {
  auto a = NewReplica("a.db", "S1");
  const std::string ta = Enroll({"S1"});
  AddAppointments(*a, 2);
  const std::string before = MustDump(*a);
  SyncOptions o = Options(ta);
  o.protocol_version = 2;
  auto r = SyncOnce(*a, o);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("version de protocole"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(MustDump(*a), before);
  EXPECT_EQ(*a->PendingCount(), 3);
  EXPECT_EQ(*store_->LastSeq(), 0u);
}

TEST_F(HubSyncTest, UnreachableHubIsUnavailableAndTouchesNothing) {
  auto a = NewReplica("a.db", "S1");
  AddAppointments(*a, 1);
  const std::string before = MustDump(*a);
  SyncOptions o = Options("t");
  const int port = running_.port;
  StopHub();
  o.hub = "127.0.0.1:" + std::to_string(port);
  o.deadline_ms = 2000;
  auto r = SyncOnce(*a, o);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
  EXPECT_NE(r.status().message().find("injoignable"), std::string::npos);
  EXPECT_EQ(MustDump(*a), before);
  // Plain text to a remote hub is refused before any connection.
  o.hub = "192.0.2.1:50051";
  EXPECT_EQ(SyncOnce(*a, o).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(HubSyncTest, CrossSiteRecordInBatchRefusesWholeBatch) {
  const std::string ta = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1");
  auto c = NewReplica("c.db", "S2");
  AddAppointments(*a, 1);
  AddAppointments(*c, 1);
  auto mine = a->store()->ChangesSince(0, 100, 1 << 20);
  auto theirs = c->store()->ChangesSince(0, 100, 1 << 20);
  ASSERT_OK(mine);
  ASSERT_OK(theirs);
  pb::SyncRequest req;
  req.set_protocol_version(common::kProtocolVersion);
  req.set_replica_id(a->replica_id());
  req.set_site_id("S1");
  for (const auto& ch : *mine) common::ToProto(ch.record, req.add_push());
  common::ToProto(theirs->back().record, req.add_push());
  req.set_push_seq(99);
  pb::SyncResponse resp;
  grpc::Status s = RawSync(ta, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_EQ(resp.ack_seq(), 0u);
  EXPECT_EQ(*store_->LastSeq(), 0u) << "nothing of the batch written";
}

TEST_F(HubSyncTest, MalformedRecordsAreInvalidArgumentAndHubKeepsServing) {
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1"), b = NewReplica("b.db", "S1");
  AddAppointments(*a, 1);
  auto changes = a->store()->ChangesSince(0, 100, 1 << 20);
  ASSERT_OK(changes);
  const common::Record good = changes->back().record;
  auto push = [&](const pb::Record& rec) {
    pb::SyncRequest req;
    req.set_protocol_version(common::kProtocolVersion);
    req.set_replica_id(a->replica_id());
    req.set_site_id("S1");
    *req.add_push() = rec;
    req.set_push_seq(1);
    pb::SyncResponse resp;
    grpc::Status s = RawSync(ta, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    EXPECT_FALSE(s.error_message().empty());
    return s.error_message();
  };
  pb::Record p;
  common::ToProto(good, &p);
  auto with_field = [&](const std::string& name, const std::string& value) {
    pb::Record q = p;
    for (auto& f : *q.mutable_fields())
      if (f.name() == "duration") {
        f.set_name(name);
        f.mutable_siblings(0)->set_value(value);
      }
    return q;
  };
  EXPECT_NE(push(with_field("couleur", "bleu")).find("couleur"), std::string::npos);
  push(with_field("duration", "-5"));
  {
    pb::Record q = p;
    for (auto& f : *q.mutable_fields())
      if (f.name() == "status") f.mutable_siblings(0)->set_value("perdu");
    push(q);
  }
  {
    pb::Record q = p;
    q.set_collection(static_cast<pb::Collection>(42));
    EXPECT_NE(push(q).find("collection"), std::string::npos);
  }
  {
    pb::Record q = p;
    q.mutable_fields(0)->mutable_siblings(0)->set_replica_index(7);
    push(q);
  }
  // Version vector going backwards: a newer state, then the older one.
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  ASSERT_OK(a->SetStatus(good.id, "checked_in"));
  ASSERT_OK(SyncOnce(*a, Options(ta)));
  auto newest = store_->Get(good.site_id, Collection::kAppointment, good.id);
  ASSERT_OK(newest);
  EXPECT_NE(push(p).find("recul"), std::string::npos);
  auto after = store_->Get(good.site_id, Collection::kAppointment, good.id);
  ASSERT_OK(after);
  EXPECT_EQ((*after)->record, (*newest)->record) << "stale state must not regress";
  // Others are still served.
  ASSERT_OK(SyncOnce(*b, Options(tb)));
  EXPECT_EQ(MustDump(*a), MustDump(*b));
}

TEST_F(HubSyncTest, LostAckRePushIsIdempotent) {
  const std::string ta = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1");
  AddAppointments(*a, 4);
  // The hub commits this batch but the replica never learns it (no cursor
  // update), as if the response was lost.
  const pb::SyncRequest req = PushRequest(*a);
  pb::SyncResponse resp;
  ASSERT_TRUE(RawSync(ta, req, &resp).ok());
  EXPECT_EQ(resp.ack_seq(), req.push_seq());
  EXPECT_EQ(resp.push_changed(), 5u);
  const uint64_t seq = *store_->LastSeq();
  auto r = SyncOnce(*a, Options(ta));
  ASSERT_OK(r);
  EXPECT_EQ(r->pushed, 5);
  EXPECT_EQ(r->pulled, 0) << "echoes of its own push are not sent back";
  EXPECT_EQ(*store_->LastSeq(), seq) << "re-push changed nothing";
  EXPECT_EQ(*a->PendingCount(), 0);
}

TEST_F(HubSyncTest, ResumesAfterCutMidBatch) {
  const std::string ta = Enroll({"S1"}), tb = Enroll({"S1"});
  auto a = NewReplica("a.db", "S1"), b = NewReplica("b.db", "S1");
  AddAppointments(*a, 40);  // 41 records with the practitioner
  SyncOptions small = Options(ta);
  small.push_batch_records = 7;
  small.max_round_trips = 3;
  auto cut = SyncOnce(*a, small);
  EXPECT_EQ(cut.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(*store_->LastSeq(), 21u) << "three acknowledged batches";
  EXPECT_EQ(*a->PendingCount(), 20);
  small.max_round_trips = 0;
  int progress_calls = 0;
  small.progress = [&](const SyncProgress&) { ++progress_calls; };
  auto rest = SyncOnce(*a, small);
  ASSERT_OK(rest);
  EXPECT_EQ(rest->pushed, 20);
  EXPECT_EQ(progress_calls, rest->round_trips);
  EXPECT_EQ(*store_->LastSeq(), 41u) << "nothing pushed twice";
  // Pull side: cut after two pages, then resume from the stored cursor.
  SyncOptions pull = Options(tb);
  pull.pull_batch_records = 10;
  pull.max_round_trips = 2;
  EXPECT_EQ(SyncOnce(*b, pull).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(*b->store()->GetMetaInt("pull_cursor"), 20u);
  pull.max_round_trips = 0;
  auto resumed = SyncOnce(*b, pull);
  ASSERT_OK(resumed);
  EXPECT_EQ(resumed->pulled, 21);
  EXPECT_EQ(MustDump(*a), MustDump(*b));
}

}  // namespace
}  // namespace relais::server::testing
