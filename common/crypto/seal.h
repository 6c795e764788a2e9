#pragma once
// Sealed field values and the check-in blind index (issue #15).
//
// Sealed value (text, safe for JSON, the hub and its 4096-byte cap):
//   "§s1:" <kid> ":" base64url( nonce[24] || XChaCha20-Poly1305-IETF(
//        sodium_pad(clear, 16), ad ) )
// with the AEAD key = crypto_kdf subkey 1 of key <kid> and the associated
// data binding the value to its place: SealAd(collection, site, id, field).
// So a sealed value moved to another record, field, site or collection no
// longer opens. Clear values are padded to a multiple of 16 bytes so the
// hub learns lengths only to 16 bytes. Nonces are random (24 bytes), so
// sealing the same value twice gives different texts.
//
// Blind index (for kiosk check-in without opening every appointment):
//   <kid> ":" base64url( BLAKE2b-128 keyed with crypto_kdf subkey 2 of key
//                        <kid>, over "idx1\0" letters "\0" birth ) )
// where letters = the first 3 letters of FoldLetters(name) (model/schema.h)
// and birth = "YYYY-MM-DD". Equal (letters, birth) under one key give equal
// indexes: the hub can see that two appointments share them, nothing more.
// Thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto/keyring.h"
#include "common/model/schema.h"

namespace relais::common::crypto {

// "§s1:" in UTF-8 (model/schema.h).
inline constexpr const char* kSealPrefix = kSealedPrefix;
inline constexpr size_t kSealPrefixLen = sizeof kSealedPrefix - 1;
// Longest clear value SealValue accepts: its sealed text then stays within
// 4096 bytes (prefix 5 + kid 8 + ':' 1 + base64 of 24+16+3008 bytes = 4078).
inline constexpr size_t kMaxSealableLen = kMaxSealedClearLen;

// True when `v` starts with kSealPrefix (it claims to be sealed).
bool LooksSealed(std::string_view v);
// The key id named by a sealed value, "" if malformed.
std::string SealedKeyId(std::string_view v);

// Associated data of a field value: "relais-ad-v1" NUL collection NUL site
// NUL record id NUL field.
std::string SealAd(std::string_view collection, std::string_view site,
                   std::string_view record_id, std::string_view field);

// Seals `clear` with the ring's current key. INVALID_ARGUMENT past
// kMaxSealableLen. Nonce: random; or, with `deterministic`, keyed BLAKE2b
// (crypto_kdf subkey 3) of (ad, clear), so the same value at the same place
// under the same key always gives the same text. The in-place migration
// uses it: replicas sharing a key that reseal the same pulled clear value
// concurrently then write equal values, not a conflict. It reveals only
// that a value at one place is unchanged.
Result<std::string> SealValue(const Keyring& ring, std::string_view ad,
                              std::string_view clear, bool deterministic = false);
// Opens a sealed value with whichever key of the ring it names; nullopt if
// it is malformed, names an unknown key, or fails authentication (wrong
// organisation, tampered, moved to another place).
std::optional<std::string> OpenValue(const Keyring& ring, std::string_view ad,
                                     std::string_view sealed);

// The blind index of (letters, birth) under the current key; "" when
// `letters` has fewer than 3 letters or `birth` is empty.
std::string BlindIndex(const Keyring& ring, std::string_view name_or_letters,
                       std::string_view birth);
// The blind index of (letters, birth) under every key of the ring (older
// appointments keep the index of the key current when they were written).
std::vector<std::string> BlindIndexes(const Keyring& ring,
                                      std::string_view name_or_letters,
                                      std::string_view birth);

}  // namespace relais::common::crypto
