#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j"${JOBS:-2}" --timeout 900
