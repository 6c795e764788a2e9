#include "server/agenda/agenda_tokens.h"

#include "common/model/validate.h"
#include "server/report/council_tokens.h"
#include "server/token.h"

namespace relais::server {

using common::Result;
using common::Status;

namespace {

// "id@site" with both parts well-formed.
bool IsPractitionerRef(const std::string& ref) {
  const size_t at = ref.find('@');
  if (at == std::string::npos || at == 0 || ref.size() > 200) return false;
  return common::IsValidSiteId(ref.substr(0, at)) && common::IsValidSiteId(ref.substr(at + 1));
}

}  // namespace

Result<std::unique_ptr<SqliteAgendaTokens>> SqliteAgendaTokens::Open(const std::string& path,
                                                                     common::Clock* clock) {
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<common::Db> db, common::Db::Open(path, /*create=*/true));
  RELAIS_RETURN_IF_ERROR(db->Exec(
      "CREATE TABLE IF NOT EXISTS agenda_tokens("
      " token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, org TEXT NOT NULL,"
      " practitioner TEXT NOT NULL, name TEXT NOT NULL UNIQUE,"
      " created INTEGER NOT NULL, expires INTEGER NOT NULL)"));
  return std::unique_ptr<SqliteAgendaTokens>(new SqliteAgendaTokens(std::move(db), clock));
}

Result<std::string> SqliteAgendaTokens::Enroll(const AgendaGrant& g, int64_t expires_ms) {
  if (g.name.empty() || g.name.size() > 200)
    return Status::InvalidArgument("nom de jeton vide ou trop long (200 octets au plus)");
  if (!common::IsValidSiteId(g.org))
    return Status::InvalidArgument("--org : identifiant d'organisation invalide");
  if (g.kind != "fhir" && g.kind != "ical")
    return Status::InvalidArgument("type de jeton agenda inconnu (fhir ou ical)");
  if (g.kind == "ical" && !IsPractitionerRef(g.practitioner))
    return Status::InvalidArgument(
        "--practitioner : praticien « id@site » attendu pour un abonnement iCalendar");
  if (g.kind == "fhir" && !g.practitioner.empty())
    return Status::InvalidArgument("un jeton FHIR vaut pour toute l'organisation : "
                                   "pas de --practitioner");
  if (expires_ms < 0 || (expires_ms != 0 && expires_ms <= clock_->NowMillis()))
    return Status::InvalidArgument("date d'expiration déjà passée");
  RELAIS_ASSIGN_OR_RETURN(std::string token, GenerateToken());
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_RETURN_IF_ERROR(CheckTokenNameFree(*db_, "agenda_tokens", "agenda", g.name));
  RELAIS_ASSIGN_OR_RETURN(
      common::Stmt ins,
      db_->Prepare("INSERT INTO agenda_tokens(token_hash, kind, org, practitioner, name,"
                   " created, expires) VALUES(?,?,?,?,?,?,?)"));
  ins.Bind(1, CouncilTokenHash(token)).Bind(2, g.kind).Bind(3, g.org).Bind(4, g.practitioner);
  ins.Bind(5, g.name).Bind(6, clock_->NowMillis()).Bind(7, expires_ms);
  RELAIS_RETURN_IF_ERROR(ins.Run());
  return token;
}

Status SqliteAgendaTokens::Revoke(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return DeleteNamedToken(*db_, "agenda_tokens", "agenda", name);
}

Result<std::vector<AgendaTokenInfo>> SqliteAgendaTokens::List() {
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      common::Stmt st,
      db_->Prepare("SELECT kind, org, practitioner, name, created, expires, token_hash"
                   " FROM agenda_tokens ORDER BY name"));
  std::vector<AgendaTokenInfo> out;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AgendaTokenInfo i;
    i.grant = {st.ColumnText(0), st.ColumnText(1), st.ColumnText(2), st.ColumnText(3)};
    i.created_ms = st.ColumnInt(4);
    i.expires_ms = st.ColumnInt(5);
    i.hash_prefix = st.ColumnText(6).substr(0, 12);
    out.push_back(std::move(i));
  }
  return out;
}

Result<AgendaGrant> SqliteAgendaTokens::Check(const std::string& token, const std::string& kind) {
  if (token.empty()) return Status::Unauthenticated("jeton absent");
  if (token.size() > 128) return Status::Unauthenticated("jeton agenda inconnu");
  const std::string hash = CouncilTokenHash(token);
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      common::Stmt st,
      db_->Prepare("SELECT kind, org, practitioner, name, expires FROM agenda_tokens"
                   " WHERE token_hash = ?"));
  st.Bind(1, hash);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || st.ColumnText(0) != kind) return Status::Unauthenticated("jeton agenda inconnu");
  const int64_t expires = st.ColumnInt(4);
  if (expires != 0 && clock_->NowMillis() >= expires)
    return Status::Unauthenticated("jeton agenda expiré : demandez-en un nouveau à "
                                   "l'administrateur du hub");
  return AgendaGrant{st.ColumnText(0), st.ColumnText(1), st.ColumnText(2), st.ColumnText(3)};
}

}  // namespace relais::server
