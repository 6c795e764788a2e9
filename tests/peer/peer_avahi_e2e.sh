#!/usr/bin/env bash
# LAN discovery with a REAL avahi-daemon (issue #17), without touching the
# machine's network: the script re-runs itself in a private network and
# mount namespace (`unshare --net --mount`, root needed), where only `lo`
# exists (multicast switched on), with a private dbus-daemon (config
# written here, DBUS_SYSTEM_BUS_ADDRESS) and avahi-daemon (test config: lo
# only, no reflector, no wide-area; its /run/avahi-daemon is a tmpfs of the
# namespace). Then:
#  - `relais peer serve` of msp1's secretariat announces _relais._tcp;
#    msp2's serve announces too (another organisation); avahi-publish adds a
#    liar (msp1 TXT, msp2's port), garbage TXT and a silent port;
#  - `relais peer sync --discover` of msp1's kiosk syncs with the
#    secretariat only (dumps equal), refuses the liar at TLS, ignores msp2,
#    within a time bound; msp2's replica is unchanged;
#  - 100 more services announced: still bounded, no crash;
#  - `--no-announce` is not browsed; with the daemon stopped, serve says
#    once that discovery is off and still serves `--peer`; when the daemon
#    comes back, the serves announce themselves without a restart.
# A missing prerequisite fails (no skip). usage: peer_avahi_e2e.sh BUILD_DIR
set -u
B=${1:?build dir}
R="$B/tools/relais"
fail() { echo "FAIL: $*"; for f in "$W"/*.log; do echo "== $f"; tail -5 "$f"; done 2>/dev/null; exit 1; }
if [ -z "${RELAIS_AVAHI_NS:-}" ]; then
  W=/nonexistent
  [ "$(id -u)" = 0 ] || fail "ce test crée un espace de noms réseau: lancez-le en root (id -u = $(id -u))"
  for x in unshare ip dbus-daemon avahi-daemon avahi-publish avahi-browse python3; do
    command -v "$x" >/dev/null || fail "programme manquant: $x (tools/setup.sh)"
  done
  /usr/bin/python3 -c 'import dbus' 2>/dev/null || fail "python3-dbus manquant (tools/setup.sh)"
  [ -x "$R" ] || fail "programme manquant: $R"
  exec unshare --net --mount -- env RELAIS_AVAHI_NS=1 bash "$0" "$@"
fi

W=$(mktemp -d /tmp/relais-avahi-e2e.XXXXXX); PIDS=
trap '{ for p in $PIDS; do kill $p; done; wait; } 2>/dev/null; rm -rf "$W"' EXIT
. "$(dirname "$0")/avahi_ns.sh"
avahi_ns_setup

# Two houses, three replicas (as peer_cli_e2e.sh).
mkdir -p "$W/a" "$W/b"
"$R" pki init --dir "$W/ca-a" --org msp1 >/dev/null || fail "pki init"
"$R" pki init --dir "$W/ca-b" --org msp2 >/dev/null || fail "pki init b"
"$R" init --db "$W/a/k.db" --site msp1 >/dev/null || fail init
"$R" init --db "$W/a/s.db" --site msp1 >/dev/null || fail "init s"
"$R" init --db "$W/b/x.db" --site msp2 >/dev/null || fail "init x"
for db in a/k a/s; do "$R" pki issue --dir "$W/ca-a" --replica-db "$W/$db.db" >/dev/null || fail "issue $db"; done
"$R" pki issue --dir "$W/ca-b" --replica-db "$W/b/x.db" >/dev/null || fail "issue x"
"$R" practitioner add --db "$W/a/k.db" --id p1 --name "Dr M" --profession medecin >/dev/null || fail practitioner
for i in 1 2; do
  "$R" appt add --db "$W/a/k.db" --practitioner p1 --start "2026-12-0${i}T09:00" --duration 15 \
    --patient "Patient $i" --birth 1950-01-01 >/dev/null || fail "appt $i"
done
"$R" appt add --db "$W/b/x.db" --practitioner p9 --start 2026-12-04T10:00 --duration 15 \
  --patient "Intrus" --birth 1950-01-01 >/dev/null 2>&1
"$R" dump --db "$W/b/x.db" >"$W/x0.json"
"$R" dump --db "$W/a/s.db" >"$W/s0.json"

GS=$(port); GX=$(port)
bg "$R" peer serve --db "$W/a/s.db" --listen "127.0.0.1:$GS" --pki "$W/ca-a" >"$W/serve-s.out" 2>"$W/serve-s.log"
bg "$R" peer serve --db "$W/b/x.db" --listen "127.0.0.1:$GX" --pki "$W/ca-b" >"$W/serve-x.out" 2>"$W/serve-x.log"
up "$GS"; up "$GX"
waitfor "$W/serve-s.log" "annoncé sur le réseau local"
# Hostile announcements: a liar (our org, msp2's port), garbage, a silent port.
GQ=$(port)
bg python3 -c "import socket,time;s=socket.socket();s.bind(('127.0.0.1',$GQ));s.listen(8);time.sleep(600)"
bg avahi-publish -s "Relais menteur" _relais._tcp "$GX" v=1 org=msp1 id=menteur site=msp1
bg avahi-publish -s "Relais bidon" _relais._tcp 9 "n'importe quoi" v=x
bg avahi-publish -s "Relais muet" _relais._tcp "$GQ" v=1 org=msp1 id=muet site=msp1
for _ in $(seq 50); do [ "$(browse | grep -c '^=')" -ge 5 ] && break; sleep 0.2; done
[ "$(browse | grep -c '^=')" -ge 5 ] || fail "services pas tous visibles: $(browse)"
browse | grep "^=" | grep -q "org=msp2" || fail "msp2 non annoncé"

t0=$(date +%s)
"$R" peer sync --db "$W/a/k.db" --discover --pki "$W/ca-a" >"$W/out" 2>"$W/err" || fail "sync --discover: $(cat "$W/out" "$W/err")"
t=$(( $(date +%s) - t0 ))
[ "$t" -le 20 ] || fail "découverte trop lente: ${t}s"
grep -q "synchronisé avec le pair" "$W/out" || fail "pas de synchronisation: $(cat "$W/out" "$W/err")"
[ "$(grep -c "synchronisé avec le pair" "$W/out")" = 1 ] || fail "plusieurs pairs synchronisés: $(cat "$W/out")"
grep -q "menteur.*refusé" "$W/err" || fail "menteur non refusé: $(cat "$W/err")"
grep -q "autre organisation" "$W/err" || fail "msp2 non écarté: $(cat "$W/err")"
grep -q "annonce _relais._tcp invalide" "$W/err" || fail "TXT invalide non signalé: $(cat "$W/err")"
"$R" dump --db "$W/a/k.db" >"$W/k.json"; "$R" dump --db "$W/a/s.db" >"$W/s.json"
cmp -s "$W/k.json" "$W/s.json" || fail "dumps différents après la découverte"
cmp -s "$W/s.json" "$W/s0.json" && fail "le secrétariat n'a rien reçu"
"$R" dump --db "$W/b/x.db" | cmp -s - "$W/x0.json" || fail "msp2 a changé"
# msp2 sees only itself: nobody to sync with, a clear message.
"$R" peer sync --db "$W/b/x.db" --discover --pki "$W/ca-b" >"$W/out" 2>&1 && fail "msp2 s'est trouvé un pair"
grep -q "aucun pair de l'organisation « msp2 »" "$W/out" || fail "message msp2: $(cat "$W/out")"

# A flood: 100 more services of our organisation on one entry group (Debian
# python3-dbus, hence /usr/bin/python3).
/usr/bin/python3 - "$GQ" >"$W/flood.log" 2>&1 <<'EOF' & PIDS="$PIDS $!"
import sys, time, dbus
bus = dbus.SystemBus()
server = dbus.Interface(bus.get_object("org.freedesktop.Avahi", "/"), "org.freedesktop.Avahi.Server")
g = dbus.Interface(bus.get_object("org.freedesktop.Avahi", server.EntryGroupNew()),
                   "org.freedesktop.Avahi.EntryGroup")
for i in range(100):
    txt = [dbus.Array([dbus.Byte(c) for c in s.encode()], signature="y")
           for s in ("v=1", "org=msp1", "id=flot%03d" % i, "site=msp1")]
    g.AddService(-1, -1, dbus.UInt32(0), "Relais flot %03d" % i, "_relais._tcp", "", "",
                 dbus.UInt16(int(sys.argv[1])), txt)
g.Commit()
print("publié", flush=True)
time.sleep(600)
EOF
waitfor "$W/flood.log" "publié"
t0=$(date +%s)
"$R" peer sync --db "$W/a/k.db" --discover --pki "$W/ca-a" >"$W/out" 2>"$W/err"; rc=$?
t=$(( $(date +%s) - t0 ))
[ "$rc" -le 1 ] || fail "sync --discover sous le flot: code $rc"
[ "$t" -le 45 ] || fail "flot: ${t}s"
grep -q "relais:" "$W/err" || fail "flot sans message: $(cat "$W/out" "$W/err")"

# --no-announce: served, not announced.
GN=$(port)
bg "$R" peer serve --db "$W/a/k.db" --listen "127.0.0.1:$GN" --pki "$W/ca-a" --no-announce >/dev/null 2>"$W/serve-n.log"
up "$GN"; sleep 1
browse | grep -q ";$GN;" && fail "--no-announce annoncé"

# No daemon: serve says it once, still serves --peer; --discover fails clearly.
kill "$AV"; wait "$AV" 2>/dev/null
GD=$(port)
bg "$R" peer serve --db "$W/a/s.db" --listen "127.0.0.1:$GD" --pki "$W/ca-a" >/dev/null 2>"$W/serve-d.log"
up "$GD"; sleep 1
[ "$(grep -c "découverte des pairs désactivée" "$W/serve-d.log")" = 1 ] || fail "avertissement: $(cat "$W/serve-d.log")"
"$R" peer sync --db "$W/a/k.db" --peer "127.0.0.1:$GD" --pki "$W/ca-a" >"$W/out" 2>&1 || fail "--peer sans Avahi: $(cat "$W/out")"
"$R" peer sync --db "$W/a/k.db" --discover --pki "$W/ca-a" >"$W/out" 2>&1 && fail "--discover sans démon"
grep -q "démon Avahi indisponible" "$W/out" || fail "message sans démon: $(cat "$W/out")"
# The daemon comes back: both serves announce themselves (again), no restart.
start_avahi
for _ in $(seq 50); do
  b=$(browse); echo "$b" | grep -q ";$GD;" && echo "$b" | grep -q ";$GS;" && break; sleep 0.2
done
browse | grep -q ";$GD;" || fail "serve non annoncé au retour du démon: $(browse)"
browse | grep -q ";$GS;" || fail "serve non ré-annoncé au retour du démon: $(browse)"
[ "$(grep -c "découverte des pairs désactivée" "$W/serve-d.log")" = 1 ] || fail "avertissement répété"
echo "OK peer_avahi_e2e"
