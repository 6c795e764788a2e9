#include "common/crypto/pseudonyms.h"

namespace relais::common {

ResponsePseudonyms::ResponsePseudonyms() {
  if (sodium_init() < 0) abort();  // libsodium unusable: nothing safe to do
  randombytes_buf(key_, sizeof key_);
}

ResponsePseudonyms::~ResponsePseudonyms() { sodium_memzero(key_, sizeof key_); }

std::string ResponsePseudonyms::operator()(const std::string& ref) const {
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(ref.data()), ref.size(),
                     key_, sizeof key_);
  static const char kHex[] = "0123456789abcdef";
  std::string id = "pat-";
  for (unsigned char c : h) {
    id += kHex[c >> 4];
    id += kHex[c & 15];
  }
  return id;
}

}  // namespace relais::common
