#!/usr/bin/env python3
"""Markdown tables for docs/BENCHMARKS.md from raw JSON lines.

usage:
  bench_table.py compare DIR     # DIR = OUT of ../shared/peers/compare.sh
  bench_table.py poorlink DIR    # poor_link rows of DIR/relais-run*.jsonl, medians
  bench_table.py scale FILE      # scale rows (relais-bench --scale-sites)
  bench_table.py stores DIR...   # scale rows of DIR/*.jsonl by store and hub count
  bench_table.py rows FILE...    # any relais-bench lines, every field

Every figure printed is a median over the runs found (the run count and
the spread are printed beside it); nothing is typed by hand. A phase that
did not converge, or a run that printed errors, is shown as such.
"""
import glob
import os
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


def stores(dirs):
    """One table: sqlite/1 hub, pg/1, pg/2, pg/4 (any other pair after).

    Every row must come from the same scale (sites x records per site):
    mixing scales in one table is refused (exit 1).
    """
    found = {}
    for f in sorted(f for d in dirs for f in glob.glob(f"{d}/*.jsonl")):
        for line in open(f, encoding="utf-8"):
            if line.startswith("{"):
                r = json.loads(line)
                if r.get("phase") == "scale":
                    r["_file"] = f
                    found.setdefault((r.get("store", "sqlite"), int(r.get("hubs", 1))), []).append(r)
    scales = {(r["sites"], r["records_per_site"]) for rs in found.values() for r in rs}
    if len(scales) != 1:
        print(f"stores: {len(scales)} échelles différentes dans {dirs}: {sorted(scales)}", file=sys.stderr)
        sys.exit(1)
    sites, per_site = scales.pop()
    order = [("sqlite", 1), ("pg", 1), ("pg", 2), ("pg", 4)]
    keys = [k for k in order if k in found] + sorted(k for k in found if k not in order)
    print(f"{sites:,} sites × {per_site:,} records (pushed, then pulled by a fresh replica per site)\n")
    print("| store / hubs | full cycle (push + pull + no-op) | throughput | no-op p99 | RSS per hub | PostgreSQL RSS (PSS) | lost / skipped | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for k in keys:
        for r in found[k]:
            each = r.get("hubs_rss_mb") or [r["hub_rss_mb_after_noop"]]
            rss = " / ".join(f"{x:.0f}" for x in each) + " MB"
            pg = (f"{r['pg_rss_mb']:.0f} MB ({r['pg_pss_mb']:.0f}), {r['pg_processes']} proc."
                  if "pg_rss_mb" in r else "–")
            lost = f"{r.get('missing_at_hub', '?')} / {r.get('missing_at_readers', '?')}"
            run = f" ({os.path.basename(os.path.dirname(r['_file']))})" if len(dirs) > 1 else ""
            print(f"| {k[0]} / {k[1]}{run} | **{r['cycle_seconds']:.1f} s** ({r['connect_seconds']:.1f} + "
                  f"{r['pull_seconds']:.1f} + {r['noop_seconds']:.2f}) | "
                  f"{r['cycle_records_per_s']:,.0f} rec/s (push {r['push_records_per_s']:,.0f}) | "
                  f"{r['noop_p99_ms']:.1f} ms ({r['noop_concurrency']} in flight) | {rss} | {pg} | "
                  f"{lost} | {r['errors']} |")


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
    elif len(sys.argv) >= 3 and sys.argv[1] == "stores":
        stores(sys.argv[2:])
    elif len(sys.argv) >= 3 and sys.argv[1] == "rows":
        rows(sys.argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
