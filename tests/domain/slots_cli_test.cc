// `relais plage ...` and `relais slot next`, in process on a temp replica:
// the happy path against hand-written lines, and hostile arguments refused
// with exit 2 before anything is written.
#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

#include "tests/common/test_util.h"
#include "tests/common/cli_run.h"

namespace relais::common {
namespace {

using testing::TempDir;

// Runs `relais args...`; returns {exit code, stdout}.
std::pair<int, std::string> RelaisCli(std::vector<std::string> args) {
  relais::testing::CliResult r = relais::testing::RunRelaisCli(std::move(args));
  return {r.code, r.out};
}

class SlotCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("site.db");
    ASSERT_EQ(RelaisCli({"init", "--db", db_, "--site", "S1"}).first, 0);
    for (const char* id : {"a", "c"})
      ASSERT_EQ(RelaisCli({"practitioner", "add", "--db", db_, "--id", id, "--name", "Dr",
                     "--profession", "medecin"})
                    .first,
                0);
    auto [rc, out] = RelaisCli({"plage", "add", "--db", db_, "--practitioner", "a", "--weekday", "1",
                          "--start", "09:00", "--end", "10:00", "--kind", "programmee",
                          "--slot", "30", "--from", "2026-03-01"});
    ASSERT_EQ(rc, 0);
    plage_ = out.substr(0, out.find('\n'));
  }
  std::string Dump() { return RelaisCli({"dump", "--db", db_}).second; }

  TempDir dir_;
  std::string db_, plage_;
};

// Monday 30 March 2026 is in summer time, Monday 23 March in winter time;
// both list 09:00 Paris. The replacement of a by c on the 30th shows c.
TEST_F(SlotCliTest, NextAcrossTheSpringChangeWithReplacement) {
  ASSERT_EQ(RelaisCli({"plage", "exception", "--db", db_, "--kind", "remplacement",
                 "--practitioner", "a", "--replacement", "c", "--from", "2026-03-30", "--to",
                 "2026-03-30"})
                .first,
            0);
  auto [rc, out] = RelaisCli({"slot", "next", "--db", db_, "--after", "2026-03-23T09:10",
                        "--count", "3"});
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(out,
            "créneau\t2026-03-23T09:30\t30 min\ta@S1\tS1\tprogrammee\n"
            "créneau\t2026-03-30T09:00\t30 min\tc@S1\tS1\tprogrammee\tremplace a@S1\n"
            "créneau\t2026-03-30T09:30\t30 min\tc@S1\tS1\tprogrammee\tremplace a@S1\n");
  auto list = RelaisCli({"plage", "list", "--db", db_});
  EXPECT_NE(list.second.find(plage_ + "\tS1\ta@S1\tj1\t09:00-10:00\tprogrammee\t30 min"),
            std::string::npos)
      << list.second;
}

TEST_F(SlotCliTest, HostileArgumentsExitTwo) {
  const std::string before = Dump();
  const std::vector<std::vector<std::string>> bad = {
      {"slot", "next", "--db", db_, "--count", "0"},
      {"slot", "next", "--db", db_, "--count", "101"},
      {"slot", "next", "--db", db_, "--count", "99999999999999999999999"},
      {"slot", "next", "--db", db_, "--count", "-5"},
      {"slot", "next", "--db", db_, "--count", "5x"},
      {"slot", "next", "--db", db_, "--kind", "piscine"},
      {"slot", "next", "--db", db_, "--after", "2026-02-30T09:00"},
      {"slot", "next", "--db", db_, "--after", "2026-03-01T25:00"},
      {"slot", "next", "--db", db_, "--after", "demain"},
      {"slot", "next", "--db", db_, "--after", "9999-01-01T00:00"},
      {"slot", "next", "--db", db_, "--site", "S 1\n"},
      {"slot", "next", "--db", db_, "--practitioner", "a@@S1"},
      {"slot", "next", "--db", db_, "--horizon", "367"},
      {"plage", "add", "--db", db_, "--practitioner", "a", "--weekday", "8", "--start", "09:00",
       "--end", "10:00", "--kind", "programmee", "--slot", "15", "--from", "2026-03-01"},
      {"plage", "add", "--db", db_, "--practitioner", "a", "--weekday", "1", "--start", "10:00",
       "--end", "09:00", "--kind", "programmee", "--slot", "15", "--from", "2026-03-01"},
      {"plage", "add", "--db", db_, "--practitioner", "a", "--weekday", "1", "--start", "09:00",
       "--end", "10:00", "--kind", "programmee", "--from", "2026-03-01"},
      {"plage", "add", "--db", db_, "--practitioner", "a", "--weekday", "1", "--start", "09:00",
       "--end", "10:00", "--kind", "yoga", "--slot", "15", "--from", "2026-03-01"},
      {"plage", "add", "--db", db_, "--practitioner", "a", "--weekday", "1", "--start", "09:00",
       "--end", "10:00", "--kind", "programmee", "--slot", "0", "--from", "2026-03-01"},
      {"plage", "add", "--db", db_, "--practitioner", "a", "--weekday", "1", "--start", "09:00",
       "--end", "10:00", "--kind", "programmee", "--slot", "15", "--from", "2026-13-01"},
      {"plage", "add", "--db", db_, "--practitioner", "a", "--weekday", "1", "--start", "09:00",
       "--end", "10:00", "--kind", "programmee", "--slot", "15", "--from", "2026-03-01",
       "--to", "2026-02-01"},
      {"plage", "exception", "--db", db_, "--kind", "remplacement", "--practitioner", "a",
       "--from", "2026-03-30", "--to", "2026-03-30"},
      {"plage", "exception", "--db", db_, "--kind", "conge", "--practitioner", "a", "--from",
       "2026-03-30", "--to", "2026-03-29"},
      {"plage", "exception", "--db", db_, "--kind", "vacances", "--practitioner", "a",
       "--from", "2026-03-30", "--to", "2026-03-30"},
      {"plage", "exception", "--db", db_, "--kind", "remplacement", "--practitioner", "a",
       "--replacement", "a", "--from", "2026-03-30", "--to", "2026-03-30"},
  };
  for (const auto& args : bad) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(RelaisCli(args).first, 2) << joined;
  }
  // An unknown practitioner is NOT_FOUND (exit 1), not written either.
  EXPECT_EQ(RelaisCli({"plage", "add", "--db", db_, "--practitioner", "zz", "--weekday", "1",
                 "--start", "09:00", "--end", "10:00", "--kind", "programmee", "--slot", "15",
                 "--from", "2026-03-01"})
                .first,
            1);
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(RelaisCli({"slot", "next", "--db", db_, "--count", "100", "--after", "2026-03-02T00:00"})
                .first,
            0);
}

}  // namespace
}  // namespace relais::common
