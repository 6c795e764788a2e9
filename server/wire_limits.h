#pragma once
// Small pure helpers for the hub's transport limits (docs/protocol.md,
// "Transport limits"): escaping for the log and the
// Prometheus text format, bounded decompression, and peer names. No gRPC.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/util/status.h"

namespace relais::server {

// `s` with every control byte (newline, CR, ESC, DEL...) and '\\' written
// as \xNN, cut to `max_bytes` (then "..." is appended): it stays on one log
// line and cannot forge another. UTF-8 text (French messages) is kept.
std::string EscapeForLog(const std::string& s, size_t max_bytes = 80);

// A Prometheus label value: '\\', '"' and newline escaped as the text
// exposition format requires.
std::string EscapePromLabel(const std::string& s);

// True if `data` starts like a gzip or zlib stream (what gRPC's "gzip" and
// "deflate" encodings carry; a SyncRequest's protobuf never starts so).
bool LooksCompressed(const std::string& data);

// Inflates a gzip or zlib stream, never producing more than `max_out` bytes:
// RESOURCE_EXHAUSTED as soon as the output would exceed it (memory spent is
// at most max_out plus a small buffer), INVALID_ARGUMENT for a corrupt or
// truncated stream.
common::Result<std::string> InflateBounded(const std::string& data, size_t max_out);

// The host part of a gRPC peer string ("ipv4:127.0.0.1:5432" ->
// "ipv4:127.0.0.1", "ipv6:[::1]:80" -> "ipv6:[::1]").
std::string PeerHost(const std::string& peer);

// relais-hub --max-calls-per-peer: calls in progress admitted per client
// address (HubServiceOptions::max_calls_per_peer). Default 8; accepted range
// [1, kMaxCallsPerPeerLimit], so a typo cannot lift the limit entirely.
inline constexpr int kDefaultMaxCallsPerPeer = 8;
inline constexpr int kMaxCallsPerPeerLimit = 1024;
// INVALID_ARGUMENT (French message naming the flag and the range) outside
// [1, kMaxCallsPerPeerLimit].
common::Status CheckMaxCallsPerPeer(int64_t n);

// relais-hub --memory-quota-mb: gRPC's memory quota for transport buffers
// (ServerOptions::memory_quota_bytes). Under pressure gRPC closes idle
// connections and cancels the streams holding the most, which bounds what
// hostile clients can pin; about 0.25 MB per connected house keeps every
// idle connection of a region open (1,000 houses: 256). Default 32, range
// [8, 8192].
inline constexpr int kDefaultMemoryQuotaMb = 32;
inline constexpr int kMaxMemoryQuotaMb = 8192;
// INVALID_ARGUMENT (French message naming the flag and the range) outside
// [8, kMaxMemoryQuotaMb].
common::Status CheckMemoryQuotaMb(int64_t mb);

}  // namespace relais::server
