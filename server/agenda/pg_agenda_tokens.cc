#include "server/agenda/pg_agenda_tokens.h"

#include <cstdlib>

namespace relais::server {

using common::Result;
using common::Status;
using pg::Params;
using pg::PgResult;
using pg::PgTransaction;

namespace {

// pg_advisory_xact_lock(class, 2): agenda token schema changes ('RELH' as
// the hub store's class; objid 0 is its own schema lock).
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(1380273224, 2)";
constexpr int kSchemaVersion = 2;

}  // namespace

Result<std::unique_ptr<PgAgendaTokens>> PgAgendaTokens::Open(const std::string& conninfo,
                                                             common::Clock* clock) {
  std::unique_ptr<PgAgendaTokens> t(new PgAgendaTokens(conninfo, clock));
  RELAIS_RETURN_IF_ERROR(t->Migrate());
  return t;
}

Status PgAgendaTokens::Migrate() {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  PgTransaction tx(c.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(PgResult lock, c->Exec(kSchemaLock));
  (void)lock;
  RELAIS_ASSIGN_OR_RETURN(PgResult has_meta,
                          c->Exec("SELECT to_regclass('relais.meta') IS NOT NULL"));
  const bool meta = has_meta.text(0, 0) == "t";
  if (meta) {
    RELAIS_ASSIGN_OR_RETURN(
        PgResult v, c->Exec("SELECT value FROM relais.meta WHERE key = 'agenda_tokens_schema'"));
    if (v.rows() > 0 && std::atoi(v.text(0, 0).c_str()) > kSchemaVersion)
      return Status::FailedPrecondition(
          "jetons agenda de la base PostgreSQL : schéma " + v.text(0, 0) +
          " d'une version plus récente de relais-hub ; mettez ce hub à jour");
  }
  RELAIS_ASSIGN_OR_RETURN(
      PgResult made,
      c->Exec("CREATE SCHEMA IF NOT EXISTS relais;"
              "CREATE TABLE IF NOT EXISTS relais.agenda_tokens(token_hash text PRIMARY KEY,"
              " kind text NOT NULL, org text NOT NULL, practitioner text NOT NULL,"
              " name text NOT NULL UNIQUE, created bigint NOT NULL, expires bigint NOT NULL);"
              "ALTER TABLE relais.agenda_tokens ADD COLUMN IF NOT EXISTS"
              " patient_details smallint NOT NULL DEFAULT 0;"
              "ALTER TABLE relais.agenda_tokens ADD COLUMN IF NOT EXISTS"
              " wrapped_key text NOT NULL DEFAULT ''"));
  (void)made;
  if (meta) {
    RELAIS_ASSIGN_OR_RETURN(
        PgResult set,
        c->Exec("INSERT INTO relais.meta(key, value) VALUES ('agenda_tokens_schema', $1)"
                " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                Params{std::to_string(kSchemaVersion)}));
    (void)set;
  }
  return tx.Commit();
}

Status PgAgendaTokens::Insert(const std::string& token_hash, const AgendaGrant& g,
                              int64_t created_ms, int64_t expires_ms,
                              const std::string& wrapped) {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  auto ins = c->Exec(
      "INSERT INTO relais.agenda_tokens(token_hash, kind, org, practitioner, name, created,"
      " expires, patient_details, wrapped_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      Params{token_hash, g.kind, g.org, g.practitioner, g.name, std::to_string(created_ms),
             std::to_string(expires_ms), g.patient_details ? "1" : "0", wrapped});
  if (!ins.ok() && ins.status().code() == common::StatusCode::kAlreadyExists)
    return Status::AlreadyExists("un jeton agenda nommé '" + g.name + "' existe déjà");
  return ins.status();
}

Status ImportAgendaTokens(pg::PgConn& c, const std::vector<AgendaTokenExport>& rows) {
  RELAIS_ASSIGN_OR_RETURN(PgResult lock,
                          c.Exec("LOCK TABLE relais.agenda_tokens IN EXCLUSIVE MODE"));
  (void)lock;
  RELAIS_ASSIGN_OR_RETURN(PgResult used, c.Exec("SELECT count(*) FROM relais.agenda_tokens"));
  if (used.int64(0, 0) != 0)
    return Status::FailedPrecondition(
        "la base PostgreSQL de destination contient déjà des jetons agenda: la migration se "
        "fait vers une base neuve");
  for (const AgendaTokenExport& e : rows) {
    const AgendaGrant& g = e.grant;
    RELAIS_ASSIGN_OR_RETURN(
        PgResult ins,
        c.Exec("INSERT INTO relais.agenda_tokens(token_hash, kind, org, practitioner, name,"
               " created, expires, patient_details, wrapped_key)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
               Params{e.token_hash, g.kind, g.org, g.practitioner, g.name,
                      std::to_string(e.created_ms), std::to_string(e.expires_ms),
                      g.patient_details ? "1" : "0", e.wrapped_key}));
    (void)ins;
  }
  return Status::OK();
}

Status PgAgendaTokens::Revoke(const std::string& name) {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, c->Exec("DELETE FROM relais.agenda_tokens WHERE name = $1 RETURNING 1",
                          Params{name}));
  if (r.rows() == 0) return Status::NotFound("aucun jeton agenda nommé '" + name + "'");
  return Status::OK();
}

Result<std::vector<AgendaTokenInfo>> PgAgendaTokens::List() {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r,
      c->Exec("SELECT kind, org, practitioner, name, created, expires, token_hash,"
              " patient_details FROM relais.agenda_tokens ORDER BY name COLLATE \"C\""));
  std::vector<AgendaTokenInfo> out;
  for (int i = 0; i < r.rows(); ++i) {
    AgendaTokenInfo t;
    t.grant = {r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.int64(i, 7) != 0};
    t.created_ms = r.int64(i, 4);
    t.expires_ms = r.int64(i, 5);
    t.hash_prefix = r.text(i, 6).substr(0, 12);
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::optional<AgendaTokenRow>> PgAgendaTokens::Find(const std::string& hash) {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, c->Exec("SELECT kind, org, practitioner, name, expires, patient_details,"
                          " wrapped_key FROM relais.agenda_tokens WHERE token_hash = $1",
                          Params{hash}));
  if (r.rows() == 0) return std::optional<AgendaTokenRow>();
  AgendaTokenRow row;
  row.grant = {r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.int64(0, 5) != 0};
  row.expires_ms = r.int64(0, 4);
  row.wrapped_key = r.text(0, 6);
  return std::optional<AgendaTokenRow>(std::move(row));
}

Result<std::unique_ptr<AgendaTokens>> OpenAgendaTokens(const std::string& db,
                                                       const std::string& store,
                                                       common::Clock* clock) {
  if (!store.empty()) {
    RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<PgAgendaTokens> t,
                            PgAgendaTokens::Open(store, clock));
    return std::unique_ptr<AgendaTokens>(std::move(t));
  }
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<SqliteAgendaTokens> t,
                          SqliteAgendaTokens::Open(db, clock));
  return std::unique_ptr<AgendaTokens>(std::move(t));
}

}  // namespace relais::server
