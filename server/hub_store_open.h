#pragma once
// Choosing the hub's store from the command line: `--db hub.db` (SQLite,
// the default for a house or a small network) or `--store postgresql://...`
// (a region: several relais-hub processes over one PostgreSQL database).

#include <memory>
#include <string>

#include "common/util/clock.h"
#include "common/util/status.h"
#include "server/hub_store.h"

namespace relais::server {

struct StoreChoice {
  std::string db;     // --db: SQLite file
  std::string store;  // --store: postgresql://... (wins over db for records)
};

// INVALID_ARGUMENT unless exactly what a command needs is given: one of
// --db or --store (both only when `db_for_local` allows --db to name the
// local file for the funding office's tokens and aggregates), and --store
// is a postgresql:// or postgres:// URI of bounded length.
common::Status CheckStoreChoice(const StoreChoice& c, bool db_for_local);

// "postgresql" or "sqlite" (the label of /metrics series).
std::string StoreKind(const StoreChoice& c);

// Opens the chosen store (`create`: make the SQLite file if missing; a
// PostgreSQL database always gets its schema if it has none).
common::Result<std::unique_ptr<HubStore>> OpenHubStore(
    const StoreChoice& c, bool create,
    common::Clock* clock = common::SystemClock::Default(), std::string* note = nullptr);

}  // namespace relais::server
