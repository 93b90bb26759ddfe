#!/usr/bin/env python3
"""Merge fio JSON outputs (--output-format=json) into one fio.json summary
(docs/results-schema.md, "fio.json") and print a table.

usage: summarize.py OUT.json RUN_ID COMMIT RUNTIME IODEPTH RAW.json...
Each RAW file is named <job>-<path>.json, path being kernel-libaio,
kernel-io_uring or user.
"""
import json
import os
import platform
import sys
import time


def side(d):
    """iops, bandwidth and completion latency percentiles of one direction."""
    if not d or not d.get("total_ios"):
        return None
    pct = d.get("clat_ns", {}).get("percentile", {})
    return {
        "iops": round(d["iops"], 1),
        "bw_bytes": d["bw_bytes"],
        "ios": d["total_ios"],
        "clat_mean_ns": round(d["clat_ns"]["mean"], 1),
        "clat_p50_ns": pct.get("50.000000"),
        "clat_p99_ns": pct.get("99.000000"),
    }


def main():
    out, run_id, commit, runtime, iodepth = sys.argv[1:6]
    results, version = [], None
    for path in sys.argv[6:]:
        name = os.path.basename(path)[:-len(".json")]
        job, _, where = name.partition("-")
        with open(path) as f:
            raw = json.load(f)
        version = raw.get("fio version", version)
        for j in raw["jobs"]:
            opts = dict(raw.get("global options", {}))
            opts.update(j.get("job options", {}))
            results.append({
                "job": job,
                "section": j["jobname"],
                "path": "user" if where == "user" else "kernel",
                "engine": "vhost-mdev-blk" if where == "user" else where.split("-", 1)[1],
                "rw": opts.get("rw"),
                "bs": opts.get("bs"),
                "iodepth": int(opts.get("iodepth", 1)),
                "error": j["error"],
                "read": side(j.get("read")),
                "write": side(j.get("write")),
            })
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
                   "size": "32M"},
        "results": results,
    }
    if os.environ.get("VHM_RUN_MODE") in ("quick", "full"):
        doc["env"]["mode"] = os.environ["VHM_RUN_MODE"]
    if doc["env"]["clock"] == "virtual":
        doc["env"]["icount_shift"] = int(os.environ.get("VHM_ICOUNT_SHIFT", "0"))
    with open(out, "w") as f:
        json.dump(doc, f, indent=2, sort_keys=True)
        f.write("\n")

    if doc["env"]["clock"] == "virtual":
        # Guest time: 1 ns per instruction at shift 0 (docs/bench.md).
        print("fio on the virtual clock: IOPS per virtual s, latencies in virtual us")
        units = ("IOPS/vs", "p50 vus", "p99 vus")
    else:
        units = ("IOPS", "p50 us", "p99 us")
    print("%-10s %-9s %-14s %5s %-5s %10s %10s %10s" %
          (("job", "path", "engine", "depth", "dir") + units))
    for r in results:
        for d in ("read", "write"):
            s = r[d]
            if not s:
                continue
            print("%-10s %-9s %-14s %5d %-5s %10.0f %10.1f %10.1f" %
                  (r["section"], r["path"], r["engine"], r["iodepth"], d,
                   s["iops"], (s["clat_p50_ns"] or 0) / 1000,
                   (s["clat_p99_ns"] or 0) / 1000))


if __name__ == "__main__":
    main()
