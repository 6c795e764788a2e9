// relais-hub --max-calls-per-peer (issue #18): out-of-range or malformed
// values are refused with exit code 2 and a French message before the hub
// opens its database or listens; --help documents the flag; the value given
// is the limit the hub applies (oracle: how many calls held open by a raw
// HTTP/2 client from 127.0.0.1 it takes before an honest sync from the same
// address is refused).

#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/replica/replica.h"
#include "common/sync/sync_client.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"
#include "server/wire_limits.h"
#include "tests/adversarial/hub_process.h"
#include "tests/adversarial/raw_h2_client.h"
#include "tests/common/test_util.h"

extern char** environ;

namespace relais::adversarial {
namespace {

using Clock = std::chrono::steady_clock;
using common::testing::TempDir;
namespace fs = std::filesystem;

// Runs `args` (args[0] = binary) with stdout and stderr into `out`; waits at
// most 10 s. Returns the exit code, or -1 if it had to be killed.
int RunToExit(std::vector<std::string> args, const std::string& out) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0].c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -2;
  int st = 0;
  for (int i = 0; i < 200; ++i) {
    if (waitpid(pid, &st, WNOHANG) == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : -3;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &st, 0);
  return -1;
}

TEST(MaxCallsPerPeerFlag, CheckAcceptsOnlyItsRange) {
  for (int64_t ok : {int64_t{1}, int64_t{8}, int64_t{server::kMaxCallsPerPeerLimit}})
    EXPECT_TRUE(server::CheckMaxCallsPerPeer(ok).ok()) << ok;
  EXPECT_EQ(server::kMaxCallsPerPeerLimit, 1024);
  for (int64_t bad : {int64_t{0}, int64_t{-1}, int64_t{1025}, int64_t{1} << 32,
                      std::numeric_limits<int64_t>::max(),
                      std::numeric_limits<int64_t>::min()}) {
    const common::Status s = server::CheckMaxCallsPerPeer(bad);
    EXPECT_EQ(s.code(), common::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("--max-calls-per-peer"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("entre 1 et 1024"), std::string::npos) << s.message();
  }
}

// Each bad value: exit 2, a one-line message naming the flag, no database
// file created (the hub stopped before opening anything).
TEST(MaxCallsPerPeerFlag, BadValuesAreRefusedBeforeServing) {
  TempDir dir;
  // 4294967304 = 2^32 + 8: a silent 32-bit truncation would read 8.
  const std::vector<std::string> bad = {"0",   "-1",  "1025", "-2147483648", "4294967304",
                                        "99999999999999999999999", "abc", "8abc", "2.5"};
  for (size_t i = 0; i < bad.size(); ++i) {
    const std::string db = dir.File("hub" + std::to_string(i) + ".db");
    const std::string out = dir.File("out" + std::to_string(i) + ".txt");
    const int rc = RunToExit({RELAIS_HUB_BINARY, "--db", db, "--listen", "127.0.0.1:0",
                              "--max-calls-per-peer", bad[i]},
                             out);
    const std::string text = ReadWholeFile(out);
    EXPECT_EQ(rc, 2) << "'" << bad[i] << "': " << text;
    EXPECT_NE(text.find("--max-calls-per-peer"), std::string::npos)
        << "'" << bad[i] << "': " << text;
    EXPECT_FALSE(fs::exists(db)) << "'" << bad[i] << "' created " << db;
  }
}

// --memory-quota-mb: bounded both ways; bad values refused before serving.
TEST(MemoryQuotaFlag, BadValuesAreRefusedBeforeServing) {
  for (int64_t ok : {int64_t{8}, int64_t{32}, int64_t{8192}})
    EXPECT_TRUE(server::CheckMemoryQuotaMb(ok).ok()) << ok;
  TempDir dir;
  const std::vector<std::string> bad = {"0", "7", "-1", "8193", "4294967304",
                                        "99999999999999999999999", "abc", "2.5"};
  for (size_t i = 0; i < bad.size(); ++i) {
    const std::string db = dir.File("hub" + std::to_string(i) + ".db");
    const std::string out = dir.File("out" + std::to_string(i) + ".txt");
    const int rc = RunToExit({RELAIS_HUB_BINARY, "--db", db, "--listen", "127.0.0.1:0",
                              "--memory-quota-mb", bad[i]},
                             out);
    const std::string text = ReadWholeFile(out);
    EXPECT_EQ(rc, 2) << "'" << bad[i] << "': " << text;
    EXPECT_NE(text.find("--memory-quota-mb"), std::string::npos) << "'" << bad[i] << "': " << text;
    EXPECT_FALSE(fs::exists(db)) << "'" << bad[i] << "' created " << db;
  }
}

TEST(MaxCallsPerPeerFlag, HelpDocumentsItInFrench) {
  TempDir dir;
  const std::string out = dir.File("help.txt");
  ASSERT_EQ(RunToExit({RELAIS_HUB_BINARY, "--help"}, out), 0);
  const std::string text = ReadWholeFile(out);
  const size_t at = text.find("--max-calls-per-peer");
  ASSERT_NE(at, std::string::npos) << text;
  const std::string line = text.substr(at, text.find('\n', at) - at);
  EXPECT_NE(line.find("Appels simultanés admis par adresse"), std::string::npos) << line;
  EXPECT_NE(line.find("1 à 1024"), std::string::npos) << line;
}

// A hub started with --max-calls-per-peer 2: with one call held open from
// 127.0.0.1 an honest sync from 127.0.0.1 goes through; with two held it is
// refused (RESOURCE_EXHAUSTED naming the maximum); once the holder leaves it
// goes through again. The default (8) would have admitted it.
// On both stores: the limit is the hub's, whatever holds its data.
class MaxCallsPerPeerOnStore : public ::testing::TestWithParam<pgtest::StoreKind> {};

TEST_P(MaxCallsPerPeerOnStore, TheGivenLimitIsApplied) {
  TempDir dir;
  auto loc = pgtest::NewStoreLocation(GetParam(), dir.File("hub.db"));
  ASSERT_TRUE(loc.ok()) << loc.status().ToString();
  std::string honest_token, holder_token;
  {
    auto store = pgtest::OpenStore(*loc);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (std::string* t : {&honest_token, &holder_token}) {
      auto token = server::GenerateToken();
      ASSERT_TRUE(token.ok());
      server::TokenInfo info;
      info.token_hash = server::HashToken(*token);
      info.sites = {t == &honest_token ? "S1" : "S2"};
      ASSERT_OK((*store)->AddToken(info));
      *t = *token;
    }
  }
  HubProcess hub;
  ASSERT_TRUE(hub.Start(RELAIS_HUB_BINARY, *loc, dir.File("hub.log"),
                        {"--max-calls-per-peer", "2"}))
      << hub.Log();
  ASSERT_TRUE(common::Replica::Init(dir.File("s1.db"), "S1").ok());
  auto rep = common::Replica::Open(dir.File("s1.db"));
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  sync::SyncOptions o;
  o.hub = hub.address();
  o.token = honest_token;
  o.deadline_ms = 5000;
  o.channel_key = "honest";
  ASSERT_OK(sync::SyncOnce(**rep, o));

  // Each held call: one connection, one stream, a valid token, a message
  // announced as 64 KiB of which 4 KiB are sent (never finished).
  std::vector<std::unique_ptr<RawH2Connection>> held;
  auto hold_one = [&] {
    held.push_back(std::make_unique<RawH2Connection>());
    ASSERT_TRUE(held.back()->Connect(hub.port()));
    ASSERT_TRUE(held.back()->OpenStream(1, holder_token, false));
    int64_t left = 4096;
    held.back()->SendMessage(1, false, 64 << 10,
                             [&](char* out, size_t cap) {
                               const size_t n = std::min<int64_t>(cap, left);
                               memset(out, 0, n);
                               left -= n;
                               return n;
                             },
                             Clock::now() + std::chrono::milliseconds(300), false);
    held.back()->Drain(300);
  };
  hold_one();
  EXPECT_OK(sync::SyncOnce(**rep, o));  // 1 held + this one = 2: admitted
  hold_one();
  auto refused = sync::SyncOnce(**rep, o);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), common::StatusCode::kResourceExhausted)
      << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("(maximum 2)"), std::string::npos)
      << refused.status().ToString();
  held.clear();  // the holder leaves: its calls end, their slots are freed
  common::Status last = common::Status::Unavailable("pas essayé");
  for (int i = 0; i < 30 && !last.ok(); ++i) {  // at most ~3 s
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    last = sync::SyncOnce(**rep, o).status();
  }
  EXPECT_OK(last);
}

INSTANTIATE_TEST_SUITE_P(Stores, MaxCallsPerPeerOnStore, pgtest::AllStores(),
                         pgtest::StoreName);

}  // namespace
}  // namespace relais::adversarial
