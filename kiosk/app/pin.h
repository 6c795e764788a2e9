#pragma once
// Staff PINs, stored only as a salted, slow hash in practitioner.pin_hash:
//   "pbkdf2-sha256$<iterations>$<salt hex>$<derived key hex>"
// (PBKDF2-HMAC-SHA256 from OpenSSL libcrypto, 16-byte random salt).
// Thread-safe; no I/O except the system random source in NewPinHash.

#include <string>

#include "common/util/status.h"

namespace relais::kiosk {

inline constexpr int kPinIterations = 20000;

// True for 4 to 6 ASCII digits.
bool IsValidPin(const std::string& pin);

// Hash of `pin` with a fresh random salt. INVALID_ARGUMENT for a bad PIN,
// INTERNAL if the random source fails.
common::Result<std::string> NewPinHash(const std::string& pin);

// Deterministic hash with the given salt (hex) and iteration count.
std::string HashPinWithSalt(const std::string& pin, const std::string& salt_hex,
                            int iterations);

// True if `pin` matches `stored` (constant-time compare). False for an empty
// or malformed hash.
bool VerifyPin(const std::string& pin, const std::string& stored);

}  // namespace relais::kiosk
