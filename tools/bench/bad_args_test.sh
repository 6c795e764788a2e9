#!/usr/bin/env bash
# relais-bench refuses hostile command lines with exit code 2 and a message
# naming the option, before it creates a directory or starts a hub.
# usage: bad_args_test.sh PATH/TO/relais-bench
set -u
bench=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
check() {  # check OPTION VALUE...
  local out rc
  out=$(timeout 20 "$bench" --workdir "$work/w" "$@" 2>&1); rc=$?
  if [ "$rc" -ne 2 ]; then echo "FAIL: $* -> exit $rc (2 attendu): $out"; fail=1; return; fi
  if ! grep -q -- "$1" <<<"$out"; then echo "FAIL: $* -> message sans $1: $out"; fail=1; fi
  if [ -e "$work/w" ]; then echo "FAIL: $* -> $work/w créé"; fail=1; rm -rf "$work/w"; fi
}
check --scale-sites 0
check --scale-sites -5
check --scale-sites 5001
check --scale-sites 10,abc
check --scale-sites 4294967396
check --scale-sites 1,2,3,4,5,6,7,8,9
check --scale-records -1
check --scale-records 10001
check --threads 0
check --threads 65
check --procs 0
check --procs 17
check --sites 0
check --sites 99999999999
check --records 0
check --tls maybe
check --hostile-seconds -1
check --cut-offset-ms -1
check --store mysql
check --store ''
check --store 'pg;rm -rf /'
check --hubs 0
check --hubs 9
check --hubs -1
check --hubs 2x
check --hubs 2            # several hubs need --store pg (one writer of hub.db)
check --hubs 4 --store sqlite
check --hub-memory-quota-mb 7
check --hub-memory-quota-mb 8193
check --hub-memory-quota-mb x
check --transport h2
check --transport http --procs 2
check --transport http --scale-sites 10
[ "$fail" -eq 0 ] && echo "bad_args_test: ok"
exit "$fail"
