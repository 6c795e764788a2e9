// A one-site replica written by the previous schema (version 2: no org, no
// scope) opens in place as an organisation of one site, keeps its data and
// key, and syncs with its old token. Plus `relais init`'s scope arguments,
// hostile ones included.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include "tests/common/cli_run.h"
#include "tests/server/hub_fixture.h"

namespace relais::server::testing {

using relais::sync::SyncOnce;
namespace {

using relais::testing::RunRelaisCli;

// Turns a freshly written replica file back into what version 2 wrote:
// the v2 -> v3 migration only added the meta keys org and scope (and
// v3 -> v4 the purge column and table, dropped too).
void DowngradeToV2(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(
      db,
      "DELETE FROM meta WHERE key IN ('org','scope'); ALTER TABLE records DROP COLUMN hub_at;"
      " DROP TABLE rebootstrap_pending; PRAGMA user_version=2;",
      nullptr,
      nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

int64_t UserVersion(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

class OrgMigrationTest : public HubFixture {};

TEST_F(OrgMigrationTest, OneSiteReplicaOfSchemaV2MigratesInPlace) {
  const std::string path = dir_.File("msp.db");
  const std::string token = Enroll({"MSP1"}, "msp");
  std::string before;
  std::vector<std::string> ids;
  {
    auto id = common::Replica::Init(path, "MSP1");
    ASSERT_OK(id);
    auto r = common::Replica::Open(path);
    ASSERT_OK(r);
    ids = AddAppointments(**r, 3);
    ASSERT_OK(SyncOnce(**r, Options(token)));
    ASSERT_OK((*r)->SetPresence("p1", "2026-12-07", "am", "absent", "", ""));
    auto d = (*r)->DumpClear();
    ASSERT_OK(d);
    before = *d;
  }
  DowngradeToV2(path);
  ASSERT_EQ(UserVersion(path), 2);

  auto r = common::Replica::Open(path);
  ASSERT_OK(r);
  EXPECT_EQ(UserVersion(path), common::kReplicaSchemaVersion);
  EXPECT_EQ((*r)->org_id(), "MSP1");
  EXPECT_EQ((*r)->scope(), std::vector<std::string>{"MSP1"});
  EXPECT_TRUE((*r)->has_key());  // relais-MSP1.cle: the organisation's key
  auto after = (*r)->DumpClear();
  ASSERT_OK(after);
  EXPECT_EQ(*after, before);  // the same records, names readable
  // Ids keep their historical form; new writes too.
  ASSERT_OK((*r)->AddPractitioner("p2", "Dr B", "infirmier"));
  auto p2 = (*r)->Get(common::Collection::kPractitioner, "p2@MSP1");
  ASSERT_OK(p2);
  ASSERT_TRUE(p2->has_value());
  EXPECT_EQ((*p2)->site_id, "MSP1");
  ASSERT_OK((*r)->SetPresence("p1", "2026-12-07", "pm", "present", "", ""));
  auto pr = (*r)->Get(common::Collection::kPresence, "pr:p1@MSP1:2026-12-07:pm");
  ASSERT_OK(pr);
  EXPECT_TRUE(pr->has_value());
  // Its old token still fits exactly; the pending presence goes up.
  auto rep = SyncOnce(**r, Options(token));
  ASSERT_OK(rep);
  EXPECT_EQ(rep->pushed, 3);  // presence am, p2, presence pm
}

TEST(OrgInitCliTest, ScopeArguments) {
  common::testing::TempDir dir;
  auto ok = RunRelaisCli({"init", "--db", dir.File("sec.db"), "--org", "CDS71", "--site",
                          "DIGOIN", "--site", "AUTUN"});
  ASSERT_EQ(ok.code, 0) << ok.err;
  auto st = RunRelaisCli({"status", "--db", dir.File("sec.db")});
  EXPECT_NE(st.out.find("organisation: CDS71"), std::string::npos) << st.out;
  EXPECT_NE(st.out.find("sites tenus: AUTUN, CDS71, DIGOIN"), std::string::npos) << st.out;
  // The key file is the organisation's.
  EXPECT_TRUE(std::filesystem::exists(dir.File("relais-CDS71.cle")));
  EXPECT_FALSE(std::filesystem::exists(dir.File("relais-DIGOIN.cle")));

  struct Bad {
    std::vector<std::string> args;
    std::string says;
  };
  std::vector<std::string> many = {"init", "--db", dir.File("many.db")};
  for (int i = 0; i < 70; ++i) {
    many.push_back("--site");
    many.push_back("S" + std::to_string(i));
  }
  const std::vector<Bad> bad = {
      {{"init", "--db", dir.File("a.db")}, "--site"},
      {{"init", "--db", dir.File("b.db"), "--site", "S1", "--site", "S1"}, "deux fois"},
      {{"init", "--db", dir.File("c.db"), "--site", "S1", "--org", "../x"}, "invalide"},
      {{"init", "--db", dir.File("d.db"), "--site", "S1,S2"}, "invalide"},
      {{"init", "--db", dir.File("e.db"), "--site", ""}, "invalide"},
      {many, "trop de"},
  };
  for (const Bad& b : bad) {
    auto r = RunRelaisCli(b.args);
    EXPECT_NE(r.code, 0) << b.args.back();
    EXPECT_NE(r.err.find(b.says), std::string::npos) << b.args.back() << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(b.args[2])) << b.args[2];
  }
  // appt add at a site outside the scope: refused, exit 2 style error.
  ASSERT_EQ(RunRelaisCli({"practitioner", "add", "--db", dir.File("sec.db"), "--id", "p1",
                          "--name", "Dr A", "--profession", "medecin"})
                .code,
            0);
  auto out = RunRelaisCli({"appt", "add", "--db", dir.File("sec.db"), "--practitioner", "p1",
                           "--start", "2026-12-07T09:00", "--duration", "15", "--patient",
                           "Jean", "--birth", "1950-01-01", "--site", "CHALON"});
  EXPECT_NE(out.code, 0);
  EXPECT_NE(out.err.find("hors de la portée"), std::string::npos) << out.err;
  auto in = RunRelaisCli({"appt", "add", "--db", dir.File("sec.db"), "--practitioner", "p1",
                          "--start", "2026-12-07T09:00", "--duration", "15", "--patient", "Jean",
                          "--birth", "1950-01-01", "--site", "AUTUN"});
  EXPECT_EQ(in.code, 0) << in.err;
}

}  // namespace
}  // namespace relais::server::testing
