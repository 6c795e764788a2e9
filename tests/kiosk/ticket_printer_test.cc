// The receipt printer (kiosk/app/ticket_printer.h) against a fake `lp` put
// first on PATH: a shell script that records its argv and stdin, or fails.
// The oracle is what the script wrote, independently of PrintReceipt.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <chrono>

#include "kiosk/app/ticket_printer.h"

namespace relais::kiosk {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class TicketPrinterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("lp-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "bin");
    old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "";
    ASSERT_EQ(setenv("PATH", ((dir_ / "bin").string() + ":" + old_path_).c_str(), 1), 0);
  }
  void TearDown() override {
    setenv("PATH", old_path_.c_str(), 1);
    fs::remove_all(dir_);
  }
  // A fake lp: records "$@" one per line to argv.txt and stdin to stdin.txt,
  // then runs `tail` (e.g. "exit 1").
  void FakeLp(const std::string& tail = "exit 0") {
    const fs::path lp = dir_ / "bin" / "lp";
    std::ofstream(lp) << "#!/bin/sh\n"
                      << "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '"
                      << (dir_ / "argv.txt").string() << "'\n"
                      << "cat > '" << (dir_ / "stdin.txt").string() << "'\n"
                      << tail << "\n";
    ASSERT_EQ(chmod(lp.c_str(), 0700), 0);
  }
  fs::path dir_;
  std::string old_path_;
};

TEST_F(TicketPrinterTest, RunsLpWithTheQueueNameAndTheReceiptOnStdin) {
  FakeLp();
  const std::string receipt = "Relais Santé — ticket\n\n  A12\n";
  ASSERT_TRUE(PrintReceipt("accueil-1", receipt).ok());
  EXPECT_EQ(Slurp(dir_ / "argv.txt"), "-d\naccueil-1\n");
  EXPECT_EQ(Slurp(dir_ / "stdin.txt"), receipt);
}

TEST_F(TicketPrinterTest, AFailingLpIsUnavailableInFrench) {
  FakeLp("echo 'lp: The printer or class does not exist.' >&2; exit 1");
  const common::Status st = PrintReceipt("absente", "A12\n");
  EXPECT_EQ(st.code(), common::StatusCode::kUnavailable);
  EXPECT_NE(st.message().find("lp a échoué"), std::string::npos) << st.message();
}

TEST_F(TicketPrinterTest, AMissingLpSaysWhatToInstall) {
  ASSERT_EQ(setenv("PATH", (dir_ / "bin").string().c_str(), 1), 0);  // no lp there
  const common::Status st = PrintReceipt("accueil", "A12\n");
  EXPECT_EQ(st.code(), common::StatusCode::kUnavailable);
  EXPECT_NE(st.message().find("lp introuvable"), std::string::npos) << st.message();
}

TEST_F(TicketPrinterTest, AHungLpIsKilledAfterTheTimeout) {
  FakeLp("sleep 60");
  const auto t0 = std::chrono::steady_clock::now();
  const common::Status st = PrintReceipt("accueil", "A12\n");
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(st.code(), common::StatusCode::kUnavailable);
  EXPECT_NE(st.message().find("délai dépassé"), std::string::npos) << st.message();
  EXPECT_LT(s, kPrintTimeoutMs / 1000 + 5);
}

// Adversarial: a name that would be an option, a shell command or a path
// is refused before anything runs; so is an oversized receipt.
TEST_F(TicketPrinterTest, CraftedPrinterNamesAndOversizedTextAreRefused) {
  FakeLp();
  const std::vector<std::string> crafted = {
      "", "-oraw", "a;touch x", "a b", "$(id)", "../x", "imprimante\n", std::string(128, 'a')};
  for (const std::string& bad : crafted) {
    const common::Status st = PrintReceipt(bad, "A12\n");
    EXPECT_EQ(st.code(), common::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(st.message().find("nom d'imprimante invalide"), std::string::npos);
  }
  const common::Status big = PrintReceipt("accueil", std::string(kMaxReceiptBytes + 1, 'x'));
  EXPECT_EQ(big.code(), common::StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir_ / "argv.txt"));  // lp never ran
  // Honest names pass.
  EXPECT_TRUE(IsValidPrinterName("HP_LaserJet.accueil-2"));
}

}  // namespace
}  // namespace relais::kiosk
