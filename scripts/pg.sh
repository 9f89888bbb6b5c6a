#!/usr/bin/env bash
# A private PostgreSQL 15 cluster in a directory of your choice, for development and tests.
#
#   scripts/pg.sh start [--throwaway] [--port N] DIR   create (first time) and start; prints the URL
#   scripts/pg.sh stop DIR                             fast shutdown, by the postmaster's PID
#   scripts/pg.sh url DIR                              prints the libpq URL of database `payd`
#   scripts/pg.sh status DIR                           exit 0 when running, 3 when not
#
# Layout of DIR:  data/ (PGDATA)  run/ (unix socket)  postgres.log  cluster.env
# The cluster listens on a unix socket inside DIR only (listen_addresses=''); `--port N`
# additionally listens on 127.0.0.1:N. Local connections are trusted: the socket directory
# is private to the cluster's owner (and root), and the TCP port is for development only.
# `--throwaway` turns off fsync/full_page_writes/synchronous_commit (test clusters only:
# a crash can corrupt such a cluster). Starting a DIR that already holds a cluster reuses it,
# and starting a running cluster is a no-op that prints the URL again.
#
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system
# user (created by the postgresql-15 package; override with PAYD_PG_USER) and DIR is chowned
# to it. If that user cannot reach DIR (a checkout under /root, which is 0700), the data
# lives in /var/lib/payd-dev/<hash> instead and DIR records where.
# The URL looks like: postgresql:///payd?host=/abs/DIR/run&user=payd
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }
usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

PG_BIN="${PAYD_PG_BIN:-/usr/lib/postgresql/15/bin}"
[[ -x "$PG_BIN/postgres" ]] || PG_BIN="$(pg_config --bindir 2>/dev/null || true)"
[[ -n "$PG_BIN" && -x "$PG_BIN/postgres" ]] \
  || die "PostgreSQL 15 server not found (install postgresql-15: scripts/deps.sh run)"

DB_NAME=payd
DB_USER=payd

cmd="${1:-}"; shift || true
throwaway=0
port=""
dir=""
while (( $# )); do
  case "$1" in
    --throwaway) throwaway=1 ;;
    --port) port="${2:?--port needs a number}"; shift ;;
    --port=*) port="${1#--port=}" ;;
    -h|--help) usage ;;
    -*) die "unknown option $1" ;;
    *) [[ -z "$dir" ]] || die "one DIR only"; dir="$1" ;;
  esac
  shift
done
[[ -n "$cmd" && -n "$dir" ]] || usage
if [[ -n "$port" ]]; then
  if ! [[ "$port" =~ ^[0-9]{1,5}$ ]] || (( port < 1 || port > 65535 )); then
    die "--port must be 1-65535"
  fi
fi

# --- who runs the server --------------------------------------------------------------
as_owner=()
if (( EUID == 0 )); then
  pg_user="${PAYD_PG_USER:-postgres}"
  id -u "$pg_user" >/dev/null 2>&1 \
    || die "user '$pg_user' does not exist (install postgresql-15, or set PAYD_PG_USER)"
  as_owner=(runuser -u "$pg_user" --)
else
  pg_user="$(id -un)"
fi
# Everything runs from / so that initdb/pg_ctl can always resolve their working directory.
run_as_owner() { (cd / && "${as_owner[@]}" "$@"); }

# --- paths ----------------------------------------------------------------------------
mkdir -p "$dir"
dir="$(cd "$dir" && pwd -P)"
envfile="$dir/cluster.env"

# cluster.env remembers where things are: PGDATA, SOCKDIR, PORT (written at creation).
PGDATA=""; SOCKDIR=""; PORT=""
if [[ -f "$envfile" ]]; then
  # shellcheck disable=SC1090
  source "$envfile"
fi

choose_locations() {
  local hash
  hash="$(printf '%s' "$dir" | cksum | cut -d' ' -f1)"
  PGDATA="$dir/data"
  if (( EUID == 0 )); then
    chown "$pg_user:" "$dir"
    chmod 0700 "$dir"
    if ! run_as_owner test -w "$dir" -a -x "$dir"; then
      # The server user cannot traverse a parent of DIR (e.g. /root is 0700).
      PGDATA="/var/lib/payd-dev/$hash/data"
      mkdir -p "/var/lib/payd-dev/$hash"
      chmod 0755 /var/lib/payd-dev
      chown "$pg_user:" "/var/lib/payd-dev/$hash"
      chmod 0700 "/var/lib/payd-dev/$hash"
      echo "pg.sh: '$pg_user' cannot reach $dir; cluster data lives in ${PGDATA%/data}" >&2
    fi
  fi
  SOCKDIR="$(dirname "$PGDATA")/run"
  # A unix socket path must fit in 107 bytes: "<SOCKDIR>/.s.PGSQL.<port>".
  if (( ${#SOCKDIR} > 80 )); then
    SOCKDIR="/tmp/payd-pg-$hash"
  fi
}

write_env() {
  {
    printf 'PGDATA=%q\n' "$PGDATA"
    printf 'SOCKDIR=%q\n' "$SOCKDIR"
    printf 'PORT=%q\n' "${PORT:-5432}"
  } > "$envfile"
  chmod 0644 "$envfile"
}

urlencode() {
  local s="$1" out="" c i
  for (( i = 0; i < ${#s}; i++ )); do
    c="${s:i:1}"
    case "$c" in
      [A-Za-z0-9/._~-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

url() {
  local u
  u="postgresql:///$DB_NAME?host=$(urlencode "$SOCKDIR")"
  [[ "${PORT:-5432}" == 5432 ]] || u+="&port=$PORT"
  printf '%s&user=%s\n' "$u" "$DB_USER"
}


# kill -0 also succeeds on a zombie, and an init that does not reap (some containers)
# leaves the exited postmaster as one: a zombie counts as stopped.
alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [[ "$state" != Z && "$state" != X ]]
}

postmaster_pid() {
  [[ -f "$PGDATA/postmaster.pid" ]] && head -n1 "$PGDATA/postmaster.pid" || true
}

# Not `pg_ctl status`: it takes a zombie postmaster for a running one.
is_running() {
  [[ -n "$PGDATA" && -f "$PGDATA/PG_VERSION" ]] || return 1
  local pid
  pid="$(postmaster_pid)"
  [[ -n "$pid" ]] && alive "$pid"
}

psql_admin() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKDIR" -p "${PORT:-5432}" -U postgres -d postgres "$@"
}

do_start() {
  if [[ -z "$PGDATA" ]]; then
    choose_locations
  fi
  PORT="${port:-${PORT:-5432}}"

  if is_running; then
    url
    return 0
  fi

  mkdir -p "$(dirname "$PGDATA")" "$SOCKDIR"
  if (( EUID == 0 )); then
    chown "$pg_user:" "$(dirname "$PGDATA")" "$SOCKDIR"
  fi
  chmod 0700 "$SOCKDIR"

  if [[ ! -f "$PGDATA/PG_VERSION" ]]; then
    rm -rf "$PGDATA"
    if ! run_as_owner "$PG_BIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C \
          --auth-local=trust --auth-host=trust --no-instructions \
          > "$dir/initdb.log" 2>&1; then
      cat "$dir/initdb.log" >&2
      die "initdb failed (log above, also in $dir/initdb.log)"
    fi
    echo "include_if_exists = 'payd.conf'" >> "$PGDATA/postgresql.conf"
  fi
  write_env

  # Settings that may change between starts (port, throwaway) live in payd.conf.
  {
    echo "# written by scripts/pg.sh on every start"
    if [[ -n "$port" ]]; then
      echo "listen_addresses = '127.0.0.1'"
    else
      echo "listen_addresses = ''"
    fi
    echo "port = ${PORT}"
    echo "unix_socket_directories = '$SOCKDIR'"
    echo "max_connections = 200"
    echo "logging_collector = off"
    if (( throwaway )); then
      echo "fsync = off"
      echo "full_page_writes = off"
      echo "synchronous_commit = off"
    fi
  } > "$PGDATA/payd.conf"
  if (( EUID == 0 )); then chown "$pg_user:" "$PGDATA/payd.conf"; fi

  # A postmaster.pid left by a killed server whose PID is gone would stop the start.
  local pid
  pid="$(postmaster_pid)"
  if [[ -n "$pid" ]] && ! alive "$pid"; then
    rm -f "$PGDATA/postmaster.pid"
  fi
  # Same for the socket lock file (postgres itself takes a zombie's PID for a live one).
  local lock
  for lock in "$SOCKDIR"/.s.PGSQL.*.lock; do
    [[ -f "$lock" ]] || continue
    pid="$(head -n1 "$lock" 2>/dev/null || true)"
    if [[ -z "$pid" ]] || ! alive "$pid"; then rm -f "$lock" "${lock%.lock}"; fi
  done

  local log
  log="$(dirname "$PGDATA")/postgres.log"
  if (( EUID == 0 )); then
    touch "$log" && chown "$pg_user:" "$log"
  fi
  if ! run_as_owner "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$log" -w -t 60 start >/dev/null; then
    tail -n 30 "$log" >&2 || true
    die "PostgreSQL did not start (log: $log)"
  fi

  # Role and database, idempotently.
  if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != 1 ]]; then
    psql_admin -c "CREATE ROLE $DB_USER LOGIN CREATEDB"
  fi
  if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]]; then
    psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
  fi
  url
}

do_stop() {
  [[ -n "$PGDATA" && -f "$PGDATA/PG_VERSION" ]] || return 0
  local pid
  pid="$(postmaster_pid)"
  [[ -n "$pid" ]] || return 0
  if ! alive "$pid"; then
    rm -f "$PGDATA/postmaster.pid"
    return 0
  fi
  # pg_ctl stop -m fast signals the PID in postmaster.pid (SIGINT) and waits.
  if ! run_as_owner "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
    kill -QUIT "$pid" 2>/dev/null || true   # immediate shutdown
    for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
  fi
  if alive "$pid"; then
    die "PostgreSQL (pid $pid) did not stop"
  fi
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  url)
    [[ -n "$PGDATA" ]] || die "no cluster in $dir (run: pg.sh start $dir)"
    url ;;
  status)
    if is_running; then echo "running (pid $(postmaster_pid)): $(url)"; exit 0; fi
    echo "not running"; exit 3 ;;
  *) usage ;;
esac
