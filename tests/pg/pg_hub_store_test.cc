// PgHubStore under several hubs (several store objects, each with its own
// connections, over one database): no pull skips a record when transactions
// commit out of order, pushes to different sites do not wait on each other,
// and tokens bind once across hubs.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "common/merge/merge.h"
#include "server/pg_hub_store.h"
#include "server/token.h"
#include "tests/common/test_seed.h"
#include "tests/common/test_util.h"
#include "tests/pg/pg_cluster.h"

namespace relais::server {
namespace {

using common::Collection;
using common::StatusCode;

Record NewAppt(const std::string& id, const std::string& site, const std::string& replica,
               common::Hlc hlc = 1000) {
  Record r;
  r.collection = Collection::kAppointment;
  r.id = id;
  r.site_id = site;
  EXPECT_TRUE(common::ApplyLocalWrite(&r, replica, hlc,
                                      {{"practitioner", "p1"},
                                       {"patient_name", "Jeanne"},
                                       {"start", "1790000000"},
                                       {"duration", "15"},
                                       {"status", "booked"}}));
  return r;
}

// A one-shot gate: Wait() blocks until Open().
class Gate {
 public:
  void Open() {
    std::lock_guard<std::mutex> l(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool Wait(std::chrono::seconds d) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, d, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

class PgHubsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = pgtest::SharedPgCluster();
    ASSERT_OK(cluster);
    auto db = (*cluster)->CreateDatabase();
    ASSERT_OK(db);
    conninfo_ = *db;
    for (int i = 0; i < 4; ++i) {
      auto s = PgHubStore::Open(conninfo_);
      ASSERT_OK(s);
      hubs_.push_back(std::move(s).value());
    }
  }
  // Enrols token `t` for `sites` and binds it to `replica` (home: sites[0]).
  Scope Bind(const std::string& t, const std::vector<std::string>& sites,
             const std::string& replica) {
    EXPECT_OK(hubs_[0]->AddToken(TokenInfo{HashToken(t), t, sites, "", false, 0}));
    auto s = hubs_[1]->Authorize(HashToken(t), replica, sites[0]);
    EXPECT_OK(s);
    return s.ok() ? *s : Scope{};
  }

  std::string conninfo_;
  std::vector<std::unique_ptr<PgHubStore>> hubs_;
};

// The outbox bug, staged: hub A's transaction takes its positions first and
// commits last; hub B's commits in between. A puller must not move its
// cursor past A's records before they are visible.
TEST_F(PgHubsTest, LateCommitIsNotSkippedByAPullInBetween) {
  Scope a = Bind("ta", {"S1"}, "ra");
  Scope b = Bind("tb", {"S2"}, "rb");
  Scope reader = Bind("tr", {"S1", "S2"}, "reader");
  Gate inside, release;
  hubs_[0]->TEST_SetPushHook([&] {
    inside.Open();
    release.Wait(std::chrono::seconds(30));
  });
  auto slow = std::async(std::launch::async, [&] {
    return hubs_[0]->Push(a, {NewAppt("rdv-a", "S1", "ra")});
  });
  ASSERT_TRUE(inside.Wait(std::chrono::seconds(30))) << "push A never reached its commit";
  ASSERT_OK(hubs_[1]->Push(b, {NewAppt("rdv-b", "S2", "rb")}));  // commits first

  auto first = hubs_[2]->Pull(reader, 0, 100, 1 << 20);
  ASSERT_OK(first);
  for (const Record& r : first->records) EXPECT_NE(r.id, "rdv-a") << "not committed yet";
  release.Open();
  ASSERT_OK(slow.get());
  hubs_[0]->TEST_SetPushHook(nullptr);

  auto a_stored = hubs_[3]->Get("S1", Collection::kAppointment, "rdv-a");
  ASSERT_OK(a_stored);
  ASSERT_TRUE(a_stored->has_value());
  EXPECT_LT(first->cursor, (*a_stored)->hub_seq)
      << "the cursor passed a position that was still to be committed";
  // Everything arrives from the cursor the first pull returned.
  std::set<std::string> got;
  for (const Record& r : first->records) got.insert(r.id);
  auto second = hubs_[3]->Pull(reader, first->cursor, 100, 1 << 20);
  ASSERT_OK(second);
  for (const Record& r : second->records) got.insert(r.id);
  EXPECT_EQ(got, (std::set<std::string>{"rdv-a", "rdv-b"}));
  // A complete pull ends at the scope's top (issue #17), read here with
  // SQL; pulling again with nothing new returns the same cursor.
  auto sql = pg::PgConn::Connect(conninfo_);
  ASSERT_OK(sql);
  auto top = (*sql)->Exec("SELECT max(hub_seq) FROM relais.records");
  ASSERT_OK(top);
  EXPECT_EQ(second->cursor, static_cast<uint64_t>(top->int64(0, 0)));
  for (int i = 0; i < 3; ++i) {
    auto again = hubs_[i]->Pull(reader, second->cursor, 100, 1 << 20);
    ASSERT_OK(again);
    EXPECT_TRUE(again->records.empty());
    EXPECT_EQ(again->cursor, second->cursor) << "a pull with nothing new moved the cursor";
  }
}

// 8 pushers and 4 pullers on 4 hubs at once, random batches and pages: every
// puller ends with every record, each exactly at its last state.
TEST_F(PgHubsTest, ConcurrentPushersAndPullersOnFourHubsLoseNothing) {
  const uint32_t seed = static_cast<uint32_t>(relais::testing::TestSeed());
  const std::vector<std::string> sites = {"S1", "S2", "S3", "S4"};
  std::vector<Scope> pushers;
  for (int i = 0; i < 8; ++i)
    pushers.push_back(Bind("tp" + std::to_string(i), {sites[i % 4]}, "rp" + std::to_string(i)));
  std::vector<Scope> pullers;
  for (int i = 0; i < 4; ++i)
    pullers.push_back(Bind("tq" + std::to_string(i), sites, "rq" + std::to_string(i)));

  constexpr int kBatches = 25;
  std::atomic<int> pushers_left{8};
  std::mutex mu;
  std::set<std::string> written;  // the oracle: what the pushers had acknowledged
  std::atomic<int> push_errors{0};
  std::atomic<int> sent{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937 rng(seed + i);
      for (int b = 0; b < kBatches; ++b) {
        std::vector<Record> batch;
        const int n = 1 + static_cast<int>(rng() % 40);
        for (int k = 0; k < n; ++k)
          batch.push_back(NewAppt("rdv-" + std::to_string(i) + "-" + std::to_string(b) + "-" +
                                      std::to_string(k),
                                  pushers[i].sites[0], pushers[i].replica_id,
                                  1000 + b));
        sent += n;
        auto r = hubs_[rng() % 4]->Push(pushers[i], batch);
        if (!r.ok()) {
          ++push_errors;
          ADD_FAILURE() << r.status().ToString();
          continue;
        }
        std::lock_guard<std::mutex> l(mu);
        for (const Record& rec : batch) written.insert(rec.site_id + "/" + rec.id);
      }
      --pushers_left;
    });
  }
  std::vector<std::set<std::string>> seen(4);
  std::vector<std::thread> readers;
  for (int q = 0; q < 4; ++q) {
    readers.emplace_back([&, q] {
      std::mt19937 rng(seed * 31 + q);
      uint64_t cursor = 0;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
      bool drained_after_end = false;
      while (!drained_after_end && std::chrono::steady_clock::now() < deadline) {
        const bool ended = pushers_left.load() == 0;
        auto p = hubs_[rng() % 4]->Pull(pullers[q], cursor, 1 + rng() % 50, 1 << 20);
        if (!p.ok()) {
          ADD_FAILURE() << p.status().ToString();
          return;
        }
        for (const Record& r : p->records) seen[q].insert(r.site_id + "/" + r.id);
        EXPECT_GE(p->cursor, cursor);
        cursor = p->cursor;
        if (ended && !p->has_more) drained_after_end = true;
      }
      EXPECT_TRUE(drained_after_end) << "puller " << q << " did not finish in time";
    });
  }
  for (auto& t : threads) t.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(push_errors.load(), 0);
  EXPECT_EQ(written.size(), static_cast<size_t>(sent.load())) << "ids are distinct";
  for (int q = 0; q < 4; ++q) {
    EXPECT_EQ(seen[q].size(), written.size()) << "puller " << q;
    std::vector<std::string> missing;
    for (const std::string& k : written)
      if (!seen[q].count(k)) missing.push_back(k);
    EXPECT_TRUE(missing.empty()) << "puller " << q << " skipped " << missing.size()
                                 << " records, e.g. " << (missing.empty() ? "" : missing[0]);
  }
}

// A push holding site S1's lock does not stop a push to S2 on another hub;
// a second push to S1 waits for it.
TEST_F(PgHubsTest, PushesToDifferentSitesDoNotWaitOnEachOther) {
  Scope a = Bind("ta", {"S1"}, "ra");
  Scope a2 = Bind("ta2", {"S1"}, "ra2");
  Scope b = Bind("tb", {"S2"}, "rb");
  Gate inside, release;
  hubs_[0]->TEST_SetPushHook([&] {
    inside.Open();
    release.Wait(std::chrono::seconds(30));
  });
  auto holder = std::async(std::launch::async, [&] {
    return hubs_[0]->Push(a, {NewAppt("rdv-a", "S1", "ra")});
  });
  ASSERT_TRUE(inside.Wait(std::chrono::seconds(30)));
  auto other_site = std::async(std::launch::async, [&] {
    return hubs_[1]->Push(b, {NewAppt("rdv-b", "S2", "rb")});
  });
  auto same_site = std::async(std::launch::async, [&] {
    return hubs_[2]->Push(a2, {NewAppt("rdv-a2", "S1", "ra2")});
  });
  ASSERT_EQ(other_site.wait_for(std::chrono::seconds(20)), std::future_status::ready)
      << "a push to S2 waited for a push to S1";
  ASSERT_OK(other_site.get());
  EXPECT_EQ(same_site.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout)
      << "two pushes to S1 ran at once";
  release.Open();
  ASSERT_OK(holder.get());
  ASSERT_OK(same_site.get());
  hubs_[0]->TEST_SetPushHook(nullptr);
}

// Two hubs binding two tokens to one replica id at once: exactly one wins.
TEST_F(PgHubsTest, OneReplicaIdBindsToOneTokenAcrossHubs) {
  for (int round = 0; round < 10; ++round) {
    const std::string t1 = "x" + std::to_string(round), t2 = "y" + std::to_string(round);
    ASSERT_OK(hubs_[0]->AddToken(TokenInfo{HashToken(t1), t1, {"S1"}, "", false, 0}));
    ASSERT_OK(hubs_[0]->AddToken(TokenInfo{HashToken(t2), t2, {"S1"}, "", false, 0}));
    const std::string replica = "r" + std::to_string(round);
    auto f1 = std::async(std::launch::async,
                         [&] { return hubs_[1]->Authorize(HashToken(t1), replica, "S1"); });
    auto f2 = std::async(std::launch::async,
                         [&] { return hubs_[2]->Authorize(HashToken(t2), replica, "S1"); });
    auto r1 = f1.get();
    auto r2 = f2.get();
    EXPECT_NE(r1.ok(), r2.ok()) << "round " << round;
    const auto& lost = r1.ok() ? r2 : r1;
    EXPECT_EQ(lost.status().code(), StatusCode::kPermissionDenied);
  }
}

// Pull cost O(changes in scope): with 20 sites of 200 records, a pull of
// one site (or three) reads the index (site_id, hub_seq), not the table.
TEST_F(PgHubsTest, PullReadsTheSiteIndex) {
  std::vector<std::string> all;
  for (int s = 0; s < 20; ++s) {
    const std::string site = "S" + std::to_string(s);
    all.push_back(site);
    Scope w = Bind("tw" + std::to_string(s), {site}, "rw" + std::to_string(s));
    std::vector<Record> batch;
    for (int i = 0; i < 200; ++i)
      batch.push_back(NewAppt("rdv-" + std::to_string(i), site, w.replica_id));
    ASSERT_OK(hubs_[s % 4]->Push(w, batch));
  }
  {
    auto c = pg::PgConn::Connect(conninfo_);
    ASSERT_OK(c);
    auto analyzed = (*c)->Exec("ANALYZE relais.records");
    ASSERT_OK(analyzed);
  }
  for (size_t n : {1u, 3u}) {
    Scope reader{"r", "reader", std::vector<std::string>(all.begin(), all.begin() + n)};
    std::sort(reader.sites.begin(), reader.sites.end());
    auto plan = hubs_[0]->ExplainPull(reader, 0);
    ASSERT_OK(plan);
    EXPECT_NE(plan->find("records_site_seq"), std::string::npos) << *plan;
    EXPECT_EQ(plan->find("Seq Scan on records"), std::string::npos) << *plan;
  }
}

TEST_F(PgHubsTest, ForeignSchemaAndBadAddressAreRefused) {
  auto cluster = pgtest::SharedPgCluster();
  ASSERT_OK(cluster);
  auto db = (*cluster)->CreateDatabase();
  ASSERT_OK(db);
  {
    auto s = PgHubStore::Open(*db);
    ASSERT_OK(s);
  }
  // Someone else's "relais" schema.
  auto other = (*cluster)->CreateDatabase();
  ASSERT_OK(other);
  {
    auto c = pg::PgConn::Connect(*other);
    ASSERT_OK(c);
    auto made = (*c)->Exec("CREATE SCHEMA relais; CREATE TABLE relais.meta(key text PRIMARY"
                           " KEY, value text NOT NULL); INSERT INTO relais.meta VALUES"
                           " ('application', 'autre chose')");
    ASSERT_OK(made);
  }
  EXPECT_EQ(PgHubStore::Open(*other).status().code(), StatusCode::kFailedPrecondition);
  // A future schema version.
  {
    auto c = pg::PgConn::Connect(*db);
    ASSERT_OK(c);
    auto future = (*c)->Exec("UPDATE relais.meta SET value = '99' WHERE key = 'schema_version'");
    ASSERT_OK(future);
  }
  EXPECT_EQ(PgHubStore::Open(*db).status().code(), StatusCode::kFailedPrecondition);
  // Nobody listening: UNAVAILABLE, and the message carries no password.
  auto away = PgHubStore::Open("postgresql://relais:secret-pw@127.0.0.1:1/relais");
  EXPECT_EQ(away.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(std::string(away.status().message()).find("secret-pw"), std::string::npos)
      << away.status().ToString();
}

}  // namespace
}  // namespace relais::server
