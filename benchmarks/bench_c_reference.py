"""matchsim against the plain C reference, inside pytest.

The full comparison, alternating the two programs and printing ratios, is
``python benchmarks/compare_c.py``; this file runs it on one small market in
smoke mode (and at NRMP scale when benchmarking) and checks that the two
implementations give the same matching. Skipped when the C source or gcc is
missing.
"""

from __future__ import annotations

import pytest

import compare_c
from _markets import NRMP_APPLICANTS, market_of_size


@pytest.fixture(scope="module")
def c_program(tmp_path_factory):
    found = compare_c.find_compiler_and_source(compare_c.DEFAULT_SOURCE)
    if found is None:
        pytest.skip("C reference or gcc not available")
    workdir = tmp_path_factory.mktemp("c_reference")
    return compare_c.compile_reference(*found, workdir), workdir


@pytest.mark.benchmark(group="C reference")
@pytest.mark.parametrize(
    "n_applicants", [pytest.param(10_000, id="10k"), pytest.param(NRMP_APPLICANTS, id="nrmp", marks=pytest.mark.big)]
)
def test_same_matching_and_ratio_to_c(benchmark, c_program, n_applicants):
    exe, workdir = c_program
    rows = []
    benchmark.pedantic(
        lambda: rows.append(compare_c.compare(market_of_size(n_applicants), str(n_applicants), exe, workdir,
                                              rounds=3, repeats=11)),
        rounds=1, iterations=1,
    )
    row = rows[-1]
    benchmark.extra_info.update({k: v for k, v in row.items() if isinstance(v, (int, float))})
    print()
    compare_c.print_table([row])
    assert row["same_matching_as_c"]
    assert row["proposals"] == row["c_proposals"]
