"""Benchmarks for Monte Carlo studies (issue 4 targets).

Targets:

* one NRMP-scale trial (generate the 2025 Main Match market, build a
  strategy's list, run the Match, collect outcomes): under 1.5 s;
* a 1,000-trial study on a PM&R-sized market (about 500 applicants; the
  shipped ``truthful_vs_strategies`` scenario: 10 focal applicants x 5
  strategies = 51 matches per trial): under 30 s on 2 cores (``--jobs 2``);
* ``--jobs 2`` at least 1.7x faster than serial on a 2-core machine
  (compare the two ``jobs`` rows of the ``throughput`` group, measured in the
  same run).

Run::

    python -m pytest benchmarks/bench_studies.py --benchmark-columns=min,mean,max,rounds

Inputs are seeded and built outside the timing. JIT compilation is excluded
(``warmup_rounds=1``; for the long runs a one-trial warm-up in this process
first, which forked worker processes inherit).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matchsim.studies import load_scenario, parse_scenario, run_study, run_trial

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

NRMP_TRIAL = parse_scenario(
    '[study]\nkind = "strategies"\ntrials = 10\nseed = 1\n'
    '[market]\npreset = "nrmp2025"\n'
    '[strategies]\nfocal = 1\ncompare = ["safety_first"]\n'
)


def test_nrmp_scale_trial(benchmark):
    """Generate + strategy list + match (truthful and deviating) + outcome rows, at 47,208 applicants."""
    rows = benchmark.pedantic(run_trial, args=(NRMP_TRIAL, 0), rounds=5, iterations=1, warmup_rounds=1)
    assert rows["trial"].size == 2


def _strategies(trials):
    return load_scenario(SCENARIOS / "truthful_vs_strategies.toml").with_trials(trials)


@pytest.mark.big
def test_pmr_study_1000_trials_on_2_cores(benchmark):
    s = _strategies(1000)
    run_study(s.with_trials(1))  # compile / load kernels once; forked workers inherit them
    run = benchmark.pedantic(run_study, args=(s,), kwargs={"jobs": 2}, rounds=1, iterations=1)
    assert run.trials_run == 1000 and run.executor == "processes"


@pytest.mark.big
@pytest.mark.benchmark(group="throughput")
@pytest.mark.parametrize("jobs", [1, 2])
def test_throughput_serial_vs_2_processes(benchmark, jobs):
    s = _strategies(400)
    run_study(s.with_trials(1))
    run = benchmark.pedantic(run_study, args=(s,), kwargs={"jobs": jobs}, rounds=2, iterations=1)
    assert run.trials_run == 400


@pytest.mark.parametrize("name", sorted(p.stem for p in SCENARIOS.glob("*.toml")))
def test_one_trial_of_each_shipped_scenario(benchmark, name):
    s = load_scenario(SCENARIOS / f"{name}.toml")
    benchmark.pedantic(run_trial, args=(s, 0), rounds=5, iterations=1, warmup_rounds=1)
