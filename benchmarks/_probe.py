"""Measurements that need a fresh Python process; run by ``bench_cold_start.py``.

Usage::

    python benchmarks/_probe.py first-call N_APPLICANTS PROPOSING
    python benchmarks/_probe.py memory N_APPLICANTS PROPOSING
    python benchmarks/_probe.py nrmp-memory KIND      (KIND: every-extension or couples)

Prints one JSON line.

``first-call``: seconds to import the engine (NumPy, numba, matchsim), and seconds of the first and the
second call of ``deferred_acceptance`` on the benchmark market (built before
the timing). Point ``NUMBA_CACHE_DIR`` at an empty folder for a cold start
(kernels compiled), at a filled one for a warm start (kernels loaded from the
cache).

``memory``: resident memory (RSS) of the process. After a warm-up match, the
kernel's peak is isolated by resetting the kernel's high-water mark (writing
``5`` to ``/proc/self/clear_refs``, Linux) and reading ``VmHWM`` from
``/proc/self/status`` after one more match; in between, ``malloc_trim(0)``
returns memory freed by the warm-up to the system, so that the match has to
claim every page it uses afresh. ``tracemalloc`` cannot be used:
numba's allocations bypass Python's allocator.

``nrmp-memory``: the same for ``nrmp_match`` and its stability check on the
NRMP-scale markets of ``_nrmp_market.py`` (run by ``bench_nrmp.py``).
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import time


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _peak_above(run) -> dict:
    """Run ``run()`` once after freed memory went back to the system; the RSS before and its peak, in MB."""
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = _status_kb("VmRSS")
    run()
    peak = _status_kb("VmHWM")
    return dict(rss_before_mb=before / 1024, peak_rss_mb=peak / 1024, match_peak_mb=(peak - before) / 1024)


def nrmp_memory(kind: str) -> dict:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _nrmp_market import MARKETS
    from matchsim import nrmp_match

    market = MARKETS[kind]()
    nrmp_match(market).stable  # warm-up: load the kernels
    return {"mode": "nrmp-memory", "kind": kind, **_peak_above(lambda: nrmp_match(market).stable)}


def main(argv):
    if argv[0] == "nrmp-memory":
        print(json.dumps(nrmp_memory(argv[1])))
        return
    mode, n, proposing = argv[0], int(argv[1]), argv[2]
    t0 = time.perf_counter()
    from matchsim import deferred_acceptance  # the engine, with NumPy and numba

    t_import = time.perf_counter() - t0
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _markets import market_of_size

    market = market_of_size(n)
    out = {"mode": mode, "n_applicants": n, "proposing": proposing, "import_s": t_import}
    if mode == "first-call":
        t0 = time.perf_counter()
        deferred_acceptance(market, proposing)
        t1 = time.perf_counter()
        deferred_acceptance(market, proposing)
        t2 = time.perf_counter()
        out.update(first_call_s=t1 - t0, second_call_s=t2 - t1)
    elif mode == "memory":
        deferred_acceptance(market, proposing)
        market_bytes = sum(
            a.nbytes for a in (market.applicant_ptr, market.applicant_list, market.program_ptr,
                               market.program_list, market.capacity)
        )
        # hand freed memory back to the system, so the match must fault in
        # every page it touches and the high-water mark sees all of it
        out.update(_peak_above(lambda: deferred_acceptance(market, proposing)),
                   market_arrays_mb=market_bytes / 2**20)
    else:
        raise SystemExit(f"unknown mode {mode!r}: use first-call or memory")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
