"""Run a study's trials serially, on local processes or on a Dask cluster.

Trials are cut into chunks of consecutive trial numbers, planned lazily (a
study of a billion trials starts at once and holds one chunk at a time).
Because a trial depends only on ``(seed, trial number)``, the rows are
identical, bit for bit, whichever executor ran them and in whatever order
chunks finished; the final table is put together in trial order.

With an output folder (a :class:`~matchsim.studies.folder.StudyFolder`),
every finished chunk is saved at once to ``DIR/parts/``; an interrupted run
keeps all finished chunks, and ``resume=True`` runs only the trials not yet
saved and ends with the same table as an uninterrupted run. Nothing is
written before the study has been checked and its workers have started.

Ctrl-C (SIGINT) never raises inside a running trial: it asks the run to stop
after the current trial; the finished chunks are kept and
:attr:`StudyRun.interrupted` is True.
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, field

import numpy as np

from matchsim.studies.executors import EXECUTORS, run_chunk, start_executor
from matchsim.studies.folder import StudyFolder, now
from matchsim.studies.interrupt import stop_on_interrupt

__all__ = ["EXECUTORS", "StudyRun", "auto_chunk", "chunks_to_run", "done_trials", "plan_chunks",
           "read_parts", "run_chunk", "run_study", "stop_on_interrupt"]


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


def chunks_to_run(trials: int, done, chunk: int):
    """Yield, lazily, the chunks of trials ``0 .. trials-1`` not in the ``done`` ranges.

    Each chunk is a range ``(first, stop)`` of at most ``chunk`` consecutive
    trials; the same chunks as :func:`plan_chunks` of the trials left, but
    without ever listing them.

    Examples
    --------
    >>> list(chunks_to_run(10, [(2, 4), (6, 7)], 3))
    [(0, 2), (4, 6), (7, 10)]
    >>> next(chunks_to_run(10**12, [], 50))
    (0, 50)
    """
    if chunk <= 0:
        raise ValueError(f"chunk must be a positive number of trials, got {chunk}")
    pos = 0
    for first, stop in [*sorted(done), (trials, trials)]:
        first = min(first, trials)
        while pos < first:
            end = min(pos + chunk, first)
            yield pos, end
            pos = end
        pos = max(pos, min(stop, trials))


def auto_chunk(trials: int, workers: int) -> int:
    """Trials per chunk: about 8 chunks per worker, between 1 and 50 trials.

    Examples
    --------
    >>> auto_chunk(1000, 2), auto_chunk(10, 2), auto_chunk(100_000, 2)
    (50, 1, 50)
    """
    return int(min(50, max(1, math.ceil(trials / (8 * max(workers, 1))))))


def done_trials(out) -> set[int]:
    """Trial numbers already saved in ``out/parts``."""
    return {t for first, stop in StudyFolder(out).done() for t in range(first, stop)}


def read_parts(out, trials: int | None = None):
    """All saved rows of a study folder as one DataFrame, in trial order (trials below ``trials``)."""
    return StudyFolder(out).read_results(trials)


# ------------------------------------------------------------ running
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
    summary : pandas.DataFrame or None
        The summary table (None when interrupted).
    out : StudyFolder or None
        The output folder.
    files : list of str
        Files written into the folder at the end.
    warnings : list of str
        Things the user should know (e.g. no plots without matplotlib).
    """

    results: object
    executor: str
    workers: int
    trials_run: int
    trials_resumed: int
    seconds: float
    interrupted: bool = False
    summary: object = None
    out: StudyFolder | None = None
    files: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def _frame(chunks):
    """Rows from in-memory chunk results, in trial order."""
    import pandas as pd

    cols = [chunks[k] for k in sorted(chunks) if chunks[k]]
    if not cols:
        return pd.DataFrame()
    return pd.DataFrame({k: np.concatenate([c[k] for c in cols]) for k in cols[0]})


def run_study(scenario, out=None, *, jobs: int = 1, dask: bool = False, scheduler: str | None = None,
              resume: bool = False, force: bool = False, chunk: int | None = None, progress=None,
              plots: bool = False, stop_after: int | None = None) -> StudyRun:
    """Run every trial of ``scenario`` and return the tidy results.

    Parameters
    ----------
    scenario : Scenario
        The study (see :mod:`matchsim.studies.scenario`).
    out : path, optional
        The study folder: checkpoints, then ``results.parquet``,
        ``summary.csv``, ``manifest.json`` (and the plot with ``plots``).
        Without it nothing is written and nothing can be resumed.
    jobs : int
        Local worker processes (1 = run in this process). With ``dask`` the
        number of workers of the local Dask cluster.
    dask : bool
        Run on a Dask ``LocalCluster`` started for this run.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``).
    resume : bool
        Skip trials already saved in ``out``.
    force : bool
        Replace a study already in ``out``.
    chunk : int, optional
        Trials per chunk (default: the scenario's ``chunk``, else automatic).
    progress : callable, optional
        Called as ``progress(done_trials, total_trials)`` after each chunk.
    plots : bool
        Draw the study's plot into ``out`` (needs matplotlib).
    stop_after : int, optional
        Stop (as if interrupted) once this many chunks are done; for tests of
        resuming.

    Returns
    -------
    StudyRun

    Raises
    ------
    InputError
        If the folder may not be written (another run holds it, it holds
        another study...), if the Dask extra is missing or the scheduler
        cannot be reached. Nothing is written then.
    ValueError
        If ``jobs`` is below 1.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a whole number of processes, 1 or more, got {jobs!r}")
    started_at = time.perf_counter()
    started = now()
    name = "dask" if (dask or scheduler) else ("processes" if jobs > 1 else "serial")
    folder = StudyFolder(out) if out is not None else None
    if folder is not None:
        folder.check(scenario, resume=resume, force=force)
    finished, count, chunks_done = {}, [0, 0], [0]  # chunks in memory; trials (resumed, run)

    with stop_on_interrupt() as interrupt, start_executor(name, jobs, scheduler) as executor:

        def should_stop():
            return interrupt.is_set() or (stop_after is not None and chunks_done[0] >= stop_after)

        def record(first, stop, columns):
            if stop_after is not None and chunks_done[0] >= stop_after:
                return
            if folder is not None:
                folder.write_part(first, stop, columns)
            else:
                finished[first] = columns
            chunks_done[0] += 1
            count[1] += stop - first
            if progress is not None:
                progress(sum(count), scenario.trials)

        def result(**kw):
            return StudyRun(executor=executor.name, workers=executor.workers, trials_resumed=count[0],
                            trials_run=count[1], seconds=time.perf_counter() - started_at, out=folder, **kw)

        if interrupt.is_set():  # before anything was written
            return result(results=_frame({}), interrupted=True)
        if folder is not None:
            folder.open(scenario, resume=resume, force=force, executor=executor.name, workers=jobs,
                        started=started)
        with folder if folder is not None else contextlib.nullcontext():
            done = folder.done(scenario.trials) if (folder is not None and resume) else []
            count[0] = sum(b - a for a, b in done)
            size = chunk or scenario.chunk or auto_chunk(scenario.trials, jobs)
            if progress is not None:
                progress(count[0], scenario.trials)
            executor.run(scenario, chunks_to_run(scenario.trials, done, size), record, should_stop)
            complete = sum(count) == scenario.trials
            run = {"started": started, "finished": now(), "executor": executor.name,
                   "workers": executor.workers, "trials_run": count[1], "trials_resumed": count[0],
                   "seconds": round(time.perf_counter() - started_at, 3), "interrupted": not complete}
            results = _frame(finished) if folder is None else folder.read_results(scenario.trials)
            if not complete:
                if folder is not None:
                    folder.interrupted(run)
                return result(results=results, interrupted=True)
            from matchsim.studies.summary import summarize

            summary = summarize(scenario.kind, results)
            files, warnings = [], []
            if folder is not None:
                files, warnings = folder.finalize(scenario, results, summary, run, plot=plots)
            return result(results=results, summary=summary, files=files, warnings=warnings,
                          interrupted=interrupt.is_set())
