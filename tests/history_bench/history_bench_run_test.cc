// relais-history-bench as a user runs it: a tiny year (10 working days)
// must print one JSON line whose counts agree with each other, and hostile
// command lines must be refused (exit 2, French message, nothing touched).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/common/test_util.h"

namespace relais::histbench {
namespace {

using common::testing::TempDir;
using Json = nlohmann::json;
namespace fs = std::filesystem;

struct Ran {
  int code = -1;
  std::string out, err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the bench with `args` (already shell-safe), stdout and stderr to
// files of `dir`.
Ran RunBench(const TempDir& dir, const std::string& args) {
  const std::string cmd = std::string("'") + RELAIS_HISTORY_BENCH_BIN + "' " + args + " >'" +
                          dir.File("out") + "' 2>'" + dir.File("err") + "'";
  const int rc = std::system(cmd.c_str());
  Ran r;
  r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = Slurp(dir.File("out"));
  r.err = Slurp(dir.File("err"));
  return r;
}

// The one JSON line of a successful run.
Json ParseLine(const Ran& r) {
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  Json j = Json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_TRUE(j.is_object()) << r.out;
  return j;
}

constexpr char kTinyYear[] = "--days 10 --per-day 20 --seed 4242";

TEST(HistoryBenchRun, TinyYearCountsAgree) {
  TempDir dir;
  std::cerr << "graine 4242\n";
  const Ran r = RunBench(dir, std::string(kTinyYear) + " --workdir '" + dir.File("w") + "'");
  const Json j = ParseLine(r);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["bench"], "history");
  EXPECT_EQ(j["days"], 10);
  EXPECT_EQ(j["seed"], 4242);
  EXPECT_EQ(j["purge"], false);
  EXPECT_EQ(j["goal"], 1.2);
  EXPECT_EQ(j["converged"], true);
  EXPECT_NE(r.err.find("graine 4242"), std::string::npos) << "the seed is printed";

  const int64_t live = j["live_records"], all = j["all_records"], dead = j["tombstones"];
  EXPECT_GT(live, 0);
  EXPECT_EQ(live + dead, all);
  // Every tombstone is one of the deletions the bench logged, and back.
  EXPECT_EQ(dead, j["ops"]["deleted"].get<int64_t>() + j["ops"]["presence_deleted"].get<int64_t>());
  EXPECT_GT(dead, 0) << "a tiny year still deletes something (seed 4242)";
  // The hub and every replica hold the same records; the reference only
  // the live ones.
  EXPECT_EQ(j["hub"]["records"], all);
  EXPECT_EQ(j["hub"]["tombstones"], dead);
  ASSERT_EQ(j["replica"].size(), 3u);
  for (const auto& [name, rep] : j["replica"].items()) {
    EXPECT_EQ(rep["records"], all) << name;
    EXPECT_EQ(rep["tombstones"], dead) << name;
    EXPECT_GT(rep["bytes"].get<int64_t>(), 0) << name;
  }
  for (const char* ref : {"hub_live", "replica_live", "replica_live_writer"}) {
    EXPECT_EQ(j[ref]["records"], live) << ref;
    EXPECT_EQ(j[ref]["tombstones"], 0) << ref;
  }
  // Ratios are positive and are the quotients of the bytes shown.
  for (const char* k : {"hub_ratio", "replica_ratio", "hub_vacuum_ratio",
                        "replica_vacuum_ratio", "hub_state_ratio", "replica_state_ratio"})
    EXPECT_GT(j[k].get<double>(), 0) << k;
  const double hub_ratio = j["hub_bytes"].get<double>() / j["hub_live_bytes"].get<double>();
  EXPECT_NEAR(j["hub_ratio"].get<double>(), hub_ratio, 0.001);
  EXPECT_EQ(j["hub_bytes"], j["hub"]["bytes"]);
  EXPECT_EQ(j["replica_live_bytes"], j["replica_live"]["bytes"]);
  int64_t largest = 0;
  for (const auto& [name, rep] : j["replica"].items())
    largest = std::max(largest, rep["bytes"].get<int64_t>());
  EXPECT_EQ(j["replica_bytes"], largest);
  // The history holds everything the reference holds, and more.
  EXPECT_GT(j["hub"]["state_bytes"].get<int64_t>(), j["hub_live"]["state_bytes"].get<int64_t>());
  EXPECT_EQ(j["ops"]["purge_calls"], 10) << "RunPurge is called once a day";

  // The given working directory is kept, its files private (0600).
  for (const char* f : {"annee/hub.db", "annee/kiosk.db", "vivant/hub.db"}) {
    struct stat st {};
    ASSERT_EQ(::stat(dir.File("w/" + std::string(f)).c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 0077, 0u) << f;
  }
}

TEST(HistoryBenchRun, SameSeedSameYear) {
  TempDir a, b;
  std::cerr << "graine 4242 (deux fois)\n";
  const Json ja = ParseLine(RunBench(a, kTinyYear));
  const Json jb = ParseLine(RunBench(b, kTinyYear));
  ASSERT_TRUE(ja.is_object() && jb.is_object());
  EXPECT_EQ(ja["ops"], jb["ops"]);
  EXPECT_EQ(ja["all_records"], jb["all_records"]);
  EXPECT_EQ(ja["live_records"], jb["live_records"]);
  EXPECT_EQ(ja["tombstones"], jb["tombstones"]);
}

// The purge removes history, never live data: the same seeded year with and
// without --purge ends with the same live records, and no more tombstones.
TEST(HistoryBenchRun, PurgeKeepsTheLiveRecords) {
  TempDir a, b;
  std::cerr << "graine 4242 (sans puis avec --purge)\n";
  const Json plain = ParseLine(RunBench(a, kTinyYear));
  const Json purged = ParseLine(RunBench(b, std::string(kTinyYear) + " --purge"));
  ASSERT_TRUE(plain.is_object() && purged.is_object());
  EXPECT_EQ(purged["purge"], true);
  EXPECT_EQ(purged["converged"], true);
  EXPECT_EQ(purged["live_records"], plain["live_records"]);
  EXPECT_EQ(purged["ops"], plain["ops"]);
  EXPECT_LE(purged["tombstones"].get<int64_t>(), plain["tombstones"].get<int64_t>());
}

// The nightly compaction (--compact, issue #17) rewrites files, never
// records: the same seeded year ends with the same records, converged, and
// 4 files (hub + 3 replicas) compacted each night before a working day.
TEST(HistoryBenchRun, CompactKeepsEveryRecord) {
  TempDir a, b;
  std::cerr << "graine 4242 (sans puis avec --compact)\n";
  const Json plain = ParseLine(RunBench(a, kTinyYear));
  const Json compacted = ParseLine(RunBench(b, std::string(kTinyYear) + " --compact"));
  ASSERT_TRUE(plain.is_object() && compacted.is_object());
  EXPECT_EQ(plain["compaction"], "none");
  EXPECT_EQ(compacted["compaction"], "nightly");
  EXPECT_EQ(compacted["converged"], true);
  EXPECT_EQ(plain["ops"]["compactions"], 0);
  EXPECT_EQ(compacted["ops"]["compactions"], 4 * (compacted["days"].get<int>() - 1));
  for (const char* k : {"all_records", "live_records", "tombstones"})
    EXPECT_EQ(compacted[k], plain[k]) << k;
  Json ops = compacted["ops"];
  ops["compactions"] = 0;
  EXPECT_EQ(ops, plain["ops"]);
}

TEST(HistoryBenchArgs, BadNumbersRefused) {
  TempDir dir;
  for (const char* args : {"--days 0", "--days 401", "--days -3", "--days 1e9",
                           "--per-day 0", "--per-day 2001", "--syncs-per-day 0",
                           "--syncs-per-day 25", "--seed abc", "--days", "--nimportequoi"}) {
    const Ran r = RunBench(dir, args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_TRUE(r.out.empty()) << args;
  }
}

TEST(HistoryBenchArgs, NonEmptyWorkdirRefusedAndUntouched) {
  TempDir dir;
  fs::create_directories(dir.File("busy"));
  { std::ofstream(dir.File("busy/precious.txt")) << "ne pas effacer"; }
  { std::ofstream(dir.File("plain-file")) << "un fichier"; }
  for (const std::string& w : {dir.File("busy"), dir.File("plain-file")}) {
    const Ran r = RunBench(dir, "--days 1 --per-day 1 --workdir '" + w + "'");
    EXPECT_EQ(r.code, 2) << w;
    EXPECT_NE(r.err.find("répertoire de travail refusé"), std::string::npos) << r.err;
  }
  EXPECT_EQ(Slurp(dir.File("busy/precious.txt")), "ne pas effacer");
  EXPECT_EQ(Slurp(dir.File("plain-file")), "un fichier");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.File("busy")), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace relais::histbench
