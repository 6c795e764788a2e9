// `relais compact --db` and `relais-hub compact --db` (issue #17), run as
// the real binaries: hostile arguments are refused with a French message
// and leave the file as it was; an honest file is compacted with every row
// kept, also while another connection holds it open (the kiosk, the hub).
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/storage/replica_store.h"
#include "server/sqlite_hub_store.h"
#include "tests/purge/purge_fixture.h"
#include "tests/purge/raw_sqlite.h"

#ifndef RELAIS_BIN
#error "RELAIS_BIN (path of relais) must be defined by tests/purge/CMakeLists.txt"
#endif
#ifndef RELAIS_HUB_BIN
#error "RELAIS_HUB_BIN (path of relais-hub) must be defined by tests/purge/CMakeLists.txt"
#endif

namespace relais::server::testing {
namespace {

struct CliRun {
  int code = -1;
  std::string out, err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `bin args...` through the shell, each argument single-quoted.
CliRun Exec(const TempDir& dir, const std::string& bin, const std::vector<std::string>& args) {
  std::string cmd = bin;
  for (const std::string& a : args) {
    std::string q = "'";
    for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += " " + q + "'";
  }
  cmd += " >" + dir.File("out.txt") + " 2>" + dir.File("err.txt");
  const int st = std::system(cmd.c_str());
  CliRun r;
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = Slurp(dir.File("out.txt"));
  r.err = Slurp(dir.File("err.txt"));
  return r;
}

// A replica file with 300 appointments of which 290 deleted (fragmented).
std::string MakeReplica(const TempDir& dir, const std::string& name) {
  const std::string path = dir.File(name);
  EXPECT_TRUE(common::Replica::Init(path, "S1").ok());
  auto r = common::Replica::Open(path);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> ids = AddAppointments(**r, 300);
  for (size_t i = 0; i < 290 && i < ids.size(); ++i) {
    auto w = (*r)->Write(common::Collection::kAppointment, ids[i],
                         {{common::kDeletedField, "1"}});
    EXPECT_TRUE(w.ok()) << w.status().ToString();
  }
  return path;
}

std::string MakeHub(const TempDir& dir) {
  const std::string path = dir.File("hub.db");
  auto h = SqliteHubStore::Open(path, true, common::SystemClock::Default(), nullptr);
  EXPECT_TRUE(h.ok()) << h.status().ToString();
  return path;
}

TEST(CompactCliTest, HostileArgumentsAreRefusedInFrenchAndChangeNothing) {
  TempDir dir;
  const std::string replica = MakeReplica(dir, "r.db");
  const std::string hub = MakeHub(dir);
  {
    std::ofstream(dir.File("texte.db")) << "ceci n'est pas une base SQLite\n";
    std::ofstream(dir.File("vide.db"));
  }
  const std::vector<std::string> replica_rows = Raw(replica).Dump();
  const std::vector<std::string> hub_rows = Raw(hub).Dump();
  for (const std::string& bin : {std::string(RELAIS_BIN), std::string(RELAIS_HUB_BIN)}) {
    SCOPED_TRACE(bin);
    CliRun r = Exec(dir, bin, {"compact"});
    EXPECT_EQ(r.code, 2) << r.err;
    r = Exec(dir, bin, {"compact", "--db", dir.File("absent.db")});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("fichier absent"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.File("absent.db"))) << "never created";
    r = Exec(dir, bin, {"compact", "--db", ""});
    EXPECT_NE(r.code, 0);
    r = Exec(dir, bin, {"compact", "--db", dir.path()});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("n'est pas un fichier ordinaire"), std::string::npos) << r.err;
    r = Exec(dir, bin, {"compact", "--db", dir.File("vide.db")});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("est vide"), std::string::npos) << r.err;
    EXPECT_EQ(FileBytes(dir.File("vide.db")), 0);
    r = Exec(dir, bin, {"compact", "--db", dir.File("texte.db")});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("fichier corrompu ou étranger"), std::string::npos) << r.err;
    EXPECT_EQ(Slurp(dir.File("texte.db")), "ceci n'est pas une base SQLite\n");
  }
  // Each tool refuses the other's file.
  CliRun r = Exec(dir, RELAIS_BIN, {"compact", "--db", hub});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("n'est pas une réplique Relais Santé"), std::string::npos) << r.err;
  r = Exec(dir, RELAIS_HUB_BIN, {"compact", "--db", replica});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("n'est pas une base de hub Relais Santé"), std::string::npos) << r.err;
  EXPECT_EQ(Raw(replica).Dump(), replica_rows);
  EXPECT_EQ(Raw(hub).Dump(), hub_rows);
}

TEST(CompactCliTest, ReplicaIsCompactedWhileTheKioskHoldsItOpen) {
  TempDir dir;
  const std::string path = MakeReplica(dir, "r.db");
  // Free and half-empty pages: filler rows, 90 % of them removed.
  Raw(path).Exec(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
      " INSERT INTO meta(key, value) SELECT 'filler' || i, hex(randomblob(300)) FROM n;"
      " DELETE FROM meta WHERE key GLOB 'filler*'"
      " AND CAST(substr(key, 7) AS INTEGER) % 10 != 0;");
  auto kiosk = common::Replica::Open(path);  // stays open, as the kiosk's
  ASSERT_TRUE(kiosk.ok()) << kiosk.status().ToString();
  const std::vector<std::string> rows = Raw(path).Dump();
  Raw(path).Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const int64_t before = FileBytes(path);
  const int64_t pages_before = Raw(path).Int("PRAGMA page_count");
  CliRun r = Exec(dir, RELAIS_BIN, {"compact", "--db", path});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("réplique compactée"), std::string::npos) << r.out;
  Raw raw(path);
  EXPECT_EQ(raw.Column("PRAGMA integrity_check")[0], "ok");
  EXPECT_EQ(raw.Dump(), rows);
  EXPECT_LT(raw.Int("PRAGMA page_count"), pages_before);
  EXPECT_LT(FileBytes(path), before);
  EXPECT_EQ(Mode(path), 0600);
  // The kiosk's connection goes on reading and writing.
  auto listed = (*kiosk)->store()->List(common::Collection::kAppointment);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->size(), 300u);
  AddAppointments(**kiosk, 1);
}

TEST(CompactCliTest, HubIsCompactedWithEveryRowKept) {
  TempDir dir;
  const std::string path = MakeHub(dir);
  // Rows and their removal through raw SQL: only the sizes matter here.
  Raw(path).Exec(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
      " INSERT INTO meta(key, value) SELECT 'k' || i, hex(randomblob(300)) FROM n;"
      " DELETE FROM meta WHERE key GLOB 'k*' AND CAST(substr(key, 2) AS INTEGER) % 10 != 0;");
  const std::vector<std::string> rows = Raw(path).Dump();
  const int64_t pages_before = Raw(path).Int("PRAGMA page_count");
  CliRun r = Exec(dir, RELAIS_HUB_BIN, {"compact", "--db", path});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("hub compacté"), std::string::npos) << r.out;
  Raw raw(path);
  EXPECT_EQ(raw.Column("PRAGMA integrity_check")[0], "ok");
  EXPECT_EQ(raw.Dump(), rows);
  EXPECT_LT(raw.Int("PRAGMA page_count"), pages_before / 2);
  EXPECT_EQ(raw.Int("PRAGMA auto_vacuum"), 2);
  EXPECT_EQ(Mode(path), 0600);
  auto store = SqliteHubStore::Open(path, false, common::SystemClock::Default(), nullptr);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
}

}  // namespace
}  // namespace relais::server::testing
