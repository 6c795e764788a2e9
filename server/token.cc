#include "server/token.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

namespace relais::server {

namespace {
std::string Hex(const unsigned char* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 0xf]);
  }
  return out;
}
}  // namespace

common::Result<std::string> GenerateToken() {
  unsigned char buf[32];
  if (RAND_bytes(buf, sizeof buf) != 1)
    return common::Status::Internal("générateur aléatoire indisponible");
  return Hex(buf, sizeof buf);
}

std::string HashToken(const std::string& token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(),
         digest);
  return Hex(digest, sizeof digest);
}

}  // namespace relais::server
