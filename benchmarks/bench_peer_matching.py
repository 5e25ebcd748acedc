"""Peer comparison with the PyPI package ``matching`` (hospital/resident game).

``matching`` represents every resident and hospital as a Python object; its
``HospitalResident`` game is built from dicts of names, then solved. We time
both packages end to end from the same name dicts:

* ``matching``: ``HospitalResident.create_from_dictionaries`` + ``solve(optimal="resident")``;
* matchsim: ``Market.from_lists`` on the same dicts + ``deferred_acceptance``;
* matchsim from arrays: ``Market.from_arrays`` on the CSR arrays + ``deferred_acceptance``
  (what a study or a file reader does).

``matching`` refuses one-sided entries, so both get the *mutual* lists (each
applicant's list keeps only programs that ranked them back); deferred
acceptance gives the same matching on either form. Sizes: 1,000 and 5,000
applicants; 20,000 (about a minute for ``matching``) only with
``MATCHSIM_BENCH_SLOW=1``. Run with ``-s`` to see the ratios printed.
"""

from __future__ import annotations

import os
import statistics
import sys
import warnings

import numpy as np
import pytest

from _markets import market_of_size
from matchsim import Market, deferred_acceptance
from matchsim.engine import UNRANKED, receiver_ranks

matching_games = pytest.importorskip("matching.games")

SLOW = os.environ.get("MATCHSIM_BENCH_SLOW") == "1"
PEER_SIZES = [
    pytest.param(1_000, id="1k"),
    pytest.param(5_000, id="5k", marks=pytest.mark.big),
    pytest.param(
        20_000, id="20k",
        marks=[pytest.mark.big, pytest.mark.skipif(not SLOW, reason="set MATCHSIM_BENCH_SLOW=1")],
    ),
]
ROUNDS = {1_000: 5, 5_000: 2, 20_000: 1}
_times: dict[tuple[int, str], float] = {}


def mutual_market(n_applicants: int) -> Market:
    """The benchmark market with one-sided applicant entries removed."""
    m = market_of_size(n_applicants)
    ranked_back = receiver_ranks(m) != UNRANKED
    owner = np.repeat(np.arange(m.n_applicants), np.diff(m.applicant_ptr))
    ptr = np.zeros(m.n_applicants + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner[ranked_back], minlength=m.n_applicants), out=ptr[1:])
    return Market(ptr, m.applicant_list[ranked_back], m.program_ptr, m.program_list, m.capacity)


def name_dicts(m: Market):
    """``(resident_prefs, hospital_prefs, capacities)`` keyed by names, as both packages take.

    Applicants with an empty (mutual) list are left out: ``matching`` cannot
    take them, and nobody ranks them, so they are unmatched either way.
    """
    an = [f"r{a}" for a in range(m.n_applicants)]
    pn = [f"h{p}" for p in range(m.n_programs)]
    residents = {
        an[a]: [pn[p] for p in m.applicant_prefs(a)]
        for a in range(m.n_applicants)
        if m.applicant_ptr[a + 1] > m.applicant_ptr[a]
    }
    hospitals = {pn[p]: [an[a] for a in m.program_prefs(p)] for p in range(m.n_programs)}
    capacities = {pn[p]: int(m.capacity[p]) for p in range(m.n_programs)}
    return residents, hospitals, capacities


def solve_with_matching(residents, hospitals, capacities):
    # Building the game deep-copies a web of player objects that point at each
    # other, which recurses far deeper than Python's default limit allows.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 1_000_000))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = matching_games.HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
            return game.solve(optimal="resident")
    finally:
        sys.setrecursionlimit(limit)


def solve_with_matchsim_from_lists(residents, hospitals, capacities):
    m = Market.from_lists(residents, hospitals, capacities)
    return m, deferred_acceptance(m)


def solve_with_matchsim_from_arrays(arrays):
    m = Market.from_arrays(*arrays)
    return m, deferred_acceptance(m)


def _record(benchmark, n, who):
    stats = getattr(benchmark, "stats", None)
    if stats is not None and stats.stats.data:
        _times[(n, who)] = statistics.median(stats.stats.data)


@pytest.mark.benchmark(group="peer: matching")
@pytest.mark.parametrize("n_applicants", PEER_SIZES)
def test_peer_matching(benchmark, n_applicants):
    dicts = name_dicts(mutual_market(n_applicants))
    benchmark.pedantic(solve_with_matching, args=dicts, rounds=ROUNDS[n_applicants], iterations=1)
    _record(benchmark, n_applicants, "matching")


@pytest.mark.benchmark(group="peer: matching")
@pytest.mark.parametrize("n_applicants", PEER_SIZES)
def test_matchsim_from_lists(benchmark, n_applicants):
    dicts = name_dicts(mutual_market(n_applicants))
    benchmark.pedantic(solve_with_matchsim_from_lists, args=dicts, rounds=10, iterations=1, warmup_rounds=1)
    _record(benchmark, n_applicants, "matchsim (dicts)")


@pytest.mark.benchmark(group="peer: matching")
@pytest.mark.parametrize("n_applicants", PEER_SIZES)
def test_matchsim_from_arrays(benchmark, n_applicants):
    m = mutual_market(n_applicants)
    arrays = [np.array(a) for a in (m.applicant_ptr, m.applicant_list, m.program_ptr, m.program_list, m.capacity)]
    benchmark.pedantic(solve_with_matchsim_from_arrays, args=(arrays,), rounds=50, iterations=1, warmup_rounds=1)
    _record(benchmark, n_applicants, "matchsim (arrays)")


@pytest.mark.parametrize("n_applicants", [200, 1_000])
def test_same_matching_as_peer(n_applicants):
    residents, hospitals, capacities = name_dicts(mutual_market(n_applicants))
    theirs = solve_with_matching(residents, hospitals, capacities)
    m, ours = solve_with_matchsim_from_lists(residents, hospitals, capacities)
    expected = {h.name: sorted(r.name for r in rs) for h, rs in theirs.items()}
    got = {m.program_label(p): sorted(m.applicant_label(a) for a in ours.members(p)) for p in range(m.n_programs)}
    assert got == expected


def teardown_module(module):
    sizes = sorted({n for n, _ in _times})
    if not sizes:
        return
    print("\npeer comparison (median seconds, end to end from the same lists)")
    for n in sizes:
        peer = _times.get((n, "matching"))
        for who in ("matchsim (dicts)", "matchsim (arrays)"):
            ours = _times.get((n, who))
            if peer and ours:
                print(f"{n:>7,} applicants: matching {peer:9.3f} s, {who} {ours:8.4f} s, ratio {peer / ours:8.0f}x")
