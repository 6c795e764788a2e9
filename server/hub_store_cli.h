#pragma once
// `relais-hub enroll | revoke | tokens | rebind | migrate | renew-epoch`:
// the replica tokens and the store itself, from the command line, on either
// store (--db hub.db or --store postgresql://...). Each prints its result
// (French) on stdout, its error on stderr prefixed "relais-hub: ", and
// returns the exit code: 0 ok, 2 bad arguments, 1 other failures.

#include <string>
#include <vector>

#include "common/util/status.h"
#include "server/hub_store_open.h"

namespace relais::server {

int ReportStatus(const common::Status& s);

int Enroll(const StoreChoice& c, const std::vector<std::string>& sites,
           const std::string& name);
int Revoke(const StoreChoice& c, const std::string& token, const std::string& name);
int ListTokens(const StoreChoice& c);
// The walk-in ticket letters: one line "SITE LETTER replica=ID" each.
int ListTicketLetters(const StoreChoice& c);
// A replaced kiosk: its replica id moves to the new (unused) token named
// `name`; the token that held it is revoked.
int Rebind(const StoreChoice& c, const std::string& name, const std::string& replica);
// Moves a STOPPED SQLite hub into an empty PostgreSQL database: same epoch,
// same sequences, same tokens and bindings (no replica re-sends anything).
// Prints progress on stderr.
int Migrate(const std::string& from_db, const std::string& to_store);
// After restoring the database from a backup (pg_restore, a promoted
// asynchronous standby): a new epoch, so every replica re-sends what it
// holds and pulls its scope again.
int RenewEpoch(const StoreChoice& c);

}  // namespace relais::server
