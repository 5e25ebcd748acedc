"""The audit of every applicant of an NRMP-scale market (target: under 2 minutes on 2 cores).

Every applicant of the 47,000-applicant benchmark market (no couples), over all
truncations and adjacent swaps of their list (about 23 lists each), with the
kernel on two threads. The reference in the same run is one full re-match
(applicant-proposing deferred acceptance on the market with one list
replaced), which is what every candidate list would cost without the
incremental audit; ``extra_info`` reports the time per candidate list of both.
Compiling is left out by a warm-up round on a small market.
"""

from __future__ import annotations

import time

import pytest

from _markets import NRMP_APPLICANTS, market_of_size
from matchsim import deferred_acceptance
from matchsim.engine.audit import audit

SIZES = [pytest.param(1_000, id="1k"), pytest.param(10_000, id="10k"),
         pytest.param(NRMP_APPLICANTS, id="nrmp", marks=pytest.mark.big)]


@pytest.mark.benchmark(group="audit")
@pytest.mark.parametrize("n_applicants", SIZES)
def test_audit_every_applicant(benchmark, n_applicants):
    market = market_of_size(n_applicants)
    audit(market_of_size(1_000), threads=2)  # compile outside the timing
    res = benchmark.pedantic(audit, args=(market,), kwargs={"threads": 2}, rounds=1 if n_applicants > 10_000
                             else 3, iterations=1)
    a = 0
    lst = market.applicant_prefs(a)
    t = time.perf_counter()
    deferred_acceptance(market.with_applicant_list(a, lst[:-1]))
    rematch = time.perf_counter() - t
    assert res.n_gainers == 0
    if benchmark.stats is None:  # --benchmark-disable: the smoke run times nothing
        return
    per = benchmark.stats.stats.mean / res.n_candidates
    benchmark.extra_info.update(applicants=market.n_applicants, candidate_lists=res.n_candidates,
                                ms_per_candidate=per * 1e3, ms_full_rematch=rematch * 1e3,
                                speedup_per_candidate=rematch / per, gainers=res.n_gainers)


@pytest.mark.benchmark(group="audit")
@pytest.mark.parametrize("n_applicants", SIZES)
def test_reference_full_rematch(benchmark, n_applicants):
    market = market_of_size(n_applicants)
    lst = market.applicant_prefs(0)
    m2 = market.with_applicant_list(0, lst[:-1])
    benchmark.pedantic(deferred_acceptance, args=(m2,), rounds=5, iterations=1, warmup_rounds=1)
