#!/usr/bin/env bash
# run_api_bench.sh -- issue #4: payd's create-payment and get-payment under wrk, each beside
# pgbench running the same SQL statements payd runs for that request (the database ceiling),
# on the same machine in the same run. Prints a markdown table: req/s, p50, p99 for payd and
# for pgbench, the payd/pgbench ratio (goal >= 0.70 for both), payd's RSS and CPU per request.
#
#   bench/run_api_bench.sh                       # ~5 min on 2 cores (both PostgreSQL modes)
#   BENCH_DURATION=3 BENCH_WARMUP=1 bench/run_api_bench.sh   # smoke run, ~1.5 min
#   PG_MODES=durable SCENARIOS=get bench/run_api_bench.sh
#
# What it does, by itself:
#   1. builds payd and the sandbox plugin, Release, in build/bench-api (configured with
#      -DCMAKE_BUILD_TYPE=Release -DPAYD_BUILD_TESTS=OFF -G Ninja when absent; -j2), unless
#      PAYD_BIN is given (then PLUGIN_DIR too, the folder holding sandbox.so);
#   2. per PostgreSQL mode (PG_MODES): a private cluster from scripts/pg.sh in a temporary
#      folder -- "durable" is `pg.sh start DIR` (fsync, synchronous_commit, full_page_writes
#      on: like production), "throwaway" is `pg.sh start --throwaway DIR` (no WAL flush: what
#      is left is CPU); `payd migrate`, a tenant and a test-mode key (`payd admin ... --json`);
#   3. payd on 127.0.0.1:<free port>, sandbox connector, log level warn (so no access log),
#      server.threads SERVER_THREADS, database.pool_size POOL_SIZE;
#   4. captures the SQL payd runs (ALTER SYSTEM SET log_statement = 'all' for one create and
#      one get by curl, then the same for one pgbench transaction of bench/sql/*.sql) and
#      checks that the pgbench scripts run exactly payd's statements in payd's transactions;
#      the list goes to OUT_DIR/sql-MODE.txt, a mismatch marks the run invalid (STRICT_SQL=1:
#      stop);
#   5. per scenario (SCENARIOS): VACUUM ANALYZE; CHECKPOINT, pgbench warm-up, CHECKPOINT,
#      pgbench measured (-n -M prepared -c POOL_SIZE -j PGBENCH_JOBS -T BENCH_DURATION -l:
#      p50/p99 from the per-transaction log); then the same for payd under wrk (-t WRK_THREADS
#      -c CONNECTIONS --latency --timeout 10s, bench/http/create_payment.lua or
#      get_payment.lua: any response other than 201/200, or a socket error, makes the run
#      invalid); payd's VmRSS/VmHWM and CPU per request after each wrk run, and PostgreSQL's
#      CPU per request on both sides (postmaster + backends, reaped ones included);
#   6. stops payd and PostgreSQL by PID (also on Ctrl-C or an error) and removes the
#      temporary folder. Results stay in OUT_DIR (summary.md, results.tsv, raw outputs).
#
# create-payment: POST /api/v1/payments {"amount":1000,"currency":"USD",
#   "payment_method":"4242424242424242"} with a new Idempotency-Key per request.
# get-payment: GET /api/v1/payments/{id} cycling over GET_PAYMENTS payments created first;
#   pgbench reads copies of those same rows (ids 10^18+1 .. 10^18+GET_PAYMENTS).
#
# Environment (defaults):
#   BENCH_DURATION (20: seconds per measured run)   BENCH_WARMUP (5)
#   POOL_SIZE (4: payd's database.pool_size = pgbench's clients)
#   SERVER_THREADS (2)   CONNECTIONS (16: wrk's)   WRK_THREADS (1)   PGBENCH_JOBS (1)
#   SCENARIOS ("create get")   PG_MODES ("durable throwaway")   GET_PAYMENTS (300)
#   BUILD_DIR (build/bench-api)   PAYD_CMAKE_ARGS (extra configure options, e.g.
#   "-DPAYD_WERROR=OFF"; re-configures)   PAYD_BIN / PLUGIN_DIR (use these, no build)
#   OUT_DIR (build/bench/api-<timestamp>)   STRICT_SQL (0)
#   QUIET_PCT (10) / QUIET_WAIT (120): before each mode, wait up to QUIET_WAIT s for the
#   machine's CPU use to drop below QUIET_PCT %.
# Needs wrk, pgbench, psql, curl (scripts/deps.sh bench) and python3. Everything listens on
# loopback or a unix socket only, and every wrk/pgbench run is bounded by `timeout`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

duration="${BENCH_DURATION:-20}"
warmup="${BENCH_WARMUP:-5}"
pool_size="${POOL_SIZE:-4}"
server_threads="${SERVER_THREADS:-2}"
connections="${CONNECTIONS:-16}"
wrk_threads="${WRK_THREADS:-1}"
pgbench_jobs="${PGBENCH_JOBS:-1}"
scenarios="${SCENARIOS:-create get}"
pg_modes="${PG_MODES:-durable throwaway}"
get_payments="${GET_PAYMENTS:-300}"
build_dir="${BUILD_DIR:-build/bench-api}"
out_dir="${OUT_DIR:-$root/build/bench/api-$(date +%Y%m%d-%H%M%S)}"
strict_sql="${STRICT_SQL:-0}"
quiet_pct="${QUIET_PCT:-10}"
quiet_wait="${QUIET_WAIT:-120}"
tool="$root/bench/http/api_bench_tool.py"

say() { echo "run_api_bench: $*" >&2; }
die() { say "$*"; exit 1; }

for n in "$duration" "$warmup" "$pool_size" "$server_threads" "$connections" "$wrk_threads" \
         "$pgbench_jobs" "$get_payments"; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "BENCH_DURATION, BENCH_WARMUP, POOL_SIZE, SERVER_THREADS," \
    "CONNECTIONS, WRK_THREADS, PGBENCH_JOBS and GET_PAYMENTS must be whole numbers"
done
(( duration >= 1 && pool_size >= 1 && connections >= 1 && get_payments >= 1 && wrk_threads >= 1 \
   && pgbench_jobs >= 1 )) \
  || die "BENCH_DURATION, POOL_SIZE, CONNECTIONS, WRK_THREADS, PGBENCH_JOBS and GET_PAYMENTS must be at least 1"
for s in $scenarios; do [[ "$s" == create || "$s" == get ]] || die "unknown scenario '$s'"; done
for m in $pg_modes; do [[ "$m" == durable || "$m" == throwaway ]] || die "unknown PG mode '$m'"; done

PG_BIN="${PAYD_PG_BIN:-/usr/lib/postgresql/15/bin}"
[[ -x "$PG_BIN/psql" ]] || PG_BIN="$(pg_config --bindir 2>/dev/null || true)"
psql_bin="$PG_BIN/psql"
pgbench_bin="$PG_BIN/pgbench"
[[ -x "$pgbench_bin" ]] || pgbench_bin="$(command -v pgbench || true)"
for t in wrk curl python3 timeout; do
  command -v "$t" >/dev/null || die "$t is not installed (scripts/deps.sh bench)"
done
[[ -x "$psql_bin" ]] || die "psql not found (postgresql-15: scripts/deps.sh run)"
[[ -n "$pgbench_bin" && -x "$pgbench_bin" ]] || die "pgbench not found (postgresql-15)"

# --- 1. payd, Release ------------------------------------------------------------------
payd_bin="${PAYD_BIN:-}"
plugin_dir="${PLUGIN_DIR:-}"
if [[ -z "$payd_bin" ]]; then
  mkdir -p "$build_dir"
  if [[ ! -f "$build_dir/build.ninja" || -n "${PAYD_CMAKE_ARGS:-}" ]]; then
    say "configuring $build_dir (Release)"
    # shellcheck disable=SC2086  # PAYD_CMAKE_ARGS: extra -D options, split on spaces
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPAYD_BUILD_TESTS=OFF \
      ${PAYD_CMAKE_ARGS:-} > "$build_dir/bench-configure.log" 2>&1 \
      || { cat "$build_dir/bench-configure.log" >&2; die "configure failed"; }
  fi
  grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build_dir/CMakeCache.txt" \
    || die "$build_dir is not a Release build"
  say "building payd and the sandbox plugin in $build_dir"
  cmake --build "$build_dir" --target payd payd_plugin_sandbox -j 2 > "$build_dir/bench-build.log" 2>&1 \
    || { tail -n 40 "$build_dir/bench-build.log" >&2
         grep -q -- '\[-Werror=' "$build_dir/bench-build.log" \
           && say "a warning stopped the build: PAYD_CMAKE_ARGS=-DPAYD_WERROR=OFF $0 builds anyway"
         die "build failed (log: $build_dir/bench-build.log)"; }
  payd_bin="$build_dir/bin/payd"
  plugin_dir="$build_dir/plugins"
fi
[[ -x "$payd_bin" ]] || die "no payd binary at $payd_bin"
[[ -n "$plugin_dir" && -f "$plugin_dir/sandbox.so" ]] || die "no sandbox.so in '${plugin_dir}' (set PLUGIN_DIR)"
payd_bin="$(cd "$(dirname "$payd_bin")" && pwd)/$(basename "$payd_bin")"
plugin_dir="$(cd "$plugin_dir" && pwd)"

mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
tmp="$(mktemp -d /tmp/payd-api-bench.XXXXXX)"
chmod 0755 "$tmp"   # pg.sh runs PostgreSQL as `postgres` when we are root

# --- cleanup: everything by PID ----------------------------------------------------------
payd_pid=""
pg_dirs=()
stop_payd() {
  [[ -n "$payd_pid" ]] || return 0
  if kill -0 "$payd_pid" 2>/dev/null; then
    kill -TERM "$payd_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$payd_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$payd_pid" 2>/dev/null; then
      say "payd (pid $payd_pid) did not stop within 10 s; killing it"
      kill -KILL "$payd_pid" 2>/dev/null || true
    fi
  fi
  wait "$payd_pid" 2>/dev/null || true
  payd_pid=""
}
cleanup() {
  local code=$?
  trap - EXIT INT TERM HUP
  if [[ -n "$child_pid" ]]; then   # a wrk or pgbench run (its `timeout` passes TERM on)
    kill -TERM "$child_pid" 2>/dev/null || true
    wait "$child_pid" 2>/dev/null || true
  fi
  stop_payd
  local d
  for d in "${pg_dirs[@]}"; do
    scripts/pg.sh stop "$d" || say "could not stop PostgreSQL in $d"
  done
  rm -rf "$tmp"
  exit "$code"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM HUP

# --- helpers ------------------------------------------------------------------------------
cpu_ticks() {  # "busy total" jiffies of all CPUs
  awk '/^cpu / { for (i = 2; i <= 9; i++) { t += $i; if (i == 5 || i == 6) idle += $i }
                 print t - idle, t }' /proc/stat
}
busy_pct_between() {  # busy_pct_between "BUSY TOTAL" "BUSY TOTAL"
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ")
    t = y[2] - x[2]; printf "%d\n", (t > 0 ? 100 * (y[1] - x[1]) / t : 0) }'
}
wait_quiet() {
  local a b busy waited=0
  while :; do
    a="$(cpu_ticks)"; sleep 1; b="$(cpu_ticks)"
    busy="$(busy_pct_between "$a" "$b")"
    (( busy > quiet_pct && waited < quiet_wait )) || break
    (( waited == 0 )) && say "machine busy (${busy}% CPU) -- waiting up to ${quiet_wait}s"
    sleep 4; waited=$((waited + 5))
  done
  echo "$busy"
}
proc_cpu_ticks() {  # utime+stime of one process (all its threads), in clock ticks
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
proc_sys_ticks() {  # stime alone
  awk '{ sub(/^.*\) /, ""); print $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
per_req_us() {  # per_req_us TICKS_OR_SECONDS UNIT(ticks|s) REQUESTS -> microseconds per request
  awk -v t="$1" -v u="$2" -v hz="$hz" -v n="$3" \
    'BEGIN { s = (u == "ticks" ? t / hz : t); printf "%.1f\n", (n > 0 ? s * 1e6 / n : 0) }'
}
children_cpu_s() {  # user+system CPU seconds of this shell's reaped children so far; call
  times > "$tmp/.times"   # it as `children_cpu_s > FILE`, never in $(...): a fork's `times`
                          # starts at zero
  awk 'NR == 2 { s = 0; for (k = 1; k <= 2; k++) { split($k, p, "m"); s += p[1] * 60 + p[2] }
                 print s }' "$tmp/.times"
}
client_cpu_s() { cat "$1" 2>/dev/null || echo 0; }
# run_bounded SECONDS OUTPUT CPUFILE COMMAND...: COMMAND under `timeout`, in the background
# so that a signal to this script is handled at once (cleanup stops it by PID); its output
# in OUTPUT, its user+system CPU seconds in CPUFILE; returns COMMAND's exit status.
child_pid=""
run_bounded() {
  local secs="$1" out="$2" cpu_file="$3" rc=0
  shift 3
  children_cpu_s > "$tmp/.cpu_before"
  timeout "$secs" "$@" > "$out" 2>&1 &
  child_pid=$!
  wait "$child_pid" || rc=$?
  child_pid=""
  children_cpu_s > "$tmp/.cpu_after"
  awk 'NR == FNR { a = $1; next } { printf "%.3f\n", $1 - a }' "$tmp/.cpu_before" \
    "$tmp/.cpu_after" > "$cpu_file"
  return "$rc"
}
pg_children() { pgrep -c -P "$1" || true; }
pg_settle() {  # pg_settle POSTMASTER N: wait (up to 5 s) until at most N children are left,
  local _     # so that the CPU of the backends pgbench used is in the postmaster's cutime
  for _ in $(seq 50); do (( $(pg_children "$1") <= $2 )) && return 0; sleep 0.1; done
}
pg_cpu_ticks() {  # the cluster's CPU so far: postmaster (+ reaped children) + live children
  local pm="$1" total=0 p t
  total="$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$pm/stat")"
  for p in $(pgrep -P "$pm" || true); do
    t="$(proc_cpu_ticks "$p")"; total=$((total + t))
  done
  echo "$total"
}
rss_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
hz="$(getconf CLK_TCK)"

# --- results file ------------------------------------------------------------------------
results="$out_dir/results.tsv"
printf 'mode\tscenario\tpayd_rps\tpayd_p50_us\tpayd_p99_us\tpgb_tps\tpgb_p50_us\tpgb_p99_us\trss_kb\thwm_kb\tpayd_cpu_us\tpg_cpu_payd_us\tpg_cpu_pgb_us\tbusy_payd\tbusy_pgb\tvalid\tpayd_sys_us\twrk_cpu_us\tpgbench_cpu_us\n' \
  > "$results"

say "payd $payd_bin; ${duration} s per measured run after ${warmup} s warm-up;" \
  "pool_size $pool_size = pgbench clients (-j $pgbench_jobs); wrk -t$wrk_threads -c$connections;" \
  "server.threads $server_threads; modes: $pg_modes; scenarios: $scenarios; output: $out_dir"
git -C "$root" rev-parse --short=12 HEAD > "$out_dir/commit.txt" 2>/dev/null || true
git -C "$root" status --short -- daemon plugins sdk > "$out_dir/uncommitted.txt" 2>/dev/null || true

run_mode() {  # run_mode durable|throwaway
  local mode="$1"
  local pg_dir="$tmp/pg-$mode" w="$tmp/$mode"
  mkdir -p "$w"
  local busy
  busy="$(wait_quiet)"
  say "[$mode] CPU use before: ${busy}%; starting PostgreSQL"

  local pg_args=()
  [[ "$mode" == throwaway ]] && pg_args=(--throwaway)
  pg_dirs+=("$pg_dir")
  local url
  url="$(scripts/pg.sh start "${pg_args[@]}" "$pg_dir")"
  local PGDATA SOCKDIR PORT
  # shellcheck disable=SC1091
  source "$pg_dir/cluster.env"
  local pg_log; pg_log="$(dirname "$PGDATA")/postgres.log"
  local pm_pid; pm_pid="$(head -n1 "$PGDATA/postmaster.pid")"
  local psql_su=("$psql_bin" -X -q -At -v ON_ERROR_STOP=1 -h "$SOCKDIR" -p "$PORT" -U postgres -d payd)
  local pgb_conn=(-h "$SOCKDIR" -p "$PORT" -U payd payd)
  "${psql_su[@]}" -F ' = ' -c "SELECT name, setting FROM pg_settings WHERE name IN
    ('fsync','synchronous_commit','full_page_writes','wal_sync_method','shared_buffers',
     'max_wal_size','checkpoint_timeout','server_version','max_connections') ORDER BY name" \
    > "$out_dir/pg-settings-$mode.txt"

  # --- schema, tenant, key, config ---
  local port; port="$(free_port)"
  local conf="$w/payd.yaml"
  cat > "$conf" <<EOF
listen: {address: 127.0.0.1, port: $port}
server: {threads: $server_threads, shutdown_grace: 3s}
log: {level: warn, format: json}
database: {url: "$url", pool_size: $pool_size}
plugins: {dir: "$plugin_dir"}
connectors:
  - id: sandbox
    plugin: sandbox
    mode: test
    required: true
    config: {webhook_secret: whsec_api_bench_not_a_secret}
EOF
  # More configuration (top-level sections), e.g. the rate limits of the security benchmark.
  if [[ -n "${PAYD_EXTRA_YAML:-}" ]]; then printf '%s\n' "$PAYD_EXTRA_YAML" >> "$conf"; fi
  cp "$conf" "$out_dir/payd-$mode.yaml"
  "$payd_bin" migrate --config "$conf" > /dev/null
  local tenant_json key_json tenant_id key key_lookup
  tenant_json="$("$payd_bin" admin tenant create bench --config "$conf" --json)"
  key_json="$("$payd_bin" admin key create --tenant bench --mode test --name api-bench --json --config "$conf")"
  tenant_id="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$tenant_json")"
  key="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["key"])' "$key_json")"
  key_lookup="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["lookup"])' "$key_json")"

  # --- payd ---
  setsid "$payd_bin" --config "$conf" > "$out_dir/payd-$mode.log" 2>&1 &
  payd_pid=$!
  local base="http://127.0.0.1:$port" ready=0
  for _ in $(seq 300); do
    kill -0 "$payd_pid" 2>/dev/null || break
    if curl -fs -o /dev/null --max-time 1 "$base/readyz"; then ready=1; break; fi
    sleep 0.1
  done
  (( ready )) || { tail -n 20 "$out_dir/payd-$mode.log" >&2; die "[$mode] payd did not become ready"; }
  say "[$mode] payd pid $payd_pid on $base, VmRSS idle $(rss_kb "$payd_pid" VmRSS) kB"

  local body='{"amount":1000,"currency":"USD","payment_method":"4242424242424242"}'
  local auth="Authorization: Bearer $key"
  mark() { "${psql_su[@]}" -c "SELECT 'payd-bench-mark:$1'" > /dev/null; }
  log_all() {  # log_all on|off
    if [[ "$1" == on ]]; then
      "${psql_su[@]}" -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" > /dev/null
    else
      "${psql_su[@]}" -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" > /dev/null
    fi
    sleep 0.3   # every backend applies the reload at its next command
  }

  # --- 4a. payd's statements for one create and one get ---
  log_all on
  mark payd-create
  local status
  status="$(curl -s -o "$w/created.json" -w '%{http_code}' "$base/api/v1/payments" -H "$auth" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: capture-$mode" -d "$body")"
  [[ "$status" == 201 ]] || { cat "$w/created.json" >&2; die "[$mode] create answered $status"; }
  local pay_id
  pay_id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$w/created.json")"
  sleep 0.2
  mark payd-get
  status="$(curl -s -o "$w/got.json" -w '%{http_code}' "$base/api/v1/payments/$pay_id" -H "$auth")"
  [[ "$status" == 200 ]] || { cat "$w/got.json" >&2; die "[$mode] get answered $status"; }
  sleep 0.2
  mark payd-end
  log_all off

  # --- seed payments for get-payment: through payd, then copies for pgbench ---
  local seed_tag="seed-$mode-$$"
  {
    local i
    for (( i = 1; i <= get_payments; i++ )); do
      printf 'url = "%s/api/v1/payments"\nheader = "%s"\nheader = "Content-Type: application/json"\n' "$base" "$auth"
      printf 'header = "Idempotency-Key: %s-%d"\ndata = "%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
        "$seed_tag" "$i" "${body//\"/\\\"}"
      if (( i < get_payments )); then printf 'next\n'; fi
    done
  } > "$w/seed.curl"
  curl -s -K "$w/seed.curl" > "$w/seed.status" || true
  local seeded; seeded="$(grep -c '^201$' "$w/seed.status" || true)"
  [[ "$seeded" == "$get_payments" ]] \
    || die "[$mode] seeding: $seeded of $get_payments creates answered 201 ($(sort "$w/seed.status" | uniq -c | tr '\n' ' '))"
  "${psql_su[@]}" -c "SELECT resource_id FROM idempotency_keys WHERE key LIKE '$seed_tag-%' ORDER BY resource_id" \
    > "$w/get_ids.txt"
  [[ "$(wc -l < "$w/get_ids.txt")" == "$get_payments" ]] || die "[$mode] could not read the seeded ids"
  "${psql_su[@]}" > /dev/null <<SQL
BEGIN;
CREATE TEMP TABLE bench_src ON COMMIT DROP AS
  SELECT resource_id AS id, (1000000000000000000 + row_number() OVER (ORDER BY resource_id))::text AS copy_id
  FROM idempotency_keys WHERE key LIKE '$seed_tag-%';
CREATE TEMP TABLE bench_p ON COMMIT DROP AS SELECT p.* FROM payments p JOIN bench_src s USING (id);
UPDATE bench_p SET id = s.copy_id FROM bench_src s WHERE bench_p.id = s.id;
CREATE TEMP TABLE bench_a ON COMMIT DROP AS
  SELECT a.* FROM payment_attempts a JOIN bench_src s ON a.payment_id = s.id;
UPDATE bench_a SET payment_id = s.copy_id, id = 'copy_' || bench_a.id FROM bench_src s
  WHERE bench_a.payment_id = s.id;
INSERT INTO payments SELECT * FROM bench_p;
INSERT INTO payment_attempts SELECT * FROM bench_a;
COMMIT;
SQL

  # --- pgbench's variables: payd's parameter values ---
  local now_us; now_us="$(date +%s%6N)"
  local routing='{"why": "first candidate of rule default", "rule": "default", "chosen": "sandbox", "skipped": [], "candidates": ["sandbox"], "failover_on_decline": false}'
  local pgb_create_vars=(
    -D "tenant_id=$tenant_id" -D "key_lookup=$key_lookup" -D mode=test
    -D fingerprint=af84593dc895a959eb251dc9d0df685746df40890c5c43f809ac0bf8e5e5e041
    -D method=POST -D path=/api/v1/payments
    -D status_processing=processing -D amount=1000 -D currency=USD -D capture_method=automatic
    -D zero=0 -D 'pm_types={card}' -D 'pm_summary={"type": "card", "last4": "4242"}'
    -D connector=sandbox -D 'metadata={}' -D 'line_items=[]' -D 'plugin_state_new={}'
    -D "expires_s=$(( now_us / 1000000 + 3600 ))" -D seq=0
    -D operation=authorize -D "routing=$routing" -D event_created=payment.created -D object_type=payment
    -D 'event_created_data={"amount": 1000, "status": "processing", "currency": "USD", "connector": "sandbox", "amount_received": 0, "amount_refunded": 0}'
    -D job_kind=sync_payment -D job_delay_s=120
    -D 'audit_actor=api_key:sk_test_…bnch' -D audit_outcome=success -D audit_ip=127.0.0.0
    -D audit_ua=wrk -D 'audit_details={"mode": "test", "amount": 1000, "currency": "USD"}'
    -D audit_hash=8c1f5d0c3e4b9a7f6e2d1c0b9a8f7e6d5c4b3a29180716253443526170819203
    -D outcome=processed -D latency_us=150 -D status_succeeded=succeeded
    -D 'plugin_state_done={"status": "succeeded"}' -D event_succeeded=payment.succeeded
    -D 'event_succeeded_data={"amount": 1000, "status": "succeeded", "currency": "USD", "connector": "sandbox", "amount_received": 1000, "amount_refunded": 0}'
    -D response_status=201 -D 'response_headers=[["Content-Type", "application/json"]]'
    -D "response_body=$(cat "$w/created.json")"
  )
  local pgb_get_vars=(-D "tenant_id=$tenant_id" -D "key_lookup=$key_lookup" -D mode=test
                      -D "nids=$get_payments")

  # --- 4b. pgbench's statements for one transaction of each script; compare ---
  log_all on
  mark pgbench-create
  "$pgbench_bin" -n -M prepared -c 1 -j 1 -t 1 -f bench/sql/create_payment.sql \
    "${pgb_create_vars[@]}" -D "t0_us=$(date +%s%6N)" "${pgb_conn[@]}" > "$w/pgb-check-create.txt" 2>&1 \
    || { cat "$w/pgb-check-create.txt" >&2; die "[$mode] pgbench create_payment.sql failed"; }
  mark pgbench-get
  "$pgbench_bin" -n -M prepared -c 1 -j 1 -t 1 -f bench/sql/get_payment.sql \
    "${pgb_get_vars[@]}" "${pgb_conn[@]}" > "$w/pgb-check-get.txt" 2>&1 \
    || { cat "$w/pgb-check-get.txt" >&2; die "[$mode] pgbench get_payment.sql failed"; }
  mark pgbench-end
  log_all off
  local sql_verdict
  sql_verdict="$(python3 "$tool" sql-check "$pg_log" "$out_dir" "$mode")"
  say "[$mode] sql check: $sql_verdict (payd's statements: $out_dir/sql-$mode.txt)"
  if [[ "$sql_verdict" == *MISMATCH* ]]; then
    sed -n '/^!!/,/^$/p' "$out_dir/sql-$mode.txt" >&2
    [[ "$strict_sql" == 1 ]] && die "[$mode] bench/sql does not match payd (STRICT_SQL=1)"
  fi

  # --- 5. scenarios ---
  local scenario
  for scenario in $scenarios; do
    local sql_file="bench/sql/${scenario}_payment.sql" lua="bench/http/${scenario}_payment.lua"
    local vars=() wrk_args=()
    if [[ "$scenario" == create ]]; then
      vars=("${pgb_create_vars[@]}"); wrk_args=("$key")
    else
      vars=("${pgb_get_vars[@]}"); wrk_args=("$key" "$w/get_ids.txt")
    fi
    local valid=yes
    [[ "$sql_verdict" == *"$scenario ok"* ]] || valid="no: bench/sql differs from payd"
    "${psql_su[@]}" -c "VACUUM ANALYZE" > /dev/null

    # pgbench: the ceiling
    "${psql_su[@]}" -c CHECKPOINT > /dev/null
    if (( warmup > 0 )); then
      run_bounded $(( warmup + 60 )) "$out_dir/pgbench-$mode-$scenario-warmup.txt" /dev/null \
        "$pgbench_bin" -n -M prepared -c "$pool_size" -j "$pgbench_jobs" -T "$warmup" \
        -f "$sql_file" "${vars[@]}" -D "t0_us=$(date +%s%6N)" "${pgb_conn[@]}" \
        || { cat "$out_dir/pgbench-$mode-$scenario-warmup.txt" >&2; die "[$mode] pgbench warm-up failed"; }
    fi
    "${psql_su[@]}" -c CHECKPOINT > /dev/null
    local pg_before pg_after c_before c_after
    local pg_base; pg_base="$(pg_children "$pm_pid")"   # payd's connections + background
    pg_before="$(pg_cpu_ticks "$pm_pid")"; c_before="$(cpu_ticks)"
    local pgb_rc=0
    run_bounded $(( duration + 60 )) "$out_dir/pgbench-$mode-$scenario.txt" "$w/time-pgbench" \
      "$pgbench_bin" -n -M prepared -c "$pool_size" -j "$pgbench_jobs" -T "$duration" \
      -l --log-prefix="$w/pgblog-$scenario" -f "$sql_file" "${vars[@]}" \
      -D "t0_us=$(date +%s%6N)" "${pgb_conn[@]}" || pgb_rc=$?
    c_after="$(cpu_ticks)"
    pg_settle "$pm_pid" "$pg_base"
    pg_after="$(pg_cpu_ticks "$pm_pid")"
    local busy_pgb; busy_pgb="$(busy_pct_between "$c_before" "$c_after")"
    local pgb_out="$out_dir/pgbench-$mode-$scenario.txt"
    local pgb_tps pgb_failed pgb_n pgb_pct
    pgb_tps="$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$pgb_out")"
    pgb_failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$pgb_out")"
    pgb_pct="$(python3 "$tool" pgbench-pct "$w/pgblog-$scenario")"
    pgb_n="${pgb_pct##* }"
    rm -f "$w"/pgblog-"$scenario".*
    if (( pgb_rc != 0 )) || [[ -z "$pgb_tps" || "${pgb_failed:-1}" != 0 ]]; then
      valid="no: pgbench failed (exit $pgb_rc, see pgbench-$mode-$scenario.txt)"
      tail -n 5 "$pgb_out" >&2
    fi
    local pg_cpu_pgb pgbench_cpu
    pg_cpu_pgb="$(per_req_us $(( pg_after - pg_before )) ticks "${pgb_n:-0}")"
    pgbench_cpu="$(per_req_us "$(client_cpu_s "$w/time-pgbench")" s "${pgb_n:-0}")"
    say "[$mode] $scenario pgbench: ${pgb_tps:-?} tps, p50/p99 ${pgb_pct% *} us, CPU busy ${busy_pgb}%"

    # payd under wrk
    "${psql_su[@]}" -c CHECKPOINT > /dev/null
    if (( warmup > 0 )); then
      run_bounded $(( warmup + 60 )) "$out_dir/wrk-$mode-$scenario-warmup.txt" /dev/null \
        wrk -t"$wrk_threads" -c"$connections" -d"${warmup}s" --timeout 10s \
        -s "$lua" "$base" -- "${wrk_args[@]}" "warmup-$mode-$$" \
        || { cat "$out_dir/wrk-$mode-$scenario-warmup.txt" >&2; die "[$mode] wrk warm-up failed"; }
    fi
    "${psql_su[@]}" -c CHECKPOINT > /dev/null
    local payd_before payd_after sys_before sys_after
    pg_before="$(pg_cpu_ticks "$pm_pid")"; c_before="$(cpu_ticks)"
    payd_before="$(proc_cpu_ticks "$payd_pid")"; sys_before="$(proc_sys_ticks "$payd_pid")"
    local wrk_rc=0
    run_bounded $(( duration + 60 )) "$out_dir/wrk-$mode-$scenario.txt" "$w/time-wrk" \
      wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --timeout 10s --latency \
      -s "$lua" "$base" -- "${wrk_args[@]}" "run-$mode-$$" || wrk_rc=$?
    payd_after="$(proc_cpu_ticks "$payd_pid")"; sys_after="$(proc_sys_ticks "$payd_pid")"
    pg_after="$(pg_cpu_ticks "$pm_pid")"; c_after="$(cpu_ticks)"
    local busy_payd; busy_payd="$(busy_pct_between "$c_before" "$c_after")"
    local rss hwm; rss="$(rss_kb "$payd_pid" VmRSS)"; hwm="$(rss_kb "$payd_pid" VmHWM)"
    local wrk_out="$out_dir/wrk-$mode-$scenario.txt"
    local line rps p50 p99 n_req unexpected sock_err
    line="$(grep '^payd-bench: requests=' "$wrk_out" || true)"
    rps="$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$wrk_out")"
    n_req="$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")"
    unexpected="$(sed -n 's/.* unexpected=\([0-9]*\).*/\1/p' <<<"$line")"
    sock_err="$(sed -n 's/.* socket_errors=\([0-9]*\).*/\1/p' <<<"$line")"
    p50="$(sed -n 's/.* p50_us=\([0-9.]*\).*/\1/p' <<<"$line")"
    p99="$(sed -n 's/.* p99_us=\([0-9.]*\).*/\1/p' <<<"$line")"
    if (( wrk_rc != 0 )) || [[ -z "$line" || -z "$rps" ]]; then
      valid="no: wrk failed (exit $wrk_rc, see wrk-$mode-$scenario.txt)"
    elif [[ "$unexpected" != 0 || "$sock_err" != 0 ]]; then
      valid="no: $unexpected unexpected responses, $sock_err socket errors"
      grep '^payd-bench:' "$wrk_out" >&2 || true
    fi
    local payd_cpu payd_sys pg_cpu_payd wrk_cpu
    payd_cpu="$(per_req_us $(( payd_after - payd_before )) ticks "${n_req:-0}")"
    payd_sys="$(per_req_us $(( sys_after - sys_before )) ticks "${n_req:-0}")"
    pg_cpu_payd="$(per_req_us $(( pg_after - pg_before )) ticks "${n_req:-0}")"
    wrk_cpu="$(per_req_us "$(client_cpu_s "$w/time-wrk")" s "${n_req:-0}")"
    say "[$mode] $scenario payd: ${rps:-?} req/s, p50/p99 ${p50:-?}/${p99:-?} us," \
      "VmRSS ${rss} kB, CPU busy ${busy_payd}%; $valid"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
      "$mode" "${scenario}-payment" "${rps:-nan}" "${p50:-nan}" "${p99:-nan}" "${pgb_tps:-nan}" \
      "${pgb_pct%% *}" "$(cut -d' ' -f2 <<<"$pgb_pct")" "$rss" "$hwm" "$payd_cpu" \
      "$pg_cpu_payd" "$pg_cpu_pgb" "$busy_payd" "$busy_pgb" "$valid" "$payd_sys" "$wrk_cpu" \
      "$pgbench_cpu" >> "$results"
  done

  stop_payd
  scripts/pg.sh stop "$pg_dir"
  cp "$pg_log" "$out_dir/postgres-$mode.log" 2>/dev/null || true
}

for m in $pg_modes; do
  run_mode "$m"
done

{
  echo "payd $(cat "$out_dir/commit.txt" 2>/dev/null)$( [[ -s "$out_dir/uncommitted.txt" ]] && echo ' + uncommitted changes')," \
    "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs; ${duration} s per run after ${warmup} s warm-up;" \
    "payd server.threads $server_threads, pool_size $pool_size; pgbench -M prepared -c $pool_size -j $pgbench_jobs;" \
    "wrk -t$wrk_threads -c$connections"
  echo
  python3 "$tool" table "$results"
  echo
  python3 "$tool" cpu-table "$results"
} | tee "$out_dir/summary.md"
say "raw output in $out_dir"
