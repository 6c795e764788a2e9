#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for benchmarks and manual runs, with the
# settings of the test clusters (tests/pg/pg_cluster.cc; keep them in step):
#   tools/pg_cluster.sh start DIR [PORT]        prints the conninfo on stdout
#   tools/pg_cluster.sh stop DIR [immediate]    fast shutdown by default
# DIR/data is the cluster (initdb on first start; later starts reuse it and
# its port unless PORT is given), DIR/server.log the server log. Listens on
# 127.0.0.1 only (and a unix socket in DIR), trust auth for loopback only,
# superuser role "relais", database "relais". fsync=on unless RELAIS_PG_FAST=1.
# As root, runs PostgreSQL as the system user relais-pg (tools/setup.sh).
set -euo pipefail

BIN=/usr/lib/postgresql/15/bin
PG_USER=relais-pg
die() { echo "pg_cluster.sh: $*" >&2; exit 2; }
usage() { die "usage: $0 start DIR [PORT] | stop DIR [immediate]"; }

[ $# -ge 2 ] || usage
cmd=$1
dir=$2
# DIR goes into postgresql.conf and the socket path (sun_path: 107 bytes).
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
dir="${dir%/}"
[[ "$dir" =~ ^/[A-Za-z0-9/._-]*$ ]] || die "DIR refusé (seuls [A-Za-z0-9/._-]): $dir"
[ ${#dir} -le 90 ] || die "DIR trop long pour la socket unix (${#dir} > 90): $dir"
for b in initdb pg_ctl postgres; do
  [ -x "$BIN/$b" ] || die "$BIN/$b introuvable (paquet postgresql-15); correctif: bash tools/setup.sh"
done
as=()
if [ "$(id -u)" -eq 0 ]; then
  id "$PG_USER" >/dev/null 2>&1 ||
    die "utilisateur $PG_USER absent (PostgreSQL refuse root); correctif: bash tools/setup.sh"
  as=(runuser -u "$PG_USER" --)
fi
pg_ctl() { (cd "$dir" && "${as[@]}" "$BIN/pg_ctl" -D "$dir/data" -w -t 30 "$@" >>"$dir/commands.log" 2>&1); }

case "$cmd" in
  start)
    [ $# -le 3 ] || usage
    port=${3:-}
    if [ -n "$port" ]; then
      [[ "$port" =~ ^[0-9]{1,5}$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 65535 ] ||
        die "PORT doit être un entier entre 1024 et 65535: $port"
    fi
    case "${RELAIS_PG_FAST:-0}" in 0) fsync=on ;; 1) fsync=off ;;
      *) die "RELAIS_PG_FAST doit valoir 0 ou 1" ;; esac
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then die "DIR existe et n'est pas vide: $dir"; fi
      mkdir -p -m 0700 "$dir"
      [ ${#as[@]} -eq 0 ] || chown "$PG_USER:" "$dir"
      "${as[@]}" test -w "$dir" ||
        die "$dir inaccessible à $PG_USER (un répertoire parent n'est pas traversable)"
      (cd "$dir" && "${as[@]}" "$BIN/initdb" -D "$dir/data" -U relais -E UTF8 --locale=C \
        --auth=trust --no-sync --no-instructions >>"$dir/commands.log" 2>&1) ||
        { tail -n 20 "$dir/commands.log" >&2; die "initdb a échoué"; }
      printf '%s\n' "# relais: loopback only" "local all all trust" \
        "host all all 127.0.0.1/32 trust" >"$dir/data/pg_hba.conf"
      cat >>"$dir/data/postgresql.conf" <<CONF

# relais (tools/pg_cluster.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 64MB
fsync = $fsync
synchronous_commit = on
full_page_writes = on
logging_collector = off
log_line_prefix = '%m [%p] '
include_if_exists = 'relais_port.conf'
CONF
      created=1
    else
      created=0
      sed -i "s/^fsync = .*/fsync = $fsync/" "$dir/data/postgresql.conf"
    fi
    if [ "$created" = 0 ] && pg_ctl status; then  # already running: idempotent
      running=$(sed -n 's/^port = \([0-9]*\)$/\1/p' "$dir/data/relais_port.conf")
      [ -z "$port" ] || [ "$port" = "$running" ] || die "déjà démarré sur le port $running"
      echo "postgresql://relais@127.0.0.1:$running/relais"
      exit 0
    fi
    if [ -z "$port" ]; then
      port=$(sed -n 's/^port = \([0-9]*\)$/\1/p' "$dir/data/relais_port.conf" 2>/dev/null || true)
      [ -n "$port" ] || port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    fi
    echo "port = $port" >"$dir/data/relais_port.conf"
    chmod 0644 "$dir/data/relais_port.conf"
    pg_ctl -l "$dir/server.log" start ||
      { tail -n 20 "$dir/server.log" >&2; die "pg_ctl start a échoué (journal $dir/server.log)"; }
    if [ "$created" = 1 ]; then
      "$BIN/psql" -X -q -v ON_ERROR_STOP=1 "postgresql://relais@127.0.0.1:$port/postgres" \
        -c "CREATE DATABASE relais" >&2 || die "CREATE DATABASE relais a échoué"
    fi
    echo "postgresql://relais@127.0.0.1:$port/relais"
    ;;
  stop)
    [ $# -le 3 ] || usage
    mode=fast
    case "${3:-}" in "") ;; immediate) mode=immediate ;; *) usage ;; esac
    [ -f "$dir/data/PG_VERSION" ] || die "pas de cluster dans $dir"
    pg_ctl -m "$mode" stop || { tail -n 20 "$dir/commands.log" >&2; die "pg_ctl stop a échoué"; }
    ;;
  *) usage ;;
esac
