#pragma once
// Agenda read tokens (issue #20): who may read an organisation's agenda from
// the hub's HTTP listener, apart from replica and council tokens, in their
// own table: of the hub's SQLite file (SqliteAgendaTokens) or of its
// PostgreSQL database (PgAgendaTokens, pg_agenda_tokens.h, the same columns
// in relais.agenda_tokens, shared by every hub over that database):
//
//   agenda_tokens(token_hash   TEXT PRIMARY KEY,  -- SHA-256 hex
//                 kind         TEXT NOT NULL,     -- 'fhir' | 'ical'
//                 org          TEXT NOT NULL,     -- organisation (site id)
//                 practitioner TEXT NOT NULL,     -- 'ical': "id@site"; else ''
//                 name         TEXT NOT NULL UNIQUE,
//                 created      INTEGER NOT NULL,  -- UTC milliseconds
//                 expires      INTEGER NOT NULL,  -- UTC ms, 0 = never
//                 patient_details INTEGER NOT NULL DEFAULT 0,  -- schema v2
//                 wrapped_key  TEXT NOT NULL DEFAULT '')       -- schema v2
//
// Schema v2 (patient details, issue #20): Open adds the last two columns to
// a v1 table in place, in one transaction; v1 tokens get 0 and '' and so
// stay pseudonymous. `patient_details` = 1: a FHIR token sees the patients'
// names and birth dates, an iCal token puts the name in its practitioner's
// events; `wrapped_key` is then the organisation's key sealed under the
// token (agenda_key_wrap.h). Details are served only when the flag is set
// AND the wrapped key opens with the presented token: a flag set by hand in
// the database reveals nothing.
//
// A 'fhir' token reads /fhir/* of one organisation (a regional service, a
// booking platform). An 'ical' token is one practitioner's subscription: it
// is the secret part of the URL /ical/<token>.ics (calendar apps cannot
// send headers), reads that practitioner's events only, and is revoked by
// name. Only hashes are stored; the token is shown once. Implementations
// are thread-safe.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto/keyring.h"
#include "common/storage/sqlite.h"
#include "common/util/clock.h"
#include "common/util/status.h"

namespace relais::server {

struct AgendaGrant {
  std::string kind;          // "fhir" | "ical"
  std::string org;
  std::string practitioner;  // "id@site" for "ical"
  std::string name;
  // FHIR: Patient name / birthDate; iCal: the patient's name in the
  // practitioner's own events. Off by default.
  bool patient_details = false;
};

// What a presented token may read: its grant, and the organisation's key
// when (and only when) it may see patient details and the key opened.
struct AgendaAccess {
  AgendaGrant grant;  // grant.patient_details = (ring != nullptr)
  std::shared_ptr<const common::crypto::Keyring> ring;
};

struct AgendaTokenInfo {
  AgendaGrant grant;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
  std::string hash_prefix;  // first 12 hex digits
};

// What a stored row holds, as read by Authorize (agenda_tokens.cc turns it
// into an access the same way for both stores).
struct AgendaTokenRow {
  AgendaGrant grant;  // grant.patient_details = the stored flag
  int64_t expires_ms = 0;
  std::string wrapped_key;
};

// A whole stored row, for `relais-hub migrate`, which copies rows as they
// are: the wrapped key opens with the token alone, whatever the store.
struct AgendaTokenExport {
  std::string token_hash;
  AgendaGrant grant;  // grant.patient_details = the stored flag
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
  std::string wrapped_key;
};

// Every agenda token row of the SQLite file `path` (a stopped hub's
// hub.db), by name, read through a query_only connection: the source is
// never written, not even migrated. None if the file has no agenda table; a
// v1 table reads as patient_details false, wrapped_key "". NOT_FOUND if the
// file is missing. At most kMaxAgendaTokenRows rows (FAILED_PRECONDITION
// beyond: not a hub's table).
inline constexpr int64_t kMaxAgendaTokenRows = 1'000'000;
common::Result<std::vector<AgendaTokenExport>> ReadSqliteAgendaTokens(const std::string& path);

class AgendaTokens {
 public:
  virtual ~AgendaTokens() = default;

  // A new token (64 hex characters, 32 random bytes) for `grant`.
  // INVALID_ARGUMENT (French) for an empty or long name, an org that is not
  // a site id, a kind other than fhir/ical, an ical grant without a
  // practitioner "id@site" (or a fhir grant with one), an expiry in the
  // past; ALREADY_EXISTS for a taken name. With grant.patient_details,
  // `org_key` (the organisation's key file, relais-<org>.cle) is required
  // and must be the organisation's own (INVALID_ARGUMENT otherwise); it is
  // kept only sealed under the new token. Without, `org_key` must be null.
  common::Result<std::string> Enroll(const AgendaGrant& grant, int64_t expires_ms,
                                     const common::crypto::Keyring* org_key = nullptr);
  virtual common::Status Revoke(const std::string& name) = 0;  // NOT_FOUND if none
  virtual common::Result<std::vector<AgendaTokenInfo>> List() = 0;  // by name
  // The grant of `token` if it is of `kind`; UNAUTHENTICATED otherwise
  // (empty, unknown, other kind, expired: the message says which).
  common::Result<AgendaGrant> Check(const std::string& token, const std::string& kind);
  // Check, plus the organisation's key for a details token. A details row
  // whose wrapped key does not open with `token` (flag flipped by hand,
  // tampered) gives a pseudonymous access (ring null, patient_details
  // false), never an error that would tell the holder what happened.
  common::Result<AgendaAccess> Authorize(const std::string& token, const std::string& kind);

 protected:
  explicit AgendaTokens(common::Clock* clock) : clock_(clock) {}
  // Stores a checked row; ALREADY_EXISTS (French) for a taken name.
  virtual common::Status Insert(const std::string& token_hash, const AgendaGrant& grant,
                                int64_t created_ms, int64_t expires_ms,
                                const std::string& wrapped_key) = 0;
  // The row of `token_hash`, nullopt if none.
  virtual common::Result<std::optional<AgendaTokenRow>> Find(const std::string& token_hash) = 0;
  common::Clock* clock_;
};

class SqliteAgendaTokens final : public AgendaTokens {
 public:
  // Opens (creates) the table in the SQLite file `path`, migrating v1.
  static common::Result<std::unique_ptr<SqliteAgendaTokens>> Open(
      const std::string& path, common::Clock* clock = common::SystemClock::Default());

  common::Status Revoke(const std::string& name) override;
  common::Result<std::vector<AgendaTokenInfo>> List() override;

 private:
  SqliteAgendaTokens(std::unique_ptr<common::Db> db, common::Clock* clock)
      : AgendaTokens(clock), db_(std::move(db)) {}
  common::Status Insert(const std::string& token_hash, const AgendaGrant& grant,
                        int64_t created_ms, int64_t expires_ms,
                        const std::string& wrapped_key) override;
  common::Result<std::optional<AgendaTokenRow>> Find(const std::string& token_hash) override;
  std::mutex mu_;
  std::unique_ptr<common::Db> db_;  // GUARDED_BY(mu_)
};

}  // namespace relais::server
