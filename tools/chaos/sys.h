#pragma once
// System helpers of the chaos run: loopback ports, a file system filled to
// ENOSPC, and what a command's error says about a full disk.

#include <string>

namespace relais::chaos {

// Whether something accepts TCP connections on 127.0.0.1:`port`.
bool CanConnect(int port);
// A free TCP port on 127.0.0.1 (0 if none could be found).
int FreePort();

// Writes `filler` until its file system returns ENOSPC (bounded: 4 GiB),
// then shrinks it by `slack_kb` KiB so that much stays free. Returns whether
// ENOSPC was reached. The caller removes `filler` to free the space.
bool FillFileSystem(const std::string& filler, int slack_kb);

// What a command's stderr says about a full disk: 2 = clearly ("disque
// plein", RESOURCE_EXHAUSTED), 1 = only SQLite's generic "disk I/O error",
// 0 = nothing.
int SaysDiskFull(const std::string& err);

}  // namespace relais::chaos
