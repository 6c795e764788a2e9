// SqliteHubStore on its own: scope, idempotence, validation, echo
// suppression, index use.
#include <gtest/gtest.h>

#include "common/merge/merge.h"
#include "common/storage/replica_store.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"
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

class HubStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteHubStore::Open(dir_.File("hub.db"), true);
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

  TempDir dir_;
  std::unique_ptr<SqliteHubStore> store_;
};

TEST_F(HubStoreTest, AuthorizeBindsTokenToFirstReplica) {
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

TEST_F(HubStoreTest, RePushIsIdempotent) {
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

TEST_F(HubStoreTest, OutOfScopeRecordRefusesWholeBatch) {
  Scope a = Auth("t1", "ra");
  auto r = store_->Push(a, {NewAppt("rdv-1", "S1", "ra"), NewAppt("rdv-2", "S2", "ra")});
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  auto got = store_->Get("S1", Collection::kAppointment, "rdv-1");
  ASSERT_OK(got);
  EXPECT_FALSE(got->has_value()) << "nothing of a refused batch is written";
  EXPECT_EQ(*store_->LastSeq(), 0u);
}

TEST_F(HubStoreTest, MalformedRecordsAreInvalidArgument) {
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
  EXPECT_EQ(*store_->LastSeq(), 0u);
  ASSERT_OK(store_->Push(a, {ok}));  // still serving
}

TEST_F(HubStoreTest, StaleStateFromSameReplicaIsRefusedAndDoesNotRegress) {
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

TEST_F(HubStoreTest, ReusedDotWithOtherValueIsRefused) {
  Scope a = Auth("t1", "ra");
  Record v1 = NewAppt("rdv-1", "S1", "ra");
  ASSERT_OK(store_->Push(a, {v1}));
  Record forged = v1;
  forged.fields["status"][0].value = "cancelled";
  EXPECT_EQ(store_->Push(a, {forged}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(HubStoreTest, PullSkipsEchoesAndPages) {
  Scope a = Auth("t1", "ra");
  Scope b = Auth("t1b", "rb");
  std::vector<Record> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(NewAppt("rdv-" + std::to_string(i), "S1", "ra"));
  ASSERT_OK(store_->Push(a, batch));
  auto own = store_->Pull(a, 0, 100, 1 << 20);
  ASSERT_OK(own);
  EXPECT_TRUE(own->records.empty()) << "echo of ra's own push";
  EXPECT_EQ(own->cursor, 10u);
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
  EXPECT_EQ(cursor, 10u);
  // A state merged by the hub (not exactly ra's) flows back to ra.
  Record other = Appt("rdv-0", "S1", "rb", batch[0], {{"note", "x"}}, 5000);
  Record concurrent = Appt("rdv-0", "S1", "ra", batch[0], {{"room", "2"}}, 5001);
  ASSERT_OK(store_->Push(b, {other}));
  ASSERT_OK(store_->Push(a, {concurrent}));
  auto back = store_->Pull(a, 10, 100, 1 << 20);
  ASSERT_OK(back);
  ASSERT_EQ(back->records.size(), 1u);
  EXPECT_EQ(back->records[0], common::Merge(other, concurrent));
}

TEST_F(HubStoreTest, DepartmentalScopeSeesBothSites) {
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

TEST_F(HubStoreTest, PullUsesSiteSeqIndex) {
  for (size_t sites : {1u, 3u}) {
    auto plan = store_->ExplainPull(sites);
    ASSERT_OK(plan);
    EXPECT_NE(plan->find("records_site_seq"), std::string::npos) << *plan;
    EXPECT_EQ(plan->find("SCAN records"), std::string::npos) << *plan;
  }
}

TEST_F(HubStoreTest, ReopenKeepsSchemaAndRefusesForeignFile) {
  store_.reset();
  auto again = SqliteHubStore::Open(dir_.File("hub.db"), false);
  ASSERT_OK(again);
  auto replica = common::ReplicaStore::Open(dir_.File("replica.db"), true);
  ASSERT_OK(replica);
  replica->reset();
  EXPECT_EQ(SqliteHubStore::Open(dir_.File("replica.db"), false).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace relais::server
