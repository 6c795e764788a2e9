// Runs the `relais` CLI in process (cli::Run) and checks the contract:
// outputs, exit codes (2 for bad arguments), and that refused commands write
// nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/model/validate.h"
#include "common/replica/replica.h"
#include "tests/common/test_util.h"
#include "tools/relais/cli_util.h"

namespace relais::common::cli {
namespace {

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome RunCli(std::vector<std::string> args) {
  args.insert(args.begin(), "relais");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int code = Run(static_cast<int>(argv.size()), argv.data());
  Outcome o{code, ::testing::internal::GetCapturedStdout(),
            ::testing::internal::GetCapturedStderr()};
  return o;
}

class CliTest : public ::testing::Test {
 protected:
  // Verbs that talk to a hub take their token from RELAIS_TOKEN here (a
  // --token argument would add its « visible dans ps » warning line).
  void SetUp() override {
    ::setenv("RELAIS_TOKEN", "t", 1);
    db_ = dir_.File("a.db");
    Outcome o = RunCli({"init", "--db", db_, "--site", "S1"});
    ASSERT_EQ(o.code, 0) << o.err;
    ASSERT_EQ(o.out.size(), 17u);  // 16 hex + newline
    o = RunCli({"practitioner", "add", "--db", db_, "--id", "p1", "--name",
                "Dr Martin", "--profession", "medecin"});
    ASSERT_EQ(o.code, 0) << o.err;
  }
  std::string Dump() { return RunCli({"dump", "--db", db_, "--json"}).out; }

  testing::TempDir dir_;
  std::string db_;
};

TEST_F(CliTest, AppointmentFlowPrintsIdAndCode) {
  Outcome o = RunCli({"appt", "add", "--db", db_, "--practitioner", "p1",
                      "--start", "2026-11-24T09:00", "--duration", "15",
                      "--patient", "Jeanne Dupont", "--birth", "1950-03-02"});
  ASSERT_EQ(o.code, 0) << o.err;
  const std::string id = o.out.substr(0, o.out.find(' '));
  std::string code = o.out.substr(o.out.find(' ') + 1);
  code.pop_back();
  EXPECT_EQ(code.size(), 6u);
  o = RunCli({"appt", "checkin", "--db", db_, "--code", code});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, id + " checked_in\n");
  EXPECT_EQ(RunCli({"appt", "set-status", "--db", db_, "--id", id, "--status",
                    "in_consultation"}).code, 0);
  EXPECT_EQ(RunCli({"appt", "cancel", "--db", db_, "--id", id}).code, 0);
  EXPECT_NE(Dump().find("\"status\":\"cancelled\""), std::string::npos);
}

// The desk records the patient's commune of residence from a postcode and a
// name (issue #20): the INSEE code is what is stored (La Poste list: 71160
// serves seven communes, La Motte-Saint-Jean is 71325).
TEST_F(CliTest, AppointmentRecordsThePatientsCommune) {
  const std::vector<std::string> base = {"appt", "add", "--db", db_, "--practitioner", "p1",
                                         "--start", "2026-11-24T09:00", "--duration", "15",
                                         "--patient", "Jeanne Dupont", "--birth", "1950-03-02"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCli(args);
  };
  Outcome o = with({"--cp", "71160", "--commune", "la motte-saint-jean"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(Dump().find("\"patient_commune\":\"71325\""), std::string::npos);
  o = with({"--commune", "2A004"});  // an INSEE code alone: Ajaccio
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(Dump().find("\"patient_commune\":\"2A004\""), std::string::npos);

  const std::string before = Dump();
  // A postcode with several communes and no choice lists them.
  o = with({"--cp", "71160"});
  EXPECT_NE(o.code, 0);
  EXPECT_NE(o.err.find("DIGOIN"), std::string::npos) << o.err;
  // Unknown commune, foreign postcode, malformed input, name without postcode.
  EXPECT_NE(with({"--cp", "71160", "--commune", "Paris"}).code, 0);
  EXPECT_NE(with({"--cp", "99999"}).code, 0);
  EXPECT_NE(with({"--cp", "7116"}).code, 0);
  EXPECT_NE(with({"--cp", "71160;DROP", "--commune", "Digoin"}).code, 0);
  EXPECT_NE(with({"--commune", "Digoin"}).code, 0);
  EXPECT_NE(with({"--commune", "2C004"}).code, 0);
  EXPECT_EQ(Dump(), before);
}

TEST_F(CliTest, BadArgumentsExitTwoAndWriteNothing) {
  const std::string before = Dump();
  const std::vector<std::vector<std::string>> bad = {
      {"appt", "add", "--db", db_, "--practitioner", "p1", "--start", "nonsense",
       "--duration", "-5", "--patient", "X", "--birth", "1950-01-01"},
      {"appt", "add", "--db", db_, "--practitioner", "p1", "--start",
       "2026-11-24T09:00", "--duration", "15", "--patient", "X", "--birth",
       "1950-02-30"},
      {"appt", "set-status", "--db", db_, "--id", "x", "--status", "teleported"},
      {"presence", "set", "--db", db_, "--practitioner", "p1", "--date",
       "2026-11-24", "--half", "soir", "--state", "present"},
      {"ledger", "add", "--db", db_, "--amount", "12,3,4", "--category", "loyer",
       "--payer", "p1", "--key", "equal"},
      {"ledger", "add", "--db", db_, "--amount", "-10", "--category", "loyer",
       "--payer", "p1", "--key", "equal"},
      {"ledger", "add", "--db", db_, "--amount", "10", "--category", "loyer",
       "--payer", "inconnu", "--key", "equal"},
      {"appt", "add", "--db", db_},
      {"nosuchverb"},
  };
  for (const auto& args : bad) {
    Outcome o = RunCli(args);
    EXPECT_EQ(o.code, 2) << args[0] << " " << (args.size() > 1 ? args[1] : "")
                         << ": " << o.err;
    EXPECT_FALSE(o.err.empty());
    EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << "one-line error: " << o.err;
  }
  EXPECT_EQ(Dump(), before);
}

// Site ids are short [A-Za-z0-9._-] strings wherever they enter.
TEST_F(CliTest, InitRefusesBadSiteIds) {
  for (const std::string& site : {std::string("bad\nsite"), std::string("a b"),
                                  std::string("a/b"), std::string(65, 's'),
                                  std::string("")}) {
    const std::string db = dir_.File("s.db");
    Outcome o = RunCli({"init", "--db", db, "--site", site});
    EXPECT_EQ(o.code, 2) << site << ": " << o.err;
    EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << "one-line error: " << o.err;
    EXPECT_EQ(o.out, "");
  }
  Outcome ok = RunCli({"init", "--db", dir_.File("ok.db"), "--site", std::string(64, 's')});
  EXPECT_EQ(ok.code, 0) << ok.err;
}

// The shared validation behind every verb that writes (model/validate.h).
TEST_F(CliTest, SharedValidationRefusesImpossibleValues) {
  const std::string before = Dump();
  const std::vector<std::vector<std::string>> bad = {
      {"appt", "add", "--db", db_, "--practitioner", "p1", "--start", "2026-11-24T09:00",
       "--duration", "15", "--patient", "X", "--birth", "2023-02-29"},
      {"appt", "add", "--db", db_, "--practitioner", "p1", "--start", "2026-11-24T09:00",
       "--duration", "1441", "--patient", "X", "--birth", "1950-01-01"},
      {"presence", "set", "--db", db_, "--practitioner", "p1", "--date", "2026-04-31",
       "--half", "am", "--state", "present"},
      {"ledger", "add", "--db", db_, "--amount", "1000000000.01", "--category", "loyer",
       "--payer", "p1", "--key", "equal"},
      {"ledger", "add", "--db", db_, "--amount", "10", "--category", "loyer",
       "--payer", "p1", "--key", "equal", "--month", "2026-13"},
      {"report", "--url", "http://127.0.0.1:9", "--from", "2026-01",
       "--to", "2026-02", "--site", "S1\nrelais_fake 1"},
      {"report", "--url", "http://127.0.0.1:9", "--from", "2026-01",
       "--to", "2026-02", "--granularity", "year"},
  };
  for (const auto& args : bad) {
    Outcome o = RunCli(args);
    EXPECT_EQ(o.code, 2) << args[0] << " " << args[1] << ": " << o.err;
    EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << "one-line error: " << o.err;
  }
  EXPECT_EQ(Dump(), before);
  Outcome o = RunCli({"ledger", "add", "--db", db_, "--amount", "1000000000.00", "--category",
                      "travaux", "--payer", "p1", "--key", "equal", "--month", "2026-11"});
  EXPECT_EQ(o.code, 0) << o.err;
}

#ifdef RELAIS_HAVE_SYNC
// `--ca ''` used to mean "no TLS" (plain text to a loopback hub): an
// explicitly empty CA is a usage error, before any connection.
TEST_F(CliTest, SyncWithAnEmptyCaIsAUsageError) {
  Outcome o = RunCli({"sync", "--db", db_, "--hub", "127.0.0.1:9", "--ca", ""});
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("--ca"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << "one-line error: " << o.err;
  EXPECT_EQ(o.out, "");
}

// A token on the command line still works but is flagged (visible in ps);
// no token at all is a usage error naming the two safe ways to give one.
TEST_F(CliTest, TokenSourcesOfSync) {
  ::unsetenv("RELAIS_TOKEN");
  Outcome none = RunCli({"sync", "--db", db_, "--hub", "127.0.0.1:9"});
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("--token-file"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find("RELAIS_TOKEN"), std::string::npos) << none.err;
  Outcome arg = RunCli({"sync", "--db", db_, "--hub", "127.0.0.1:9", "--token", "t", "--ca", ""});
  EXPECT_EQ(arg.code, 2);
  EXPECT_NE(arg.err.find("visible"), std::string::npos) << arg.err;
  Outcome repair = RunCli({"repair", "--db", db_, "--hub", "127.0.0.1:9"});
  EXPECT_EQ(repair.code, 2) << repair.err;
}
#endif

TEST_F(CliTest, EveryVerbHasHelp) {
  for (std::vector<std::string> v :
       {std::vector<std::string>{"init"}, {"practitioner", "add"},
        {"appt", "add"}, {"appt", "checkin"}, {"appt", "set-status"},
        {"appt", "cancel"}, {"presence", "set"}, {"ledger", "add"},
        {"ledger", "balance"}, {"dump"}}) {
    v.push_back("--help");
    Outcome o = RunCli(v);
    EXPECT_EQ(o.code, 0) << v[0];
    EXPECT_NE(o.out.find("--db"), std::string::npos) << v[0] << ": " << o.out;
  }
}

TEST_F(CliTest, UnknownDatabaseIsAClearError) {
  Outcome o = RunCli({"dump", "--db", dir_.File("absent.db"), "--json"});
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.err.find("absent.db"), std::string::npos) << o.err;
}

TEST(CliUtilTest, AmountsInCents) {
  EXPECT_EQ(*ParseAmountCents("123.45"), 12345);
  EXPECT_EQ(*ParseAmountCents("123,4"), 12340);
  EXPECT_EQ(*ParseAmountCents("7"), 700);
  EXPECT_EQ(*ParseAmountCents("-0.05"), -5);
  EXPECT_EQ(*ParseAmountCents("1000000000.00"), kMaxAmountCents);
  EXPECT_EQ(*ParseAmountCents("-1000000000"), -kMaxAmountCents);
  EXPECT_FALSE(ParseAmountCents("1000000000.01").ok());
  EXPECT_FALSE(ParseAmountCents("99999999999999").ok());
  for (const char* bad : {"", "1.234", "abc", "1..2", ".5", "5.", "1e3"})
    EXPECT_FALSE(ParseAmountCents(bad).ok()) << bad;
  EXPECT_EQ(FormatEuros(123456), "1\u202f234,56\u00a0€");
  EXPECT_EQ(FormatEuros(-5), "-0,05\u00a0€");
}

}  // namespace
}  // namespace relais::common::cli
