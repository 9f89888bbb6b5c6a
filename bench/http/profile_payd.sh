#!/usr/bin/env bash
# profile_payd.sh -- where payd's CPU time goes while wrk hammers GET /healthz.
#
#   bench/http/profile_payd.sh [PAYD_BINARY]
#
# Starts payd with 1 thread on CPU 0 (access log on, or off with ACCESS_LOG=false), runs
# wrk -t1 -c64 on CPU 1, samples payd with `perf record -e cpu-clock --call-graph dwarf`
# (software clock: works in VMs without hardware counters) and sorts every sample into a
# bucket by the innermost payd/Beast/Asio frame on its stack. Prints the buckets, plus the
# syscalls per request and CPU microseconds per request. Needs perf (Debian: linux-perf)
# and root or kernel.perf_event_paranoid <= 1.
#
# Environment: DURATION (seconds of sampling, 10), ACCESS_LOG (true), FREQ (Hz, 999),
# KEEP (directory to keep perf.data and the perf script output in; default: discarded).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
payd_bin="${1:-${PAYD_BIN:-$root/build/release/bin/payd}}"
duration="${DURATION:-10}"
access_log="${ACCESS_LOG:-true}"
freq="${FREQ:-999}"

say() { echo "profile_payd: $*" >&2; }
[[ -x "$payd_bin" ]] || { say "no payd binary at $payd_bin"; exit 1; }
for tool in perf wrk taskset curl; do
  command -v "$tool" >/dev/null || { say "$tool is not installed"; exit 1; }
done

tmp="$(mktemp -d /tmp/payd-profile.XXXXXX)"
payd_pid="" wrk_pid=""
cleanup() {
  local p
  for p in $wrk_pid $payd_pid; do
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP"; cp "$tmp"/perf.* "$KEEP"/ 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$((20000 + RANDOM % 30000))
cat > "$tmp/payd.yaml" <<EOF
listen: {address: 127.0.0.1, port: $port}
server: {threads: 1}
log: {level: info, access_log: $access_log}
EOF
taskset -c 0 "$payd_bin" --config "$tmp/payd.yaml" > "$tmp/payd.log" 2>&1 &
payd_pid=$!
for _ in $(seq 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
  kill -0 "$payd_pid" 2>/dev/null || { say "payd did not start"; cat "$tmp/payd.log" >&2; exit 1; }
  sleep 0.1
done

taskset -c 1 wrk -t1 -c64 -d"$((duration + 6))s" "http://127.0.0.1:$port/healthz" \
  > "$tmp/wrk.txt" &
wrk_pid=$!
sleep 2
say "sampling payd (pid $payd_pid, access_log $access_log) for ${duration}s"
ticks() { awk '{print $14 + $15}' "/proc/$payd_pid/stat"; }
served() {  # requests payd has answered on /healthz, from its own counter
  curl -s "http://127.0.0.1:$port/metrics" |
    awk '/^payd_http_requests_total.*route="\/healthz"/ { n += $NF } END { print n + 0 }'
}
# CPU per request over a window without perf attached (perf slows payd down).
t0="$(ticks)"; n0="$(served)"; sleep 2; t1="$(ticks)"; n1="$(served)"
# Record first: on this kernel a cpu-clock recording taken after a syscall-tracepoint
# `perf stat` of the same process comes back empty.
perf record -q -e cpu-clock -F "$freq" --call-graph dwarf,32768 -p "$payd_pid" \
  -o "$tmp/perf.data" -- sleep "$duration" 2>/dev/null
perf stat -x, -o "$tmp/perf.syscalls" -e 'syscalls:sys_enter_*' -p "$payd_pid" -- sleep 2
wait "$wrk_pid" || true
wrk_pid=""
rps="$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.txt")"
say "wrk: $rps req/s"

# Syscalls per response: one sendmsg carries one whole response.
awk -F, '$1 + 0 > 0 { sub(/syscalls:sys_enter_/, "", $3); n[$3] = $1 }
  END { for (k in n) printf "  %-18s %6.2f per response\n", k, n[k] / n["sendmsg"] }' \
  "$tmp/perf.syscalls" | sort -k2 -nr
hz="$(getconf CLK_TCK)"
awk -v t="$((t1 - t0))" -v hz="$hz" -v n="$((n1 - n0))" 'BEGIN {
  printf "  CPU per request    %6.1f us at %.0f req/s (payd used %.0f%% of a core; 2 s without perf)\n",
         n ? t / hz * 1e6 / n : 0, n / 2, 100 * t / hz / 2 }'

perf script -i "$tmp/perf.data" 2>/dev/null > "$tmp/perf.script"
# One sample: a header line, then frames leaf first, then a blank line. Template and
# argument lists are stripped before matching so Beast's nested types do not confuse it.
awk '
  function strip(s,   prev) {
    sub(/\+0x[0-9a-f]+ \(.*$/, "", s); sub(/^[[:space:]]*[0-9a-f]+ /, "", s)
    do { prev = s; gsub(/<[^<>]*>/, "", s) } while (s != prev)
    do { prev = s; gsub(/\([^()]*\)/, "", s) } while (s != prev)
    return s
  }
  function bucket_user(f) {
    if (f ~ /payd::obs::LogLine|spdlog::|payd::obs::append_json_escaped|JsonLineSink|append_timestamp/)
      return "access log line (observability/log.cpp, spdlog)"
    if (f ~ /payd::obs::Metrics|prometheus::/) return "metrics observe_http (observability/metrics.cpp)"
    if (f ~ /generate_request_id|choose_request_id/) return "request id (http/request_id.cpp)"
    if (f ~ /add_ops_routes|Response::json|boost::json/) return "handler + boost::json body (api/ops_routes.cpp)"
    if (f ~ /to_request|payd::http::Headers/) return "to_request: header/string copies (http/server.cpp)"
    if (f ~ /to_beast|basic_fields.*(insert|set|new_element)/) return "to_beast: response fields (http/server.cpp)"
    if (f ~ /RouteTable|Server::Impl::dispatch/) return "route match + dispatch (http/server.cpp)"
    if (f ~ /timer|expires_after|deadline_timer|timer_queue/) return "asio timers (tcp_stream expires_after)"
    if (f ~ /serializer|write_some_op|write_op|write_msg_op/) return "beast serialize/write"
    if (f ~ /basic_parser|parser|read_some_op|read_op|flat_buffer/) return "beast parse/read"
    if (f ~ /strand|any_executor|any_io_executor|executor_op|executor_function|scheduler|awaitable|co_spawn|work_finished|epoll_reactor|recycling_allocator|thread_info_base|Sp_counted/)
      return "asio scheduler/strand/coroutine machinery"
    if (f ~ /serve_connection|run_session|Server::Impl/) return "serve_connection body (http/server.cpp)"
    return ""
  }
  function bucket_kernel(stack,   s) {
    if (stack ~ /[ \t]tcp_sendmsg|__sys_sendmsg/) return "kernel: sendmsg (incl. loopback delivery to wrk)"
    if (stack ~ /recvmsg/) return "kernel: recvmsg"
    if (stack ~ /epoll_wait/) return "kernel: epoll_wait"
    if (stack ~ /ksys_write|vfs_write/) return "kernel: write (log lines to stdout)"
    if (stack ~ /timerfd/) return "kernel: timerfd_settime"
    return "kernel: other (irq, scheduler, page faults)"
  }
  function finish(   i, b, f) {
    if (n == 0) return
    total++
    if (frames[1] ~ /kernel\.kallsyms/) {
      all = ""; for (i = 1; i <= n; i++) all = all " " strip(frames[i]); b = bucket_kernel(all)
    } else {
      b = ""
      for (i = 1; i <= n && b == ""; i++) b = bucket_user(strip(frames[i]))
      if (b == "") b = "other user code (libc, malloc, unresolved)"
    }
    count[b]++; n = 0
  }
  /^[^ \t]/ { finish(); next }
  /^$/ { finish(); next }
  { frames[++n] = $0 }
  END {
    finish()
    for (b in count) printf "  %5.1f%%  %s\n", 100 * count[b] / total, b | "sort -nr"
    close("sort -nr")
    printf "  (%d samples)\n", total
  }
' "$tmp/perf.script"
