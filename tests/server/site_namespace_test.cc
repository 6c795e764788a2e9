// Per-site namespaces at the hub: a record is (site, collection, id). A site
// that creates another site's predictable ids first ("squatting") neither
// blocks the owner nor learns whether the id exists there.
#include "tests/server/hub_fixture.h"

#include <set>

#include "tests/server/hub_test_records.h"

namespace relais::server {

using relais::sync::SyncOnce;
namespace {

namespace pb = relais::sync::v1;
using common::Collection;
using common::StatusCode;

constexpr char kDay[] = "2026-12-03";
const std::string kSquatted = std::string("pr:p1@S1:") + kDay + ":am";

class SiteNamespaceTest : public testing::HubFixture {};

TEST_F(SiteNamespaceTest, SameIdAtTwoSitesIsTwoRecords) {
  ASSERT_OK(store_->AddToken(TokenInfo{HashToken("t1"), "a", {"S1"}, "", false, 0}));
  ASSERT_OK(store_->AddToken(TokenInfo{HashToken("t2"), "b", {"S2"}, "", false, 0}));
  auto s1 = store_->Authorize(HashToken("t1"), "ra", "S1");
  auto s2 = store_->Authorize(HashToken("t2"), "rb", "S2");
  ASSERT_OK(s1);
  ASSERT_OK(s2);
  const Record at_s2 = testing::NewAppt("rdv-x", "S2", "rb", "Squatteur");
  const Record at_s1 = testing::NewAppt("rdv-x", "S1", "ra", "Jeanne");
  ASSERT_OK(store_->Push(*s2, {at_s2}));
  auto pushed = store_->Push(*s1, {at_s1});
  ASSERT_OK(pushed);
  EXPECT_EQ(pushed->changed, 1);
  EXPECT_EQ((*store_->Get("S1", Collection::kAppointment, "rdv-x"))->record, at_s1);
  EXPECT_EQ((*store_->Get("S2", Collection::kAppointment, "rdv-x"))->record, at_s2);
  EXPECT_FALSE(store_->Get("S3", Collection::kAppointment, "rdv-x")->has_value());
  const Scope reader1{"r", "", {"S1"}}, reader2{"r", "", {"S2"}};
  auto p1 = store_->Pull(reader1, 0, 10, 1 << 20);
  auto p2 = store_->Pull(reader2, 0, 10, 1 << 20);
  ASSERT_OK(p1);
  ASSERT_OK(p2);
  ASSERT_EQ(p1->records.size(), 1u);
  ASSERT_EQ(p2->records.size(), 1u);
  EXPECT_EQ(p1->records[0], at_s1);
  EXPECT_EQ(p2->records[0], at_s2);
}

// The scenario of issue 14 point 2, through the real service and clients.
TEST_F(SiteNamespaceTest, SquatterBlocksNothingAndSeesNothing) {
  auto s1a = NewReplica("s1a.db", "S1", 1), s1b = NewReplica("s1b.db", "S1", 2);
  auto s2 = NewReplica("s2.db", "S2", 3);
  const std::string t1a = Enroll({"S1"}), t1b = Enroll({"S1"}), t2 = Enroll({"S2"});
  // S2 creates S1's future practitioner and presence ids first.
  ASSERT_OK(s2->AddPractitioner("p1@S1", "Faux", "infirmier"));
  // (SetPresence would now add ":S2" to the id of another site's
  // practitioner; a squatter writes the exact id by hand.)
  auto by_hand = s2->Write(Collection::kPresence, kSquatted,
                         {{"practitioner", "p1@S1"}, {"date", kDay}, {"half", "am"},
                          {"state", "present"}, {"replacement", ""}, {"room", "9"}});
  ASSERT_OK(by_hand);
  ASSERT_OK(SyncOnce(*s2, Options(t2)));
  const std::string s2_before = *s2->Dump();
  // Then S1 creates them; its push goes through.
  ASSERT_OK(s1a->AddPractitioner("p1", "Dr Martin", "medecin"));
  ASSERT_OK(s1a->SetPresence("p1", kDay, "am", "present", "", "1"));
  auto synced = SyncOnce(*s1a, Options(t1a));
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  EXPECT_EQ(*s1a->PendingCount(), 0);
  // S1's other replica sees S1's data.
  ASSERT_OK(SyncOnce(*s1b, Options(t1b)));
  EXPECT_EQ(*s1b->Dump(), *s1a->Dump());
  auto mine = s1b->Get(Collection::kPresence, kSquatted);
  ASSERT_OK(mine);
  ASSERT_TRUE(mine->has_value());
  EXPECT_EQ(common::View(**mine).at("room"), "1");
  EXPECT_EQ((*mine)->site_id, "S1");
  // S2 sees only its own.
  ASSERT_OK(SyncOnce(*s2, Options(t2)));
  EXPECT_EQ(*s2->Dump(), s2_before);
  auto all = s2->store()->ListAll();
  ASSERT_OK(all);
  for (const Record& r : *all) EXPECT_EQ(r.site_id, "S2") << r.id;
  auto hub_s2 = store_->Get("S2", Collection::kPresence, kSquatted);
  ASSERT_OK(hub_s2);
  ASSERT_TRUE(hub_s2->has_value());
  EXPECT_EQ(common::View((*hub_s2)->record).at("room"), "9");
}

// One hub on its own temp file, with tokens "tok-S1" and "tok-S2".
struct MiniHub {
  common::testing::TempDir dir;
  std::ostringstream log;
  std::unique_ptr<SqliteHubStore> store;
  std::unique_ptr<HubService> service;
  RunningServer running;

  void Start() {
    auto s = SqliteHubStore::Open(dir.File("hub.db"), true);
    ASSERT_OK(s);
    store = std::move(s).value();
    for (const char* site : {"S1", "S2"})
      ASSERT_OK(store->AddToken(TokenInfo{HashToken(std::string("tok-") + site),
                                          site, {site}, "", false, 0}));
    service = std::make_unique<HubService>(*store, *common::SystemClock::Default(),
                                           HubServiceOptions{2000, 1000, 2 << 20, &log});
    auto r = StartHubServer(service.get(), ServerOptions{"127.0.0.1:0", "", "", 16 << 20});
    ASSERT_OK(r);
    running = std::move(r).value();
  }
  ~MiniHub() {
    if (running.server) running.server->Shutdown();
  }
  grpc::Status Sync(const std::string& token, const pb::SyncRequest& req,
                    pb::SyncResponse* resp) {
    auto stub = pb::Hub::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(running.port), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ctx.AddMetadata("authorization", "Bearer " + token);
    return stub->Sync(&ctx, req, resp);
  }
};

// `r`'s pending changes whose id is not in `leave_out`, as one push.
pb::SyncRequest PushOf(common::Replica& r, const std::set<std::string>& leave_out = {}) {
  pb::SyncRequest req;
  req.set_protocol_version(common::kProtocolVersion);
  req.set_replica_id(r.replica_id());
  req.set_site_id(r.site_id());
  auto changes = r.store()->ChangesSince(0, 1000, 16 << 20);
  EXPECT_TRUE(changes.ok() && !changes->empty());
  if (!changes.ok() || changes->empty()) return req;
  for (const common::PendingChange& ch : *changes)
    if (!leave_out.count(ch.record.id)) common::ToProto(ch.record, req.add_push());
  req.set_push_seq(changes->back().seq);
  return req;
}

TEST_F(SiteNamespaceTest, SquatterGetsTheSameResponseWhetherOrNotTheIdExists) {
  // S1 holds p1 and his presence (the ids S2 will squat) and p9 and his;
  // one hub gets S1's p1 records, the other its p9 records instead: the
  // same number of records, so the same sequences.
  auto s1 = NewReplica("s1.db", "S1", 1);
  ASSERT_OK(s1->AddPractitioner("p1", "Dr Martin", "medecin"));
  ASSERT_OK(s1->AddPractitioner("p9", "Dr Neuf", "medecin"));
  ASSERT_OK(s1->SetPresence("p1", kDay, "am", "present", "", "1"));
  ASSERT_OK(s1->SetPresence("p9", kDay, "am", "present", "", "1"));
  const std::set<std::string> squatted = {"p1@S1", kSquatted};
  const std::set<std::string> others = {"p9@S1", std::string("pr:p9@S1:") + kDay + ":am"};
  auto s2 = NewReplica("s2.db", "S2", 3);
  ASSERT_OK(s2->AddPractitioner("p1@S1", "Faux", "infirmier"));
  // (SetPresence would now add ":S2" to the id of another site's
  // practitioner; a squatter writes the exact id by hand.)
  auto by_hand = s2->Write(Collection::kPresence, kSquatted,
                         {{"practitioner", "p1@S1"}, {"date", kDay}, {"half", "am"},
                          {"state", "present"}, {"replacement", ""}, {"room", "9"}});
  ASSERT_OK(by_hand);
  const pb::SyncRequest squat = PushOf(*s2);
  std::string answers[2];
  for (int exists = 0; exists < 2; ++exists) {
    SCOPED_TRACE(exists ? "id exists at S1" : "id absent at S1");
    MiniHub hub;
    ASSERT_NO_FATAL_FAILURE(hub.Start());
    pb::SyncResponse owner;
    const grpc::Status s = hub.Sync("tok-S1", PushOf(*s1, exists ? others : squatted), &owner);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(hub.store->Get("S1", Collection::kPresence, kSquatted)->has_value(),
              exists == 1);
    EXPECT_EQ(hub.store->Get("S1", Collection::kPractitioner, "p1@S1")->has_value(),
              exists == 1);
    pb::SyncResponse resp;
    const grpc::Status got = hub.Sync("tok-S2", squat, &resp);
    EXPECT_TRUE(got.ok()) << got.error_message();
    resp.clear_hub_epoch();
    resp.clear_hub_time_ms();
    answers[exists] = std::to_string(got.error_code()) + " " + got.error_message() +
                      "\n" + resp.DebugString();
  }
  EXPECT_EQ(answers[0], answers[1]);
}

}  // namespace
}  // namespace relais::server
