#pragma once
// The HTTP/1.1 mapping of the sync protocol (docs/protocol.md, "Transport
// HTTP/1.1"), shared by the replica's HTTP caller (common/sync/http_caller.h)
// and the hub's HTTP endpoint (server/hub_http_sync.h). Pure: no curl, no
// httplib.
//
//   POST /relais.sync.v1/Sync HTTP/1.1
//   Content-Type: application/x-protobuf      (a serialized SyncRequest)
//   Authorization: Bearer <token>
// 200 with Content-Type application/x-protobuf carries a SyncResponse.
// Any other answer of the hub carries `Relais-Status: <canonical code>`
// (the number, 1..16, as gRPC's) and a French text/plain message; without
// that header (a proxy, another server answered) the HTTP status alone is
// mapped as gRPC maps HTTP statuses (CodeForHttpStatus).

#include <cstddef>
#include <string>

#include "common/util/status.h"

namespace relais::net {

inline constexpr char kHttpSyncPath[] = "/relais.sync.v1/Sync";
inline constexpr char kHttpSyncContentType[] = "application/x-protobuf";
inline constexpr char kHttpSyncStatusHeader[] = "Relais-Status";

// The HTTP status the hub answers for a refusal of code `code`.
int HttpStatusForCode(common::StatusCode code);

// The canonical code for an answer without a valid Relais-Status header:
// 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404/405/501 UNIMPLEMENTED,
// 408/504 DEADLINE_EXCEEDED, 502/503 UNAVAILABLE, 413 and 429
// RESOURCE_EXHAUSTED (429 as gRPC's per-address refusal, not UNAVAILABLE:
// no failover, the worker backs off), other 4xx INVALID_ARGUMENT, other 5xx INTERNAL,
// anything else UNKNOWN.
common::StatusCode CodeForHttpStatus(long http_status);

// The code carried by a Relais-Status header value: a decimal 1..16 and
// nothing else; false otherwise (then the HTTP status is used).
bool ParseStatusHeader(const std::string& value, common::StatusCode* code);

// True if a Content-Type header value names the protobuf type (parameters
// after ';' and case ignored).
bool IsProtobufContentType(const std::string& value);

}  // namespace relais::net
