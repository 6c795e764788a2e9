// kill -9 of the hub during a push and during a pull, and of a replica
// process during local writes and during a sync: afterwards every SQLite
// file passes PRAGMA integrity_check, nothing acknowledged is lost, and a
// re-sync converges. Real processes (relais-hub, relais) on 127.0.0.1.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <thread>

#include "common/codec/record_json.h"
#include "common/replica/replica.h"
#include "server/client/sync_client.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"
#include "tests/common/test_util.h"
#include "tools/bench/hub_process.h"

extern char** environ;

namespace relais::server {
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

class SyncCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteHubStore::Open(dir_.File("hub.db"), true);
    ASSERT_TRUE(store.ok());
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
    ASSERT_TRUE(hub_.Start(RELAIS_HUB_BIN, dir_.File("hub.db"), port_,
                           dir_.File("hub.log")).ok());
  }
  void KillHub() {
    kill(hub_.pid(), SIGKILL);
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
  int64_t HubCount() {
    auto db = common::Db::Open(dir_.File("hub.db"), false);
    return *(*db)->QueryInt("SELECT count(*) FROM records");
  }

  TempDir dir_;
  std::map<std::string, std::string> tokens_;
  bench::HubProcess hub_;
  int port_ = 0;
};

TEST_F(SyncCrashTest, HubKilledDuringPushAndDuringPull) {
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
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  KillHub();
  t.join();
  ASSERT_FALSE(push.ok()) << "the push finished before the kill; nothing was tested";
  EXPECT_TRUE(IntegrityOk(dir_.File("hub.db")));
  // Everything acknowledged is at the hub, byte for byte.
  const uint64_t acked = *a->store()->GetMetaInt("push_cursor");
  EXPECT_GT(acked, 0u);
  auto hub_db = common::Db::Open(dir_.File("hub.db"), false);
  auto st = (*hub_db)->Prepare("SELECT state FROM records WHERE collection=2 AND id=?");
  auto acked_changes = a->store()->ChangesSince(0, 100000, 1 << 30);
  int checked = 0;
  for (const auto& c : *acked_changes) {
    if (c.seq > acked) break;
    (void)st->Reset();
    st->Bind(1, c.record.id);
    ASSERT_TRUE(*st->Step()) << "acknowledged record lost: " << c.record.id;
    EXPECT_EQ(st->ColumnText(0), common::EncodeRecordJson(c.record));
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(acked));
  hub_db->reset();
  StartHub();
  ASSERT_TRUE(SyncOnce(*a, Options(tokens_["a"])).ok());
  EXPECT_EQ(HubCount(), 3000);

  // Pull into a fresh replica, with the hub killed half-way.
  ASSERT_TRUE(Replica::Init(dir_.File("fresh.db"), "S1").ok());
  auto f = std::move(Replica::Open(dir_.File("fresh.db"))).value();
  common::Result<SyncReport> pull = Status::Internal("not run");
  std::thread t2([&] { pull = SyncOnce(*f, Options(tokens_["fresh"])); });
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  KillHub();
  t2.join();
  ASSERT_FALSE(pull.ok()) << "the pull finished before the kill; nothing was tested";
  EXPECT_TRUE(IntegrityOk(dir_.File("fresh.db")));
  EXPECT_TRUE(IntegrityOk(dir_.File("hub.db")));
  StartHub();
  ASSERT_TRUE(SyncOnce(*f, Options(tokens_["fresh"])).ok());
  EXPECT_EQ(*f->Dump(), *a->Dump());
  hub_.Stop();
}

TEST_F(SyncCrashTest, ReplicaKilledDuringWritesAndDuringSync) {
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
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  kill(-writer, SIGKILL);
  Wait(writer);
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
  EXPECT_GE(static_cast<int>((*rep)->AllAppointments()->size()), acknowledged);
  // Add bulk so the sync takes a while, then kill `relais sync` mid-way.
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> items;
  for (int i = 0; i < 3000; ++i)
    items.push_back({"rdv-bulk-" + std::to_string(i),
                     {{"practitioner", "p1@S1"}, {"start", "1795500000"},
                      {"note", std::string(2000, 'b')}}});
  ASSERT_TRUE((*rep)->WriteBatch(Collection::kAppointment, items).ok());
  rep->reset();
  StartHub();
  // The token goes through the environment, never the command line.
  const std::string sync = "RELAIS_TOKEN=" + tokens_["a"] + " " + relais + " sync --db " + db +
                           " --hub 127.0.0.1:" + std::to_string(port_);
  pid_t syncer = SpawnShell("exec " + sync + " >/dev/null 2>&1");
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  kill(-syncer, SIGKILL);
  Wait(syncer);
  EXPECT_TRUE(IntegrityOk(db));
  EXPECT_LT(HubCount(), 3000 + acknowledged + 1) << "sync finished before the kill";
  ASSERT_EQ(Wait(SpawnShell(sync + " >/dev/null")), 0);
  auto again = Replica::Open(db);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*(*again)->PendingCount(), 0);
  EXPECT_EQ(HubCount(), static_cast<int64_t>((*again)->store()->ListAll()->size()));
  hub_.Stop();
}

}  // namespace
}  // namespace relais::server
