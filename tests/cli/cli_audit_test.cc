// `relais audit`, `relais purge`, and the access-log entries of `appt list`
// and `dump --clair` (issue #15), run in process like cli_test.cc.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <string>
#include <vector>

#include "common/audit/chain.h"
#include "tests/common/test_util.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {
namespace {

struct Outcome {
  int code;
  std::string out, err;
};

Outcome RunCli(std::vector<std::string> args) {
  args.insert(args.begin(), "relais");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int code = Run(static_cast<int>(argv.size()), argv.data());
  return {code, ::testing::internal::GetCapturedStdout(),
          ::testing::internal::GetCapturedStderr()};
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

class CliAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("a.db");
    ASSERT_EQ(RunCli({"init", "--db", db_, "--site", "S1"}).code, 0);
    ASSERT_EQ(RunCli({"practitioner", "add", "--db", db_, "--id", "p1", "--name", "Dr Martin",
                      "--profession", "medecin"})
                  .code,
              0);
    Outcome o = RunCli({"appt", "add", "--db", db_, "--practitioner", "p1", "--start",
                        "2020-11-24T09:00", "--duration", "15", "--patient", "Jeanne Dupont",
                        "--birth", "1950-03-02", "--note", "rappeler"});
    ASSERT_EQ(o.code, 0) << o.err;
    id_ = o.out.substr(0, o.out.find(' '));
  }
  std::string Dump() { return RunCli({"dump", "--db", db_, "--json"}).out; }

  testing::TempDir dir_;
  std::string db_, id_;
};

TEST_F(CliAuditTest, RevealsAreLoggedPlainDumpIsNot) {
  const std::string d1 = Dump();
  EXPECT_EQ(Dump(), d1);  // plain dump: byte-stable, writes nothing
  EXPECT_EQ(Count(d1, "\"collection\":\"audit\""), 0u);
  Outcome list = RunCli({"appt", "list", "--db", db_, "--date", "2020-11-24"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("Jeanne Dupont"), std::string::npos);
  Outcome clair = RunCli({"dump", "--db", db_, "--json", "--clair"});
  ASSERT_EQ(clair.code, 0) << clair.err;
  EXPECT_EQ(Count(clair.out, "\"collection\":\"audit\""), 2u);  // shows its own entry
  Outcome audit = RunCli({"audit", "--db", db_, "--verify"});
  ASSERT_EQ(audit.code, 0) << audit.err;
  EXPECT_NE(audit.out.find("cli.appt-list\t" + id_), std::string::npos) << audit.out;
  EXPECT_NE(audit.out.find("cli.dump-clair\t*"), std::string::npos) << audit.out;
  EXPECT_NE(audit.out.find("\tos:"), std::string::npos);
  EXPECT_NE(audit.out.find("journal d'accès intègre : 2 entrée(s)"), std::string::npos)
      << audit.out;
}

TEST_F(CliAuditTest, VerifyFailsOnACraftedFile) {
  ASSERT_EQ(RunCli({"appt", "list", "--db", db_, "--date", "2020-11-24"}).code, 0);
  ASSERT_EQ(RunCli({"appt", "list", "--db", db_, "--date", "2020-11-25"}).code, 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE records SET state = replace(state, 'cli.appt-list', "
                         "'cli.appt-lisx') WHERE collection = 5 AND id LIKE '%000000000001'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_close(db);
  Outcome o = RunCli({"audit", "--db", db_, "--verify"});
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.err.find("NON intègre"), std::string::npos) << o.err;
  EXPECT_EQ(RunCli({"audit", "--db", db_}).code, 0);  // listing alone still works
}

TEST_F(CliAuditTest, PurgeErasesOldIdentitiesAndRefusesBadArguments) {
  const std::string before = Dump();
  for (std::vector<std::string> bad :
       {std::vector<std::string>{"purge", "--db", db_},
        {"purge", "--db", db_, "--before", "2021-02-30"},
        {"purge", "--db", db_, "--before", "1850-01-01"},
        {"purge", "--db", db_, "--before", "2021-01-01", "--policy"},
        {"purge", "--db", db_, "--set-months", "0"},
        {"purge", "--db", db_, "--before", std::string(5000, '9')}}) {
    Outcome o = RunCli(bad);
    EXPECT_EQ(o.code, 2) << bad.back() << " " << o.err;
  }
  EXPECT_EQ(Dump(), before);  // nothing written
  Outcome o = RunCli({"purge", "--db", db_, "--before", "2021-01-01"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("identités effacées maintenant : 1"), std::string::npos) << o.out;
  const std::string after = Dump();
  EXPECT_EQ(after.find("Jeanne Dupont"), std::string::npos);
  EXPECT_EQ(after.find("1950-03-02"), std::string::npos);
  EXPECT_EQ(after.find("rappeler"), std::string::npos);
  EXPECT_NE(after.find(id_), std::string::npos);
  o = RunCli({"purge", "--db", db_, "--policy"});  // 24 months: already erased
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("24 mois"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("identités effacées maintenant : 0"), std::string::npos) << o.out;
}

}  // namespace
}  // namespace relais::common::cli
