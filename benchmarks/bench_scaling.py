"""How the match time grows with the market: 10,000 to 200,000 applicants.

Each size keeps the NRMP's proportions. The time per applicant list entry
(median time divided by the number of ranks on all applicant lists) should
stay roughly flat: the algorithm is linear in the number of list entries, up
to cache effects once the arrays outgrow the processor's caches.
Run with ``-s`` to see the table printed at the end.
"""

from __future__ import annotations

import statistics

import pytest

from _markets import market_of_size
from matchsim import deferred_acceptance

SCALING_SIZES = [10_000, 20_000, 50_000, 100_000, 200_000]
_rows = []


@pytest.mark.big
@pytest.mark.benchmark(group="scaling")
@pytest.mark.parametrize("proposing", ["applicant", "program"])
@pytest.mark.parametrize("n_applicants", SCALING_SIZES)
def test_scaling(benchmark, n_applicants, proposing):
    market = market_of_size(n_applicants)
    result = benchmark.pedantic(
        deferred_acceptance, args=(market, proposing), rounds=10, iterations=1, warmup_rounds=1
    )
    entries = int(market.applicant_list.size)
    stats = getattr(benchmark, "stats", None)
    if stats is not None and stats.stats.data:
        median_s = statistics.median(stats.stats.data)
        ns_per_entry = median_s * 1e9 / entries
        benchmark.extra_info.update(list_entries=entries, ns_per_list_entry=round(ns_per_entry, 2))
        _rows.append((proposing, n_applicants, entries, median_s * 1e3, ns_per_entry))
    assert result.n_matched > 0


def teardown_module(module):
    if not _rows:
        return
    print("\nscaling: median time per applicant list entry")
    print(f"{'proposing':>10} {'applicants':>10} {'entries':>10} {'median ms':>10} {'ns/entry':>9}")
    for proposing, n, entries, ms, ns in sorted(_rows):
        print(f"{proposing:>10} {n:>10,} {entries:>10,} {ms:>10.2f} {ns:>9.1f}")
