#!/usr/bin/env bash
# bench_table.py stores: rows in the order sqlite/1, pg/1, pg/2, pg/4 with
# the figures of the JSON lines, and a directory mixing two scales refused.
# usage: table_test.sh PATH/TO/bench_table.py
set -u
table=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
row() {  # row STORE HUBS SITES CYCLE MISSING
  printf '{"phase":"scale","store":"%s","hubs":%s,"sites":%s,"records_per_site":10,"cycle_seconds":%s,"connect_seconds":1,"pull_seconds":1,"noop_seconds":0.5,"cycle_records_per_s":100,"push_records_per_s":50,"noop_p99_ms":3,"noop_concurrency":4,"hubs_rss_mb":[20,21],"hub_rss_mb_after_noop":21,"missing_at_hub":%s,"missing_at_readers":0,"errors":0%s}\n' \
    "$1" "$2" "$3" "$4" "$5" "$([ "$1" = pg ] && echo ',"pg_rss_mb":300,"pg_pss_mb":60,"pg_processes":12')"
}
mkdir "$work/ok" "$work/mixed"
row pg 4 5 7.25 0 > "$work/ok/a.jsonl"; row sqlite 1 5 3.5 0 > "$work/ok/b.jsonl"
row pg 1 5 4.5 0 > "$work/ok/c.jsonl"; row pg 2 5 5.5 2 >> "$work/ok/c.jsonl"
out=$(python3 "$table" stores "$work/ok") || { echo "FAIL: exit $?"; exit 1; }
order=$(grep -oE '^\| (sqlite|pg) / [0-9]' <<<"$out" | tr '\n' ',')
fail=0
[ "$order" = "| sqlite / 1,| pg / 1,| pg / 2,| pg / 4," ] || { echo "FAIL: ordre $order"; fail=1; }
grep -q '| pg / 2 | \*\*5.5 s\*\*' <<<"$out" || { echo "FAIL: cycle pg/2 absent: $out"; fail=1; }
grep -q '| 2 / 0 |' <<<"$out" || { echo "FAIL: perdus pg/2 (2 / 0) absents"; fail=1; }
grep -q '300 MB (60), 12 proc.' <<<"$out" || { echo "FAIL: mémoire PostgreSQL absente"; fail=1; }
row sqlite 1 5 3.5 0 > "$work/mixed/a.jsonl"; row pg 1 50 4.5 0 > "$work/mixed/b.jsonl"
if python3 "$table" stores "$work/mixed" >/dev/null 2>&1; then
  echo "FAIL: deux échelles dans une table acceptées"; fail=1
fi
[ "$fail" -eq 0 ] && echo "table_test: ok"
exit "$fail"
