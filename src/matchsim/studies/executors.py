"""Where trials run: in this process, on local worker processes, or on a Dask cluster.

Each executor is a context manager that starts its workers on entry (so that
a cluster that cannot be reached fails before anything is written) and stops
them on exit, and whose ``run(scenario, plan, record, should_stop)`` runs the
chunks of ``plan`` (an iterator of ``(first, stop)`` trial ranges, consumed
lazily), calls ``record(first, stop, columns)`` for every finished chunk in
this process, and stops starting new chunks once ``should_stop()`` is true.

A worker receives the (small) scenario and a range of trial numbers, derives
each trial's seed itself and sends back tidy column arrays: markets never
cross process boundaries. Local workers ignore Ctrl-C (the parent decides),
stop between two trials when the parent asks, and die with their parent even
when it is killed with SIGKILL (Linux: ``prctl(PR_SET_PDEATHSIG)``; elsewhere,
and as a second line of defence, a thread that watches the parent).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

from matchsim.errors import InputError

__all__ = ["EXECUTORS", "Dask", "Processes", "Serial", "run_chunk", "start_executor"]

#: The ways trials can be executed.
EXECUTORS = ("serial", "processes", "dask")

#: Seconds between two looks at the interrupt flag while waiting for workers.
POLL_SECONDS = 0.2


def run_chunk(scenario, first: int, stop: int, should_stop=None) -> dict | None:
    """Run trials ``first .. stop-1`` and return their rows as column arrays.

    This is what a worker executes; it needs nothing but the scenario and two
    integers. ``should_stop()`` is asked before each trial: when it says yes
    the chunk is abandoned and None returned (its trials are not finished).
    """
    import numpy as np

    from matchsim.studies.trial import run_trial

    parts = []
    for t in range(first, stop):
        if should_stop is not None and should_stop():
            return None
        parts.append(run_trial(scenario, t))
    parts = [p for p in parts if p is not None]
    if not parts:
        return {}
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


class Serial:
    """Run every chunk in this process, one after the other."""

    name = "serial"

    def __init__(self, jobs: int = 1):
        self.workers = 1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def run(self, scenario, plan, record, should_stop):
        for first, stop in plan:
            if should_stop():
                return
            columns = run_chunk(scenario, first, stop, should_stop)
            if columns is None:
                return
            record(first, stop, columns)


# ------------------------------------------------------------ local processes
_STOP = None  # in a worker: the parent's "stop between trials" event


def _die_with_parent(parent_pid: int) -> None:
    """End this worker when its parent process ends, however the parent ends."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="matchsim-parent-watch", daemon=True).start()


def _init_worker(parent_pid, stop_event):
    """Workers leave Ctrl-C to the parent, stop when it asks, and die with it."""
    global _STOP

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _STOP = stop_event
    _die_with_parent(parent_pid)


def _worker_chunk(scenario, first, stop):
    return run_chunk(scenario, first, stop, None if _STOP is None else _STOP.is_set)


class Processes:
    """Run chunks on ``jobs`` local worker processes, a few chunks in flight per worker."""

    name = "processes"

    def __init__(self, jobs: int):
        self.workers = jobs
        self.pool = None

    def __enter__(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork starts workers in milliseconds with matchsim and the compiled
        # kernels already loaded; other platforms use their default
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        ctx = multiprocessing.get_context(method)
        self.stop_event = ctx.Event()
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_init_worker,
                                        initargs=(os.getpid(), self.stop_event))
        return self

    def __exit__(self, *exc):
        self.stop_event.set()  # running chunks end after their current trial
        self.pool.shutdown(wait=True, cancel_futures=True)

    def run(self, scenario, plan, record, should_stop):
        from concurrent.futures import FIRST_COMPLETED, wait

        plan = iter(plan)
        pending = {}
        while True:
            while not should_stop() and len(pending) < 2 * self.workers:
                chunk = next(plan, None)
                if chunk is None:
                    break
                pending[self.pool.submit(_worker_chunk, scenario, *chunk)] = chunk
            if not pending:
                return
            if should_stop():
                self.stop_event.set()
                for fut in pending:
                    fut.cancel()
            finished, _ = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for fut in sorted(finished, key=pending.get):
                first, stop = pending.pop(fut)
                columns = None if fut.cancelled() else fut.result()
                if columns is not None:
                    record(first, stop, columns)


# ------------------------------------------------------------ Dask
class Dask:
    """Run chunks on a Dask cluster: a local one started for the run, or one at ``scheduler``."""

    name = "dask"

    def __init__(self, jobs: int, scheduler: str | None = None):
        self.jobs = jobs
        self.scheduler = scheduler
        self.workers = jobs
        self.cluster = self.client = None

    def __enter__(self):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise InputError("Dask is not installed; install it with: python -m pip install 'matchsim[dask]'",
                             column="--dask" if self.scheduler is None else "--scheduler") from None
        try:
            if self.scheduler is None:
                self.cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                            dashboard_address=None)
                self.client = Client(self.cluster)
            else:
                try:
                    self.client = Client(self.scheduler, timeout="5s")
                except (OSError, TimeoutError) as exc:
                    raise InputError(f"cannot reach the Dask scheduler at {self.scheduler} ({exc}); "
                                     "check the address and that the scheduler is running",
                                     column="--scheduler") from None
            self.workers = max(len(self.client.scheduler_info().get("workers", {})), 1)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def run(self, scenario, plan, record, should_stop):
        from dask.distributed import wait

        token = self.client.scatter(scenario, broadcast=True)
        plan = iter(plan)
        pending = {}
        while True:
            while not should_stop() and len(pending) < 4 * self.workers:
                chunk = next(plan, None)
                if chunk is None:
                    break
                pending[self.client.submit(run_chunk, token, *chunk, pure=False)] = chunk
            if not pending:
                return
            if should_stop():
                self.client.cancel(list(pending))
                return
            try:
                finished = wait(list(pending), timeout=POLL_SECONDS, return_when="FIRST_COMPLETED").done
            except TimeoutError:
                continue
            for fut in sorted(finished, key=pending.get):
                first, stop = pending.pop(fut)
                record(first, stop, fut.result())


def start_executor(executor: str, jobs: int, scheduler: str | None = None):
    """The executor named ``executor`` (one of :data:`EXECUTORS`), not yet started."""
    if executor == "serial":
        return Serial(jobs)
    if executor == "processes":
        return Processes(jobs)
    if executor == "dask":
        return Dask(jobs, scheduler)
    raise ValueError(f"executor must be one of {EXECUTORS}, got {executor!r}")
