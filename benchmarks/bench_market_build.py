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


@pytest.mark.benchmark(group="market build")
def test_from_arrays_with_supplemental_lists_500_applicants(benchmark):
    """The advisor's case: a 500-applicant specialty with ~500 supplemental lists, built once per simulated Match.

    Every round builds the market again from its arrays and containers, so the
    whole validation of the extensions (tracks, links to primary lists, PGY-1
    programs only) is timed; before it was vectorised this took about 16 ms.
    """
    from matchsim.markets.specialty import specialty_track_market

    tracks = np.array([0] * 20 + [1] * 10 + [2] * 10 + [3] * 5, dtype=np.int8)
    m = specialty_track_market(500, tracks, SEED)
    arrays = (m.applicant_ptr, m.applicant_list, m.program_ptr, m.program_list, m.capacity)
    built = benchmark.pedantic(Market.from_arrays, args=arrays,
                               kwargs=dict(tracks=m.tracks, supplemental=m.supplemental),
                               rounds=50, iterations=1, warmup_rounds=1)
    assert built.supplemental.n_lists == m.supplemental.n_lists > 400


@pytest.mark.benchmark(group="market build")
@pytest.mark.big
def test_from_arrays_nrmp_with_couples_supplemental_reversions(benchmark):
    """NRMP scale with 4% of applicants in couples, 10% with supplemental lists, 7% of programs reverting."""
    from _nrmp_market import nrmp_market

    m = nrmp_market()
    arrays = (m.applicant_ptr, m.applicant_list, m.program_ptr, m.program_list, m.capacity)
    kw = dict(tracks=m.tracks, couples=m.couples, supplemental=m.supplemental, reversions=m.reversions)
    built = benchmark.pedantic(Market.from_arrays, args=arrays, kwargs=kw, rounds=5, iterations=1,
                               warmup_rounds=1)
    assert built.n_couples == m.n_couples
