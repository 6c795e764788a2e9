#pragma once
// PgHubStore: the HubStore of a region, on PostgreSQL 15, shared by any
// number of relais-hub processes (they keep no state of their own: tokens,
// bindings, epoch and records all live in the database).
//
// Schema (in the PostgreSQL schema "relais"; meta.schema_version = 3):
//   meta(key text PRIMARY KEY, value text): application = 'relais-hub',
//     schema_version, epoch, seq_base (see below)
//   records(site_id, collection, id, state text (canonical JSON),
//           hub_seq bigint, origin text, PRIMARY KEY(site_id, collection, id))
//     + index records_site_seq(site_id, hub_seq): pulls in O(changes)
//   tokens(token_hash PRIMARY KEY, sites, replica_id, revoked, name, created)
//     + unique index on replica_id <> '' (one replica id <-> one token)
//     + unique index on name <> ''
//   ticket_letters(site_id, letter, replica_id, PRIMARY KEY(site_id, letter),
//                  UNIQUE(site_id, replica_id)): walk-in ticket letters
//     (version 2; a version-1 database gets the table, empty, at Open)
//   replica_acks(replica_id PRIMARY KEY, pull_cursor, at_ms),
//   purge_horizons(site_id PRIMARY KEY, horizon) + partial index
//     records_tombstones: history purge (version 3, docs/sync-model.md §11;
//     an older database gets them, empty, at Open)
//   tokens.revoked_seq: position when the token was revoked (version 4,
//     compaction of retired replicas, §11; tokens revoked before: the
//     position of the migration)
//
// Hub sequences ("positions") and why no pull can skip a record when
// several hubs commit concurrently (docs/protocol.md, "Plusieurs hubs"):
// a record changed by transaction T gets position
//     seq_base + xid(T) * 2^20 + i      (i = 1.. within T's batch)
// where xid(T) is T's PostgreSQL transaction id (xid8, never reused). A pull
// returns only positions <= horizon = seq_base + xmin * 2^20 - 1, where xmin
// is the oldest transaction still running when the pull's snapshot was
// taken: every transaction with a smaller xid has finished (its rows are in
// the snapshot, or it aborted), and every transaction that has not finished
// yet, or starts later, has xid >= xmin, so all its positions are above the
// horizon. The cursor never passes a position that could still appear.
// A complete pull does not end at the horizon itself (it moves with every
// transaction of the database, so each no-op sync would move the replica's
// cursor and its purge acknowledgement) but at the scope's top: the
// largest position <= horizon of any record of the pulled sites (own
// echoes included) or of their purge horizons, or the request's cursor if
// larger. Every position in (cursor, top] is in the snapshot, so in the
// page (or purged); every later state gets a position above the horizon,
// so above the top (issue #17).
// seq_base is 0 for a new database, and the last SQLite sequence for one
// moved by `relais-hub migrate`, so replicas' cursors stay valid.
//
// Locking: a push takes a transaction-level advisory lock per site it
// touches (sorted, so two hubs never deadlock): pushes to different sites
// never wait on each other; reads take no lock.

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "common/merge/accept.h"
#include "common/util/clock.h"
#include "server/hub_store.h"
#include "server/pg_conn.h"

namespace relais::server {

inline constexpr int kPgHubSchemaVersion = 4;
// Positions per transaction (i < 2^20); a batch is far smaller
// (HubServiceOptions::max_push_records).
inline constexpr int kPgSeqShift = 20;

class PgHubStore final : public HubStore {
 public:
  static constexpr size_t kDefaultPoolSize = 8;

  // Connects to `conninfo` ("postgresql://..." or "host=... dbname=..."),
  // creates the schema if the database has none (several hubs may start
  // at once), checks it otherwise: FAILED_PRECONDITION for a foreign or
  // future schema, UNAVAILABLE if the server is away.
  static Result<std::unique_ptr<PgHubStore>> Open(
      const std::string& conninfo,
      common::Clock* clock = common::SystemClock::Default(),
      size_t pool_size = kDefaultPoolSize);

  Status AddToken(const TokenInfo& token) override;
  Status Revoke(const std::string& token_hash, const std::string& name) override;
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
  // History purge (docs/sync-model.md §11), pg_hub_purge.cc: same contracts
  // as HubStore. Purge runs are serialised across every hub on the database
  // (advisory lock) and take each purged site's push lock.
  Result<bool> RecordAck(const std::string& replica_id, uint64_t pull_cursor) override;
  Result<std::map<std::string, uint64_t>> PurgeHorizons(
      const std::vector<std::string>& sites) override;
  Result<PurgeReport> Purge(const std::vector<std::string>& only, size_t max_records,
                            bool dry_run) override;
  // Compaction of retired replicas (pg_hub_vv_compact.cc), as HubStore.
  Result<std::vector<std::string>> CompactedReplicas() override;

  // `relais-hub migrate`: copies every record (state, hub_seq, origin),
  // token and the epoch from `from` into this store, in one transaction,
  // and sets seq_base to from's last sequence. FAILED_PRECONDITION if this
  // store already holds records or tokens. `in_tx` (optional) runs on the
  // import's connection inside its transaction, before the commit (the
  // agenda tokens, server/agenda/pg_agenda_tokens.h): its error aborts all.
  Status ImportFrom(HubStore& from, const std::function<void(size_t)>& progress,
                    const std::function<Status(pg::PgConn&)>& in_tx = nullptr);

  // The plan of the pull query (EXPLAIN) for `scope` from `after` (tests
  // check that it reads the index records_site_seq, not the whole table).
  Result<std::string> ExplainPull(const Scope& scope, uint64_t after);

  // Tests: `hook` runs inside every Push transaction, after the batch is
  // written and before COMMIT (nullptr: none). Called without any lock of
  // this object held.
  void TEST_SetPushHook(std::function<void()> hook);
  const std::string& conninfo() const { return conninfo_; }

 private:
  PgHubStore(std::string conninfo, common::Clock* clock, size_t pool_size)
      : conninfo_(std::move(conninfo)), clock_(clock), pool_(conninfo_, pool_size) {}
  Status CreateOrCheckSchema();
  Result<Scope> BindFirstUse(const std::string& token_hash,
                             const std::string& replica_id,
                             const std::string& site_id);

  const std::string conninfo_;
  common::Clock* clock_;
  const common::AcceptLimits limits_;
  pg::PgPool pool_;
  std::mutex hook_mu_;
  std::function<void()> push_hook_;  // GUARDED_BY(hook_mu_)
};

}  // namespace relais::server
