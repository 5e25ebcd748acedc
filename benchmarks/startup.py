"""Time the start-up of a matchsim command in fresh processes, cold and warm.

Cold: numba's cache (``NUMBA_CACHE_DIR``) points at an empty folder, so every
kernel the command uses is compiled. Warm: the folder already holds them.
Each run is a whole new Python process, timed from launch to exit.

Examples::

    python benchmarks/startup.py                          # matchsim match --example nrmp
    python benchmarks/startup.py --runs 10 --cold-runs 2
    python benchmarks/startup.py -- compare --example     # any other matchsim command
    python benchmarks/startup.py --status 2 -- run bad.toml   # a scenario that fails validation

Prints the median and the fastest run of each kind (target for
``match --example nrmp``: under 3 s warm).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(args: list[str], cache_dir: str, status: int = 0) -> float:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "matchsim", *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if done.returncode != status:
        raise SystemExit(f"startup: 'matchsim {' '.join(args)}' failed (status {done.returncode}):\n"
                         f"{done.stderr[-2000:]}")
    return elapsed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="warm runs (default: %(default)s)")
    ap.add_argument("--cold-runs", type=int, default=1, help="cold runs, each with an empty cache (default: %(default)s)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--status", type=int, default=0,
                    help="the exit status the command must end with, e.g. 2 for a scenario that fails "
                         "validation (default: %(default)s)")
    ap.add_argument("command", nargs="*", help="matchsim arguments (default: match --example nrmp)")
    a = ap.parse_args(argv)
    command = a.command or ["match", "--example", "nrmp"]
    cold = []
    for _ in range(a.cold_runs):
        with tempfile.TemporaryDirectory(prefix="matchsim_cold_") as d:
            cold.append(run_once(command, d, a.status))
    with tempfile.TemporaryDirectory(prefix="matchsim_warm_") as d:
        run_once(command, d, a.status)  # fill the cache
        warm = [run_once(command, d, a.status) for _ in range(a.runs)]
    out = {
        "command": "matchsim " + " ".join(command),
        "cold_median_s": statistics.median(cold) if cold else None,
        "cold_min_s": min(cold) if cold else None,
        "warm_median_s": statistics.median(warm) if warm else None,
        "warm_min_s": min(warm) if warm else None,
        "cold_runs": len(cold),
        "warm_runs": len(warm),
    }
    if a.json:
        print(json.dumps(out))
        return 0
    print(out["command"])
    if cold:
        print(f"  cold (empty numba cache): median {out['cold_median_s']:.2f} s, fastest {out['cold_min_s']:.2f} s "
              f"over {len(cold)} run(s)")
    if warm:
        print(f"  warm (kernels cached):    median {out['warm_median_s']:.2f} s, fastest {out['warm_min_s']:.2f} s "
              f"over {len(warm)} run(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
