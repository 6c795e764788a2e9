// Replica identity at the hub (one replica id <-> one token, rebind) and
// the in-place upgrade of a version-1 hub file (records keyed per site,
// duplicate bindings resolved).
#include <gtest/gtest.h>

#include "common/codec/record_json.h"
#include "common/storage/sqlite.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"
#include "tests/common/test_util.h"
#include "tests/server/hub_test_records.h"

namespace relais::server {
namespace {

using common::Collection;
using common::StatusCode;
using common::testing::TempDir;
using testing::NewAppt;

// Version 1 of the hub schema, exactly as it shipped (kMigrations[0]).
constexpr const char* kVersion1Sql =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE records(collection INTEGER NOT NULL, id TEXT NOT NULL,"
    " site_id TEXT NOT NULL, state TEXT NOT NULL, hub_seq INTEGER NOT NULL,"
    " origin TEXT NOT NULL DEFAULT '', PRIMARY KEY(collection, id));"
    "CREATE INDEX records_site_seq ON records(site_id, hub_seq);"
    "CREATE TABLE tokens(token_hash TEXT PRIMARY KEY, sites TEXT NOT NULL,"
    " replica_id TEXT NOT NULL DEFAULT '', revoked INTEGER NOT NULL DEFAULT 0,"
    " name TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL);";

const TokenInfo* Find(const std::vector<TokenInfo>& tokens, const std::string& name) {
  for (const TokenInfo& t : tokens)
    if (t.name == name) return &t;
  return nullptr;
}

class HubMigrationTest : public ::testing::Test {
 protected:
  // A version-1 hub file as the old code left it: three records, hub_seq 3,
  // an epoch, and tokens "b" and "b2" both bound to replica "ra" ("b2"
  // bound later: the identity takeover the old code allowed).
  void SetUp() override {
    auto db = common::Db::Open(path_, true);
    ASSERT_OK(db);
    common::Db& d = **db;
    ASSERT_OK(d.Exec(kVersion1Sql));
    ASSERT_OK(d.Exec("PRAGMA application_id=" + std::to_string(0x52454C48)));
    ASSERT_OK(d.Exec("PRAGMA user_version=1"));
    const struct {
      common::Record r;
      int64_t seq;
      const char* origin;
    } rows[] = {{a1_, 1, "ra"}, {b1_, 2, "rc"}, {a2_, 3, ""}};
    for (const auto& row : rows) {
      auto st = d.Prepare("INSERT INTO records VALUES(?,?,?,?,?,?)");
      ASSERT_OK(st);
      st->Bind(1, static_cast<int64_t>(row.r.collection))
          .Bind(2, row.r.id)
          .Bind(3, row.r.site_id)
          .Bind(4, common::EncodeRecordJson(row.r))
          .Bind(5, row.seq)
          .Bind(6, row.origin);
      ASSERT_OK(st->Run());
    }
    ASSERT_OK(d.Exec("INSERT INTO meta VALUES('hub_seq','3'),('epoch','0123456789abcdef')"));
    const struct {
      const char* token;
      const char* name;
      const char* sites;
      const char* replica;
      int64_t created;
    } tokens[] = {{"tb2", "b2", "S1", "ra", 300},
                  {"tb", "b", "S1", "ra", 100},
                  {"tc", "c", "S2", "rc", 200},
                  {"tfree", "free", "S1", "", 400}};
    for (const auto& t : tokens) {
      auto st = d.Prepare("INSERT INTO tokens VALUES(?,?,?,0,?,?)");
      ASSERT_OK(st);
      st->Bind(1, HashToken(t.token)).Bind(2, t.sites).Bind(3, t.replica)
          .Bind(4, t.name).Bind(5, t.created);
      ASSERT_OK(st->Run());
    }
  }

  TempDir dir_;
  const std::string path_ = dir_.File("hub-v1.db");
  const common::Record a1_ = NewAppt("rdv-1", "S1", "ra");
  const common::Record b1_ = NewAppt("rdv-b", "S2", "rc", "Paul");
  const common::Record a2_ = NewAppt("rdv-2", "S1", "ra", "Marie");
};

TEST_F(HubMigrationTest, Version1FileMigratesInPlaceAndResolvesDuplicateBinding) {
  std::string note;
  auto opened = SqliteHubStore::Open(path_, false, common::SystemClock::Default(), &note);
  ASSERT_OK(opened);
  SqliteHubStore& store = **opened;
  // Records, sequences, origins and the epoch survive: replicas re-send nothing.
  for (const auto& [r, seq, origin] :
       {std::tuple{a1_, 1u, "ra"}, std::tuple{b1_, 2u, "rc"}, std::tuple{a2_, 3u, ""}}) {
    auto got = store.Get(r.site_id, r.collection, r.id);
    ASSERT_OK(got);
    ASSERT_TRUE(got->has_value()) << r.id;
    EXPECT_EQ((*got)->record, r);
    EXPECT_EQ((*got)->hub_seq, seq);
    EXPECT_EQ((*got)->origin, origin);
  }
  EXPECT_EQ(*store.LastSeq(), 3u);
  EXPECT_EQ(*store.Epoch(), "0123456789abcdef");
  // The oldest binding of "ra" is kept, the later one revoked, and said so.
  EXPECT_NE(note.find("'b2'"), std::string::npos) << note;
  EXPECT_NE(note.find("ra"), std::string::npos) << note;
  EXPECT_EQ(note.find("'b'"), std::string::npos) << note;
  EXPECT_NE(note.find("relais-hub rebind"), std::string::npos) << note;
  auto tokens = store.ListTokens();
  ASSERT_OK(tokens);
  ASSERT_EQ(tokens->size(), 4u);
  ASSERT_TRUE(Find(*tokens, "b") && Find(*tokens, "b2") && Find(*tokens, "c"));
  EXPECT_EQ(Find(*tokens, "b")->replica_id, "ra");
  EXPECT_FALSE(Find(*tokens, "b")->revoked);
  EXPECT_TRUE(Find(*tokens, "b2")->revoked);
  EXPECT_EQ(Find(*tokens, "c")->replica_id, "rc");
  EXPECT_OK(store.Authorize(HashToken("tb"), "ra", "S1"));
  EXPECT_EQ(store.Authorize(HashToken("tb2"), "ra", "S1").status().code(),
            StatusCode::kUnauthenticated);
  // Pulls continue from the old cursors: S1's records for a new S1 replica.
  auto fresh = store.Authorize(HashToken("tfree"), "rnew", "S1");
  ASSERT_OK(fresh);
  auto pulled = store.Pull(*fresh, 0, 100, 1 << 20);
  ASSERT_OK(pulled);
  ASSERT_EQ(pulled->records.size(), 2u);
  EXPECT_EQ(pulled->records[0], a1_);
  EXPECT_EQ(pulled->records[1], a2_);
  EXPECT_EQ(pulled->cursor, 3u);
  // Schema 2: the same id at another site is another record.
  auto s2 = store.Authorize(HashToken("tc"), "rc", "S2");
  ASSERT_OK(s2);
  ASSERT_OK(store.Push(*s2, {NewAppt("rdv-1", "S2", "rc", "Autre")}));
  EXPECT_EQ((*store.Get("S1", Collection::kAppointment, "rdv-1"))->record, a1_);
  auto plan = store.ExplainPull(1);
  ASSERT_OK(plan);
  EXPECT_NE(plan->find("records_site_seq"), std::string::npos) << *plan;
  opened->reset();
  // The note is given once; the file is at the current version (3).
  std::string again;
  ASSERT_OK(SqliteHubStore::Open(path_, false, common::SystemClock::Default(), &again));
  EXPECT_EQ(again, "");
  auto db = common::Db::Open(path_, false);
  ASSERT_OK(db);
  EXPECT_EQ(*(*db)->QueryInt("PRAGMA user_version"), kHubSchemaVersion);
}

class HubIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteHubStore::Open(dir_.File("hub.db"), true);
    ASSERT_OK(s);
    store_ = std::move(s).value();
    for (const char* name : {"kiosque", "vole", "neuf"})
      ASSERT_OK(store_->AddToken(
          TokenInfo{HashToken(std::string("t-") + name), name, {"S1"}, "", false, 0}));
  }
  TempDir dir_;
  std::unique_ptr<SqliteHubStore> store_;
};

TEST_F(HubIdentityTest, SecondTokenCannotTakeABoundReplicaId) {
  auto real = store_->Authorize(HashToken("t-kiosque"), "borne-1", "S1");
  ASSERT_OK(real);
  auto stolen = store_->Authorize(HashToken("t-vole"), "borne-1", "S1");
  EXPECT_EQ(stolen.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(stolen.status().message().find("relais-hub rebind"), std::string::npos)
      << stolen.status().message();
  // Nothing was bound: the second token is still free for its own replica.
  auto tokens = store_->ListTokens();
  ASSERT_OK(tokens);
  EXPECT_EQ(Find(*tokens, "vole")->replica_id, "");
  EXPECT_OK(store_->Authorize(HashToken("t-vole"), "borne-2", "S1"));
  // A revoked token keeps its replica id: revoking does not free it.
  ASSERT_OK(store_->Revoke("", "kiosque"));
  EXPECT_EQ(store_->Authorize(HashToken("t-neuf"), "borne-1", "S1").status().code(),
            StatusCode::kPermissionDenied);
  auto after = store_->ListTokens();
  ASSERT_OK(after);
  EXPECT_EQ(Find(*after, "kiosque")->replica_id, "borne-1");
  EXPECT_TRUE(Find(*after, "kiosque")->revoked);
}

TEST_F(HubIdentityTest, RebindMovesTheReplicaIdAndRevokesTheOldToken) {
  ASSERT_OK(store_->Authorize(HashToken("t-kiosque"), "borne-1", "S1"));
  auto moved = store_->Rebind("neuf", "borne-1");
  ASSERT_OK(moved);
  EXPECT_EQ(moved->previous_name, "kiosque");
  EXPECT_EQ(moved->previous_hash, HashToken("t-kiosque"));
  EXPECT_FALSE(moved->previous_was_revoked);
  EXPECT_OK(store_->Authorize(HashToken("t-neuf"), "borne-1", "S1"));
  EXPECT_EQ(store_->Authorize(HashToken("t-kiosque"), "borne-1", "S1").status().code(),
            StatusCode::kUnauthenticated);
  // Only an unused, valid token can receive a replica id.
  EXPECT_EQ(store_->Rebind("neuf", "borne-9").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Rebind("kiosque", "borne-1").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Rebind("personne", "borne-1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Rebind("vole", "borne\n1").status().code(),
            StatusCode::kInvalidArgument);
  // A replica id nobody held: bound, nothing revoked.
  auto fresh = store_->Rebind("vole", "borne-7");
  ASSERT_OK(fresh);
  EXPECT_EQ(fresh->previous_hash, "");
  EXPECT_OK(store_->Authorize(HashToken("t-vole"), "borne-7", "S1"));
}

TEST_F(HubIdentityTest, ReplicaAndSiteIdsAreValidated) {
  for (const std::string& bad : {std::string("borne\n1"), std::string(65, 'a'),
                                std::string("a b"), std::string("é")}) {
    EXPECT_EQ(store_->Authorize(HashToken("t-kiosque"), bad, "S1").status().code(),
              StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(store_->Authorize(HashToken("t-kiosque"), "borne-1", bad).status().code(),
              StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(store_->Authorize(HashToken("t-kiosque"), "", "S1").status().code(),
            StatusCode::kInvalidArgument);
  // Nothing bound by refused calls; dots are allowed.
  auto tokens = store_->ListTokens();
  ASSERT_OK(tokens);
  EXPECT_EQ(Find(*tokens, "kiosque")->replica_id, "");
  EXPECT_OK(store_->Authorize(HashToken("t-kiosque"), "borne.1_A-2", "S1"));
}

}  // namespace
}  // namespace relais::server
