#!/usr/bin/env bash
# Installs what is missing, builds, runs a bounded fuzz session of the
# decode -> validate -> merge -> accept paths (libFuzzer, clang; see
# tests/server/fuzz/run.sh), then every test (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
JOBS=${JOBS:-2}
if command -v clang++ >/dev/null && [ -n "$(ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ]; then
  # Three libFuzzer targets x 15 s on a copy of tests/server/fuzz/corpus,
  # then line coverage of common/merge and common/model (threshold in
  # run.sh). Any crash, failed check, slow or memory-hungry input fails.
  echo "fuzz: construction clang (build-fuzz, build-fuzz-cov) et fuzzing borné"
  fuzz_start=$(date +%s)
  bash tests/server/fuzz/run.sh "${FUZZ_SECONDS:-15}"
  echo "fuzz: étape terminée en $(( $(date +%s) - fuzz_start )) s"
fi
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j"$JOBS" --timeout 900
