#!/usr/bin/env python3
"""Helpers of bench/run_api_bench.sh (issue #4). Not meant to be run by hand.

  api_bench_tool.py sql-check POSTGRES_LOG OUT_DIR MODE
      Reads the statements PostgreSQL logged (log_statement=all) between the script's marker
      queries -- payd serving one create and one get, then pgbench running
      bench/sql/create_payment.sql and get_payment.sql once each -- groups them into
      transactions per backend, drops payd's background work (reconciler, idempotency
      purger), and compares payd's statements with pgbench's after normalising parameters.
      Writes OUT_DIR/sql-MODE.txt (payd's statements, with their prepared-statement names)
      and prints one line per scenario: "create ok" or "create MISMATCH" (exit status 0
      either way; the script decides).

  api_bench_tool.py pgbench-pct LOG_PREFIX
      p50 and p99 (microseconds) of the per-transaction latencies in pgbench -l logs
      (files LOG_PREFIX.*), and their count: "p50_us p99_us count".

  api_bench_tool.py table RESULTS_TSV
      The markdown results table from the script's results.tsv.

  api_bench_tool.py cpu-table RESULTS_TSV
      The CPU time per request of payd, PostgreSQL, wrk and pgbench, from results.tsv.
"""
import difflib
import glob
import math
import re
import sys

# payd's own periodic work, which runs whatever the requests do.
BACKGROUND = {"job_claim", "job_reschedule", "job_delete", "idem_purge", "idem_delete_expired",
              "job_pending"}

LINE = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] LOG:  (?:execute (\S+)|statement): (.*)$")


def read_log(path):
    """[(pid, name or None, sql)] for every logged statement, in log order."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if m:
                out.append((m.group(1), m.group(2), m.group(3)))
    return out


def segments(entries):
    """Statements between the marker queries SELECT 'payd-bench-mark:NAME'."""
    segs, current, name = {}, None, None
    for pid, stmt_name, sql in entries:
        m = re.match(r"^SELECT 'payd-bench-mark:([a-z_-]+)'$", sql.strip())
        if m:
            if name is not None:
                segs[name] = current
            name, current = m.group(1), []
            continue
        if current is not None:
            current.append((pid, stmt_name, sql))
    return segs


def transactions(entries):
    """Groups statements into transactions per backend: [[(name, sql), ...], ...] in the
    order the transactions began."""
    open_tx, groups = {}, []
    for pid, name, sql in entries:
        s = sql.strip().rstrip(";").strip()
        word = s.split(None, 1)[0].upper() if s else ""
        if word in ("BEGIN", "START"):
            open_tx[pid] = [(name, s)]
            groups.append(open_tx[pid])
        elif pid in open_tx:
            open_tx[pid].append((name, s))
            if word in ("COMMIT", "ROLLBACK", "END"):
                del open_tx[pid]
        else:
            groups.append([(name, s)])
    return groups


def normalise(sql):
    s = sql.replace('":"', ":")               # pgbench scripts quote the ':' of HH24:MI:SS
    s = re.sub(r"\$\d+", "?", s)                 # parameters, numbered differently
    s = re.sub(r"\bNULL\b", "?", s)              # NULL parameters are literal NULLs in pgbench
    s = re.sub(r"\s+", " ", s).strip().rstrip(";").strip()
    return s


def sql_check(log_path, out_dir, mode):
    segs = segments(read_log(log_path))
    report = []
    verdicts = []
    for scenario in ("create", "get"):
        payd = [g for g in transactions(segs.get("payd-" + scenario, []))
                if not any(n in BACKGROUND for n, _ in g)]
        # payd's background work also runs while pgbench does: dropped on both sides.
        pgb = [g for g in transactions(segs.get("pgbench-" + scenario, []))
               if not any(n in BACKGROUND for n, _ in g)]
        report.append(f"== {scenario}: payd's statements for one request: "
                      f"{sum(len(g) for g in payd)} statements (= round trips) in "
                      f"{len(payd)} groups (transactions, or a statement on its own) ==")
        for i, g in enumerate(payd, 1):
            kind = "transaction" if len(g) > 1 else "no transaction"
            report.append(f"-- {i}. {kind}")
            for name, sql in g:
                report.append(f"   [{name or 'simple query'}] {sql}")
        a = [[normalise(s) for _, s in g] for g in payd]
        b = [[normalise(s) for _, s in g] for g in pgb]
        if not a:
            verdicts.append(f"{scenario} MISMATCH (no payd statements captured)")
        elif a == b:
            verdicts.append(f"{scenario} ok")
        else:
            verdicts.append(f"{scenario} MISMATCH")
            report.append(f"!! bench/sql/{scenario}_payment.sql differs from payd:")
            flat_a = [s for g in a for s in g + ["-- end of transaction"]]
            flat_b = [s for g in b for s in g + ["-- end of transaction"]]
            for line in difflib.unified_diff(flat_a, flat_b, "payd", "pgbench", lineterm="", n=1):
                report.append("   " + line)
        report.append("")
    with open(f"{out_dir}/sql-{mode}.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(report) + "\n")
    print("; ".join(verdicts))


def percentile(sorted_xs, p):
    if not sorted_xs:
        return float("nan")
    k = max(0, min(len(sorted_xs) - 1, math.ceil(p / 100.0 * len(sorted_xs)) - 1))  # nearest rank
    return sorted_xs[k]


def pgbench_pct(prefix):
    xs = []
    for path in glob.glob(prefix + ".*"):
        with open(path) as f:
            for line in f:
                parts = line.split()
                # client_id transaction_no time script_no time_epoch time_us [...]
                if len(parts) >= 6 and parts[2].isdigit():
                    xs.append(int(parts[2]))
    xs.sort()
    print(f"{percentile(xs, 50):.1f} {percentile(xs, 99):.1f} {len(xs)}")


def fmt_ms(us):
    try:
        v = float(us) / 1000.0
    except (TypeError, ValueError):
        return "—"
    if v != v:
        return "—"
    return f"{v:.2f} ms" if v < 100 else f"{v:.0f} ms"


def fmt_num(x, digits=0):
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "—"
    if v != v:
        return "—"
    s = f"{v:,.{digits}f}".replace(",", " ")
    return s


def read_rows(path):
    rows = []
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            if line.strip():
                rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    return rows


def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def table(path):
    print("| PostgreSQL | scenario | payd req/s | p50 | p99 | pgbench tps | p50 | p99 "
          "| **ratio** payd/pgbench | payd RSS (VmRSS / VmHWM) | valid |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in read_rows(path):
        ratio = num(r["payd_rps"]) / num(r["pgb_tps"]) if num(r["pgb_tps"]) else float("nan")
        ratio_s = f"**{ratio:.2f}**" if ratio == ratio else "—"
        rss = f"{num(r['rss_kb']) / 1024:.1f} / {num(r['hwm_kb']) / 1024:.1f} MiB"
        print(f"| {r['mode']} | {r['scenario']} | {fmt_num(r['payd_rps'])} | "
              f"{fmt_ms(r['payd_p50_us'])} | {fmt_ms(r['payd_p99_us'])} | "
              f"{fmt_num(r['pgb_tps'])} | {fmt_ms(r['pgb_p50_us'])} | {fmt_ms(r['pgb_p99_us'])} | "
              f"{ratio_s} | {rss} | {r['valid']} |")


def cpu_table(path):
    """CPU time per request (µs) of every process involved, both runs, and the machine's
    CPU use during each run: on a 2-core machine they share the CPUs, so these sums
    decide the throughputs once the machine is saturated."""
    print("CPU time per request (µs), and the machine's CPU use during the run:")
    print()
    print("| PostgreSQL | scenario | payd (kernel part) | PostgreSQL | wrk | sum, payd run "
          "| machine busy | PostgreSQL | pgbench | sum, pgbench run | machine busy |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in read_rows(path):
        payd, pg1, wrk = num(r["payd_cpu_us"]), num(r["pg_cpu_payd_us"]), num(r.get("wrk_cpu_us"))
        pg2, pgb = num(r["pg_cpu_pgb_us"]), num(r.get("pgbench_cpu_us"))
        print(f"| {r['mode']} | {r['scenario']} | {fmt_num(payd)} ({fmt_num(r.get('payd_sys_us'))}) "
              f"| {fmt_num(pg1)} | {fmt_num(wrk)} | {fmt_num(payd + pg1 + wrk)} | "
              f"{r['busy_payd']} % | {fmt_num(pg2)} | {fmt_num(pgb)} | {fmt_num(pg2 + pgb)} | "
              f"{r['busy_pgb']} % |")


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmd = sys.argv[1]
    if cmd == "sql-check" and len(sys.argv) == 5:
        sql_check(*sys.argv[2:5])
    elif cmd == "pgbench-pct" and len(sys.argv) == 3:
        pgbench_pct(sys.argv[2])
    elif cmd == "table" and len(sys.argv) == 3:
        table(sys.argv[2])
    elif cmd == "cpu-table" and len(sys.argv) == 3:
        cpu_table(sys.argv[2])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
