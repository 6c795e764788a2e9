#include "server/hub_council_cli.h"

#include <iostream>

#include "common/util/clock.h"
#include "common/util/time.h"
#include "server/report/council_tokens.h"

namespace relais::server {

namespace {

int Report(const common::Status& s) {
  if (s.ok()) return 0;
  std::cerr << "relais-hub: " << s.message() << "\n";
  return s.code() == common::StatusCode::kInvalidArgument ? 2 : 1;
}

std::string ParisDay(int64_t ms) {
  return common::FormatDate(common::ParisDate(ms / 1000));
}

}  // namespace

int CouncilEnroll(const std::string& db, const std::string& name,
                  const std::vector<std::string>& sites, const std::string& expires) {
  common::Clock& clock = *common::SystemClock::Default();
  int64_t expires_ms = 0;
  if (!expires.empty()) {
    auto e = ParseCouncilExpiry(expires, clock.NowMillis());
    if (!e.ok()) return Report(e.status());
    expires_ms = *e;
  }
  auto tokens = SqliteCouncilTokens::Open(db);
  if (!tokens.ok()) return Report(tokens.status());
  auto token = (*tokens)->Enroll(name, sites, clock, expires_ms);
  if (!token.ok()) return Report(token.status());
  std::cout << "Jeton de lecture pour le financeur '" << name
            << "' (affiché une seule fois), sites:";
  for (const auto& s : sites) std::cout << " " << s;
  if (expires_ms != 0) std::cout << ", valable jusqu'au " << ParisDay(expires_ms - 1) << " inclus";
  std::cout << "\n" << *token << "\n";
  return 0;
}

int CouncilList(const std::string& db) {
  auto tokens = SqliteCouncilTokens::Open(db);
  if (!tokens.ok()) return Report(tokens.status());
  auto list = (*tokens)->List();
  if (!list.ok()) return Report(list.status());
  const int64_t now = common::SystemClock::Default()->NowMillis();
  for (const CouncilTokenInfo& t : *list) {
    std::cout << t.hash_prefix << " '" << t.name << "' sites=";
    for (size_t i = 0; i < t.sites.size(); ++i) std::cout << (i ? "," : "") << t.sites[i];
    std::cout << " créé=" << ParisDay(t.created_ms) << " expire=";
    if (t.expires_ms == 0) std::cout << "jamais";
    else std::cout << ParisDay(t.expires_ms - 1) << (now >= t.expires_ms ? " EXPIRÉ" : "");
    std::cout << "\n";
  }
  return 0;
}

int CouncilRevoke(const std::string& db, const std::string& name) {
  auto tokens = SqliteCouncilTokens::Open(db);
  if (!tokens.ok()) return Report(tokens.status());
  const int rc = Report((*tokens)->Revoke(name));
  if (rc == 0) std::cout << "jeton conseil '" << name << "' révoqué\n";
  return rc;
}

}  // namespace relais::server
