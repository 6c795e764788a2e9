#pragma once
// SqliteHubStore: the embedded HubStore (one SQLite file, WAL,
// synchronous=FULL).
//
// Schema (version 1; PRAGMA application_id = 0x52454C48 'RELH',
// PRAGMA user_version = schema version, upgraded by Migrate()):
//   meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)
//     hub_seq: last hub sequence handed out
//   records(collection INT, id TEXT, site_id TEXT, state TEXT (canonical
//           JSON, see codec/record_json.h), hub_seq INT (sequence of the
//           last change of this state), origin TEXT (replica whose push
//           produced exactly this state; '' if the hub merged),
//           PRIMARY KEY(collection, id))
//   index records_site_seq(site_id, hub_seq) -> pull in O(changes in scope)
//   tokens(token_hash TEXT PRIMARY KEY (SHA-256 hex), sites TEXT (comma
//          list), replica_id TEXT ('' until first use), revoked INT,
//          name TEXT, created INT (ms since epoch))
//
// Thread-safe: one connection behind a mutex; calls are serialised, which
// also makes hub sequences gap-free in commit order (a pull never skips a
// sequence that commits later).

#include <memory>
#include <mutex>
#include <string>

#include "common/merge/accept.h"
#include "common/storage/sqlite.h"
#include "common/util/clock.h"
#include "server/hub_store.h"

namespace relais::server {

inline constexpr int kHubSchemaVersion = 1;

class SqliteHubStore final : public HubStore {
 public:
  // Opens or (if `create`) creates the hub database at `path` (":memory:"
  // works). DATA_LOSS / FAILED_PRECONDITION for a foreign or future file.
  // `clock` (not owned, outlives the store) is the hub's time for the
  // acceptance rule's clock bound (common/merge/accept.h).
  static Result<std::unique_ptr<SqliteHubStore>> Open(
      const std::string& path, bool create,
      common::Clock* clock = common::SystemClock::Default());

  Status AddToken(const TokenInfo& token) override;
  Status Revoke(const std::string& token_hash,
                const std::string& name) override;
  Result<std::vector<TokenInfo>> ListTokens() override;
  Result<Scope> Authorize(const std::string& token_hash,
                          const std::string& replica_id,
                          const std::string& site_id) override;
  Status CheckToken(const std::string& token_hash) override;
  Result<PushResult> Push(const Scope& scope,
                          const std::vector<Record>& batch) override;
  Result<PullResult> Pull(const Scope& scope, uint64_t after,
                          size_t max_records, size_t max_bytes) override;
  Result<std::optional<StoredRecord>> Get(common::Collection c,
                                          const std::string& id) override;
  Result<uint64_t> LastSeq() override;
  Result<std::vector<std::string>> Sites() override;
  Result<std::string> Epoch() override;
  Status RenewEpoch() override;

  // Tests: caps the database at `pages` pages (PRAGMA max_page_count) to
  // simulate a full disk.
  Status TEST_LimitPages(int64_t pages);

  // The query plan of the pull query for `sites` (tests check the index).
  Result<std::string> ExplainPull(size_t sites);

 private:
  SqliteHubStore(std::unique_ptr<common::Db> db, common::Clock* clock)
      : db_(std::move(db)), clock_(clock) {}
  Status Migrate();
  // REQUIRES: mu_ held.
  Result<std::optional<StoredRecord>> GetLocked(common::Collection c,
                                                const std::string& id);
  Result<uint64_t> LastSeqLocked();
  // Checks one record against scope and the acceptance rule, and writes
  // the merged state with a new hub_seq if it changed.
  // REQUIRES: mu_ held, open transaction.
  Status PushOne(const Scope& scope, const Record& in, uint64_t* seq,
                 PushResult* result);

  std::mutex mu_;
  std::unique_ptr<common::Db> db_;  // GUARDED_BY(mu_)
  common::Clock* clock_;
  const common::AcceptLimits limits_;
};

// True for a usable site id: 1..64 of [A-Za-z0-9_-].
bool IsValidHubSiteId(const std::string& site);

}  // namespace relais::server
