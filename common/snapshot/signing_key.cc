#include "common/snapshot/signing_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace relais::common::snapshot {

namespace {

constexpr std::string_view kPrefix = "relais-ed25519:";

std::string Errno() { return std::strerror(errno); }

Status CheckHalves(const SigningKey& k) {
  unsigned char seed[crypto_sign_SEEDBYTES];
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_ed25519_sk_to_seed(seed, k.secret.data());
  crypto_sign_seed_keypair(pk, sk, seed);
  sodium_memzero(seed, sizeof(seed));
  const bool same = sodium_memcmp(sk, k.secret.data(), sizeof(sk)) == 0;
  sodium_memzero(sk, sizeof(sk));
  if (!same)
    return Status::DataLoss("clé de signature du hub incohérente (fichier abîmé)");
  return Status::OK();
}

}  // namespace

Status InitSodium() {
  if (sodium_init() < 0) return Status::Internal("libsodium ne démarre pas");
  return Status::OK();
}

Result<SigningKey> LoadOrCreateSigningKey(const std::string& path, bool* created) {
  RELAIS_RETURN_IF_ERROR(InitSodium());
  SigningKey k;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) {
    crypto_sign_keypair(k.pub.data(), k.secret.data());
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
      return Status::Internal("création de la clé de signature " + path + ": " + Errno());
    const ssize_t n = ::write(fd, k.secret.data(), k.secret.size());
    const bool ok = n == static_cast<ssize_t>(k.secret.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      ::unlink(path.c_str());
      return Status::Internal("écriture de la clé de signature " + path + ": " + Errno());
    }
    if (created) *created = true;
    return k;
  }
  if (fd < 0)
    return Status::FailedPrecondition("clé de signature " + path + " illisible: " + Errno());
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::FailedPrecondition(path + " n'est pas un fichier de clé");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Status::PermissionDenied("clé de signature " + path +
                                    " lisible par d'autres comptes: chmod 600 " + path +
                                    " (et changez de clé si elle a pu être copiée)");
  }
  if (st.st_size != static_cast<off_t>(k.secret.size())) {
    ::close(fd);
    return Status::DataLoss("clé de signature " + path + ": taille inattendue (64 octets)");
  }
  const ssize_t n = ::read(fd, k.secret.data(), k.secret.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(k.secret.size()))
    return Status::DataLoss("lecture de la clé de signature " + path + " incomplète");
  crypto_sign_ed25519_sk_to_pk(k.pub.data(), k.secret.data());
  RELAIS_RETURN_IF_ERROR(CheckHalves(k));
  if (created) *created = false;
  return k;
}

std::string FormatPublicKey(const PublicKey& key) {
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof(b64), key.data(), key.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  return std::string(kPrefix) + b64;
}

Result<PublicKey> ParsePublicKey(std::string_view text) {
  RELAIS_RETURN_IF_ERROR(InitSodium());
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  const Status bad = Status::InvalidArgument(
      "clé publique du hub invalide: attendu « relais-ed25519:… » tel qu'affiché par "
      "relais-hub snapshot-key --print-public");
  if (text.size() > 128 || text.substr(0, kPrefix.size()) != kPrefix) return bad;
  text.remove_prefix(kPrefix.size());
  PublicKey key{};
  size_t len = 0;
  const std::string b64(text);
  if (sodium_base642bin(key.data(), key.size(), b64.c_str(), b64.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len != key.size())
    return bad;
  return key;
}

Result<PublicKey> ReadPublicKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::NotFound("fichier de clé publique " + path + " illisible: " + Errno());
  char buf[4097];
  const ssize_t n = ::read(fd, buf, sizeof(buf));
  ::close(fd);
  if (n < 0) return Status::Internal("lecture de " + path + ": " + Errno());
  if (n > 4096)
    return Status::InvalidArgument("fichier de clé publique " + path + " trop grand");
  return ParsePublicKey(std::string_view(buf, static_cast<size_t>(n)));
}

}  // namespace relais::common::snapshot
