#pragma once
// Per-response patient pseudonyms for agenda exports (FHIR bundles, the
// hub's agenda endpoints): a random key drawn when the object is made, so
// a patient's pseudonym is stable inside one response and unlinkable across
// responses and to the patient reference. libsodium (BLAKE2b keyed hash).

#include <string>

#include <sodium.h>

namespace relais::common {

class ResponsePseudonyms {
 public:
  ResponsePseudonyms();
  ~ResponsePseudonyms();
  ResponsePseudonyms(const ResponsePseudonyms&) = delete;
  ResponsePseudonyms& operator=(const ResponsePseudonyms&) = delete;

  // "pat-" + 32 hex characters (128-bit keyed hash of `ref`).
  std::string operator()(const std::string& ref) const;

 private:
  unsigned char key_[crypto_generichash_KEYBYTES];
};

}  // namespace relais::common
