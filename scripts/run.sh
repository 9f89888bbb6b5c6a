#!/usr/bin/env bash
# The README's *run* command: build payd (Release) and run it on this machine with a private
# PostgreSQL cluster. Ctrl-C stops both.
#
#   ./scripts/run.sh
#
#   1. installs the missing Debian packages (scripts/deps.sh run; quiet when all is there)
#   2. builds build/release (CMake + Ninja, Release, ccache when present)
#   3. starts (or reuses) the PostgreSQL 15 cluster in .payd/pg (unix socket only)
#      and exports its URL as PAYD_DATABASE_URL
#   4. starts `payd --config etc/payd/payd.dev.yaml`, waits for /healthz, prints how to call it
#   5. on Ctrl-C (SIGINT/SIGTERM/SIGHUP): SIGTERM to payd, wait, stop the cluster, exit 0.
#      If payd exits by itself, the cluster is stopped and its exit code is returned.
#
# Environment: PAYD_CONFIG (default etc/payd/payd.dev.yaml), PAYD_BUILD_DIR (build/release),
# PAYD_CMAKE_ARGS (extra configure options, e.g. "-DPAYD_WERROR=OFF").
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { echo "run.sh: $*" >&2; }

config="${PAYD_CONFIG:-etc/payd/payd.dev.yaml}"
build_dir="${PAYD_BUILD_DIR:-build/release}"
state_dir="$root/.payd"          # ignored by git
pg_dir="$state_dir/pg"
pid_file="$state_dir/payd.pid"
mkdir -p "$state_dir"

scripts/deps.sh run

[[ -f "$config" ]] || { say "no config file $config"; exit 1; }

say "building $build_dir (Release)"
# shellcheck disable=SC2086  # PAYD_CMAKE_ARGS: extra -D options, split on spaces
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPAYD_BUILD_TESTS=OFF ${PAYD_CMAKE_ARGS:-} \
  > "$state_dir/configure.log" 2>&1 || { cat "$state_dir/configure.log" >&2; say "configure failed"; exit 1; }
cmake --build "$build_dir" --target payd payd_plugin_sandbox || { say "build failed"; exit 1; }

payd_bin="$build_dir/bin/payd"
[[ -x "$payd_bin" ]] || payd_bin="$(find "$build_dir" -type f -name payd -perm -u+x -print -quit)"
[[ -n "$payd_bin" && -x "$payd_bin" ]] || { say "payd was not built"; exit 1; }

# The address payd will listen on, from the listen: block of the config (for the banner
# and the health check).
listen_value() {  # listen_value KEY DEFAULT
  awk -v key="$1" '
    /^[^[:space:]#]/ { in_listen = ($0 ~ /^listen:/) }
    in_listen && $1 == key ":" { v = $2; gsub(/["'\'']/, "", v); print v; exit }
  ' "$config" | grep . || echo "$2"
}
address="$(listen_value address 127.0.0.1)"
port="$(listen_value port 8080)"
host="$address"
case "$host" in 0.0.0.0|'') host=127.0.0.1 ;; ::|'[::]') host='[::1]' ;; *:*) host="[$host]" ;; esac
base="http://$host:$port"

# A payd left running by an earlier run.sh that was killed outright: stop it.
if [[ -f "$pid_file" ]]; then
  old="$(cat "$pid_file" 2>/dev/null || true)"
  if [[ "$old" =~ ^[0-9]+$ ]] && kill -0 "$old" 2>/dev/null \
     && [[ "$(readlink "/proc/$old/exe" 2>/dev/null)" == */payd ]]; then
    say "stopping payd (pid $old) left by an earlier run"
    kill -TERM "$old" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pid_file"
fi

# Something else already answering there would be mistaken for our payd.
if curl -s -o /dev/null --max-time 1 "$base/healthz"; then
  say "something already listens on $base (another ./scripts/run.sh?); stop it first"
  exit 1
fi

# --- PostgreSQL ------------------------------------------------------------------------
PAYD_DATABASE_URL="$(scripts/pg.sh start "$pg_dir")"
export PAYD_DATABASE_URL

payd_pid=""
stopping=0
stop_pg() {
  scripts/pg.sh stop "$pg_dir" || say "could not stop PostgreSQL in $pg_dir"
}
stop_all() {  # stop_all EXIT_CODE
  local code="$1"
  trap - INT TERM HUP EXIT
  if [[ -n "$payd_pid" ]] && kill -0 "$payd_pid" 2>/dev/null; then
    kill -TERM "$payd_pid" 2>/dev/null || true
    # payd finishes in-flight requests (server.shutdown_grace, 10 s by default) and exits.
    for _ in $(seq 300); do kill -0 "$payd_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$payd_pid" 2>/dev/null; then
      say "payd (pid $payd_pid) did not stop within 30 s; killing it"
      kill -KILL "$payd_pid" 2>/dev/null || true
    fi
    local rc=0
    wait "$payd_pid" 2>/dev/null || rc=$?
    (( rc == 0 )) || say "payd exited with code $rc while stopping"
  fi
  rm -f "$pid_file"
  stop_pg
  exit "$code"
}
on_signal() { stopping=1; echo >&2; say "stopping payd and PostgreSQL"; stop_all 0; }
trap on_signal INT TERM HUP
trap 'stop_all 1' EXIT   # an unexpected error: still clean up

# --- schema and a demo key ---------------------------------------------------------------
"$payd_bin" migrate --config "$config" >&2
"$payd_bin" admin tenant create demo --config "$config" >/dev/null 2>&1 || true  # exists on re-runs
demo_key=$("$payd_bin" admin key create --tenant demo --mode test --name run.sh --json \
             --config "$config" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[[ -n "$demo_key" ]] || { say "could not create a demo API key"; exit 1; }

# --- payd ------------------------------------------------------------------------------
# In its own session: the terminal's Ctrl-C reaches only this script, which then sends
# payd exactly one SIGTERM; a terminal hangup would otherwise be a SIGHUP (= reload).
setsid "$payd_bin" --config "$config" &
payd_pid=$!
echo "$payd_pid" > "$pid_file"

ready=0
for _ in $(seq 300); do
  if ! kill -0 "$payd_pid" 2>/dev/null; then break; fi
  if curl -fs -o /dev/null --max-time 1 "$base/healthz"; then ready=1; break; fi
  sleep 0.1
done
if (( ! ready )); then
  if kill -0 "$payd_pid" 2>/dev/null; then
    say "payd did not answer $base/healthz within 30 s"
    stop_all 1
  fi
  rc=0; wait "$payd_pid" || rc=$?
  payd_pid=""
  say "payd exited with code $rc before it was ready"
  stop_all "$(( rc == 0 ? 1 : rc ))"
fi

cat >&2 <<EOF

  payd is running at $base  (pid $payd_pid, config $config)
  PostgreSQL: $PAYD_DATABASE_URL

  curl $base/healthz
  curl $base/readyz
  curl $base/metrics
  kill -HUP $payd_pid        # reload $config

  A test-mode API key for tenant "demo" (new each run; more with
  \`$payd_bin admin key create --tenant demo --mode test --config $config\`):

  KEY=$demo_key
  curl -s $base/api/v1/payments -H "Authorization: Bearer \$KEY" -H 'Content-Type: application/json' \\
       -H 'Idempotency-Key: demo-1' \\
       -d '{"amount":2000,"currency":"USD","capture_method":"manual","payment_method":"4242424242424242"}'
  curl -s -X POST $base/api/v1/payments/PAY_ID/capture -H "Authorization: Bearer \$KEY" \\
       -H 'Content-Type: application/json' -d '{"amount":1500}'
  curl -s $base/api/v1/refunds -H "Authorization: Bearer \$KEY" -H 'Content-Type: application/json' \\
       -d '{"payment_id":"PAY_ID","amount":500}'

  Press Ctrl-C to stop payd and PostgreSQL.

EOF

# Wait for payd; a signal interrupts `wait` and runs on_signal.
rc=0
wait "$payd_pid" || rc=$?
if (( ! stopping )); then
  payd_pid=""
  say "payd exited by itself with code $rc"
  stop_all "$rc"
fi
