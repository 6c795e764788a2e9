// The kiosk's nightly compaction (kiosk/nightly.h) on a real replica file,
// with a sync through a real hub on loopback (tests/server/hub_fixture.h).
// Oracle: raw sqlite3 page accounting and the file's size.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "common/storage/nightly_compactor.h"
#include "kiosk/nightly.h"
#include "tests/nightly/nightly_test_util.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {
namespace {

using namespace relais::nightly_testing;

class KioskNightlyTest : public HubFixture {};

TEST_F(KioskNightlyTest, CompactsOnceAt0230AndASyncMeanwhileIsNotLost) {
  const std::string token = Enroll({"S1"}, "borne");
  const std::string path = dir_.File("kiosk.db");
  auto ui = NewReplica("kiosk.db", "S1", 1);  // the UI thread's replica
  ASSERT_TRUE(ui);
  AddAppointments(*ui, 50);
  MakeFreePages(path, 4);
  const RawSpace before = ReadRaw(path);
  const int64_t size_before = FileSize(path);
  ASSERT_GT(before.freelist_count, 900) << "pas de pages libres préparées";
  EXPECT_EQ(before.meta_last, 0);

  // The sync worker's own replica, serialised with the compaction.
  auto worker_replica = common::Replica::Open(path);
  ASSERT_TRUE(worker_replica.ok()) << worker_replica.status().ToString();
  kiosk::FileMutex file_mu = std::make_shared<std::mutex>();
  std::atomic<bool> sync_asked_during_compaction{false};
  common::NightlyCompactor* compactor_ptr = nullptr;
  auto sync_fn = kiosk::SerialiseWithFile(
      [&](common::SyncCounts*) -> Status {
        auto r = sync::SyncOnce(**worker_replica, Options(token));
        return r.ok() ? Status::OK() : r.status();
      },
      file_mu);

  HookClock clock(k0230);
  auto compactor = kiosk::MakeReplicaCompactor(path, common::kKioskCompactWindow, &clock,
                                               file_mu, 0, /*poll_ms=*/3600'000);
  compactor_ptr = compactor.get();
  // A patient's change made before the night, not yet synced.
  auto late = AddAppointments(*ui, 1);
  ASSERT_EQ(late.size(), 1u);
  // Inside the job (file lock held, VACUUM done, stamping): a sync round is
  // asked for; it must wait for the lock, then push the change.
  std::thread syncer;
  Status sync_status = Status::Internal("pas de synchronisation");
  clock.hook = [&] {
    if (syncer.joinable() || !compactor_ptr->counters().running) return;
    sync_asked_during_compaction = true;
    syncer = std::thread([&] { sync_status = sync_fn(nullptr); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  };
  compactor->NoteActivity(k0230 - 15 * 60'000);  // last touch 02:15
  ASSERT_TRUE(compactor->PollOnce());
  clock.hook = nullptr;
  ASSERT_TRUE(syncer.joinable());
  syncer.join();
  EXPECT_TRUE(sync_asked_during_compaction);
  EXPECT_TRUE(sync_status.ok()) << sync_status.ToString();

  const auto c = compactor->counters();
  EXPECT_EQ(c.runs, 1);
  EXPECT_EQ(c.failures, 0) << c.last_error;
  const RawSpace after = ReadRaw(path);
  EXPECT_EQ(after.freelist_count, 0);
  EXPECT_LT(after.page_count, before.page_count - 900);
  EXPECT_LT(FileSize(path), size_before - 3 * (1 << 20));
  EXPECT_EQ(after.meta_last, k0230);

  // Not again this night, nor after a restart (the stamp is in the file).
  clock.Set(k0230 + 30 * 60'000);
  EXPECT_FALSE(compactor->PollOnce());
  compactor.reset();
  auto again = kiosk::MakeReplicaCompactor(path, common::kKioskCompactWindow, &clock, file_mu,
                                           ReadRaw(path).meta_last, 3600'000);
  clock.Set(k0230 + 60 * 60'000);
  EXPECT_FALSE(again->PollOnce());
  // Noon: outside the window. Next night: yes.
  clock.Set(k1200);
  EXPECT_FALSE(again->PollOnce());
  clock.Set(k0230 + kDay);
  EXPECT_TRUE(again->PollOnce());
  EXPECT_EQ(again->counters().runs, 1);
  EXPECT_EQ(ReadRaw(path).meta_last, k0230 + kDay);

  // The change pushed during the night reached the hub: another replica
  // of the house pulls it, and the kiosk's replica still opens and reads.
  auto other = NewReplica("other.db", "S1", 2);
  ASSERT_TRUE(other);
  auto pulled = sync::SyncOnce(*other, Options(Enroll({"S1"}, "autre")));
  ASSERT_TRUE(pulled.ok()) << pulled.status().ToString();
  auto got = other->Get(common::Collection::kAppointment, late[0]);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got->has_value()) << "rendez-vous perdu pendant le compactage";
  auto mine = ui->Get(common::Collection::kAppointment, late[0]);
  ASSERT_TRUE(mine.ok() && mine->has_value());
}

TEST_F(KioskNightlyTest, WaitsForIdleAndItsThreadRunsOnce) {
  const std::string path = dir_.File("kiosk.db");
  auto ui = NewReplica("kiosk.db", "S1", 1);
  ASSERT_TRUE(ui);
  MakeFreePages(path, 1);
  kiosk::FileMutex file_mu = std::make_shared<std::mutex>();
  common::FakeClock clock(k0230);
  auto compactor = kiosk::MakeReplicaCompactor(path, common::kKioskCompactWindow, &clock,
                                               file_mu, 0, /*poll_ms=*/5);
  compactor->NoteActivity(k0230 - 60'000);  // a touch one minute ago
  compactor->Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(compactor->counters().runs, 0) << "compacté alors que la borne servait";
  EXPECT_GT(ReadRaw(path).freelist_count, 0);
  clock.Set(k0230 + 10 * 60'000);  // ten quiet minutes later
  ASSERT_TRUE(WaitFor([&] { return compactor->counters().runs == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // ~40 more polls
  compactor->Stop();
  EXPECT_EQ(compactor->counters().runs, 1);
  EXPECT_EQ(ReadRaw(path).freelist_count, 0);
}

TEST_F(KioskNightlyTest, AFailureIsLoggedAndRetriedTheNextNight) {
  // Not a replica: a hub file. Refused, left as it is, retried next night.
  const std::string path = dir_.File("not-a-replica.db");
  {
    auto db = common::Db::Open(path, true);
    ASSERT_TRUE(db.ok());
    ASSERT_OK((*db)->Exec("PRAGMA application_id=" +
                          std::to_string(common::kHubApplicationId) +
                          "; CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"));
  }
  const int64_t size = FileSize(path);
  common::FakeClock clock(k0230);
  auto compactor = kiosk::MakeReplicaCompactor(path, common::kKioskCompactWindow, &clock,
                                               std::make_shared<std::mutex>(), 0, 3600'000);
  EXPECT_TRUE(compactor->PollOnce());
  auto c = compactor->counters();
  EXPECT_EQ(c.runs, 0);
  EXPECT_EQ(c.failures, 1);
  EXPECT_NE(c.last_error.find("n'est pas une réplique Relais Santé"), std::string::npos)
      << c.last_error;
  EXPECT_EQ(FileSize(path), size);
  clock.Set(k0230 + 20 * 60'000);
  EXPECT_FALSE(compactor->PollOnce()) << "nouvel essai la même nuit";
  clock.Set(k0230 + kDay);
  EXPECT_TRUE(compactor->PollOnce());
  EXPECT_EQ(compactor->counters().failures, 2);
}

}  // namespace
}  // namespace relais::server::testing
