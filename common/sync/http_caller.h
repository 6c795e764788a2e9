#pragma once
// The HTTP/1.1 HubCaller (hub_caller.h): the same SyncRequest/SyncResponse
// as gRPC, POSTed with libcurl to http(s)://HUB/relais.sync.v1/Sync
// (common/net/http_sync_wire.h, docs/protocol.md "Transport HTTP/1.1"), for
// networks where HTTP/2 does not get through (office proxies that inspect
// TLS and speak HTTP/1.1 only).
//
// - URL: https://<SyncOptions::http_hub>/relais.sync.v1/Sync, TLS verified
//   against SyncOptions::ca_file (a bundle: the hub's CA and, behind a
//   TLS-inspecting proxy, the office CA). With tls_server_name, the URL
//   names it and libcurl connects to http_hub's address (CURLOPT_CONNECT_TO).
//   No ca_file: plain http, loopback only (as gRPC).
// - Proxies come from the environment (https_proxy, http_proxy for plain
//   http, no_proxy): libcurl's default, never overridden here.
// - Token in `Authorization: Bearer`; per-request deadline
//   SyncOptions::deadline_ms; response bounded to kMaxResponseBytes once
//   decompressed (RESOURCE_EXHAUSTED beyond); `Accept-Encoding: gzip` when
//   SyncOptions::compress.
// - One connection kept alive for the caller's life (one per session).
// Errors: see HttpCaller::Call.

#include <memory>
#include <string>

#include "common/sync/hub_caller.h"
#include "common/sync/sync_client.h"

namespace relais::sync {

// The URL the caller posts to, and the CURLOPT_CONNECT_TO entry ("" when
// none) for `o`. INVALID_ARGUMENT (French) for a missing or malformed
// http_hub, a missing token, or plain text to a non-loopback hub.
struct HttpTarget {
  std::string url;
  std::string connect_to;
};
common::Result<HttpTarget> HttpTargetFor(const SyncOptions& o);

}  // namespace relais::sync
