// `relais ticket ...` in process (tests/common/cli_run.h): French output,
// exit codes (0 ok, 2 bad arguments with nothing written, 1 refused), and
// every verb's --help. Oracles: outputs and numbers written by hand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/common/cli_run.h"
#include "tests/common/test_util.h"

namespace relais::testing {
namespace {

class TicketCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("k.db");
    ASSERT_EQ(Run({"init", "--db", db_, "--site", "S1"}).code, 0);
  }
  CliResult Run(std::vector<std::string> args) { return RunRelaisCli(std::move(args)); }
  std::string Dump() { return Run({"dump", "--db", db_, "--json"}).out; }
  // The first tab-separated word of the first line.
  static std::string First(const std::string& out) { return out.substr(0, out.find('\t')); }

  common::testing::TempDir dir_;
  std::string db_;
};

TEST_F(TicketCliTest, IssueCallDoneLeaveConvert) {
  CliResult p = Run({"ticket", "prefix", "--db", db_, "--set", "B"});
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_EQ(p.out, "B\tchoisie à la main\n");
  CliResult i1 = Run({"ticket", "issue", "--db", db_});
  ASSERT_EQ(i1.code, 0) << i1.err;
  EXPECT_EQ(First(i1.out), "B1");
  EXPECT_NE(i1.out.find("position 1\tattente estimée 15 min"), std::string::npos) << i1.out;
  CliResult i2 = Run({"ticket", "issue", "--db", db_});
  EXPECT_EQ(First(i2.out), "B2");
  EXPECT_NE(i2.out.find("position 2\tattente estimée 30 min"), std::string::npos) << i2.out;
  CliResult i3 = Run({"ticket", "issue", "--db", db_});
  EXPECT_EQ(First(i3.out), "B3");
  CliResult l = Run({"ticket", "list", "--db", db_});
  ASSERT_EQ(l.code, 0) << l.err;
  EXPECT_NE(l.out.find("3 en attente"), std::string::npos) << l.out;
  EXPECT_NE(l.out.find("1\tB1\t"), std::string::npos) << l.out;
  CliResult c = Run({"ticket", "call", "--db", db_, "--room", "Salle 2"});
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_NE(c.out.find("B1\t"), std::string::npos);
  EXPECT_NE(c.out.find("appelé en salle Salle 2"), std::string::npos) << c.out;
  EXPECT_EQ(Run({"ticket", "done", "--db", db_, "--ticket", "B1"}).code, 0);
  CliResult lv = Run({"ticket", "leave", "--db", db_, "--ticket", "B2"});
  EXPECT_EQ(lv.code, 0) << lv.err;
  EXPECT_NE(lv.out.find("parti sans consultation"), std::string::npos);
  ASSERT_EQ(Run({"practitioner", "add", "--db", db_, "--id", "p1", "--name", "Dr Martin",
                 "--profession", "medecin"}).code, 0);
  CliResult cv = Run({"ticket", "convert", "--db", db_, "--ticket", "B3", "--practitioner", "p1",
                      "--patient", "Jeanne Dupont", "--birth", "1950-03-02"});
  ASSERT_EQ(cv.code, 0) << cv.err;
  EXPECT_EQ(cv.out.rfind("rdv-", 0), 0u) << cv.out;
  const std::string dump = Dump();
  EXPECT_NE(dump.find("\"sans_rdv\""), std::string::npos);
  EXPECT_NE(dump.find("\"converted\""), std::string::npos);
  CliResult all = Run({"ticket", "list", "--db", db_, "--all"});
  EXPECT_NE(all.out.find("0 en attente"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("B3\t"), std::string::npos);
  EXPECT_NE(all.out.find("rendez-vous rdv-"), std::string::npos) << all.out;
}

TEST_F(TicketCliTest, NoLetterYetIsRefusedClearly) {
  const std::string before = Dump();
  CliResult i = Run({"ticket", "issue", "--db", db_});
  EXPECT_EQ(i.code, 1);
  EXPECT_NE(i.err.find("pas encore de lettre de ticket pour cette borne"), std::string::npos)
      << i.err;
  EXPECT_EQ(Dump(), before);
  CliResult p = Run({"ticket", "prefix", "--db", db_});
  EXPECT_EQ(p.code, 1);
  EXPECT_NE(p.err.find("relais ticket prefix --set"), std::string::npos) << p.err;
}

TEST_F(TicketCliTest, BadArgumentsExit2AndWriteNothing) {
  ASSERT_EQ(Run({"ticket", "prefix", "--db", db_, "--set", "A"}).code, 0);
  CliResult issued = Run({"ticket", "issue", "--db", db_});
  ASSERT_EQ(issued.code, 0) << issued.err;
  const std::string num = First(issued.out);
  const std::string before = Dump();
  const std::vector<std::vector<std::string>> bad = {
      {"ticket", "prefix", "--db", db_, "--set", "ab"},
      {"ticket", "prefix", "--db", db_, "--set", "é"},
      {"ticket", "prefix", "--db", db_, "--set", "A", "--reset"},
      {"ticket", "call", "--db", db_, "--room", ""},
      {"ticket", "call", "--db", db_, "--room", std::string(100, 'x')},
      {"ticket", "call", "--db", db_},
      {"ticket", "list", "--db", db_, "--day", "2026-13-01"},
      {"ticket", "done", "--db", db_},
      {"ticket", "convert", "--db", db_, "--ticket", num, "--practitioner", "nobody",
       "--patient", "X"},
      {"ticket", "frobnicate", "--db", db_},
  };
  for (const auto& args : bad) {
    CliResult r = Run(args);
    EXPECT_EQ(r.code, 2) << args[1] << " " << args.back() << ": " << r.err;
    EXPECT_NE(r.err.find("relais: "), std::string::npos) << r.err;
    EXPECT_EQ(Dump(), before);
  }
  // A refused move (not a bad argument): exit 1, French message.
  CliResult r = Run({"ticket", "done", "--db", db_, "--ticket", "tk-absent"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("ticket inconnu"), std::string::npos) << r.err;
  EXPECT_EQ(Dump(), before);
}

TEST_F(TicketCliTest, EveryVerbHasHelp) {
  for (const char* v : {"issue", "list", "call", "done", "leave", "convert", "prefix"}) {
    CliResult r = Run({"ticket", v, "--help"});
    EXPECT_EQ(r.code, 0) << v;
    EXPECT_NE(r.out.find("--db"), std::string::npos) << v;
  }
}

}  // namespace
}  // namespace relais::testing
