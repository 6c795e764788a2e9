#pragma once
// Enrolment tokens: random secrets shown once, stored only as SHA-256.

#include <string>

#include "common/util/status.h"

namespace relais::server {

// A new token: 32 random bytes (OpenSSL RAND_bytes) as 64 hex characters.
// INTERNAL if the random generator fails.
common::Result<std::string> GenerateToken();

// SHA-256 of `token`, lower-case hex (what the hub stores and looks up).
std::string HashToken(const std::string& token);

}  // namespace relais::server
