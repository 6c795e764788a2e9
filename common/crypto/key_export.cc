// Passphrase-protected key export (keyring.h): Argon2id + secretbox.
#include <sodium.h>

#include <cstring>

#include "common/crypto/keyring.h"

namespace relais::common::crypto {

namespace {

constexpr char kHeader[] = "relais-cle-exportee 1";

Status BadExport(const std::string& what) {
  return Status::DataLoss("fichier de clé exporté illisible: " + what);
}

Status CheckPassphrase(std::string_view p) {
  if (p.size() < kMinPassphrase || p.size() > kMaxPassphrase)
    return Status::InvalidArgument("phrase de passe de " + std::to_string(kMinPassphrase) +
                                   " à " + std::to_string(kMaxPassphrase) +
                                   " caractères attendue");
  return Status::OK();
}

// Stretches `passphrase` into a secretbox key. RESOURCE_EXHAUSTED if the
// machine lacks the memory Argon2id asks for.
Status Stretch(std::string_view passphrase, const unsigned char* salt,
               unsigned long long ops, size_t mem, unsigned char* key) {
  if (crypto_pwhash(key, crypto_secretbox_KEYBYTES, passphrase.data(), passphrase.size(),
                    salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Status::ResourceExhausted("mémoire insuffisante pour Argon2id");
  return Status::OK();
}

bool ParseU64(std::string_view s, unsigned long long* out) {
  if (s.empty() || s.size() > 19) return false;
  unsigned long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  *out = v;
  return true;
}

// "name value..." lines of an export, in order; false if not as expected.
bool Field(std::string_view text, size_t* pos, std::string_view name,
           std::string_view* rest) {
  size_t nl = text.find('\n', *pos);
  if (nl == std::string_view::npos) nl = text.size();
  std::string_view line = text.substr(*pos, nl - *pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  *pos = nl + 1;
  if (line.size() <= name.size() || line.substr(0, name.size()) != name ||
      line[name.size()] != ' ')
    return false;
  *rest = line.substr(name.size() + 1);
  return true;
}

}  // namespace

Result<std::string> ExportKeyFile(const Keyring& ring, std::string_view passphrase) {
  RELAIS_RETURN_IF_ERROR(CheckPassphrase(passphrase));
  if (!SodiumReady()) return Status::Internal("libsodium indisponible");
  const unsigned long long ops = crypto_pwhash_OPSLIMIT_MODERATE;
  const size_t mem = crypto_pwhash_MEMLIMIT_MODERATE;
  unsigned char salt[crypto_pwhash_SALTBYTES];
  unsigned char nonce[crypto_secretbox_NONCEBYTES];
  unsigned char key[crypto_secretbox_KEYBYTES];
  randombytes_buf(salt, sizeof salt);
  randombytes_buf(nonce, sizeof nonce);
  RELAIS_RETURN_IF_ERROR(Stretch(passphrase, salt, ops, mem, key));
  std::string clear = ring.Serialize();
  std::vector<unsigned char> box(clear.size() + crypto_secretbox_MACBYTES);
  crypto_secretbox_easy(box.data(), reinterpret_cast<const unsigned char*>(clear.data()),
                        clear.size(), nonce, key);
  sodium_memzero(clear.data(), clear.size());
  sodium_memzero(key, sizeof key);
  return std::string(kHeader) + "\npwhash argon2id13 " + std::to_string(ops) + " " +
         std::to_string(mem) + " " + B64(salt, sizeof salt) + "\nnonce " +
         B64(nonce, sizeof nonce) + "\ndata " + B64(box.data(), box.size()) + "\n";
}

Result<Keyring> ImportKeyFile(std::string_view text, std::string_view passphrase) {
  if (!SodiumReady()) return Status::Internal("libsodium indisponible");
  if (passphrase.size() > kMaxPassphrase) return CheckPassphrase(passphrase);
  if (text.size() > 256 * 1024) return BadExport("trop grand");
  size_t pos = 0;
  std::string_view v;
  if (text.substr(0, sizeof kHeader - 1) != kHeader ||
      (text.size() > sizeof kHeader - 1 && text[sizeof kHeader - 1] != '\n' &&
       text[sizeof kHeader - 1] != '\r'))
    return BadExport("en-tête absent");
  pos = text.find('\n') + 1;
  if (!Field(text, &pos, "pwhash argon2id13", &v)) return BadExport("ligne pwhash");
  // "<ops> <mem> <salt>"
  const size_t s1 = v.find(' '), s2 = v.find(' ', s1 == v.npos ? v.size() : s1 + 1);
  unsigned long long ops = 0, mem = 0;
  std::vector<unsigned char> salt, nonce, box;
  if (s1 == v.npos || s2 == v.npos || !ParseU64(v.substr(0, s1), &ops) ||
      !ParseU64(v.substr(s1 + 1, s2 - s1 - 1), &mem) || !UnB64(v.substr(s2 + 1), &salt) ||
      salt.size() != crypto_pwhash_SALTBYTES)
    return BadExport("paramètres Argon2id");
  if (ops < crypto_pwhash_OPSLIMIT_INTERACTIVE || ops > crypto_pwhash_OPSLIMIT_SENSITIVE ||
      mem < crypto_pwhash_MEMLIMIT_INTERACTIVE || mem > crypto_pwhash_MEMLIMIT_SENSITIVE)
    return BadExport("paramètres Argon2id hors bornes");
  if (!Field(text, &pos, "nonce", &v) || !UnB64(v, &nonce) ||
      nonce.size() != crypto_secretbox_NONCEBYTES)
    return BadExport("nonce");
  if (!Field(text, &pos, "data", &v) || !UnB64(v, &box) ||
      box.size() < crypto_secretbox_MACBYTES)
    return BadExport("données");
  unsigned char key[crypto_secretbox_KEYBYTES];
  RELAIS_RETURN_IF_ERROR(Stretch(passphrase, salt.data(), ops, static_cast<size_t>(mem), key));
  std::string clear(box.size() - crypto_secretbox_MACBYTES, '\0');
  const int rc = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(clear.data()),
                                            box.data(), box.size(), nonce.data(), key);
  sodium_memzero(key, sizeof key);
  if (rc != 0)
    return Status::PermissionDenied("phrase de passe incorrecte ou fichier modifié");
  auto ring = ParseKeyFile(clear);
  sodium_memzero(clear.data(), clear.size());
  return ring;
}

}  // namespace relais::common::crypto
