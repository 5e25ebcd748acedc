"""Benchmarks for ``matchsim compare`` (issue 3 targets).

Targets:

* 20 programs, 5 candidate lists, 100,000 sampled Matches: under 1 s of
  computation (exact quadrature + the Monte Carlo check, as the command does),
  under 3 s end to end including start-up;
* ``--market``: a 500-applicant specialty, 1,000 simulated Matches, 5 lists:
  under 20 s.
* issue 10: 25 programs (12 primary, 5 of them advanced; 13 PGY-1), 5 lists and a
  supplemental list: the exact figures plus 100,000 sampled Matches under 1 s;
  ``compare --html`` under 2 s end to end in a fresh process.

Run::

    python -m pytest benchmarks/ -k advisor --benchmark-columns=min,mean,max,rounds

The end-to-end and ``--market`` benchmarks are marked ``big``: skipped in smoke
mode (``--benchmark-disable``) unless ``MATCHSIM_BENCH_FULL=1``.

Inputs are seeded and built outside the timing; JIT compilation is excluded
(``warmup_rounds=1``, or an explicit small warm-up call for the long market
run). The end-to-end figure starts a fresh Python process each round, so it
includes interpreter start-up, imports and loading the cached kernels.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from matchsim.advisor import compare_lists
from matchsim.advisor.market_mode import simulate_list_outcomes

N_PROGRAMS, N_LISTS, SAMPLES = 20, 5, 100_000


def _inputs(seed=0):
    rng = np.random.default_rng(seed)
    chance = rng.uniform(0.05, 0.7, N_PROGRAMS)
    pref = np.arange(1, N_PROGRAMS + 1)
    lists = {"honest": np.arange(N_PROGRAMS)}
    for i in range(1, N_LISTS):
        lists[f"variant {i}"] = rng.permutation(N_PROGRAMS)[: rng.integers(10, N_PROGRAMS + 1)]
    return chance, pref, lists


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory):
    chance, pref, lists = _inputs()
    path = tmp_path_factory.mktemp("advisor") / "twenty.csv"
    lines = ["program,preference,chance," + ",".join(lists)]
    for j in range(N_PROGRAMS):
        ranks = []
        for lst in lists.values():
            hit = np.flatnonzero(lst == j)
            ranks.append(str(hit[0] + 1) if hit.size else "")
        lines.append(f"Program {j + 1},{pref[j]},{chance[j]:.3f}," + ",".join(ranks))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_compute_20_programs_5_lists_100k_samples(benchmark):
    chance, pref, lists = _inputs()

    def work():
        exact = compare_lists(chance, pref, lists, 0.5)
        sampled = compare_lists(chance, pref, lists, 0.5, method="sample", n_samples=SAMPLES, rng=0)
        return exact, sampled

    exact, sampled = benchmark.pedantic(work, rounds=5, warmup_rounds=1)
    assert sampled.better.max() == 0.0 and exact.better.max() == 0.0


def _advanced_inputs(seed=0):
    """12 primary programs (5 advanced), 13 PGY-1 programs, 5 candidate lists, one supplemental list."""
    from matchsim.extensions import ADVANCED, CATEGORICAL, PRELIMINARY, TRANSITIONAL

    rng = np.random.default_rng(seed)
    tracks = np.array([CATEGORICAL] * 7 + [ADVANCED] * 5 + [PRELIMINARY] * 9 + [TRANSITIONAL] * 4, dtype=np.int8)
    rng.shuffle(tracks[:12])
    chance = np.concatenate([rng.uniform(0.05, 0.45, 12), rng.uniform(0.2, 0.7, 13)])
    pref = np.concatenate([np.arange(1, 13), np.zeros(13, dtype=np.int64)])
    pgy1 = np.concatenate([np.zeros(12, dtype=np.int64), np.arange(1, 14)])
    lists = {"honest": np.arange(12)}
    for i in range(1, N_LISTS):
        lists[f"variant {i}"] = rng.permutation(12)[: rng.integers(6, 13)]
    kw = dict(tracks=tracks, pgy1_preference=pgy1, supplemental=(np.arange(12, 25),),
              supplemental_names=("supplemental",), link=np.where(tracks == ADVANCED, 0, -1))
    return chance, pref, lists, kw


def test_compute_25_programs_advanced_and_supplemental_5_lists_100k_samples(benchmark):
    chance, pref, lists, kw = _advanced_inputs()

    def work():
        exact = compare_lists(chance, pref, lists, 0.5, **kw)
        sampled = compare_lists(chance, pref, lists, 0.5, method="sample", n_samples=SAMPLES, rng=0, **kw)
        return exact, sampled

    exact, sampled = benchmark.pedantic(work, rounds=5, warmup_rounds=1)
    assert np.abs(exact.tracks.pgy1 - sampled.tracks.pgy1).max() < 0.01
    assert sampled.better.max() == 0.0


@pytest.mark.big
def test_html_report_end_to_end_fresh_process(benchmark, tmp_path):
    out = tmp_path / "report.html"
    cmd = [sys.executable, "-m", "matchsim", "compare", "--example", "advanced", "--html", str(out)]

    def work():
        return subprocess.run(cmd, capture_output=True, text=True, check=True)

    benchmark.pedantic(work, rounds=3, warmup_rounds=1)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.big
def test_end_to_end_cold_start(benchmark, csv_file):
    cmd = [sys.executable, "-m", "matchsim", "compare", str(csv_file), "--samples", str(SAMPLES)]

    def work():
        return subprocess.run(cmd, capture_output=True, text=True, check=True)

    out = benchmark.pedantic(work, rounds=3, warmup_rounds=1)
    assert "How each list does" in out.stdout


@pytest.mark.big
@pytest.mark.parametrize("verify", [0, 100, 1000], ids=["lists-only", "menu-check-100", "menu-check-all"])
def test_market_mode_500_applicants_1000_markets_5_lists(benchmark, verify):
    chance, pref, lists = _inputs()
    simulate_list_outcomes(chance, pref, lists, n_applicants=60, n_markets=2, rng=0, verify=True)

    def work():
        return simulate_list_outcomes(chance, pref, lists, n_applicants=500, n_markets=1000,
                                      rng=0, verify=verify)

    run = benchmark.pedantic(work, rounds=1, warmup_rounds=0)
    assert run.comparison.better.max() == 0.0


@pytest.mark.big
@pytest.mark.parametrize("jobs", [1, 2])
def test_market_mode_with_supplemental_lists_500_applicants_1000_markets_5_lists(benchmark, jobs):
    """Issue 10: under 10 s on 2 cores. Needs the NRMP algorithm (matchsim.nrmp_match)."""
    from matchsim.advisor.market_tracks import nrmp_match_function

    try:
        nrmp_match_function()
    except ValueError:
        pytest.skip("the NRMP algorithm (matchsim.nrmp_match) is not merged yet")
    chance, pref, lists, kw = _advanced_inputs()
    simulate_list_outcomes(chance, pref, lists, n_applicants=60, n_markets=2, rng=0, **kw)  # compile

    def work():
        return simulate_list_outcomes(chance, pref, lists, n_applicants=500, n_markets=1000, rng=0, verify=0,
                                      jobs=jobs, **kw)

    run = benchmark.pedantic(work, rounds=1, warmup_rounds=0)
    assert run.comparison.better.max() == 0.0
