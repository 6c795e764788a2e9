#pragma once
// HubStore: the hub's storage, behind a narrow interface so that another
// backend (PostgreSQL for a region: several stateless hubs over one
// database) can replace the embedded SQLite one without touching the
// service code. See docs/protocol.md for the guarantees each call carries.
//
// Implementations must be thread-safe: the gRPC service calls them from
// many threads at once. Every call is atomic: it fully happens or leaves
// the store unchanged. Reads (Pull, Get, LastSeq, Epoch, Sites, and
// Authorize of a token already bound to the caller) should not wait for a
// push in progress: one house's big push must not stall the others' syncs.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/model/record.h"
#include "common/util/status.h"

namespace relais::server {

using common::Record;
using common::Result;
using common::Status;

// What an authenticated token may see and do.
struct Scope {
  std::string token_name;
  std::string replica_id;          // the replica bound to the token
  std::vector<std::string> sites;  // sorted, non-empty
  bool Contains(const std::string& site) const;
};

struct PushResult {
  int accepted = 0;  // records in the batch
  int changed = 0;   // records whose hub state changed (new hub_seq)
  // Parts the pusher could not vouch for, not taken (common/merge/accept.h).
  int ignored = 0;
  // Tombstones purged by the automatic purge run after this sync (§11).
  int purged = 0;
  // Records compacted by that run (retired replicas' vector entries, §11).
  int compacted = 0;
};

// History purge (docs/sync-model.md §11): what one run did (or would do,
// dry run) per site.
struct SitePurge {
  std::string site_id;
  uint64_t horizon = 0;  // stability horizon of the site after the run
  int purged = 0;        // tombstones removed (dry run: removable)
  // Stable records whose version vector lost retired replicas' entries
  // (docs/sync-model.md §11 « Compaction »; dry run: compactable).
  int compacted = 0;
};
struct PurgeReport {
  std::vector<SitePurge> sites;  // sorted by site id
  int purged = 0;                // sum over sites
  int compacted = 0;             // sum over sites
  bool more = false;             // the budget ran out: run again
  // Free pages given back to the file system after the commit (SQLite
  // store, common/storage/vacuum.h); 0 for PostgreSQL or a failed release.
  int64_t released_pages = 0;
};

struct PullResult {
  std::vector<Record> records;  // hub_seq order
  uint64_t cursor = 0;          // pass back as the next `after`
  bool has_more = false;
  // The hub's epoch and last sequence, read in the pull's own snapshot.
  std::string epoch;
  uint64_t last_seq = 0;
};

// A record as the hub stores it (inspection, tests, tools).
struct StoredRecord {
  Record record;
  uint64_t hub_seq = 0;
  std::string origin;  // replica whose push produced exactly this state
};

// What Rebind() did to the token that held the replica id.
struct RebindResult {
  std::string previous_name;  // "" if no token held it (or it had no name)
  std::string previous_hash;  // "" if no token held it
  bool previous_was_revoked = false;  // it was already revoked before
};

struct TokenInfo {
  std::string token_hash;  // SHA-256 hex of the token
  std::string name;
  std::vector<std::string> sites;
  std::string replica_id;  // "" until first use
  bool revoked = false;
  int64_t created_ms = 0;
};

// A walk-in ticket letter held by a replica at a site (docs/domain.md,
// "Numérotation"): unique per (site, letter) and per (site, replica).
struct TicketLetter {
  std::string site_id, letter, replica_id;
};
// Letters per site: "A".."Z".
inline constexpr int kTicketLettersPerSite = 26;

class HubStore {
 public:
  virtual ~HubStore() = default;

  // Registers a token (only its hash is stored). ALREADY_EXISTS if the hash
  // or a non-empty name is taken; INVALID_ARGUMENT for a bad site id.
  virtual Status AddToken(const TokenInfo& token) = 0;
  // Revokes by hash or by name (whichever is non-empty). NOT_FOUND if no
  // token matched. Takes effect for the next RPC. A revoked token keeps its
  // replica id: no other token can take that id except through Rebind().
  virtual Status Revoke(const std::string& token_hash,
                        const std::string& name) = 0;
  virtual Result<std::vector<TokenInfo>> ListTokens() = 0;

  // Authenticates a token hash for `replica_id`, whose home site is
  // `site_id`, binding the token to that replica at its first use.
  // Identity rule: one replica id <-> one token, never rebound silently.
  // UNAUTHENTICATED for an unknown or revoked token; INVALID_ARGUMENT if
  // `replica_id` or `site_id` is not 1..64 of [A-Za-z0-9._-];
  // PERMISSION_DENIED if the token is bound to another replica, if
  // `replica_id` is already bound to another token (revoked or not: only
  // Rebind() moves it), or if `site_id` is out of the token's scope (in
  // every error case nothing is bound).
  virtual Result<Scope> Authorize(const std::string& token_hash,
                                  const std::string& replica_id,
                                  const std::string& site_id) = 0;

  // Cheap read-only check of a token hash, with no binding: OK if the token
  // is enrolled and not revoked, UNAUTHENTICATED otherwise. Lets the
  // transport refuse strangers before reading their message.
  virtual Status CheckToken(const std::string& token_hash) = 0;
  // Administrator's move of a replica id to a new token (a kiosk replaced,
  // its old token lost): binds `replica_id` to the token named `token_name`,
  // which must exist (NOT_FOUND), be neither revoked nor bound
  // (FAILED_PRECONDITION), and revokes the token that held `replica_id`
  // (if any), clearing that token's binding. One transaction.
  // INVALID_ARGUMENT for an empty name or a malformed replica id.
  virtual Result<RebindResult> Rebind(const std::string& token_name,
                                      const std::string& replica_id) = 0;

  // Merges a batch pushed by `scope.replica_id`, in ONE transaction: on any
  // error nothing of the batch is written. Each record must be in scope
  // (PERMISSION_DENIED) and goes through common::Accept (accept.h), the
  // acceptance rule every store shares: bounds and validation
  // (INVALID_ARGUMENT with a precise message), the pusher's own counter not
  // going backwards, no reused write id, no new write too far ahead of the
  // hub clock; parts the pusher cannot vouch for (other replicas' writes the
  // hub has not seen, omissions without a new write) are not taken and are
  // counted in PushResult::ignored. A record's hub sequence moves only if
  // its state changed, so pushing the same batch twice is a no-op.
  virtual Result<PushResult> Push(const Scope& scope,
                                  const std::vector<Record>& batch) = 0;

  // Records in scope with hub_seq > after, in hub_seq order, at most
  // `max_records` and about `max_bytes` (at least one record if any),
  // leaving out records whose current state came from scope.replica_id's own
  // push (it holds them already; an empty replica_id leaves nothing out).
  // Cost: O(changes in scope), via an index; pulling one site at a time
  // needs no sort. The records and the returned cursor come from one
  // snapshot of the store: a pull concurrent with pushes never moves the
  // cursor past a record it did not return.
  virtual Result<PullResult> Pull(const Scope& scope, uint64_t after,
                                  size_t max_records, size_t max_bytes) = 0;

  // Inspection. A record's identity at the hub is (site_id, collection, id):
  // the same id at two sites is two independent records.
  virtual Result<std::optional<StoredRecord>> Get(const std::string& site_id,
                                                  common::Collection c,
                                                  const std::string& id) = 0;
  virtual Result<uint64_t> LastSeq() = 0;
  // Every site that has at least one record, sorted. Cost: O(sites x log n).
  virtual Result<std::vector<std::string>> Sites() = 0;
  // Identity of this hub's data (random, made with the database). Changed by
  // RenewEpoch() after the data was restored from a backup.
  virtual Result<std::string> Epoch() = 0;
  virtual Status RenewEpoch() = 0;

  // The ticket letter of `replica_id` at `site_id` (its home site, already
  // authorised): the one it holds, else the first free letter of A..Z at
  // that site, assigned now for good (atomic: two hubs or threads assigning
  // at once never give one letter twice). "" when all kTicketLettersPerSite
  // letters of the site are held by other replicas (not an error: the sync
  // goes on, the replica refuses to issue tickets). INVALID_ARGUMENT for a
  // malformed id.
  virtual Result<std::string> AssignTicketLetter(const std::string& site_id,
                                                 const std::string& replica_id) = 0;
  // Every assigned letter, sorted by (site, letter).
  virtual Result<std::vector<TicketLetter>> ListTicketLetters() = 0;

  // --- History purge by causal stability (docs/sync-model.md §11) ---
  // The defaults keep a store without purge correct: it acknowledges
  // nothing, reports no horizon (replicas then purge nothing and are never
  // told to re-bootstrap) and refuses an explicit purge.
  //
  // Stores that `replica_id` has durably applied every state of its scope
  // with hub_seq <= `pull_cursor` (the cursor of a request that pushed
  // nothing: the replica had no write the hub lacked). Returns true if the
  // stored acknowledgement changed. The latest value is kept, also when it
  // goes down (a replica restored from a backup).
  virtual Result<bool> RecordAck(const std::string& replica_id, uint64_t pull_cursor) {
    (void)replica_id;
    (void)pull_cursor;
    return false;
  }
  // The stored purge horizon of each of `sites` that has one (> 0): every
  // tombstone of that site with hub_seq <= horizon may be gone.
  virtual Result<std::map<std::string, uint64_t>> PurgeHorizons(
      const std::vector<std::string>& sites) {
    (void)sites;
    return std::map<std::string, uint64_t>();
  }
  // One bounded purge run, in one transaction: for each site (of `only`,
  // or every site if `only` is empty) computes its stability horizon
  // (common::StabilityHorizon over the acknowledgements of the live --
  // bound, not revoked -- replicas whose token holds the site), stores it,
  // and removes at most `max_records` settled tombstones
  // (common::IsPurgeableTombstone) with hub_seq <= horizon. `dry_run`:
  // computes and counts, changes nothing.
  virtual Result<PurgeReport> Purge(const std::vector<std::string>& only,
                                    size_t max_records, bool dry_run) {
    (void)only;
    (void)max_records;
    (void)dry_run;
    return Status::FailedPrecondition(
        "purge de l'historique non disponible sur ce stockage");
  }
  // Retired replicas (token revoked, id not bound again) whose
  // version-vector entries are compactable (common::CompactableReplicas
  // over the stored horizons), sorted: SyncResponse.compacted_replicas.
  // A store without purge compacts nothing.
  virtual Result<std::vector<std::string>> CompactedReplicas() {
    return std::vector<std::string>();
  }
};

}  // namespace relais::server
