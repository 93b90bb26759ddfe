#!/usr/bin/env python3
"""Merge fio JSON outputs (--output-format=json+) into one fio.json summary
(docs/results-schema.md, "fio.json") and print a table.

usage: summarize.py OUT.json RUN_ID COMMIT RUNTIME IODEPTH RAW.json...
Each RAW file is named <job>-<path>[-r<rep>].json, path being
kernel-libaio, kernel-io_uring or user; the repetitions of one job and
path are merged.

Latencies are fio's three: slat (submission), clat (completion, from
submission to completion) and lat (total, what the application waits).
Percentiles are nearest rank over fio's latency histogram ("bins" of
json+), with the bins of every repetition added up: one number per name,
as the drivers' merged percentiles; for one repetition they are fio's own.
"""
import json
import math
import os
import platform
import re
import sys
import time

KINDS = ("lat", "clat", "slat")
PCTS = (("p50", 50.0), ("p99", 99.0), ("p999", 99.9))
RAW_NAME = re.compile(r"^(?P<job>[^-]+)-(?P<path>.+?)(?:-r(?P<rep>\d+))?\.json$")


def bs_bytes(bs):
    """fio's bs option ("4k", "128k", "1m", "4096") in bytes, else None."""
    m = re.match(r"^(\d+)([kmg]?)i?b?$", str(bs or "").strip().lower())
    if not m:
        return None
    return int(m.group(1)) * {"": 1, "k": 1 << 10, "m": 1 << 20,
                              "g": 1 << 30}[m.group(2)]


def percentile(bins, p):
    """Nearest rank over a {value_ns: count} histogram; None when empty."""
    n = sum(bins.values())
    if not n:
        return None
    rank = max(1, math.ceil(p / 100.0 * n - 1e-9))
    acc = 0
    for v in sorted(bins):
        acc += bins[v]
        if acc >= rank:
            return v
    return None


def lat_stats(bins, total_ns, n):
    """{mean, p50, p99, p999} in ns of one latency kind, or None."""
    if not n or not bins:
        return None
    out = {"mean": round(total_ns / n, 1)}
    for name, p in PCTS:
        out[name] = percentile(bins, p)
    return out


def side_rep(d):
    """One repetition of one direction, or None when it did no I/O."""
    if not d or not d.get("total_ios"):
        return None
    rep = {"ios": d["total_ios"], "io_bytes": d["io_bytes"],
           "runtime_ms": d["runtime"], "iops": round(d["iops"], 1),
           "bw_bytes": d["bw_bytes"], "bins": {}, "sum": {}, "n": {}}
    for k in KINDS:
        s = d.get(k + "_ns") or {}
        rep["bins"][k] = {int(v): c for v, c in (s.get("bins") or {}).items()}
        rep["n"][k] = s.get("N", 0)
        rep["sum"][k] = s.get("mean", 0) * s.get("N", 0)
        pct = s.get("percentile") or {}
        for name, p in PCTS:
            rep[k + "_" + name + "_ns"] = pct.get("%.6f" % p)
    return rep


def merge_side(reps, bs):
    """The repetitions of one direction merged: pooled rates, merged bins."""
    reps = [r for r in reps if r]
    if not reps:
        return None
    ms = sum(r["runtime_ms"] for r in reps)
    out = {
        "iops": round(sum(r["ios"] for r in reps) * 1000.0 / ms, 1) if ms else 0,
        "bw_bytes": int(sum(r["io_bytes"] for r in reps) * 1000 / ms) if ms else 0,
        "ios": sum(r["ios"] for r in reps),
        "bs_bytes": bs,
    }
    for k in KINDS:
        bins = {}
        for r in reps:
            for v, c in r["bins"][k].items():
                bins[v] = bins.get(v, 0) + c
        out[k + "_ns"] = lat_stats(bins, sum(r["sum"][k] for r in reps),
                                   sum(r["n"][k] for r in reps))
        # json (not json+) output has no bins: fio's own, one repetition
        if out[k + "_ns"] is None and len(reps) == 1 and reps[0]["n"][k]:
            out[k + "_ns"] = {"mean": round(reps[0]["sum"][k] / reps[0]["n"][k], 1)}
            for name, _ in PCTS:
                out[k + "_ns"][name] = reps[0][k + "_" + name + "_ns"]
    # the names of schema_version 1, kept for older readers
    clat = out["clat_ns"] or {}
    out["clat_mean_ns"] = clat.get("mean")
    out["clat_p50_ns"] = clat.get("p50")
    out["clat_p99_ns"] = clat.get("p99")
    out["repetitions"] = [
        {"iops": r["iops"], "bw_bytes": r["bw_bytes"],
         "lat_p50_ns": r.get("lat_p50_ns"), "lat_p99_ns": r.get("lat_p99_ns")}
        for r in reps]
    return out


def load(paths):
    """{(job, path, section): {opts, error, reads: [], writes: []}}, version."""
    runs, version = {}, None
    for path in paths:
        m = RAW_NAME.match(os.path.basename(path))
        if not m:
            sys.exit("summarize.py: %s: not <job>-<path>[-r<rep>].json" % path)
        with open(path) as f:
            raw = json.load(f)
        version = raw.get("fio version", version)
        for j in raw["jobs"]:
            opts = dict(raw.get("global options", {}))
            opts.update(j.get("job options", {}))
            key = (m.group("job"), m.group("path"), j["jobname"])
            r = runs.setdefault(key, {"opts": opts, "error": 0, "read": [],
                                      "write": []})
            r["error"] = r["error"] or j["error"]
            r["read"].append(side_rep(j.get("read")))
            r["write"].append(side_rep(j.get("write")))
    return runs, version


def main():
    out, run_id, commit, runtime, iodepth = sys.argv[1:6]
    runs, version = load(sys.argv[6:])
    results = []
    for (job, where, section), r in runs.items():
        opts = r["opts"]
        bs = bs_bytes(opts.get("bs"))
        results.append({
            "job": job,
            "section": section,
            "path": "user" if where == "user" else "kernel",
            "engine": "vhost-mdev-blk" if where == "user" else where.split("-", 1)[1],
            "rw": opts.get("rw"),
            "bs": opts.get("bs"),
            "iodepth": int(opts.get("iodepth", 1)),
            "repetitions": len(r["read"]),
            "error": r["error"],
            "read": merge_side(r["read"], bs),
            "write": merge_side(r["write"], bs),
        })
    reps = max([x["repetitions"] for x in results] or [0])
    doc = {
        "schema_version": 1,
        "tool": "fio",
        "run_id": run_id,
        "env": {
            "timestamp": os.environ.get("VHM_TIMESTAMP") or
            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "host": os.environ.get("VHM_HOST") or platform.node(),
            "kernel": platform.release(),
            "commit": commit,
            "fio_version": version,
            "guest": os.path.exists("/run/vhm"),
            "clock": os.environ.get("VHM_CLOCK", "real"),
        },
        "params": {"runtime_s": float(runtime), "iodepth": int(iodepth),
                   "size": "32M", "repetitions": reps},
        "results": results,
    }
    if os.environ.get("VHM_RUN_MODE") in ("quick", "full"):
        doc["env"]["mode"] = os.environ["VHM_RUN_MODE"]
    if doc["env"]["clock"] == "virtual":
        doc["env"]["icount_shift"] = int(os.environ.get("VHM_ICOUNT_SHIFT", "0"))
    with open(out, "w") as f:
        json.dump(doc, f, indent=2, sort_keys=True)
        f.write("\n")
    print_table(doc)


def us(s, name):
    v = (s or {}).get(name)
    return "%9.1f" % (v / 1000.0) if v is not None else "%9s" % "-"


def print_table(doc):
    virtual = doc["env"]["clock"] == "virtual"
    mode = doc["env"].get("mode")
    # Guest time on the virtual clock: 1 ns per instruction at shift 0.
    print("fio, %d repetition(s) of %g %ss per job%s%s: lat = slat + clat, "
          "percentiles of all repetitions merged" %
          (doc["params"]["repetitions"], doc["params"]["runtime_s"],
           "virtual " if virtual else "",
           ", virtual clock (IOPS and MiB per virtual s, virtual us)" if virtual else "",
           ", QUICK run (smoke test)" if mode == "quick" else ""))
    print("latencies in %s: slat submission, clat completion, lat total" %
          ("virtual us" if virtual else "us"))
    head = ["job", "path", "qd", "bs", "dir", "IOPS", "MiB/s"]
    lat = ["%s %s" % (k, p) for k in KINDS for p in ("p50", "p99", "p99.9")]
    print("%-9s %-8s %3s %5s %-5s %8s %7s " % tuple(head) +
          " ".join("%9s" % h for h in lat))
    for r in doc["results"]:
        for d in ("read", "write"):
            s = r[d]
            if not s:
                continue
            path = "user" if r["path"] == "user" else r["engine"]
            row = "%-9s %-8s %3d %5s %-5s %8.0f %7.1f " % (
                r["section"], path, r["iodepth"], r["bs"], d, s["iops"],
                s["bw_bytes"] / 1048576.0)
            row += " ".join(us(s[k + "_ns"], p) for k in KINDS
                            for p in ("p50", "p99", "p999"))
            print(row)


if __name__ == "__main__":
    main()
