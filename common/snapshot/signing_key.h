#pragma once
// The hub's snapshot signing key (Ed25519, libsodium) and its public half
// as a copyable text line.
//
// Key file: exactly the 64 bytes of libsodium's Ed25519 secret key (seed +
// public key), mode 0600, created on first use. A key file readable by the
// group or others, of another size, or whose two halves do not match is
// refused (PERMISSION_DENIED / DATA_LOSS) rather than used.
// Public key text: "relais-ed25519:" + standard base64 of the 32 bytes
// (59 characters), what `relais-hub snapshot-key --print-public` prints and
// `relais init --hub-key` takes.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/util/status.h"

namespace relais::common::snapshot {

using PublicKey = std::array<uint8_t, 32>;

struct SigningKey {
  std::array<uint8_t, 64> secret{};
  PublicKey pub{};
};

// Loads the key at `path`, or creates it (0600, O_EXCL) when absent;
// `*created` (optional) says which.
Result<SigningKey> LoadOrCreateSigningKey(const std::string& path, bool* created = nullptr);

std::string FormatPublicKey(const PublicKey& key);
// INVALID_ARGUMENT, with what to do, for anything but the form above
// (surrounding whitespace allowed).
Result<PublicKey> ParsePublicKey(std::string_view text);
// A file holding that line (at most 4 KiB).
Result<PublicKey> ReadPublicKeyFile(const std::string& path);

// sodium_init(), once; INTERNAL if libsodium cannot start.
Status InitSodium();

}  // namespace relais::common::snapshot
