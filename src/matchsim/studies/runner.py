"""Run a study's trials serially, on local processes or on a Dask cluster.

Trials are cut into chunks of consecutive trial numbers. A worker receives the
(small) scenario and a range of trial numbers, derives each trial's seed
itself and sends back tidy column arrays: markets never cross process
boundaries. Because a trial depends only on ``(seed, trial number)``, the rows
are identical, bit for bit, whichever executor ran them and in whatever order
chunks finished; the final table is put together in trial order.

Checkpointing: with an output folder, every finished chunk is written at once
to ``DIR/parts/part-<first>-<stop>.parquet`` (written to a temporary name,
then renamed, so a crash never leaves half a file). An interrupted run keeps
all finished chunks; ``resume=True`` reads which trials are done from the part
names, runs only the others, and ends with the same table as an uninterrupted
run.
"""

from __future__ import annotations

import math
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matchsim.errors import InputError
from matchsim.studies.trial import run_trial

__all__ = ["EXECUTORS", "StudyRun", "run_chunk", "run_study", "plan_chunks", "done_trials", "read_parts"]

#: The ways trials can be executed.
EXECUTORS = ("serial", "processes", "dask")

_PART = re.compile(r"^part-(\d{6,})-(\d{6,})\.parquet$")


def run_chunk(scenario, first: int, stop: int) -> dict:
    """Run trials ``first .. stop-1`` and return their rows as column arrays.

    This is what a worker executes; it needs nothing but the scenario and two
    integers.
    """
    parts = [run_trial(scenario, t) for t in range(first, stop)]
    parts = [p for p in parts if p is not None]
    if not parts:
        return {}
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def plan_chunks(trials, chunk: int) -> list[tuple[int, int]]:
    """Cut a sorted collection of trial numbers into runs of consecutive trials.

    Each run holds at most ``chunk`` trials.

    Examples
    --------
    >>> plan_chunks(range(7), 3)
    [(0, 3), (3, 6), (6, 7)]
    >>> plan_chunks([0, 1, 4, 5, 6], 2)
    [(0, 2), (4, 6), (6, 7)]
    """
    if chunk <= 0:
        raise ValueError(f"chunk must be a positive number of trials, got {chunk}")
    out = []
    trials = sorted(trials)
    i = 0
    while i < len(trials):
        first = trials[i]
        stop = first + 1
        i += 1
        while i < len(trials) and trials[i] == stop and stop - first < chunk:
            stop += 1
            i += 1
        out.append((first, stop))
    return out


def auto_chunk(trials: int, workers: int) -> int:
    """Trials per chunk: about 8 chunks per worker, between 1 and 50 trials.

    Examples
    --------
    >>> auto_chunk(1000, 2), auto_chunk(10, 2), auto_chunk(100_000, 2)
    (50, 1, 50)
    """
    return int(min(50, max(1, math.ceil(trials / (8 * max(workers, 1))))))


def _part_name(first, stop):
    return f"part-{first:06d}-{stop:06d}.parquet"


def done_trials(out) -> set[int]:
    """Trial numbers already saved in ``out/parts``."""
    parts = Path(out) / "parts"
    done: set[int] = set()
    if parts.is_dir():
        for f in parts.iterdir():
            m = _PART.match(f.name)
            if m:
                done.update(range(int(m.group(1)), int(m.group(2))))
    return done


def _write_part(out, first, stop, columns):
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = Path(out) / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    table = pa.table({k: pa.array(v) for k, v in columns.items()}) if columns else pa.table({})
    tmp = parts / f".{_part_name(first, stop)}.{os.getpid()}.tmp"
    pq.write_table(table, tmp)
    os.replace(tmp, parts / _part_name(first, stop))


def read_parts(out, trials: int | None = None):
    """All saved rows of a study folder as one DataFrame, in trial order.

    Parameters
    ----------
    out : path
        The study folder.
    trials : int, optional
        Keep only trials below this number.
    """
    import pandas as pd
    import pyarrow.parquet as pq

    parts = Path(out) / "parts"
    files = []
    for f in parts.iterdir() if parts.is_dir() else ():
        m = _PART.match(f.name)
        if m:
            files.append((int(m.group(1)), int(m.group(2)), f))
    files.sort()
    tables = [pq.read_table(f) for first, _, f in files if trials is None or first < trials]
    tables = [t for t in tables if t.num_columns]
    if not tables:
        return pd.DataFrame()
    import pyarrow as pa

    df = pa.concat_tables(tables).to_pandas()
    if trials is not None and "trial" in df:
        df = df[df["trial"] < trials].reset_index(drop=True)
    return df


def _frame(chunks):
    """Rows from in-memory chunk results, in trial order."""
    import pandas as pd

    cols = [chunks[k] for k in sorted(chunks) if chunks[k]]
    if not cols:
        return pd.DataFrame()
    return pd.DataFrame({k: np.concatenate([c[k] for c in cols]) for k in cols[0]})


@dataclass
class StudyRun:
    """What :func:`run_study` did.

    Attributes
    ----------
    results : pandas.DataFrame
        All rows, in trial order.
    executor : str
        ``"serial"``, ``"processes"`` or ``"dask"``.
    workers : int
        Processes or Dask workers used.
    trials_run, trials_resumed : int
        Trials computed now, and trials read back from an earlier run.
    seconds : float
        Wall-clock time of this run.
    interrupted : bool
        True when the run stopped early (Ctrl-C); finished chunks are saved.
    """

    results: object
    executor: str
    workers: int
    trials_run: int
    trials_resumed: int
    seconds: float
    interrupted: bool = False


def run_study(scenario, out=None, *, jobs: int = 1, dask: bool = False, scheduler: str | None = None,
              resume: bool = False, chunk: int | None = None, progress=None,
              stop_after: int | None = None) -> StudyRun:
    """Run every trial of ``scenario`` and return the tidy results.

    Parameters
    ----------
    scenario : Scenario
        The study (see :mod:`matchsim.studies.scenario`).
    out : path, optional
        Folder for checkpoints (``out/parts``). Without it nothing is written
        and nothing can be resumed.
    jobs : int
        Local worker processes (1 = run in this process). With ``dask`` the
        number of workers of the local Dask cluster.
    dask : bool
        Run on a Dask ``LocalCluster`` started for this run.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``).
    resume : bool
        Skip trials already saved in ``out/parts``.
    chunk : int, optional
        Trials per chunk (default: the scenario's ``chunk``, else automatic).
    progress : callable, optional
        Called as ``progress(done_trials, total_trials)`` after each chunk.
    stop_after : int, optional
        Stop (as if interrupted) once this many chunks are done; for tests of
        resuming.

    Returns
    -------
    StudyRun

    Raises
    ------
    InputError
        If the Dask extra is missing or the scheduler cannot be reached.
    ValueError
        If ``jobs`` is below 1.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a whole number of processes, 1 or more, got {jobs!r}")
    started = time.perf_counter()
    executor = "dask" if (dask or scheduler) else ("processes" if jobs > 1 else "serial")
    done = done_trials(out) if (out is not None and resume) else set()
    done = {t for t in done if t < scenario.trials}
    todo = [t for t in range(scenario.trials) if t not in done]
    workers = jobs
    size = chunk or scenario.chunk or auto_chunk(scenario.trials, workers)
    plan = plan_chunks(todo, size)
    total = scenario.trials
    finished = {}
    count = [len(done)]
    interrupted = False

    def record(first, stop, columns):
        if out is not None:
            _write_part(out, first, stop, columns)
        finished[first] = columns
        count[0] += stop - first
        if progress is not None:
            progress(count[0], total)

    if progress is not None:
        progress(count[0], total)
    try:
        if executor == "serial":
            for i, (first, stop) in enumerate(plan):
                if stop_after is not None and i >= stop_after:
                    interrupted = True
                    break
                record(first, stop, run_chunk(scenario, first, stop))
        elif executor == "processes":
            interrupted = _run_processes(scenario, plan, jobs, record, stop_after)
        else:
            workers, interrupted = _run_dask(scenario, plan, jobs, scheduler, record, stop_after)
    except KeyboardInterrupt:
        interrupted = True
    if out is not None:
        results = read_parts(out, scenario.trials)
    else:
        results = _frame(finished)
    return StudyRun(results, executor, workers, sum(b - a for a, b in plan if a in finished),
                    len(done), time.perf_counter() - started, interrupted)


def _ignore_sigint():
    """Workers leave Ctrl-C to the parent, which saves what is finished and stops them."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_processes(scenario, plan, jobs, record, stop_after):
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # fork starts workers in milliseconds with matchsim and the compiled
    # kernels already loaded; other platforms use their default
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    ctx = multiprocessing.get_context(method)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_ignore_sigint)
    n_done = 0
    try:
        # keep a few chunks in flight per worker, so an interruption wastes little
        pending = {}
        queue = list(plan)
        while queue or pending:
            while queue and len(pending) < 2 * jobs:
                first, stop = queue.pop(0)
                pending[pool.submit(run_chunk, scenario, first, stop)] = (first, stop)
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in sorted(finished, key=lambda f: pending[f]):
                first, stop = pending.pop(fut)
                record(first, stop, fut.result())
                n_done += 1
            if stop_after is not None and n_done >= stop_after:
                return True
        return False
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(scenario, plan, jobs, scheduler, record, stop_after):
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InputError("Dask is not installed; install it with: python -m pip install 'matchsim[dask]'",
                         column="--dask" if scheduler is None else "--scheduler") from None
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        else:
            try:
                client = Client(scheduler, timeout="5s")
            except (OSError, TimeoutError) as exc:
                raise InputError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); "
                                 "check the address and that the scheduler is running",
                                 column="--scheduler") from None
        with client:
            workers = max(len(client.scheduler_info().get("workers", {})), 1)
            token = client.scatter(scenario, broadcast=True)
            futures = {client.submit(run_chunk, token, first, stop, pure=False): (first, stop)
                       for first, stop in plan}
            n_done = 0
            for fut in as_completed(futures):
                first, stop = futures[fut]
                record(first, stop, fut.result())
                n_done += 1
                if stop_after is not None and n_done >= stop_after:
                    for f in futures:
                        f.cancel()
                    return workers, True
        return workers, False
    finally:
        if cluster is not None:
            cluster.close()
