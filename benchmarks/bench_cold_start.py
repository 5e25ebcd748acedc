"""Figures that need a fresh process: cold start, memory, command start-up.

* **First call, cold and warm.** ``_probe.py first-call`` in a new Python
  process times the first ``deferred_acceptance`` at NRMP scale. Cold: numba's
  cache points at an empty folder (``NUMBA_CACHE_DIR``), so the kernels are
  compiled. Warm: the folder already holds them, so they are loaded. The
  benchmark time is the whole process (interpreter, imports, building the
  market, two matches); ``extra_info`` holds the first-call and import times.
* **Peak memory of a match** at NRMP scale, from the process's resident-set
  high-water mark (see ``_probe.py``; target under 100 MB).
* **Start-up of** ``matchsim match --example nrmp``, end to end, cold and warm
  (target under 3 s warm).

All are marked ``big``: skipped with ``--benchmark-disable`` unless
``MATCHSIM_BENCH_FULL=1``. Run with ``-s`` to see the figures printed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from _markets import NRMP_APPLICANTS

PROBE = Path(__file__).with_name("_probe.py")
pytestmark = pytest.mark.big


def _run(cmd, cache_dir):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir))
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def _probe(mode, proposing, cache_dir, n=NRMP_APPLICANTS):
    out = _run([sys.executable, str(PROBE), mode, str(n), proposing], cache_dir)
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory):
    path = tmp_path_factory.mktemp("numba_cache")
    for proposing in ("applicant", "program"):
        _probe("first-call", proposing, path)
    _run([sys.executable, "-m", "matchsim", "match", "--example", "nrmp"], path)
    return path


def _fresh_dir():
    return (tempfile.mkdtemp(prefix="matchsim_cold_"),), {}


@pytest.mark.benchmark(group="cold start")
@pytest.mark.parametrize("proposing", ["applicant", "program"])
@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_first_call(benchmark, proposing, cache, warm_cache):
    seen = []

    def run(cache_dir):
        seen.append(_probe("first-call", proposing, cache_dir))

    if cache == "cold":
        benchmark.pedantic(run, setup=_fresh_dir, rounds=2, iterations=1)
    else:
        benchmark.pedantic(run, args=(warm_cache,), rounds=3, iterations=1)
    last = seen[-1]
    benchmark.extra_info.update({k: round(v, 4) for k, v in last.items() if k.endswith("_s")})
    with_capsys_print(f"first call ({cache}, {proposing}-proposing, NRMP scale): "
                      f"{last['first_call_s']:.3f} s; import {last['import_s']:.3f} s; "
                      f"second call {last['second_call_s'] * 1e3:.1f} ms")
    assert last["second_call_s"] < last["first_call_s"] * 10


@pytest.mark.benchmark(group="memory")
@pytest.mark.parametrize("proposing", ["applicant", "program"])
def test_match_peak_memory(benchmark, proposing, warm_cache):
    seen = []
    benchmark.pedantic(lambda: seen.append(_probe("memory", proposing, warm_cache)), rounds=1, iterations=1)
    mem = seen[-1]
    benchmark.extra_info.update({k: round(v, 2) for k, v in mem.items() if k.endswith("_mb")})
    with_capsys_print(f"peak memory of a match ({proposing}-proposing, NRMP scale): "
                      f"{mem['match_peak_mb']:.1f} MB above a process of {mem['rss_before_mb']:.0f} MB "
                      f"(market arrays {mem['market_arrays_mb']:.1f} MB)")
    assert mem["peak_rss_mb"] >= mem["rss_before_mb"]


@pytest.mark.benchmark(group="cli start-up")
@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_matchsim_match_startup(benchmark, cache, warm_cache):
    cmd = [sys.executable, "-m", "matchsim", "match", "--example", "nrmp"]
    try:
        _run(cmd, warm_cache)
    except RuntimeError as err:  # the command is not there (yet)
        pytest.skip(str(err).splitlines()[0])
    outputs = []
    if cache == "cold":
        benchmark.pedantic(lambda d: outputs.append(_run(cmd, d)), setup=_fresh_dir, rounds=2, iterations=1)
    else:
        benchmark.pedantic(lambda: outputs.append(_run(cmd, warm_cache)), rounds=5, iterations=1)
    assert "Summary" in outputs[-1] or outputs[-1]


def with_capsys_print(line):
    # shown with -s; pytest-benchmark's table holds the timings either way
    print("\n" + line)
