#include "server/hub_store_open.h"

#include "server/pg_conn.h"
#include "server/pg_hub_store.h"
#include "server/sqlite_hub_store.h"

namespace relais::server {

namespace {
constexpr size_t kMaxConnInfo = 2048;
bool StartsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }
}  // namespace

common::Status CheckStoreChoice(const StoreChoice& c, bool db_for_local) {
  if (c.db.empty() && c.store.empty())
    return common::Status::InvalidArgument(
        "--db hub.db (SQLite) ou --store postgresql://... requis");
  if (!c.store.empty()) {
    if (c.store.size() > kMaxConnInfo)
      return common::Status::InvalidArgument("--store: adresse trop longue");
    if (!StartsWith(c.store, "postgresql://") && !StartsWith(c.store, "postgres://"))
      return common::Status::InvalidArgument(
          "--store: adresse postgresql://utilisateur@hôte:port/base attendue");
    if (pg::RedactConnInfo(c.store).rfind("(", 0) == 0)
      return common::Status::InvalidArgument("--store: adresse PostgreSQL illisible");
    if (!c.db.empty() && !db_for_local)
      return common::Status::InvalidArgument(
          "--db et --store s'excluent: choisissez SQLite ou PostgreSQL");
  }
  return common::Status::OK();
}

std::string StoreKind(const StoreChoice& c) {
  return c.store.empty() ? "sqlite" : "postgresql";
}

common::Result<std::unique_ptr<HubStore>> OpenHubStore(const StoreChoice& c, bool create,
                                                       common::Clock* clock,
                                                       std::string* note) {
  RELAIS_RETURN_IF_ERROR(CheckStoreChoice(c, true));
  if (!c.store.empty()) {
    RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<PgHubStore> pg, PgHubStore::Open(c.store, clock));
    return std::unique_ptr<HubStore>(std::move(pg));
  }
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<SqliteHubStore> s,
                          SqliteHubStore::Open(c.db, create, clock, note));
  return std::unique_ptr<HubStore>(std::move(s));
}

}  // namespace relais::server
