#pragma once
// Sync by file (issue #17, docs/protocol.md « Synchronisation par fichier »):
// the layout of a change file (replica -> hub: the SyncRequests the replica
// would send over gRPC) and of a response file (hub -> replica: the
// SyncResponses), their MAC and their bounds. All integers little-endian.
//
//   offset 0   magic "RELCHG1\n" (changes) or "RELREP1\n" (response)   8 bytes
//          8   version (u32) = 1
//         12   token id: 16 bytes (see FileKeys)
//         28   u8 replica id length (1..64) + replica id
//              u64 base push cursor, u64 base pull cursor: the replica's
//                  cursors when it wrote the change file
//              16 bytes export id: random, names one change file; its
//                  response repeats it
//              u32 message count (1..kMaxMessages)
//              u64 raw length (1..kMaxRawBytes): the body once inflated
//              u64 body length (1..kMaxBodyBytes)
//              body: one zstd frame of count x { u32 len (1..kMaxMessageBytes)
//                    + protobuf relais.sync.v1.SyncRequest | SyncResponse }
//     size-32  MAC: libsodium crypto_auth (HMAC-SHA-512-256) of bytes
//              [0, size-32) under the MAC key of FileKeys
//
// Keys: the hub keeps only SHA-256(token) (server/token.h), so both keys
// come from it with libsodium's crypto_kdf (BLAKE2b) under the context
// "RelChgF1": subkey 1 (16 bytes) is the token id written in clear so the
// hub finds the token without the token appearing in the file; subkey 2
// (32 bytes) is the MAC key. Whoever holds the token or the hub's database
// can write such a file; nobody else can (the same trust as a gRPC call).
//
// Every length is checked against its bound before any allocation, and the
// MAC before the body is inflated or parsed.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/util/status.h"

namespace relais::sync {

enum class ChangeFileKind { kChanges, kResponse };

inline constexpr uint32_t kChangeFileVersion = 1;
inline constexpr size_t kTokenIdBytes = 16;
inline constexpr size_t kExportIdBytes = 16;
inline constexpr size_t kMacBytes = 32;
inline constexpr uint32_t kMaxMessages = 256;
inline constexpr uint32_t kMaxMessageBytes = 16 << 20;
inline constexpr uint64_t kMaxRawBytes = 256ull << 20;
inline constexpr uint64_t kMaxBodyBytes = 256ull << 20;
// Largest file: header, body and MAC.
inline constexpr uint64_t kMaxChangeFileBytes = kMaxBodyBytes + 4096;

struct FileKeys {
  std::array<uint8_t, kTokenIdBytes> token_id{};
  std::array<uint8_t, 32> mac_key{};
};

// Keys of a token (the replica's side).
FileKeys KeysFromToken(const std::string& token);
// Keys from the hub's stored SHA-256 of a token (64 hex characters);
// INVALID_ARGUMENT if it is not that.
common::Result<FileKeys> KeysFromTokenHash(const std::string& hex_hash);

struct ChangeFileHeader {
  ChangeFileKind kind = ChangeFileKind::kChanges;
  std::array<uint8_t, kTokenIdBytes> token_id{};
  std::string replica_id;
  uint64_t base_push_cursor = 0;
  uint64_t base_pull_cursor = 0;
  std::array<uint8_t, kExportIdBytes> export_id{};
};

// A new random export id (libsodium randombytes).
std::array<uint8_t, kExportIdBytes> NewExportId();
std::string ExportIdHex(const std::array<uint8_t, kExportIdBytes>& id);

// The file's bytes: header (token id taken from `keys`), compressed body of
// `messages` (serialized protobufs), MAC. INVALID_ARGUMENT if a bound is
// exceeded (no messages, too many, one too large, a bad replica id).
common::Result<std::string> EncodeChangeFile(ChangeFileHeader header,
                                             const std::vector<std::string>& messages,
                                             const FileKeys& keys);

// Parses the header only (no MAC check yet: the hub needs the token id to
// find the key). DATA_LOSS (French, « fichier … abîmé ») for another magic
// or kind, a truncated file or a length out of bounds; FAILED_PRECONDITION
// for another version.
common::Result<ChangeFileHeader> PeekChangeFile(std::string_view bytes, ChangeFileKind kind);

// Checks the MAC under `keys` (DATA_LOSS « altéré ou abîmé » if it fails, in
// constant time), then inflates the body within its declared bounds and
// splits it into messages (DATA_LOSS if anything disagrees).
common::Result<std::vector<std::string>> OpenChangeFile(std::string_view bytes,
                                                        const FileKeys& keys);

// Reads a whole file of at most kMaxChangeFileBytes (checked with fstat
// before reading). INVALID_ARGUMENT if larger, NOT_FOUND / FAILED_PRECONDITION
// with the path for I/O errors.
common::Result<std::string> ReadChangeFile(const std::string& path);
// Writes `bytes` to `path` atomically and privately: "<path>.tmp" created
// 0600, fsync, rename, fsync of the directory. On error no temporary file
// is left and `path` is untouched.
common::Status WriteChangeFile(const std::string& path, const std::string& bytes);

}  // namespace relais::sync
