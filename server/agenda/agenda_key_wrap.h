#pragma once
// The organisation key held for an agenda token that may see patient
// details (issue #20), without the hub holding that key.
//
// The hub never holds an organisation key in usable form (docs/security.md).
// When an agenda token is enrolled with patient details, the organisation's
// key file is sealed under a key derived from the token itself:
//
//   wrap key = BLAKE2b-256(key = "relais-agenda-wrap-v1", message = token)
//   stored   = "w1:" base64url(nonce[24]) ":" base64url(
//                  crypto_secretbox(key file text, nonce, wrap key))
//
// The token is shown once and only its SHA-256 is stored (agenda_tokens.h),
// so hub.db, its backups and its logs cannot open the key: only a request
// carrying the token can, for the time of that request. A row whose flag
// says "details" but whose wrapped key is absent, tampered or wrapped for
// another token opens nothing: flipping the flag in the database reveals
// nothing. libsodium; thread-safe.

#include <memory>
#include <string>
#include <string_view>

#include "common/crypto/keyring.h"
#include "common/util/status.h"

namespace relais::server {

// Seals `ring`'s key file text for `token`. INTERNAL if libsodium fails.
common::Result<std::string> WrapKeyForToken(const common::crypto::Keyring& ring,
                                            std::string_view token);

// The keyring sealed in `wrapped` for `token`; PERMISSION_DENIED (French) if
// it does not open (another token, tampered) and DATA_LOSS if malformed.
common::Result<common::crypto::Keyring> UnwrapKeyForToken(std::string_view wrapped,
                                                          std::string_view token);

}  // namespace relais::server
