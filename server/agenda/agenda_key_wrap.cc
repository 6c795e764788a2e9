#include "server/agenda/agenda_key_wrap.h"

#include <sodium.h>

#include <array>
#include <vector>

namespace relais::server {

using common::Result;
using common::Status;
namespace crypto = common::crypto;

namespace {

constexpr char kWrapContext[] = "relais-agenda-wrap-v1";
constexpr char kPrefix[] = "w1:";
// A key file is at most 64 KiB (keyring.h); its sealed form a little more.
constexpr size_t kMaxWrapped = 100 * 1024;

// Zeroes the derived key when it goes out of scope.
struct WrapKey {
  std::array<unsigned char, crypto_secretbox_KEYBYTES> k{};
  ~WrapKey() { sodium_memzero(k.data(), k.size()); }
};

void Derive(std::string_view token, WrapKey* out) {
  crypto_generichash(out->k.data(), out->k.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     reinterpret_cast<const unsigned char*>(kWrapContext),
                     sizeof kWrapContext - 1);
}

}  // namespace

Result<std::string> WrapKeyForToken(const crypto::Keyring& ring, std::string_view token) {
  if (!crypto::SodiumReady()) return Status::Internal("libsodium indisponible");
  std::string clear = ring.Serialize();
  WrapKey key;
  Derive(token, &key);
  std::array<unsigned char, crypto_secretbox_NONCEBYTES> nonce;
  randombytes_buf(nonce.data(), nonce.size());
  std::vector<unsigned char> ct(clear.size() + crypto_secretbox_MACBYTES);
  crypto_secretbox_easy(ct.data(), reinterpret_cast<const unsigned char*>(clear.data()),
                        clear.size(), nonce.data(), key.k.data());
  sodium_memzero(clear.data(), clear.size());
  return std::string(kPrefix) + crypto::B64(nonce.data(), nonce.size()) + ":" +
         crypto::B64(ct.data(), ct.size());
}

Result<crypto::Keyring> UnwrapKeyForToken(std::string_view wrapped, std::string_view token) {
  if (!crypto::SodiumReady()) return Status::Internal("libsodium indisponible");
  const std::string_view prefix(kPrefix);
  const size_t colon = wrapped.find(':', prefix.size());
  if (wrapped.size() > kMaxWrapped || wrapped.substr(0, prefix.size()) != prefix ||
      colon == std::string_view::npos)
    return Status::DataLoss("clé d'organisation du jeton agenda illisible");
  std::vector<unsigned char> nonce, ct;
  if (!crypto::UnB64(wrapped.substr(prefix.size(), colon - prefix.size()), &nonce) ||
      !crypto::UnB64(wrapped.substr(colon + 1), &ct) ||
      nonce.size() != crypto_secretbox_NONCEBYTES || ct.size() < crypto_secretbox_MACBYTES)
    return Status::DataLoss("clé d'organisation du jeton agenda illisible");
  WrapKey key;
  Derive(token, &key);
  std::string clear(ct.size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(clear.data()), ct.data(),
                                 ct.size(), nonce.data(), key.k.data()) != 0)
    return Status::PermissionDenied("clé d'organisation du jeton agenda : ne s'ouvre pas "
                                    "avec ce jeton");
  auto ring = crypto::ParseKeyFile(clear);
  sodium_memzero(clear.data(), clear.size());
  return ring;
}

}  // namespace relais::server
