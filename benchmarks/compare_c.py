"""Time matchsim's deferred acceptance against a plain C implementation.

The C program (a reference implementation of applicant-proposing deferred
acceptance kept outside this project: a max-heap of held applicants per
program and a table of each list entry's rank at the program) is compiled from
where it lies with ``gcc -O2``; nothing of it is copied here. For each market
the script writes the C program's binary input, then alternates the two
implementations ``--rounds`` times, so both see the same machine load:

* C: ``da_ref MARKET.bin REPEATS MATCH.bin`` prints the median of REPEATS
  warm solves (``full``: allocate + rank-table set-up + proposals +
  extraction), and writes its matching;
* matchsim: the median of REPEATS calls of ``deferred_acceptance`` (the whole
  public function: rank table, proposals, result), after one warm-up call.

It prints the median over rounds of each figure and the ratio matchsim / C,
and checks that matchsim's applicant-proposing matching equals the C
program's, applicant by applicant. Program-proposing is timed too, against
the same C (applicant-proposing) figure.

Binary market format (little-endian int32): the 8 bytes ``DAMKT1\\0\\0``;
``n_applicants, n_programs, n_applicant_entries, n_program_entries``;
``applicant_ptr[n_a + 1]``, ``applicant_list``, ``program_ptr[n_p + 1]``,
``program_list``, ``capacity[n_p]``.

Examples::

    python benchmarks/compare_c.py                       # NRMP scale
    python benchmarks/compare_c.py --sizes 10000,20000,50000,100000,200000
    python benchmarks/compare_c.py --npz /tmp/x/m_full.npz   # a market from gen_market.py
    python benchmarks/compare_c.py --json

If the C source or ``gcc`` is missing, the script says so and exits with
status 0 (nothing to compare against).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _markets import market_of_size  # noqa: E402

from matchsim import Market, deferred_acceptance  # noqa: E402

DEFAULT_SOURCE = os.environ.get("MATCHSIM_C_REF", "/work/shared/bench/da_ref.c")
MAGIC = b"DAMKT1\0\0"


def find_compiler_and_source(source: str | os.PathLike):
    """``(gcc path, source path)``, or ``None`` with the reason printed."""
    src = Path(source)
    if not src.is_file():
        print(f"compare_c: C reference {src} not found; nothing to compare (set MATCHSIM_C_REF)")
        return None
    gcc = shutil.which("gcc")
    if gcc is None:
        print("compare_c: gcc not found; nothing to compare")
        return None
    return gcc, src


def compile_reference(gcc: str, source: Path, workdir: Path) -> Path:
    exe = workdir / "da_ref"
    subprocess.run([gcc, "-O2", "-std=c11", "-o", str(exe), str(source)], check=True)
    return exe


def write_market_bin(market: Market, path: Path) -> None:
    """Write ``market`` in the C program's binary format (int32 throughout)."""
    arrays = (market.applicant_ptr, market.applicant_list, market.program_ptr, market.program_list,
              market.capacity)
    if market.applicant_list.size >= 2**31 or market.program_list.size >= 2**31:
        raise ValueError("market too large for the int32 binary format")
    header = np.array([market.n_applicants, market.n_programs, market.applicant_list.size,
                       market.program_list.size], dtype="<i4")
    with open(path, "wb") as f:
        f.write(MAGIC)
        f.write(header.tobytes())
        for arr in arrays:
            f.write(np.ascontiguousarray(arr, dtype="<i4").tobytes())


def load_npz_market(path: str) -> Market:
    """A market saved by the reference generator: raw applicant lists ``ar_*``."""
    d = np.load(path, allow_pickle=False)
    return Market.from_arrays(d["ar_ptr"], d["ar_idx"], d["p_ptr"], d["p_idx"], d["cap"])


def time_matchsim(market: Market, proposing: str, repeats: int) -> tuple[float, object]:
    """Median milliseconds of ``repeats`` warm calls, and the last result."""
    result = deferred_acceptance(market, proposing)  # warm-up: kernels loaded/compiled
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = deferred_acceptance(market, proposing)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3, result


def run_c(exe: Path, market_bin: Path, repeats: int, match_out: Path) -> dict:
    done = subprocess.run([str(exe), str(market_bin), str(repeats), str(match_out)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(market: Market, label: str, exe: Path, workdir: Path, rounds: int, repeats: int) -> dict:
    """Alternate C and matchsim ``rounds`` times on ``market``; return the figures."""
    market_bin = workdir / "market.bin"
    match_out = workdir / "match.bin"
    write_market_bin(market, market_bin)
    c_full, c_core, ours_a, ours_p = [], [], [], []
    c_props = same = None
    res_a = None
    for _ in range(rounds):
        c = run_c(exe, market_bin, repeats, match_out)
        c_full.append(c["full_ms_median"])
        c_core.append(c["core_ms_median"])
        c_props = c["proposals"]
        ms, res_a = time_matchsim(market, "applicant", repeats)
        ours_a.append(ms)
        ms, _ = time_matchsim(market, "program", repeats)
        ours_p.append(ms)
        c_match = np.fromfile(match_out, dtype="<i4")
        same = bool(np.array_equal(c_match, res_a.assignment))
    med = statistics.median
    out = {
        "market": label,
        "applicants": market.n_applicants,
        "programs": market.n_programs,
        "positions": market.n_positions,
        "list_entries": int(market.applicant_list.size),
        "proposals": res_a.proposals,
        "c_proposals": c_props,
        "same_matching_as_c": same,
        "c_full_ms": med(c_full),
        "c_core_ms": med(c_core),
        "applicant_ms": med(ours_a),
        "program_ms": med(ours_p),
        "rounds": rounds,
        "repeats": repeats,
    }
    out["applicant_ratio"] = out["applicant_ms"] / out["c_full_ms"]
    out["program_ratio"] = out["program_ms"] / out["c_full_ms"]
    out["applicant_ns_per_entry"] = out["applicant_ms"] * 1e6 / max(1, out["list_entries"])
    out["c_ns_per_entry"] = out["c_full_ms"] * 1e6 / max(1, out["list_entries"])
    return out


def print_table(rows: list[dict]) -> None:
    head = (f"{'market':>18} {'entries':>9} {'C full ms':>9} {'ours A ms':>9} {'A/C':>5} "
            f"{'ours P ms':>9} {'P/C':>5} {'ns/entry A':>10} {'ns/entry C':>10} {'same':>5}")
    print(head)
    for r in rows:
        print(f"{r['market']:>18} {r['list_entries']:>9,} {r['c_full_ms']:>9.2f} {r['applicant_ms']:>9.2f} "
              f"{r['applicant_ratio']:>5.2f} {r['program_ms']:>9.2f} {r['program_ratio']:>5.2f} "
              f"{r['applicant_ns_per_entry']:>10.1f} {r['c_ns_per_entry']:>10.1f} "
              f"{'yes' if r['same_matching_as_c'] else 'NO':>5}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--c-source", default=DEFAULT_SOURCE, help="path of the C reference (default: %(default)s)")
    ap.add_argument("--sizes", default="47000",
                    help="comma-separated applicant counts of benchmark markets (NRMP proportions); "
                         "'' for none (default: %(default)s)")
    ap.add_argument("--npz", action="append", default=[],
                    help="also compare on a market saved by the reference generator (.npz); repeatable")
    ap.add_argument("--rounds", type=int, default=5, help="alternations of C and matchsim (default: %(default)s)")
    ap.add_argument("--repeats", type=int, default=21, help="timed calls per round (default: %(default)s)")
    ap.add_argument("--json", action="store_true", help="print one JSON object per market instead of a table")
    args = ap.parse_args(argv)
    if args.rounds < 1 or args.repeats < 1:
        ap.error("--rounds and --repeats must be at least 1")
    found = find_compiler_and_source(args.c_source)
    if found is None:
        return 0
    gcc, src = found
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    rows = []
    with tempfile.TemporaryDirectory(prefix="matchsim_compare_c_") as tmp:
        workdir = Path(tmp)
        exe = compile_reference(gcc, src, workdir)
        jobs = [(f"{n:,} applicants", lambda n=n: market_of_size(n)) for n in sizes]
        jobs += [(Path(p).name, lambda p=p: load_npz_market(p)) for p in args.npz]
        for label, make in jobs:
            row = compare(make(), label, exe, workdir, args.rounds, args.repeats)
            rows.append(row)
            if args.json:
                print(json.dumps(row), flush=True)
    if not args.json:
        print_table(rows)
    if not all(r["same_matching_as_c"] and r["proposals"] == r["c_proposals"] for r in rows):
        print("compare_c: matchsim and the C reference DISAGREE", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
