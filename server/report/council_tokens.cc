#include "server/report/council_tokens.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <set>

#include "common/model/validate.h"
#include "common/util/time.h"

namespace relais::server {

using common::Result;
using common::Status;

std::string CouncilTokenHash(const std::string& token) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(),
         md);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : md) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

namespace {

std::vector<std::string> SplitSites(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = std::min(s.find(',', start), s.size());
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// The Paris day on which a token expiring at `expires_ms` was last valid.
std::string LastValidDay(int64_t expires_ms) {
  return common::FormatDate(common::ParisDate(expires_ms / 1000 - 1));
}

}  // namespace

Result<int64_t> ParseCouncilExpiry(const std::string& text, int64_t now_ms) {
  const int64_t today = common::DaysFromCivil(common::ParisDate(now_ms / 1000));
  int64_t last_day = 0;
  if (!text.empty() && text.size() <= 4 &&
      text.find_first_not_of("0123456789") == std::string::npos) {
    const int64_t days = std::stoll(text);
    if (days < 1 || days > 3650)
      return Status::InvalidArgument("--expires : de 1 à 3650 jours, ou une date AAAA-MM-JJ");
    last_day = today + days;
  } else {
    auto d = common::ParseDate(text);
    if (!d.ok())
      return Status::InvalidArgument("--expires : date AAAA-MM-JJ ou nombre de jours attendu");
    last_day = common::DaysFromCivil(*d);
    if (last_day < today || last_day > today + 3650)
      return Status::InvalidArgument(
          "--expires : la date doit être entre aujourd'hui et dans dix ans");
  }
  // Refused from midnight (Paris) after the last valid day.
  return common::ParisLocalToUtc(common::CivilFromDays(last_day + 1), 0, 0) * 1000;
}

Status CheckTokenNameFree(common::Db& db, const char* table, const char* what,
                          const std::string& name) {
  RELAIS_ASSIGN_OR_RETURN(common::Stmt exists, db.Prepare(std::string("SELECT 1 FROM ") + table +
                                                          " WHERE name = ?"));
  exists.Bind(1, name);
  RELAIS_ASSIGN_OR_RETURN(bool taken, exists.Step());
  if (taken)
    return Status::AlreadyExists(std::string("un jeton ") + what + " nommé '" + name +
                                 "' existe déjà");
  return Status::OK();
}

Status DeleteNamedToken(common::Db& db, const char* table, const char* what,
                        const std::string& name) {
  RELAIS_ASSIGN_OR_RETURN(common::Stmt del, db.Prepare(std::string("DELETE FROM ") + table +
                                                       " WHERE name = ?"));
  del.Bind(1, name);
  RELAIS_RETURN_IF_ERROR(del.Run());
  if (db.changes() == 0)
    return Status::NotFound(std::string("aucun jeton ") + what + " nommé '" + name + "'");
  return Status::OK();
}

Result<std::unique_ptr<SqliteCouncilTokens>> SqliteCouncilTokens::Open(
    const std::string& path, common::Clock* clock) {
  RELAIS_ASSIGN_OR_RETURN(std::unique_ptr<common::Db> db,
                          common::Db::Open(path, /*create=*/true));
  RELAIS_RETURN_IF_ERROR(db->Exec(
      "CREATE TABLE IF NOT EXISTS council_tokens("
      " token_hash TEXT PRIMARY KEY, sites TEXT NOT NULL,"
      " name TEXT NOT NULL UNIQUE, created INTEGER NOT NULL,"
      " expires INTEGER NOT NULL DEFAULT 0)"));
  // A table from before expiry: add the column (every old token: never).
  RELAIS_ASSIGN_OR_RETURN(
      int64_t has_expires,
      db->QueryInt("SELECT count(*) FROM pragma_table_info('council_tokens')"
                   " WHERE name = 'expires'"));
  if (has_expires == 0)
    RELAIS_RETURN_IF_ERROR(db->Exec(
        "ALTER TABLE council_tokens ADD COLUMN expires INTEGER NOT NULL DEFAULT 0"));
  return std::unique_ptr<SqliteCouncilTokens>(
      new SqliteCouncilTokens(std::move(db), clock));
}

Result<std::string> SqliteCouncilTokens::Enroll(
    const std::string& name, const std::vector<std::string>& sites,
    common::Clock& clock, int64_t expires_ms) {
  if (name.empty()) return Status::InvalidArgument("nom de jeton vide");
  if (name.size() > 200) return Status::InvalidArgument("nom de jeton trop long");
  if (expires_ms < 0 || (expires_ms != 0 && expires_ms <= clock.NowMillis()))
    return Status::InvalidArgument("date d'expiration déjà passée");
  if (sites.empty()) return Status::InvalidArgument("aucun site autorisé");
  std::set<std::string> sorted;
  for (const std::string& s : sites) {
    if (!common::IsValidSiteId(s))
      return Status::InvalidArgument(
          "identifiant de site invalide (1 à 64 caractères parmi A-Z a-z 0-9 "
          ". _ -)");
    sorted.insert(s);
  }
  std::string joined;
  for (const std::string& s : sorted) joined += (joined.empty() ? "" : ",") + s;
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1)
    return Status::Internal("générateur aléatoire indisponible");
  static const char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : raw) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_RETURN_IF_ERROR(CheckTokenNameFree(*db_, "council_tokens", "conseil", name));
  RELAIS_ASSIGN_OR_RETURN(
      common::Stmt ins,
      db_->Prepare("INSERT INTO council_tokens(token_hash, sites, name, created, expires)"
                   " VALUES(?,?,?,?,?)"));
  ins.Bind(1, CouncilTokenHash(token)).Bind(2, joined).Bind(3, name);
  ins.Bind(4, clock.NowMillis()).Bind(5, expires_ms);
  RELAIS_RETURN_IF_ERROR(ins.Run());
  return token;
}

Status SqliteCouncilTokens::Revoke(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return DeleteNamedToken(*db_, "council_tokens", "conseil", name);
}

Result<std::vector<CouncilTokenInfo>> SqliteCouncilTokens::List() {
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      common::Stmt st,
      db_->Prepare("SELECT name, sites, created, expires, token_hash"
                   " FROM council_tokens ORDER BY name"));
  std::vector<CouncilTokenInfo> out;
  for (;;) {
    RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.ColumnText(0), SplitSites(st.ColumnText(1)),
                   st.ColumnInt(2), st.ColumnInt(3), st.ColumnText(4).substr(0, 12)});
  }
  return out;
}

Result<std::vector<std::string>> SqliteCouncilTokens::Sites(
    const std::string& token) {
  if (token.empty()) return Status::Unauthenticated("jeton absent");
  const std::string hash = CouncilTokenHash(token);
  std::lock_guard<std::mutex> lock(mu_);
  RELAIS_ASSIGN_OR_RETURN(
      common::Stmt st,
      db_->Prepare("SELECT sites, expires FROM council_tokens WHERE token_hash = ?"));
  st.Bind(1, hash);
  RELAIS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Unauthenticated("jeton conseil inconnu");
  const int64_t expires = st.ColumnInt(1);
  if (expires != 0 && clock_->NowMillis() >= expires)
    return Status::Unauthenticated("jeton conseil expiré (valable jusqu'au " + LastValidDay(expires) + " inclus)" +
                                   " : demandez-en un nouveau à l'administrateur du hub");
  std::vector<std::string> sites = SplitSites(st.ColumnText(0));
  if (sites.empty()) return Status::Unauthenticated("jeton sans site");
  return sites;
}

}  // namespace relais::server
