#include "kiosk/app/pin.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace relais::kiosk {

namespace {

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(2 * n + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

bool Unhex(const std::string& s, std::vector<unsigned char>* out) {
  if (s.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out->clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = nibble(s[i]), lo = nibble(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return true;
}

constexpr const char kArgonPrefix[] = "$argon2id$";

bool SodiumReady() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

bool StartsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

// Reads "m=<KiB>,t=<passes>,p=<lanes>" of an Argon2id string; false if
// absent or malformed.
bool ArgonParams(const std::string& stored, unsigned long long* mem_kib,
                 unsigned long long* passes) {
  const size_t m = stored.find("$m=");
  if (m == std::string::npos) return false;
  unsigned long long mk = 0, t = 0, p = 0;
  char tail = 0;
  if (std::sscanf(stored.c_str() + m, "$m=%llu,t=%llu,p=%llu%c", &mk, &t, &p, &tail) != 4 ||
      tail != '$' || p != 1)
    return false;
  *mem_kib = mk;
  *passes = t;
  return true;
}

bool VerifyArgon(const std::string& pin, const std::string& stored) {
  if (!SodiumReady() || stored.size() >= crypto_pwhash_STRBYTES ||
      std::memchr(stored.data(), 0, stored.size()) != nullptr)
    return false;
  unsigned long long mem_kib = 0, passes = 0;
  if (!ArgonParams(stored, &mem_kib, &passes) || passes == 0 ||
      passes > kPinMaxOpsLimit || mem_kib > kPinMaxMemLimit / 1024)
    return false;
  return crypto_pwhash_str_verify(stored.c_str(), pin.data(), pin.size()) == 0;
}

bool VerifyPbkdf2(const std::string& pin, const std::string& stored) {
  // stored = "pbkdf2-sha256$iter$salt$dk"
  const std::string prefix = "pbkdf2-sha256$";
  if (!StartsWith(stored, prefix.c_str())) return false;
  const size_t a = prefix.size();
  const size_t b = stored.find('$', a);
  if (b == std::string::npos) return false;
  const size_t c = stored.find('$', b + 1);
  if (c == std::string::npos) return false;
  const int iter = std::atoi(stored.substr(a, b - a).c_str());
  if (iter <= 0 || iter > 10'000'000) return false;
  const std::string again = HashPinWithSalt(pin, stored.substr(b + 1, c - b - 1), iter);
  return again.size() == stored.size() &&
         CRYPTO_memcmp(again.data(), stored.data(), again.size()) == 0;
}

}  // namespace

bool IsValidPin(const std::string& pin) {
  if (pin.size() < 4 || pin.size() > 6) return false;
  for (char c : pin)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string HashPinWithSalt(const std::string& pin, const std::string& salt_hex,
                            int iterations) {
  std::vector<unsigned char> salt;
  if (!Unhex(salt_hex, &salt) || iterations <= 0) return "";
  unsigned char dk[32];
  if (PKCS5_PBKDF2_HMAC(pin.data(), static_cast<int>(pin.size()), salt.data(),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        sizeof dk, dk) != 1)
    return "";
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + salt_hex + "$" +
         Hex(dk, sizeof dk);
}

common::Result<std::string> NewPinHash(const std::string& pin) {
  if (!IsValidPin(pin))
    return common::Status::InvalidArgument("le code doit avoir 4 à 6 chiffres");
  if (!SodiumReady()) return common::Status::Internal("libsodium indisponible");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, pin.data(), pin.size(), kPinOpsLimit, kPinMemLimit) != 0)
    return common::Status::Internal("Argon2id a échoué (mémoire insuffisante)");
  return std::string(out);
}

bool VerifyPin(const std::string& pin, const std::string& stored) {
  if (StartsWith(stored, kArgonPrefix)) return VerifyArgon(pin, stored);
  return VerifyPbkdf2(pin, stored);
}

bool PinNeedsUpgrade(const std::string& stored) {
  if (!StartsWith(stored, kArgonPrefix) || !SodiumReady() ||
      stored.size() >= crypto_pwhash_STRBYTES)
    return true;
  return crypto_pwhash_str_needs_rehash(stored.c_str(), kPinOpsLimit, kPinMemLimit) != 0;
}

int64_t LockoutMs(int failures) {
  if (failures < kLockoutThreshold) return 0;
  int64_t ms = kLockoutFirstMs;
  for (int i = kLockoutThreshold; i < failures && ms < kLockoutMaxMs; ++i) ms *= 2;
  return ms < kLockoutMaxMs ? ms : kLockoutMaxMs;
}

}  // namespace relais::kiosk
