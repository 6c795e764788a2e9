#include "server/hub_store_cli.h"

#include <iostream>

#include "common/util/clock.h"
#include "server/agenda/pg_agenda_tokens.h"
#include "server/pg_hub_store.h"
#include "server/sqlite_hub_store.h"
#include "server/token.h"

namespace relais::server {

int ReportStatus(const common::Status& s) {
  if (s.ok()) return 0;
  std::cerr << "relais-hub: " << s.message() << "\n";
  return s.code() == common::StatusCode::kInvalidArgument ? 2 : 1;
}

namespace {
common::Result<std::unique_ptr<HubStore>> OpenForCli(const StoreChoice& c, bool create) {
  RELAIS_RETURN_IF_ERROR(CheckStoreChoice(c, false));
  return OpenHubStore(c, create);
}
}  // namespace

int Enroll(const StoreChoice& c, const std::vector<std::string>& sites,
           const std::string& name) {
  auto store = OpenForCli(c, true);
  if (!store.ok()) return ReportStatus(store.status());
  auto token = GenerateToken();
  if (!token.ok()) return ReportStatus(token.status());
  TokenInfo info;
  info.token_hash = HashToken(*token);
  info.name = name;
  info.sites = sites;
  info.created_ms = common::SystemClock::Default()->NowMillis();
  if (int rc = ReportStatus((*store)->AddToken(info)); rc != 0) return rc;
  std::cout << "Jeton à usage unique (affiché une seule fois), sites:";
  for (const auto& s : sites) std::cout << " " << s;
  std::cout << "\n" << *token << "\n";
  return 0;
}

int Revoke(const StoreChoice& c, const std::string& token, const std::string& name) {
  if (token.empty() && name.empty())
    return ReportStatus(common::Status::InvalidArgument("--token ou --name requis"));
  auto store = OpenForCli(c, false);
  if (!store.ok()) return ReportStatus(store.status());
  int rc = ReportStatus((*store)->Revoke(token.empty() ? "" : HashToken(token), name));
  if (rc == 0) std::cout << "jeton révoqué\n";
  return rc;
}

int ListTokens(const StoreChoice& c) {
  auto store = OpenForCli(c, false);
  if (!store.ok()) return ReportStatus(store.status());
  auto tokens = (*store)->ListTokens();
  if (!tokens.ok()) return ReportStatus(tokens.status());
  for (const TokenInfo& t : *tokens) {
    std::cout << t.token_hash.substr(0, 12) << " " << (t.name.empty() ? "-" : t.name)
              << " sites=";
    for (size_t i = 0; i < t.sites.size(); ++i) std::cout << (i ? "," : "") << t.sites[i];
    std::cout << " replica=" << (t.replica_id.empty() ? "-" : t.replica_id)
              << (t.revoked ? " RÉVOQUÉ" : "") << "\n";
  }
  return 0;
}

int ListTicketLetters(const StoreChoice& c) {
  auto store = OpenForCli(c, false);
  if (!store.ok()) return ReportStatus(store.status());
  auto letters = (*store)->ListTicketLetters();
  if (!letters.ok()) return ReportStatus(letters.status());
  for (const TicketLetter& l : *letters)
    std::cout << l.site_id << " " << l.letter << " replica=" << l.replica_id << "\n";
  return 0;
}

int Rebind(const StoreChoice& c, const std::string& name, const std::string& replica) {
  auto store = OpenForCli(c, false);
  if (!store.ok()) return ReportStatus(store.status());
  auto moved = (*store)->Rebind(name, replica);
  if (!moved.ok()) return ReportStatus(moved.status());
  std::cout << "réplique " << replica << " liée au jeton '" << name << "'";
  if (moved->previous_hash.empty()) {
    std::cout << "; aucun jeton ne la détenait\n";
  } else {
    std::cout << "; jeton précédent " << moved->previous_hash.substr(0, 12) << " '"
              << (moved->previous_name.empty() ? "-" : moved->previous_name) << "' "
              << (moved->previous_was_revoked ? "(déjà révoqué) délié" : "révoqué")
              << "\n";
  }
  return 0;
}

int Migrate(const std::string& from_db, const std::string& to_store) {
  if (from_db.empty() || to_store.empty())
    return ReportStatus(common::Status::InvalidArgument(
        "--from hub.db et --to postgresql://... requis"));
  if (auto s = CheckStoreChoice(StoreChoice{"", to_store}, false); !s.ok())
    return ReportStatus(common::Status::InvalidArgument(
        "--to: " + std::string(s.message())));
  auto from = SqliteHubStore::Open(from_db, false);
  if (!from.ok()) return ReportStatus(from.status());
  // Agenda tokens (docs/security.md): their rows as they are, in the
  // import's transaction; the table is made (v2) in the new database first.
  auto agenda = ReadSqliteAgendaTokens(from_db);
  if (!agenda.ok()) return ReportStatus(agenda.status());
  auto to = PgHubStore::Open(to_store);
  if (!to.ok()) return ReportStatus(to.status());
  if (auto table = PgAgendaTokens::Open(to_store); !table.ok())
    return ReportStatus(table.status());
  auto last = (*from)->LastSeq();
  if (!last.ok()) return ReportStatus(last.status());
  std::cerr << "relais-hub: migration de " << from_db << " (séquence " << *last
            << ") vers PostgreSQL...\n";
  const common::Status st = (*to)->ImportFrom(
      **from,
      [](size_t n) {
        if (n % 50000 == 0 && n > 0)
          std::cerr << "relais-hub: " << n << " enregistrements copiés\n";
      },
      [&agenda](pg::PgConn& c) { return ImportAgendaTokens(c, *agenda); });
  if (!st.ok()) return ReportStatus(st);
  std::cerr << "relais-hub: " << agenda->size() << " jeton(s) agenda copié(s)\n";
  auto epoch = (*to)->Epoch();
  std::cout << "migration terminée: même époque (" << (epoch.ok() ? *epoch : "?")
            << "), mêmes séquences; les répliques ne renverront rien. Démarrez les hubs"
               " avec --store\n";
  return 0;
}

int RenewEpoch(const StoreChoice& c) {
  auto store = OpenForCli(c, false);
  if (!store.ok()) return ReportStatus(store.status());
  if (int rc = ReportStatus((*store)->RenewEpoch()); rc != 0) return rc;
  std::cout << "nouvelle époque: les maisons renverront leurs données à la prochaine"
               " synchronisation\n";
  return 0;
}

}  // namespace relais::server
