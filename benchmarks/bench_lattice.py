"""All stable matchings of a 1,000 x 1,000 uniform random complete market (target: under 5 s).

Pittel (1989): such a market has about ``n ln n / e`` (about 2,500 at
n = 1,000) stable matchings on average. The timed call builds the lattice
(both ends by deferred acceptance, the rotations and the poset) and lists
every stable matching; compiling the kernels is left out by a warm-up round.
The reference in the same run is one applicant-proposing deferred acceptance
on the same market.
"""

from __future__ import annotations

import numpy as np
import pytest

from matchsim import Market, deferred_acceptance
from matchsim.engine.lattice import stable_lattice

SEED = 19_890_301


def complete_market(n: int, seed: int = SEED) -> Market:
    """One-to-one, complete uniform random lists on both sides."""
    rng = np.random.default_rng(seed)
    a = np.argsort(rng.random((n, n)), axis=1).astype(np.int32)
    p = np.argsort(rng.random((n, n)), axis=1).astype(np.int32)
    ptr = np.arange(0, n * n + 1, n, dtype=np.int64)
    return Market.from_arrays(ptr, a.ravel(), ptr, p.ravel(), np.ones(n, dtype=np.int32))


def all_stable(market):
    lat = stable_lattice(market)
    return lat, lat.matchings(limit=1_000_000)


@pytest.mark.benchmark(group="stable matchings")
@pytest.mark.parametrize("n", [100, pytest.param(1_000, marks=pytest.mark.big)])
def test_all_stable_matchings_complete_market(benchmark, n):
    market = complete_market(n)
    lat, rows = benchmark.pedantic(all_stable, args=(market,), rounds=5, iterations=1, warmup_rounds=1)
    benchmark.extra_info.update(n=n, rotations=lat.n_rotations, stable_matchings=int(rows.shape[0]),
                                pittel_estimate=round(n * np.log(n) / np.e))
    assert np.array_equal(rows[0], deferred_acceptance(market).assignment)


@pytest.mark.benchmark(group="stable matchings")
def test_reference_one_deferred_acceptance(benchmark):
    market = complete_market(1_000)
    benchmark.pedantic(deferred_acceptance, args=(market,), rounds=5, iterations=1, warmup_rounds=1)


@pytest.mark.benchmark(group="stable matchings")
@pytest.mark.parametrize("n_applicants", [pytest.param(47_000, id="nrmp", marks=pytest.mark.big)])
def test_lattice_of_nrmp_shaped_market(benchmark, n_applicants):
    from _markets import market_of_size

    market = market_of_size(n_applicants)
    lat = benchmark.pedantic(stable_lattice, args=(market,), rounds=3, iterations=1, warmup_rounds=1)
    benchmark.extra_info.update(rotations=lat.n_rotations, count=lat.count(),
                                with_several_partners=int((lat.n_stable_partners() > 1).sum()))
