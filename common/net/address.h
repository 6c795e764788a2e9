#pragma once
// Small helpers shared by the hub and the sync client.

#include <string>

#include "common/util/status.h"

namespace relais::net {

// True if `host_port`'s host is a loopback address (127.0.0.0/8, ::1,
// localhost). Plain-text gRPC is only allowed there.
bool IsLoopbackAddress(const std::string& host_port);

// Splits a listening address "host:port" ("[::1]:8443" gives host "::1");
// false if malformed (no host, port not 0-65535 digits).
bool SplitListenAddress(const std::string& host_port, std::string* host, int* port);

// Reads a whole file. NOT_FOUND / INTERNAL with the path in the message.
common::Result<std::string> ReadFile(const std::string& path);

}  // namespace relais::net
