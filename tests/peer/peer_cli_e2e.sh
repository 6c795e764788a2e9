#!/usr/bin/env bash
# End to end, issue #17: `relais peer serve` and `relais peer sync` as
# separate PROCESSES on loopback, hub down (never started), then up.
# A kiosk and a secretariat of msp1 (certificates of msp1's house CA made
# by `relais pki`) sync both ways with concurrent edits; a replica of msp2
# with msp2's CA is refused; then a relais-hub process comes up and both
# replicas sync with it. Oracle: the appointments and statuses the script
# wrote are in both dumps, the dumps are equal, the hub holds each
# appointment once (a third, fresh replica pulls exactly them), and the
# refused replica left nothing at the secretariat.
# Loopback only; every wait is bounded. usage: peer_cli_e2e.sh BUILD_DIR
set -u
B=${1:?build dir}
R="$B/tools/relais"; H="$B/server/relais-hub"
for x in "$R" "$H"; do [ -x "$x" ] || { echo "FAIL: programme manquant: $x"; exit 1; }; done
W=$(mktemp -d /tmp/relais-peer-e2e.XXXXXX); PS=; PH=
trap '{ for p in $PS $PH; do kill $p; wait $p; done; } 2>/dev/null; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; cat "$W"/*.log 2>/dev/null | tail -10; exit 1; }
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
up() { for _ in $(seq 100); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0; sleep 0.1; done; fail "port $1 fermé"; }
mkdir -p "$W/a" "$W/b"
"$R" pki init --dir "$W/ca-a" --org msp1 >/dev/null || fail "pki init"
"$R" pki init --dir "$W/ca-b" --org msp2 >/dev/null || fail "pki init b"
[ "$(stat -c %a "$W/ca-a/ca.key")" = 600 ] || fail "ca.key pas en 600"
"$R" init --db "$W/a/k.db" --site msp1 >/dev/null || fail init
"$R" init --db "$W/a/s.db" --site msp1 >/dev/null || fail "init s"
"$R" init --db "$W/b/x.db" --site msp2 >/dev/null || fail "init x"
for db in a/k a/s; do "$R" pki issue --dir "$W/ca-a" --replica-db "$W/$db.db" >/dev/null || fail "issue $db"; done
"$R" pki issue --dir "$W/ca-b" --replica-db "$W/b/x.db" >/dev/null || fail "issue x"
[ "$(stat -c %a "$W/a/k.db.pair.key")" = 600 ] || fail "clé pas en 600"
# A certificate of another house's CA is refused at issue time too.
"$R" pki issue --dir "$W/ca-b" --replica-db "$W/a/s.db" 2>/dev/null && fail "msp2 délivre pour msp1"

"$R" practitioner add --db "$W/a/k.db" --id p1 --name "Dr M" --profession medecin >/dev/null || fail practitioner
ids=()
for i in 1 2 3; do
  ids+=("$("$R" appt add --db "$W/a/k.db" --practitioner p1 --start "2026-12-0${i}T09:00" --duration 15 \
           --patient "Patient $i" --birth 1950-01-01 | cut -d' ' -f1)") || fail "appt $i"
done
GS=$(port)
"$R" peer serve --db "$W/a/s.db" --listen "127.0.0.1:$GS" --pki "$W/ca-a" >"$W/serve.out" 2>"$W/serve.log" & PS=$!
up "$GS"
"$R" peer sync --db "$W/a/k.db" --peer "127.0.0.1:$GS" --pki "$W/ca-a" >"$W/out" 2>&1 || fail "peer sync 1: $(cat "$W/out")"
grep -q "envoyés 4" "$W/out" || fail "peer sync 1: $(cat "$W/out")"
# Concurrent edits: the kiosk checks in #1 (status), the secretariat books #4
# and moves #2, while serving.
"$R" appt set-status --db "$W/a/k.db" --id "${ids[0]}" --status checked_in >/dev/null || fail checkin
"$R" appt add --db "$W/a/s.db" --practitioner p1 --start 2026-12-04T10:00 --duration 15 \
  --patient "Patient 4" --birth 1950-01-01 >/dev/null || fail "appt 4"
"$R" peer sync --db "$W/a/k.db" --peer "127.0.0.1:$GS" --pki "$W/ca-a" >"$W/out" 2>&1 || fail "peer sync 2: $(cat "$W/out")"
"$R" dump --db "$W/a/k.db" >"$W/k.json"; "$R" dump --db "$W/a/s.db" >"$W/s.json"
cmp -s "$W/k.json" "$W/s.json" || fail "dumps différents après l'échange"
grep -q checked_in "$W/s.json" || fail "arrivée absente au secrétariat"
# The other house is refused (TLS), and leaves nothing.
"$R" appt add --db "$W/b/x.db" --practitioner p9 --start 2026-12-04T10:00 --duration 15 \
  --patient "Intrus" --birth 1950-01-01 >/dev/null 2>&1
"$R" peer sync --db "$W/b/x.db" --peer "127.0.0.1:$GS" --pki "$W/ca-b" >"$W/out" 2>&1 && fail "msp2 accepté"
grep -q "TLS" "$W/out" || fail "refus sans explication: $(cat "$W/out")"
"$R" dump --db "$W/a/s.db" | cmp -s - "$W/s.json" || fail "le secrétariat a changé"

# The hub comes up: the secretariat first (it carries the kiosk's writes).
GH=$(port)
( umask 077
  for n in k s f; do "$H" enroll --db "$W/hub.db" --site msp1 --name $n | tail -1 >"$W/$n.jeton"; done ) || fail enroll
"$H" --db "$W/hub.db" --listen "127.0.0.1:$GH" 2>"$W/hub.log" & PH=$!
up "$GH"
for db in s k s k; do
  "$R" sync --db "$W/a/$db.db" --hub "127.0.0.1:$GH" --token-file "$W/$db.jeton" --quiet >"$W/out" 2>&1 \
    || fail "sync $db: $(cat "$W/out")"
done
"$R" dump --db "$W/a/k.db" >"$W/k.json"; "$R" dump --db "$W/a/s.db" >"$W/s.json"
cmp -s "$W/k.json" "$W/s.json" || fail "dumps différents après le hub"
# A fresh replica gets from the hub exactly the 4 appointments, once each.
"$R" init --db "$W/a/f.db" --site msp1 >/dev/null || fail "init f"
"$R" sync --db "$W/a/f.db" --hub "127.0.0.1:$GH" --token-file "$W/f.jeton" --quiet >"$W/out" 2>&1 || fail "sync f"
"$R" dump --db "$W/a/f.db" | cmp -s - "$W/k.json" || fail "le hub ne tient pas le même état"
n=$(grep -o '"collection":"appointment"' "$W/k.json" | wc -l)
[ "$n" = 4 ] || fail "$n rendez-vous au lieu de 4"
echo "OK peer_cli_e2e"
