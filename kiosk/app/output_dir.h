#pragma once
// Output directories the kiosk writes into (--screenshot-dir).

#include <string>

#include "common/util/status.h"

namespace relais::kiosk {

// Makes sure `dir` is a directory we can write into: an existing directory
// is used as it is; a missing one is created with mode 0700 (its parent
// must exist). INVALID_ARGUMENT if empty or not a directory; UNAVAILABLE
// with the system's reason and what to do (missing parent, no permission,
// read-only file system) otherwise.
common::Status EnsureOutputDir(const std::string& dir);

}  // namespace relais::kiosk
