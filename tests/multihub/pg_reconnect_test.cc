// The hub store's pooled connections across a PostgreSQL restart, and
// across a server-side kill of its sessions: the first call after the
// server is back succeeds (a connection the server closed while it sat idle
// in the pool is reconnected at lease, not used once to fail). Before the
// fix in server/pg_conn.cc (PgConn::EnsureConnected), each stale pooled
// connection failed one call with UNAVAILABLE ("server closed the
// connection unexpectedly").
#include "tests/multihub/multihub_fixture.h"

namespace relais::server::multihub {
namespace {

using PgReconnectTest = MultiHubTest;

// Puts several connections in the store's pool: 4 threads read at once.
void WarmPool(PgHubStore& store) {
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i)
    readers.emplace_back([&] {
      for (int k = 0; k < 20; ++k) EXPECT_TRUE(store.Epoch().ok());
    });
  for (auto& t : readers) t.join();
}

// The next 8 calls (more than the pooled connections) all succeed.
void ExpectEightCallsOk(PgHubStore& store) {
  for (int k = 0; k < 8; ++k) {
    auto epoch = store.Epoch();
    EXPECT_TRUE(epoch.ok()) << "appel " << k << ": " << epoch.status().ToString();
  }
}

TEST_F(PgReconnectTest, FirstCallsAfterRestartSucceed) {
  for (bool immediate : {true, false}) {
    SCOPED_TRACE(immediate ? "arrêt immédiat" : "arrêt rapide");
    WarmPool(*store_);
    ASSERT_TRUE(cluster_->Stop(immediate).ok());
    ASSERT_TRUE(cluster_->Start().ok());
    ExpectEightCallsOk(*store_);
  }
  // While the server is away: UNAVAILABLE, then fine once it is back.
  ASSERT_TRUE(cluster_->Stop(true).ok());
  auto down = store_->Epoch();
  ASSERT_FALSE(down.ok()) << "le serveur est arrêté";
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable) << down.status().ToString();
  ASSERT_TRUE(cluster_->Start().ok());
  ExpectEightCallsOk(*store_);
}

TEST_F(PgReconnectTest, FirstCallsAfterSessionsTerminatedSucceed) {
  WarmPool(*store_);
  // The store's own sessions carry the default application_name.
  const int64_t killed = SqlInt(
      "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
      " WHERE application_name = 'relais-hub') t");
  ASSERT_GT(killed, 1) << "pas assez de sessions du magasin à couper";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // backends exit
  ExpectEightCallsOk(*store_);
}

}  // namespace
}  // namespace relais::server::multihub
