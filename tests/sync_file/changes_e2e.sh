#!/usr/bin/env bash
# End to end, issue #17, with the real binaries: house A (no link) writes
# its changes with `relais export-changes`, the office runs `relais-hub
# import-changes`, A applies the response with `relais import-changes`;
# house B syncs over gRPC with a relais-hub process. Oracle: `relais dump`
# of A and B are equal byte for byte, A has nothing left to send; a second
# import is a no-op on both sides; a tampered file is refused (exit 1,
# French message) and the hub's tokens and records are unchanged.
# Loopback only; every wait is bounded. usage: changes_e2e.sh BUILD_DIR
set -u
B=${1:?build dir}
R="$B/tools/relais"; H="$B/server/relais-hub"
W=$(mktemp -d /tmp/relais-changes-e2e.XXXXXX); PH=
trap '{ [ -n "$PH" ] && kill -9 $PH && wait $PH; } 2>/dev/null; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; tail -5 "$W"/hub.log 2>/dev/null; exit 1; }
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
up() { for _ in $(seq 100); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0; sleep 0.1; done; fail "hub on port $1 not up"; }
[ -x "$R" ] && [ -x "$H" ] || fail "binaires relais / relais-hub absents de $B"

( umask 077
  "$H" enroll --db "$W/hub.db" --site S1 --name a | tail -1 >"$W/a.jeton"
  "$H" enroll --db "$W/hub.db" --site S1 --name b | tail -1 >"$W/b.jeton" ) || fail enroll
"$R" init --db "$W/a.db" --site S1 >/dev/null || fail "init a"
"$R" init --db "$W/b.db" --site S1 >/dev/null || fail "init b"
"$R" practitioner add --db "$W/a.db" --id p1 --name "Dr M" --profession medecin >/dev/null || fail practitioner
for i in 1 2 3; do
  "$R" appt add --db "$W/a.db" --practitioner p1 --start "2026-12-0${i}T09:00" --duration 15 \
    --patient "Patient $i" --birth 1950-01-01 >/dev/null || fail "appt add $i"
done
"$R" practitioner add --db "$W/b.db" --id p2 --name "Dr B" --profession infirmier >/dev/null || fail "practitioner b"

G=$(port)
"$H" --db "$W/hub.db" --listen "127.0.0.1:$G" 2>>"$W/hub.log" & PH=$!
up "$G"
"$R" sync --db "$W/b.db" --hub "127.0.0.1:$G" --token-file "$W/b.jeton" --quiet >"$W/out" 2>&1 || fail "sync b: $(cat "$W/out")"

# A, offline: export; the office imports; A applies the response.
"$R" export-changes --db "$W/a.db" --token-file "$W/a.jeton" --out "$W/changes.rls" >"$W/out" 2>&1 || fail "export: $(cat "$W/out")"
[ "$(stat -c %a "$W/changes.rls")" = 600 ] || fail "changes.rls not 0600"
"$H" tokens --db "$W/hub.db" >"$W/tokens-before" 2>&1 || fail tokens
cp "$W/changes.rls" "$W/evil.rls"
printf '\x55' | dd of="$W/evil.rls" bs=1 seek=$(( $(stat -c %s "$W/evil.rls") / 2 )) conv=notrunc 2>/dev/null
"$H" import-changes --db "$W/hub.db" --in "$W/evil.rls" --out "$W/r-evil.rls" >"$W/out" 2>&1 && fail "tampered file accepted"
grep -q "altéré" "$W/out" || fail "tampered: no French message: $(cat "$W/out")"
[ -e "$W/r-evil.rls" ] && fail "a response was written for a tampered file"
"$H" import-changes --db "$W/hub.db" --in "$W/changes.rls" --out "$W/reponse.rls" >"$W/out" 2>&1 || fail "hub import: $(cat "$W/out")"
grep -q "4 enregistrements reçus" "$W/out" || fail "hub import: $(cat "$W/out")"
"$H" import-changes --db "$W/hub.db" --in "$W/changes.rls" --out "$W/reponse2.rls" >"$W/out" 2>&1 || fail "hub re-import: $(cat "$W/out")"
grep -q "(0 nouveaux pour le hub)" "$W/out" || fail "hub re-import changed the hub: $(cat "$W/out")"
"$R" import-changes --db "$W/a.db" --token-file "$W/a.jeton" --in "$W/reponse.rls" >"$W/out" 2>&1 || fail "import: $(cat "$W/out")"
grep -q "reçus: 1" "$W/out" || fail "import: $(cat "$W/out")"
"$R" import-changes --db "$W/a.db" --token-file "$W/a.jeton" --in "$W/reponse.rls" >"$W/out" 2>&1 || fail "re-import: $(cat "$W/out")"
grep -q "déjà importée" "$W/out" || fail "re-import: $(cat "$W/out")"
"$R" import-changes --db "$W/b.db" --token-file "$W/b.jeton" --in "$W/reponse.rls" >"$W/out" 2>&1 && fail "B accepted A's response"

"$R" sync --db "$W/b.db" --hub "127.0.0.1:$G" --token-file "$W/b.jeton" --quiet >"$W/out" 2>&1 || fail "sync b 2: $(cat "$W/out")"
"$R" dump --db "$W/a.db" >"$W/dump-a" || fail "dump a"
"$R" dump --db "$W/b.db" >"$W/dump-b" || fail "dump b"
cmp -s "$W/dump-a" "$W/dump-b" || fail "A and B differ: $(diff "$W/dump-a" "$W/dump-b" | head -5)"
"$R" dump --clair --db "$W/b.db" 2>/dev/null | grep -q "Patient 3" || fail "B lacks A's appointments"
"$R" status --db "$W/a.db" | grep -q "changements en attente d'envoi: 0" || fail "A still has changes to send"
echo "changes e2e: ok"
