#pragma once
// Hub administration: online backup and restore of the hub database.
//
// BackupHub copies a live hub database (SQLite online backup: consistent
// even while relais-hub serves). RestoreHub replaces a STOPPED hub's
// database with a backup and gives it a new epoch: every replica then sees
// the epoch change at its next sync, re-sends everything it holds and pulls
// its scope again, so what the backup missed comes back from the houses.

#include <string>

#include "common/util/status.h"

namespace relais::server {

common::Status BackupHub(const std::string& db_path, const std::string& out_path);
common::Status RestoreHub(const std::string& db_path, const std::string& from_path);

}  // namespace relais::server
