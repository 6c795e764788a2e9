#!/usr/bin/env bash
# usage: run.sh SITES RECORDS OUTDIR  — the four configurations, one after another
set -u
B=${BENCH:-build/tools/bench/relais-bench}
S=$1; R=$2; OUT=$3
mkdir -p "$OUT"
for cfg in "sqlite 1" "pg 1" "pg 2" "pg 4"; do
  set -- $cfg
  f="$OUT/$1-$2hub.jsonl"
  echo "# $(date -u +%FT%TZ) load: $(cat /proc/loadavg)" > "$f.load"
  ( while sleep 15; do echo "$(date -u +%T) $(cat /proc/loadavg)"; done ) >> "$f.load" & LP=$!
  /usr/bin/time -v $B --scale-sites $S --scale-records $R --threads 4 --store $1 --hubs $2 > "$f" 2> "$f.err"
  echo "exit $?" >> "$f.load"
  kill $LP
done
