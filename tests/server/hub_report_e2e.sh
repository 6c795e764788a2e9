#!/usr/bin/env bash
# End to end: relais-hub --http-listen serves the funding office's report
# from merged hub data; `relais report` fetches it with a council token read
# from a file; a kiosk token is refused; council tokens are listed, expire
# and are revoked; /metrics is only on the loopback admin listener; the
# files the hub creates (db, WAL, aggregate store, backup) are 0600.
# Loopback only. usage: hub_report_e2e.sh BUILD_DIR
set -u
B=${1:?build dir}
R="$B/tools/relais"; H="$B/server/relais-hub"
W=$(mktemp -d /tmp/relais-report-e2e.XXXXXX); HUB_PID=
trap '[ -n "$HUB_PID" ] && kill $HUB_PID 2>/dev/null; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; cat "$W/hub.log" 2>/dev/null; exit 1; }
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
G=$(port); P=$(port); A=$(port)
umask 022  # the files must be private whatever the umask
mode() { stat -c %a "$1"; }
"$R" init --db "$W/a.db" --site S1 >/dev/null || fail init
"$R" practitioner add --db "$W/a.db" --id p1 --name "Dr M" --profession medecin >/dev/null
for i in $(seq 12); do
  out=$("$R" appt add --db "$W/a.db" --practitioner p1 --start "2026-11-$((10 + i))T09:00" \
        --duration 15 --patient "Patient Secret$i" --birth 1950-01-01) || fail "appt add"
  "$R" appt checkin --db "$W/a.db" --id "${out%% *}" >/dev/null
  "$R" appt set-status --db "$W/a.db" --id "${out%% *}" --status done >/dev/null
done
( umask 077
  "$H" enroll --db "$W/hub.db" --site S1 | tail -1 >"$W/kiosque.jeton"
  "$H" council-enroll --db "$W/hub.db" --name departement --site S1 --expires 30 | tail -1 >"$W/conseil.jeton"
  "$H" council-enroll --db "$W/hub.db" --name autre --site S9 | tail -1 >"$W/autre.jeton" )
T="$W/kiosque.jeton"; C="$W/conseil.jeton"; C2="$W/autre.jeton"
"$H" council-enroll --db "$W/hub.db" --name passe --site S1 --expires 2020-01-01 >/dev/null 2>&1 && fail "an expiry in the past was accepted"
"$H" council-list --db "$W/hub.db" | grep -q "'departement' sites=S1 .*expire=20" || fail "council-list: $("$H" council-list --db "$W/hub.db")"
"$H" council-list --db "$W/hub.db" | grep -q "'autre' sites=S9 .*expire=jamais" || fail "council-list without expiry"
"$H" council-list --db "$W/hub.db" | grep -qf "$C" && fail "council-list printed a token"
# A damaged aggregate store (derived data) must not stop the hub: moved aside
# and rebuilt.
head -c 8192 /dev/urandom > "$W/hub-agregats.db"
"$H" --db "$W/hub.db" --listen "127.0.0.1:$G" --http-listen "127.0.0.1:$P" --admin-listen "127.0.0.1:$A" 2>"$W/hub.log" &
HUB_PID=$!
for _ in $(seq 50); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$P),0.2)" 2>/dev/null && break; sleep 0.1; done
"$R" sync --db "$W/a.db" --hub "127.0.0.1:$G" --token-file "$T" >/dev/null || fail sync
"$R" report --url "http://127.0.0.1:$P" --token-file "$C" --from 2026-11 --to 2026-11 --format csv --out "$W/r.csv" || fail "report"
grep -q "^site:S1;S1;2026-11;.*;honores;[^;]*;nombre;12;12;" "$W/r.csv" || fail "12 consultations done not in CSV: $(grep honores "$W/r.csv")"
grep -qi "secret" "$W/r.csv" && fail "a patient name leaked"
[ -s "$W/hub-agregats.db" ] || fail "no aggregate store beside hub.db"
grep -q "mis de côté" "$W/hub.log" || fail "the damaged store was not reported"
ls "$W"/hub-agregats.db.illisible-* >/dev/null || fail "the damaged store was not kept aside"
# November is over, so it was released by the first report and is frozen
# (issue #20, docs/reporting.md §Publications): a change synced afterwards
# is applied to the aggregate store on the next request (catch-up on
# request, counted in /metrics below) but never changes the released month.
id=$("$R" appt list --db "$W/a.db" --date 2026-11-11 | cut -f2 | head -1)
"$R" appt set-status --db "$W/a.db" --id "$id" --status no_show >/dev/null || fail "set-status $id"
"$R" sync --db "$W/a.db" --hub "127.0.0.1:$G" --token-file "$T" >/dev/null || fail sync2
"$R" report --url "http://127.0.0.1:$P" --token-file "$C" --from 2026-11 --to 2026-11 --format csv --out "$W/r2.csv" || fail "report 2"
grep -q "^site:S1;S1;2026-11;.*;non_venus;[^;]*;nombre;0;0;" "$W/r2.csv" || fail "the released November changed: $(grep non_venus "$W/r2.csv")"
grep -q "^site:S1;S1;2026-11;.*;honores;[^;]*;nombre;12;12;" "$W/r2.csv" || fail "the released November changed: $(grep honores "$W/r2.csv")"
# Weeks are no longer served (a small week was its month minus the others).
"$R" report --url "http://127.0.0.1:$P" --token-file "$C" --from 2026-11 --to 2026-11 --granularity week >/dev/null 2>"$W/week.err" && fail "weeks were served"
grep -q "semaines ne sont plus publiées" "$W/week.err" || fail "weeks refused without saying why: $(cat "$W/week.err")"
"$R" report --url "http://127.0.0.1:$P" --token-file "$T" --from 2026-11 --to 2026-11 >/dev/null 2>&1 && fail "a kiosk token was accepted"
"$R" report --url "http://127.0.0.1:$P" --token-file "$C2" --site S1 --from 2026-11 --to 2026-11 >/dev/null 2>&1 && fail "a council token for S9 read S1"
python3 - "$P" "$A" "$(cat "$C")" <<'PY' || fail "metrics / dashboard"
import sys, urllib.request, urllib.error
pub, adm, tok = sys.argv[1], sys.argv[2], sys.argv[3]
body = urllib.request.urlopen(f"http://127.0.0.1:{adm}/metrics", timeout=5).read().decode()
assert "relais_hub_syncs_total{store=\"sqlite\"} 2\n" in body, body
assert "relais_report_facts_applied_total 14" in body, body
assert "relais_report_facts_behind 0" in body, body
def code(url):
    try: return urllib.request.urlopen(url, timeout=5).status
    except urllib.error.HTTPError as e: return e.code
assert code(f"http://127.0.0.1:{pub}/metrics") == 404, "metrics on the public port"
# Alive and ready (the hub's database answers), on the admin listener.
assert code(f"http://127.0.0.1:{adm}/healthz") == 200, "healthz"
ready = urllib.request.urlopen(f"http://127.0.0.1:{adm}/readyz", timeout=5)
assert ready.status == 200 and "prêt" in ready.read().decode(), "readyz"
assert code(f"http://127.0.0.1:{pub}/?token={tok}") == 401, "token accepted in a URL"
PY
# Files created by the hub: private.
for f in hub.db hub.db-wal hub.db-shm hub-agregats.db; do
  [ "$(mode "$W/$f")" = 600 ] || fail "$f is mode $(mode "$W/$f"), not 600"
done
"$H" backup --db "$W/hub.db" --out "$W/sauvegarde.db" >/dev/null || fail backup
[ "$(mode "$W/sauvegarde.db")" = 600 ] || fail "backup is mode $(mode "$W/sauvegarde.db")"
# A revoked council token is refused at once.
"$H" council-revoke --db "$W/hub.db" --name departement >/dev/null || fail council-revoke
"$R" report --url "http://127.0.0.1:$P" --token-file "$C" --from 2026-11 --to 2026-11 >/dev/null 2>&1 && fail "a revoked council token was accepted"
# A non-loopback admin listener without a token is refused.
timeout 10 "$H" --db "$W/h2.db" --listen 127.0.0.1:0 --admin-listen 0.0.0.0:0 >/dev/null 2>&1; [ $? -eq 2 ] || fail "public /metrics without a token"
echo "1 passed, 0 failed"
