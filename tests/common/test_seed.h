#pragma once
// Seeds for randomized tests: replayable. TestSeed() returns RELAIS_SEED
// from the environment when set (decimal), otherwise a fresh random seed;
// either way it prints "seed=N (rejouer : RELAIS_SEED=N)" on stdout, so a
// failing run can be replayed exactly.

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>

namespace relais::testing {

inline uint64_t TestSeed() {
  const char* env = std::getenv("RELAIS_SEED");
  const uint64_t seed = (env && *env) ? std::strtoull(env, nullptr, 10)
                                      : (uint64_t{std::random_device{}()} << 32) |
                                            std::random_device{}();
  std::cout << "seed=" << seed << " (rejouer : RELAIS_SEED=" << seed << ")"
            << (env && *env ? " [RELAIS_SEED]" : "") << std::endl;
  return seed;
}

}  // namespace relais::testing
