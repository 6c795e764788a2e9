#pragma once
// The access log's hash chain (issue #15): pure functions over audit
// records (Collection::kAudit). No I/O; libsodium for BLAKE2b.
//
// Each replica keeps its own chain. Its n-th entry has the record id
// EntryId(replica, n) = "aud-<replica id>-<n, 12 digits>" and the fields
//   who      practitioner ref, "secretariat" or "os:<user>" (sealed)
//   at       UTC seconds
//   what     screen or command ("kiosk.planning", "cli.appt-list", ...)
//   records  revealed record ids, comma-separated, or "*" for all (sealed)
//   prev     EntryHash of entry n-1 ("" for n = 1)
//   seq      n
// An entry is written once by its replica and never edited. The purge
// (retention.h) erases an entry older than kAuditRetentionDays by an
// ordinary write: who = records = "", _deleted = 1 (at, what, prev, seq stay
// as written). The chain then starts at the oldest entry not erased.
//
// EntryHash = BLAKE2b-256 (crypto_generichash) of the length-prefixed
// encoding "relais-audit-v1", replica, seq, at, who, what, records, prev
// (each item as "<decimal byte length>:<bytes>"), in lower-case hex.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/model/record.h"

namespace relais::common::audit {

// Entries are kept 12 months (CNIL 2021 recommendation on logs: 6 to 12
// months); "12 months" is taken as 365 days.
inline constexpr int64_t kAuditRetentionDays = 365;
// Plain-text bytes of ids per entry: a longer list is split over several
// entries, so the sealed value stays under the model's 4096-byte cap.
inline constexpr size_t kMaxRecordsBytes = 2048;

struct Entry {
  std::string replica;  // writer, from the id
  uint64_t seq = 0;
  int64_t at = 0;
  std::string who, what, records, prev;
  bool erased = false;  // purged (tombstone)
};

std::string EntryId(const std::string& replica, uint64_t seq);
// False unless `id` is exactly EntryId(replica, seq) with seq >= 1.
bool ParseEntryId(const std::string& id, std::string* replica, uint64_t* seq);

// Lower-case hex BLAKE2b-256 of the entry (see above); "" if libsodium
// cannot start.
std::string EntryHash(const Entry& e);

// Splits `ids` into comma-joined lists of at most kMaxRecordsBytes (an id
// longer than that gets a list of its own). Empty input -> one empty list.
std::vector<std::string> ChunkIds(const std::vector<std::string>& ids);

// The entry an audit record holds (winning values), or "" in *problem when
// the record is not a well-formed entry written only by its replica (for an
// erased entry: at, what, prev and seq only by its replica).
Entry EntryFromRecord(const Record& r, std::string* problem);

struct ChainReport {
  int entries = 0;  // well-formed entries, erased or not
  int erased = 0;
  int chains = 0;   // replicas with at least one entry
  std::vector<std::string> problems;  // French, one line each; empty = intact
};

// Checks every replica's chain among `records` (other collections ignored):
// ids and seq agree, no seq missing, erased entries only before the first
// kept one and only once older than kAuditRetentionDays at `now_s`, each
// kept entry's prev is the hash of the kept entry before it (and "" at
// seq 1). `heads` maps a replica to "<seq>:<hash>" of its last entry as that
// replica recorded it (the verifying replica's own head): the chain must end
// there, which also covers its last entry.
ChainReport VerifyChains(const std::vector<Record>& records, int64_t now_s,
                         const std::map<std::string, std::string>& heads);

}  // namespace relais::common::audit
