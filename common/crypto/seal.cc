#include "common/crypto/seal.h"

#include <sodium.h>

#include <cstring>

#include "common/model/fold.h"

namespace relais::common::crypto {

namespace {

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "relaisv1";
constexpr uint64_t kAeadSubkey = 1, kIndexSubkey = 2, kNonceSubkey = 3;
constexpr size_t kPadBlock = 16;
constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

struct Subkey {
  unsigned char k[32];
  Subkey(const Key& key, uint64_t id) {
    crypto_kdf_derive_from_key(k, sizeof k, id, kKdfContext, key.master.data());
  }
  ~Subkey() { sodium_memzero(k, sizeof k); }
};

std::string IndexUnder(const Key& key, std::string_view letters,
                       std::string_view birth) {
  const std::string msg = "idx1" + std::string(1, '\0') + std::string(letters) +
                          std::string(1, '\0') + std::string(birth);
  Subkey sk(key, kIndexSubkey);
  unsigned char out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(msg.data()),
                     msg.size(), sk.k, sizeof sk.k);
  return key.id + ":" + B64(out, sizeof out);
}

// The 3 letters the index is computed over, "" if too few.
std::string IndexLetters(std::string_view name) {
  std::string f = FoldLetters(std::string(name));
  return f.size() < 3 ? std::string() : f.substr(0, 3);
}

}  // namespace

bool LooksSealed(std::string_view v) {
  return v.size() >= kSealPrefixLen && v.substr(0, kSealPrefixLen) == kSealPrefix;
}

std::string SealedKeyId(std::string_view v) {
  if (!LooksSealed(v) || v.size() < kSealPrefixLen + kKeyIdLen + 1 ||
      v[kSealPrefixLen + kKeyIdLen] != ':')
    return "";
  return std::string(v.substr(kSealPrefixLen, kKeyIdLen));
}

std::string SealAd(std::string_view collection, std::string_view site,
                   std::string_view record_id, std::string_view field) {
  std::string ad = "relais-ad-v1";
  for (std::string_view part : {collection, site, record_id, field}) {
    ad += '\0';
    ad += part;
  }
  return ad;
}

Result<std::string> SealValue(const Keyring& ring, std::string_view ad,
                              std::string_view clear, bool deterministic) {
  if (!SodiumReady()) return Status::Internal("libsodium indisponible");
  if (clear.size() > kMaxSealableLen)
    return Status::InvalidArgument("valeur trop longue pour être chiffrée (" +
                                   std::to_string(kMaxSealableLen) + " octets au plus)");
  std::vector<unsigned char> padded(clear.size() + kPadBlock);
  std::memcpy(padded.data(), clear.data(), clear.size());
  size_t padded_len = 0;
  if (sodium_pad(&padded_len, padded.data(), clear.size(), kPadBlock, padded.size()) != 0)
    return Status::Internal("bourrage impossible");
  std::vector<unsigned char> out(kNonce + padded_len + kTag);
  const Key& key = ring.current();
  if (deterministic) {
    Subkey nk(key, kNonceSubkey);
    crypto_generichash_state st;
    const unsigned long long ad_len = ad.size();
    crypto_generichash_init(&st, nk.k, sizeof nk.k, kNonce);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(&ad_len),
                              sizeof ad_len);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(ad.data()),
                              ad.size());
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(clear.data()),
                              clear.size());
    crypto_generichash_final(&st, out.data(), kNonce);
  } else {
    randombytes_buf(out.data(), kNonce);
  }
  Subkey sk(key, kAeadSubkey);
  unsigned long long ct_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + kNonce, &ct_len, padded.data(), padded_len,
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, out.data(), sk.k);
  sodium_memzero(padded.data(), padded.size());
  return std::string(kSealPrefix) + key.id + ":" + B64(out.data(), kNonce + ct_len);
}

std::optional<std::string> OpenValue(const Keyring& ring, std::string_view ad,
                                     std::string_view sealed) {
  if (!SodiumReady()) return std::nullopt;
  const std::string kid = SealedKeyId(sealed);
  const Key* key = kid.empty() ? nullptr : ring.Find(kid);
  if (!key) return std::nullopt;
  std::vector<unsigned char> raw;
  if (sealed.size() > 8192 || !UnB64(sealed.substr(kSealPrefixLen + kKeyIdLen + 1), &raw) ||
      raw.size() < kNonce + kTag)
    return std::nullopt;
  std::vector<unsigned char> clear(raw.size() - kNonce - kTag);
  unsigned long long len = 0;
  Subkey sk(*key, kAeadSubkey);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          clear.data(), &len, nullptr, raw.data() + kNonce, raw.size() - kNonce,
          reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), raw.data(),
          sk.k) != 0)
    return std::nullopt;
  size_t unpadded = 0;
  if (sodium_unpad(&unpadded, clear.data(), static_cast<size_t>(len), kPadBlock) != 0)
    return std::nullopt;
  std::string out(reinterpret_cast<const char*>(clear.data()), unpadded);
  sodium_memzero(clear.data(), clear.size());
  return out;
}

std::string BlindIndex(const Keyring& ring, std::string_view name_or_letters,
                       std::string_view birth) {
  const std::string letters = IndexLetters(name_or_letters);
  if (letters.empty() || birth.empty() || !SodiumReady()) return "";
  return IndexUnder(ring.current(), letters, birth);
}

std::vector<std::string> BlindIndexes(const Keyring& ring,
                                      std::string_view name_or_letters,
                                      std::string_view birth) {
  std::vector<std::string> out;
  const std::string letters = IndexLetters(name_or_letters);
  if (letters.empty() || birth.empty() || !SodiumReady()) return out;
  for (const Key& k : ring.keys()) out.push_back(IndexUnder(k, letters, birth));
  return out;
}

}  // namespace relais::common::crypto
