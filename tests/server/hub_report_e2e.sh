#!/usr/bin/env bash
# End to end: relais-hub --http-listen serves the funding office's report
# from merged hub data; `relais report` fetches it with a council token; a
# kiosk token is refused. Loopback only. usage: hub_report_e2e.sh BUILD_DIR
set -u
B=${1:?build dir}
R="$B/tools/relais"; H="$B/server/relais-hub"
W=$(mktemp -d /tmp/relais-report-e2e.XXXXXX); HUB_PID=
trap '[ -n "$HUB_PID" ] && kill $HUB_PID 2>/dev/null; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; cat "$W/hub.log" 2>/dev/null; exit 1; }
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
G=$(port); P=$(port)
"$R" init --db "$W/a.db" --site S1 >/dev/null || fail init
"$R" practitioner add --db "$W/a.db" --id p1 --name "Dr M" --profession medecin >/dev/null
for i in $(seq 12); do
  out=$("$R" appt add --db "$W/a.db" --practitioner p1 --start "2026-11-$((10 + i))T09:00" \
        --duration 15 --patient "Patient Secret$i" --birth 1950-01-01) || fail "appt add"
  "$R" appt checkin --db "$W/a.db" --id "${out%% *}" >/dev/null
  "$R" appt set-status --db "$W/a.db" --id "${out%% *}" --status done >/dev/null
done
T=$("$H" enroll --db "$W/hub.db" --site S1 | tail -1)
C=$("$H" council-enroll --db "$W/hub.db" --name departement --site S1 | tail -1)
C2=$("$H" council-enroll --db "$W/hub.db" --name autre --site S9 | tail -1)
# A damaged aggregate store (derived data) must not stop the hub: moved aside
# and rebuilt.
head -c 8192 /dev/urandom > "$W/hub-agregats.db"
"$H" --db "$W/hub.db" --listen "127.0.0.1:$G" --http-listen "127.0.0.1:$P" 2>"$W/hub.log" &
HUB_PID=$!
for _ in $(seq 50); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$P),0.2)" 2>/dev/null && break; sleep 0.1; done
"$R" sync --db "$W/a.db" --hub "127.0.0.1:$G" --token "$T" >/dev/null || fail sync
"$R" report --url "http://127.0.0.1:$P" --token "$C" --from 2026-11 --to 2026-11 --format csv --out "$W/r.csv" || fail "report"
grep -q "^site:S1;S1;2026-11;.*;honores;[^;]*;nombre;12;12;" "$W/r.csv" || fail "12 consultations done not in CSV: $(grep honores "$W/r.csv")"
grep -qi "secret" "$W/r.csv" && fail "a patient name leaked"
[ -s "$W/hub-agregats.db" ] || fail "no aggregate store beside hub.db"
grep -q "mis de côté" "$W/hub.log" || fail "the damaged store was not reported"
ls "$W"/hub-agregats.db.illisible-* >/dev/null || fail "the damaged store was not kept aside"
# A change synced after a report is in the next report (catch-up on request).
id=$("$R" appt list --db "$W/a.db" --date 2026-11-11 | cut -f2 | head -1)
"$R" appt set-status --db "$W/a.db" --id "$id" --status no_show >/dev/null || fail "set-status $id"
"$R" sync --db "$W/a.db" --hub "127.0.0.1:$G" --token "$T" >/dev/null || fail sync2
"$R" report --url "http://127.0.0.1:$P" --token "$C" --from 2026-11 --to 2026-11 --format csv --out "$W/r2.csv" || fail "report 2"
# 1 no-show now: a small count, masked (and "honores" with it, by subtraction).
grep -q "^site:S1;S1;2026-11;.*;non_venus;[^;]*;nombre;;< 11;primaire" "$W/r2.csv" || fail "the change is not in the next report: $(grep non_venus "$W/r2.csv")"
grep -q "^site:S1;S1;2026-11;.*;honores;[^;]*;nombre;;s;secondaire" "$W/r2.csv" || fail "honores not protected: $(grep honores "$W/r2.csv")"
"$R" report --url "http://127.0.0.1:$P" --token "$T" --from 2026-11 --to 2026-11 >/dev/null 2>&1 && fail "a kiosk token was accepted"
"$R" report --url "http://127.0.0.1:$P" --token "$C2" --site S1 --from 2026-11 --to 2026-11 >/dev/null 2>&1 && fail "a council token for S9 read S1"
python3 - "$P" <<'PY' || fail "metrics"
import sys, urllib.request
body = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=5).read().decode()
assert "relais_syncs_total 2" in body, body
assert "relais_report_facts_applied_total 14" in body, body
assert "relais_report_facts_behind 0" in body, body
PY
echo "1 passed, 0 failed"
