// PgHubStore's tokens and replica identity: the same rules as
// sqlite_hub_tokens.cc (one replica id <-> one token, never rebound
// silently; only Rebind() moves a replica id), enforced by row locks and
// unique indexes so that several hubs racing on one token agree.

#include "server/pg_hub_store.h"
#include "server/token_rules.h"

namespace relais::server {

using pg::Params;
using pg::PgResult;
using pg::PgTransaction;

namespace {

// The scope of `token_hash` checked for `replica_id` at `site_id` (row 0 of
// `r`: sites, replica_id, revoked, name), as in the SQLite store.
Result<Scope> CheckScope(const PgResult& r, const std::string& replica_id,
                         const std::string& site_id) {
  if (r.rows() == 0) return Status::Unauthenticated("jeton inconnu");
  return CheckTokenUse(Scope{r.text(0, 3), r.text(0, 1), SplitSites(r.text(0, 0))},
                       r.text(0, 2) == "t", replica_id, site_id);
}

constexpr const char* kTokenRow =
    "SELECT sites, replica_id, revoked, name FROM relais.tokens WHERE token_hash = $1";

}  // namespace

Status PgHubStore::AddToken(const TokenInfo& token) {
  RELAIS_RETURN_IF_ERROR(CheckNewToken(token));
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  PgTransaction tx(c.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  if (!token.name.empty()) {
    RELAIS_ASSIGN_OR_RETURN(
        PgResult q, c->Exec("SELECT 1 FROM relais.tokens WHERE name = $1", Params{token.name}));
    if (q.rows())
      return Status::AlreadyExists("un jeton porte déjà le nom '" + token.name + "'");
  }
  if (!token.replica_id.empty()) {
    RELAIS_ASSIGN_OR_RETURN(
        PgResult q, c->Exec("SELECT 1 FROM relais.tokens WHERE replica_id = $1",
                            Params{token.replica_id}));
    if (q.rows()) return Status::AlreadyExists(ReplicaTakenMessage(token.replica_id));
  }
  auto ins = c->Exec(
      "INSERT INTO relais.tokens(token_hash, sites, replica_id, revoked, name,"
      " created) VALUES ($1, $2, $3, $4, $5, $6)",
      Params{token.token_hash, JoinSites(token.sites), token.replica_id,
             token.revoked ? "true" : "false", token.name,
             std::to_string(token.created_ms)});
  if (!ins.ok())
    return ins.status().code() == common::StatusCode::kAlreadyExists
               ? Status::AlreadyExists("jeton déjà enregistré")
               : ins.status();
  return tx.Commit();
}

Status PgHubStore::Revoke(const std::string& token_hash, const std::string& name) {
  if (token_hash.empty() && name.empty())
    return Status::InvalidArgument("jeton ou nom requis");
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, c->Exec("UPDATE relais.tokens SET revoked_seq = CASE WHEN revoked"
                          " THEN revoked_seq ELSE GREATEST(0, (SELECT value::bigint FROM"
                          " relais.meta WHERE key = 'seq_base') + (pg_snapshot_xmin("
                          "pg_current_snapshot())::text::bigint << 20) - 1) END,"
                          " revoked = true WHERE"
                          " ($1 <> '' AND token_hash = $1) OR ($2 <> '' AND name = $2)"
                          " RETURNING 1",
                          Params{token_hash, name}));
  if (r.rows() == 0) return Status::NotFound("aucun jeton correspondant");
  return Status::OK();
}

Result<std::vector<TokenInfo>> PgHubStore::ListTokens() {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, c->Exec("SELECT token_hash, sites, replica_id, revoked, name,"
                          " created FROM relais.tokens ORDER BY created, token_hash"));
  std::vector<TokenInfo> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(TokenInfo{r.text(i, 0), r.text(i, 4), SplitSites(r.text(i, 1)),
                            r.text(i, 2), r.text(i, 3) == "t", r.int64(i, 5)});
  return out;
}

Result<Scope> PgHubStore::Authorize(const std::string& token_hash,
                                    const std::string& replica_id,
                                    const std::string& site_id) {
  {
    // The common case, a token already bound to this replica, only reads.
    RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
    RELAIS_ASSIGN_OR_RETURN(PgResult r, c->Exec(kTokenRow, Params{token_hash}));
    RELAIS_ASSIGN_OR_RETURN(Scope scope, CheckScope(r, replica_id, site_id));
    if (!scope.replica_id.empty()) return scope;
  }
  return BindFirstUse(token_hash, replica_id, site_id);
}

Result<Scope> PgHubStore::BindFirstUse(const std::string& token_hash,
                                       const std::string& replica_id,
                                       const std::string& site_id) {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  PgTransaction tx(c.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  // Again with the row locked: another hub may have bound or revoked it.
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, c->Exec(std::string(kTokenRow) + " FOR UPDATE", Params{token_hash}));
  RELAIS_ASSIGN_OR_RETURN(Scope scope, CheckScope(r, replica_id, site_id));
  if (!scope.replica_id.empty()) return scope;
  RELAIS_ASSIGN_OR_RETURN(
      PgResult holder, c->Exec("SELECT 1 FROM relais.tokens WHERE replica_id = $1",
                               Params{replica_id}));
  if (holder.rows()) return Status::PermissionDenied(ReplicaTakenMessage(replica_id));
  auto bind = c->Exec(
      "UPDATE relais.tokens SET replica_id = $1 WHERE token_hash = $2 AND replica_id = ''",
      Params{replica_id, token_hash});
  // The unique index tokens_replica is the last line of defence (two hubs
  // binding two tokens to one replica id at once).
  if (bind.status().code() == common::StatusCode::kAlreadyExists)
    return Status::PermissionDenied(ReplicaTakenMessage(replica_id));
  RELAIS_RETURN_IF_ERROR(bind.status());
  Status committed = tx.Commit();
  if (committed.code() == common::StatusCode::kAlreadyExists)
    return Status::PermissionDenied(ReplicaTakenMessage(replica_id));
  RELAIS_RETURN_IF_ERROR(committed);
  scope.replica_id = replica_id;
  return scope;
}

Result<RebindResult> PgHubStore::Rebind(const std::string& token_name,
                                        const std::string& replica_id) {
  RELAIS_RETURN_IF_ERROR(CheckRebindArgs(token_name, replica_id));
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  PgTransaction tx(c.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult q, c->Exec("SELECT token_hash, replica_id, revoked FROM relais.tokens"
                          " WHERE name = $1 FOR UPDATE",
                          Params{token_name}));
  if (q.rows() == 0) return Status::NotFound("aucun jeton nommé '" + token_name + "'");
  const std::string hash = q.text(0, 0), bound = q.text(0, 1);
  RELAIS_RETURN_IF_ERROR(CheckRebindTarget(token_name, q.text(0, 2) == "t", bound));
  RELAIS_ASSIGN_OR_RETURN(
      PgResult holder, c->Exec("SELECT token_hash, name, revoked FROM relais.tokens"
                               " WHERE replica_id = $1 FOR UPDATE",
                               Params{replica_id}));
  RebindResult out;
  if (holder.rows()) {
    out = RebindResult{holder.text(0, 1), holder.text(0, 0), holder.text(0, 2) == "t"};
    RELAIS_ASSIGN_OR_RETURN(
        PgResult rv, c->Exec("UPDATE relais.tokens SET revoked = true, replica_id = ''"
                             " WHERE token_hash = $1",
                             Params{out.previous_hash}));
    (void)rv;
  }
  RELAIS_ASSIGN_OR_RETURN(
      PgResult b, c->Exec("UPDATE relais.tokens SET replica_id = $1 WHERE token_hash = $2",
                          Params{replica_id, hash}));
  (void)b;
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return out;
}

Status PgHubStore::CheckToken(const std::string& token_hash) {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, c->Exec("SELECT revoked FROM relais.tokens WHERE token_hash = $1",
                          Params{token_hash}));
  if (r.rows() == 0) return Status::Unauthenticated("jeton inconnu");
  if (r.text(0, 0) == "t") return Status::Unauthenticated("jeton révoqué");
  return Status::OK();
}

}  // namespace relais::server

namespace relais::server {

Result<std::string> PgHubStore::AssignTicketLetter(const std::string& site_id,
                                                   const std::string& replica_id) {
  RELAIS_RETURN_IF_ERROR(CheckTicketLetterArgs(site_id, replica_id));
  constexpr const char* kHeld =
      "SELECT letter FROM relais.ticket_letters WHERE site_id = $1 AND replica_id = $2";
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  {
    // The common case, a letter already held, only reads.
    RELAIS_ASSIGN_OR_RETURN(PgResult r, c->Exec(kHeld, Params{site_id, replica_id}));
    if (r.rows()) return r.text(0, 0);
  }
  PgTransaction tx(c.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  // One assignment at a time per site, across every hub on this database;
  // the primary key and the unique (site, replica) are the last line.
  RELAIS_ASSIGN_OR_RETURN(
      PgResult lock, c->Exec("SELECT pg_advisory_xact_lock(hashtext('relais-ticket-letter:'"
                             " || $1))",
                             Params{site_id}));
  (void)lock;
  RELAIS_ASSIGN_OR_RETURN(PgResult again, c->Exec(kHeld, Params{site_id, replica_id}));
  if (again.rows()) return again.text(0, 0);
  RELAIS_ASSIGN_OR_RETURN(
      PgResult q, c->Exec("SELECT letter FROM relais.ticket_letters WHERE site_id = $1",
                          Params{site_id}));
  std::vector<std::string> taken;
  for (int i = 0; i < q.rows(); ++i) taken.push_back(q.text(i, 0));
  const std::string letter = FirstFreeTicketLetter(taken);
  if (letter.empty()) return letter;
  RELAIS_ASSIGN_OR_RETURN(
      PgResult ins, c->Exec("INSERT INTO relais.ticket_letters(site_id, letter, replica_id)"
                            " VALUES ($1, $2, $3)",
                            Params{site_id, letter, replica_id}));
  (void)ins;
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return letter;
}

Result<std::vector<TicketLetter>> PgHubStore::ListTicketLetters() {
  RELAIS_ASSIGN_OR_RETURN(pg::PgPool::Lease c, pool_.Acquire());
  RELAIS_ASSIGN_OR_RETURN(
      PgResult r, c->Exec("SELECT site_id, letter, replica_id FROM relais.ticket_letters"
                          " ORDER BY site_id COLLATE \"C\", letter COLLATE \"C\""));
  std::vector<TicketLetter> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(TicketLetter{r.text(i, 0), r.text(i, 1), r.text(i, 2)});
  return out;
}

}  // namespace relais::server
