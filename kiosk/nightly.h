#pragma once
// The kiosk compacts its own replica at night (issue #17, docs/kiosk.md
// « Compactage de nuit »): a common::NightlyCompactor on the replica file
// (the code of `relais compact`, CompactFileAndStamp), serialised with the
// background syncs through one file mutex: a sync round and a compaction
// never overlap (the round waits for the VACUUM, then runs as usual).
// While it runs the main loop shows « Maintenance de nuit… » (act::Maintenance)
// and ignores input; the UI thread's replica only reads meanwhile (WAL).

#include <memory>
#include <mutex>
#include <string>

#include "common/storage/nightly_compactor.h"
#include "common/sync/sync_worker.h"
#include "common/util/clock.h"
#include "common/util/compact_schedule.h"

namespace relais::kiosk {

// The replica file's lock shared by the sync workers and the compaction.
using FileMutex = std::shared_ptr<std::mutex>;

// `fn` run under `file_mu` (each round holds it for its whole length).
common::SyncWorker::SyncFn SerialiseWithFile(common::SyncWorker::SyncFn fn, FileMutex file_mu);

// A compactor of the replica at `db` in `window`, after kKioskCompactIdleMs
// of quiet (NoteActivity), `last_run_ms` read from the replica's meta
// (ReadLastCompaction). Logs on stderr. Not started.
std::unique_ptr<common::NightlyCompactor> MakeReplicaCompactor(
    const std::string& db, const common::CompactWindow& window, common::Clock* clock,
    FileMutex file_mu, int64_t last_run_ms, int64_t poll_ms = 60'000);

}  // namespace relais::kiosk
