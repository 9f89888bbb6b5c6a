#!/usr/bin/env bash
# healthz_vs_nginx.sh -- wrk against payd's GET /healthz beside nginx answering the same
# 15-byte JSON body, on this machine, with the same wrk threads/connections/duration.
#
#   bench/http/healthz_vs_nginx.sh [PAYD_BINARY]
#
# PAYD_BINARY (or $PAYD_BIN) defaults to build/release/bin/payd, which the README's run
# command builds. Build a Release binary first, e.g.
#   cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DPAYD_BUILD_TESTS=OFF
#   cmake --build build/release --target payd
#
# Servers, each started in the background with its own temporary config and stopped by PID:
#   nginx       daemon off, master + N workers, access_log off, return 200 '{"status":"ok"}'
#   payd        access_log: true  (the production default; lines go to a file)
#   payd-nolog  access_log: false
# Setups (SETUPS, default "shared pinned"):
#   shared  servers run SHARED_THREADS (2) threads / workers; wrk -t2; nobody pinned (wrk
#           and the server compete for the same cores -- equally for both, hence the ratio)
#   pinned  servers run 1 thread / worker on CPU 0 (taskset); wrk -t1 on CPU 1
# Every round runs wrk once per server, alternating, after one warm-up run per server.
#
# Environment: DURATION (seconds per run, 15), WARMUP (seconds, 3), CONNECTIONS (64),
# ROUNDS (3), SHARED_THREADS (2), SETUPS, OUT_DIR (default build/bench/healthz-<timestamp>),
# QUIET_PCT (10) / QUIET_WAIT (180): before each run, wait up to QUIET_WAIT seconds for the
# machine's CPU use to drop below QUIET_PCT percent (compilers next door skew everything);
# the CPU use seen just before each run is recorded in runs.tsv.
# Output: raw wrk output, runs.tsv (one line per run, with server CPU us per request),
# rss.tsv, summary.json and summary.txt (medians, ratios, RSS) in OUT_DIR, and the summary
# table on stdout. payd's access log goes to a temporary file (~450 MB per setup at
# 50k req/s), deleted after each setup.
# Loads stay on 127.0.0.1, are bounded by DURATION, and everything started is stopped on exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
payd_bin="${1:-${PAYD_BIN:-$root/build/release/bin/payd}}"
duration="${DURATION:-15}"
warmup="${WARMUP:-3}"
connections="${CONNECTIONS:-64}"
rounds="${ROUNDS:-3}"
shared_threads="${SHARED_THREADS:-2}"
setups="${SETUPS:-shared pinned}"
out_dir="${OUT_DIR:-$root/build/bench/healthz-$(date +%Y%m%d-%H%M%S)}"
quiet_pct="${QUIET_PCT:-10}"
quiet_wait="${QUIET_WAIT:-180}"
servers=(nginx payd payd-nolog)

say() { echo "healthz_vs_nginx: $*" >&2; }
die() { say "$*"; exit 1; }

[[ -x "$payd_bin" ]] || die "no payd binary at $payd_bin (pass it as the first argument)"
for tool in nginx wrk taskset curl ss; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ "$duration" =~ ^[0-9]+$ && "$warmup" =~ ^[0-9]+$ ]] || die "DURATION/WARMUP are seconds"
nginx_bin="$(command -v nginx)"
hz="$(getconf CLK_TCK)"

tmp="$(mktemp -d /tmp/payd-bench.XXXXXX)"
mkdir -p "$out_dir/raw"
pids=()

stop_pid() {  # SIGTERM, wait up to 5 s, then SIGKILL
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
stop_all() {
  local pid
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  pids=()
}
cleanup() { stop_all; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {  # a TCP port nobody listens on
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}

wait_http() {  # wait_http URL PID: until URL answers 200, or fail if PID died
  for _ in $(seq 100); do
    curl -sf -o /dev/null --max-time 1 "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

rss_kb() {  # VmRSS of PID plus its direct children (nginx workers), in KiB
  local total=0 p v
  for p in "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
    v="$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)"
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

cpu_ticks() {  # user + system clock ticks of PID and its direct children (nginx workers)
  local total=0 p v
  for p in "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
    v="$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || true)"
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

start_nginx() {  # start_nginx DIR PORT WORKERS CPU_PREFIX...; sets started (master PID)
  local dir="$1" port="$2" workers="$3"; shift 3
  mkdir -p "$dir/logs" "$dir/tmp"
  cat > "$dir/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type application/json;
      return 200 '{"status":"ok"}';
    }
  }
}
EOF
  "$@" "$nginx_bin" -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" \
    > "$dir/logs/stdout.log" 2>&1 &
  started=$!
  pids+=("$started")
}

start_payd() {  # start_payd DIR PORT THREADS ACCESS_LOG CPU_PREFIX...; sets started (PID)
  local dir="$1" port="$2" threads="$3" access_log="$4"; shift 4
  mkdir -p "$dir"
  cat > "$dir/payd.yaml" <<EOF
listen: {address: 127.0.0.1, port: $port}
server: {threads: $threads}
log: {level: info, access_log: $access_log}
EOF
  # JSON lines go to a file, as close to journald's pipe as a benchmark gets without
  # a consumer competing for the CPU.
  "$@" "$payd_bin" --config "$dir/payd.yaml" > "$dir/stdout.log" 2>&1 &
  started=$!
  pids+=("$started")
}

cpu_busy_pct() {  # share of all CPUs busy over the next second, in percent
  local a b
  read -r -a a < /proc/stat; sleep 1; read -r -a b < /proc/stat
  awk -v a="${a[*]}" -v b="${b[*]}" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    for (i = 2; i <= 9; i++) { t += y[i] - x[i]; if (i == 5 || i == 6) idle += y[i] - x[i] }
    printf "%d\n", (t > 0 ? 100 * (t - idle) / t : 0) }'
}

wait_quiet() {  # other work on the machine skews both servers: wait for it, up to QUIET_WAIT s
  local busy waited=0
  while busy="$(cpu_busy_pct)"; (( busy > quiet_pct && waited < quiet_wait )); do
    (( waited == 0 )) && say "  machine busy (${busy}% CPU) -- waiting up to ${quiet_wait}s"
    sleep 4; waited=$((waited + 5))
  done
  echo "$busy"
}

# wrk_run LABEL PORT SECONDS WRK_THREADS CPU_PREFIX... -> raw output in $out_dir/raw/LABEL.txt
wrk_run() {
  local label="$1" port="$2" secs="$3" wt="$4"; shift 4
  "$@" wrk -t"$wt" -c"$connections" -d"${secs}s" --latency \
    "http://127.0.0.1:$port/healthz" > "$out_dir/raw/$label.txt"
}

# parse_wrk FILE -> "rps p50_ms p99_ms socket_errors non2xx requests"
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Socket errors:/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { non2xx = $5 }
    / requests in / { requests = $1 }
    END { printf "%.2f %.3f %.3f %d %d %d\n", rps, p50, p99, err + 0, non2xx + 0, requests }
  ' "$1"
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "kernel: $(uname -r)"
  echo "payd: $("$payd_bin" --version)"
  echo "nginx: $("$nginx_bin" -v 2>&1)"
  echo "wrk: $(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}')"
  echo "duration: ${duration}s  warmup: ${warmup}s  connections: $connections  rounds: $rounds"
} | tee "$out_dir/machine.txt" >&2

printf 'setup\tserver\tround\trps\tp50_ms\tp99_ms\tsocket_errors\tnon2xx\trss_kb_during\tbusy_pct_before\tcpu_us_per_req\tserver_cpu_pct\n' \
  > "$out_dir/runs.tsv"
: > "$out_dir/rss.tsv"

for setup in $setups; do
  case "$setup" in
    shared) threads="$shared_threads"; wrk_threads=2; srv_cpu=(); wrk_cpu=() ;;
    pinned)
      (( $(nproc) >= 2 )) || die "the pinned setup needs 2 CPUs"
      threads=1; wrk_threads=1; srv_cpu=(taskset -c 0); wrk_cpu=(taskset -c 1) ;;
    *) die "unknown setup $setup (shared, pinned)" ;;
  esac
  say "setup $setup: servers $threads thread(s) ${srv_cpu[*]:-unpinned}," \
      "wrk -t$wrk_threads -c$connections ${wrk_cpu[*]:-unpinned}"

  declare -A port pid
  for s in "${servers[@]}"; do port[$s]="$(free_port)"; done
  start_nginx "$tmp/$setup/nginx" "${port[nginx]}" "$threads" "${srv_cpu[@]}"
  pid[nginx]="$started"
  start_payd "$tmp/$setup/payd" "${port[payd]}" "$threads" true "${srv_cpu[@]}"
  pid[payd]="$started"
  start_payd "$tmp/$setup/payd-nolog" "${port[payd-nolog]}" "$threads" false "${srv_cpu[@]}"
  pid[payd-nolog]="$started"
  for s in "${servers[@]}"; do
    wait_http "http://127.0.0.1:${port[$s]}/healthz" "${pid[$s]}" || die "$s did not start"
    curl -si "http://127.0.0.1:${port[$s]}/healthz" > "$out_dir/raw/$setup-$s-response.txt"
  done
  sleep 1
  for s in "${servers[@]}"; do
    printf '%s\t%s\tidle\t%s\n' "$setup" "$s" "$(rss_kb "${pid[$s]}")" >> "$out_dir/rss.tsv"
  done

  for s in "${servers[@]}"; do
    say "  warm-up $s (${warmup}s)"
    wrk_run "$setup-$s-warmup" "${port[$s]}" "$warmup" "$wrk_threads" "${wrk_cpu[@]}"
  done

  for round in $(seq "$rounds"); do
    for s in "${servers[@]}"; do
      busy="$(wait_quiet)"
      rss_file="$tmp/rss-during"
      rm -f "$rss_file"
      ( sleep $(( (duration + 1) / 2 )); rss_kb "${pid[$s]}" > "$rss_file" ) &
      sampler=$!
      ticks0="$(cpu_ticks "${pid[$s]}")"
      wrk_run "$setup-$s-r$round" "${port[$s]}" "$duration" "$wrk_threads" "${wrk_cpu[@]}"
      ticks1="$(cpu_ticks "${pid[$s]}")"
      wait "$sampler" || true
      read -r rps p50 p99 errs non2xx requests < <(parse_wrk "$out_dir/raw/$setup-$s-r$round.txt")
      # Server CPU time per request (robust against other load on the machine) and the
      # share of a core the server used during the run.
      read -r cpu_us cpu_pct < <(awk -v t="$((ticks1 - ticks0))" -v hz="$hz" -v n="$requests" \
        -v d="$duration" 'BEGIN { printf "%.1f %.0f\n", n ? t / hz * 1e6 / n : 0, 100 * t / hz / d }')
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$setup" "$s" "$round" "$rps" \
        "$p50" "$p99" "$errs" "$non2xx" "$(cat "$rss_file" 2>/dev/null || echo 0)" "$busy" \
        "$cpu_us" "$cpu_pct" >> "$out_dir/runs.tsv"
      say "  round $round $s: $rps req/s, p50 ${p50} ms, p99 ${p99} ms," \
          "${cpu_us} us CPU/request, server at ${cpu_pct}% of a core (machine ${busy}% busy before)"
    done
  done

  for s in "${servers[@]}"; do
    printf '%s\t%s\tafter\t%s\n' "$setup" "$s" "$(rss_kb "${pid[$s]}")" >> "$out_dir/rss.tsv"
    # Peak resident set (VmHWM) is per process; for nginx only its master's would show.
    [[ "$s" == nginx ]] && continue
    hwm="$(awk '/^VmHWM:/ {print $2}' "/proc/${pid[$s]}/status")"
    printf '%s\t%s\tpeak\t%s\n' "$setup" "$s" "$hwm" >> "$out_dir/rss.tsv"
  done
  lines="$(wc -l < "$tmp/$setup/payd/stdout.log")"
  say "  payd wrote $lines log lines ($(du -h "$tmp/$setup/payd/stdout.log" | cut -f1))"
  stop_all
  rm -rf "${tmp:?}/$setup"
  unset port pid
done

# Medians per setup and server, payd/nginx ratios, RSS -> summary.json and a table.
awk -F'\t' -v out="$out_dir/summary.json" -v rssf="$out_dir/rss.tsv" '
  function median(key, field,   n, i, j, t, a) {
    n = cnt[key]
    for (i = 1; i <= n; i++) a[i] = val[key, field, i]
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function ratio(a, b) { return b > 0 ? a / b : 0 }
  BEGIN {
    while ((getline line < rssf) > 0) { split(line, f, "\t"); rss[f[1], f[2], f[3]] = f[4] }
  }
  NR > 1 {
    key = $1 SUBSEP $2
    if (!(key in cnt)) { order[++nkeys] = key; if (!seen[$1]++) setups[++nsetups] = $1 }
    i = ++cnt[key]
    val[key, "rps", i] = $4; val[key, "p50", i] = $5; val[key, "p99", i] = $6
    val[key, "cpu", i] = $11
    errs[key] += $7 + $8
    if ($9 > during[key]) during[key] = $9
  }
  END {
    printf "%-7s %-11s %9s %8s %8s %8s %6s %9s %9s %10s\n", "setup", "server", "req/s",
           "p50 ms", "p99 ms", "CPU us/req", "errors", "RSS idle", "RSS load", "req/s ratio"
    printf "{\n  \"setups\": {\n" > out
    for (s = 1; s <= nsetups; s++) {
      st = setups[s]; nk = st SUBSEP "nginx"
      nr = median(nk, "rps"); n50 = median(nk, "p50"); n99 = median(nk, "p99")
      ncpu = median(nk, "cpu")
      printf "    \"%s\": {\n", st > out
      first = 1
      for (k = 1; k <= nkeys; k++) {
        split(order[k], kk, SUBSEP); if (kk[1] != st) continue
        sv = kk[2]; r = median(order[k], "rps"); p50 = median(order[k], "p50")
        p99 = median(order[k], "p99"); cpu = median(order[k], "cpu")
        label = sv == "nginx" ? "-" : sprintf("%.3f", ratio(r, nr))
        printf "%-7s %-11s %9.0f %8.3f %8.3f %10.1f %6d %7.1fMB %7.1fMB %10s\n", st, sv, r, p50,
               p99, cpu, errs[order[k]], rss[st, sv, "idle"] / 1024, during[order[k]] / 1024, label
        printf "%s      \"%s\": {\"rounds\": %d, \"rps\": %.2f, \"p50_ms\": %.3f, " \
               "\"p99_ms\": %.3f, \"cpu_us_per_request\": %.1f, \"errors\": %d, " \
               "\"rss_kb_idle\": %d, \"rss_kb_during_load\": %d, \"rss_kb_after_load\": %d, " \
               "\"rss_kb_peak\": %d, \"rps_ratio_vs_nginx\": %.3f, \"p50_ratio_vs_nginx\": %.3f, " \
               "\"p99_ratio_vs_nginx\": %.3f, \"cpu_per_request_ratio_vs_nginx\": %.3f}",
               first ? "" : ",\n", sv, cnt[order[k]], r, p50, p99, cpu, errs[order[k]],
               rss[st, sv, "idle"], during[order[k]], rss[st, sv, "after"], rss[st, sv, "peak"],
               ratio(r, nr), ratio(p50, n50), ratio(p99, n99), ratio(cpu, ncpu) > out
        first = 0
      }
      printf "\n    }%s\n", s < nsetups ? "," : "" > out
    }
    printf "  }\n}\n" > out
  }
' "$out_dir/runs.tsv" | tee "$out_dir/summary.txt"
echo "medians of $rounds rounds; ratio = payd req/s / nginx req/s (goal >= 0.8);" \
     "RSS for nginx is master + workers"
say "results in $out_dir (summary.txt, summary.json, runs.tsv, rss.tsv, raw/)"
