#pragma once
// What a hub store holds, read straight from its database (SQLite file or
// PostgreSQL schema "relais") without the store's code: the fault tests'
// oracle for "nothing acknowledged is lost" on either store.

#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <string>

#include "common/storage/sqlite.h"
#include "tests/pg/hub_stores.h"

namespace relais::server::testing {

// The number of records the hub holds (-1 if the database cannot be read).
inline int64_t HubRecordCount(const pgtest::StoreLocation& loc) {
  if (loc.kind == pgtest::StoreKind::kSqlite) {
    auto db = common::Db::OpenReader(loc.sqlite_path);
    if (!db.ok()) return -1;
    auto n = (*db)->QueryInt("SELECT count(*) FROM records");
    return n.ok() ? *n : -1;
  }
  PGconn* c = PQconnectdb(loc.conninfo.c_str());
  int64_t n = -1;
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, "SELECT count(*) FROM relais.records");
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
      n = std::stoll(PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  PQfinish(c);
  return n;
}

// The stored state (record JSON) of (site, collection, id); nullopt when
// absent or unreadable.
inline std::optional<std::string> HubRecordState(const pgtest::StoreLocation& loc,
                                                 const std::string& site, int collection,
                                                 const std::string& id) {
  if (loc.kind == pgtest::StoreKind::kSqlite) {
    auto db = common::Db::OpenReader(loc.sqlite_path);
    if (!db.ok()) return std::nullopt;
    auto st = (*db)->Prepare(
        "SELECT state FROM records WHERE site_id=? AND collection=? AND id=?");
    if (!st.ok()) return std::nullopt;
    st->Bind(1, site);
    st->Bind(2, static_cast<int64_t>(collection));
    st->Bind(3, id);
    auto row = st->Step();
    if (!row.ok() || !*row) return std::nullopt;
    return st->ColumnText(0);
  }
  PGconn* c = PQconnectdb(loc.conninfo.c_str());
  std::optional<std::string> out;
  if (PQstatus(c) == CONNECTION_OK) {
    const std::string coll = std::to_string(collection);
    const char* params[] = {site.c_str(), coll.c_str(), id.c_str()};
    PGresult* r = PQexecParams(c,
                               "SELECT state FROM relais.records WHERE site_id=$1"
                               " AND collection=$2::int AND id=$3",
                               3, nullptr, params, nullptr, nullptr, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
      out = std::string(PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  PQfinish(c);
  return out;
}

}  // namespace relais::server::testing
