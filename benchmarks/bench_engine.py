"""Deferred acceptance at 1,000 and 10,000 applicants and at NRMP scale.

Markets come from :func:`matchsim.markets.simple.nrmp_shaped_market` with a
fixed seed and are built outside the timing. ``warmup_rounds=1`` runs the
match once before timing, so loading or compiling the numba kernels is not
counted; ``bench_cold_start.py`` measures that separately.

The timed call is the whole public function: building the rank look-up table
from the lists, the proposals, and collecting the result.
"""

from __future__ import annotations

import numpy as np
import pytest

from _markets import NRMP_APPLICANTS, market_of_size
from matchsim import deferred_acceptance, is_stable
from matchsim.engine import receiver_ranks

ROUNDS = {1_000: 200, 10_000: 50, NRMP_APPLICANTS: 25}

SIZES = [
    pytest.param(1_000, id="1k"),
    pytest.param(10_000, id="10k"),
    pytest.param(NRMP_APPLICANTS, id="nrmp", marks=pytest.mark.big),
]


@pytest.mark.benchmark(group="deferred acceptance")
@pytest.mark.parametrize("proposing", ["applicant", "program"])
@pytest.mark.parametrize("n_applicants", SIZES)
def test_deferred_acceptance(benchmark, n_applicants, proposing):
    market = market_of_size(n_applicants)
    result = benchmark.pedantic(
        deferred_acceptance, args=(market, proposing), rounds=ROUNDS[n_applicants],
        iterations=1, warmup_rounds=1,
    )
    entries = int(market.applicant_list.size)
    benchmark.extra_info.update(
        applicants=market.n_applicants, programs=market.n_programs, positions=market.n_positions,
        list_entries=entries, proposals=result.proposals, rounds=result.rounds,
        matched=result.n_matched,
    )
    assert result.filled.sum() == result.n_matched
    if n_applicants <= 10_000:
        assert is_stable(market, result.assignment)


@pytest.mark.benchmark(group="deferred acceptance")
@pytest.mark.parametrize("n_applicants", SIZES)
def test_both_sides_agree_on_who_is_matched(n_applicants):
    # The rural hospitals theorem, checked on the benchmark markets themselves:
    # the two algorithms match the same applicants and fill the same positions.
    market = market_of_size(n_applicants)
    a = deferred_acceptance(market, "applicant")
    p = deferred_acceptance(market, "program")
    assert np.array_equal(a.assignment >= 0, p.assignment >= 0)
    assert np.array_equal(a.filled, p.filled)


@pytest.mark.benchmark(group="rank table and verifier")
@pytest.mark.parametrize("n_applicants", SIZES)
def test_receiver_ranks(benchmark, n_applicants):
    """The rank table alone (the first step of every DA run and of the stability checks)."""
    market = market_of_size(n_applicants)
    table = benchmark.pedantic(receiver_ranks, args=(market,), rounds=ROUNDS[n_applicants],
                               iterations=1, warmup_rounds=1)
    assert table.shape == market.applicant_list.shape


@pytest.mark.benchmark(group="rank table and verifier")
@pytest.mark.parametrize("n_applicants", SIZES)
def test_is_stable(benchmark, n_applicants):
    """Verifying a result: compare with test_deferred_acceptance of the same size."""
    market = market_of_size(n_applicants)
    assignment = deferred_acceptance(market).assignment
    stable = benchmark.pedantic(is_stable, args=(market, assignment), rounds=ROUNDS[n_applicants],
                                iterations=1, warmup_rounds=1)
    assert stable
