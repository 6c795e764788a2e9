#include "server/wire_limits.h"

#include <zlib.h>

#include <cstdio>

namespace relais::server {

using common::Status;

std::string EscapeForLog(const std::string& s, size_t max_bytes) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == max_bytes) {
      out += "...";
      break;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string EscapePromLabel(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

bool LooksCompressed(const std::string& d) {
  if (d.size() < 2) return false;
  const auto b0 = static_cast<unsigned char>(d[0]), b1 = static_cast<unsigned char>(d[1]);
  if (b0 == 0x1f && b1 == 0x8b) return true;                // gzip
  return (b0 & 0x0f) == 8 && (b0 * 256 + b1) % 31 == 0;     // zlib
}

common::Result<std::string> InflateBounded(const std::string& data, size_t max_out) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK)  // gzip or zlib header
    return Status::Internal("zlib: initialisation impossible");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    const size_t n = sizeof buf - z.avail_out;
    if (out.size() + n > max_out) {
      inflateEnd(&z);
      return Status::ResourceExhausted(
          "message trop grand une fois décompressé (maximum " +
          std::to_string(max_out) + " octets)");
    }
    out.append(buf, n);
    if (rc == Z_OK && n == 0 && z.avail_in == 0) break;  // truncated
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END)
    return Status::InvalidArgument("message compressé illisible ou tronqué");
  return out;
}

std::string PeerHost(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  const size_t bracket = peer.rfind(']');
  if (colon == std::string::npos || colon < 5) return peer;  // "ipv4:" prefix
  if (bracket != std::string::npos && colon < bracket) return peer;
  return peer.substr(0, colon);
}

Status CheckMaxCallsPerPeer(int64_t n) {
  if (n >= 1 && n <= kMaxCallsPerPeerLimit) return Status::OK();
  return Status::InvalidArgument(
      "--max-calls-per-peer: entre 1 et " + std::to_string(kMaxCallsPerPeerLimit) +
      " appels simultanés par adresse, reçu " + std::to_string(n));
}

Status CheckMemoryQuotaMb(int64_t mb) {
  if (mb >= 8 && mb <= kMaxMemoryQuotaMb) return Status::OK();
  return Status::InvalidArgument("--memory-quota-mb: entre 8 et " +
                                 std::to_string(kMaxMemoryQuotaMb) + " Mo, reçu " +
                                 std::to_string(mb));
}

}  // namespace relais::server
