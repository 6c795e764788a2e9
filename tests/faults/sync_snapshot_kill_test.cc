// kill -9 of `relais init --from-snapshot` half-way through its load: the
// replica file stays sound, says it is incomplete (sync refuses it), and
// the same command run again finishes the load with every record once.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include "common/snapshot/signing_key.h"
#include "common/replica/replica.h"
#include "server/hub_snapshot.h"
#include "server/sqlite_hub_store.h"
#include "tests/common/test_util.h"

extern char** environ;

namespace relais::server {
namespace {

using common::testing::TempDir;

pid_t Spawn(const std::string& script) {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::string bash = "/bin/bash", c = "-c", s = script;
  char* argv[] = {bash.data(), c.data(), s.data(), nullptr};
  pid_t pid = -1;
  posix_spawn(&pid, "/bin/bash", nullptr, &attr, argv, environ);
  posix_spawnattr_destroy(&attr);
  return pid;
}

int WaitExit(pid_t pid, bool* killed = nullptr) {
  int st = 0;
  waitpid(pid, &st, 0);
  if (killed) *killed = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// A meta value of a replica read through a second connection (WAL); -1 if
// not readable yet.
int64_t MetaInt(const std::string& db, const std::string& key) {
  auto d = common::Db::OpenReader(db);
  if (!d.ok()) return -1;
  auto n = (*d)->QueryInt("SELECT coalesce(max(CAST(value AS INT)), -1) FROM meta WHERE key='" +
                          key + "'");
  return n.ok() ? *n : -1;
}

TEST(SnapshotKillTest, KilledLoadResumesWithTheSameCommand) {
  TempDir dir;
  constexpr int kRecords = 20000;
  // A hub holding kRecords appointments of S1 (pushed straight into its store).
  auto store = SqliteHubStore::Open(dir.File("hub.db"), true);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE(common::Replica::Init(dir.File("w.db"), "S1").ok());
  auto w = common::Replica::Open(dir.File("w.db"));
  ASSERT_TRUE(w.ok());
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> items;
  for (int i = 0; i < kRecords; ++i)
    items.push_back({"rdv-kill-" + std::to_string(i),
                     {{"practitioner", "p1@S1"}, {"start", "1795500000"},
                      {"note", std::string(1000, 'n')}}});
  ASSERT_TRUE((*w)->WriteBatch(common::Collection::kAppointment, items).ok());
  Scope scope;
  scope.replica_id = (*w)->replica_id();
  scope.sites = {"S1"};
  for (uint64_t after = 0;;) {
    auto changes = (*w)->store()->ChangesSince(after, 2000, 64 << 20);
    ASSERT_TRUE(changes.ok());
    if (changes->empty()) break;
    std::vector<common::Record> batch;
    for (auto& c : *changes) batch.push_back(c.record);
    auto pushed = (*store)->Push(scope, batch);
    ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
    after = changes->back().seq;
  }
  SnapshotRequest req;
  req.sites = {"S1"};
  req.out_path = dir.File("s1.snap");
  req.key_path = dir.File("hub-sign.key");
  auto written = WriteSnapshot(**store, req, *common::SystemClock::Default());
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  ASSERT_EQ(written->records, static_cast<uint64_t>(kRecords));

  const std::string db = dir.File("kiosk.db");
  const std::string cmd = std::string(RELAIS_CLI_BIN) + " init --db " + db +
                          " --site S1 --from-snapshot " + req.out_path + " --hub-key " +
                          written->public_key;
  pid_t loader = Spawn("exec " + cmd + " >/dev/null 2>&1");
  // Kill once a first batch is committed.
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (MetaInt(db, "snapshot_loaded") <= 0 && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  kill(-loader, SIGKILL);
  bool killed = false;
  WaitExit(loader, &killed);
  ASSERT_TRUE(killed) << "the load ended before the kill: nothing was tested";
  const int64_t at_kill = MetaInt(db, "snapshot_loaded");
  EXPECT_GT(at_kill, 0);
  EXPECT_LT(at_kill, kRecords) << "everything was loaded before the kill";
  EXPECT_EQ(MetaInt(db, "pull_cursor"), -1) << "a half-loaded replica has no pull cursor";
  {
    auto d = common::Db::Open(db, false);
    ASSERT_TRUE(d.ok());
    auto ok = (*d)->QueryInt(
        "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check='ok'");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(*ok, 1);
  }
  // The same command again: it continues and completes.
  const std::string log = dir.File("again.log");
  ASSERT_EQ(WaitExit(Spawn(cmd + " >/dev/null 2>" + log)), 0);
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("reprise après " + std::to_string(at_kill)), std::string::npos) << text;
  auto k = common::Replica::Open(db);
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  auto all = (*k)->store()->ListAll();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), static_cast<size_t>(kRecords));
  EXPECT_EQ(MetaInt(db, "pull_cursor"), static_cast<int64_t>(written->cursor));
  auto pending = (*k)->store()->CountChangesSince(0);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(*pending, 0);
}

}  // namespace
}  // namespace relais::server
