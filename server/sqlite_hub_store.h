#pragma once
// SqliteHubStore: the embedded HubStore (one SQLite file, WAL,
// synchronous=FULL).
//
// Schema (version 3; PRAGMA application_id = 0x52454C48 'RELH',
// PRAGMA user_version = schema version, upgraded by Migrate()):
//   meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)
//     hub_seq: last hub sequence handed out; epoch: identity of the data;
//     identity_note: tokens revoked by the 1 -> 2 migration, until reported
//   records(collection INT, id TEXT, site_id TEXT, state TEXT (canonical
//           JSON, see codec/record_json.h), hub_seq INT (sequence of the
//           last change of this state), origin TEXT (replica whose push
//           produced exactly this state; '' if the hub merged),
//           PRIMARY KEY(site_id, collection, id))
//     A record's identity is per site: the same id at two sites is two
//     records (version 1 had PRIMARY KEY(collection, id), hub-global).
//   index records_site_seq(site_id, hub_seq) -> pull in O(changes in scope)
//   tokens(token_hash TEXT PRIMARY KEY (SHA-256 hex), sites TEXT (comma
//          list), replica_id TEXT ('' until first use), revoked INT,
//          name TEXT, created INT (ms since epoch))
//   unique index tokens_replica(replica_id) WHERE replica_id != '':
//     one replica id <-> one token (revoked tokens keep theirs).
//   ticket_letters(site_id TEXT, letter TEXT ('A'..'Z'), replica_id TEXT,
//                  PRIMARY KEY(site_id, letter), UNIQUE(site_id, replica_id))
//     walk-in ticket letters (AssignTicketLetter; version 3, added empty).
//   (version 4, history purge, docs/sync-model.md §11)
//   replica_acks(replica_id TEXT PRIMARY KEY, pull_cursor INT (last
//                acknowledged pull cursor), at_ms INT)
//   purge_horizons(site_id TEXT PRIMARY KEY, horizon INT): tombstones of
//                the site with hub_seq <= horizon may have been removed
//   index records_tombstones(site_id, hub_seq) WHERE the state holds a
//     `_deleted` field -> a purge run reads tombstones only
//   (version 5, compaction of retired replicas, sync-model.md §11)
//   tokens.revoked_seq INT: hub_seq when the token was revoked (tokens
//     already revoked at the migration: the hub_seq of the migration)
//
// Thread-safe. Writes (Push, AddToken, Revoke, Rebind, RenewEpoch, the
// first binding in Authorize) use one writer connection under mu_; they are
// serialised, which makes hub sequences gap-free in commit order. Reads
// (Pull, Get, LastSeq, Epoch, Sites, ListTokens, Authorize of a bound
// token) use a pool of kReaders reader connections, each under its own
// mutex; with WAL they read the last committed state while a push holds
// the writer, so a big push stalls no other house's sync. Each Pull reads
// its rows and the last sequence in one read transaction (one snapshot).
// A ":memory:" store has no readers: every call then uses the writer.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/merge/accept.h"
#include "common/storage/sqlite.h"
#include "common/storage/vacuum.h"
#include "common/util/clock.h"
#include "server/hub_store.h"

namespace relais::server {

inline constexpr int kHubSchemaVersion = 5;

class SqliteHubStore final : public HubStore {
 public:
  static constexpr size_t kReaders = 4;

  // Opens or (if `create`) creates the hub database at `path` (":memory:"
  // works). DATA_LOSS / FAILED_PRECONDITION for a foreign or future file.
  // `clock` (not owned, outlives the store) is the hub's time for the
  // acceptance rule's clock bound (common/merge/accept.h).
  // Upgrading a version-1 file revokes the later tokens of any replica id
  // bound to several; if `note` is given, it receives (once) a French
  // sentence naming them ("" if none), else the sentence waits in the file
  // for an Open() that asks for it.
  static Result<std::unique_ptr<SqliteHubStore>> Open(
      const std::string& path, bool create,
      common::Clock* clock = common::SystemClock::Default(),
      std::string* note = nullptr);

  Status AddToken(const TokenInfo& token) override;
  Status Revoke(const std::string& token_hash,
                const std::string& name) override;
  Result<std::vector<TokenInfo>> ListTokens() override;
  Result<std::string> AssignTicketLetter(const std::string& site_id,
                                         const std::string& replica_id) override;
  Result<std::vector<TicketLetter>> ListTicketLetters() override;
  Result<Scope> Authorize(const std::string& token_hash,
                          const std::string& replica_id,
                          const std::string& site_id) override;
  Status CheckToken(const std::string& token_hash) override;
  Result<RebindResult> Rebind(const std::string& token_name,
                              const std::string& replica_id) override;
  Result<PushResult> Push(const Scope& scope,
                          const std::vector<Record>& batch) override;
  Result<PullResult> Pull(const Scope& scope, uint64_t after,
                          size_t max_records, size_t max_bytes) override;
  Result<std::optional<StoredRecord>> Get(const std::string& site_id,
                                          common::Collection c,
                                          const std::string& id) override;
  Result<uint64_t> LastSeq() override;
  Result<std::vector<std::string>> Sites() override;
  Result<std::string> Epoch() override;
  Status RenewEpoch() override;
  Result<bool> RecordAck(const std::string& replica_id, uint64_t pull_cursor) override;
  Result<std::map<std::string, uint64_t>> PurgeHorizons(
      const std::vector<std::string>& sites) override;
  Result<std::vector<std::string>> CompactedReplicas() override;
  Result<PurgeReport> Purge(const std::vector<std::string>& only, size_t max_records,
                            bool dry_run) override;

  // The nightly compaction (server/hub_maintenance.h, sqlite_hub_compact.cc):
  // VACUUM through the writer connection under mu_, so pushes and token
  // writes wait for it on the mutex (no SQLITE_BUSY) while pulls keep
  // reading the last committed state (WAL); then stamps
  // kLastCompactionMetaKey = `clock`'s time, read under mu_ after the
  // VACUUM, in meta. Errors as common::Compact (the file unchanged if the
  // VACUUM failed).
  Result<common::CompactReport> CompactUnderLock(common::Clock* clock,
                                                 int64_t max_bytes = common::kMaxSwitchBytes);
  // The last successful compaction recorded in meta (0 = never).
  Result<int64_t> LastCompactionMs();

  // Tests: caps the database at `pages` pages (PRAGMA max_page_count) to
  // simulate a full disk.
  Status TEST_LimitPages(int64_t pages);
  // Tests: `hook` runs inside every Push transaction, after the batch is
  // written and before the commit, with mu_ held (nullptr: none).
  void TEST_SetPushHook(std::function<void()> hook);

  // The query plan of the pull query for `sites` (tests check the index).
  Result<std::string> ExplainPull(size_t sites);

 private:
  // A reader connection; `mu` guards `db`.
  struct Reader {
    std::mutex mu;
    std::unique_ptr<common::Db> db;
  };
  // Exclusive use of one connection for reading (a reader, or the writer
  // under mu_ when there are no readers) until destroyed.
  class ReadLease {
   public:
    ReadLease(std::unique_lock<std::mutex> lock, common::Db* db)
        : lock_(std::move(lock)), db_(db) {}
    common::Db* db() const { return db_; }

   private:
    std::unique_lock<std::mutex> lock_;
    common::Db* db_;
  };

  SqliteHubStore(std::unique_ptr<common::Db> db, common::Clock* clock)
      : db_(std::move(db)), clock_(clock) {}
  Status Migrate();
  Status OpenReaders(const std::string& path);
  Result<std::string> TakeIdentityNote();
  // A free reader if any, else waits for one. Never called with mu_ held.
  ReadLease AcquireReader();
  // The first binding of `token_hash` to `replica_id`, under mu_.
  Result<Scope> BindFirstUse(const std::string& token_hash,
                             const std::string& replica_id,
                             const std::string& site_id);
  // REQUIRES: mu_ held.
  Result<std::optional<StoredRecord>> GetLocked(const std::string& site_id,
                                                common::Collection c,
                                                const std::string& id);
  Result<uint64_t> LastSeqLocked();
  // Checks one record against scope and the acceptance rule, and writes
  // the merged state with a new hub_seq if it changed.
  // REQUIRES: mu_ held, open transaction.
  // Entries of `compactable` replicas the hub's state has lost are
  // dropped from `in` first (common::CompactAgainst).
  Status PushOne(const Scope& scope, const Record& in,
                 const std::set<std::string>& compactable, uint64_t* seq,
                 PushResult* result);
  // One site of a purge run (sqlite_hub_purge.cc). REQUIRES: mu_ held,
  // open transaction.
  Status PurgeSite(SitePurge* site, uint64_t previous, size_t* budget, bool dry_run,
                   bool* more);
  // Retired replicas whose entries are compactable, read through `db`
  // (common::CompactableReplicas over tokens and purge_horizons).
  static Result<std::set<std::string>> CompactableIn(common::Db* db);
  // The compaction part of a purge run for one site (sqlite_hub_vv_compact.cc):
  // rewrites, keeping their hub_seq, at most *budget records of hub_seq <=
  // site->horizon whose vector holds an entry of `compactable` that no
  // sibling names. REQUIRES: mu_ held, open transaction.
  Status CompactSite(SitePurge* site, const std::set<std::string>& compactable,
                     size_t* budget, bool dry_run, bool* more);

  std::mutex mu_;
  std::unique_ptr<common::Db> db_;       // the writer, GUARDED_BY(mu_)
  std::function<void()> push_hook_;      // GUARDED_BY(mu_)
  common::Clock* clock_;
  const common::AcceptLimits limits_;
  // Fixed after Open(); each element guarded by its own mutex. Declared
  // after db_: the readers close first, the writer last (it checkpoints).
  std::vector<std::unique_ptr<Reader>> readers_;
  std::atomic<size_t> next_reader_{0};
};


}  // namespace relais::server
