#pragma once
// In-process hub on 127.0.0.1 (ephemeral port) over a hub store, and
// helpers to make replicas and tokens. Shared by the server tests.
//
// HubFixture runs on SQLite (a temp file, dir_.File("hub.db")).
// StoreHubFixture is the same over the store of the test's parameter, for a
// suite written once for both stores (issue #21):
//   class MyTest : public StoreHubFixture {};
//   TEST_P(MyTest, ...) { ... }
//   INSTANTIATE_TEST_SUITE_P(Stores, MyTest, relais::pgtest::AllStores(),
//                            relais::pgtest::StoreName);
// and register the binary with relais_discover_tests_by_store()
// (tests/CMakeLists.txt). Link: relais_pg_testing.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "common/convert/convert.h"
#include "common/replica/replica.h"
#include "proto/sync.grpc.pb.h"
#include "common/sync/sync_client.h"
#include "server/hub_server.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"
#include "tests/common/test_util.h"
#include "tests/pg/hub_stores.h"

namespace relais::server::testing {

using relais::sync::SyncOptions;

using common::testing::TempDir;

// Adds practitioner p1 (once) and `n` appointments with him at `r`;
// returns their ids.
inline std::vector<std::string> AddAppointments(common::Replica& r, int n) {
  std::vector<std::string> ids;
  auto p1 = r.Get(common::Collection::kPractitioner, "p1");
  EXPECT_TRUE(p1.ok());
  if (p1.ok() && !p1->has_value()) {
    EXPECT_TRUE(r.AddPractitioner("p1", "Dr Martin", "medecin").ok());
  }
  for (int i = 0; i < n; ++i) {
    common::NewAppointment a;
    a.practitioner = "p1";
    a.patient_name = "Patient " + std::to_string(i);
    a.patient_birth = "1950-03-02";
    a.start = 1795000000 + 900 * i;
    auto added = r.AddAppointment(a);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    if (added.ok()) ids.push_back(added->first);  // (id, check-in code)
  }
  return ids;
}

class HubFixture : public ::testing::Test {
 protected:
  void SetUp() override { StartHub(ServerOptions{"127.0.0.1:0", "", "", 16 << 20}); }
  void TearDown() override { StopHub(); }

  // The store the hub runs on.
  virtual pgtest::StoreKind Kind() const { return pgtest::StoreKind::kSqlite; }

  // Where the hub's store lives (chosen by the first StartHub, kept by the
  // next ones: a restarted hub finds its data). SQLite: dir_.File("hub.db").
  // REQUIRES: StartHub ran.
  const pgtest::StoreLocation& Location() const { return *location_; }

  void StartHub(const ServerOptions& options) {
    if (!location_) {
      // A PostgreSQL cluster that cannot be had fails the test here, loudly.
      auto loc = pgtest::NewStoreLocation(Kind(), dir_.File("hub.db"));
      ASSERT_TRUE(loc.ok()) << loc.status().ToString();
      location_ = *loc;
    }
    auto store = pgtest::OpenStore(Location());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    service_ = std::make_unique<HubService>(
        *store_, *common::SystemClock::Default(),
        HubServiceOptions{2000, 1000, 2 << 20, &log_});
    auto running = StartHubServer(service_.get(), options);
    ASSERT_TRUE(running.ok()) << running.status().ToString();
    running_ = std::move(running).value();
    address_ = "127.0.0.1:" + std::to_string(running_.port);
  }

  void StopHub() {
    if (running_.server) running_.server->Shutdown();
    running_.server.reset();
    service_.reset();
    store_.reset();
  }

  // Enrols a token for `sites` and returns it.
  std::string Enroll(const std::vector<std::string>& sites,
                     const std::string& name = "") {
    auto token = GenerateToken();
    EXPECT_TRUE(token.ok());
    TokenInfo info;
    info.token_hash = HashToken(*token);
    info.sites = sites;
    info.name = name;
    Status s = store_->AddToken(info);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return *token;
  }

  // Creates and opens a replica of `site` in the temp dir.
  std::unique_ptr<common::Replica> NewReplica(const std::string& file,
                                              const std::string& site,
                                              uint64_t seed = 1) {
    return NewScopedReplica(file, common::ReplicaScope{"", {site}}, seed);
  }

  // A replica holding `scope` (its token must cover exactly those sites).
  std::unique_ptr<common::Replica> NewScopedReplica(const std::string& file,
                                                    const common::ReplicaScope& scope,
                                                    uint64_t seed = 1) {
    auto id = common::Replica::Init(dir_.File(file), scope);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    auto r = common::Replica::Open(dir_.File(file));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return nullptr;
    (*r)->SeedForTest(seed);
    return std::move(r).value();
  }

  SyncOptions Options(const std::string& token) const {
    SyncOptions o;
    o.hub = address_;
    o.token = token;
    o.deadline_ms = 10000;
    return o;
  }

  // A hand-made request pushing every pending change of `r` (each passed
  // through `edit` first, if given) in one batch.
  relais::sync::v1::SyncRequest PushRequest(
      common::Replica& r,
      const std::function<void(common::Record*)>& edit = nullptr) {
    relais::sync::v1::SyncRequest req;
    req.set_protocol_version(common::kProtocolVersion);
    req.set_replica_id(r.replica_id());
    req.set_site_id(r.site_id());
    auto changes = r.store()->ChangesSince(0, 1000, 16 << 20);
    EXPECT_TRUE(changes.ok() && !changes->empty());
    if (!changes.ok() || changes->empty()) return req;
    for (common::PendingChange& ch : *changes) {
      if (edit) edit(&ch.record);
      common::ToProto(ch.record, req.add_push());
    }
    req.set_push_seq(changes->back().seq);
    return req;
  }

  // A raw stub for hand-made requests.
  std::unique_ptr<relais::sync::v1::Hub::Stub> Stub() const {
    return relais::sync::v1::Hub::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }

  // Calls Sync with `token` (none if empty).
  grpc::Status RawSync(const std::string& token,
                       const relais::sync::v1::SyncRequest& req,
                       relais::sync::v1::SyncResponse* resp) const {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    return Stub()->Sync(&ctx, req, resp);
  }

  TempDir dir_;
  std::ostringstream log_;
  std::optional<pgtest::StoreLocation> location_;
  std::unique_ptr<HubStore> store_;
  std::unique_ptr<HubService> service_;
  RunningServer running_;
  std::string address_;
};

// HubFixture over the store given as the test's parameter (see above).
class StoreHubFixture : public HubFixture,
                        public ::testing::WithParamInterface<pgtest::StoreKind> {
 protected:
  pgtest::StoreKind Kind() const override { return GetParam(); }
};

}  // namespace relais::server::testing
