#pragma once
// Space SQLite keeps inside a store file, and giving it back (issue #17,
// docs/reliability.md « Taille des fichiers »).
//
// SQLite keeps the pages a DELETE or a shrinking UPDATE frees inside the
// file (the freelist) and reuses them; the file never shrinks by itself.
// Both stores (replica, SQLite hub) run in auto_vacuum=INCREMENTAL: free
// pages are given back on demand by `PRAGMA incremental_vacuum(N)`, which
// moves pages from the end of the file into the free slots and truncates.
// Db::Open creates new files in that mode; EnsureIncrementalVacuum switches
// an older file once. Compact (VACUUM) also rewrites half-empty pages.
//
// WAL mode: a release or a VACUUM is one write transaction appended to the
// WAL (atomic: a crash keeps the old file); the database file itself gets
// shorter at the next checkpoint that copies every frame back.
// Not thread-safe (as Db). REQUIRES for every call: no open transaction
// on `db`.

#include <cstdint>
#include <string>

#include "common/storage/sqlite.h"

namespace relais::common {

// The page accounting of an open file, read from its header.
struct FileSpace {
  int64_t page_size = 0;
  int64_t page_count = 0;
  int64_t freelist_count = 0;  // free pages inside the file
  int64_t auto_vacuum = 0;     // 0 NONE, 1 FULL, 2 INCREMENTAL
  int64_t bytes() const { return page_size * page_count; }
};
Result<FileSpace> ReadFileSpace(Db* db);

// Files larger than this (`max_bytes` below) are not switched at open (a VACUUM rewrites the
// whole file and needs about twice its size free on disk): the line says
// to run `compact` by hand at a quiet time.
inline constexpr int64_t kMaxSwitchBytes = int64_t{1} << 30;  // 1 Gio

// Makes an existing, migrated file release its free pages on demand: a
// file in auto_vacuum=NONE (created before issue #17) is rewritten once by
// VACUUM into INCREMENTAL. Returns a French log line for the operator
// (prefixed by `path`), empty when the file was already in that mode.
// Never fails the open: a VACUUM that fails (disk full, file busy) leaves
// the file exactly as it was -- VACUUM is one transaction -- the line says
// so, and the next open tries again. ":memory:" and "" are left as they are.
std::string EnsureIncrementalVacuum(Db* db, const std::string& path,
                                    int64_t max_bytes = kMaxSwitchBytes);

// A change that frees fewer pages than this leaves them for reuse.
inline constexpr int64_t kReleaseThresholdPages = 64;
// At most this many pages are given back per call (bounded work on the sync
// path: 4096 pages of 4 Kio = 16 Mio moved at most).
inline constexpr int64_t kMaxReleasePages = 4096;

// Gives back up to `max_pages` free pages (PRAGMA incremental_vacuum, one
// transaction) when `rows_removed` (a purge ran) or the freelist holds at
// least kReleaseThresholdPages; does nothing on a file not in INCREMENTAL
// mode. Returns the number of pages released (freelist before - after).
Result<int64_t> ReleaseFreePages(Db* db, bool rows_removed,
                                 int64_t max_pages = kMaxReleasePages);

struct CompactReport {
  int64_t bytes_before = 0;  // page_size * page_count, before
  int64_t bytes_after = 0;   // the same, after
};

// Rewrites the whole file (VACUUM: free pages dropped, pages refilled,
// INCREMENTAL mode kept or set), then checkpoints and truncates the WAL.
// FAILED_PRECONDITION (French message) if the file holds more than
// `max_bytes`; the SQLite errors otherwise (RESOURCE_EXHAUSTED when the
// disk is full, UNAVAILABLE when busy), the file then unchanged.
Result<CompactReport> Compact(Db* db, int64_t max_bytes = kMaxSwitchBytes);

// Application ids (PRAGMA application_id) of the two store files.
inline constexpr int64_t kReplicaApplicationId = 0x52454C53;  // 'RELS'
inline constexpr int64_t kHubApplicationId = 0x52454C48;      // 'RELH'

// The maintenance compaction of a store file by path, through its own
// connection (`relais compact --db`, `relais-hub compact --db`, a nightly
// timer; the kiosk or the hub may hold the file open meanwhile: WAL).
// NOT_FOUND if `path` does not exist, FAILED_PRECONDITION if it is not a
// file with `app_id` (`what` names the expected kind in the French message,
// e.g. "une réplique Relais Santé"), DATA_LOSS if it is not a database at
// all, UNAVAILABLE if the file stays busy (5 s), then as Compact. Never
// creates or migrates anything.
Result<CompactReport> CompactFile(const std::string& path, int64_t app_id,
                                  const std::string& what,
                                  int64_t max_bytes = kMaxSwitchBytes);

}  // namespace relais::common
