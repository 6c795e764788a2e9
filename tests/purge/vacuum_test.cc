// Store files that shrink after the purge (issue #17, common/storage/vacuum.h).
// Oracles are read through a separate raw SQLite connection and stat(2),
// never through the code under test: PRAGMA auto_vacuum / freelist_count /
// page_count / integrity_check, and every table's rows as SQLite quotes them.
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "common/storage/replica_store.h"
#include "common/storage/vacuum.h"
#include "server/sqlite_hub_store.h"
#include "tests/purge/purge_fixture.h"
#include "tests/purge/raw_sqlite.h"

namespace relais::server::testing {
namespace {

// Captures std::clog for the life of the object.
class ClogCapture {
 public:
  ClogCapture() : old_(std::clog.rdbuf(out_.rdbuf())) {}
  ~ClogCapture() { std::clog.rdbuf(old_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::streambuf* old_;
};

TEST(VacuumTest, NewFilesAreIncrementalAndPrivate) {
  TempDir dir;
  {
    auto r = common::ReplicaStore::Open(dir.File("r.db"), /*create=*/true);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    auto h = SqliteHubStore::Open(dir.File("h.db"), /*create=*/true,
                                  common::SystemClock::Default(), nullptr);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
  }
  for (const char* f : {"r.db", "h.db"}) {
    EXPECT_EQ(Raw(dir.File(f)).Int("PRAGMA auto_vacuum"), 2) << f;
    EXPECT_EQ(Raw(dir.File(f)).Column("PRAGMA journal_mode")[0], "wal") << f;
    EXPECT_EQ(Mode(dir.File(f)), 0600) << f;
  }
}

TEST(VacuumTest, OldReplicaFileIsSwitchedAtOpenAndKeepsEveryByte) {
  TempDir dir;
  const std::string path = dir.File("old.db");
  {
    ASSERT_TRUE(common::Replica::Init(path, "S1").ok());
    auto r = common::Replica::Open(path);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    AddAppointments(**r, 50);
  }
  MakeOldMode(path);
  const std::vector<std::string> before = Raw(path).Dump();
  ASSERT_GT(before.size(), 50u);
  ClogCapture log;
  {
    auto r = common::Replica::Open(path);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ((*r)->store()->List(common::Collection::kAppointment)->size(), 50u);
  }
  EXPECT_NE(log.text().find("passage unique en auto_vacuum incrémental"), std::string::npos)
      << log.text();
  Raw raw(path);
  EXPECT_EQ(raw.Int("PRAGMA auto_vacuum"), 2);
  EXPECT_EQ(raw.Column("PRAGMA integrity_check")[0], "ok");
  EXPECT_EQ(raw.Dump(), before);
  EXPECT_EQ(Mode(path), 0600);
  // Switched once: the next open says nothing.
  ClogCapture again;
  ASSERT_TRUE(common::Replica::Open(path).ok());
  EXPECT_EQ(again.text(), "");
}

TEST(VacuumTest, FileOverTheBoundIsLeftAsItWasWithAnExplanation) {
  TempDir dir;
  const std::string path = dir.File("big.db");
  {
    auto s = common::ReplicaStore::Open(path, true);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->SetMeta("filler", std::string(200000, 'x')).ok());
  }
  MakeOldMode(path);
  const std::vector<std::string> before = Raw(path).Dump();
  auto db = common::Db::Open(path, false);
  ASSERT_TRUE(db.ok());
  const std::string line = common::EnsureIncrementalVacuum(db->get(), path, 64 * 1024);
  EXPECT_NE(line.find("laissé en auto_vacuum=NONE"), std::string::npos) << line;
  EXPECT_NE(line.find("compact --db"), std::string::npos) << line;
  auto refused = common::Compact(db->get(), 64 * 1024);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), common::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("au-delà de la limite"), std::string::npos);
  db->reset();
  EXPECT_EQ(Raw(path).Int("PRAGMA auto_vacuum"), 0);
  EXPECT_EQ(Raw(path).Dump(), before);
}

class VacuumHubTest : public PurgeFixture {};

// The hub file: switched at open with its records intact; then a purge
// that removes many tombstones leaves (almost) no free page in the hub's
// and the replicas' files, and the files got smaller on disk.
TEST_P(VacuumHubTest, PurgeGivesPagesBackAndOldHubIsSwitched) {
  Member& a = Add("a", 1);
  Member& b = Add("b", 2);
  std::vector<std::string> ids = AddAppointments(*a.replica, 600);
  SyncAll();
  StopHub();
  const std::string hub = dir_.File("hub.db");
  MakeOldMode(hub);
  const std::vector<std::string> hub_rows = Raw(hub).Dump();
  {
    ClogCapture log;
    RestartHubWithoutAutoPurge();
    EXPECT_NE(log.text().find("relais-hub: " + hub + ": passage unique"), std::string::npos)
        << log.text();
  }
  EXPECT_EQ(Raw(hub).Int("PRAGMA auto_vacuum"), 2);
  EXPECT_EQ(Raw(hub).Dump(), hub_rows);

  auto checkpointed_bytes = [&](const std::string& path) {
    Raw(path).Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return FileBytes(path);
  };
  const int64_t hub_before = checkpointed_bytes(hub);
  const int64_t a_before = checkpointed_bytes(dir_.File("a.db"));
  ids.resize(590);
  for (const std::string& id : ids) Delete(a, id);
  SyncAll(2);
  std::ostringstream purge_log;
  auto done = RunHubPurge(*store_, PurgeRunOptions{}, &purge_log);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->purged, 590);
  EXPECT_GT(done->released_pages, 0);
  EXPECT_NE(purge_log.str().find("released_pages="), std::string::npos);
  SyncAll(2);  // the replicas learn the horizon and purge
  EXPECT_FALSE(At(a, ids[0]).has_value());
  EXPECT_FALSE(At(b, ids[0]).has_value());
  for (const std::string f : {"hub.db", "a.db", "b.db"}) {
    Raw raw(dir_.File(f));
    EXPECT_LT(raw.Int("PRAGMA freelist_count"), common::kReleaseThresholdPages) << f;
    EXPECT_EQ(raw.Column("PRAGMA integrity_check")[0], "ok") << f;
  }
  EXPECT_LT(checkpointed_bytes(hub), hub_before / 2);
  EXPECT_LT(checkpointed_bytes(dir_.File("a.db")), a_before / 2);
  EXPECT_EQ(Mode(hub), 0600);
  EXPECT_EQ(Mode(dir_.File("a.db")), 0600);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, VacuumHubTest,
                         ::testing::Values(relais::pgtest::StoreKind::kSqlite),
                         relais::pgtest::StoreName);

// SIGKILL in the middle of the one-time VACUUM of a big file (once the WAL
// holds part of the rewrite): the file
// opens, holds every row it held, and is switched by the next open.
TEST(VacuumCrashTest, KilledDuringTheSwitchKeepsTheFile) {
  const unsigned seed = std::random_device{}();
  std::cout << "seed " << seed << std::endl;
  std::mt19937 rng(seed);
  TempDir dir;
  const std::string path = dir.File("big.db");
  {
    auto s = common::ReplicaStore::Open(path, true);
    ASSERT_TRUE(s.ok());
  }
  {
    Raw raw(path);
    raw.Exec("BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
             " WHERE i < 40000) INSERT INTO meta(key, value) SELECT 'k' || i,"
             " hex(randomblob(700)) FROM n; COMMIT;");
  }
  MakeOldMode(path);
  const std::vector<std::string> before = Raw(path).Dump();
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    (void)!::write(fds[1], "s", 1);
    auto s = common::ReplicaStore::Open(path, false);  // runs the VACUUM
    (void)!::write(fds[1], s.ok() ? "d" : "e", 1);
    ::_exit(0);
  }
  ::close(fds[1]);
  char c = 0;
  ASSERT_EQ(::read(fds[0], &c, 1), 1);
  ASSERT_EQ(c, 's');
  // Kill once the VACUUM is writing its frames (WAL over 4 Mio), after a
  // seeded extra delay of 0-9 ms; at most 30 s of waiting.
  const std::string wal = path + "-wal";
  for (int i = 0; i < 30000; ++i) {
    struct stat st {};
    if (::stat(wal.c_str(), &st) == 0 && st.st_size > (4 << 20)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 10));
  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  const bool finished = ::read(fds[0], &c, 1) == 1;
  ::close(fds[0]);
  ASSERT_FALSE(finished) << "la compaction a fini avant le SIGKILL : fichier trop petit";
  {
    Raw raw(path);
    EXPECT_EQ(raw.Column("PRAGMA integrity_check")[0], "ok");
    EXPECT_EQ(raw.Dump(), before);
  }
  auto s = common::ReplicaStore::Open(path, false);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  s->reset();
  Raw raw(path);
  EXPECT_EQ(raw.Int("PRAGMA auto_vacuum"), 2);
  EXPECT_EQ(raw.Dump(), before);
}

}  // namespace
}  // namespace relais::server::testing
