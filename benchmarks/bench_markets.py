"""Benchmarks for the synthetic market generator and the ranking strategies.

Target (issue 4): generating an NRMP-scale market (the ``nrmp2025`` preset:
47,208 applicants, 6,626 programs, 40,041 positions) takes under 1 s.

Run::

    python -m pytest benchmarks/bench_markets.py --benchmark-columns=min,median,max,rounds

Seeds are fixed; JIT compilation is excluded (``warmup_rounds=1``). The
machine is shared, so read ratios measured in the same run (e.g. generation
against one DA solve of the same market) rather than absolute times. The
NRMP-scale cases are marked ``big`` (skipped in the ``--benchmark-disable``
smoke run unless ``MATCHSIM_BENCH_FULL=1``).
"""

from __future__ import annotations

import pytest

from matchsim.engine import deferred_acceptance
from matchsim.markets import generate_market
from matchsim.strategies import STRATEGIES, apply_strategy


@pytest.mark.benchmark(group="generate")
@pytest.mark.parametrize("name", ["small", "pmr", "anesthesiology", pytest.param("nrmp2025", marks=pytest.mark.big)])
def test_generate_market(benchmark, name):
    sm = benchmark.pedantic(generate_market, args=(name,), kwargs={"rng": 1}, rounds=5,
                            warmup_rounds=1)
    benchmark.extra_info["applicants"] = sm.market.n_applicants
    benchmark.extra_info["list entries"] = int(sm.market.applicant_list.size)


@pytest.fixture(scope="module")
def nrmp():
    return generate_market("nrmp2025", rng=1)


@pytest.mark.big
@pytest.mark.benchmark(group="strategy, everybody, NRMP scale")
@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_apply_strategy_everybody(benchmark, nrmp, strategy):
    benchmark.pedantic(apply_strategy, args=(nrmp, strategy, "all"), rounds=5, warmup_rounds=1)


@pytest.mark.big
@pytest.mark.benchmark(group="generate")
def test_da_on_generated_market(benchmark, nrmp):
    """One applicant-proposing DA solve of the same market, for scale."""
    benchmark.pedantic(deferred_acceptance, args=(nrmp.market, "applicant"), rounds=5,
                       warmup_rounds=1)


@pytest.mark.big
@pytest.mark.benchmark(group="messages")
def test_redraw_messages(benchmark, nrmp):
    benchmark.pedantic(nrmp.with_messages, kwargs={"informativeness": 0.0}, rounds=5,
                       warmup_rounds=1)
