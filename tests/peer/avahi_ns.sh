# Shared by peer_avahi_e2e.sh and tests/kiosk/kiosk_avahi_e2e.sh (issue #17):
# helpers and a private Avahi stack inside the network and mount namespace
# the calling script has already entered (`unshare --net --mount`, root).
# Source it after setting W (the test's temporary directory) and PIDS, and
# after installing the EXIT trap that kills $PIDS: every daemon started here
# is added to PIDS. Defines bg, port, up, waitfor, browse, start_avahi (sets
# AV to the daemon's pid) and avahi_ns_setup (lo only with multicast, a
# tmpfs /run/avahi-daemon, a private dbus-daemon on $W/bus exported as
# DBUS_SYSTEM_BUS_ADDRESS, then avahi-daemon on lo only: no IPv6, no
# reflector, no wide-area). Every wait is bounded; a failure calls fail.
bg() { "$@" & PIDS="$PIDS $!"; }
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
up() { for _ in $(seq 100); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0; sleep 0.1; done; fail "port $1 fermé"; }
waitfor() { for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; fail "attendu « $2 » dans $1"; }
browse() { timeout 10 avahi-browse -rtp _relais._tcp 2>/dev/null; }
start_avahi() {
  avahi-daemon --no-drop-root --no-chroot --no-rlimits -f "$W/avahi.conf" >"$W/avahi.log" 2>&1 & AV=$!
  PIDS="$PIDS $AV"
  waitfor "$W/avahi.log" "Server startup complete"
}
avahi_ns_setup() {
  mount --make-rprivate / || fail "mount privé"
  mkdir -p /run/avahi-daemon && mount -t tmpfs tmpfs /run/avahi-daemon || fail "tmpfs /run/avahi-daemon"
  ip link set lo up && ip link set lo multicast on || fail "lo multicast"
  [ "$(ip -o link | wc -l)" = 1 ] || fail "l'espace de noms a d'autres interfaces que lo"
  cat >"$W/dbus.conf" <<DBUS
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$W/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/><allow own="*"/>
    <allow send_destination="*"/><allow receive_sender="*"/>
  </policy>
</busconfig>
DBUS
  cat >"$W/avahi.conf" <<AVAHI
[server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=lo
enable-dbus=yes
entries-per-entry-group-max=200
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
[reflector]
enable-reflector=no
AVAHI
  export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$W/bus"
  bg dbus-daemon --config-file="$W/dbus.conf" --nofork --nopidfile 2>"$W/dbus.log"
  for _ in $(seq 50); do [ -S "$W/bus" ] && break; sleep 0.1; done
  [ -S "$W/bus" ] || fail "dbus-daemon privé absent"
  start_avahi
}
