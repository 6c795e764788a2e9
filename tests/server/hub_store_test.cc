// Each HubStore on its own (SQLite and PostgreSQL, one parameterised
// suite): scope, idempotence, validation, echo suppression; index use.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/merge/merge.h"
#include "common/storage/replica_store.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"
#include "tests/pg/hub_stores.h"
#include "tests/common/test_util.h"

namespace relais::server {
namespace {

using common::Collection;
using common::StatusCode;
using common::testing::TempDir;

// An appointment written by `replica` with `changes` over `base`.
Record Appt(const std::string& id, const std::string& site,
            const std::string& replica, Record base,
            std::map<std::string, std::string> changes, common::Hlc hlc) {
  base.collection = Collection::kAppointment;
  base.id = id;
  base.site_id = site;
  EXPECT_TRUE(common::ApplyLocalWrite(&base, replica, hlc, changes));
  return base;
}

Record NewAppt(const std::string& id, const std::string& site,
               const std::string& replica) {
  return Appt(id, site, replica, Record{},
              {{"practitioner", "p1"}, {"patient_name", "Jeanne"},
               {"start", "1790000000"}, {"duration", "15"},
               {"status", "booked"}},
              1000);
}

class HubStoreTest : public ::testing::TestWithParam<pgtest::StoreKind> {
 protected:
  void SetUp() override {
    auto loc = pgtest::NewStoreLocation(GetParam(), dir_.File("hub.db"));
    ASSERT_OK(loc);
    loc_ = *loc;
    auto s = pgtest::OpenStore(loc_);
    ASSERT_OK(s);
    store_ = std::move(s).value();
    ASSERT_OK(store_->AddToken(TokenInfo{HashToken("t1"), "a", {"S1"}, "", false, 0}));
    ASSERT_OK(store_->AddToken(TokenInfo{HashToken("t1b"), "b", {"S1"}, "", false, 0}));
    ASSERT_OK(store_->AddToken(TokenInfo{HashToken("tdep"), "dep", {"S2", "S1"}, "", false, 0}));
  }
  Scope Auth(const std::string& token, const std::string& replica) {
    auto s = store_->Authorize(HashToken(token), replica, "S1");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : Scope{};
  }

  // Every record `scope` can pull from the start.
  std::vector<Record> PullAll(const Scope& scope) {
    std::vector<Record> out;
    uint64_t cursor = 0;
    for (int pages = 0; pages < 100; ++pages) {
      auto p = store_->Pull(scope, cursor, 1000, 1 << 20);
      EXPECT_OK(p);
      if (!p.ok()) break;
      out.insert(out.end(), p->records.begin(), p->records.end());
      cursor = p->cursor;
      if (!p->has_more) break;
    }
    return out;
  }

  TempDir dir_;
  pgtest::StoreLocation loc_;
  std::unique_ptr<HubStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Stores, HubStoreTest, pgtest::AllStores(), pgtest::StoreName);

TEST_P(HubStoreTest, AuthorizeBindsTokenToFirstReplica) {
  Scope a = Auth("t1", "ra");
  EXPECT_EQ(a.sites, std::vector<std::string>{"S1"});
  EXPECT_EQ(store_->Authorize(HashToken("t1"), "other", "S1").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->Authorize(HashToken("nope"), "ra", "S1").status().code(),
            StatusCode::kUnauthenticated);
  ASSERT_OK(store_->Revoke(HashToken("t1"), ""));
  EXPECT_EQ(store_->Authorize(HashToken("t1"), "ra", "S1").status().code(),
            StatusCode::kUnauthenticated);
  ASSERT_OK(store_->Revoke("", "b"));
  EXPECT_EQ(store_->Authorize(HashToken("t1b"), "rb", "S1").status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(store_->Revoke("", "nobody").code(), StatusCode::kNotFound);
  // A home site out of scope binds nothing.
  EXPECT_EQ(store_->Authorize(HashToken("tdep"), "rx", "S3").status().code(),
            StatusCode::kPermissionDenied);
  // Multi-site scope is sorted.
  EXPECT_EQ(Auth("tdep", "rd").sites, (std::vector<std::string>{"S1", "S2"}));
}

TEST_P(HubStoreTest, RePushIsIdempotent) {
  Scope a = Auth("t1", "ra");
  const std::vector<Record> batch = {NewAppt("rdv-1", "S1", "ra"),
                                     NewAppt("rdv-2", "S1", "ra")};
  auto first = store_->Push(a, batch);
  ASSERT_OK(first);
  EXPECT_EQ(first->changed, 2);
  ASSERT_OK(store_->LastSeq());
  const uint64_t seq = *store_->LastSeq();
  auto before = store_->Get("S1", Collection::kAppointment, "rdv-1");
  ASSERT_OK(before);
  auto again = store_->Push(a, batch);
  ASSERT_OK(again);
  EXPECT_EQ(again->accepted, 2);
  EXPECT_EQ(again->changed, 0);
  EXPECT_EQ(*store_->LastSeq(), seq);
  auto after = store_->Get("S1", Collection::kAppointment, "rdv-1");
  ASSERT_OK(after);
  ASSERT_TRUE(after->has_value());
  EXPECT_EQ((*after)->hub_seq, (*before)->hub_seq);
  EXPECT_EQ((*after)->record, (*before)->record);
  EXPECT_EQ((*after)->origin, "ra");
}

TEST_P(HubStoreTest, OutOfScopeRecordRefusesWholeBatch) {
  Scope a = Auth("t1", "ra");
  auto r = store_->Push(a, {NewAppt("rdv-1", "S1", "ra"), NewAppt("rdv-2", "S2", "ra")});
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  auto got = store_->Get("S1", Collection::kAppointment, "rdv-1");
  ASSERT_OK(got);
  EXPECT_FALSE(got->has_value()) << "nothing of a refused batch is written";
  EXPECT_TRUE(PullAll(Auth("tdep", "rd")).empty());
}

TEST_P(HubStoreTest, MalformedRecordsAreInvalidArgument) {
  Scope a = Auth("t1", "ra");
  Record ok = NewAppt("rdv-1", "S1", "ra");
  auto bad = [&](Record r) {
    auto res = store_->Push(a, {ok, r});
    EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument) << res.status().ToString();
    EXPECT_FALSE(res.status().message().empty());
  };
  bad(Appt("rdv-x", "S1", "ra", Record{}, {{"couleur", "bleu"}}, 1));
  bad(Appt("rdv-x", "S1", "ra", Record{}, {{"duration", "-5"}}, 1));
  bad(Appt("rdv-x", "S1", "ra", Record{}, {{"status", "perdu"}}, 1));
  Record outside = NewAppt("rdv-x", "S1", "ra");
  outside.vv = common::VersionVector();
  outside.vv.Set("zz", 1);
  bad(outside);
  EXPECT_TRUE(PullAll(Auth("tdep", "rd")).empty()) << "nothing of a refused batch is written";
  ASSERT_OK(store_->Push(a, {ok}));  // still serving
}

TEST_P(HubStoreTest, StaleStateFromSameReplicaIsRefusedAndDoesNotRegress) {
  Scope a = Auth("t1", "ra");
  Record v1 = NewAppt("rdv-1", "S1", "ra");
  Record v2 = Appt("rdv-1", "S1", "ra", v1, {{"status", "checked_in"}}, 2000);
  ASSERT_OK(store_->Push(a, {v2}));
  auto r = store_->Push(a, {v1});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("recul"), std::string::npos) << r.status().message();
  auto got = store_->Get("S1", Collection::kAppointment, "rdv-1");
  ASSERT_OK(got);
  EXPECT_EQ((*got)->record, v2);
  // A stale state relayed by another replica merges to no change.
  Scope b = Auth("t1b", "rb");
  auto relayed = store_->Push(b, {v1});
  ASSERT_OK(relayed);
  EXPECT_EQ(relayed->changed, 0);
}

TEST_P(HubStoreTest, ReusedDotWithOtherValueIsRefused) {
  Scope a = Auth("t1", "ra");
  Record v1 = NewAppt("rdv-1", "S1", "ra");
  ASSERT_OK(store_->Push(a, {v1}));
  Record forged = v1;
  forged.fields["status"][0].value = "cancelled";
  EXPECT_EQ(store_->Push(a, {forged}).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(HubStoreTest, PullSkipsEchoesAndPages) {
  Scope a = Auth("t1", "ra");
  Scope b = Auth("t1b", "rb");
  std::vector<Record> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(NewAppt("rdv-" + std::to_string(i), "S1", "ra"));
  ASSERT_OK(store_->Push(a, batch));
  // Every position of the batch is at or below the last sequence now (for
  // SQLite it is 10; PostgreSQL's positions come from transaction ids).
  auto last = store_->LastSeq();
  ASSERT_OK(last);
  auto own = store_->Pull(a, 0, 100, 1 << 20);
  ASSERT_OK(own);
  EXPECT_TRUE(own->records.empty()) << "echo of ra's own push";
  // Past the echoes: at least the batch's largest position (SQLite: the
  // last sequence; PostgreSQL: the scope's top, not the horizon).
  uint64_t top = 0;
  for (const Record& r : batch) {
    auto stored = store_->Get("S1", r.collection, r.id);
    ASSERT_OK(stored);
    ASSERT_TRUE(stored->has_value());
    top = std::max(top, (*stored)->hub_seq);
  }
  EXPECT_LE(top, *last);
  EXPECT_GE(own->cursor, top) << "the cursor jumps past the replica's own echoes";
  EXPECT_FALSE(own->has_more);

  uint64_t cursor = 0;
  size_t total = 0;
  int pages = 0;
  for (bool more = true; more; ++pages) {
    auto p = store_->Pull(b, cursor, 4, 1 << 20);
    ASSERT_OK(p);
    total += p->records.size();
    cursor = p->cursor;
    more = p->has_more;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(total, 10u);
  EXPECT_EQ(pages, 3);
  EXPECT_GE(cursor, top);
  // A state merged by the hub (not exactly ra's) flows back to ra.
  Record other = Appt("rdv-0", "S1", "rb", batch[0], {{"note", "x"}}, 5000);
  Record concurrent = Appt("rdv-0", "S1", "ra", batch[0], {{"room", "2"}}, 5001);
  ASSERT_OK(store_->Push(b, {other}));
  ASSERT_OK(store_->Push(a, {concurrent}));
  auto back = store_->Pull(a, cursor, 100, 1 << 20);
  ASSERT_OK(back);
  ASSERT_EQ(back->records.size(), 1u);
  EXPECT_EQ(back->records[0], common::Merge(other, concurrent));
}

TEST_P(HubStoreTest, DepartmentalScopeSeesBothSites) {
  Scope a = Auth("t1", "ra");
  Scope d = Auth("tdep", "rd");
  ASSERT_OK(store_->Push(a, {NewAppt("rdv-1", "S1", "ra")}));
  ASSERT_OK(store_->Push(d, {NewAppt("rdv-2", "S2", "rd")}));
  auto p = store_->Pull(a, 0, 100, 1 << 20);
  ASSERT_OK(p);
  EXPECT_TRUE(p->records.empty()) << "S2 record must not reach an S1-only replica";
  auto pd = store_->Pull(d, 0, 100, 1 << 20);
  ASSERT_OK(pd);
  ASSERT_EQ(pd->records.size(), 1u);
  EXPECT_EQ(pd->records[0].id, "rdv-1");
}

TEST(SqliteHubStoreTest, PullUsesSiteSeqIndex) {
  TempDir dir;
  auto store = SqliteHubStore::Open(dir.File("hub.db"), true);
  ASSERT_OK(store);
  for (size_t sites : {1u, 3u}) {
    auto plan = (*store)->ExplainPull(sites);
    ASSERT_OK(plan);
    EXPECT_NE(plan->find("records_site_seq"), std::string::npos) << *plan;
    EXPECT_EQ(plan->find("SCAN records"), std::string::npos) << *plan;
  }
}

TEST(SqliteHubStoreTest, ReopenKeepsSchemaAndRefusesForeignFile) {
  TempDir dir;
  ASSERT_OK(SqliteHubStore::Open(dir.File("hub.db"), true));
  auto again = SqliteHubStore::Open(dir.File("hub.db"), false);
  ASSERT_OK(again);
  auto replica = common::ReplicaStore::Open(dir.File("replica.db"), true);
  ASSERT_OK(replica);
  replica->reset();
  EXPECT_EQ(SqliteHubStore::Open(dir.File("replica.db"), false).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_P(HubStoreTest, ReopenKeepsTokensEpochAndRecords) {
  Scope a = Auth("t1", "ra");
  ASSERT_OK(store_->Push(a, {NewAppt("rdv-1", "S1", "ra")}));
  auto epoch = store_->Epoch();
  ASSERT_OK(epoch);
  auto last = store_->LastSeq();
  ASSERT_OK(last);
  store_.reset();
  auto again = pgtest::OpenStore(loc_);
  ASSERT_OK(again);
  auto epoch2 = (*again)->Epoch();
  ASSERT_OK(epoch2);
  EXPECT_EQ(*epoch, *epoch2);
  auto got = (*again)->Get("S1", Collection::kAppointment, "rdv-1");
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  auto last2 = (*again)->LastSeq();
  ASSERT_OK(last2);
  EXPECT_GE(*last2, *last);
  auto scope = (*again)->Authorize(HashToken("t1"), "ra", "S1");
  ASSERT_OK(scope);
  EXPECT_EQ((*again)->Authorize(HashToken("t1b"), "ra", "S1").status().code(),
            StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace relais::server
