"""Building markets at NRMP scale: validation of CSR arrays, and generation.

Target: ``Market.from_arrays`` under 200 ms on an NRMP-sized market (47,000
applicants, about 560,000 applicant ranks and 470,000 program ranks). The
arrays are prepared outside the timing; each round validates them again
(range and duplicate checks, a numba kernel, compiled before timing).
"""

from __future__ import annotations

import numpy as np
import pytest

from _markets import NRMP_APPLICANTS, SEED, market_of_size, shape
from matchsim import Market
from matchsim.markets.simple import nrmp_shaped_market


@pytest.mark.benchmark(group="market build")
@pytest.mark.parametrize(
    "n_applicants", [pytest.param(10_000, id="10k"), pytest.param(NRMP_APPLICANTS, id="nrmp", marks=pytest.mark.big)]
)
def test_from_arrays(benchmark, n_applicants):
    m = market_of_size(n_applicants)
    # plain writable copies, as a reader would hand them over
    arrays = [np.array(a) for a in (m.applicant_ptr, m.applicant_list, m.program_ptr, m.program_list, m.capacity)]
    built = benchmark.pedantic(Market.from_arrays, args=arrays, rounds=20, iterations=1, warmup_rounds=1)
    assert built.n_applicants == m.n_applicants
    assert np.array_equal(built.program_list, m.program_list)


@pytest.mark.benchmark(group="market build")
@pytest.mark.parametrize(
    "n_applicants", [pytest.param(10_000, id="10k"), pytest.param(NRMP_APPLICANTS, id="nrmp", marks=pytest.mark.big)]
)
def test_nrmp_shaped_market(benchmark, n_applicants):
    n_a, n_p, n_pos = shape(n_applicants)
    m = benchmark.pedantic(
        nrmp_shaped_market, args=(n_a, n_p, n_pos), kwargs={"rng": SEED}, rounds=5, iterations=1,
        warmup_rounds=1,
    )
    benchmark.extra_info.update(list_entries=int(m.applicant_list.size))
    assert m.n_positions == n_pos
