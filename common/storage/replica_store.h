#pragma once
// ReplicaStore: a house's SQLite replica (one file per replica).
//
// Schema (version 3; PRAGMA application_id = 0x52454C53 'RELS',
// PRAGMA user_version = schema version, upgraded by Migrate()):
//   meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)
//     replica_id, site_id, local_seq (last sequence handed out),
//     push_cursor (last local seq acknowledged by the hub),
//     pull_cursor (last hub sequence applied), hlc (last stamp issued),
//     org (organisation id; = site_id for a one-site house), scope (the
//     sites held, sorted, comma-separated; "" until learnt from the hub's
//     token for `relais init --org` alone), set_aside (records refused by
//     ApplyRemote because their id is held for another site; see there)
//   records(collection INT, id TEXT, site_id TEXT, state TEXT (canonical
//           JSON, see codec/record_json.h), seq INT (local change sequence,
//           0 = nothing to send), k1 TEXT (collection-specific sort key:
//           appointment start, presence date, ledger month),
//           acked_vv TEXT (version vector, canonical JSON, of a state of
//           the record the hub has merged, '' = none; see below),
//           PRIMARY KEY(collection, id))
//           hub_at INT (schema 4, §11: an upper bound of the hub sequence
//           of a hub state equal to or containing this state; 0 =
//           unknown. Reset by every local change),
//   index records_seq(seq)                -> "changes since N" in O(changes)
//   index records_k1(collection, k1)      -> day views without a full scan
//
//   rebootstrap_pending(collection INT, id TEXT, state TEXT, PRIMARY
//           KEY(collection, id)) (schema 4): the states kept aside while a
//           replica below the purge horizon re-bootstraps (§11)
//   meta purge_horizon:<site>: last purge horizon the hub gave for the site;
//   meta rebootstrap = "1" while a re-bootstrap is under way
//
// acked_vv, for delta pushes (merge.h TrimToDelta): a state the hub sent
// (ApplyRemote with nothing local to add) is merged there; a state whose seq
// is <= push_cursor was acknowledged. So a local change of a record records
// the previous state's vv if that state was acknowledged, else keeps the
// value it had. MarkAllPending() clears it (the hub lost history).
// Records reach ApplyRemote() only from the hub: that is what makes its
// states "merged there".
//
// Every method that changes more than one row does it in one transaction.
// Errors: DATA_LOSS for a corrupt/foreign file, FAILED_PRECONDITION for a
// schema from the future or an uninitialised replica, RESOURCE_EXHAUSTED on a
// full disk (nothing is written). Not thread-safe.

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/model/record.h"
#include "common/storage/sqlite.h"
#include "common/util/status.h"

namespace relais::common {

inline constexpr int kReplicaSchemaVersion = 4;

struct ApplyStats {
  int purged = 0;      // settled tombstones removed (history purge, §11)
  int compacted = 0;   // vectors that lost retired replicas' entries (§11)
  int applied = 0;     // records whose local state changed
  int unchanged = 0;   // already known
  int conflicts = 0;   // records left with fields needing attention
  int set_aside = 0;   // same (collection, id) already held for another site
  // Free pages given back to the file system after the commit (purge, or a
  // large freelist; common/storage/vacuum.h). 0 if that release failed: it
  // is retried after the next change.
  int64_t released_pages = 0;
};

// What the hub said alongside a pulled batch, for the history purge
// (docs/sync-model.md §11). All zero/empty: nothing to record or purge
// (peers, snapshots, old hubs).
struct HubBatchInfo {
  uint64_t received_at = 0;  // the page's pull cursor (>= each state's hub seq)
  // Local sequences (acked_after, acked_upto] were just acknowledged; the
  // hub's last sequence read after that push committed is acked_at.
  uint64_t acked_after = 0;
  uint64_t acked_upto = 0;
  uint64_t acked_at = 0;
  std::map<std::string, uint64_t> horizons;  // site -> purge horizon
  size_t max_purge = 1000;                   // tombstones removed per batch
  // Retired replicas whose entries the hub compacts (§11 « Compaction »):
  // dropped from a local state that is stable (hub_at <= its site's
  // horizon, nothing unsent; at most max_purge per batch) and from a local
  // state when the pulled one has lost them (common/merge/vv_compact.h).
  std::set<std::string> compacted;
};

// What FinishRebootstrap did.
struct RebootstrapStats {
  int resent = 0;   // states kept with writes the hub lacks, pending again
  int dropped = 0;  // states dropped (all known to the hub, or purged there)
};

struct PendingChange {
  uint64_t seq = 0;
  Record record;
  VersionVector acked;  // see acked_vv above; empty = send the whole state
  uint64_t hub_at = 0;  // the record's hub_at column (§11), for LAN peers
};

class ReplicaStore {
 public:
  // Opens an existing replica (create=false) or creates the file and schema
  // if missing (create=true). Migrates older schemas in one transaction.
  static Result<std::unique_ptr<ReplicaStore>> Open(const std::string& path,
                                                    bool create);

  // Metadata (see schema). Get returns "" for a missing key.
  Result<std::string> GetMeta(const std::string& key);
  Status SetMeta(const std::string& key, const std::string& value);
  Result<uint64_t> GetMetaInt(const std::string& key);

  Result<std::optional<Record>> Get(Collection c, const std::string& id);
  // Stores `r` as a local change: assigns the next local sequence.
  // REQUIRES: an open Transaction (the caller's read-modify-write).
  Status PutLocal(const Record& r);

  // Merges records received from the hub into the local state and sets the
  // given meta keys, all in one transaction. A record whose (collection,
  // id) is held here for ANOTHER site (the hub keeps sites apart, a
  // multi-site replica keys records by (collection, id)) is set aside: not
  // stored, counted in ApplyStats::set_aside and in meta set_aside, so one
  // house re-using an id cannot stop a secretariat's sync; the first one
  // held stays. A record whose merged state
  // equals the incoming state needs no push (seq = 0); one that still holds
  // something the hub lacks gets a fresh sequence -- also when the local
  // state is unchanged but counted as delivered (seq <= push_cursor): the
  // hub ignored part of it (writes learnt from a LAN peer before their
  // author delivered them, issue #17), so it is pushed again and the hub
  // takes what it now can; a field where the hub still holds a value this
  // replica superseded by its own write is written again (ReassertOver).
  //
  // History purge (§11), with `hub` given (the sync client): in the same
  // transaction, records the hub sequence bound of every state now equal
  // to the hub's (pulled, or just acknowledged), then removes the settled
  // tombstones of each site of hub->horizons whose bound is <= the
  // horizon and that hold nothing unsent (seq <= push_cursor), at most
  // hub->max_purge; stores meta purge_horizon:<site>. Compaction (§11):
  // a local state loses hub->compacted's entries that the incoming state
  // has lost, before the merge; then stable states lose them too
  // (CompactStable), in the same transaction.
  Result<ApplyStats> ApplyRemote(const std::vector<Record>& incoming,
                                 const std::map<std::string, std::string>& meta,
                                 const HubBatchInfo* hub = nullptr);

  // Re-bootstrap of a replica below its scope's purge horizon (restored
  // from an old backup; §11), in one transaction each. Begin: sets aside
  // every state with something unsent (seq > push_cursor), removes every
  // record, pull_cursor = 0, meta rebootstrap = 1 (pulls then include this
  // replica's own states). Finish (after the pull from 0 is complete): for
  // each state set aside, keeps what the hub lacks -- the join with the
  // hub's state, pending, if it adds anything; a record the hub no longer
  // holds only if it is this replica's own unsent creation (its vector
  // names no other replica), else it was purged there: dropped -- then
  // clears meta rebootstrap.
  Status BeginRebootstrap();
  Result<RebootstrapStats> FinishRebootstrap();

  // Local changes with seq > after, in seq order, at most `max_records` and
  // about `max_bytes` of state (at least one record if any).
  Result<std::vector<PendingChange>> ChangesSince(uint64_t after,
                                                  size_t max_records,
                                                  size_t max_bytes);
  Result<int64_t> CountChangesSince(uint64_t after);

  // Push bookkeeping of one stored record, nullopt if none: its local
  // sequence and acked_vv (empty = none). LAN sync (common/peer) reads it
  // to tell which of this replica's writes in the record the hub holds.
  struct PushState {
    uint64_t seq = 0;
    VersionVector acked;
  };
  Result<std::optional<PushState>> GetPushState(Collection c, const std::string& id);

  // After the hub lost history (restored from a backup): marks every record
  // as a local change to send again, resets pull_cursor to 0 and stores
  // `meta`, in one transaction. Merging makes the re-send harmless.
  Status MarkAllPending(const std::map<std::string, std::string>& meta);

  // All records of a collection with lo <= k1 < hi (empty bounds = open).
  Result<std::vector<Record>> List(Collection c, const std::string& k1_lo = "",
                                   const std::string& k1_hi = "");
  // Hot read path (next-free-slot search): calls fn(state) with the stored
  // canonical JSON of every record of `c` with lo <= k1 < hi (empty hi =
  // open), in no particular order, without decoding it (the caller decodes
  // what it needs, codec/record_json.h). `state` is valid during the call
  // only. Stops at, and returns, fn's first error.
  Status ForEachState(Collection c, const std::string& k1_lo, const std::string& k1_hi,
                      const std::function<Status(std::string_view state)>& fn);
  // The stored state of (c, id) undecoded, nullopt if there is none.
  Result<std::optional<std::string>> GetState(Collection c, const std::string& id);
  // Every record, sorted by collection name then id (dump order).
  Result<std::vector<Record>> ListAll();
  // Records that may hold concurrent values (a field with two or more
  // siblings), in dump order: a superset, found without decoding every
  // record (the canonical encoding separates siblings with "],["; a value
  // containing that text is a harmless false positive).
  Result<std::vector<Record>> ListWithSiblings();

  Db* db() { return db_.get(); }

  // The sort key stored in k1 for a record.
  static std::string SortKey(const Record& r);

 private:
  explicit ReplicaStore(std::unique_ptr<Db> db) : db_(std::move(db)) {}
  Status Migrate();
  Status Upsert(const Record& r, uint64_t seq);
  // The §11 part of ApplyRemote. `at_hub`: records just stored equal to a
  // pulled state. REQUIRES: an open Transaction.
  Status ApplyHubBookkeeping(const HubBatchInfo& hub,
                             const std::vector<std::pair<Collection, std::string>>& at_hub,
                             ApplyStats* stats);
  // `local` with this replica's value of each field where `hub` still holds
  // a value `local` has seen and superseded by this replica's own write,
  // a write the hub already holds (the hub could not take that
  // supersession: it had not seen the
  // superseded value yet, docs/sync-model.md §9) written again under a new
  // write id, so the hub's removal rule takes it. Same values, new dot and
  // stamp (meta hlc advanced). REQUIRES: an open Transaction.
  Result<Record> ReassertOver(const Record& local, const Record& hub);
  // Compaction (replica_vv_compact.cc). RewriteState: the stored state of
  // r's record replaced by `r`, keeping seq, hub_at and acked_vv (a change
  // of the vector only). CompactStable: the stable states of hub.horizons'
  // sites lose hub.compacted's entries (common::CompactRetired), at most
  // hub.max_purge. REQUIRES: an open Transaction.
  Status RewriteState(const Record& r);
  Status CompactStable(const HubBatchInfo& hub, ApplyStats* stats);
  Result<std::vector<Record>> Collect(Stmt& st);
  Result<std::vector<Record>> SortedForDump(Stmt& st);

  std::unique_ptr<Db> db_;
};

}  // namespace relais::common
