#!/usr/bin/env bash
# Usage: tests/server/fuzz/run.sh SECONDS_PER_TARGET [CORPUS_ROOT]
#
# Builds the libFuzzer targets (clang, ASan) into build-fuzz and runs
# fuzz_sync_request, fuzz_accept and fuzz_pull_apply for SECONDS_PER_TARGET
# each on a copy of the checked-in seed corpus (tests/server/fuzz/corpus),
# with -timeout=5 -rss_limit_mb=512: a crash, a failed check, an input
# slower than 5 s or a process above 512 MB fails the run (exit 1) and the
# input is printed in base64. fuzz_hub_push (ten times slower) then replays
# fuzz_accept's final corpus. With CORPUS_ROOT, each target's corpus lives
# in CORPUS_ROOT/<target> and grows run after run, and fuzz_hub_push is
# fuzzed for SECONDS_PER_TARGET too (tools/fuzz-long.sh); otherwise the
# corpora live in a temporary directory.
#
# Then (unless RELAIS_FUZZ_COVERAGE=0) builds the same targets with clang
# source-based coverage into build-fuzz-cov, replays each final corpus
# (-runs=0), prints the line coverage of common/merge/*.cc and
# common/model/*.cc and fails below RELAIS_FUZZ_MIN_LINES (percent).
# FUZZ_SEED sets libFuzzer's seed (printed). JOBS: build jobs (2).
set -euo pipefail
cd "$(dirname "$0")/../../.."
SECONDS_PER_TARGET=${1:?usage: run.sh SECONDS_PER_TARGET [CORPUS_ROOT]}
CORPUS_ROOT=${2:-}
JOBS=${JOBS:-2}
SEED=${FUZZ_SEED:-$(( $(date +%s) % 100000 + 1 ))}
# Measured 82 % (seed corpus + 15 s per target) minus 5 points: docs/testing.md.
MIN_LINES=${RELAIS_FUZZ_MIN_LINES:-77}
TARGETS=(fuzz_sync_request fuzz_accept fuzz_pull_apply)
[ -n "$CORPUS_ROOT" ] && TARGETS+=(fuzz_hub_push)
SEEDS=tests/server/fuzz/corpus
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

configure() {  # DIR [extra cmake args]
  local dir=$1; shift
  CC=clang CXX=clang++ cmake -S . -B "$dir" -DRELAIS_FUZZ=ON -DRELAIS_BUILD_KIOSK=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j"$JOBS" --target "${TARGETS[@]}" "${EXTRA[@]}" >/dev/null
}

failed=0
run() {  # TARGET CORPUS_DIR LIBFUZZER_ARGS...: one session, failures reported
  local t=$1 corpus=$2 log=$work/$1.log start
  shift 2
  start=$(date +%s)
  if ./build-fuzz/tests/server/"$t" -seed="$SEED" -timeout=5 -rss_limit_mb=512 \
      -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/"$t"- "$@" \
      "$corpus" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz: $t ok, $runs exécutions en $(( $(date +%s) - start )) s," \
         "$(ls "$corpus" | wc -l) entrées"
  else
    failed=1
    echo "fuzz: $t ÉCHEC"
    grep -E "échec|refusé|ERROR|SUMMARY|Test unit written" "$log" | head -n 20 || tail -n 30 "$log"
    for a in $(sed -n "s/.*Test unit written to //p" "$log"); do
      echo "fuzz: entrée $a (base64):"; base64 -w0 "$a"; echo
    done
  fi
}
corpus_of() { local c=${CORPUS_ROOT:+$CORPUS_ROOT/$1}; echo "${c:-$work/corpus/$1}"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
EXTRA=(fuzz_hub_push)
configure build-fuzz -DRELAIS_FUZZ_COVERAGE=OFF
EXTRA=()
mkdir -p build-fuzz/artifacts
echo "fuzz: ${#TARGETS[@]} cibles x ${SECONDS_PER_TARGET} s, graine $SEED"
for t in "${TARGETS[@]}"; do
  corpus=$(corpus_of "$t")
  mkdir -p "$corpus"
  cp -n "$SEEDS"/* "$corpus"/
  run "$t" "$corpus" -max_total_time="$SECONDS_PER_TARGET"
done
if [ -z "$CORPUS_ROOT" ]; then
  run fuzz_hub_push "$(corpus_of fuzz_accept)" -runs=0
fi
[ "$failed" = 0 ] || exit 1

[ "${RELAIS_FUZZ_COVERAGE:-1}" = 0 ] && exit 0
configure build-fuzz-cov -DRELAIS_FUZZ_COVERAGE=ON
objects=()
for t in "${TARGETS[@]}"; do
  corpus=$(corpus_of "$t")
  LLVM_PROFILE_FILE="$work/prof/$t-%p.profraw" ./build-fuzz-cov/tests/server/"$t" \
    -runs=0 "$corpus" >"$work/$t-cov.log" 2>&1 || { tail -n 20 "$work/$t-cov.log"; exit 1; }
  objects+=(-object "build-fuzz-cov/tests/server/$t")
done
llvm-profdata-14 merge -sparse "$work"/prof/*.profraw -o "$work/all.profdata"
# One row per file: Filename Regions Missed Cover Functions Missed Executed
# Lines Missed Cover ...; keep common/merge and common/model sources.
llvm-cov-14 report "${objects[@]:1}" -instr-profile="$work/all.profdata" 2>/dev/null \
  | grep -E '^[^ ]*common/(merge|model)/[a-z_]+\.cc ' >"$work/cov.txt" || true
if [ ! -s "$work/cov.txt" ]; then echo "fuzz: couverture introuvable"; exit 1; fi
echo "fuzz: couverture des lignes (common/merge, common/model), corpus final :"
awk '{ printf "  %-28s %4d/%4d lignes  %5.1f %%\n", $1, $8 - $9, $8, 100 * ($8 - $9) / $8 }' \
  "$work/cov.txt" | sed 's#[^ ]*common/#common/#'
total=$(awk '{ l += $8; m += $9 } END { printf "%.1f", 100 * (l - m) / l }' "$work/cov.txt")
echo "fuzz: total $total % (seuil $MIN_LINES %)"
awk -v t="$total" -v min="$MIN_LINES" 'BEGIN { exit !(t + 0 >= min + 0) }' || {
  echo "fuzz: couverture $total % sous le seuil $MIN_LINES %"; exit 1; }
