#pragma once
// Council (funding office) tokens: read-only, limited to a list of sites,
// stored apart from the replicas' enrolment tokens in their own table of the
// hub's database file:
//
//   council_tokens(token_hash TEXT PRIMARY KEY,  -- SHA-256 hex of the token
//                  sites      TEXT NOT NULL,     -- comma-separated, sorted
//                  name       TEXT NOT NULL UNIQUE,
//                  created    INTEGER NOT NULL)  -- UTC milliseconds
//
// Only the hash is stored; the token itself is shown once at enrolment.
// A replica (kiosk) token is not in this table, so it is refused.
// Thread-safe: one SQLite connection behind a mutex.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/storage/sqlite.h"
#include "common/util/clock.h"
#include "server/report/report_backend.h"

namespace relais::server {

// SHA-256 of `token`, lower-case hex.
std::string CouncilTokenHash(const std::string& token);

struct CouncilTokenInfo {
  std::string name;
  std::vector<std::string> sites;
  int64_t created_ms = 0;
};

class SqliteCouncilTokens final : public CouncilTokenChecker {
 public:
  // Opens (creating if needed) `path` and the council_tokens table.
  // ":memory:" works for tests. Storage errors as in common/storage/sqlite.h.
  static common::Result<std::unique_ptr<SqliteCouncilTokens>> Open(
      const std::string& path);

  // Creates a token for `name` over `sites` and returns it (64 hex chars,
  // 32 random bytes from OpenSSL). INVALID_ARGUMENT for an empty name, no
  // site, or a site id that fails common::IsValidSiteId; ALREADY_EXISTS if the name is
  // taken; INTERNAL if the random generator fails.
  common::Result<std::string> Enroll(const std::string& name,
                                     const std::vector<std::string>& sites,
                                     common::Clock& clock);
  // Deletes the token named `name`. NOT_FOUND if there is none.
  common::Status Revoke(const std::string& name);
  common::Result<std::vector<CouncilTokenInfo>> List();

  // CouncilTokenChecker: UNAUTHENTICATED for an empty or unknown token.
  common::Result<std::vector<std::string>> Sites(
      const std::string& token) override;

 private:
  explicit SqliteCouncilTokens(std::unique_ptr<common::Db> db)
      : db_(std::move(db)) {}
  std::mutex mu_;
  std::unique_ptr<common::Db> db_;  // GUARDED_BY(mu_)
};

}  // namespace relais::server
