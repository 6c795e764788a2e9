#pragma once
// Both hub stores for one parameterised suite (issue #21): a test written
// once with TEST_P runs against SQLite (a file in a temporary directory)
// and PostgreSQL (a new database on the process's throw-away cluster,
// tests/pg/pg_cluster.h). A missing PostgreSQL fails the test, loudly.
//
//   INSTANTIATE_TEST_SUITE_P(Stores, MyTest, relais::pgtest::AllStores(),
//                            relais::pgtest::StoreName);
// Link: relais_pg_testing relais_hub_store.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/util/clock.h"
#include "server/hub_store.h"
#include "server/pg_hub_store.h"
#include "server/sqlite_hub_store.h"
#include "tests/pg/pg_cluster.h"

namespace relais::pgtest {

enum class StoreKind { kSqlite, kPostgres };

inline ::testing::internal::ParamGenerator<StoreKind> AllStores() {
  return ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres);
}

inline std::string StoreName(const ::testing::TestParamInfo<StoreKind>& info) {
  return info.param == StoreKind::kSqlite ? "SQLite" : "PostgreSQL";
}

// Where a new store lives: a SQLite path, or a PostgreSQL conninfo.
struct StoreLocation {
  StoreKind kind = StoreKind::kSqlite;
  std::string sqlite_path;
  std::string conninfo;
  // relais-hub arguments selecting this store (--db F | --store URI).
  std::vector<std::string> HubArgs() const {
    if (kind == StoreKind::kSqlite) return {"--db", sqlite_path};
    return {"--store", conninfo};
  }
};

// A new, empty store location of `kind` (`sqlite_path` is used for SQLite;
// for PostgreSQL a new database is made on the shared cluster).
inline common::Result<StoreLocation> NewStoreLocation(StoreKind kind,
                                                      const std::string& sqlite_path) {
  StoreLocation loc;
  loc.kind = kind;
  loc.sqlite_path = sqlite_path;
  if (kind == StoreKind::kPostgres) {
    RELAIS_ASSIGN_OR_RETURN(PgCluster * cluster, SharedPgCluster());
    RELAIS_ASSIGN_OR_RETURN(loc.conninfo, cluster->CreateDatabase());
  }
  return loc;
}

// Opens (creating) the store at `loc`.
inline common::Result<std::unique_ptr<server::HubStore>> OpenStore(
    const StoreLocation& loc, common::Clock* clock = common::SystemClock::Default()) {
  if (loc.kind == StoreKind::kSqlite) {
    RELAIS_ASSIGN_OR_RETURN(auto s, server::SqliteHubStore::Open(loc.sqlite_path, true, clock));
    return std::unique_ptr<server::HubStore>(std::move(s));
  }
  RELAIS_ASSIGN_OR_RETURN(auto s, server::PgHubStore::Open(loc.conninfo, clock));
  return std::unique_ptr<server::HubStore>(std::move(s));
}

// The test hook run inside every Push transaction before its commit.
inline void SetPushHook(server::HubStore* store, std::function<void()> hook) {
  if (auto* s = dynamic_cast<server::SqliteHubStore*>(store)) {
    s->TEST_SetPushHook(std::move(hook));
  } else if (auto* p = dynamic_cast<server::PgHubStore*>(store)) {
    p->TEST_SetPushHook(std::move(hook));
  } else {
    ADD_FAILURE() << "magasin sans crochet de test";
  }
}

}  // namespace relais::pgtest
