#!/usr/bin/env bash
# The real relais-kiosk with --hub syncs through its background worker: a
# check-in made on the kiosk's replica reaches the hub and another replica.
# Loopback only, bounded. usage: kiosk_sync_e2e.sh BUILD_DIR
set -u
B=${1:?build dir}
R="$B/tools/relais"; H="$B/server/relais-hub"; K="$B/kiosk/relais-kiosk"
W=$(mktemp -d /tmp/relais-kiosk-e2e.XXXXXX); HUB_PID=
trap '[ -n "$HUB_PID" ] && kill $HUB_PID 2>/dev/null; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; tail -5 "$W/hub.log"; exit 1; }
G=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
DAY=$(TZ=Europe/Paris date +%F)
"$R" init --db "$W/k.db" --site S1 >/dev/null && "$R" init --db "$W/b.db" --site S1 >/dev/null || fail init
"$R" practitioner add --db "$W/k.db" --id p1 --name "Dr M" --profession medecin >/dev/null
read -r ID CODE < <("$R" appt add --db "$W/k.db" --practitioner p1 --start "${DAY}T10:30" \
  --duration 15 --patient "Jeanne Dupont" --birth 1950-03-02)
"$R" appt checkin --db "$W/k.db" --code "$CODE" >/dev/null || fail checkin
( umask 077
  "$H" enroll --db "$W/hub.db" --site S1 | tail -1 >"$W/k.jeton"
  "$H" enroll --db "$W/hub.db" --site S1 | tail -1 >"$W/b.jeton" )
"$H" --db "$W/hub.db" --listen "127.0.0.1:$G" 2>"$W/hub.log" & HUB_PID=$!
for _ in $(seq 50); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$G),0.2)" 2>/dev/null && break; sleep 0.1; done
mkdir -p "$W/shots"
timeout 60 xvfb-run -a -s "-screen 0 1280x800x24" "$K" --db "$W/k.db" --hub "127.0.0.1:$G" \
  --token-file "$W/k.jeton" --now "${DAY}T10:25" --screenshot-dir "$W/shots" --frames 4 >/dev/null 2>&1 || fail "kiosk run"
grep -q "pushed=" "$W/hub.log" || fail "the kiosk never synced"
"$R" status --db "$W/k.db" | grep -q "changements en attente d'envoi: 0" || fail "kiosk replica still has pending changes: $("$R" status --db "$W/k.db")"
"$R" sync --db "$W/b.db" --hub "127.0.0.1:$G" --token-file "$W/b.jeton" >/dev/null || fail "sync b"
"$R" dump --db "$W/b.db" --json | grep "\"$ID\"" | grep -q '"status":"checked_in"' || fail "check-in did not reach replica b"
echo "1 passed, 0 failed"
