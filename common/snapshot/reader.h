#pragma once
// Reads a signed snapshot file (format.h) with bounded memory.
//
// VerifyFile checks, before parsing anything but the 16-byte preamble:
// magic and version, then the Ed25519ph signature of every byte before the
// last 64 against the hub's public key, and only then parses the header.
// Reader then streams the records of a verified file; it re-hashes the
// whole file while reading and, at the end, refuses (DATA_LOSS) a file that
// changed since VerifyFile, so a caller that commits "complete" only after
// Next() returned std::nullopt never trusts bytes that were not signed.
//
// Errors (French, saying what to do): DATA_LOSS for a foreign, truncated or
// malformed file; FAILED_PRECONDITION for another format version;
// UNAUTHENTICATED for a bad signature (modified file or another hub's key).
// Every length and count is bounded (format.h) before any allocation.

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "common/model/record.h"
#include "common/snapshot/format.h"
#include "common/snapshot/signing_key.h"
#include "common/util/status.h"

namespace relais::common::snapshot {

using Digest = std::array<uint8_t, 32>;  // BLAKE2b-256 of the whole file

struct Verified {
  Header header;
  Digest digest{};
  uint64_t file_size = 0;
  uint64_t body_offset = 0;
};

Result<Verified> VerifyFile(const std::string& path, const PublicKey& key);

std::string DigestHex(const Digest& d);

class Reader {
 public:
  // REQUIRES: `v` came from VerifyFile(path, ...).
  static Result<std::unique_ptr<Reader>> Open(const std::string& path, const Verified& v);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // The next record, or std::nullopt after the last one once the body ended
  // exactly where the signature starts and the file is still the verified
  // one. DATA_LOSS for a truncated or malformed body; INVALID_ARGUMENT for
  // a record FromProto refuses.
  Result<std::optional<Record>> Next();
  uint64_t records_read() const { return read_; }

 private:
  explicit Reader(const Verified& v) : v_(v) {}
  Status ReadRaw(size_t max, std::string* out);
  Status Need(size_t n);
  Status Finish();

  Verified v_;
  std::FILE* f_ = nullptr;
  void* zstd_ = nullptr;       // ZSTD_DCtx*
  void* hash_ = nullptr;       // crypto_generichash_state*
  uint64_t raw_left_ = 0;      // body bytes not yet read from the file
  std::string raw_;            // read, not yet decompressed
  size_t raw_pos_ = 0;
  bool frame_done_ = false;
  std::string buf_;            // decompressed, not yet consumed
  size_t pos_ = 0;
  uint64_t read_ = 0;
  bool done_ = false;
};

}  // namespace relais::common::snapshot
