#pragma once
// The kiosk uses the shared sync worker (common/sync/sync_worker.h).

#include "common/sync/sync_worker.h"

namespace relais::kiosk {

using common::NextDelayMs;
using common::SyncCounts;
using common::SyncSnapshot;
using common::SyncWorker;
using SyncOptions = common::SyncWorkerOptions;

}  // namespace relais::kiosk
