// kill -9 of the hub during a push and during a pull, and of a replica
// process during local writes and during a sync: afterwards every SQLite
// file passes PRAGMA integrity_check, nothing acknowledged is lost, and a
// re-sync converges. Real processes (relais-hub, relais) on 127.0.0.1, the
// hub on either store (TEST_P over pgtest::AllStores(); on PostgreSQL the
// hub's data is checked through libpq, tests/faults/hub_rows.h).
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <functional>
#include <thread>

#include "common/codec/record_json.h"
#include "common/replica/replica.h"
#include "common/sync/sync_client.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"
#include "tests/common/test_util.h"
#include "tests/faults/hub_rows.h"
#include "tests/pg/hub_stores.h"
#include "tools/bench/hub_process.h"

extern char** environ;

namespace relais::server {

using relais::sync::SyncOptions;
using relais::sync::SyncReport;
using relais::sync::SyncOnce;
namespace {

using common::Collection;
using common::Replica;
using common::testing::TempDir;

bool IntegrityOk(const std::string& path) {
  auto db = common::Db::Open(path, false);
  if (!db.ok()) return false;
  auto n = (*db)->QueryInt(
      "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check='ok'");
  return n.ok() && *n == 1;
}

// Runs `bash -c script` in its own process group; returns its pid.
pid_t SpawnShell(const std::string& script) {
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

int Wait(pid_t pid) {
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// Reaps `pid`; true if SIGKILL ended it (not a normal exit: the kill
// landed while it was still working).
bool ReapKilledBySigkill(pid_t pid) {
  int st = 0;
  if (waitpid(pid, &st, 0) != pid) return false;
  return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
}

// The integer `sql` returns, read through a second connection (WAL: does
// not block the writer); -1 if the file cannot be read yet.
int64_t QueryOn(const std::string& path, const std::string& sql) {
  auto db = common::Db::OpenReader(path);
  if (!db.ok()) return -1;
  auto n = (*db)->QueryInt(sql);
  return n.ok() ? *n : -1;
}
int64_t CountRows(const std::string& path, const std::string& table) {
  return QueryOn(path, "SELECT count(*) FROM " + table);
}

// Polls `done` every 2 ms for at most 20 s; true once it held.
bool WaitFor(const std::function<bool()>& done) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

// Lines of `path` (0 if absent).
int CountLines(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

class SyncCrashTest : public ::testing::TestWithParam<pgtest::StoreKind> {
 protected:
  void SetUp() override {
    auto loc = pgtest::NewStoreLocation(GetParam(), dir_.File("hub.db"));
    ASSERT_TRUE(loc.ok()) << loc.status().ToString();
    loc_ = *loc;
    auto store = pgtest::OpenStore(loc_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (const char* name : {"a", "fresh"}) {
      tokens_[name] = *GenerateToken();
      TokenInfo t;
      t.token_hash = HashToken(tokens_[name]);
      t.name = name;
      t.sites = {"S1"};
      ASSERT_TRUE((*store)->AddToken(t).ok());
    }
  }
  void StartHub() {
    port_ = bench::FreePort();
    // On PostgreSQL `--db` only names the local file of the funding
    // office's tokens; `--store` selects the store.
    std::vector<std::string> extra;
    if (loc_.kind == pgtest::StoreKind::kPostgres) extra = {"--store", loc_.conninfo};
    ASSERT_TRUE(hub_.Start(RELAIS_HUB_BIN, dir_.File("hub.db"), port_,
                           dir_.File("hub.log"), extra).ok());
  }
  // SQLite's own check of the hub's file; PostgreSQL's data is the server's
  // (a killed hub is a dropped connection to it): nothing to check there.
  bool HubFileIntact() {
    return loc_.kind != pgtest::StoreKind::kSqlite || IntegrityOk(dir_.File("hub.db"));
  }
  // SIGKILLs the hub and checks it died of it. waitid(WNOWAIT) reads the
  // status without reaping, so HubProcess::Stop() still reaps its own pid.
  void KillHub() {
    const pid_t pid = hub_.pid();
    ASSERT_GT(pid, 0);
    kill(pid, SIGKILL);
    siginfo_t info{};
    ASSERT_EQ(waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
    EXPECT_EQ(info.si_code, CLD_KILLED) << "le hub n'est pas mort de SIGKILL";
    EXPECT_EQ(info.si_status, SIGKILL);
    hub_.Stop();  // reaps
  }
  SyncOptions Options(const std::string& token) {
    SyncOptions o;
    o.hub = "127.0.0.1:" + std::to_string(port_);
    o.token = token;
    o.deadline_ms = 5000;
    o.push_batch_records = 20;
    o.pull_batch_records = 20;
    return o;
  }
  int64_t HubCount() { return testing::HubRecordCount(loc_); }

  TempDir dir_;
  pgtest::StoreLocation loc_;
  std::map<std::string, std::string> tokens_;
  bench::HubProcess hub_;
  int port_ = 0;
};

TEST_P(SyncCrashTest, HubKilledDuringPushAndDuringPull) {
  ASSERT_TRUE(Replica::Init(dir_.File("a.db"), "S1").ok());
  auto a = std::move(Replica::Open(dir_.File("a.db"))).value();
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> items;
  for (int i = 0; i < 3000; ++i)
    items.push_back({"rdv-" + std::to_string(i),
                     {{"practitioner", "p1@S1"}, {"start", "1795500000"},
                      {"note", std::string(300, 'a' + i % 26)}}});
  ASSERT_TRUE(a->WriteBatch(Collection::kAppointment, items).ok());
  StartHub();
  common::Result<SyncReport> push = Status::Internal("not run");
  std::thread t([&] { push = SyncOnce(*a, Options(tokens_["a"])); });
  // Kill once the replica holds a first acknowledgement: mid-push.
  const bool started = WaitFor([&] {
    return QueryOn(dir_.File("a.db"),
                   "SELECT coalesce(max(CAST(value AS INT)), 0) FROM meta"
                   " WHERE key='push_cursor'") > 0;
  });
  KillHub();
  t.join();
  ASSERT_TRUE(started) << "the replica never got an acknowledgement";
  ASSERT_FALSE(push.ok()) << "the push finished before the kill; nothing was tested";
  const int64_t at_kill = HubCount();
  EXPECT_GT(at_kill, 0);
  EXPECT_LT(at_kill, 3000) << "the hub had everything: the kill was not mid-push";
  EXPECT_TRUE(HubFileIntact());
  // Everything acknowledged is at the hub, byte for byte.
  const uint64_t acked = *a->store()->GetMetaInt("push_cursor");
  EXPECT_GT(acked, 0u);
  EXPECT_LT(acked, 3000u);
  auto acked_changes = a->store()->ChangesSince(0, 100000, 1 << 30);
  int checked = 0;
  for (const auto& c : *acked_changes) {
    if (c.seq > acked) break;
    const auto state = testing::HubRecordState(loc_, "S1", 2, c.record.id);
    ASSERT_TRUE(state.has_value()) << "acknowledged record lost: " << c.record.id;
    EXPECT_EQ(*state, common::EncodeRecordJson(c.record));
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(acked));
  StartHub();
  ASSERT_TRUE(SyncOnce(*a, Options(tokens_["a"])).ok());
  EXPECT_EQ(HubCount(), 3000);

  // Pull into a fresh replica, with the hub killed half-way.
  ASSERT_TRUE(Replica::Init(dir_.File("fresh.db"), "S1").ok());
  auto f = std::move(Replica::Open(dir_.File("fresh.db"))).value();
  common::Result<SyncReport> pull = Status::Internal("not run");
  std::thread t2([&] { pull = SyncOnce(*f, Options(tokens_["fresh"])); });
  // Kill once the replica has applied a first pulled batch.
  const bool pulling =
      WaitFor([&] { return CountRows(dir_.File("fresh.db"), "records") > 0; });
  KillHub();
  t2.join();
  ASSERT_TRUE(pulling) << "the replica never received a pulled batch";
  ASSERT_FALSE(pull.ok()) << "the pull finished before the kill; nothing was tested";
  const size_t pulled = f->store()->ListAll()->size();
  EXPECT_GT(pulled, 0u);
  EXPECT_LT(pulled, 3000u) << "the replica had everything: the kill was not mid-pull";
  EXPECT_TRUE(IntegrityOk(dir_.File("fresh.db")));
  EXPECT_TRUE(HubFileIntact());
  StartHub();
  ASSERT_TRUE(SyncOnce(*f, Options(tokens_["fresh"])).ok());
  EXPECT_EQ(*f->Dump(), *a->Dump());
  hub_.Stop();
}

TEST_P(SyncCrashTest, ReplicaKilledDuringWritesAndDuringSync) {
  const std::string db = dir_.File("k.db"), out = dir_.File("ids.txt");
  const std::string relais = RELAIS_CLI_BIN;
  ASSERT_EQ(Wait(SpawnShell(relais + " init --db " + db + " --site S1 >/dev/null && " + relais +
                            " practitioner add --db " + db +
                            " --id p1 --name X --profession medecin >/dev/null")),
            0);
  // A stream of writes, killed -9 in the middle.
  pid_t writer = SpawnShell("for i in $(seq 3000); do " + relais + " appt add --db " + db +
                            " --practitioner p1 --start 2026-11-24T09:00 --duration 15"
                            " --patient P$i --birth 1950-01-01 || exit 1; done > " + out);
  // Kill once some writes were acknowledged (a few lines printed).
  const bool writing = WaitFor([&] { return CountLines(out) >= 3; });
  kill(-writer, SIGKILL);
  EXPECT_TRUE(ReapKilledBySigkill(writer)) << "the writer ended before the kill";
  ASSERT_TRUE(writing) << "the writer never acknowledged a write";
  EXPECT_TRUE(IntegrityOk(db));
  auto rep = Replica::Open(db);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  const std::string dump = *(*rep)->Dump();
  std::ifstream in(out);
  int acknowledged = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.size() < 10) continue;  // a torn last line was never acknowledged
    const std::string id = line.substr(0, line.find(' '));
    EXPECT_NE(dump.find("\"" + id + "\""), std::string::npos) << "lost " << id;
    ++acknowledged;
  }
  EXPECT_GT(acknowledged, 0);
  EXPECT_LT(acknowledged, 3000) << "every write finished: the kill was not mid-stream";
  EXPECT_GE(static_cast<int>((*rep)->AllAppointments()->size()), acknowledged);
  // Add bulk so the sync takes a while, then kill `relais sync` mid-way.
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> items;
  for (int i = 0; i < 3000; ++i)
    items.push_back({"rdv-bulk-" + std::to_string(i),
                     {{"practitioner", "p1@S1"}, {"start", "1795500000"},
                      {"note", std::string(2000, 'b')}}});
  ASSERT_TRUE((*rep)->WriteBatch(Collection::kAppointment, items).ok());
  const int64_t total = static_cast<int64_t>((*rep)->store()->ListAll()->size());
  rep->reset();
  StartHub();
  // The token goes through the environment, never the command line.
  const std::string sync = "RELAIS_TOKEN=" + tokens_["a"] + " " + relais + " sync --db " + db +
                           " --hub 127.0.0.1:" + std::to_string(port_);
  // `exec env`: `exec VAR=value cmd` is not valid shell.
  pid_t syncer = SpawnShell("exec env " + sync + " >/dev/null 2>&1");
  // Kill `relais sync` once the hub has stored some of its push.
  const bool syncing = WaitFor([&] { return HubCount() > 0; });
  kill(-syncer, SIGKILL);
  EXPECT_TRUE(ReapKilledBySigkill(syncer)) << "relais sync ended before the kill";
  ASSERT_TRUE(syncing) << "the hub never received the sync";
  EXPECT_TRUE(IntegrityOk(db));
  const int64_t at_kill = HubCount();
  EXPECT_GT(at_kill, 0);
  EXPECT_LT(at_kill, total) << "sync finished before the kill";
  ASSERT_EQ(Wait(SpawnShell(sync + " >/dev/null")), 0);
  auto again = Replica::Open(db);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*(*again)->PendingCount(), 0);
  EXPECT_EQ(HubCount(), static_cast<int64_t>((*again)->store()->ListAll()->size()));
  hub_.Stop();
}

INSTANTIATE_TEST_SUITE_P(Stores, SyncCrashTest, pgtest::AllStores(), pgtest::StoreName);

}  // namespace
}  // namespace relais::server
