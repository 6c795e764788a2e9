// The domain verbs of the `relais` CLI, run in-process on a temp replica.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/replica/replica.h"
#include "tests/common/test_util.h"
#include "tests/common/cli_run.h"

namespace relais::common {
namespace {

using testing::TempDir;

// Runs `relais args...`; returns {exit code, stdout}.
std::pair<int, std::string> Relais(std::vector<std::string> args) {
  relais::testing::CliResult r = relais::testing::RunRelaisCli(std::move(args));
  return {r.code, r.out};
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("site.db");
    ASSERT_EQ(Relais({"init", "--db", db_, "--site", "msp"}).first, 0);
    for (auto [id, share] : {std::pair{"a", "50"}, {"b", "30"}, {"c", "20"}})
      ASSERT_EQ(Relais({"practitioner", "add", "--db", db_, "--id", id, "--name",
                        std::string("Dr ") + id, "--profession", "medecin", "--share",
                        share})
                    .first,
                0);
  }
  std::string Add(const std::string& amount, const std::string& payer,
                  const std::string& key, const std::string& reverses = "") {
    std::vector<std::string> args = {"ledger", "add", "--db", db_, "--amount", amount,
                                     "--category", "loyer", "--payer", payer, "--key",
                                     key, "--month", "2026-11"};
    if (!reverses.empty()) {
      args.push_back("--reverses");
      args.push_back(reverses);
    }
    auto [rc, out] = Relais(args);
    EXPECT_EQ(rc, 0) << amount;
    return out.substr(0, out.find('\n'));
  }

  TempDir dir_;
  std::string db_;
};

TEST_F(CliTest, BalanceSettleAndExport) {
  Add("1200", "a", "equal");
  Add("300", "b", "share");
  const std::string wrong = Add("99.99", "a", "equal");
  Add("-99.99", "a", "equal", wrong);
  auto [rc, out] = Relais({"ledger", "balance", "--db", db_, "--month", "2026-11"});
  ASSERT_EQ(rc, 0);
  EXPECT_NE(out.find("solde\ta@msp\tDr a\tpayé 1\u202f200,00\u00a0€\tdû 550,00\u00a0€"
                     "\tsolde 650,00\u00a0€\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("virement\tc@msp -> a@msp\t460,00\u00a0€\nvirement\tb@msp -> a@msp\t190,00\u00a0€\n"),
            std::string::npos)
      << out;
  auto settle = Relais({"ledger", "settle", "--db", db_, "--month", "2026-11"});
  EXPECT_EQ(settle.second, "virement\tc@msp -> a@msp\t460,00\u00a0€\nvirement\tb@msp -> a@msp\t190,00\u00a0€\n");
  const std::string csv_path = dir_.File("nov.csv");
  ASSERT_EQ(Relais({"ledger", "export", "--db", db_, "--month", "2026-11", "--out",
                    csv_path}).first,
            0);
  std::ifstream f(csv_path);
  std::stringstream csv;
  csv << f.rdbuf();
  EXPECT_NE(csv.str().find("a@msp;Dr a;1200,00;550,00;650,00\r\n"), std::string::npos)
      << csv.str();
}

TEST_F(CliTest, BadLedgerInputExitsTwoAndWritesNothing) {
  const std::string before = Relais({"dump", "--db", db_, "--json"}).second;
  auto bad = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"ledger", "add", "--db", db_, "--category", "x",
                                     "--month", "2026-11"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Relais(args).first;
  };
  EXPECT_EQ(bad({"--amount", "0", "--payer", "a", "--key", "equal"}), 2);
  EXPECT_EQ(bad({"--amount", "-5", "--payer", "a", "--key", "equal"}), 2);
  EXPECT_EQ(bad({"--amount", "5", "--payer", "zz", "--key", "equal"}), 2);
  EXPECT_EQ(bad({"--amount", "5", "--payer", "a", "--key", "presence"}), 2);
  EXPECT_EQ(Relais({"dump", "--db", db_, "--json"}).second, before);
}

TEST_F(CliTest, OverlapsListed) {
  for (const char* start : {"2026-11-24T09:00", "2026-11-24T09:10"})
    ASSERT_EQ(Relais({"appt", "add", "--db", db_, "--practitioner", "a", "--start", start,
                      "--duration", "20", "--patient", "X", "--birth", "1950-01-01"})
                  .first,
              0);
  auto [rc, out] = Relais({"appt", "overlaps", "--db", db_, "--date", "2026-11-24"});
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_EQ(out.rfind("chevauchement\ta@msp\t", 0), 0u) << out;
  EXPECT_TRUE(Relais({"appt", "overlaps", "--db", db_, "--date", "2026-11-25"})
                  .second.empty());
}

}  // namespace
}  // namespace relais::common
