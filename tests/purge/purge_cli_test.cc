// `relais-hub purge --db hub.db --batch N` on SQLite, as a separate process
// (issue #17, docs/sync-model.md §11 « Quand la purge tourne »): a batch
// that is not a number from 1 to 100000 is refused with exit code 2 and a
// French message, before the database is touched; honest batches purge.
// Oracle: rows of the hub file counted with the SQLite API.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common/merge/merge.h"
#include "common/merge/purge.h"
#include "server/sqlite_hub_store.h"
#include "tests/common/test_util.h"

namespace relais::server {
namespace {

using common::testing::RunAndCapture;

using common::Collection;
using common::Record;

int64_t Rows(const std::string& path) {
  sqlite3* db = nullptr;
  int64_t n = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM records", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

Record Appt(const std::string& id, bool deleted) {
  Record r;
  r.collection = Collection::kAppointment;
  r.id = id;
  r.site_id = "S1";
  EXPECT_TRUE(common::ApplyLocalWrite(&r, "r1", 1000,
                                      {{"practitioner", "p1"},
                                       {"patient_name", "Jeanne"},
                                       {"start", "1790000000"},
                                       {"duration", "15"},
                                       {"status", "booked"}}));
  if (deleted) {
    EXPECT_TRUE(common::ApplyLocalWrite(&r, "r1", 2000, {{common::kDeletedField, "1"}}));
    EXPECT_TRUE(common::IsPurgeableTombstone(r));
  }
  return r;
}

TEST(PurgeCliTest, BadBatchIsRefusedWithExit2OnSqlite) {
  common::testing::TempDir dir;
  const std::string db = dir.File("hub.db");
  {
    auto store = SqliteHubStore::Open(db, true);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    // One live appointment and two settled tombstones; no replica holds
    // S1, so its horizon is the last sequence: both are purgeable.
    const Scope writer{"w", "r1", {"S1"}};
    ASSERT_TRUE((*store)->Push(writer, {Appt("live", false), Appt("d0", false),
                                        Appt("d1", false)}).ok());
    ASSERT_TRUE((*store)->Push(writer, {Appt("d0", true), Appt("d1", true)}).ok());
  }
  ASSERT_EQ(Rows(db), 3);
  const std::vector<std::vector<std::string>> bad = {
      {"--batch", "x"},
      {"--batch", "0"},
      {"--batch", "-1"},
      {"--batch=-1"},
      {"--batch", "100001"},
      {"--batch", "99999999999999999999"},
      {"--batch", "18446744073709551617"},
      {"--batch", ""},
      {"--batch", "1e3"},
      {"--batch", "0x10"},
      {"--batch", " 7"},
      {"--batch", "7 "},
      {"--batch", "12;rm -rf /"},
      {"--batch", std::string(5000, '9')},
  };
  for (const auto& extra : bad) {
    std::vector<std::string> args = {RELAIS_HUB_BINARY, "purge", "--db", db};
    args.insert(args.end(), extra.begin(), extra.end());
    std::string out;
    const int rc = RunAndCapture(args, &out);
    const std::string shown = extra.back().substr(0, 40);
    EXPECT_EQ(rc, 2) << shown << ": " << out;
    EXPECT_NE(out.find("--batch invalide"), std::string::npos) << shown << ": " << out;
    EXPECT_NE(out.find("attendu: un nombre de 1 à 100000"), std::string::npos) << out;
    EXPECT_LT(out.size(), 300u) << "message bounded: " << shown;
    EXPECT_EQ(Rows(db), 3) << "nothing purged: " << shown;
  }
  // Honest batches: a dry run of one counts one and says more remain,
  // then batches of one purge both.
  std::string out;
  ASSERT_EQ(RunAndCapture({RELAIS_HUB_BINARY, "purge", "--db", db, "--dry-run", "--batch", "1"}, &out), 0)
      << out;
  EXPECT_NE(out.find("à effacer: 1"), std::string::npos) << out;
  EXPECT_NE(out.find("il en reste"), std::string::npos) << out;
  EXPECT_EQ(Rows(db), 3);
  out.clear();
  ASSERT_EQ(RunAndCapture({RELAIS_HUB_BINARY, "purge", "--db", db, "--batch", "1"}, &out), 0) << out;
  EXPECT_NE(out.find("effacés: 2"), std::string::npos) << out;
  EXPECT_EQ(Rows(db), 1) << "the live appointment stays";
  out.clear();
  ASSERT_EQ(RunAndCapture({RELAIS_HUB_BINARY, "purge", "--db", db, "--batch", "100000"}, &out), 0) << out;
  EXPECT_NE(out.find("effacés: 0"), std::string::npos) << out;
}

}  // namespace
}  // namespace relais::server
