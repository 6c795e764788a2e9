// `relais-hub serve`'s nightly compaction (server/hub_maintenance.h) on the
// SQLite hub.db of a real hub on loopback, while a house keeps syncing.
// Oracle: raw sqlite3 page accounting, the file's size, and a fresh replica
// pulling every record pushed meanwhile.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "server/hub_maintenance.h"
#include "tests/nightly/nightly_test_util.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {
namespace {

using namespace relais::nightly_testing;

constexpr int64_t k0330 = k0230 + 3600'000;

class HubNightlyTest : public HubFixture {};

TEST_F(HubNightlyTest, CompactsHubDbOnceWhileAHouseKeepsSyncing) {
  const std::string token = Enroll({"S1"}, "maison");
  auto house = NewReplica("house.db", "S1", 1);
  ASSERT_TRUE(house);
  AddAppointments(*house, 100);
  auto first = sync::SyncOnce(*house, Options(token));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const std::string hub_path = dir_.File("hub.db");
  MakeFreePages(hub_path, 8);
  const RawSpace before = ReadRaw(hub_path);
  const int64_t size_before = FileSize(hub_path);
  ASSERT_GT(before.freelist_count, 1900);

  // The house syncs in a loop (one new appointment per round) until told.
  std::atomic<bool> stop{false};
  std::atomic<int> rounds{0}, failed{0};
  std::vector<std::string> added;
  std::string first_error;
  std::thread pusher([&] {
    while (!stop) {
      auto ids = AddAppointments(*house, 1);
      added.insert(added.end(), ids.begin(), ids.end());
      auto r = sync::SyncOnce(*house, Options(token));
      ++rounds;
      if (!r.ok() && failed++ == 0) first_error = r.status().ToString();
    }
  });
  ASSERT_TRUE(WaitFor([&] { return rounds >= 3; }));

  std::vector<std::string> log;
  std::mutex log_mu;
  common::FakeClock clock(k0330);
  HubCompactOptions o;
  o.poll_ms = 5;
  auto compactor = StartHubCompaction(store_.get(), &clock, o, [&](const std::string& l) {
    std::lock_guard<std::mutex> lock(log_mu);
    log.push_back(l);
  });
  ASSERT_NE(compactor, nullptr);
  const bool done = WaitFor([&] { return compactor->counters().runs + compactor->counters().failures > 0; });
  const int rounds_at_end = rounds;
  ASSERT_TRUE(WaitFor([&] { return rounds >= rounds_at_end + 3; }));  // syncs go on after
  std::this_thread::sleep_for(std::chrono::milliseconds(100));      // ~20 more polls
  stop = true;
  pusher.join();
  compactor->Stop();
  ASSERT_TRUE(done);
  const auto c = compactor->counters();
  EXPECT_EQ(c.runs, 1);
  EXPECT_EQ(c.failures, 0) << c.last_error;
  EXPECT_EQ(failed, 0) << "synchronisations en échec pendant le compactage : " << first_error;
  {
    std::lock_guard<std::mutex> lock(log_mu);
    ASSERT_GE(log.size(), 2u);
    EXPECT_NE(log[0].find("compactage de nuit de la base entre 03:00-04:00"), std::string::npos)
        << log[0];
    EXPECT_NE(log[1].find("base du hub : compactage de nuit fait en"), std::string::npos)
        << log[1];
  }
  // The pages went back to the disk (the VACUUM ran before the last pushes,
  // which may have used a few pages since).
  const RawSpace after = ReadRaw(hub_path);
  EXPECT_LT(after.freelist_count, 64);
  EXPECT_LT(after.page_count, before.page_count - 1900);
  EXPECT_LT(FileSize(hub_path), size_before - 6 * (1 << 20));
  EXPECT_EQ(after.meta_last, k0330);

  // A restarted hub does not redo it the same night.
  auto again = StartHubCompaction(store_.get(), &clock, o, [](const std::string&) {});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  again->Stop();
  EXPECT_EQ(again->counters().runs, 0);

  // Every record pushed before, during and after is on the hub.
  auto fresh = NewReplica("fresh.db", "S1", 3);
  ASSERT_TRUE(fresh);
  auto pulled = sync::SyncOnce(*fresh, Options(Enroll({"S1"}, "neuve")));
  ASSERT_TRUE(pulled.ok()) << pulled.status().ToString();
  ASSERT_GE(added.size(), 6u);
  for (const std::string& id : added) {
    auto got = fresh->Get(common::Collection::kAppointment, id);
    ASSERT_TRUE(got.ok());
    EXPECT_TRUE(got->has_value()) << "rendez-vous " << id << " perdu";
  }
}

TEST_F(HubNightlyTest, APushDuringTheVacuumWaitsThenCommits) {
  const std::string token = Enroll({"S1"}, "maison");
  auto house = NewReplica("house.db", "S1", 1);
  ASSERT_TRUE(house);
  AddAppointments(*house, 20);
  ASSERT_TRUE(sync::SyncOnce(*house, Options(token)).ok());
  MakeFreePages(dir_.File("hub.db"), 2);
  const std::vector<std::string> late = AddAppointments(*house, 1);
  ASSERT_EQ(late.size(), 1u);

  // Inside the job, under the hub's writer mutex (VACUUM done, stamping):
  // the house pushes; the push must wait for the mutex, then commit.
  HookClock clock(k0330);
  std::thread pusher;
  Status push_status = Status::Internal("pas d'envoi");
  int64_t push_ms = -1;
  std::atomic<common::NightlyCompactor*> compactor_ptr{nullptr};
  clock.hook = [&] {
    // The thread polls as soon as it starts: wait for the pointer.
    if (!WaitFor([&] { return compactor_ptr.load() != nullptr; }, 5)) return;
    if (pusher.joinable() || !compactor_ptr.load()->counters().running) return;
    pusher = std::thread([&] {
      const auto t0 = std::chrono::steady_clock::now();
      auto r = sync::SyncOnce(*house, Options(token));
      push_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - t0).count();
      push_status = r.ok() ? Status::OK() : r.status();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  };
  HubCompactOptions o;
  o.poll_ms = 3600'000;  // the thread's first poll only
  auto compactor = StartHubCompaction(store_.get(), &clock, o, [](const std::string&) {});
  ASSERT_NE(compactor, nullptr);
  compactor_ptr = compactor.get();
  ASSERT_TRUE(WaitFor([&] { return compactor->counters().runs == 1; }));
  compactor->Stop();
  clock.hook = nullptr;
  ASSERT_TRUE(pusher.joinable()) << "aucun envoi pendant le VACUUM";
  pusher.join();
  EXPECT_TRUE(push_status.ok()) << push_status.ToString();
  EXPECT_GE(push_ms, 250) << "l'envoi n'a pas attendu la fin du VACUUM";
  EXPECT_LT(push_ms, 5000);
  auto got = store_->Get("S1", common::Collection::kAppointment, late[0]);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got->has_value()) << "envoi perdu pendant le compactage";
  EXPECT_EQ(ReadRaw(dir_.File("hub.db")).freelist_count, 0);
}

TEST_F(HubNightlyTest, NoCompactLeavesTheFileAndSaysSo) {
  std::vector<std::string> log;
  common::FakeClock clock(k0330);
  HubCompactOptions o;
  o.enabled = false;
  auto compactor =
      StartHubCompaction(store_.get(), &clock, o, [&](const std::string& l) { log.push_back(l); });
  EXPECT_EQ(compactor, nullptr);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].find("désactivé (--no-compact)"), std::string::npos) << log[0];
}

TEST_F(HubNightlyTest, OutsideItsWindowTheHubDoesNotCompact) {
  const std::string hub_path = dir_.File("hub.db");
  MakeFreePages(hub_path, 1);
  common::FakeClock clock(k0230);  // 02:30: the kiosk's window, not the hub's
  HubCompactOptions o;
  o.poll_ms = 5;
  auto compactor = StartHubCompaction(store_.get(), &clock, o, [](const std::string&) {});
  ASSERT_NE(compactor, nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(compactor->counters().runs, 0);
  EXPECT_GT(ReadRaw(hub_path).freelist_count, 0);
  clock.Set(k0330);
  ASSERT_TRUE(WaitFor([&] { return compactor->counters().runs == 1; }));
  EXPECT_EQ(ReadRaw(hub_path).freelist_count, 0);
}

}  // namespace
}  // namespace relais::server::testing
