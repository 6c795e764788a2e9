// History purge on PostgreSQL (issue #17, docs/sync-model.md §11): the
// version-2 schema gains the purge tables in place and keeps its data;
// two hubs purging one database at once never purge a tombstone twice nor
// move a horizon back; `relais-hub purge --store postgresql://...` works.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <future>
#include <string>
#include <vector>

#include "common/merge/merge.h"
#include "common/merge/purge.h"
#include "server/pg_hub_store.h"
#include "tests/common/test_util.h"
#include "tests/pg/pg_cluster.h"

namespace relais::server {
namespace {

using common::testing::RunAndCapture;

using common::Collection;

// An appointment of S1 written by replica "r1"; deleted (a settled
// tombstone) if `deleted`.
Record Appt(const std::string& id, bool deleted) {
  Record r;
  r.collection = Collection::kAppointment;
  r.id = id;
  r.site_id = "S1";
  EXPECT_TRUE(common::ApplyLocalWrite(&r, "r1", 1000,
                                      {{"practitioner", "p1"},
                                       {"patient_name", "Jeanne"},
                                       {"start", "1790000000"},
                                       {"duration", "15"},
                                       {"status", "booked"}}));
  if (deleted) {
    EXPECT_TRUE(common::ApplyLocalWrite(&r, "r1", 2000, {{common::kDeletedField, "1"}}));
    EXPECT_TRUE(common::IsPurgeableTombstone(r));
  }
  return r;
}

const Scope kWriter{"w", "r1", {"S1"}};

common::Result<std::string> NewDb() {
  RELAIS_ASSIGN_OR_RETURN(pgtest::PgCluster * cluster, pgtest::SharedPgCluster());
  return cluster->CreateDatabase();
}

// Pushes `live` live records then `dead` records deleted in a later push
// (the hub then holds settled tombstones).
void Fill(HubStore& store, int live, int dead) {
  std::vector<Record> first, second;
  for (int i = 0; i < live; ++i) first.push_back(Appt("live" + std::to_string(i), false));
  for (int i = 0; i < dead; ++i) {
    first.push_back(Appt("dead" + std::to_string(i), false));
    second.push_back(Appt("dead" + std::to_string(i), true));
  }
  ASSERT_OK(store.Push(kWriter, first));
  if (!second.empty()) ASSERT_OK(store.Push(kWriter, second));
}

int CountAtHub(HubStore& store, const std::string& prefix, int n) {
  int found = 0;
  for (int i = 0; i < n; ++i) {
    auto got = store.Get("S1", Collection::kAppointment, prefix + std::to_string(i));
    EXPECT_OK(got);
    if (got.ok() && got->has_value()) ++found;
  }
  return found;
}

TEST(PgPurgeTest, Version2DatabaseGainsPurgeTablesAndKeepsItsData) {
  auto db = NewDb();
  ASSERT_OK(db);
  {
    auto s = PgHubStore::Open(*db);
    ASSERT_OK(s);
    Fill(**s, 2, 1);
    ASSERT_OK((*s)->AddToken(TokenInfo{"hash-a", "a", {"S1"}, "", false, 1}));
    ASSERT_OK((*s)->AssignTicketLetter("S1", "r1"));
  }
  {
    // Back to the version-2 schema, as a hub of the previous release left it.
    auto c = pg::PgConn::Connect(*db);
    ASSERT_OK(c);
    ASSERT_OK((*c)->Exec("DROP TABLE relais.replica_acks; DROP TABLE relais.purge_horizons;"
                         " DROP INDEX relais.records_tombstones;"
                         " UPDATE relais.meta SET value = '2' WHERE key = 'schema_version'"));
  }
  auto s = PgHubStore::Open(*db);
  ASSERT_OK(s);
  EXPECT_EQ(CountAtHub(**s, "live", 2), 2);
  EXPECT_EQ(CountAtHub(**s, "dead", 1), 1);
  auto tokens = (*s)->ListTokens();
  ASSERT_OK(tokens);
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].name, "a");
  auto letters = (*s)->ListTicketLetters();
  ASSERT_OK(letters);
  EXPECT_EQ(letters->size(), 1u);
  {
    auto c = pg::PgConn::Connect(*db);
    ASSERT_OK(c);
    auto v = (*c)->Exec("SELECT value FROM relais.meta WHERE key = 'schema_version'");
    ASSERT_OK(v);
    EXPECT_EQ(v->text(0, 0), "4");
  }
  // The purge works on the migrated database.
  auto ack = (*s)->RecordAck("r1", 5);
  ASSERT_OK(ack);
  EXPECT_TRUE(*ack);
  ack = (*s)->RecordAck("r1", 5);
  ASSERT_OK(ack);
  EXPECT_FALSE(*ack) << "same cursor: unchanged";
  auto done = (*s)->Purge({}, 100, false);
  ASSERT_OK(done);
  EXPECT_EQ(done->purged, 1);
  EXPECT_EQ(CountAtHub(**s, "dead", 1), 0);
  EXPECT_EQ(CountAtHub(**s, "live", 2), 2);
}

TEST(PgPurgeTest, TwoHubsPurgingAtOnceNeverDoubleCountOrMoveBack) {
  auto db = NewDb();
  ASSERT_OK(db);
  auto h1 = PgHubStore::Open(*db);
  auto h2 = PgHubStore::Open(*db);
  ASSERT_OK(h1);
  ASSERT_OK(h2);
  constexpr int kDead = 40;
  Fill(**h1, 3, kDead);
  // Dry run on one hub: counts, changes nothing.
  auto dry = (*h1)->Purge({}, 1000, true);
  ASSERT_OK(dry);
  EXPECT_EQ(dry->purged, kDead);
  EXPECT_EQ(CountAtHub(**h2, "dead", kDead), kDead);
  auto none = (*h2)->PurgeHorizons({"S1"});
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty()) << "a dry run stores no horizon";
  // Both hubs purge in small batches at once, until neither has more.
  auto run = [](HubStore* s) -> common::Result<std::pair<int, std::vector<uint64_t>>> {
    int purged = 0;
    std::vector<uint64_t> horizons;
    for (int i = 0; i < 100; ++i) {
      RELAIS_ASSIGN_OR_RETURN(PurgeReport r, s->Purge({"S1"}, 3, false));
      purged += r.purged;
      RELAIS_ASSIGN_OR_RETURN(auto h, s->PurgeHorizons({"S1"}));
      horizons.push_back(h.count("S1") ? h["S1"] : 0);
      if (!r.more) break;
    }
    return std::make_pair(purged, horizons);
  };
  auto f1 = std::async(std::launch::async, run, h1->get());
  auto f2 = std::async(std::launch::async, run, h2->get());
  auto r1 = f1.get();
  auto r2 = f2.get();
  ASSERT_OK(r1);
  ASSERT_OK(r2);
  EXPECT_EQ(r1->first + r2->first, kDead) << "each tombstone purged exactly once";
  for (const auto* r : {&*r1, &*r2})
    for (size_t i = 1; i < r->second.size(); ++i)
      EXPECT_GE(r->second[i], r->second[i - 1]) << "a horizon never moves back";
  EXPECT_EQ(CountAtHub(**h1, "dead", kDead), 0);
  EXPECT_EQ(CountAtHub(**h1, "live", 3), 3);
  // A tombstone of a purged record pushed late is not stored again.
  auto late = (*h2)->Push(kWriter, {Appt("dead0", true)});
  ASSERT_OK(late);
  EXPECT_EQ(late->ignored, 1);
  EXPECT_EQ(late->changed, 0);
  EXPECT_EQ(CountAtHub(**h1, "dead", 1), 0);
}

TEST(PgPurgeTest, HubPurgeCommandWorksOnPostgreSQL) {
  auto db = NewDb();
  ASSERT_OK(db);
  {
    auto s = PgHubStore::Open(*db);
    ASSERT_OK(s);
    Fill(**s, 1, 2);
  }
  std::string out;
  ASSERT_EQ(RunAndCapture({RELAIS_HUB_BINARY, "purge", "--store", *db, "--dry-run"}, &out), 0)
      << out;
  EXPECT_NE(out.find("à effacer: 2"), std::string::npos) << out;
  out.clear();
  ASSERT_EQ(RunAndCapture({RELAIS_HUB_BINARY, "purge", "--store", *db}, &out), 0) << out;
  EXPECT_NE(out.find("effacés: 2"), std::string::npos) << out;
  EXPECT_EQ(out.find("non disponible"), std::string::npos) << out;
  auto s = PgHubStore::Open(*db);
  ASSERT_OK(s);
  EXPECT_EQ(CountAtHub(**s, "dead", 2), 0);
  EXPECT_EQ(CountAtHub(**s, "live", 1), 1);
  // A crafted site argument is refused before anything is read.
  out.clear();
  EXPECT_NE(RunAndCapture({RELAIS_HUB_BINARY, "purge", "--store", *db, "--site", "S1;DROP"}, &out),
            0);
  EXPECT_NE(out.find("--site invalide"), std::string::npos) << out;
}

}  // namespace
}  // namespace relais::server
