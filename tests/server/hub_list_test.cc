// The pure parts of failover over several hubs (issue #21): the strict
// `--hub` list grammar (common/sync/hub_list.h), the order in which a
// session tries the hubs, which errors move it to the next hub, and the
// backoff schedule between failed rounds (FailoverWorkerOptions over
// common::NextDelayMs). Expected values are written here by hand.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/sync/sync_worker.h"
#include "common/sync/failover.h"
#include "common/sync/hub_list.h"
#include "tests/common/test_seed.h"

namespace relais::server {

using relais::sync::IsFailoverCode;
using relais::sync::HubOrder;
using relais::sync::FailoverWorkerOptions;
using relais::sync::ParseHubList;
namespace {

using common::StatusCode;
using Hubs = std::vector<std::string>;

TEST(HubListTest, AcceptsOneAddressOrAListInOrder) {
  auto one = ParseHubList("127.0.0.1:50051");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(*one, Hubs{"127.0.0.1:50051"});
  auto two = ParseHubList("h2.example.fr:50051,h1:1,[::1]:65535");
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ(*two, (Hubs{"h2.example.fr:50051", "h1:1", "[::1]:65535"}));
  auto eight = ParseHubList("a:1,b:2,c:3,d:4,e:5,f:6,g:7,h:8");
  ASSERT_TRUE(eight.ok()) << eight.status().ToString();
  EXPECT_EQ(eight->size(), 8u);
}

// Each hostile list: refused with INVALID_ARGUMENT, and the message names
// the offending item (or the length) and why.
TEST(HubListTest, RefusesHostileListsNamingTheBadItem) {
  struct Case {
    std::string spec, must_name;
  };
  const std::string long_spec = "127.0.0.1:1," + std::string(10 * 1024, 'a');
  const std::vector<Case> cases = {
      {"", "manquante"},
      {"h1:1,,h2:2", "hub n°2 «  »: élément vide"},
      {",h1:1", "hub n°1 «  »: élément vide"},
      {"h1:1,", "hub n°2 «  »: élément vide"},
      {"a:1,b:2,c:3,d:4,e:5,f:6,g:7,h:8,i:9", "hub n°9 « i:9 »: trop de hubs (au plus 8)"},
      {"h1:0", "« h1:0 »: port hors de 1..65535"},
      {"h1:65536", "« h1:65536 »: port hors de 1..65535"},
      {"h1:99999999999999999999", "port hors de 1..65535"},
      {"h1:-1", "« h1:-1 »: port hors de 1..65535"},
      {"h1:+80", "port hors de 1..65535"},
      {"h1:", "« h1: »: port manquant"},
      {"h1", "« h1 »: attendu hôte:port"},
      {":80", "« :80 »: hôte manquant"},
      {"h1:1,H1:1", "hub n°2 « H1:1 »: en double"},
      {"h1:1,h2:2,h1:1", "hub n°3 « h1:1 »: en double"},
      {" h1:1", "caractère interdit"},
      {"h1:1, h2:2", "hub n°2 «  h2:2 »: caractère interdit"},
      {"h\x01:1", "« h?:1 »: caractère interdit"},
      {"-h:1", "nom d'hôte mal formé"},
      {"a:b:1", "caractère interdit"},
      {"[zz]:1", "IPv6 mal formée"},
      {"[::1:1", "IPv6 mal formée"},
      {std::string(300, 'h') + ":1", "nom d'hôte trop long"},
      {long_spec, "10252 caractères, au plus 2048"},
  };
  for (const Case& c : cases) {
    auto r = ParseHubList(c.spec);
    ASSERT_FALSE(r.ok()) << "accepted: " << c.spec.substr(0, 60);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.must_name), std::string::npos)
        << r.status().message() << "\n  wanted: " << c.must_name;
    EXPECT_LT(r.status().message().size(), 200u) << "message must stay short";
  }
}

TEST(HubOrderTest, LastHubFirstThenListOrder) {
  const Hubs hubs = {"a:1", "b:2", "c:3"};
  EXPECT_EQ(HubOrder(hubs, ""), hubs);
  EXPECT_EQ(HubOrder(hubs, "a:1"), hubs);
  EXPECT_EQ(HubOrder(hubs, "c:3"), (Hubs{"c:3", "a:1", "b:2"}));
  EXPECT_EQ(HubOrder(hubs, "b:2"), (Hubs{"b:2", "a:1", "c:3"}));
  // A hub no longer in the list is ignored.
  EXPECT_EQ(HubOrder(hubs, "gone:9"), hubs);
}

TEST(HubOrderTest, OnlyUnreachableOrSilentHubsFailOver) {
  EXPECT_TRUE(IsFailoverCode(StatusCode::kUnavailable));
  EXPECT_TRUE(IsFailoverCode(StatusCode::kDeadlineExceeded));
  for (StatusCode c : {StatusCode::kUnauthenticated, StatusCode::kPermissionDenied,
                       StatusCode::kInvalidArgument, StatusCode::kFailedPrecondition,
                       StatusCode::kDataLoss, StatusCode::kInternal, StatusCode::kAborted,
                       StatusCode::kResourceExhausted, StatusCode::kOk})
    EXPECT_FALSE(IsFailoverCode(c)) << static_cast<int>(c);
}

// Between failed rounds: base = min(60 s, 1 s * 2^(n-1)), delay uniform in
// [base/2, base]; back to the interval after a success (n = 0).
TEST(FailoverBackoffTest, ScheduleIsBoundedJitteredAndResets) {
  const uint64_t seed = relais::testing::TestSeed();
  std::mt19937_64 rng(seed);
  const common::SyncWorkerOptions o = FailoverWorkerOptions(30'000);
  EXPECT_EQ(o.min_backoff_ms, 1'000);
  EXPECT_EQ(o.max_backoff_ms, 60'000);
  const int64_t expected_base[] = {0, 1'000, 2'000, 4'000, 8'000, 16'000,
                                   32'000, 60'000, 60'000, 60'000};
  for (int n = 1; n <= 9; ++n) {
    int64_t lo = INT64_MAX, hi = 0;
    for (int i = 0; i < 400; ++i) {
      const int64_t d = common::NextDelayMs(n, o, rng);
      ASSERT_GE(d, expected_base[n] / 2) << "n=" << n;
      ASSERT_LE(d, expected_base[n]) << "n=" << n;
      lo = std::min(lo, d);
      hi = std::max(hi, d);
    }
    // Jitter really spreads the retries (400 draws over >= 500 ms).
    EXPECT_LT(lo, expected_base[n] / 2 + expected_base[n] / 8) << "n=" << n;
    EXPECT_GT(hi, expected_base[n] - expected_base[n] / 8) << "n=" << n;
  }
  // Far past the cap: still bounded (no overflow), then reset by a success.
  for (int n : {30, 62, 63, 64, 1000, 1 << 30}) {
    const int64_t d = common::NextDelayMs(n, o, rng);
    EXPECT_GE(d, 30'000) << n;
    EXPECT_LE(d, 60'000) << n;
  }
  EXPECT_EQ(common::NextDelayMs(0, o, rng), 30'000);
}

}  // namespace
}  // namespace relais::server
