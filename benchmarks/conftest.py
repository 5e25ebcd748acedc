"""Shared set-up for matchsim's benchmarks (pytest-benchmark).

Run everything::

    python -m pytest benchmarks/ --benchmark-only

or as a quick smoke test (each benchmark runs once, big sizes skipped)::

    python -m pytest benchmarks --benchmark-disable -q

Files are named ``bench_*.py`` (collected through ``python_files`` in
pyproject.toml); ``testpaths`` leaves this folder out, so they never run with
the unit tests. Markets are built once per session from fixed seeds,
outside the timing.

Environment variables
---------------------
MATCHSIM_BENCH_FULL=1
    In ``--benchmark-disable`` mode, run the NRMP-scale sizes, the scaling
    sweep and the subprocess measurements (cold start, memory, CLI start-up)
    too; they always run when benchmarking.
MATCHSIM_BENCH_SLOW=1
    Also run the peer package ``matching`` at 20,000 applicants (about a
    minute).
"""

from __future__ import annotations

import os

import pytest

from _markets import market_of_size  # noqa: F401  (re-exported for the bench files)


def _benchmark_disabled(config) -> bool:
    try:
        return bool(config.getoption("benchmark_disable"))
    except ValueError:
        return True


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "big: NRMP-scale or subprocess benchmark, skipped in smoke mode (--benchmark-disable)"
    )


def pytest_collection_modifyitems(config, items):
    if not _benchmark_disabled(config) or os.environ.get("MATCHSIM_BENCH_FULL") == "1":
        return
    skip = pytest.mark.skip(reason="big benchmark: skipped with --benchmark-disable (set MATCHSIM_BENCH_FULL=1)")
    for item in items:
        if "big" in item.keywords:
            item.add_marker(skip)
