#pragma once
// Agenda tokens (agenda_tokens.h) in the hub's PostgreSQL database, for a
// hub run with --store postgresql://…: every hub over that database reads
// the same tokens. Table relais.agenda_tokens, the columns of the SQLite
// table (text / bigint / smallint), schema v2 made or migrated in place by
// Open (ADD COLUMN IF NOT EXISTS, in one transaction under an advisory lock,
// so hubs opening together agree), recorded in relais.meta as
// ('agenda_tokens_schema', '2') when that table exists.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/agenda/agenda_tokens.h"
#include "server/pg_conn.h"

namespace relais::server {

class PgAgendaTokens final : public AgendaTokens {
 public:
  // Connects to `conninfo` (a small pool of its own). UNAVAILABLE if the
  // server is away; FAILED_PRECONDITION for a schema newer than v2.
  static common::Result<std::unique_ptr<PgAgendaTokens>> Open(
      const std::string& conninfo, common::Clock* clock = common::SystemClock::Default());

  common::Status Revoke(const std::string& name) override;
  common::Result<std::vector<AgendaTokenInfo>> List() override;

 private:
  PgAgendaTokens(const std::string& conninfo, common::Clock* clock)
      : AgendaTokens(clock), pool_(conninfo, 2) {}
  common::Status Migrate();
  common::Status Insert(const std::string& token_hash, const AgendaGrant& grant,
                        int64_t created_ms, int64_t expires_ms,
                        const std::string& wrapped_key) override;
  common::Result<std::optional<AgendaTokenRow>> Find(const std::string& token_hash) override;
  pg::PgPool pool_;
};

// `relais-hub migrate`: inserts `rows` as they are through `c`, in the
// caller's transaction, after locking relais.agenda_tokens.
// FAILED_PRECONDITION if the table already holds a token (a migration goes
// to a new database). REQUIRES: PgAgendaTokens::Open ran on that database
// (the table exists, schema v2).
common::Status ImportAgendaTokens(pg::PgConn& c, const std::vector<AgendaTokenExport>& rows);

// The agenda tokens of a hub: in PostgreSQL when `store` (a --store URI)
// is given, else in the SQLite file `db`.
common::Result<std::unique_ptr<AgendaTokens>> OpenAgendaTokens(
    const std::string& db, const std::string& store,
    common::Clock* clock = common::SystemClock::Default());

}  // namespace relais::server
