#pragma once
// Organisation keys (issue #15): a Keyring holds every key an organisation
// has used (oldest first) and which one new writes use. Each key is a
// 32-byte master key with a key id of 8 lower-case hex digits; the keys
// actually used are derived with crypto_kdf (libsodium):
//   subkey 1 ("relaisv1"): XChaCha20-Poly1305 IETF, sealed values (seal.h);
//   subkey 2 ("relaisv1"): keyed BLAKE2b, the check-in blind index (seal.h).
// No SQLite, no gRPC. Thread-safe once built (const methods only).
//
// Key file (0600, text, one item per line; ParseKeyFile refuses anything
// else, files over 64 KiB and more than 64 keys):
//   relais-cle 1
//   site <site id>
//   current <kid>
//   key <kid> <base64url of 32 bytes>      (one line per key, oldest first)
//
// Exported key file (`relais key export`): the key file above sealed with
// crypto_secretbox under a key stretched from a passphrase with
// crypto_pwhash (Argon2id, salt and limits stored beside it):
//   relais-cle-exportee 1
//   pwhash argon2id13 <opslimit> <memlimit> <base64url salt>
//   nonce <base64url 24 bytes>
//   data <base64url ciphertext>
// ImportKeyFile refuses limits outside [INTERACTIVE, SENSITIVE] (a hostile
// file must not make the importer allocate gigabytes).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/util/status.h"

namespace relais::common::crypto {

inline constexpr size_t kKeyBytes = 32;
inline constexpr size_t kKeyIdLen = 8;
inline constexpr size_t kMaxKeys = 64;
// Shortest and longest passphrase accepted by ExportKeyFile.
inline constexpr size_t kMinPassphrase = 10;
inline constexpr size_t kMaxPassphrase = 1024;

struct Key {
  std::string id;  // 8 lower-case hex digits
  std::array<unsigned char, kKeyBytes> master{};
};

// Initialises libsodium once; false if it cannot (no random source).
bool SodiumReady();

class Keyring {
 public:
  // A new keyring for `site` with one random key. INTERNAL if libsodium
  // cannot start.
  static Result<Keyring> Generate(const std::string& site);

  const std::string& site() const { return site_; }
  const std::vector<Key>& keys() const { return keys_; }
  // The key new values are sealed with. REQUIRES: !keys().empty() (always
  // true for a keyring from Generate or ParseKeyFile).
  const Key& current() const { return keys_[current_]; }
  // nullptr when `kid` is not in the ring.
  const Key* Find(std::string_view kid) const;
  // Adds a fresh random key and makes it current; older keys stay, so older
  // values stay readable. RESOURCE_EXHAUSTED past kMaxKeys.
  Status Rotate();

  // The key file text (see file comment).
  std::string Serialize() const;

 private:
  friend Result<Keyring> ParseKeyFile(std::string_view text);
  std::string site_;
  std::vector<Key> keys_;
  size_t current_ = 0;
};

// Parses a key file; DATA_LOSS with a French message on anything malformed.
Result<Keyring> ParseKeyFile(std::string_view text);

// Reads `path` (NOT_FOUND if absent, DATA_LOSS if malformed, and
// FAILED_PRECONDITION if its site differs from `site` when `site` is
// non-empty).
Result<Keyring> LoadKeyFile(const std::string& path, const std::string& site);
// Writes `ring` to `path` with mode 0600 (temporary file, fsync, rename).
// ALREADY_EXISTS if `path` exists and `overwrite` is false.
Status SaveKeyFile(const std::string& path, const Keyring& ring,
                   bool overwrite);

// Passphrase-protected export and its import (see file comment).
// INVALID_ARGUMENT for a passphrase shorter than kMinPassphrase or longer
// than kMaxPassphrase. Import: PERMISSION_DENIED for a wrong passphrase (or
// a tampered file), DATA_LOSS for a malformed one.
Result<std::string> ExportKeyFile(const Keyring& ring,
                                  std::string_view passphrase);
Result<Keyring> ImportKeyFile(std::string_view text,
                              std::string_view passphrase);

// base64url without padding (libsodium); Decode returns false on bad input.
std::string B64(const unsigned char* p, size_t n);
bool UnB64(std::string_view in, std::vector<unsigned char>* out);

}  // namespace relais::common::crypto
