#!/usr/bin/env bash
# tools/chaos.sh N [FIRST_SEED] — the long randomized fault run (issue #18).
#
# Runs N chaos runs (relais-chaos, seeds FIRST_SEED .. FIRST_SEED+N-1; a
# random FIRST_SEED, printed, when not given). Each run: 5 replicas of 3
# sites, random writes and syncs through the fault proxy, kill -9 of the hub
# and of replicas mid-operation, clocks a day off, a full disk; then a clean
# sync and the checks (docs/reliability.md, "Long randomized run (chaos)").
# Prints one line per run, stops at the first failure with the command that
# replays it, and ends with a summary. Exit 0 only if every run passed and
# every kind of fault was seen to happen.
#
# Needs root: the runs live on a tmpfs this script mounts (and unmounts), so
# that "disk full" is a real ENOSPC. Binaries: RELAIS_BUILD_DIR (default
# ./build) or RELAIS_CHAOS_BIN / RELAIS_CLI_BIN / RELAIS_HUB_BIN.
set -uo pipefail

die() { echo "ÉCHEC chaos.sh: $*" >&2; exit 1; }
[[ $# -ge 1 && $# -le 2 ]] || { echo "usage: tools/chaos.sh N [FIRST_SEED]" >&2; exit 2; }
[[ $1 =~ ^[0-9]{1,6}$ && $1 -ge 1 ]] || { echo "chaos.sh: N doit être un entier entre 1 et 999999" >&2; exit 2; }
N=$1
if [[ $# -eq 2 ]]; then
  [[ $2 =~ ^[0-9]{1,15}$ ]] || { echo "chaos.sh: FIRST_SEED doit être un entier (≤ 15 chiffres)" >&2; exit 2; }
  FIRST=$((10#$2))
else
  FIRST=$(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') ))
fi

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${RELAIS_BUILD_DIR:-$ROOT/build}
CHAOS=${RELAIS_CHAOS_BIN:-$BUILD/tools/chaos/relais-chaos}
CLI=${RELAIS_CLI_BIN:-$BUILD/tools/relais}
HUB=${RELAIS_HUB_BIN:-$BUILD/server/relais-hub}
for b in "$CHAOS" "$CLI" "$HUB"; do
  [[ -x $b ]] || die "binaire absent: $b (construire d'abord: cmake --build build)"
done
[[ $(id -u) -eq 0 ]] || die "il faut être root: le disque plein est un vrai tmpfs monté par ce script"

TMPFS_SIZE=${RELAIS_CHAOS_TMPFS:-8m}
[[ $TMPFS_SIZE =~ ^[0-9]{1,4}m$ ]] || die "RELAIS_CHAOS_TMPFS invalide: '$TMPFS_SIZE' (ex. 16m)"
MNT=$(mktemp -d /tmp/relais-chaos-mnt.XXXXXX) || die "mktemp"
LOGS=$(mktemp -d /tmp/relais-chaos-logs.XXXXXX) || die "mktemp"
cleanup() {
  if [[ -n ${WATCHDOG:-} ]]; then kill -- "-$WATCHDOG" 2>/dev/null; fi
  if [[ -n ${RUNPID:-} ]]; then kill -KILL -- "-$RUNPID" 2>/dev/null; fi
  for d in replicas hub; do
    mountpoint -q "$MNT/$d" && umount "$MNT/$d"
    rmdir "$MNT/$d" 2>/dev/null
  done
  rmdir "$MNT" 2>/dev/null
  rm -rf "$LOGS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Two small file systems: the houses' replicas and the hub (different
# machines in real life), each filled in turn by the disk-full steps.
mkdir -p "$MNT/replicas" "$MNT/hub"
for d in replicas hub; do
  mount -t tmpfs -o "size=$TMPFS_SIZE,mode=0700" "relais-chaos-$d" "$MNT/$d" ||
    die "mount -t tmpfs impossible sur $MNT/$d"
done

RUN_TIMEOUT_S=${RELAIS_CHAOS_RUN_TIMEOUT_S:-90}
[[ $RUN_TIMEOUT_S =~ ^[0-9]{1,4}$ && $RUN_TIMEOUT_S -ge 1 ]] ||
  die "RELAIS_CHAOS_RUN_TIMEOUT_S invalide: '$RUN_TIMEOUT_S' (secondes, 1..9999)"
echo "chaos: $N run(s), graines $FIRST..$((FIRST + N - 1)), 2 tmpfs de $TMPFS_SIZE sous $MNT"
declare -A TOT=()
fail_seed="" t0=$(date +%s) max_ms=0
for ((k = 0; k < N; k++)); do
  seed=$((FIRST + k))
  # Own process group, so a watchdog can kill the run and all its children.
  setsid "$CHAOS" --seed "$seed" --dir "$MNT/replicas/run" --hub-dir "$MNT/hub/run" --log-dir "$LOGS/run" \
    --relais "$CLI" --hub "$HUB" > "$LOGS/out" 2>&1 &
  RUNPID=$!
  # The watchdog has its own group too, so that stopping it stops its sleep.
  setsid bash -c "sleep $RUN_TIMEOUT_S; kill -KILL -- -$RUNPID" >/dev/null 2>&1 &
  WATCHDOG=$!
  wait "$RUNPID"; rc=$?
  kill -- "-$WATCHDOG" 2>/dev/null; wait "$WATCHDOG" 2>/dev/null
  RUNPID="" WATCHDOG=""
  line=$(head -n 1 "$LOGS/out")
  printf '%5d %s\n' $((k + 1)) "${line:-seed=$seed (aucune sortie, code $rc)}"
  if [[ $rc -ne 0 || $line != *"result=ok"* ]]; then
    fail_seed=$seed
    tail -n +2 "$LOGS/out" | head -n 80
    keep=/tmp/relais-chaos-fail-$seed
    rm -rf "$keep" && mkdir -p "$keep" && cp -a "$MNT/replicas/run" "$keep/replicas" && cp -a "$MNT/hub/run" "$keep/hub" && cp -a "$LOGS/run" "$keep/log" 2>/dev/null
    echo "run échoué (code $rc): fichiers gardés dans $keep"
    echo "rejouer: RELAIS_BUILD_DIR=$BUILD tools/chaos.sh 1 $seed"
    echo "plan:    $CHAOS --seed $seed --print-plan"
    break
  fi
  # Totals from "key=value" fields (kills=replica L/T hub L/T are split).
  read -r rl rt hl ht < <(sed -E 's/.*kills=replica ([0-9]+)\/([0-9]+) hub ([0-9]+)\/([0-9]+).*/\1 \2 \3 \4/' <<<"$line")
  TOT[rkl]=$((${TOT[rkl]:-0} + rl)) TOT[rk]=$((${TOT[rk]:-0} + rt))
  TOT[hkl]=$((${TOT[hkl]:-0} + hl)) TOT[hk]=$((${TOT[hk]:-0} + ht))
  for f in writes acked indb cuts enospc; do
    v=$(grep -oE "(^| )$f=[0-9]+" <<<"$line" | head -n1 | cut -d= -f2)
    TOT[$f]=$((${TOT[$f]:-0} + ${v:-0}))
  done
  df=$(grep -oE "diskfull=[0-9]+" <<<"$line" | cut -d= -f2)
  TOT[df]=$((${TOT[df]:-0} + ${df:-0}))
  ms=$(grep -oE " ms=[0-9]+" <<<"$line" | cut -d= -f2)
  ((ms > max_ms)) && max_ms=$ms
  TOT[ok]=$((${TOT[ok]:-0} + 1))
  rm -rf "$LOGS/run"
done
t1=$(date +%s)
ok=${TOT[ok]:-0}
echo "---"
echo "résumé: $ok/$N run(s) réussis en $((t1 - t0)) s" \
     "(max $max_ms ms par run); graines $FIRST..$((FIRST + N - 1))"
echo "écritures ${TOT[writes]:-0} (acquittées ${TOT[acked]:-0});" \
     "kill -9 répliques ${TOT[rkl]:-0}/${TOT[rk]:-0} en vol (${TOT[indb]:-0} dans leur fichier), hub ${TOT[hkl]:-0}/${TOT[hk]:-0} en vol;" \
     "coupures ${TOT[cuts]:-0}; disque plein atteint ${TOT[df]:-0} fois, ENOSPC vus ${TOT[enospc]:-0}"
[[ -z $fail_seed ]] || { echo "ÉCHEC: graine $fail_seed"; exit 1; }
# Every kind of fault must have been seen to happen at least once.
for f in rkl indb hkl cuts enospc df; do
  [[ ${TOT[$f]:-0} -gt 0 ]] || die "une panne n'a jamais eu lieu ($f = 0): le run n'a rien testé"
done
echo "OK"
