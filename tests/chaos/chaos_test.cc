// The chaos driver's own parts: the seed -> plan function, the child
// process helper (kill -9 and time bounds), and the test-only clock skew of
// the `relais` CLI (RELAIS_TEST_CLOCK_OFFSET_S, a hostile input).
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "common/replica/replica.h"
#include "tests/common/test_util.h"
#include "tools/chaos/plan.h"
#include "tools/chaos/proc.h"
#include "tools/relais/cli_util.h"

namespace relais::chaos {
namespace {

using common::testing::TempDir;

TEST(ChaosPlanTest, SameSeedSamePlanEveryFaultBoundedSkew) {
  std::set<std::string> distinct;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const Plan p = MakePlan(seed);
    ASSERT_EQ(DescribePlan(p), DescribePlan(MakePlan(seed))) << "seed " << seed;
    distinct.insert(DescribePlan(p));
    ASSERT_LE(p.steps.size(), static_cast<size_t>(kMaxSteps));
    std::set<StepKind> kinds;
    for (const Step& s : p.steps) {
      kinds.insert(s.kind);
      ASSERT_GE(s.replica, 0);
      ASSERT_LT(s.replica, kReplicas);
      ASSERT_LE(s.delay_us, 30000) << "a kill delay beyond a step's length tests nothing";
      for (int r : s.others) ASSERT_TRUE(r >= 0 && r < kReplicas);
    }
    for (StepKind k : {StepKind::kWriteKilled, StepKind::kSyncKilled, StepKind::kSyncCut,
                       StepKind::kHubKill, StepKind::kDiskFull})
      EXPECT_TRUE(kinds.count(k)) << "seed " << seed << " lacks " << KindName(k);
    int skewed = 0;
    for (int64_t s : p.skew_s) {
      EXPECT_TRUE(s == 0 || s == 86400 || s == -86400) << s;
      skewed += s != 0;
    }
    EXPECT_GE(skewed, 1) << "seed " << seed;
  }
  EXPECT_EQ(distinct.size(), 300u);
}

TEST(ChaosChildTest, KillHitsOnlyALiveProcessAndWaitIsBounded) {
  Child quick;
  ASSERT_TRUE(quick.Start({"/bin/sh", "-c", "echo bonjour; echo oups >&2; exit 3"}));
  ChildResult q = quick.Wait(5000);
  EXPECT_TRUE(q.exited);
  EXPECT_EQ(q.code, 3);
  EXPECT_EQ(q.out, "bonjour\n");
  EXPECT_EQ(q.err, "oups\n");
  EXPECT_FALSE(quick.Kill9()) << "an exited process must not count as a kill";

  Child slow;
  ASSERT_TRUE(slow.Start({"/bin/sleep", "5"}));
  EXPECT_TRUE(slow.Running());
  EXPECT_TRUE(slow.Kill9());
  ChildResult s = slow.Wait(5000);
  EXPECT_TRUE(s.killed);
  EXPECT_FALSE(s.exited);

  Child hung;
  ASSERT_TRUE(hung.Start({"/bin/sleep", "30"}));
  const auto t0 = std::chrono::steady_clock::now();
  ChildResult h = hung.Wait(200);
  EXPECT_TRUE(h.timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));

  Child env;
  ASSERT_TRUE(env.Start({"/bin/sh", "-c", "echo $CHAOS_X"}, {"CHAOS_X=42"}));
  EXPECT_EQ(env.Wait(5000).out, "42\n");
}

TEST(ChaosClockOffsetTest, ParsesBoundedSecondsAndRejectsHostileValues) {
  using common::cli::ParseClockOffsetS;
  EXPECT_EQ(*ParseClockOffsetS(nullptr), 0);
  EXPECT_EQ(*ParseClockOffsetS("0"), 0);
  EXPECT_EQ(*ParseClockOffsetS("86400"), 86400);
  EXPECT_EQ(*ParseClockOffsetS("-86400"), -86400);
  EXPECT_EQ(*ParseClockOffsetS("2592000"), 2592000);
  EXPECT_EQ(*ParseClockOffsetS("-2592000"), -2592000);
  for (const char* bad : {"", "-", "+5", "--5", " 5", "5 ", "1e5", "0x10", "2592001",
                          "-2592001", "99999999999999999999999", "86400s", "٣"}) {
    auto r = ParseClockOffsetS(bad);
    ASSERT_FALSE(r.ok()) << "'" << bad << "' accepted";
    EXPECT_EQ(r.status().code(), common::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("RELAIS_TEST_CLOCK_OFFSET_S"), std::string::npos);
  }
}

// A real `relais` process with the variable set stamps its writes a day
// ahead; with a hostile value it refuses to run (exit 2) and writes nothing.
TEST(ChaosClockOffsetTest, CliProcessPlaysASkewedMachine) {
  TempDir dir;
  const std::string db = dir.File("r.db");
  ASSERT_TRUE(common::Replica::Init(db, "S1").ok());
  {
    auto r = common::Replica::Open(db);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE((*r)->AddPractitioner("p1", "Dr Un", "medecin").ok());
  }
  auto add = [&](const std::string& offset, const std::string& label) {
    Child c;
    std::vector<std::string> env;
    if (!offset.empty()) env.push_back("RELAIS_TEST_CLOCK_OFFSET_S=" + offset);
    EXPECT_TRUE(c.Start({RELAIS_CLI_BIN, "ledger", "add", "--db", db, "--amount", "10",
                         "--category", "loyer", "--payer", "p1", "--key", "equal", "--label",
                         label, "--month", "2026-11"},
                        env));
    return c.Wait(20000);
  };
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  ASSERT_EQ(add("86400", "ahead").code, 0);
  ASSERT_EQ(add("", "plain").code, 0);
  ChildResult bad = add("1e9", "hostile");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("RELAIS_TEST_CLOCK_OFFSET_S invalide"), std::string::npos) << bad.err;
  auto r = common::Replica::Open(db);
  ASSERT_TRUE(r.ok());
  auto all = (*r)->LedgerAll();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u) << "the hostile run must write nothing";
  for (const auto& e : *all) {
    const int64_t expected = e.label == "ahead" ? now_s + 86400 : now_s;
    EXPECT_NEAR(static_cast<double>(e.created_at), static_cast<double>(expected), 60.0)
        << e.label;
  }
}

}  // namespace
}  // namespace relais::chaos
