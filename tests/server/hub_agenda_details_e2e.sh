#!/usr/bin/env bash
# End to end (issue #20): `relais-hub agenda-enroll --patient-details` and
# `--with-names` with the organisation's key file, through the real
# binaries. A replica books a patient and syncs; hostile argument sets are
# refused (exit 2, or 1 for a missing file) and enrol nothing; a details
# token sees the name over HTTP, a plain token never does; each disclosure
# is one line of the hub log (never the name); hub.db holds neither the
# name nor the key. Loopback only. usage: hub_agenda_details_e2e.sh BUILD_DIR
set -u
B=${1:?build dir}
R="$B/tools/relais"; H="$B/server/relais-hub"
W=$(mktemp -d /tmp/relais-agenda-e2e.XXXXXX); HUB_PID=
trap '[ -n "$HUB_PID" ] && kill $HUB_PID 2>/dev/null; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; cat "$W/hub.log" 2>/dev/null; exit 1; }
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
G=$(port); P=$(port)
DAY=$(TZ=Europe/Paris date -d "+2 days" +%F)
NAME="Zéphyrine Quatremains"
mkdir -p "$W/rep" "$W/other"
"$R" init --db "$W/rep/a.db" --site S1 >/dev/null || fail init
"$R" init --db "$W/other/b.db" --site S2 >/dev/null || fail "init S2"
KEY="$W/rep/relais-S1.cle"; OTHER_KEY="$W/other/relais-S2.cle"
[ -s "$KEY" ] && [ -s "$OTHER_KEY" ] || fail "no key file beside the replicas: $(ls "$W/rep" "$W/other")"
"$R" practitioner add --db "$W/rep/a.db" --id p1 --name "Dr M" --profession medecin >/dev/null || fail practitioner
"$R" appt add --db "$W/rep/a.db" --practitioner p1 --start "${DAY}T09:00" --duration 15 \
  --patient "$NAME" --birth 1937-04-12 >/dev/null || fail "appt add"
( umask 077; "$H" enroll --db "$W/hub.db" --site S1 | tail -1 >"$W/kiosque.jeton" )

# Hostile argument sets: refused, nothing enrolled.
enrol() { "$H" agenda-enroll --db "$W/hub.db" --org S1 "$@" >"$W/out" 2>"$W/err"; }
expect() {
  local want=$1; shift
  enrol "$@"; local rc=$?
  [ "$rc" = "$want" ] || fail "agenda-enroll $* exited $rc, not $want: $(cat "$W/err")"
  grep -q '^relais-hub: ' "$W/err" || fail "agenda-enroll $*: no French message: $(cat "$W/err")"
}
expect 2 --name a --patient-details                                   # no key
expect 2 --name b --cle "$KEY"                                        # key without permission
expect 2 --name c --with-names --cle "$KEY"                           # names without practitioner
expect 2 --name d --patient-details --practitioner p1@S1 --cle "$KEY" # FHIR flag on iCal
expect 2 --name e --patient-details --cle "$OTHER_KEY"                # another organisation's key
expect 1 --name f --patient-details --cle "$W/absent.cle"             # no such file
head -c 300 /dev/urandom >"$W/junk.cle"
expect 1 --name g --patient-details --cle "$W/junk.cle"               # not a key file
"$H" agenda-list --db "$W/hub.db" >"$W/list0" || fail "agenda-list"
[ -s "$W/list0" ] && fail "a refused enrolment left a token: $(cat "$W/list0")"

# Honest tokens.
enrol --name secretariat --patient-details --cle "$KEY" || fail "details enrol: $(cat "$W/err")"
DT=$(tail -1 "$W/out")
enrol --name ars || fail "plain enrol: $(cat "$W/err")"
PT=$(tail -1 "$W/out")
enrol --name tel --practitioner p1@S1 --with-names --cle "$KEY" || fail "ical enrol: $(cat "$W/err")"
IT=$(tail -1 "$W/out" | sed -e 's#^/ical/##' -e 's#\.ics$##')
"$H" agenda-list --db "$W/hub.db" >"$W/list" || fail "agenda-list"
grep -q "'secretariat' fhir org=S1 patients=détails" "$W/list" || fail "list: $(cat "$W/list")"
grep -q "'ars' fhir org=S1 patients=pseudonymes" "$W/list" || fail "list: $(cat "$W/list")"
grep -q "'tel' ical org=S1 praticien=p1@S1 patients=noms" "$W/list" || fail "list: $(cat "$W/list")"
for t in "$DT" "$PT" "$IT"; do grep -q "$t" "$W/list" && fail "agenda-list printed a token"; done
# Re-enrolling a name to change its permission is refused: revoke first.
expect 1 --name ars --patient-details --cle "$KEY"

"$H" --db "$W/hub.db" --listen "127.0.0.1:$G" --http-listen "127.0.0.1:$P" 2>"$W/hub.log" &
HUB_PID=$!
for _ in $(seq 50); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$P),0.2)" 2>/dev/null && break; sleep 0.1; done
"$R" sync --db "$W/rep/a.db" --hub "127.0.0.1:$G" --token-file "$W/kiosque.jeton" >/dev/null || fail sync
U="http://127.0.0.1:$P"
curl -sf -H "Authorization: Bearer $DT" "$U/fhir/Appointment?date=eq$DAY" >"$W/details.json" || fail "details GET"
grep -q "\"text\": \"$NAME\"" "$W/details.json" || fail "the details token did not see the name: $(cat "$W/details.json")"
grep -q '"birthDate": "1937-04-12"' "$W/details.json" || fail "no birth date for the details token"
curl -sf -H "Authorization: Bearer $PT" "$U/fhir/Appointment?date=eq$DAY" >"$W/plain.json" || fail "plain GET"
grep -q '"Appointment"' "$W/plain.json" || fail "the plain token saw no appointment: $(cat "$W/plain.json")"
grep -qE "Quatremains|1937" "$W/plain.json" && fail "the plain token saw the patient"
curl -sf "$U/ical/$IT.ics" >"$W/tel.ics" || fail "ical GET"
grep -q "SUMMARY:Consultation — $NAME" "$W/tel.ics" || fail "no name in the opted-in calendar: $(cat "$W/tel.ics")"
# One log line per disclosure, with the token name and count, never a name.
grep -q "^agenda-details token='secretariat' kind=fhir org=S1 at=.* patients=1 appointments=1$" "$W/hub.log" \
  || fail "no disclosure line for the FHIR token"
grep -q "^agenda-details token='tel' kind=ical org=S1 practitioner=p1@S1 at=.* patients=1 appointments=1$" "$W/hub.log" \
  || fail "no disclosure line for the iCal token"
[ "$(grep -c '^agenda-details ' "$W/hub.log")" = 2 ] || fail "the plain token's read was logged as a disclosure"
grep -q "Quatremains" "$W/hub.log" && fail "a name in the hub log"
# The hub's file holds neither the name nor the key.
kb64=$(awk '$1 == "key" {print $3}' "$KEY" | head -1)
[ -n "$kb64" ] || fail "cannot read the key file"
for f in "$W/hub.db" "$W"/hub.db-wal; do
  [ -e "$f" ] || continue
  grep -qa "Quatremains" "$f" && fail "the name is in $f"
  grep -qaF "$kb64" "$f" && fail "the organisation key is in $f"
done
# Revoked: refused.
"$H" agenda-revoke --db "$W/hub.db" --name secretariat >/dev/null || fail revoke
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $DT" "$U/fhir/Appointment?date=eq$DAY")
[ "$code" = 401 ] || fail "revoked token answered $code"
echo "hub_agenda_details_e2e: OK"
