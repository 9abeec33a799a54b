#!/usr/bin/env python3
"""run.py: the driver of `make bench` (docs/bench.md). Standard library only.

usage: run.py --build DIR [--bin ./mapkeeper] [--rules rules] [--store-bin PATH]
              [--ingest-calls 200] [--passes 3]

Expects the corpus that gen_corpus.py wrote under DIR/bench. Runs DIR/bench_main
(extraction on one core and on every core, per-call times, the pcre2grep floor, peak RSS),
times `mapkeeper ingest` into a fresh database (default, then -j <cores> when ingest has
-j), runs the store benchmark when its binary is given, and prints one table, also
written to DIR/bench/results.txt: measure, value, target, met.
"""
import os
import platform
import subprocess
import sys
import time


def arg(name, default=None):
    a = sys.argv
    return a[a.index(name) + 1] if name in a and a.index(name) + 1 < len(a) else default


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else -1
    return model, os.cpu_count() or 1, platform.release(), load


def bench_main(build, rules, passes, threads, grep):
    cmd = [os.path.join(build, "bench_main"), "--rules", rules, "--corpus", os.path.join(build, "bench", "corpus"),
           "--big", os.path.join(build, "bench", "big.vtt"), "--work", os.path.join(build, "bench"),
           "--passes", str(passes), "--threads", str(threads), "--grep", grep]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    kv = {}
    for line in out.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            kv[k] = v
    return kv


def instructions(build, rules, path, func):
    """Instructions one call of func costs on path (valgrind callgrind), or None."""
    try:
        r = subprocess.run(["valgrind", "--tool=callgrind", "--toggle-collect=" + func, "--callgrind-out-file=/dev/null",
                            os.path.join(build, "bench_extract"), rules, "1", path],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, universal_newlines=True)
    except OSError:
        return None
    for line in r.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split(":")[-1].strip())
    return None


def manifest(build):
    rows = []
    with open(os.path.join(build, "bench", "corpus", "manifest.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            p = line.rstrip("\n").split("\t")
            rows.append({"path": p[0], "deal": p[1], "date": p[2], "sellers": p[3], "seller_org": p[4],
                         "buyer_org": p[5], "format": p[6], "words": int(p[7])})
    return rows


def ingest(build, binary, rows, ncalls, jobs):
    """One `mapkeeper ingest` per deal (its calls in order) into a fresh database: calls/s."""
    db = os.path.join(build, "bench", "ingest-j%d.db" % jobs)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    deals, order = {}, []
    for r in rows[:ncalls]:
        if r["deal"] not in deals:
            deals[r["deal"]] = []
            order.append(r["deal"])
        deals[r["deal"]].append(r)
    cdir = os.path.join(build, "bench", "corpus")
    for d in order:
        r = deals[d][0]
        subprocess.run([binary, "deal", "add", d, "--seller", r["sellers"], "--seller-org", r["seller_org"],
                        "--buyer-org", r["buyer_org"], "--db", db], stdout=subprocess.DEVNULL, check=True)
    t0 = time.monotonic()
    for d in order:
        cmd = [binary, "ingest"] + [os.path.join(cdir, r["path"]) for r in deals[d]] + \
              ["--deal", d, "--date", deals[d][0]["date"], "--db", db]
        if len(deals[d]) > 1:  # one --date for several calls: each file's own date wins
            cmd.append("--date-from-name")
        if jobs > 1:
            cmd += ["-j", str(jobs)]
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    secs = time.monotonic() - t0
    return sum(len(v) for v in deals.values()), len(order), secs


def main():
    build = arg("--build", "build")
    binary = arg("--bin", "./mapkeeper")
    rules = arg("--rules", "rules")
    store_bin = arg("--store-bin", "")
    ncalls = int(arg("--ingest-calls", "200"))
    passes = int(arg("--passes", "3"))
    grep = arg("--grep", "pcre2grep")
    model, cores, kernel, load = machine()
    rows = manifest(build)
    fmts = {}
    for r in rows:
        fmts[r["format"]] = fmts.get(r["format"], 0) + 1

    kv = bench_main(build, rules, passes, cores, grep)
    inst = None
    if not os.environ.get("BENCH_NO_VALGRIND"):
        sizes = sorted((os.path.getsize(os.path.join(build, "bench", "corpus", r["path"])), r["path"]) for r in rows)
        size, rel = sizes[len(sizes) // 2]
        path = os.path.join(build, "bench", "corpus", rel)
        inst = (size, instructions(build, rules, path, "mk_transcript_parse"), instructions(build, rules, path, "mk_extract"))
        if inst[1] is None and inst[2] is None:
            inst = None
    f = lambda k, d=0.0: float(kv.get(k, d))
    mb = f("bytes") / 1e6
    table = []

    def row(measure, value, target="", met=None):
        table.append((measure, value, target, "" if met is None else ("yes" if met else "no")))

    row("rules: load and JIT-compile (%s rules, CPU)" % kv.get("rules", "?"), "%.0f ms" % f("rules_load_ms"))
    row("extraction, 1 core (parse + extract, CPU time)", "%.1f MB/s, %.0f calls/s" % (f("one_core_mbs"), f("one_core_calls_s")),
        ">= 50 MB/s", f("one_core_mbs") >= 50)
    row("extraction, %d cores (%s threads, wall time)" % (cores, kv.get("threads")),
        "%.1f MB/s, %.0f calls/s" % (f("all_cores_mbs"), f("all_cores_calls_s")),
        ">= %d MB/s" % (50 * cores), f("all_cores_mbs") >= 50 * cores)
    row("  every thread found what 1 core found", kv.get("threads_same_findings", "?"), "yes",
        kv.get("threads_same_findings") == "yes")
    row("one-hour call, parse + extract: median", "%.2f ms" % f("call_ms_median"), "<= 5 ms", f("call_ms_median") <= 5)
    row("one-hour call, parse + extract: p99", "%.2f ms" % f("call_ms_p99"), "<= 5 ms", f("call_ms_p99") <= 5)
    row("  extract alone: median / p99", "%.2f / %.2f ms" % (f("extract_ms_median"), f("extract_ms_p99")))
    if inst:
        row("  instructions, median-size call (%.0f KB): parse / extract" % (inst[0] / 1024),
            "%.1f M / %.1f M" % (inst[1] / 1e6, inst[2] / 1e6) if inst[1] and inst[2] else "valgrind failed")
    if "floor_median_s" in kv:
        row("floor: pcre2grep -c -i, trigger words, same %.1f MB (CPU)" % mb,
            "%.3f s, %.1f MB/s (best %.3f s)" % (f("floor_median_s"), f("floor_mbs"), f("floor_best_s")))
        row("mapkeeper 1 core over the floor: parse + extract", "%.2fx" % f("floor_ratio"), "<= 5x", f("floor_ratio") <= 5)
        row("  extract alone over the floor", "%.2fx" % f("floor_ratio_extract"))
    else:
        row("floor: pcre2grep", kv.get("floor_error", "not measured"))
    row("peak RSS: rules loaded, nothing read", "%.1f MB" % (f("rss_rules_kb") / 1024))
    for key, what in (("call", "one-hour call (median, %.0f KB)" % (f("rss_call_bytes") / 1024)),
                      ("largest", "largest call (%.0f KB)" % (f("rss_largest_bytes") / 1024)),
                      ("big", "largest input accepted (%.1f MiB)" % (f("rss_big_bytes") / 1048576))):
        if "rss_%s_kb" % key in kv:
            row("peak RSS: read, parse, extract the " + what, "%.1f MB" % (f("rss_%s_kb" % key) / 1024),
                "<= 64 MB", f("rss_%s_kb" % key) / 1024 <= 64)
        else:
            row("peak RSS: " + what, kv.get("rss_%s_error" % key, "not measured"))
    if "rss_big_extract_s" in kv:
        row("  that input: %d cues; read + parse / extract (CPU)" % f("rss_big_utterances"),
            "%.2f s / %.2f s (%.1f MB/s)" % (
            f("rss_big_read_parse_s"), f("rss_big_extract_s"),
            f("rss_big_bytes") / 1e6 / max(f("rss_big_read_parse_s") + f("rss_big_extract_s"), 1e-9)))
    row("bench process peak RSS (holds the corpus)", "%.1f MB" % (f("self_rss_kb") / 1024))

    help_text = subprocess.run([binary, "ingest", "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True).stdout
    for jobs in ([1, cores] if "-j" in help_text and cores > 1 else [1]):
        n, nd, secs = ingest(build, binary, rows, ncalls, jobs)
        row("ingest into SQLite: %d calls, %d deals, fresh db%s" % (n, nd, ", -j %d" % jobs if jobs > 1 else ""),
            "%.0f calls/s (%.1f s)" % (n / secs, secs), ">= 200 calls/s", n / secs >= 200)
    if "-j" not in help_text:
        row("ingest -j N", "skipped: this mapkeeper has no ingest -j")

    w = [max(len(r[i]) for r in table + [("measure", "value", "target", "met")]) for i in range(4)]
    lines = ["mapkeeper make bench, %s" % time.strftime("%Y-%m-%d %H:%M"),
             "machine: %s, %d cores (nproc), Linux %s; load average %.2f at start, %.2f at the end" % (
                 model, cores, kernel, load, os.getloadavg()[0]),
             "times: CPU time of the extracting thread (1 core, per call, floor) or wall time (all cores, ingest)",
             "corpus: %d calls, %.1f MB, %.0f words a call (%s), generated by bench/gen_corpus.py" % (
                 len(rows), mb, f("words_per_call"), ", ".join("%s %d" % (k, fmts[k]) for k in sorted(fmts))),
             "",
             "%-*s  %-*s  %-*s  %s" % (w[0], "measure", w[1], "value", w[2], "target", "met")]
    lines.append("-" * (sum(w) + 10))
    for r in table:
        lines.append(("%-*s  %-*s  %-*s  %s" % (w[0], r[0], w[1], r[1], w[2], r[2], r[3])).rstrip())
    lines.append("")
    if store_bin:
        db = os.path.join(build, "bench", "store.db")
        out = os.path.join(build, "bench", "store.txt")
        if os.path.exists(out):
            os.remove(out)
        rc = subprocess.run([store_bin, "--db", db, "--out", out]).returncode
        if rc == 0 and os.path.exists(out):
            lines.append("managers' queries (%s --db %s):" % (store_bin, db))
            with open(out, encoding="utf-8") as fh:
                lines += fh.read().rstrip("\n").split("\n")
        else:
            lines.append("managers' queries: %s failed (exit %d), no store.txt" % (store_bin, rc))
    else:
        lines.append("managers' queries: skipped (bench/bench_store.c is not there yet)")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(os.path.join(build, "bench", "results.txt"), "w", encoding="utf-8") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
