#pragma once
// gzip compression of a whole buffer (zlib), for the HTTP/1.1 sync transport:
// request bodies (common/sync/http_caller.cc) and responses
// (server/hub_http_sync.cc). Decompression stays bounded on each side
// (libcurl's write callback, the hub's body receiver).

#include <string>

namespace relais::net {

// The gzip stream of `in`; empty on failure (the caller then sends `in`
// as is, without Content-Encoding).
std::string Gzip(const std::string& in);

}  // namespace relais::net
