#!/usr/bin/env bash
# Configures and builds everything into ./build (RelWithDebInfo, 2 jobs),
# or only the targets named in TARGETS.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
# ccache keys on paths relative to the checkout, so every clone (CI's fresh
# one included) reuses what an earlier build of the same sources compiled.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
JOBS=${JOBS:-2}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# TARGETS="a b" builds only those (the demo needs 4 of the ~60 targets).
if [ -n "${TARGETS:-}" ]; then
  # shellcheck disable=SC2086
  cmake --build "$BUILD_DIR" -j"$JOBS" --target $TARGETS
else
  cmake --build "$BUILD_DIR" -j"$JOBS"
fi
