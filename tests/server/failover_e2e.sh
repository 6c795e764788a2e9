#!/usr/bin/env bash
# End to end, issue #21: two relais-hub PROCESSES serving the same SQLite
# hub.db (stand-in for several hubs over PostgreSQL) and `relais sync --hub
# A,B` failing over between them: A killed (-9) -> the sync goes through B
# and `relais status` names B; A back, B killed -> through A; meanwhile a
# second replica syncs through both hubs at once, in parallel with the
# first. Oracle: the appointments the script wrote (count and patient names)
# are in both replicas exactly once, and every hub log line is ok.
# Loopback only; every wait is bounded. usage: failover_e2e.sh BUILD_DIR
set -u
B=${1:?build dir}
R="$B/tools/relais"; H="$B/server/relais-hub"
W=$(mktemp -d /tmp/relais-failover-e2e.XXXXXX); PA=; PB=
trap '{ for p in $PA $PB; do kill -9 $p; wait $p; done; } 2>/dev/null; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; tail -5 "$W"/hub-*.log 2>/dev/null; exit 1; }
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
up() { for _ in $(seq 100); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0; sleep 0.1; done; fail "hub on port $1 not up"; }
GA=$(port); GB=$(port)
start_a() { "$H" --db "$W/hub.db" --listen "127.0.0.1:$GA" 2>>"$W/hub-a.log" & PA=$!; up "$GA"; }
start_b() { "$H" --db "$W/hub.db" --listen "127.0.0.1:$GB" 2>>"$W/hub-b.log" & PB=$!; up "$GB"; }
HUBS="127.0.0.1:$GA,127.0.0.1:$GB"

( umask 077
  "$H" enroll --db "$W/hub.db" --site S1 --name a | tail -1 >"$W/a.jeton"
  "$H" enroll --db "$W/hub.db" --site S1 --name b | tail -1 >"$W/b.jeton" ) || fail enroll
"$R" init --db "$W/a.db" --site S1 >/dev/null || fail init
"$R" init --db "$W/b.db" --site S1 >/dev/null || fail "init b"  # same key file (same dir)
"$R" practitioner add --db "$W/a.db" --id p1 --name "Dr M" --profession medecin >/dev/null || fail practitioner
add() {  # add DB FIRST LAST: appointments "Patient FIRST".."Patient LAST" at 09:00 of days FIRST..LAST
  for i in $(seq "$2" "$3"); do
    "$R" appt add --db "$1" --practitioner p1 --start "2026-12-$(printf %02d $(( (i % 28) + 1 )))T$(printf %02d $(( 8 + i / 28 ))):00" \
      --duration 15 --patient "Patient $i" --birth 1950-01-01 >/dev/null || fail "appt add $i"
  done
}
start_a; start_b
add "$W/a.db" 1 10
"$R" sync --db "$W/a.db" --hub "$HUBS" --token-file "$W/a.jeton" --quiet >"$W/out" 2>&1 || fail "sync 1: $(cat "$W/out")"
"$R" status --db "$W/a.db" | grep -q "dernier hub joignable: 127.0.0.1:$GA (il y a " || fail "status 1: $("$R" status --db "$W/a.db")"

# A killed: through B.
{ kill -9 "$PA"; wait "$PA"; } 2>/dev/null; PA=
add "$W/a.db" 11 20
"$R" sync --db "$W/a.db" --hub "$HUBS" --token-file "$W/a.jeton" --quiet >"$W/out" 2>&1 || fail "sync 2: $(cat "$W/out")"
grep -q "hub: 127.0.0.1:$GB" "$W/out" || fail "sync 2 not through B: $(cat "$W/out")"
"$R" status --db "$W/a.db" | grep -q "dernier hub joignable: 127.0.0.1:$GB" || fail "status 2: $("$R" status --db "$W/a.db")"

# A back, B killed: through A. Replica b syncs at the same time (both hubs
# were up while it started).
start_a
add "$W/a.db" 21 30
"$R" sync --db "$W/b.db" --hub "127.0.0.1:$GB,127.0.0.1:$GA" --token-file "$W/b.jeton" --quiet >"$W/out-b" 2>&1 &
SB=$!
{ kill -9 "$PB"; wait "$PB"; } 2>/dev/null; PB=
"$R" sync --db "$W/a.db" --hub "$HUBS" --token-file "$W/a.jeton" --quiet >"$W/out" 2>&1 || fail "sync 3: $(cat "$W/out")"
grep -q "hub: 127.0.0.1:$GA" "$W/out" || fail "sync 3 not through A: $(cat "$W/out")"
wait "$SB" || fail "sync b: $(cat "$W/out-b")"
"$R" sync --db "$W/b.db" --hub "$HUBS" --token-file "$W/b.jeton" --quiet >"$W/out-b" 2>&1 || fail "sync b 2: $(cat "$W/out-b")"
"$R" status --db "$W/b.db" | grep -q "dernier hub joignable: 127.0.0.1:$GA" || fail "status b: $("$R" status --db "$W/b.db")"

# Every appointment written, once, in both replicas: 30 lines, 30 distinct
# ids, patient names exactly "Patient 1".."Patient 30".
seq 1 30 | sed 's/^/Patient /' | sort >"$W/want"
for db in a b; do
  for d in $(seq -w 1 28); do "$R" appt list --db "$W/$db.db" --date "2026-12-$d"; done >"$W/list-$db" || fail "list $db"
  [ "$(wc -l <"$W/list-$db")" = 30 ] || fail "$db holds $(wc -l <"$W/list-$db") appointments, not 30"
  [ "$(cut -f2 "$W/list-$db" | sort -u | wc -l)" = 30 ] || fail "$db: duplicated ids"
  cut -f6 "$W/list-$db" | sort | diff -q - "$W/want" >/dev/null || fail "$db: names differ: $(cut -f6 "$W/list-$db" | sort | diff - "$W/want" | head -5)"
done
grep -q " ERREUR\| error" "$W"/hub-*.log && fail "a hub logged an error"
echo "failover e2e: ok (2 hub processes over one hub.db)"
