#pragma once
// Agenda read tokens (issue #20): who may read an organisation's agenda from
// the hub's HTTP listener, apart from replica and council tokens, in their
// own table of the hub's database file:
//
//   agenda_tokens(token_hash   TEXT PRIMARY KEY,  -- SHA-256 hex
//                 kind         TEXT NOT NULL,     -- 'fhir' | 'ical'
//                 org          TEXT NOT NULL,     -- organisation (site id)
//                 practitioner TEXT NOT NULL,     -- 'ical': "id@site"; else ''
//                 name         TEXT NOT NULL UNIQUE,
//                 created      INTEGER NOT NULL,  -- UTC milliseconds
//                 expires      INTEGER NOT NULL)  -- UTC ms, 0 = never
//
// A 'fhir' token reads /fhir/* of one organisation (a regional service, a
// booking platform). An 'ical' token is one practitioner's subscription: it
// is the secret part of the URL /ical/<token>.ics (calendar apps cannot
// send headers), reads that practitioner's events only, and is revoked by
// name. Only hashes are stored; the token is shown once. Thread-safe.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/storage/sqlite.h"
#include "common/util/clock.h"
#include "common/util/status.h"

namespace relais::server {

struct AgendaGrant {
  std::string kind;          // "fhir" | "ical"
  std::string org;
  std::string practitioner;  // "id@site" for "ical"
  std::string name;
};

struct AgendaTokenInfo {
  AgendaGrant grant;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
  std::string hash_prefix;  // first 12 hex digits
};

class SqliteAgendaTokens {
 public:
  static common::Result<std::unique_ptr<SqliteAgendaTokens>> Open(
      const std::string& path, common::Clock* clock = common::SystemClock::Default());

  // A new token (64 hex characters, 32 random bytes) for `grant`.
  // INVALID_ARGUMENT (French) for an empty or long name, an org that is not
  // a site id, a kind other than fhir/ical, an ical grant without a
  // practitioner "id@site" (or a fhir grant with one), an expiry in the
  // past; ALREADY_EXISTS for a taken name.
  common::Result<std::string> Enroll(const AgendaGrant& grant, int64_t expires_ms);
  common::Status Revoke(const std::string& name);  // NOT_FOUND if none
  common::Result<std::vector<AgendaTokenInfo>> List();
  // The grant of `token` if it is of `kind`; UNAUTHENTICATED otherwise
  // (empty, unknown, other kind, expired: the message says which).
  common::Result<AgendaGrant> Check(const std::string& token, const std::string& kind);

 private:
  SqliteAgendaTokens(std::unique_ptr<common::Db> db, common::Clock* clock)
      : clock_(clock), db_(std::move(db)) {}
  common::Clock* clock_;
  std::mutex mu_;
  std::unique_ptr<common::Db> db_;  // GUARDED_BY(mu_)
};

}  // namespace relais::server
