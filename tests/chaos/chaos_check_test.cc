// The chaos oracle must be able to fail: a lost, duplicated, altered or
// leaked acknowledged write and a divergent replica are each reported, and
// a faithful state passes. The expected verdicts are built by hand here,
// independently of the checker.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/replica/replica.h"
#include "tests/common/test_util.h"
#include "tools/chaos/check.h"

namespace relais::chaos {
namespace {

using common::Replica;
using common::testing::TempDir;

class ChaosCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // r0 is made, then copied to r1 (same site S1: identical files, so
    // identical dumps); r2..r4 are fresh replicas of S2, S2, S3.
    for (int i : {0, 2, 3, 4}) ASSERT_TRUE(Replica::Init(File(i), SiteOf(i)).ok());
    auto r0 = Open(0);
    ASSERT_TRUE(r0->AddPractitioner("p1", "Dr Un", "medecin").ok());
    common::NewAppointment a;
    a.practitioner = "p1";
    a.patient_name = "C7-1";
    a.patient_birth = "1950-03-02";
    a.start = 1795500000;
    auto appt = r0->AddAppointment(a);
    ASSERT_TRUE(appt.ok()) << appt.status().ToString();
    acked_.push_back({0, WriteOp::kAppointment, appt->first, "C7-1", 0});
    auto led = r0->AddLedgerEntry({1234, "loyer", "p1", "equal", "C7-2", "2026-11", ""});
    ASSERT_TRUE(led.ok()) << led.status().ToString();
    acked_.push_back({0, WriteOp::kLedger, *led, "C7-2", 1234});
    r0.reset();
    CopyR0ToR1();
  }
  std::string File(int i) const { return dir_.File("r" + std::to_string(i) + ".db"); }
  std::unique_ptr<Replica> Open(int i) {
    auto r = Replica::Open(File(i));
    EXPECT_TRUE(r.ok());
    return r.ok() ? std::move(r).value() : nullptr;
  }
  void CopyR0ToR1() {
    std::filesystem::copy_file(File(0), File(1),
                               std::filesystem::copy_options::overwrite_existing);
  }
  std::vector<std::string> Files() const {
    std::vector<std::string> f;
    for (int i = 0; i < kReplicas; ++i) f.push_back(File(i));
    return f;
  }
  TempDir dir_;
  std::vector<Acked> acked_;
};

TEST_F(ChaosCheckTest, FaithfulStatePasses) {
  EXPECT_TRUE(CheckDumps(Files()).empty());
  EXPECT_TRUE(CheckOracle(Files(), acked_).empty());
  EXPECT_TRUE(IntegrityProblem(File(0)).empty());
}

TEST_F(ChaosCheckTest, LostWriteIsReportedOnTheReplicaThatLacksIt) {
  std::vector<Acked> acked = acked_;
  acked.push_back({1, WriteOp::kAppointment, "rdv-jamais-ecrit", "C7-9", 0});
  auto p = CheckOracle(Files(), acked);
  ASSERT_EQ(p.size(), 2u);  // missing on r0 and on r1, nowhere else
  EXPECT_NE(p[0].find("rdv-jamais-ecrit"), std::string::npos);
  EXPECT_NE(p[0].find("0 par id"), std::string::npos) << p[0];
}

TEST_F(ChaosCheckTest, DuplicateWrongValueAndLeakAreReported) {
  {
    auto r0 = Open(0);
    common::NewAppointment a;  // the same patient again under a new id
    a.practitioner = "p1";
    a.patient_name = "C7-1";
    a.patient_birth = "1950-03-02";
    a.start = 1795503600;
    ASSERT_TRUE(r0->AddAppointment(a).ok());
  }
  CopyR0ToR1();
  std::vector<Acked> wrong_amount = {acked_[1]};
  wrong_amount[0].amount_cents = 999;
  EXPECT_EQ(CheckOracle(Files(), {acked_[0]}).size(), 2u) << "duplicate not seen";
  EXPECT_EQ(CheckOracle(Files(), wrong_amount).size(), 2u) << "wrong value not seen";
  // S1's write visible at S3 (a copy of r0 posing as r4).
  std::filesystem::copy_file(File(0), File(4), std::filesystem::copy_options::overwrite_existing);
  auto leak = CheckOracle(Files(), {acked_[1]});
  ASSERT_EQ(leak.size(), 1u);
  EXPECT_NE(leak[0].find("hors de son site"), std::string::npos) << leak[0];
}

TEST_F(ChaosCheckTest, DivergentReplicasAndPendingChangesAreReported) {
  EXPECT_EQ(CheckNothingPending(Files()).size(), 2u) << "r0 and r1 hold unsent writes";
  {
    auto r1 = Open(1);
    ASSERT_TRUE(r1->SetPresence("p1", "2026-11-24", "am", "present", "", "").ok());
  }
  auto p = CheckDumps(Files());
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].find("divergence r0 / r1"), std::string::npos) << p[0];
}

TEST_F(ChaosCheckTest, CorruptFileFailsIntegrity) {
  const std::string f = dir_.File("bad.db");
  std::filesystem::copy_file(File(2), f);
  const auto size = std::filesystem::file_size(f);
  ASSERT_GT(size, 3 * 4096u) << "replica file unexpectedly small";
  {
    // Junk over every page after the first (the header stays readable).
    std::FILE* out = std::fopen(f.c_str(), "r+b");
    ASSERT_NE(out, nullptr);
    std::fseek(out, 4096, SEEK_SET);
    const std::string junk(size - 4096, '\x5a');
    std::fwrite(junk.data(), 1, junk.size(), out);
    std::fclose(out);
  }
  EXPECT_FALSE(IntegrityProblem(f).empty());
}

}  // namespace
}  // namespace relais::chaos
