// Readers that a push cannot stall: while a push transaction is open, pulls
// and the other reads of other houses answer at once from the last
// committed state; and pulls concurrent with pushes never skip a record.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <random>
#include <set>
#include <thread>

#include "server/sqlite_hub_store.h"
#include "server/token.h"
#include "tests/common/test_seed.h"
#include "tests/common/test_util.h"
#include "tests/server/hub_test_records.h"

namespace relais::server {
namespace {

using common::Collection;
using common::testing::TempDir;
using testing::NewAppt;
using Clock = std::chrono::steady_clock;

class HubReadersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteHubStore::Open(dir_.File("hub.db"), true);
    ASSERT_OK(s);
    store_ = std::move(s).value();
    ASSERT_OK(store_->AddToken(TokenInfo{HashToken("t1"), "a", {"S1"}, "", false, 0}));
    ASSERT_OK(store_->AddToken(TokenInfo{HashToken("t2"), "b", {"S2"}, "", false, 0}));
  }
  TempDir dir_;
  std::unique_ptr<SqliteHubStore> store_;
};

TEST_F(HubReadersTest, OpenPushTransactionDoesNotStallOtherReads) {
  auto s1 = store_->Authorize(HashToken("t1"), "ra", "S1");
  auto s2 = store_->Authorize(HashToken("t2"), "rb", "S2");
  ASSERT_OK(s1);
  ASSERT_OK(s2);
  ASSERT_OK(store_->Push(*s2, {NewAppt("rdv-b", "S2", "rb")}));
  const uint64_t before = *store_->LastSeq();
  const std::string epoch = *store_->Epoch();

  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  store_->TEST_SetPushHook([&] {
    if (!first.exchange(false)) return;
    entered.set_value();
    released.wait();
  });
  std::vector<Record> big;
  for (int i = 0; i < 500; ++i) big.push_back(NewAppt("rdv-" + std::to_string(i), "S1", "ra"));
  std::future<Result<PushResult>> push =
      std::async(std::launch::async, [&] { return store_->Push(*s1, big); });
  ASSERT_EQ(entered.get_future().wait_for(std::chrono::seconds(20)),
            std::future_status::ready);

  // S2's no-op sync, as the service makes it, while S1's push is open.
  const Scope puller{"r", "", {"S1", "S2"}};
  auto reads = std::async(std::launch::async, [&] {
    const auto t0 = Clock::now();
    std::string out;
    auto auth = store_->Authorize(HashToken("t2"), "rb", "S2");
    out += auth.ok() ? "auth " : "auth-error ";
    auto pull = store_->Pull(puller, 0, 100, 1 << 20);
    out += pull.ok() ? std::to_string(pull->records.size()) + "@" +
                           std::to_string(pull->cursor) + " "
                     : "pull-error ";
    auto last = store_->LastSeq();
    out += (last.ok() ? std::to_string(*last) : "seq-error") + " ";
    auto ep = store_->Epoch();
    out += ep.ok() && *ep == epoch ? "epoch " : "epoch-error ";
    auto got = store_->Get("S1", Collection::kAppointment, "rdv-0");
    out += got.ok() && !got->has_value() ? "absent " : "present ";
    auto sites = store_->Sites();
    out += sites.ok() ? std::to_string(sites->size()) : "sites-error";
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        Clock::now() - t0).count();
    return std::make_pair(out, ms);
  });
  const bool prompt = reads.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  release.set_value();  // always, so that a stalled read finishes too
  const auto [seen, ms] = reads.get();
  std::cout << "reads during an open push: " << ms << " ms" << std::endl;
  EXPECT_TRUE(prompt) << "reads waited for the push to commit";
  EXPECT_LT(ms, 1000) << seen;
  // The last committed state: S2's record only, the cursor at `before`.
  EXPECT_EQ(seen, "auth 1@" + std::to_string(before) + " " + std::to_string(before) +
                      " epoch absent 1");
  auto pushed = push.get();
  ASSERT_OK(pushed);
  EXPECT_EQ(*store_->LastSeq(), before + big.size());
  EXPECT_TRUE(store_->Get("S1", Collection::kAppointment, "rdv-0")->has_value());
}

TEST_F(HubReadersTest, PullsConcurrentWithPushesNeverSkipARecord) {
  const uint64_t seed = relais::testing::TestSeed();  // RELAIS_SEED replays
  SCOPED_TRACE("seed " + std::to_string(seed));
  constexpr int kPushers = 3, kPerPusher = 150, kPullers = 6;  // > kReaders
  std::atomic<int> pushers_left{kPushers};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int p = 0; p < kPushers; ++p) {
    threads.emplace_back([&, p] {
      std::mt19937_64 rng(seed + p);
      const std::string replica = "rp" + std::to_string(p);
      const Scope scope{"push", replica, {"S1"}};
      for (int i = 0; i < kPerPusher && !failed;) {
        std::vector<Record> batch;
        const int n = 1 + static_cast<int>(rng() % 8);
        for (int k = 0; k < n && i < kPerPusher; ++k, ++i)
          batch.push_back(NewAppt(replica + "-" + std::to_string(i), "S1", replica));
        if (!store_->Push(scope, batch).ok()) failed = true;
      }
      --pushers_left;
    });
  }
  std::vector<std::set<std::string>> seen(kPullers);
  for (int q = 0; q < kPullers; ++q) {
    threads.emplace_back([&, q] {
      std::mt19937_64 rng(seed + 100 + q);
      const Scope scope{"pull", "", {"S1"}};
      uint64_t cursor = 0;
      const auto deadline = Clock::now() + std::chrono::seconds(60);
      for (bool last_round = false; !failed;) {
        if (Clock::now() > deadline) {
          failed = true;
          break;
        }
        const bool settled = pushers_left == 0;
        auto p = store_->Pull(scope, cursor, 1 + rng() % 10, 1 << 20);
        if (!p.ok() || p->cursor < cursor) {
          failed = true;
          break;
        }
        for (const Record& r : p->records) seen[q].insert(r.id);
        cursor = p->cursor;
        if (last_round && !p->has_more) break;
        last_round = settled;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_FALSE(failed);
  std::set<std::string> expected;
  for (int p = 0; p < kPushers; ++p)
    for (int i = 0; i < kPerPusher; ++i)
      expected.insert("rp" + std::to_string(p) + "-" + std::to_string(i));
  for (int q = 0; q < kPullers; ++q) EXPECT_EQ(seen[q], expected) << "puller " << q;
}

}  // namespace
}  // namespace relais::server
