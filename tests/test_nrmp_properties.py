"""Properties of the NRMP algorithm and its checker on random tiny markets.

The brute-force oracle (:mod:`matchsim.engine.nrmp_brute`, plain Python that
shares no code or table with the kernels) is the independent judge:

* every result the algorithm calls stable has no blocking instance by the
  oracle's own definitions;
* where the oracle proves no stable matching exists, the result says not stable;
* where one exists, the algorithm finds one in at least 97% of markets;
* without extensions, the NRMP kernel itself gives deferred acceptance;
* the checker's verdict equals the oracle's on random outcomes.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from matchsim import nrmp_match
from matchsim.engine import deferred_acceptance, nrmp_blocking, nrmp_blocking_brute, nrmp_stable_outcomes_brute
from matchsim.engine.nrmp import _nrmp_kernel_match
from tests.nrmp_markets import nrmp_markets, random_nrmp_market, random_outcome

EXTENSIONS = dict(supplemental=0.5, reversions=0.3, even_odd=0.2)

#: Required share of markets with a stable matching in which the algorithm finds one (issue 9).
MIN_FOUND_RATE = 0.97


def brute_stable(m, r):
    pairs, pg, cps, feasible = nrmp_blocking_brute(m, r.assignment, r.pgy1, r.parity_drop)
    return feasible and not pairs and not pg and not cps


@settings(max_examples=150, deadline=None)
@given(nrmp_markets(**EXTENSIONS))
def test_a_result_called_stable_is_stable_by_the_oracle(m):
    r = nrmp_match(m)
    assert r.stable == brute_stable(m, r)


@settings(max_examples=150, deadline=None)
@given(nrmp_markets(n_couples=(1, 2), **EXTENSIONS))
def test_where_no_stable_matching_exists_the_result_says_so(m):
    r = nrmp_match(m)
    if not nrmp_stable_outcomes_brute(m, parity_drop=r.parity_drop).exists:
        assert not r.stable
        assert r.loops.loops or r.blocking.n_blocking


@settings(max_examples=100, deadline=None)
@given(nrmp_markets(n_couples=(0, 0), n_singles=(1, 6), n_programs=(1, 5)))
def test_without_extensions_the_kernel_is_deferred_acceptance(m):
    assert not m.has_extensions
    r = _nrmp_kernel_match(m)
    da = deferred_acceptance(m)
    assert r.assignment.tolist() == da.assignment.tolist()
    assert r.rank.tolist() == da.rank.tolist()
    assert r.filled.tolist() == da.filled.tolist()


@settings(max_examples=200, deadline=None)
@given(nrmp_markets(**EXTENSIONS))
def test_the_checker_agrees_with_the_brute_force_definition(m):
    rng = np.random.default_rng(m.n_applicants * 7919 + m.n_programs)
    for _ in range(3):
        primary, pgy1 = random_outcome(m, rng)
        b = nrmp_blocking(m, primary, pgy1)
        pairs, pg, cps, feasible = nrmp_blocking_brute(m, primary, pgy1)
        assert sorted(map(tuple, b.pairs.tolist())) == sorted(pairs)
        assert sorted(map(tuple, b.pgy1_pairs.tolist())) == sorted(pg)
        assert sorted(map(tuple, b.couples.tolist())) == sorted(cps)
        assert b.stable == (feasible and not pairs and not pg and not cps)


def found_rate(n_markets, **kw):
    """(markets with a stable matching, those where the match found one, markets without)."""
    exists = found = none = 0
    for seed in np.random.SeedSequence(9).generate_state(n_markets).tolist():
        m = random_nrmp_market(seed, **kw)
        r = nrmp_match(m)
        if nrmp_stable_outcomes_brute(m, parity_drop=r.parity_drop).exists:
            exists += 1
            found += r.stable
        else:
            none += 1
            assert not r.stable
    return exists, found, none


@pytest.mark.slow
@pytest.mark.parametrize("kw", [dict(n_couples=(1, 2)), dict(n_couples=(1, 2), **EXTENSIONS)],
                         ids=["couples", "every-extension"])
def test_a_stable_matching_is_found_where_one_exists(kw):
    exists, found, none = found_rate(2000, **kw)
    assert exists > 1500
    assert found / exists >= MIN_FOUND_RATE, (exists, found, none)
