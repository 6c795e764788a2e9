#pragma once
// Council (funding office) tokens: read-only, limited to a list of sites,
// stored apart from the replicas' enrolment tokens in their own table of the
// hub's database file:
//
//   council_tokens(token_hash TEXT PRIMARY KEY,  -- SHA-256 hex of the token
//                  sites      TEXT NOT NULL,     -- comma-separated, sorted
//                  name       TEXT NOT NULL UNIQUE,
//                  created    INTEGER NOT NULL,  -- UTC milliseconds
//                  expires    INTEGER NOT NULL DEFAULT 0)
//                  -- UTC milliseconds from which the token is refused;
//                  -- 0 = never (files from before expiry get the column)
//
// Only the hash is stored; the token itself is shown once at enrolment.
// An expired token is refused (UNAUTHENTICATED « jeton conseil expiré le
// AAAA-MM-JJ ») until it is revoked or replaced.
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

// Token tables keyed by a unique `name` column (council_tokens here,
// agenda_tokens in server/agenda). `table` is one of those constants, never
// input. ALREADY_EXISTS « un jeton WHAT nommé 'NAME' existe déjà » if the
// name is taken. REQUIRES: the caller holds its store's lock.
common::Status CheckTokenNameFree(common::Db& db, const char* table, const char* what,
                                  const std::string& name);
// Deletes the token named `name`; NOT_FOUND « aucun jeton WHAT nommé
// 'NAME' » if there is none. REQUIRES: as above.
common::Status DeleteNamedToken(common::Db& db, const char* table, const char* what,
                                const std::string& name);

struct CouncilTokenInfo {
  std::string name;
  std::vector<std::string> sites;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;  // 0 = never
  std::string hash_prefix;  // first 12 hex digits of the stored hash
};

// Parses --expires: "AAAA-MM-JJ" (the token works through that Paris day)
// or a number of days 1..3650 from `now_ms`. Returns the UTC milliseconds
// from which the token is refused. INVALID_ARGUMENT otherwise (among them a
// date before today or more than ten years ahead).
common::Result<int64_t> ParseCouncilExpiry(const std::string& text, int64_t now_ms);

class SqliteCouncilTokens final : public CouncilTokenChecker {
 public:
  // Opens (creating if needed) `path` and the council_tokens table, adding
  // the `expires` column to an older table. `clock` (must outlive this
  // object) decides expiry. ":memory:" works for tests. Storage errors as
  // in common/storage/sqlite.h.
  static common::Result<std::unique_ptr<SqliteCouncilTokens>> Open(
      const std::string& path,
      common::Clock* clock = common::SystemClock::Default());

  // Creates a token for `name` over `sites` and returns it (64 hex chars,
  // 32 random bytes from OpenSSL). INVALID_ARGUMENT for an empty name, no
  // site, or a site id that fails common::IsValidSiteId; ALREADY_EXISTS if the name is
  // taken; INTERNAL if the random generator fails. `expires_ms` (0 =
  // never) is when the token stops working (ParseCouncilExpiry).
  common::Result<std::string> Enroll(const std::string& name,
                                     const std::vector<std::string>& sites,
                                     common::Clock& clock, int64_t expires_ms = 0);
  // Deletes the token named `name`. NOT_FOUND if there is none.
  common::Status Revoke(const std::string& name);
  common::Result<std::vector<CouncilTokenInfo>> List();

  // CouncilTokenChecker: UNAUTHENTICATED for an empty, unknown or expired
  // token (the message says « expiré » for the last).
  common::Result<std::vector<std::string>> Sites(
      const std::string& token) override;

 private:
  SqliteCouncilTokens(std::unique_ptr<common::Db> db, common::Clock* clock)
      : clock_(clock), db_(std::move(db)) {}
  common::Clock* clock_;
  std::mutex mu_;
  std::unique_ptr<common::Db> db_;  // GUARDED_BY(mu_)
};

}  // namespace relais::server
