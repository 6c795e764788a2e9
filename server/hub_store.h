#pragma once
// HubStore: the hub's storage, behind a narrow interface so that another
// backend (PostgreSQL for a region: several stateless hubs over one
// database) can replace the embedded SQLite one without touching the
// service code. See docs/protocol.md for the guarantees each call carries.
//
// Implementations must be thread-safe: the gRPC service calls them from
// many threads at once. Every call is atomic: it fully happens or leaves
// the store unchanged.

#include <cstdint>
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
};

struct PullResult {
  std::vector<Record> records;  // hub_seq order
  uint64_t cursor = 0;          // pass back as the next `after`
  bool has_more = false;
};

// A record as the hub stores it (inspection, tests, tools).
struct StoredRecord {
  Record record;
  uint64_t hub_seq = 0;
  std::string origin;  // replica whose push produced exactly this state
};

struct TokenInfo {
  std::string token_hash;  // SHA-256 hex of the token
  std::string name;
  std::vector<std::string> sites;
  std::string replica_id;  // "" until first use
  bool revoked = false;
  int64_t created_ms = 0;
};

class HubStore {
 public:
  virtual ~HubStore() = default;

  // Registers a token (only its hash is stored). ALREADY_EXISTS if the hash
  // or a non-empty name is taken; INVALID_ARGUMENT for a bad site id.
  virtual Status AddToken(const TokenInfo& token) = 0;
  // Revokes by hash or by name (whichever is non-empty). NOT_FOUND if no
  // token matched. Takes effect for the next RPC.
  virtual Status Revoke(const std::string& token_hash,
                        const std::string& name) = 0;
  virtual Result<std::vector<TokenInfo>> ListTokens() = 0;

  // Authenticates a token hash for `replica_id`, whose home site is
  // `site_id`, binding the token to that replica at its first use.
  // UNAUTHENTICATED for an unknown or revoked token; PERMISSION_DENIED if
  // the token is bound to another replica or `site_id` is out of its scope
  // (then nothing is bound).
  virtual Result<Scope> Authorize(const std::string& token_hash,
                                  const std::string& replica_id,
                                  const std::string& site_id) = 0;

  // Cheap read-only check of a token hash, with no binding: OK if the token
  // is enrolled and not revoked, UNAUTHENTICATED otherwise. Lets the
  // transport refuse strangers before reading their message.
  virtual Status CheckToken(const std::string& token_hash) = 0;

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
  // needs no sort.
  virtual Result<PullResult> Pull(const Scope& scope, uint64_t after,
                                  size_t max_records, size_t max_bytes) = 0;

  // Inspection.
  virtual Result<std::optional<StoredRecord>> Get(common::Collection c,
                                                  const std::string& id) = 0;
  virtual Result<uint64_t> LastSeq() = 0;
  // Every site that has at least one record, sorted. Cost: O(sites x log n).
  virtual Result<std::vector<std::string>> Sites() = 0;
  // Identity of this hub's data (random, made with the database). Changed by
  // RenewEpoch() after the data was restored from a backup.
  virtual Result<std::string> Epoch() = 0;
  virtual Status RenewEpoch() = 0;
};

}  // namespace relais::server
