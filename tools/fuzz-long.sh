#!/usr/bin/env bash
# Usage: tools/fuzz-long.sh HOURS   (decimals allowed: 0.1 = 6 minutes)
#
# A long fuzz session of every libFuzzer target (tests/server/fuzz/run.sh):
# HOURS of wall time shared equally between the targets, one after the
# other (the machine has two cores and other users). The corpora persist in
# build-fuzz/long-corpus/<target>, seeded from tests/server/fuzz/corpus, so
# successive sessions build on each other; the coverage report at the end
# covers them. Fails (exit 1) on the first crash, failed check, input slower
# than 5 s or process above 512 MB, printing the input in base64.
# To keep a new interesting input as a seed, copy it (small ones only) into
# tests/server/fuzz/corpus. See docs/testing.md, "Fuzzing".
set -euo pipefail
cd "$(dirname "$0")/.."
HOURS=${1:?usage: tools/fuzz-long.sh HOURS}
per_target=$(awk -v h="$HOURS" 'BEGIN { s = int(h * 3600 / 4); if (s < 10) s = 10; print s }')
echo "fuzz-long: $HOURS h, $per_target s par cible"
exec bash tests/server/fuzz/run.sh "$per_target" build-fuzz/long-corpus
