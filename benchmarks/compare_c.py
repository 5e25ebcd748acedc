"""Time matchsim's deferred acceptance against plain C programs of the same design, side by side.

Each side of the algorithm is timed against a C program that does the same
work in the same way:

* **applicant-proposing**: the plain C reference kept outside this project
  (``MATCHSIM_C_REF``, default ``/work/shared/bench/da_ref.c``: a max-heap of
  held applicants per program and an edge-aligned table of each list entry's
  rank at the program), compiled from where it lies (``c_reference_shim.c``
  includes it and exposes one whole solve); skipped when it is not there;
* **program-proposing**: ``benchmarks/da_program.c``, this project's plain C
  program-proposing deferred acceptance written the same way (an edge-aligned
  table of each program-list entry's rank at the applicant, an array of the
  offer each applicant holds, offers in chains).

Both C programs are built as shared libraries with ``gcc -O2`` and called
through ``ctypes`` in this process, so the contenders can be **alternated call
by call**: each round calls every contender once (the order rotates from round
to round), and every call is timed the same way, with ``time.perf_counter``
around one whole solve (allocation, rank-table set-up, proposals, extraction;
for matchsim the public ``deferred_acceptance`` call). Both see the same
machine load, the same memory allocator and warm caches. The script prints, per
market and side, the minimum, median and maximum of each contender, the ratio
of the medians (matchsim / C) with the spread of the per-round ratios, and
checks that matchsim's matching and number of proposals (or offers) equal the C
program's; it exits with status 1 if they do not.

Markets (all generated in-process, nothing to download):

* ``--sizes``: ``matchsim.markets.simple.nrmp_shaped_market`` in NRMP
  proportions (the benchmark markets of ``_markets.py``);
* ``--c-market``: the market of the reference's own generator
  (``gen_market.py`` next to the C source, ``--scale full --seed 1``: 45,000
  applicants, raw lists), written to a temporary folder and read back;
* ``--npz FILE``: any market that generator wrote (``python gen_market.py
  --scale full --seed 1 --out /tmp/m_full`` writes ``/tmp/m_full.npz``).

Examples::

    python benchmarks/compare_c.py                        # NRMP scale
    python benchmarks/compare_c.py --sizes 10000,20000,47000,100000,200000 --rounds 21
    python benchmarks/compare_c.py --c-market             # also the reference generator's market
    python benchmarks/compare_c.py --npz /tmp/m_full.npz --json

Without ``gcc`` the script says so and exits with status 0 (nothing to
compare against).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _markets import market_of_size  # noqa: E402

from matchsim import Market, deferred_acceptance  # noqa: E402

DEFAULT_SOURCE = os.environ.get("MATCHSIM_C_REF", "/work/shared/bench/da_ref.c")
PROGRAM_SOURCE = HERE / "da_program.c"
SHIM_SOURCE = HERE / "c_reference_shim.c"
SIDES = ("applicant", "program")

_I32P = ctypes.POINTER(ctypes.c_int32)


@dataclass
class CPrograms:
    """The C solvers, loaded: ``solve[side](arrays, match) -> proposals``; ``why[side]`` if missing."""

    solve: dict
    why: dict


def _gcc():
    return shutil.which("gcc") or shutil.which("cc")


def build(workdir: Path, reference_source=DEFAULT_SOURCE) -> CPrograms | None:
    """Compile and load the C programs; ``None`` (with the reason printed) without a compiler."""
    gcc = _gcc()
    if gcc is None:
        print("compare_c: gcc not found; nothing to compare")
        return None
    solve, why = {}, {}
    lib = workdir / "libms_program.so"
    subprocess.run([gcc, "-O2", "-std=c11", "-shared", "-fPIC", "-o", str(lib), str(PROGRAM_SOURCE)], check=True)
    f = ctypes.CDLL(str(lib)).ms_program_proposing
    f.restype = ctypes.c_int64
    f.argtypes = [ctypes.c_int32, ctypes.c_int32] + [_I32P] * 6
    solve["program"] = lambda arr, match: f(arr["n_a"], arr["n_p"], arr["a_ptr"], arr["a_idx"], arr["p_ptr"],
                                            arr["p_idx"], arr["cap"], match)
    ref = Path(reference_source)
    if not ref.is_file():
        why["applicant"] = f"C reference {ref} not found (set MATCHSIM_C_REF)"
    else:
        lib = workdir / "libms_ref.so"
        subprocess.run([gcc, "-O2", "-std=c11", "-shared", "-fPIC", f'-DDA_REF_SOURCE="{ref}"',
                        "-o", str(lib), str(SHIM_SOURCE)], check=True)
        g = ctypes.CDLL(str(lib)).ms_applicant_reference
        g.restype = ctypes.c_int64
        g.argtypes = [ctypes.c_int32] * 4 + [_I32P] * 6
        solve["applicant"] = lambda arr, match: g(arr["n_a"], arr["n_p"], arr["nnz_a"], arr["nnz_p"], arr["a_ptr"],
                                                  arr["a_idx"], arr["p_ptr"], arr["p_idx"], arr["cap"], match)
    return CPrograms(solve, why)


def c_arrays(market: Market) -> dict:
    """The market as the C programs take it: int32 CSR arrays (kept alive) and their pointers."""
    if market.applicant_list.size >= 2**31 or market.program_list.size >= 2**31:
        raise ValueError("market too large for int32 arrays")
    keep = {name: np.ascontiguousarray(getattr(market, attr), dtype=np.int32) for name, attr in (
        ("a_ptr", "applicant_ptr"), ("a_idx", "applicant_list"), ("p_ptr", "program_ptr"),
        ("p_idx", "program_list"), ("cap", "capacity"))}
    out = {name: arr.ctypes.data_as(_I32P) for name, arr in keep.items()}
    out.update(n_a=market.n_applicants, n_p=market.n_programs, nnz_a=int(keep["a_idx"].size),
               nnz_p=int(keep["p_idx"].size), _keep=keep)
    return out


def load_npz_market(path) -> Market:
    """A market saved by the reference generator (its raw applicant lists ``ar_*``)."""
    d = np.load(path, allow_pickle=False)
    return Market.from_arrays(d["ar_ptr"], d["ar_idx"], d["p_ptr"], d["p_idx"], d["cap"])


def generator_market(reference_source=DEFAULT_SOURCE) -> Market | None:
    """The reference generator's own full-scale market (seed 1), made in a temporary folder."""
    gen = Path(reference_source).with_name("gen_market.py")
    if not gen.is_file():
        print(f"compare_c: {gen} not found; no generator market")
        return None
    with tempfile.TemporaryDirectory(prefix="matchsim_gen_") as tmp:
        subprocess.run([sys.executable, str(gen), "--scale", "full", "--seed", "1", "--out", f"{tmp}/m_full"],
                       check=True, capture_output=True)
        return load_npz_market(f"{tmp}/m_full.npz")


def _spread(values) -> dict:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def compare(market: Market, label: str, c: CPrograms, rounds: int) -> dict:
    """Alternate every contender call by call for ``rounds`` rounds on ``market``; the figures."""
    arrays = c_arrays(market)
    contenders = []  # (side, who, call() -> (proposals, assignment))
    for side in SIDES:
        if side in c.solve:
            buf = np.empty(market.n_applicants, dtype=np.int32)
            ptr = buf.ctypes.data_as(_I32P)
            contenders.append((side, "C", lambda s=side, b=buf, p=ptr: (c.solve[s](arrays, p), b)))
            contenders.append((side, "matchsim", lambda s=side: _ours(market, s)))
    first = {}
    for side, who, call in contenders:  # warm-up: kernels loaded, pages touched; results kept
        proposals, assignment = call()
        first[side, who] = (int(proposals), assignment.copy())
    times = {(side, who): [] for side, who, _ in contenders}
    for r in range(rounds):
        k = r % len(contenders)
        for side, who, call in contenders[k:] + contenders[:k]:
            t0 = time.perf_counter()
            call()
            times[side, who].append((time.perf_counter() - t0) * 1e3)
    out = {"market": label, "applicants": market.n_applicants, "programs": market.n_programs,
           "positions": market.n_positions, "list_entries": int(market.applicant_list.size), "rounds": rounds,
           "sides": {}}
    for side in SIDES:
        if side not in c.solve:
            out["sides"][side] = {"skipped": c.why.get(side, "no C program")}
            continue
        c_ms, ours_ms = times[side, "C"], times[side, "matchsim"]
        ratios = [o / t for o, t in zip(ours_ms, c_ms)]
        out["sides"][side] = {
            "proposals": first[side, "matchsim"][0],
            "c_proposals": first[side, "C"][0],
            "same_matching": bool(np.array_equal(first[side, "C"][1], first[side, "matchsim"][1])),
            "c_ms": _spread(c_ms),
            "matchsim_ms": _spread(ours_ms),
            "ratio_of_medians": statistics.median(ours_ms) / statistics.median(c_ms),
            "ratio_per_round": _spread(ratios),
        }
    return out


def _ours(market, side):
    r = deferred_acceptance(market, side)
    return r.proposals, r.assignment


def agrees(row: dict) -> bool:
    """Every compared side gave the C program's matching and number of proposals."""
    return all(s.get("skipped") or (s["same_matching"] and s["proposals"] == s["c_proposals"])
               for s in row["sides"].values())


def print_table(rows: list[dict]) -> None:
    def mmm(d):
        return f"{d['min']:.2f} / {d['median']:.2f} / {d['max']:.2f}"

    print(f"{'market':<20} {'side':<10} {'proposals':>10}  {'C ms min / med / max':>24}  "
          f"{'matchsim ms min / med / max':>27}  {'ratio [per-round range]':>24}  same")
    for row in rows:
        name = f"{row['market']}"
        for side, s in row["sides"].items():
            if s.get("skipped"):
                print(f"{name:<20} {side:<10} skipped: {s['skipped']}")
            else:
                rr = s["ratio_per_round"]
                ratio = f"{s['ratio_of_medians']:.2f} [{rr['min']:.2f}-{rr['max']:.2f}]"
                same = "yes" if s["same_matching"] and s["proposals"] == s["c_proposals"] else "NO"
                print(f"{name:<20} {side:<10} {s['proposals']:>10,}  {mmm(s['c_ms']):>24}  "
                      f"{mmm(s['matchsim_ms']):>27}  {ratio:>24}  {same}")
            name = ""
    print("ratio = matchsim / C (median over rounds); same = identical matching and proposal count.")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--c-source", default=DEFAULT_SOURCE,
                    help="the C applicant-proposing reference (default: %(default)s)")
    ap.add_argument("--sizes", default="47000",
                    help="comma-separated applicant counts of benchmark markets (NRMP proportions); "
                         "'' for none (default: %(default)s)")
    ap.add_argument("--c-market", action="store_true",
                    help="also the reference generator's own market (gen_market.py next to --c-source)")
    ap.add_argument("--npz", action="append", default=[],
                    help="also a market written by the reference generator (.npz); repeatable")
    ap.add_argument("--rounds", type=int, default=21,
                    help="rounds; each calls every contender once (default: %(default)s)")
    ap.add_argument("--json", action="store_true", help="print one JSON object per market instead of a table")
    args = ap.parse_args(argv)
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    for path in args.npz:
        if not Path(path).is_file():
            ap.error(f"--npz {path}: no such file; write one with the reference generator, e.g. "
                     f"python {Path(args.c_source).with_name('gen_market.py')} --scale full --seed 1 "
                     "--out /tmp/m_full (then --npz /tmp/m_full.npz), or use --c-market")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    rows = []
    with tempfile.TemporaryDirectory(prefix="matchsim_compare_c_") as tmp:
        c = build(Path(tmp), args.c_source)
        if c is None:
            return 0
        jobs = [(f"{n:,} applicants", lambda n=n: market_of_size(n)) for n in sizes]
        if args.c_market:
            jobs.append(("generator's market", lambda: generator_market(args.c_source)))
        jobs += [(Path(p).name, lambda p=p: load_npz_market(p)) for p in args.npz]
        for label, make in jobs:
            market = make()
            if market is None:
                continue
            row = compare(market, label, c, args.rounds)
            rows.append(row)
            if args.json:
                print(json.dumps(row), flush=True)
    if not args.json:
        print_table(rows)
    if not all(agrees(r) for r in rows):
        print("compare_c: matchsim and a C program DISAGREE", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
