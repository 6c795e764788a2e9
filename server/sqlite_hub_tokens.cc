// SqliteHubStore's tokens and replica identity (see sqlite_hub_store.h for
// the schema). Rule: one replica id <-> one token, never rebound silently;
// only Rebind() moves a replica id, and it revokes the token that held it.

#include "server/sqlite_hub_store.h"

#include "server/token_rules.h"

namespace relais::server {

using common::Db;
using common::Stmt;
using common::Transaction;

namespace {

// The token `token_hash` checked for `replica_id` at `site_id`, read through
// `db`. The returned scope's replica_id is the token's current binding
// ("" if unbound).
Result<Scope> ScopeOfToken(Db* db, const std::string& token_hash,
                           const std::string& replica_id,
                         const std::string& site_id) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db->PrepareCached("SELECT sites, replica_id, revoked, name FROM"
                                 " tokens WHERE token_hash=?"));
  st.Bind(1, token_hash);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Unauthenticated("jeton inconnu");
  return CheckTokenUse(
      Scope{st.ColumnText(3), st.ColumnText(1), SplitSites(st.ColumnText(0))},
      st.ColumnInt(2) != 0, replica_id, site_id);
}

// The token holding `replica_id`, if any: (hash, name, revoked).
struct Holder {
  std::string hash, name;
  bool revoked = false;
};
Result<std::optional<Holder>> HolderOf(Db* db, const std::string& replica_id) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db->PrepareCached("SELECT token_hash, name, revoked FROM tokens"
                                 " WHERE replica_id=? AND replica_id != ''"));
  st.Bind(1, replica_id);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Holder>();
  return std::optional<Holder>(
      Holder{st.ColumnText(0), st.ColumnText(1), st.ColumnInt(2) != 0});
}

}  // namespace

Status SqliteHubStore::AddToken(const TokenInfo& token) {
  RELAIS_RETURN_IF_ERROR(CheckNewToken(token));
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  if (!token.name.empty()) {
    RELAIS_ASSIGN_OR_RETURN(Stmt q,
                            db_->Prepare("SELECT 1 FROM tokens WHERE name=?"));
    q.Bind(1, token.name);
    RELAIS_ASSIGN_OR_RETURN(bool taken, q.Step());
    if (taken)
      return Status::AlreadyExists("un jeton porte déjà le nom '" +
                                   token.name + "'");
  }
  if (!token.replica_id.empty()) {
    RELAIS_ASSIGN_OR_RETURN(std::optional<Holder> holder,
                            HolderOf(db_.get(), token.replica_id));
    if (holder) return Status::AlreadyExists(ReplicaTakenMessage(token.replica_id));
  }
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->Prepare("INSERT INTO tokens(token_hash, sites, replica_id,"
                            " revoked, name, created) VALUES(?,?,?,?,?,?)"));
  st.Bind(1, token.token_hash)
      .Bind(2, JoinSites(token.sites))
      .Bind(3, token.replica_id)
      .Bind(4, int64_t{token.revoked ? 1 : 0})
      .Bind(5, token.name)
      .Bind(6, token.created_ms);
  Status s = st.Run();
  if (!s.ok())
    return s.code() == common::StatusCode::kInternal ||
                   s.code() == common::StatusCode::kAlreadyExists
               ? Status::AlreadyExists("jeton déjà enregistré")
               : s;
  return tx.Commit();
}

Status SqliteHubStore::Revoke(const std::string& token_hash,
                              const std::string& name) {
  if (token_hash.empty() && name.empty())
    return Status::InvalidArgument("jeton ou nom requis");
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db_->Prepare("UPDATE tokens SET revoked_seq = CASE WHEN revoked=0"
                            " THEN coalesce((SELECT CAST(value AS INTEGER) FROM meta"
                            " WHERE key='hub_seq'), 0) ELSE revoked_seq END, revoked=1"
                            " WHERE (? != '' AND token_hash=?) OR (? != '' AND name=?)"));
  st.Bind(1, token_hash).Bind(2, token_hash).Bind(3, name).Bind(4, name);
  RELAIS_RETURN_IF_ERROR(st.Run());
  if (db_->changes() == 0) return Status::NotFound("aucun jeton correspondant");
  return Status::OK();
}

Result<std::vector<TokenInfo>> SqliteHubStore::ListTokens() {
  ReadLease r = AcquireReader();
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, r.db()->Prepare("SELECT token_hash, sites, replica_id, revoked,"
                               " name, created FROM tokens ORDER BY created"));
  std::vector<TokenInfo> out;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(TokenInfo{st.ColumnText(0), st.ColumnText(4),
                            SplitSites(st.ColumnText(1)), st.ColumnText(2),
                            st.ColumnInt(3) != 0, st.ColumnInt(5)});
  }
  return out;
}

Result<Scope> SqliteHubStore::Authorize(const std::string& token_hash,
                                        const std::string& replica_id,
                                        const std::string& site_id) {
  {
    // The common case, a token already bound to this replica, only reads.
    ReadLease r = AcquireReader();
    RELAIS_ASSIGN_OR_RETURN(Scope scope,
                            ScopeOfToken(r.db(), token_hash, replica_id, site_id));
    if (!scope.replica_id.empty()) return scope;
  }
  return BindFirstUse(token_hash, replica_id, site_id);
}

Result<Scope> SqliteHubStore::BindFirstUse(const std::string& token_hash,
                                           const std::string& replica_id,
                                           const std::string& site_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  // Again under the writer: the token may have been bound or revoked since.
  RELAIS_ASSIGN_OR_RETURN(Scope scope,
                          ScopeOfToken(db_.get(), token_hash, replica_id, site_id));
  if (!scope.replica_id.empty()) return scope;
  RELAIS_ASSIGN_OR_RETURN(std::optional<Holder> holder,
                          HolderOf(db_.get(), replica_id));
  if (holder) return Status::PermissionDenied(ReplicaTakenMessage(replica_id));
  RELAIS_ASSIGN_OR_RETURN(
      Stmt bind, db_->Prepare("UPDATE tokens SET replica_id=? WHERE"
                              " token_hash=? AND replica_id=''"));
  bind.Bind(1, replica_id).Bind(2, token_hash);
  Status s = bind.Run();
  // The unique index tokens_replica is the last line of defence.
  if (s.code() == common::StatusCode::kAlreadyExists)
    return Status::PermissionDenied(ReplicaTakenMessage(replica_id));
  RELAIS_RETURN_IF_ERROR(s);
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  scope.replica_id = replica_id;
  return scope;
}

Result<RebindResult> SqliteHubStore::Rebind(const std::string& token_name,
                                            const std::string& replica_id) {
  RELAIS_RETURN_IF_ERROR(CheckRebindArgs(token_name, replica_id));
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(
      Stmt q, db_->Prepare("SELECT token_hash, replica_id, revoked FROM tokens"
                           " WHERE name=?"));
  q.Bind(1, token_name);
  RELAIS_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::NotFound("aucun jeton nommé '" + token_name + "'");
  const std::string hash = q.ColumnText(0), bound = q.ColumnText(1);
  const bool revoked = q.ColumnInt(2) != 0;
  RELAIS_RETURN_IF_ERROR(q.Reset());
  RELAIS_RETURN_IF_ERROR(CheckRebindTarget(token_name, revoked, bound));
  RELAIS_ASSIGN_OR_RETURN(std::optional<Holder> holder,
                          HolderOf(db_.get(), replica_id));
  RebindResult out;
  if (holder) {
    out = RebindResult{holder->name, holder->hash, holder->revoked};
    RELAIS_ASSIGN_OR_RETURN(
        Stmt revoke, db_->Prepare("UPDATE tokens SET revoked=1, replica_id=''"
                                  " WHERE token_hash=?"));
    revoke.Bind(1, holder->hash);
    RELAIS_RETURN_IF_ERROR(revoke.Run());
  }
  RELAIS_ASSIGN_OR_RETURN(
      Stmt bind, db_->Prepare("UPDATE tokens SET replica_id=? WHERE token_hash=?"));
  bind.Bind(1, replica_id).Bind(2, hash);
  RELAIS_RETURN_IF_ERROR(bind.Run());
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return out;
}

namespace {

// The letter of `replica_id` at `site_id` through `db`, "" if none.
Result<std::string> LetterOf(Db* db, const std::string& site_id,
                             const std::string& replica_id) {
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, db->PrepareCached("SELECT letter FROM ticket_letters"
                                 " WHERE site_id=? AND replica_id=?"));
  st.Bind(1, site_id).Bind(2, replica_id);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.ColumnText(0) : std::string();
}

}  // namespace

Result<std::string> SqliteHubStore::AssignTicketLetter(const std::string& site_id,
                                                       const std::string& replica_id) {
  RELAIS_RETURN_IF_ERROR(CheckTicketLetterArgs(site_id, replica_id));
  {
    // The common case, a letter already held, only reads.
    ReadLease r = AcquireReader();
    RELAIS_ASSIGN_OR_RETURN(std::string held, LetterOf(r.db(), site_id, replica_id));
    if (!held.empty()) return held;
  }
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_ASSIGN_OR_RETURN(std::string held, LetterOf(db_.get(), site_id, replica_id));
  if (!held.empty()) return held;
  RELAIS_ASSIGN_OR_RETURN(
      Stmt q, db_->Prepare("SELECT letter FROM ticket_letters WHERE site_id=?"));
  q.Bind(1, site_id);
  std::vector<std::string> taken;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    taken.push_back(q.ColumnText(0));
  }
  const std::string letter = FirstFreeTicketLetter(taken);
  if (letter.empty()) return letter;
  RELAIS_ASSIGN_OR_RETURN(
      Stmt ins, db_->Prepare("INSERT INTO ticket_letters(site_id, letter, replica_id)"
                             " VALUES(?,?,?)"));
  ins.Bind(1, site_id).Bind(2, letter).Bind(3, replica_id);
  RELAIS_RETURN_IF_ERROR(ins.Run());
  RELAIS_RETURN_IF_ERROR(tx.Commit());
  return letter;
}

Result<std::vector<TicketLetter>> SqliteHubStore::ListTicketLetters() {
  ReadLease r = AcquireReader();
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, r.db()->Prepare("SELECT site_id, letter, replica_id FROM ticket_letters"
                               " ORDER BY site_id, letter"));
  std::vector<TicketLetter> out;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(TicketLetter{st.ColumnText(0), st.ColumnText(1), st.ColumnText(2)});
  }
  return out;
}

Status SqliteHubStore::CheckToken(const std::string& token_hash) {
  ReadLease r = AcquireReader();
  RELAIS_ASSIGN_OR_RETURN(
      Stmt st, r.db()->PrepareCached("SELECT revoked FROM tokens WHERE token_hash=?"));
  st.Bind(1, token_hash);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Unauthenticated("jeton inconnu");
  if (st.ColumnInt(0) != 0) return Status::Unauthenticated("jeton révoqué");
  return Status::OK();
}

}  // namespace relais::server
