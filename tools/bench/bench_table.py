#!/usr/bin/env python3
"""Markdown tables for docs/BENCHMARKS.md from raw JSON lines.

usage:
  bench_table.py compare DIR     # DIR = OUT of ../shared/peers/compare.sh
  bench_table.py poorlink DIR    # poor_link rows of DIR/relais-run*.jsonl, medians
  bench_table.py scale FILE      # scale rows (relais-bench --scale-sites)
  bench_table.py rows FILE...    # any relais-bench lines, every field

Every figure printed is a median over the runs found (the run count and
the spread are printed beside it); nothing is typed by hand. A phase that
did not converge, or a run that printed errors, is shown as such.
"""
import glob
import json
import statistics
import sys


def load(pattern):
    runs = []
    for f in sorted(glob.glob(pattern)):
        rows = {}
        for line in open(f, encoding="utf-8"):
            line = line.strip()
            if line.startswith("{"):
                r = json.loads(line)
                rows.setdefault(r.get("phase"), r)
        runs.append(rows)
    return runs


def med(runs, phase, key):
    xs = [float(r[phase][key]) for r in runs if phase in r and key in r[phase]]
    return (statistics.median(xs), min(xs), max(xs), len(xs)) if xs else None


def fmt_s(m):
    if m is None:
        return "–"
    v, lo, hi, n = m
    return f"{v:.3f} s ({lo:.3f}–{hi:.3f}, n={n})" if n > 1 else f"{v:.3f} s"


def compare(d):
    P, R = load(f"{d}/pouchdb-run*.jsonl"), load(f"{d}/relais-run*.jsonl")
    print("| phase | PouchDB s (median, range, runs) | Relais s (median, range, runs) | Relais faster by | PouchDB bytes | Relais bytes | converged (P/R) |")
    print("|---|---|---|---|---|---|---|")
    for ph in ["initial_push", "incremental", "conflicts", "pull", "pull_existing", "total"]:
        ps, rs = med(P, ph, "seconds"), med(R, ph, "seconds")
        pb, rb = med(P, ph, "bytes"), med(R, ph, "bytes")
        conv_p = all(r[ph].get("converged", False) for r in P if ph in r) if ps else "–"
        conv_r = all(r[ph].get("converged", False) for r in R if ph in r) if rs else "–"
        ratio = f"**{ps[0] / rs[0]:.1f}×**" if ps and rs and rs[0] > 0 else "–"
        mb = lambda m: f"{m[0] / 1e6:.2f} MB" if m else "–"
        print(f"| {ph} | {fmt_s(ps)} | {fmt_s(rs)} | {ratio} | {mb(pb)} | {mb(rb)} | {conv_p}/{conv_r} |")


def poorlink(d):
    per_case = {}
    for f in sorted(glob.glob(f"{d}/relais-run*.jsonl")):
        for line in open(f, encoding="utf-8"):
            if line.startswith("{"):
                r = json.loads(line)
                if r.get("phase") == "poor_link":
                    per_case.setdefault(r["case"], []).append(r)
    print("| case | runs | seconds (median, range) | bytes up / down | changes sent / received at the hub | attempts | cuts | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for case, rs in per_case.items():
        m = lambda k: statistics.median(float(r.get(k, 0)) for r in rs)
        secs = [float(r["seconds"]) for r in rs]
        print(f"| {case} | {len(rs)} | {m('seconds'):.3f} s ({min(secs):.3f}–{max(secs):.3f}) | "
              f"{m('bytes_up'):,.0f} / {m('bytes_down'):,.0f} | "
              f"{m('changes'):.0f} / {m('received_at_hub'):.0f} | {m('attempts'):.0f} | "
              f"{m('cuts'):.0f} | {sum(int(r.get('errors', 0)) for r in rs)} |")


def scale(f):
    print("| connected sites | hub RSS | threads | fds | connections held | no-op p50 / p99 / max (in flight) | connect p50 / p99 | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for line in open(f, encoding="utf-8"):
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if r.get("phase") != "scale":
            continue
        print(f"| {r['sites']:,} | {r['hub_rss_mb']:.1f} MB (peak {r['hub_peak_rss_mb']:.1f}) | "
              f"{r['hub_threads']} | {r['hub_fds']} | {r['hub_connections']} | "
              f"{r['noop_p50_ms']:.1f} / {r['noop_p99_ms']:.1f} / {r['noop_max_ms']:.1f} ms "
              f"({r['noop_concurrency']}) | {r['connect_p50_ms']:.1f} / {r['connect_p99_ms']:.1f} ms | "
              f"{r['errors']} |")


def rows(files):
    for f in files:
        for line in open(f, encoding="utf-8"):
            line = line.strip()
            if line.startswith("{"):
                r = json.loads(line)
                print(f"`{f}`: " + ", ".join(f"{k}={v}" for k, v in sorted(r.items())))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "compare":
        compare(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "poorlink":
        poorlink(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "scale":
        scale(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "rows":
        rows(sys.argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
