#pragma once
// Small helpers shared by the hub and the sync client.

#include <string>

#include "common/util/status.h"

namespace relais::net {

// True if `host_port`'s host is a loopback address (127.0.0.0/8, ::1,
// localhost). Plain-text gRPC is only allowed there.
bool IsLoopbackAddress(const std::string& host_port);

// Reads a whole file. NOT_FOUND / INTERNAL with the path in the message.
common::Result<std::string> ReadFile(const std::string& path);

}  // namespace relais::net
