#!/usr/bin/env bash
# Hostile arguments to tools/chaos.sh and relais-chaos: each is refused with
# a message and exit 2 (or 1 for a bad environment), nothing is mounted and
# no run starts. Usage: chaos_args_test.sh CHAOS_SH RELAIS_CHAOS_BIN
set -uo pipefail
SCRIPT=$1 CHAOS=$2
fail=0
expect() {  # expect CODE PATTERN -- command...
  local code=$1 pattern=$2; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [[ $rc -ne $code || $out != *"$pattern"* ]]; then
    echo "ÉCHEC: '$*' -> code $rc (attendu $code), sortie: ${out:0:300}"; fail=1
  fi
}
before=$(grep -c relais-chaos /proc/mounts)
expect 2 usage -- bash "$SCRIPT"
expect 2 usage -- bash "$SCRIPT" 1 2 3
for n in 0 -1 abc 1e3 "5 " 9999999 "1;id" ""; do
  expect 2 "N doit" -- bash "$SCRIPT" "$n"
done
for s in -5 x 1234567890123456 "1 2" "\$(id)"; do
  expect 2 "FIRST_SEED" -- bash "$SCRIPT" 1 "$s"
done
expect 1 "RELAIS_CHAOS_TMPFS invalide" -- env RELAIS_CHAOS_TMPFS="1g,uid=0" bash "$SCRIPT" 1 1
expect 1 "RELAIS_CHAOS_RUN_TIMEOUT_S invalide" -- env RELAIS_CHAOS_RUN_TIMEOUT_S="0" bash "$SCRIPT" 1 1
expect 1 "binaire absent" -- env RELAIS_CHAOS_BIN=/nonexistent bash "$SCRIPT" 1 1
expect 2 "" -- "$CHAOS"
expect 2 "" -- "$CHAOS" --seed -1 --print-plan
expect 2 "" -- "$CHAOS" --seed abc --print-plan
expect 2 "" -- "$CHAOS" --seed 1 --budget-ms 5 --dir /tmp/x --relais "$CHAOS" --hub "$CHAOS"
expect 2 "requis" -- "$CHAOS" --seed 1
expect 2 "" -- "$CHAOS" --seed 1 --dir /tmp/x --relais /nonexistent --hub "$CHAOS"
expect 2 "requis" -- "$CHAOS" --seed 1 --dir "$(printf 'x%.0s' {1..600})" --relais "$CHAOS" --hub "$CHAOS"
expect 0 "seed 7" -- "$CHAOS" --seed 7 --print-plan
after=$(grep -c relais-chaos /proc/mounts)
[[ $before -eq $after ]] || { echo "ÉCHEC: un tmpfs est resté monté"; fail=1; }
[[ $fail -eq 0 ]] && echo "OK: arguments hostiles refusés"
exit $fail
