"""Reading and checking a market from files at NRMP scale (matchsim.io).

Target (issue 2, point 2): an NRMP-sized CSV folder
(47,000 applicants, about 560,000 applicant ranks and 470,000 program ranks)
read and fully checked in about a second. The files are written once, outside
the timing; each round parses, checks every list rule and builds the Market.
"""

from __future__ import annotations

import numpy as np
import pytest

from _markets import NRMP_APPLICANTS, market_of_size
from matchsim.io import read_market, write_market


@pytest.fixture(scope="module")
def market_files(tmp_path_factory):
    made = {}

    def files(n_applicants, kind):
        if (n_applicants, kind) not in made:
            root = tmp_path_factory.mktemp(f"io_{n_applicants}_{kind.replace('.', '_')}")
            path = root / kind
            write_market(market_of_size(n_applicants), path,
                         format={"csv": "csv", "parquet": "parquet", "market.json": "json"}[kind])
            made[n_applicants, kind] = path
        return made[n_applicants, kind]

    return files


@pytest.mark.benchmark(group="read market")
@pytest.mark.parametrize("kind", ["csv", "parquet", "market.json"])
@pytest.mark.parametrize(
    "n_applicants", [pytest.param(10_000, id="10k"), pytest.param(NRMP_APPLICANTS, id="nrmp", marks=pytest.mark.big)]
)
def test_read_market(benchmark, market_files, n_applicants, kind):
    m = market_of_size(n_applicants)
    path = market_files(n_applicants, kind)
    benchmark.extra_info["list_entries"] = int(m.applicant_list.size + m.program_list.size)
    got = benchmark.pedantic(read_market, args=(path,), rounds=5, iterations=1, warmup_rounds=1)
    np.testing.assert_array_equal(got.applicant_list, m.applicant_list)
    np.testing.assert_array_equal(got.program_list, m.program_list)
