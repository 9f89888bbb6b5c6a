#!/usr/bin/env bash
# run_executor_bench.sh -- runs payd_executor_bench with repetitions (randomly interleaved,
# so a neighbour's build skews every variant alike) and prints, per benchmark, the median
# over the repetitions of time per operation, p50 and p99, then the executor's added
# latency: p50(Executor) - p50(bare client), against the issue #3 goal of 0.2 ms.
#
#   bench/micro/run_executor_bench.sh [BENCH_BINARY]
#
# BENCH_BINARY defaults to build/bench-helper/bench/payd_executor_bench; build it with
#   cmake -S . -B build/bench-helper -G Ninja -DCMAKE_BUILD_TYPE=Release \
#         -DPAYD_BUILD_TESTS=OFF -DPAYD_BUILD_BENCH=ON
#   ninja -C build/bench-helper payd_executor_bench
#
# Environment: REPETITIONS (5), MIN_TIME (seconds per repetition, 1), FILTER (benchmark
# regex, all), PIN (0; 1: the server's thread on CPU 0, the client's on CPU 1), OUT_DIR
# (default build/bench/executor-<timestamp>), QUIET_PCT (10) / QUIET_WAIT (180): first
# wait up to QUIET_WAIT seconds for the machine's CPU use to drop below QUIET_PCT percent.
# Output: console.txt and results.json (Google Benchmark's JSON) in OUT_DIR, the summary on
# stdout (also summary.txt), with the other processes' CPU use during the run (a busy
# neighbour changes every figure: compare runs with the same). Needs python3.
# The benchmark's server listens on 127.0.0.1 only and stops with the benchmark.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${1:-$root/build/bench-helper/bench/payd_executor_bench}"
reps="${REPETITIONS:-5}"
min_time="${MIN_TIME:-1}"
filter="${FILTER:-.}"
out_dir="${OUT_DIR:-$root/build/bench/executor-$(date +%Y%m%d-%H%M%S)}"
pin="${PIN:-0}"
quiet_pct="${QUIET_PCT:-10}"
quiet_wait="${QUIET_WAIT:-180}"

say() { echo "run_executor_bench: $*" >&2; }
die() { say "$*"; exit 1; }

[[ -x "$bin" ]] || die "no benchmark binary at $bin (pass it as the first argument)"
command -v python3 >/dev/null || die "python3 is not installed"
mkdir -p "$out_dir"

cpu_ticks() {  # "busy total" jiffies of all CPUs so far
  awk '/^cpu / { for (i = 2; i <= 9; i++) { t += $i; if (i == 5 || i == 6) idle += $i }
                 print t - idle, t }' /proc/stat
}
cpu_busy_pct() {  # share of all CPUs busy over the next second, in percent
  local a b
  a="$(cpu_ticks)"; sleep 1; b="$(cpu_ticks)"
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ")
    t = y[2] - x[2]; printf "%d\n", (t > 0 ? 100 * (y[1] - x[1]) / t : 0) }'
}

waited=0
while busy="$(cpu_busy_pct)"; (( busy > quiet_pct && waited < quiet_wait )); do
  (( waited == 0 )) && say "machine busy (${busy}% CPU) -- waiting up to ${quiet_wait}s"
  sleep 4; waited=$((waited + 5))
done
say "CPU use before the run: ${busy}%; ${reps} repetitions of ${min_time} s, interleaved," \
  "$( [[ "$pin" == 1 ]] && echo "server on CPU 0, client on CPU 1" || echo "threads not pinned")"

# The others' CPU during the run: all CPUs' busy time minus the benchmark's own (children).
hz="$(getconf CLK_TCK)"
children_cpu() {  # seconds of CPU used by this shell's finished children (`times`, line 2)
  times > "$out_dir/.times"  # not in a subshell: a fork's own `times` starts at zero
  awk 'NR == 2 { s = 0; for (k = 1; k <= 2; k++) { split($k, p, "m"); s += p[1] * 60 + p[2] }
                 print s }' "$out_dir/.times"
}
children_cpu > "$out_dir/.own_before"
before="$(cpu_ticks)"
start_ns="$(date +%s%N)"
PAYD_BENCH_PIN="$pin" "$bin" --benchmark_filter="$filter" --benchmark_repetitions="$reps" \
  --benchmark_enable_random_interleaving=true --benchmark_min_time="$min_time" \
  --benchmark_out="$out_dir/results.json" --benchmark_out_format=json \
  > "$out_dir/console.txt"
end_ns="$(date +%s%N)"
after="$(cpu_ticks)"
children_cpu > "$out_dir/.own_after"
own="$(awk 'NR == FNR { b = $1; next } { print $1 - b }' "$out_dir/.own_before" \
  "$out_dir/.own_after")"
rm -f "$out_dir/.times" "$out_dir/.own_before" "$out_dir/.own_after"
others_pct="$(awk -v a="$before" -v b="$after" -v own="$own" -v hz="$hz" \
  -v secs="$(( (end_ns - start_ns) / 1000000 ))" -v ncpu="$(nproc)" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    busy = (y[1] - x[1]) / hz - own; wall = secs / 1000 * ncpu
    printf "%d\n", (wall > 0 && busy > 0 ? 100 * busy / wall : 0) }')"

python3 - "$out_dir/results.json" "$busy" "$others_pct" "$pin" <<'EOF' | tee "$out_dir/summary.txt"
import json, statistics, sys

path, busy_before, others, pin = sys.argv[1:5]
data = json.load(open(path))
scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
runs = {}
for b in data["benchmarks"]:
    if b.get("run_type") != "iteration" or b.get("error_occurred"):
        continue
    r = runs.setdefault(b["run_name"], {"t": [], "cpu": [], "p50": [], "p99": [], "conn": []})
    k = scale[b.get("time_unit", "ns")]
    r["t"].append(b["real_time"] * k)
    r["cpu"].append(b["cpu_time"] * k)
    for key, name in (("p50", "p50_us"), ("p99", "p99_us"), ("conn", "connects")):
        if name in b:
            r[key].append(b[name])

def med(xs):
    return statistics.median(xs) if xs else float("nan")

def span(xs):
    return f"{min(xs):.1f}-{max(xs):.1f}" if xs else ""

ctx = data["context"]
print(f"{ctx.get('date', '')}  {ctx.get('num_cpus', '?')} CPUs  "
      f"CPU use before: {busy_before}%  others' CPU during the run: {others}% of the machine  "
      + ("server CPU 0, client CPU 1" if pin == "1" else "threads not pinned"))
print()
print(f"{'benchmark':44} {'reps':>4} {'time/op us':>10} {'client CPU us':>13} "
      f"{'p50 us':>7} {'(range)':>13} {'p99 us':>7} {'(range)':>13} {'connects':>8}")
order = ["BM_SandboxDirect", "BM_SandboxThroughExecutor", "BM_Loopback_BareSync",
         "BM_Loopback_BareAsync", "BM_Loopback_HttpClient", "BM_Loopback_Executor"]
def rank(name):
    family, _, arg = name.partition("/")
    sandbox = family.startswith("BM_Sandbox")
    return (not sandbox, arg if sandbox else "",
            order.index(family) if family in order else len(order), name)
runs = dict(sorted(runs.items(), key=lambda kv: rank(kv[0])))
for name, r in runs.items():
    p50 = f"{med(r['p50']):7.1f}" if r["p50"] else f"{'':7}"
    p99 = f"{med(r['p99']):7.1f}" if r["p99"] else f"{'':7}"
    conn = f"{int(max(r['conn'])):8d}" if r["conn"] else f"{'':8}"
    print(f"{name:44} {len(r['t']):4d} {med(r['t']):10.3f} {med(r['cpu']):13.3f} "
          f"{p50} {span(r['p50']):>13} {p99} {span(r['p99']):>13} {conn}")

def p50_of(short):
    for name, r in runs.items():
        if name.startswith("BM_Loopback_" + short + "/") and r["p50"]:
            return med(r["p50"])
    return None

print()
bare_async, bare_sync = p50_of("BareAsync"), p50_of("BareSync")
client, executor = p50_of("HttpClient"), p50_of("Executor")
if bare_async is not None and executor is not None:
    added = executor - bare_async
    verdict = "met" if added <= 200 else "NOT met"
    print(f"executor added latency, p50(Executor) - p50(BareAsync): {added:.1f} us "
          f"(goal <= 200 us: {verdict})")
if bare_async is not None and client is not None:
    print(f"  of which HttpClient, p50(HttpClient) - p50(BareAsync): {client - bare_async:.1f} us")
if client is not None and executor is not None:
    print(f"  executor on top of HttpClient, p50(Executor) - p50(HttpClient): "
          f"{executor - client:.1f} us")
if bare_sync is not None and executor is not None:
    print(f"  against the blocking client, p50(Executor) - p50(BareSync): "
          f"{executor - bare_sync:.1f} us")
for op in ("authorize", "capture", "refund"):
    d = runs.get(f"BM_SandboxDirect/{op}")
    e = runs.get(f"BM_SandboxThroughExecutor/{op}")
    if d and e:
        print(f"sandbox {op}: {med(e['t']):.2f} us through the executor, "
              f"{med(d['t']):.2f} us direct: executor {med(e['t']) - med(d['t']):.2f} us/op")
EOF
say "raw results in $out_dir"
