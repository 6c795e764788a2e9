#!/usr/bin/env bash
# Usage: tests/server/fuzz/run.sh SECONDS_PER_TARGET [CORPUS_ROOT]
#
# Builds the libFuzzer targets into ONE clang tree, build-fuzz: ASan +
# libFuzzer feedback + clang source-based coverage in the same binaries,
# -O1 -gline-tables-only, only the fuzz targets and the libraries they need
# (the protobuf messages without the gRPC stubs). Then runs
# fuzz_sync_request, fuzz_accept and fuzz_pull_apply for SECONDS_PER_TARGET
# each (wall time) on a copy of the checked-in seed corpus
# (tests/server/fuzz/corpus), with -timeout=5 -rss_limit_mb=512: a crash, a
# failed check, an input slower than 5 s or a process above 512 MB fails the
# run (exit 1) and the input is printed in base64. Without CORPUS_ROOT the
# three sessions run at the same time (FUZZ_PARALLEL, default 3: on two
# cores each gets about 2/3 of a core) and fuzz_hub_push (ten times slower)
# then replays fuzz_accept's final corpus. With CORPUS_ROOT, each target's
# corpus lives in CORPUS_ROOT/<target> and grows run after run, fuzz_hub_push
# is fuzzed for SECONDS_PER_TARGET too (tools/fuzz-long.sh), and the targets
# run one after the other (FUZZ_PARALLEL default 1); otherwise the corpora
# live in a temporary directory.
#
# Then (unless RELAIS_FUZZ_COVERAGE=0) the same binaries replay each final
# corpus (-runs=0) with LLVM_PROFILE_FILE set, and the script prints the
# line coverage of common/merge/*.cc and common/model/*.cc and fails below
# RELAIS_FUZZ_MIN_LINES (percent). FUZZ_SEED sets libFuzzer's seed
# (printed). JOBS: build jobs (2). Prints the time of each phase.
set -euo pipefail
cd "$(dirname "$0")/../../.."
SECONDS_PER_TARGET=${1:?usage: run.sh SECONDS_PER_TARGET [CORPUS_ROOT]}
CORPUS_ROOT=${2:-}
case "$SECONDS_PER_TARGET" in ''|*[!0-9]*) echo "run.sh: secondes invalides: $SECONDS_PER_TARGET" >&2; exit 2;; esac
JOBS=${JOBS:-2}
SEED=${FUZZ_SEED:-$(( $(date +%s) % 100000 + 1 ))}
# Measured 82 % (seed corpus + 15 s per target) minus 5 points: docs/testing.md.
MIN_LINES=${RELAIS_FUZZ_MIN_LINES:-77}
COVERAGE=${RELAIS_FUZZ_COVERAGE:-1}
TARGETS=(fuzz_sync_request fuzz_accept fuzz_pull_apply)
[ -n "$CORPUS_ROOT" ] && TARGETS+=(fuzz_hub_push)
if [ -n "$CORPUS_ROOT" ]; then PARALLEL=${FUZZ_PARALLEL:-1}; else PARALLEL=${FUZZ_PARALLEL:-3}; fi
case "$PARALLEL" in ''|*[!0-9]*|0) echo "run.sh: FUZZ_PARALLEL invalide: $PARALLEL" >&2; exit 2;; esac
SEEDS=tests/server/fuzz/corpus
BIN=build-fuzz/tests/server
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/prof" "$work/discard"

t0=$(date +%s)
cov_flag=ON
[ "$COVERAGE" = 0 ] && cov_flag=OFF
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DRELAIS_FUZZ=ON -DRELAIS_BUILD_KIOSK=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG" \
  -DRELAIS_FUZZ_COVERAGE=$cov_flag >/dev/null
cmake --build build-fuzz -j"$JOBS" --target fuzz_sync_request fuzz_accept fuzz_pull_apply \
  fuzz_hub_push >/dev/null
t1=$(date +%s)
echo "fuzz: construction (build-fuzz, ASan + couverture=$cov_flag) en $(( t1 - t0 )) s"

# run TARGET CORPUS_DIR PROFILE_DIR LIBFUZZER_ARGS...: one session; prints
# one line (and the failing input), returns 1 on failure.
run() {
  local t=$1 corpus=$2 prof=$3 log=$work/$1-$BASHPID.log start runs
  shift 3
  start=$(date +%s)
  if LLVM_PROFILE_FILE="$prof/$t-%p.profraw" ./$BIN/"$t" -seed="$SEED" -timeout=5 \
      -rss_limit_mb=512 -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/"$t"- \
      "$@" "$corpus" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz: $t ok, $runs exécutions en $(( $(date +%s) - start )) s," \
         "$(ls "$corpus" | wc -l) entrées"
  else
    echo "fuzz: $t ÉCHEC"
    grep -E "échec|refusé|ERROR|SUMMARY|Test unit written" "$log" | head -n 20 || tail -n 30 "$log"
    for a in $(sed -n "s/.*Test unit written to //p" "$log"); do
      echo "fuzz: entrée $a (base64):"; base64 -w0 "$a"; echo
    done
    return 1
  fi
}
corpus_of() { local c=${CORPUS_ROOT:+$CORPUS_ROOT/$1}; echo "${c:-$work/corpus/$1}"; }

# in_parallel N "CMD ARGS" ...: runs the commands N at a time, prints their
# output in order, returns 1 if any failed.
in_parallel() {
  local n=$1 i=0 rc=0 pids=() outs=()
  shift
  for cmd in "$@"; do
    outs+=("$work/out-$i"); eval "$cmd" >"$work/out-$i" 2>&1 & pids+=($!)
    i=$(( i + 1 ))
    if [ "${#pids[@]}" -ge "$n" ] || [ "$i" -eq "$#" ]; then
      for p in "${pids[@]}"; do wait "$p" || rc=1; done
      pids=()
    fi
  done
  cat "${outs[@]}"
  return $rc
}

failed=0
mkdir -p build-fuzz/artifacts
echo "fuzz: ${#TARGETS[@]} cibles x ${SECONDS_PER_TARGET} s ($PARALLEL à la fois), graine $SEED"
sessions=()
for t in "${TARGETS[@]}"; do
  corpus=$(corpus_of "$t")
  mkdir -p "$corpus"
  cp -n "$SEEDS"/* "$corpus"/
  sessions+=("run $t '$corpus' '$work/discard' -max_total_time=$SECONDS_PER_TARGET")
done
in_parallel "$PARALLEL" "${sessions[@]}" || failed=1
t2=$(date +%s)

# Replays: fuzz_hub_push on fuzz_accept's corpus (CI mode) and, for the
# coverage report, every target on its final corpus (printed only if it
# fails); short, so side by side.
quiet() { local out; out=$("$@") || { echo "$out"; return 1; }; }
replays=()
[ -z "$CORPUS_ROOT" ] && replays+=("run fuzz_hub_push '$(corpus_of fuzz_accept)' '$work/discard' -runs=0")
if [ "$COVERAGE" != 0 ] && [ "$failed" = 0 ]; then
  for t in "${TARGETS[@]}"; do replays+=("quiet run $t '$(corpus_of "$t")' '$work/prof' -runs=0"); done
fi
if [ "${#replays[@]}" -gt 0 ]; then
  in_parallel "$JOBS" "${replays[@]}" || failed=1
fi
t3=$(date +%s)
echo "fuzz: sessions $(( t2 - t1 )) s, rejeux $(( t3 - t2 )) s"
[ "$failed" = 0 ] || exit 1
[ "$COVERAGE" = 0 ] && exit 0

objects=()
for t in "${TARGETS[@]}"; do objects+=(-object "$BIN/$t"); done
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
echo "fuzz: total $total % (seuil $MIN_LINES %), rapport en $(( $(date +%s) - t3 )) s"
awk -v t="$total" -v min="$MIN_LINES" 'BEGIN { exit !(t + 0 >= min + 0) }' || {
  echo "fuzz: couverture $total % sous le seuil $MIN_LINES %"; exit 1; }
