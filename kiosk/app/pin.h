#pragma once
// Staff PINs, stored only as a salted, slow hash (practitioner.pin_hash, or
// the site record's pin_hash for the secretariat; both sealed fields, so the
// hub never holds them):
//   "$argon2id$v=19$m=131072,t=3,p=1$<salt>$<hash>"  (libsodium
//   crypto_pwhash_str, Argon2id, kPinOpsLimit / kPinMemLimit), or, written
//   before issue #15, "pbkdf2-sha256$<iterations>$<salt hex>$<key hex>"
//   (still verified; PinNeedsUpgrade() says to re-hash it on the next
//   successful unlock).
// Lockout (LockoutMs): 5 wrong PINs for one user at one kiosk lock that user
// out for 1 min, doubling with each further failure, capped at 1 h.
// Thread-safe; no I/O except the system random source in NewPinHash.

#include <cstdint>
#include <string>

#include "common/util/status.h"

namespace relais::kiosk {

// Argon2id cost: 3 passes over 128 MiB (between libsodium's INTERACTIVE,
// 2 x 64 MiB, and MODERATE, 3 x 256 MiB). Measured on the 2-core build
// machine (docs/security.md "Accès du personnel"): ~0.27 s of CPU per
// verification, and an unlock verifies ONE verifier (the name is chosen
// first), so it stays under 1 s; all 10,000 4-digit PINs against one stolen
// verifier cost ~45 min of one core, ~60 times PBKDF2's.
inline constexpr unsigned long long kPinOpsLimit = 3;
inline constexpr size_t kPinMemLimit = 128u << 20;
// A stored verifier asking for more than this is refused unverified (a
// hostile synced pin_hash must not make the kiosk allocate gigabytes).
inline constexpr unsigned long long kPinMaxOpsLimit = 10;
inline constexpr size_t kPinMaxMemLimit = 256u << 20;
// PBKDF2 verifiers written before issue #15.
inline constexpr int kPinIterations = 20000;

inline constexpr int kLockoutThreshold = 5;
inline constexpr int64_t kLockoutFirstMs = 60'000;
inline constexpr int64_t kLockoutMaxMs = 3'600'000;

// True for 4 to 6 ASCII digits.
bool IsValidPin(const std::string& pin);

// Argon2id verifier of `pin` with a fresh random salt. INVALID_ARGUMENT for
// a bad PIN, INTERNAL if libsodium fails (out of memory).
common::Result<std::string> NewPinHash(const std::string& pin);

// Legacy PBKDF2 verifier with the given salt (hex) and iteration count
// ("" for a bad salt). Kept to verify old hashes and for tests.
std::string HashPinWithSalt(const std::string& pin, const std::string& salt_hex,
                            int iterations);

// True if `pin` matches `stored` (Argon2id or legacy PBKDF2; constant-time
// compare). False for an empty, malformed or over-costly verifier.
bool VerifyPin(const std::string& pin, const std::string& stored);

// True if `stored` is not an Argon2id verifier with the current limits
// (legacy PBKDF2, or older limits): re-hash after a successful unlock.
bool PinNeedsUpgrade(const std::string& stored);

// Lockout after `failures` consecutive wrong PINs: 0 below
// kLockoutThreshold, then 1 min doubling per failure, capped at 1 h.
int64_t LockoutMs(int failures);

}  // namespace relais::kiosk
