#include "server/agenda/agenda_tokens.h"

#include "common/model/validate.h"
#include "server/agenda/agenda_key_wrap.h"
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

// Schema v1 -> v2 in place (see agenda_tokens.h), in one transaction.
Status MigrateToV2(common::Db& db) {
  RELAIS_ASSIGN_OR_RETURN(int64_t has, db.QueryInt(
      "SELECT COUNT(*) FROM pragma_table_info('agenda_tokens') WHERE name = 'patient_details'"));
  if (has > 0) return Status::OK();
  common::Transaction tx(&db);
  RELAIS_RETURN_IF_ERROR(tx.status());
  RELAIS_RETURN_IF_ERROR(db.Exec(
      "ALTER TABLE agenda_tokens ADD COLUMN patient_details INTEGER NOT NULL DEFAULT 0"));
  RELAIS_RETURN_IF_ERROR(
      db.Exec("ALTER TABLE agenda_tokens ADD COLUMN wrapped_key TEXT NOT NULL DEFAULT ''"));
  return tx.Commit();
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
  RELAIS_RETURN_IF_ERROR(MigrateToV2(*db));
  return std::unique_ptr<SqliteAgendaTokens>(new SqliteAgendaTokens(std::move(db), clock));
}

Result<std::string> AgendaTokens::Enroll(const AgendaGrant& g, int64_t expires_ms,
                                         const common::crypto::Keyring* org_key) {
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
  if (g.patient_details && org_key == nullptr)
    return Status::InvalidArgument(
        "détails des patients : la clé de l'organisation (--cle relais-<org>.cle) est requise");
  if (!g.patient_details && org_key != nullptr)
    return Status::InvalidArgument("--cle sans détails des patients : rien à en faire");
  if (org_key != nullptr && org_key->site() != g.org)
    return Status::InvalidArgument("--cle : clé de l'organisation « " + org_key->site() +
                                   " », pas de « " + g.org + " »");
  RELAIS_ASSIGN_OR_RETURN(std::string token, GenerateToken());
  std::string wrapped;
  if (org_key != nullptr) {
    RELAIS_ASSIGN_OR_RETURN(wrapped, WrapKeyForToken(*org_key, token));
  }
  RELAIS_RETURN_IF_ERROR(
      Insert(CouncilTokenHash(token), g, clock_->NowMillis(), expires_ms, wrapped));
  return token;
}

Result<AgendaGrant> AgendaTokens::Check(const std::string& token, const std::string& kind) {
  RELAIS_ASSIGN_OR_RETURN(AgendaAccess a, Authorize(token, kind));
  return a.grant;
}

Result<AgendaAccess> AgendaTokens::Authorize(const std::string& token, const std::string& kind) {
  if (token.empty()) return Status::Unauthenticated("jeton absent");
  if (token.size() > 128) return Status::Unauthenticated("jeton agenda inconnu");
  RELAIS_ASSIGN_OR_RETURN(std::optional<AgendaTokenRow> row, Find(CouncilTokenHash(token)));
  if (!row || row->grant.kind != kind) return Status::Unauthenticated("jeton agenda inconnu");
  if (row->expires_ms != 0 && clock_->NowMillis() >= row->expires_ms)
    return Status::Unauthenticated("jeton agenda expiré : demandez-en un nouveau à "
                                   "l'administrateur du hub");
  AgendaAccess out;
  out.grant = row->grant;
  out.grant.patient_details = false;
  if (row->grant.patient_details && !row->wrapped_key.empty()) {
    auto ring = UnwrapKeyForToken(row->wrapped_key, token);
    if (ring.ok() && ring->site() == out.grant.org) {
      out.ring = std::make_shared<const common::crypto::Keyring>(std::move(ring).value());
      out.grant.patient_details = true;
    }
  }
  return out;
}

Status SqliteAgendaTokens::Insert(const std::string& token_hash, const AgendaGrant& g,
                                  int64_t created_ms, int64_t expires_ms,
                                  const std::string& wrapped) {
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_RETURN_IF_ERROR(CheckTokenNameFree(*db_, "agenda_tokens", "agenda", g.name));
  RELAIS_ASSIGN_OR_RETURN(
      common::Stmt ins,
      db_->Prepare("INSERT INTO agenda_tokens(token_hash, kind, org, practitioner, name,"
                   " created, expires, patient_details, wrapped_key)"
                   " VALUES(?,?,?,?,?,?,?,?,?)"));
  ins.Bind(1, token_hash).Bind(2, g.kind).Bind(3, g.org).Bind(4, g.practitioner);
  ins.Bind(5, g.name).Bind(6, created_ms).Bind(7, expires_ms);
  ins.Bind(8, int64_t{g.patient_details ? 1 : 0}).Bind(9, wrapped);
  return ins.Run();
}

Status SqliteAgendaTokens::Revoke(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return DeleteNamedToken(*db_, "agenda_tokens", "agenda", name);
}

Result<std::vector<AgendaTokenInfo>> SqliteAgendaTokens::List() {
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      common::Stmt st,
      db_->Prepare("SELECT kind, org, practitioner, name, created, expires, token_hash,"
                   " patient_details FROM agenda_tokens ORDER BY name"));
  std::vector<AgendaTokenInfo> out;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AgendaTokenInfo i;
    i.grant = {st.ColumnText(0), st.ColumnText(1), st.ColumnText(2), st.ColumnText(3)};
    i.created_ms = st.ColumnInt(4);
    i.expires_ms = st.ColumnInt(5);
    i.hash_prefix = st.ColumnText(6).substr(0, 12);
    i.grant.patient_details = st.ColumnInt(7) != 0;
    out.push_back(std::move(i));
  }
  return out;
}

Result<std::vector<AgendaTokenExport>> ReadSqliteAgendaTokens(const std::string& path) {
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<common::Db> db, common::Db::OpenReader(path));
  RELAIS_ASSIGN_OR_RETURN(
      int64_t tables,
      db->QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                   " AND name = 'agenda_tokens'"));
  if (tables == 0) return std::vector<AgendaTokenExport>();
  RELAIS_ASSIGN_OR_RETURN(int64_t rows, db->QueryInt("SELECT COUNT(*) FROM agenda_tokens"));
  if (rows > kMaxAgendaTokenRows)
    return Status::FailedPrecondition("table agenda_tokens démesurée (" + std::to_string(rows) +
                                      " lignes): ce n'est pas celle d'un hub");
  RELAIS_ASSIGN_OR_RETURN(
      int64_t v2, db->QueryInt("SELECT COUNT(*) FROM pragma_table_info('agenda_tokens')"
                               " WHERE name = 'patient_details'"));
  RELAIS_ASSIGN_OR_RETURN(
      common::Stmt st,
      db->Prepare(std::string("SELECT token_hash, kind, org, practitioner, name, created,"
                              " expires, ") +
                  (v2 > 0 ? "patient_details, wrapped_key" : "0, ''") +
                  " FROM agenda_tokens ORDER BY name"));
  std::vector<AgendaTokenExport> out;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    AgendaTokenExport e;
    e.token_hash = st.ColumnText(0);
    e.grant = {st.ColumnText(1), st.ColumnText(2), st.ColumnText(3), st.ColumnText(4),
               st.ColumnInt(7) != 0};
    e.created_ms = st.ColumnInt(5);
    e.expires_ms = st.ColumnInt(6);
    e.wrapped_key = st.ColumnText(8);
    out.push_back(std::move(e));
  }
}

Result<std::optional<AgendaTokenRow>> SqliteAgendaTokens::Find(const std::string& hash) {
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      common::Stmt st,
      db_->Prepare("SELECT kind, org, practitioner, name, expires, patient_details,"
                   " wrapped_key FROM agenda_tokens WHERE token_hash = ?"));
  st.Bind(1, hash);
  RELAIS_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return std::optional<AgendaTokenRow>();
  AgendaTokenRow row;
  row.grant = {st.ColumnText(0), st.ColumnText(1), st.ColumnText(2), st.ColumnText(3),
               st.ColumnInt(5) != 0};
  row.expires_ms = st.ColumnInt(4);
  row.wrapped_key = st.ColumnText(6);
  return std::optional<AgendaTokenRow>(std::move(row));
}

}  // namespace relais::server
