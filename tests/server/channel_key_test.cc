// SyncOptions channel selection, counted on the hub's side of the sockets
// (/proc/net/tcp and tcp6: ESTABLISHED entries whose local port is the
// hub's): the default shares one connection per hub, channel_key gives one
// connection per key, fresh_channel one connection that ends with the sync.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncProgress;
using relais::sync::SyncOptions;
using relais::sync::SyncOnce;
namespace {

int HubConnections(int port) {
  int n = 0;
  for (const char* file : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(file);
    std::string line, slot, local, remote, state;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream f(line);
      if (!(f >> slot >> local >> remote >> state)) continue;
      const size_t colon = local.rfind(':');
      if (std::stoi(local.substr(colon + 1), nullptr, 16) == port && state == "01") ++n;
    }
  }
  return n;
}

// Waits (bounded) for the count to reach `want`; returns the last count.
int WaitForConnections(int port, int want) {
  int n = HubConnections(port);
  for (int i = 0; i < 100 && n != want; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    n = HubConnections(port);
  }
  return n;
}

class ChannelKeyTest : public HubFixture {};

TEST_F(ChannelKeyTest, OneConnectionPerKeySharedByDefaultFreshEndsWithTheSync) {
  const int port = running_.port;
  ASSERT_EQ(HubConnections(port), 0);
  std::vector<std::unique_ptr<common::Replica>> reps;
  std::vector<std::string> tokens;
  for (int i = 0; i < 3; ++i) {
    const std::string site = "S" + std::to_string(i + 1);
    reps.push_back(NewReplica("k" + std::to_string(i) + ".db", site, i + 1));
    tokens.push_back(Enroll({site}));
    ASSERT_EQ(AddAppointments(*reps.back(), 1).size(), 1u);
  }
  // A private channel per key: three connections, kept after the syncs.
  for (int i = 0; i < 3; ++i) {
    SyncOptions o = Options(tokens[i]);
    o.channel_key = "maison-" + std::to_string(i);
    auto r = SyncOnce(*reps[i], o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_GT(r->pushed, 0);
  }
  EXPECT_EQ(WaitForConnections(port, 3), 3);
  // Same key again: the same connection.
  SyncOptions again = Options(tokens[0]);
  again.channel_key = "maison-0";
  ASSERT_TRUE(SyncOnce(*reps[0], again).ok());
  EXPECT_EQ(HubConnections(port), 3);
  // Default (CLI, kiosk): every replica on one shared connection.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(SyncOnce(*reps[i], Options(tokens[i])).ok());
  EXPECT_EQ(WaitForConnections(port, 4), 4);
  // A fresh channel: its own connection, closed once the sync returns.
  SyncOptions fresh = Options(tokens[1]);
  fresh.fresh_channel = true;
  int during = -1;
  fresh.progress = [&](const SyncProgress&) { during = HubConnections(port); };
  ASSERT_TRUE(SyncOnce(*reps[1], fresh).ok());
  EXPECT_EQ(during, 5);
  EXPECT_EQ(WaitForConnections(port, 4), 4);
}

}  // namespace
}  // namespace relais::server::testing
