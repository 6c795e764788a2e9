#!/usr/bin/env bash
# `relais-kiosk --peer auto` end to end with a REAL avahi-daemon (issue #17),
# in a private network and mount namespace (`unshare --net --mount`, root;
# only `lo`, multicast on), with a private dbus-daemon and avahi-daemon set
# up by tests/peer/avahi_ns.sh. Then:
#  - `--wait-sync` without capture mode, without --hub/--peer, or out of
#    range is refused (French message, nothing written);
#  - msp1's secretariat (`relais peer serve`) announces _relais._tcp; msp2's
#    serve announces too (another organisation), and avahi-publish adds a
#    liar (msp1 TXT on msp2's port);
#  - the real kiosk runs headless under Xvfb with `--peer auto --pki DIR`
#    (capture mode, `--wait-sync`): it discovers the secretariat, syncs in
#    its background worker and prints « état de la synchronisation :
#    synchronisé avec le secrétariat … »;
#  - oracle (`relais dump` on the files, not the kiosk; appointment ids as
#    `relais appt add` printed them, names are sealed): the kiosk's
#    appointments reached the secretariat and the secretariat's reached the
#    kiosk (dumps equal), msp2's replica is unchanged and nothing of msp2
#    reached msp1's files;
#  - with msp1's secretariat gone, only msp2 and the liar announced: the
#    kiosk finds no peer of its organisation, says so, exits non-zero
#    within the bound, and its data is unchanged.
# Every wait is bounded; the daemons are stopped on every exit (trap). A
# missing prerequisite fails (no skip). usage: kiosk_avahi_e2e.sh BUILD_DIR
set -u
B=${1:?build dir}
R="$B/tools/relais"; K="$B/kiosk/relais-kiosk"
fail() { echo "FAIL: $*"; for f in "$W"/*.log; do echo "== $f"; tail -5 "$f"; done 2>/dev/null; exit 1; }
if [ -z "${RELAIS_AVAHI_NS:-}" ]; then
  W=/nonexistent
  [ "$(id -u)" = 0 ] || fail "ce test crée un espace de noms réseau: lancez-le en root (id -u = $(id -u))"
  for x in unshare ip dbus-daemon avahi-daemon avahi-publish avahi-browse python3 xvfb-run timeout; do
    command -v "$x" >/dev/null || fail "programme manquant: $x (tools/setup.sh)"
  done
  [ -x "$R" ] || fail "programme manquant: $R"
  [ -x "$K" ] || fail "programme manquant: $K"
  exec unshare --net --mount -- env RELAIS_AVAHI_NS=1 bash "$0" "$@"
fi

W=$(mktemp -d /tmp/relais-kiosk-avahi.XXXXXX); PIDS=
trap '{ for p in $PIDS; do kill $p; done; wait; } 2>/dev/null; rm -rf "$W"' EXIT
. "$(dirname "$0")/../peer/avahi_ns.sh"
# The kiosk, headless, capture mode: bounded by `timeout` (and --wait-sync).
kiosk() {
  mkdir -p "$W/shots"
  timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$K" --db "$W/a/k.db" --peer auto \
    --pki "$W/ca-a" --screenshot-dir "$W/shots" --frames 2 --wait-sync "$1"
}

avahi_ns_setup

# msp1: the kiosk (k) and the secretariat (s), each with its own writes;
# msp2: another organisation's replica (x).
mkdir -p "$W/a" "$W/b"
"$R" pki init --dir "$W/ca-a" --org msp1 >/dev/null || fail "pki init"
"$R" pki init --dir "$W/ca-b" --org msp2 >/dev/null || fail "pki init b"
"$R" init --db "$W/a/k.db" --site msp1 >/dev/null || fail init
"$R" init --db "$W/a/s.db" --site msp1 >/dev/null || fail "init s"
"$R" init --db "$W/b/x.db" --site msp2 >/dev/null || fail "init x"
for db in a/k a/s; do "$R" pki issue --dir "$W/ca-a" --replica-db "$W/$db.db" >/dev/null || fail "issue $db"; done
"$R" pki issue --dir "$W/ca-b" --replica-db "$W/b/x.db" >/dev/null || fail "issue x"
"$R" practitioner add --db "$W/a/k.db" --id p1 --name "Dr M" --profession medecin >/dev/null || fail practitioner
read -r ID_K _ < <("$R" appt add --db "$W/a/k.db" --practitioner p1 --start 2026-12-01T09:00 \
  --duration 15 --patient "Patient Borne" --birth 1950-01-01)
[ -n "${ID_K:-}" ] || fail "appt k"
"$R" practitioner add --db "$W/a/s.db" --id p2 --name "Dr S" --profession infirmier >/dev/null || fail "practitioner s"
read -r ID_S _ < <("$R" appt add --db "$W/a/s.db" --practitioner p2 --start 2026-12-02T10:00 \
  --duration 15 --patient "Patient Secretariat" --birth 1960-02-02)
[ -n "${ID_S:-}" ] || fail "appt s"
"$R" practitioner add --db "$W/b/x.db" --id p9 --name "Dr X" --profession medecin >/dev/null || fail "practitioner x"
read -r ID_X _ < <("$R" appt add --db "$W/b/x.db" --practitioner p9 --start 2026-12-04T10:00 \
  --duration 15 --patient "Intrus Autre" --birth 1950-01-01)
[ -n "${ID_X:-}" ] || fail "appt x"
"$R" dump --db "$W/b/x.db" >"$W/x0.json" || fail "dump x"
"$R" dump --db "$W/a/k.db" | grep -q "\"$ID_S\"" && fail "données du secrétariat déjà dans la borne"

GS=$(port); GX=$(port)
bg "$R" peer serve --db "$W/a/s.db" --listen "127.0.0.1:$GS" --pki "$W/ca-a" >"$W/serve-s.out" 2>"$W/serve-s.log"
SERVE_S=$!
bg "$R" peer serve --db "$W/b/x.db" --listen "127.0.0.1:$GX" --pki "$W/ca-b" >"$W/serve-x.out" 2>"$W/serve-x.log"
up "$GS"; up "$GX"
waitfor "$W/serve-s.log" "annoncé sur le réseau local"
waitfor "$W/serve-x.log" "annoncé sur le réseau local"
# A liar: msp1's TXT in front of msp2's port (TLS must refuse it).
bg avahi-publish -s "Relais menteur" _relais._tcp "$GX" v=1 org=msp1 id=menteur site=msp1 >"$W/publish.log" 2>&1
for _ in $(seq 50); do [ "$(browse | grep -c '^=')" -ge 3 ] && break; sleep 0.2; done
[ "$(browse | grep -c '^=')" -ge 3 ] || fail "services pas tous visibles: $(browse)"

# 0. --wait-sync is refused, before any window or sync, where it makes no
# sense or is out of range (French reason, code 2 for our checks).
"$R" dump --db "$W/a/k.db" >"$W/k0.json"
"$K" --db "$W/a/k.db" --peer auto --pki "$W/ca-a" --wait-sync 5 >"$W/bad.out" 2>&1
[ $? = 2 ] && grep -q "wait-sync demande --screenshot-dir" "$W/bad.out" || fail "sans capture: $(cat "$W/bad.out")"
"$K" --db "$W/a/k.db" --screenshot-dir "$W/shots0" --wait-sync 5 >"$W/bad.out" 2>&1
[ $? = 2 ] && grep -q "wait-sync demande --hub ou --peer" "$W/bad.out" || fail "sans source: $(cat "$W/bad.out")"
for v in 0 301 -1 abc 99999999999; do
  timeout 10 "$K" --db "$W/a/k.db" --peer auto --pki "$W/ca-a" --screenshot-dir "$W/shots0" \
    --wait-sync "$v" >"$W/bad.out" 2>&1 && fail "--wait-sync $v accepté"
  grep -q "wait-sync" "$W/bad.out" || fail "--wait-sync $v: $(cat "$W/bad.out")"
done
"$R" dump --db "$W/a/k.db" | cmp -s - "$W/k0.json" || fail "une option refusée a changé la borne"

# 1. The kiosk discovers the secretariat and syncs in the background.
t0=$(date +%s)
kiosk 40 >"$W/kiosk.out" 2>"$W/kiosk.log" || fail "borne --peer auto (code $?): $(cat "$W/kiosk.out" "$W/kiosk.log")"
t=$(( $(date +%s) - t0 ))
[ "$t" -le 90 ] || fail "borne trop lente: ${t}s"
grep -q "^état de la synchronisation : synchronisé avec le secrétariat" "$W/kiosk.out" \
  || fail "état: $(cat "$W/kiosk.out")"
ls "$W"/shots/kiosk-accueil.png >/dev/null 2>&1 || fail "pas de capture"
"$R" dump --db "$W/a/k.db" >"$W/k.json"; "$R" dump --db "$W/a/s.db" >"$W/s.json"
grep -q "\"$ID_K\"" "$W/s.json" || fail "le rendez-vous de la borne n'a pas atteint le secrétariat"
grep -q "\"$ID_S\"" "$W/k.json" || fail "le rendez-vous du secrétariat n'a pas atteint la borne"
cmp -s "$W/k.json" "$W/s.json" || fail "dumps différents après la synchronisation de la borne"
# The other organisation: never used, unchanged, nothing of it here.
"$R" dump --db "$W/b/x.db" | cmp -s - "$W/x0.json" || fail "msp2 a changé"
grep -q "\"$ID_X\"\|msp2" "$W/k.json" "$W/s.json" && fail "des données de msp2 ont atteint msp1"

# 2. Without msp1's secretariat, only msp2 and the liar are announced: no
# peer of the organisation, said clearly, nothing changes, bounded.
kill "$SERVE_S"; wait "$SERVE_S" 2>/dev/null
for _ in $(seq 50); do browse | grep -q ";$GS;" || break; sleep 0.2; done
browse | grep -q ";$GS;" && fail "le secrétariat arrêté est toujours annoncé"
t0=$(date +%s)
kiosk 15 >"$W/kiosk2.out" 2>"$W/kiosk2.log" && fail "la borne s'est synchronisée sans secrétariat: $(cat "$W/kiosk2.out")"
t=$(( $(date +%s) - t0 ))
[ "$t" -le 60 ] || fail "échec trop lent: ${t}s"
grep -q "aucune synchronisation réussie en 15 s" "$W/kiosk2.log" || fail "message: $(cat "$W/kiosk2.log")"
grep -q "^état de la synchronisation : .*injoignable" "$W/kiosk2.out" || fail "état 2: $(cat "$W/kiosk2.out")"
"$R" dump --db "$W/a/k.db" | cmp -s - "$W/k.json" || fail "la borne a changé sans secrétariat"
"$R" dump --db "$W/b/x.db" | cmp -s - "$W/x0.json" || fail "msp2 a changé (2)"
cat "$W/kiosk.out" "$W/kiosk2.out" | grep "^état"
echo "OK kiosk_avahi_e2e"
