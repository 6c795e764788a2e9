#pragma once
// Signed site snapshot: file layout (docs/protocol.md « Instantané signé »).
// All integers little-endian.
//
//   offset 0   magic "RELSNAP1"                      8 bytes
//          8   version (u32) = 1
//         12   header_len (u32), 1..kMaxHeaderBytes
//         16   header (header_len bytes):
//                u8  compression: 0 = none, 1 = zstd (the body only)
//                u8  site count, 1..kMaxSites; per site: u8 len (1..64) + id
//                    (sorted, unique, [A-Za-z0-9._-])
//                u8  epoch length (1..kMaxEpochBytes) + the hub's epoch
//                u64 cursor: hub sequence to resume pulling after
//                u64 record count, 0..kMaxRecords
//                i64 created_ms: the hub's wall clock when it was written
//     16+header_len  body, optionally one zstd frame: record count times
//                { u32 len (1..kMaxRecordBytes) + protobuf relais.sync.v1.Record }
//     size-64  signature: Ed25519ph (libsodium crypto_sign_final_create:
//              Ed25519 over the SHA-512 of the message) of bytes [0, size-64)
//
// Pure encoding and bounds: no I/O, no crypto.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/util/status.h"

namespace relais::common::snapshot {

inline constexpr char kMagic[8] = {'R', 'E', 'L', 'S', 'N', 'A', 'P', '1'};
inline constexpr uint32_t kVersion = 1;
inline constexpr size_t kPreambleBytes = 16;  // magic + version + header_len
inline constexpr size_t kSignatureBytes = 64;
inline constexpr uint32_t kMaxHeaderBytes = 64 << 10;
inline constexpr size_t kMaxSites = 64;
inline constexpr size_t kMaxEpochBytes = 128;
inline constexpr uint64_t kMaxRecords = 50'000'000;
// A record the hub accepts is < 64 KiB of values plus 64 vv entries and
// per-sibling stamps; 1 MiB leaves room and bounds every allocation.
inline constexpr uint32_t kMaxRecordBytes = 1 << 20;

enum class Compression : uint8_t { kNone = 0, kZstd = 1 };

struct Header {
  Compression compression = Compression::kZstd;
  std::vector<std::string> sites;  // sorted, unique
  std::string epoch;
  uint64_t cursor = 0;
  uint64_t record_count = 0;
  int64_t created_ms = 0;
};

// Checks the bounds above (INVALID_ARGUMENT naming what is wrong).
Status CheckHeader(const Header& h);
// The preamble and header bytes. REQUIRES: CheckHeader(h).ok().
std::string EncodePreambleAndHeader(const Header& h);
// Parses the 16-byte preamble: DATA_LOSS for another magic ("n'est pas un
// instantané Relais"), FAILED_PRECONDITION for another version. Returns
// header_len.
Result<uint32_t> DecodePreamble(std::string_view preamble);
// Parses a header of exactly header_len bytes; DATA_LOSS if malformed.
Result<Header> DecodeHeader(std::string_view bytes);

void PutU32(std::string* out, uint32_t v);
void PutU64(std::string* out, uint64_t v);
uint32_t GetU32(const char* p);
uint64_t GetU64(const char* p);

}  // namespace relais::common::snapshot
