#pragma once
// Random lowercase hex for replica ids (Replica::Init) and record ids
// (Replica::NewId). Not a secret: tokens and session ids use libsodium.

#include <random>
#include <string>

namespace relais::common {

// `n` hex digits drawn from `rng`.
inline std::string RandomHex(std::mt19937_64& rng, int n) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i) s += kHex[rng() % 16];
  return s;
}

}  // namespace relais::common
