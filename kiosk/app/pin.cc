#include "kiosk/app/pin.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <vector>

namespace relais::kiosk {

namespace {

std::string Hex(const unsigned char* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
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
  unsigned char salt[16];
  if (RAND_bytes(salt, sizeof salt) != 1)
    return common::Status::Internal("source aléatoire indisponible");
  std::string h = HashPinWithSalt(pin, Hex(salt, sizeof salt), kPinIterations);
  if (h.empty()) return common::Status::Internal("PBKDF2 a échoué");
  return h;
}

bool VerifyPin(const std::string& pin, const std::string& stored) {
  // stored = "pbkdf2-sha256$iter$salt$dk"
  const std::string prefix = "pbkdf2-sha256$";
  if (stored.rfind(prefix, 0) != 0) return false;
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

}  // namespace relais::kiosk
