"""matchsim against plain C programs of the same design, inside pytest.

The full comparison, alternating the contenders call by call and printing
min / median / max and ratios, is ``python benchmarks/compare_c.py``; this
file runs it on one small market in smoke mode (and at NRMP scale when
benchmarking) and checks that matchsim gives the C programs' matchings and
numbers of proposals, both sides. The program-proposing C program ships in
``benchmarks/``; the applicant-proposing reference is used when present.
Skipped without gcc.
"""

from __future__ import annotations

import numpy as np
import pytest

import compare_c
from _markets import NRMP_APPLICANTS, market_of_size
from matchsim import Market


@pytest.fixture(scope="module")
def c_programs(tmp_path_factory):
    c = compare_c.build(tmp_path_factory.mktemp("c_programs"))
    if c is None:
        pytest.skip("gcc not available")
    return c


@pytest.mark.benchmark(group="C programs")
@pytest.mark.parametrize(
    "n_applicants", [pytest.param(10_000, id="10k"), pytest.param(NRMP_APPLICANTS, id="nrmp", marks=pytest.mark.big)]
)
def test_same_matching_and_ratio_to_c(benchmark, c_programs, n_applicants):
    rows = []
    benchmark.pedantic(lambda: rows.append(compare_c.compare(market_of_size(n_applicants), f"{n_applicants:,}",
                                                             c_programs, rounds=5)),
                       rounds=1, iterations=1)
    row = rows[-1]
    for side, s in row["sides"].items():
        if not s.get("skipped"):
            benchmark.extra_info[f"{side}_ratio"] = s["ratio_of_medians"]
    print()
    compare_c.print_table([row])
    assert compare_c.agrees(row)
    assert not row["sides"]["program"].get("skipped")  # the shipped C program always runs


@pytest.mark.parametrize("seed", range(20))
def test_program_proposing_c_agrees_on_small_random_markets(c_programs, seed):
    """The shipped C program itself: same program-optimal matching and offers as matchsim,
    on markets with one-sided entries, zero capacities and empty lists."""
    rng = np.random.default_rng(seed)
    n_a, n_p = int(rng.integers(1, 60)), int(rng.integers(1, 12))
    a_rows = [rng.permutation(n_p)[:rng.integers(0, n_p + 1)] for _ in range(n_a)]
    p_rows = [rng.permutation(n_a)[:rng.integers(0, n_a + 1)] for _ in range(n_p)]
    m = Market.from_lists(a_rows, p_rows, rng.integers(0, 4, n_p))
    row = compare_c.compare(m, "random", c_programs, rounds=1)
    assert compare_c.agrees(row), row
